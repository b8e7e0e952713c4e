// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Commands;

/// <summary>Shared by the assignment cmdlets: resolving -User and -Group and reporting what did not resolve.</summary>
public abstract class ScimAssignmentCmdletBase : ScimApplicationCmdletBase
{
    /// <summary>Users by object id, user principal name or exact display name.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("UserPrincipalName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserCompleter))]
    public string[]? User { get; set; }

    /// <summary>Security groups by object id or exact display name.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(GroupCompleter))]
    public string[]? Group { get; set; }

    /// <summary>Resolves -User and -Group; writes an error per principal that does not resolve.</summary>
    internal List<WantedPrincipal> ResolvePrincipals(ScimApplication app)
    {
        var resolved = new List<PrincipalResolution>();
        if (User is { Length: > 0 } users)
        {
            resolved.AddRange(Await(ct => PrincipalQueries.ResolveUsersAsync(app.Session.Graph, users, ct)));
        }

        if (Group is { Length: > 0 } groups)
        {
            resolved.AddRange(Await(ct => PrincipalQueries.ResolveGroupsAsync(app.Session.Graph, groups, ct)));
        }

        foreach (PrincipalResolution r in resolved.Where(r => r.Principal is null))
        {
            ErrorCategory category = r.ErrorId switch
            {
                "PrincipalNotFound" => ErrorCategory.ObjectNotFound,
                "GroupNotSecurityEnabled" => ErrorCategory.InvalidType,
                _ => ErrorCategory.InvalidArgument,
            };
            WriteError(Error(r.ErrorId!, category, r.Input, r.Message!));
        }

        return resolved.Where(r => r.Principal is not null).Select(r => r.Principal!).ToList();
    }
}

/// <summary>
/// <para type="synopsis">Assigns users and groups to the enterprise app, so Entra provisions them to Pulumi (the guide's "Assign Users and/or Groups").</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "ScimAssignment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByApplicationSet)]
[OutputType(typeof(ScimApplication))]
public sealed class AddScimAssignmentCommand : ScimAssignmentCmdletBase
{
    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app)
    {
        if (User is null && Group is null)
        {
            WriteError(Error("NoPrincipal", ErrorCategory.InvalidArgument, app, "Nothing to assign.", "Pass -User and/or -Group."));
            return;
        }

        List<JsonObject> existing = Await(ct => PrincipalQueries.ListAssignmentsAsync(app.Session.Graph, app.Sp, ct));
        List<WantedPrincipal> wanted = ResolvePrincipals(app);
        AssignmentPlan plan;
        try
        {
            plan = AssignmentPlanner.Plan(
                existing.Select(a => new ExistingAssignment((string?)a["principalId"] ?? string.Empty, Guid.TryParse((string?)a["appRoleId"], out Guid g) ? g : null)),
                wanted,
                AppRoleInfo.FromJson(app.ServicePrincipal["appRoles"]));
        }
        catch (ProvisioningPlanException ex)
        {
            WriteError(new ErrorRecord(ex, "NoAssignableRole", ErrorCategory.InvalidData, app));
            return;
        }

        foreach (WantedPrincipal p in plan.AlreadyAssigned)
        {
            WriteVerbose($"{p.Kind} {p.DisplayName} is already assigned to '{app.DisplayName}'.");
        }

        if (plan.IsEmpty)
        {
            WriteObject(app);
            return;
        }

        if (!ShouldProcessChanges(app, "Assign users and groups", plan.ToAdd.Select(c => c.Description).ToList()))
        {
            WriteObject(app);
            return;
        }

        foreach (AssignmentChange change in plan.ToAdd)
        {
            var body = new JsonObject
            {
                ["principalId"] = change.PrincipalId,
                ["resourceId"] = app.Sp,
                ["appRoleId"] = change.AppRoleId.ToString(),
            };
            try
            {
                // After a broken connection the assignments are read back; the POST is resent only when this one is absent.
                Await(ct => CreateOnce.PostAsync(
                    app.Session.Graph,
                    $"servicePrincipals/{app.Sp}/appRoleAssignedTo",
                    body,
                    $"the assignment of {change.PrincipalDisplayName}",
                    async c => (await PrincipalQueries.ListAssignmentsAsync(app.Session.Graph, app.Sp, c).ConfigureAwait(false)).FirstOrDefault(a =>
                        string.Equals((string?)a["principalId"], change.PrincipalId, StringComparison.OrdinalIgnoreCase)
                        && string.Equals((string?)a["appRoleId"], change.AppRoleId.ToString(), StringComparison.OrdinalIgnoreCase)),
                    ex => ex.StatusCode == System.Net.HttpStatusCode.BadRequest && (ex.GraphMessage ?? string.Empty).Contains("already exists", StringComparison.OrdinalIgnoreCase),
                    ct));
                app.MarkChanged();
                WriteVerbose($"Assigned {change.PrincipalKind.ToString().ToLowerInvariant()} {change.PrincipalDisplayName} to '{app.DisplayName}' ({plan.AppRoleName} role).");
            }
            catch (GraphRequestException ex) when (ex.StatusCode == System.Net.HttpStatusCode.BadRequest && (ex.GraphMessage ?? string.Empty).Contains("already exists", StringComparison.OrdinalIgnoreCase))
            {
                // Made moments ago (by another run) and not listed yet: what was wanted is in place.
                WriteVerbose($"{change.PrincipalDisplayName} is already assigned to '{app.DisplayName}' (Graph says so; the assignment list does not show it yet).");
            }
            catch (GraphRequestException ex)
            {
                WriteError(GraphErrorRecord(ex, "AssignmentFailed", change.PrincipalDisplayName));
            }
        }

        WriteObject(app);
    }
}

/// <summary>
/// <para type="synopsis">Lists the users and groups assigned to the enterprise app.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ScimAssignment", DefaultParameterSetName = ByApplicationSet)]
[OutputType(typeof(ScimAssignment))]
public sealed class GetScimAssignmentCommand : ScimApplicationCmdletBase
{
    /// <summary>Only users or only groups.</summary>
    [Parameter]
    [ValidateSet("User", "Group")]
    public string? PrincipalType { get; set; }

    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app)
    {
        List<JsonObject> existing = Await(ct => PrincipalQueries.ListAssignmentsAsync(app.Session.Graph, app.Sp, ct));
        var roles = AppRoleInfo.FromJson(app.ServicePrincipal["appRoles"]);
        foreach (JsonObject a in existing)
        {
            if (PrincipalType is not null && !string.Equals((string?)a["principalType"], PrincipalType, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string? roleName = roles.FirstOrDefault(r => string.Equals(r.Id.ToString(), (string?)a["appRoleId"], StringComparison.OrdinalIgnoreCase))?.Label
                ?? ((string?)a["appRoleId"] == Guid.Empty.ToString() ? "Default Access" : null);
            WriteObject(new ScimAssignment(a, app, roleName));
        }
    }
}

/// <summary>
/// <para type="synopsis">Removes users and groups from the enterprise app; Entra then deactivates them in Pulumi on its next cycle.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ScimAssignment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByApplicationSet)]
[OutputType(typeof(ScimApplication))]
public sealed class RemoveScimAssignmentCommand : ScimAssignmentCmdletBase
{
    /// <summary>Object ids of assigned principals (for example from Get-ScimAssignment).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? PrincipalId { get; set; }

    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app)
    {
        if (User is null && Group is null && PrincipalId is null)
        {
            WriteError(Error("NoPrincipal", ErrorCategory.InvalidArgument, app, "Nothing to remove.", "Pass -User, -Group or -PrincipalId."));
            return;
        }

        List<JsonObject> existing = Await(ct => PrincipalQueries.ListAssignmentsAsync(app.Session.Graph, app.Sp, ct));
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (WantedPrincipal p in ResolvePrincipals(app))
        {
            ids[p.Id] = p.DisplayName;
        }

        foreach (string id in PrincipalId ?? [])
        {
            ids[id] = id;
        }

        var toRemove = existing.Where(a => ids.ContainsKey((string?)a["principalId"] ?? string.Empty)).ToList();
        foreach (var (id, name) in ids.Where(kv => !toRemove.Any(a => string.Equals((string?)a["principalId"], kv.Key, StringComparison.OrdinalIgnoreCase))))
        {
            WriteVerbose($"{name} is not assigned to '{app.DisplayName}'; nothing to remove.");
        }

        if (toRemove.Count > 0 && ShouldProcessChanges(app, "Remove assignments", toRemove.Select(a => $"unassign {((string?)a["principalType"])?.ToLowerInvariant()} {(string?)a["principalDisplayName"]}").ToList()))
        {
            foreach (JsonObject a in toRemove)
            {
                try
                {
                    app.MarkChanged();
                    bool deleted = Await(ct => PrincipalQueries.RemoveAssignmentAsync(app.Session.Graph, app.Sp, (string?)a["id"] ?? string.Empty, ct));
                    WriteVerbose(deleted
                        ? $"Unassigned {(string?)a["principalDisplayName"]} from '{app.DisplayName}'."
                        : $"Unassigned {(string?)a["principalDisplayName"]} from '{app.DisplayName}' (already removed: Graph still lists the assignment while the removal replicates).");
                }
                catch (GraphRequestException ex)
                {
                    WriteError(GraphErrorRecord(ex, "RemoveAssignmentFailed", (string?)a["principalDisplayName"]));
                }
            }
        }

        WriteObject(app);
    }
}
