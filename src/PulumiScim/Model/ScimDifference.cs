// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

namespace PulumiScim.Model;

/// <summary>What a <see cref="ScimDifference"/> is about: a Pulumi user or a Pulumi team.</summary>
public enum ScimDifferenceKind
{
    /// <summary>An Entra user and its Pulumi user.</summary>
    User,

    /// <summary>An assigned Entra group and its Pulumi team.</summary>
    Team,
}

/// <summary>How the Pulumi side of one user or team compares with what Entra says it should be.</summary>
public enum ScimDifferenceState
{
    /// <summary>Both sides agree on every compared attribute (written only with -IncludeInSync).</summary>
    InSync,

    /// <summary>In scope in Entra, absent in Pulumi.</summary>
    Missing,

    /// <summary>Active in Pulumi, but its Entra user is disabled or out of scope.</summary>
    ShouldBeInactive,

    /// <summary>Active in Pulumi and matching no Entra user at all (made by hand, or from before SCIM).</summary>
    Unexpected,

    /// <summary>On both sides, with different values of a mapped attribute (or, for a team, different members).</summary>
    Drift,
}

/// <summary>One compared attribute (or team member) of a <see cref="ScimDifference"/>.</summary>
/// <param name="Attribute">The Pulumi (SCIM) attribute, e.g. <c>displayName</c>, or <c>members</c> for a team.</param>
/// <param name="Expected">The value Entra's saved mapping gives it (or a note, e.g. "not compared").</param>
/// <param name="Actual">The value Pulumi holds.</param>
public sealed record ScimDifferenceDetail(string Attribute, string? Expected, string? Actual)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Attribute}: '{Expected}' -> '{Actual}'";
}

/// <summary>
/// One user or team as Entra says Pulumi should hold it, compared with what Pulumi holds (Compare-ScimProvisioning).
/// </summary>
public sealed class ScimDifference
{
    internal ScimDifference(ScimDifferenceKind kind, string name, ScimDifferenceState state)
    {
        Kind = kind;
        Name = name;
        State = state;
    }

    /// <summary>User or Team.</summary>
    public ScimDifferenceKind Kind { get; }

    /// <summary>The userName (a user) or the team's name.</summary>
    public string Name { get; }

    /// <summary>How the two sides compare.</summary>
    public ScimDifferenceState State { get; internal set; }

    /// <summary>The Entra object id of the user or group; null for a Pulumi object that matches no Entra object.</summary>
    public string? EntraId { get; internal set; }

    /// <summary>The Pulumi SCIM id; null when Pulumi does not hold the object.</summary>
    public string? PulumiId { get; internal set; }

    /// <summary>The attributes (or team members) that differ, and those not compared, with both values.</summary>
    public IReadOnlyList<ScimDifferenceDetail> Details { get; internal set; } = [];

    /// <summary>The details as one line (for CSV and narrow tables).</summary>
    public string DetailText => string.Join("; ", Details.Select(d => d.ToString()));

    /// <summary>Why the two sides differ: the latest failed provisioning log entry, or what the module can tell on its own.</summary>
    public string? Reason { get; internal set; }

    /// <summary>What to do about it.</summary>
    public string? Fix { get; internal set; }

    /// <summary>The enterprise app's display name.</summary>
    public string? ApplicationName { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => $"{Kind} {Name}: {State}";
}

/// <summary>How many users or teams are in one state (Compare-ScimProvisioning -Summary).</summary>
/// <param name="ApplicationName">The enterprise app's display name.</param>
/// <param name="Kind">User or Team.</param>
/// <param name="State">The state counted.</param>
/// <param name="Count">How many.</param>
public sealed record ScimDifferenceSummary(string? ApplicationName, ScimDifferenceKind Kind, ScimDifferenceState State, int Count);
