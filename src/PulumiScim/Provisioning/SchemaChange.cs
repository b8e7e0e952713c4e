// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

namespace PulumiScim.Provisioning;

/// <summary>Where the <c>userName</c> mapping takes its value from.</summary>
public enum UserNameSource
{
    /// <summary><c>[mailNickname]</c>: the seed guide (Pulumi's 2021 Entra guide).</summary>
    MailNickname,

    /// <summary><c>[userPrincipalName]</c>: Pulumi's current Entra guide.</summary>
    UserPrincipalName,
}

/// <summary>When Entra applies the <c>userName</c> mapping ("Apply this mapping" in the portal).</summary>
public enum UserNameFlow
{
    /// <summary>Only during object creation (<c>flowType</c> <c>ObjectAddOnly</c>): Pulumi usernames are immutable.</summary>
    CreateOnly,

    /// <summary>Always (<c>flowType</c> <c>Always</c>): the 2021 guide's setting; Pulumi rejects later changes with 400 mutability.</summary>
    Always,
}

/// <summary>What a <see cref="SchemaChange"/> edits in the provisioning job's schema.</summary>
public enum SchemaChangeKind
{
    /// <summary>The User object mapping ("Provision ... Users") is switched on.</summary>
    EnableUserObjectMapping,

    /// <summary>The <c>userName</c> mapping gets a new source attribute.</summary>
    SetUserNameSource,

    /// <summary>The <c>userName</c> mapping gets a new <c>flowType</c> ("Apply this mapping").</summary>
    SetFlowType,

    /// <summary>A user mapping becomes the one Entra matches existing Pulumi users by (<c>matchingPriority</c>).</summary>
    SetMatchingPriority,

    /// <summary>A user mapping the guide keeps was missing and is added with its default source.</summary>
    AddMapping,

    /// <summary>A user mapping the guide deletes is removed.</summary>
    RemoveMapping,

    /// <summary>An attribute definition of the target User object becomes required.</summary>
    SetRequired,

    /// <summary>The Group object mapping ("Provision ... Groups") is switched on.</summary>
    EnableObjectMapping,

    /// <summary>The Group object mapping ("Provision ... Groups") is switched off.</summary>
    DisableObjectMapping,

    /// <summary>A group mapping Pulumi needs (<c>displayName</c>, <c>members</c>) was missing and is added.</summary>
    AddGroupMapping,

    /// <summary>A group mapping Pulumi rejects (<c>externalId</c>) is removed.</summary>
    RemoveGroupMapping,

    /// <summary>A group mapping becomes the one Entra matches existing Pulumi teams by (<c>matchingPriority</c>).</summary>
    SetGroupMatchingPriority,
}

/// <summary>One edit a schema plan makes, as data: what, where, from what, to what, and a line for humans.</summary>
/// <param name="Kind">What the change edits.</param>
/// <param name="Target">The attribute or object mapping it edits, e.g. <c>userName</c> or <c>Provision Groups</c>.</param>
/// <param name="Before">The value before the change (<see langword="null"/> when the thing did not exist).</param>
/// <param name="After">The value after the change (<see langword="null"/> when the thing is removed).</param>
/// <param name="Description">One line for -WhatIf and drift reports, e.g. <c>userName: source [userPrincipalName] -> [mailNickname]</c>.</param>
public sealed record SchemaChange(SchemaChangeKind Kind, string Target, string? Before, string? After, string Description)
{
    /// <summary>Returns <see cref="Description"/>.</summary>
    /// <returns>The human-readable line.</returns>
    public override string ToString() => Description;
}
