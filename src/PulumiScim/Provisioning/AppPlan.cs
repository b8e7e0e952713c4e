// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Model;

namespace PulumiScim.Provisioning;

/// <summary>One write a plan asks for, as data; the applier carries it out.</summary>
/// <param name="Lines">One line per change, for -WhatIf and the verbose stream.</param>
internal abstract record AppChange(IReadOnlyList<string> Lines);

/// <summary>Creates the <c>scim</c> provisioning job.</summary>
internal sealed record CreateJobChange() : AppChange(["create the provisioning job (template scim)"]);

/// <summary>Writes the secrets (one PUT); the token is given to the applier, never held in the plan.</summary>
/// <param name="Plan">The secrets plan.</param>
internal sealed record PutSecretsChange(SecretsPlan Plan) : AppChange(Plan.Changes.Select(c => c.Description).ToList());

/// <summary>Writes the schema (one PUT), after a backup of the schema as read.</summary>
/// <param name="Before">The schema as read.</param>
/// <param name="After">The schema to write.</param>
/// <param name="ReadBack">The planner whose plan must be empty on the schema read back (null: compare with <paramref name="After"/>).</param>
/// <param name="Lines">The changes.</param>
internal sealed record PutSchemaChange(JsonObject Before, JsonObject After, Func<JsonObject, SchemaPlan>? ReadBack, IReadOnlyList<string> Lines) : AppChange(Lines);

/// <summary>Turns provisioning on.</summary>
/// <param name="From">The state before.</param>
internal sealed record StartJobChange(string From) : AppChange([$"provisioning status: {From} -> Active"]);

/// <summary>Turns provisioning off.</summary>
internal sealed record PauseJobChange() : AppChange(["provisioning status: Active -> Paused"]);

/// <summary>Restarts the job.</summary>
/// <param name="ResetScope">What to clear, or null.</param>
internal sealed record RestartJobChange(string? ResetScope) : AppChange([$"restart the job{(ResetScope is null ? string.Empty : " clearing " + ResetScope)}"]);

/// <summary>Assigns a user or group.</summary>
/// <param name="Change">The assignment.</param>
internal sealed record AddAssignmentChange(AssignmentChange Change) : AppChange([Change.Description]);

/// <summary>Removes an assignment.</summary>
/// <param name="AssignmentId">The appRoleAssignment's id.</param>
/// <param name="PrincipalType">User or Group.</param>
/// <param name="PrincipalName">The principal's display name.</param>
internal sealed record RemoveAssignmentChange(string AssignmentId, string PrincipalType, string PrincipalName)
    : AppChange([$"unassign {PrincipalType.ToLowerInvariant()} {PrincipalName}"]);

/// <summary>What one concern finds and would change: its checks, and the writes that make the failed ones pass.</summary>
/// <param name="Checks">The checks, passed or not.</param>
/// <param name="Changes">The writes, in order.</param>
internal sealed record AppPlan(IReadOnlyList<ScimConfigurationCheck> Checks, IReadOnlyList<AppChange> Changes)
{
    /// <summary>A plan that finds nothing and changes nothing.</summary>
    public static AppPlan Empty { get; } = new([], []);

    /// <summary>Whether the plan writes nothing.</summary>
    public bool IsEmpty => Changes.Count == 0;

    /// <summary>Every change line, in order.</summary>
    public IReadOnlyList<string> Lines => Changes.SelectMany(c => c.Lines).ToList();

    /// <summary>This plan's checks and changes followed by <paramref name="next"/>'s.</summary>
    public AppPlan Then(AppPlan next) => new([.. Checks, .. next.Checks], [.. Changes, .. next.Changes]);

    /// <summary>A failed check with no change (the concern cannot be planned), e.g. a part Graph would not show.</summary>
    public static AppPlan Failed(string name, string expected, string actual, string hint) =>
        new([new ScimConfigurationCheck(name, expected, actual, false, hint)], []);
}
