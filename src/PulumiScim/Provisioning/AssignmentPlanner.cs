// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;

namespace PulumiScim.Provisioning;

/// <summary>What kind of principal is assigned to the app.</summary>
public enum PrincipalKind
{
    /// <summary>A user: provisioned as a Pulumi user.</summary>
    User,

    /// <summary>A group: its members are provisioned, and the group becomes a Pulumi team when group provisioning is on.</summary>
    Group,
}

/// <summary>An app role the service principal declares (from <c>servicePrincipal.appRoles</c>).</summary>
/// <param name="Id">The role id.</param>
/// <param name="DisplayName">The role's display name, e.g. <c>User</c> or <c>msiam_access</c>.</param>
/// <param name="Value">The role's value (often <see langword="null"/> for the non-gallery template's roles).</param>
/// <param name="IsEnabled">Whether the role can be assigned.</param>
/// <param name="AllowedMemberTypes">Who can hold it (<c>User</c>, <c>Application</c>); <see langword="null"/> when unknown.</param>
internal sealed record AppRoleInfo(Guid Id, string? DisplayName, string? Value, bool IsEnabled = true, IReadOnlyList<string>? AllowedMemberTypes = null)
{
    /// <summary>Reads <c>servicePrincipal.appRoles</c> as Graph returns it; entries without a GUID id are skipped.</summary>
    /// <param name="appRoles">The JSON array of app roles, or <see langword="null"/>.</param>
    public static IReadOnlyList<AppRoleInfo> FromJson(JsonNode? appRoles)
        => appRoles is not JsonArray array
            ? []
            : array.OfType<JsonObject>()
                .Where(role => Guid.TryParse(SchemaJson.GetString(role, "id"), out _))
                .Select(role => new AppRoleInfo(
                    Guid.Parse(SchemaJson.GetString(role, "id")!),
                    SchemaJson.GetString(role, "displayName"),
                    SchemaJson.GetString(role, "value"),
                    SchemaJson.GetBool(role, "isEnabled") ?? true,
                    role["allowedMemberTypes"] is JsonArray types
                        ? types.OfType<JsonValue>().Where(type => type.GetValueKind() == JsonValueKind.String).Select(type => type.GetValue<string>()).ToList()
                        : null))
                .ToList();

    /// <summary>The name shown for the role: its display name, else its value, else its id.</summary>
    public string Label => DisplayName ?? Value ?? Id.ToString();
}

/// <summary>An existing app role assignment (from <c>servicePrincipal/appRoleAssignedTo</c>).</summary>
/// <param name="PrincipalId">The assigned user's or group's object id.</param>
/// <param name="AppRoleId">The assigned role's id (<see langword="null"/> or all zeros for the default access).</param>
internal sealed record ExistingAssignment(string PrincipalId, Guid? AppRoleId);

/// <summary>A user or group that should be assigned to the app.</summary>
/// <param name="Id">Its object id.</param>
/// <param name="DisplayName">Its display name, for the change's description.</param>
/// <param name="Kind">User or group.</param>
internal sealed record WantedPrincipal(string Id, string DisplayName, PrincipalKind Kind);

/// <summary>One assignment to create, as data.</summary>
/// <param name="PrincipalId">The user's or group's object id.</param>
/// <param name="PrincipalDisplayName">Its display name.</param>
/// <param name="PrincipalKind">User or group.</param>
/// <param name="AppRoleId">The role to assign.</param>
/// <param name="Description">One line for -WhatIf, e.g. <c>assign group Platform Team (role User)</c>.</param>
public sealed record AssignmentChange(string PrincipalId, string PrincipalDisplayName, PrincipalKind PrincipalKind, Guid AppRoleId, string Description)
{
    /// <summary>Returns <see cref="Description"/>.</summary>
    /// <returns>The human-readable line.</returns>
    public override string ToString() => Description;
}

/// <summary>The role to assign, the assignments to create, and the wanted principals already assigned.</summary>
/// <param name="AppRoleId">The role assigned to new principals.</param>
/// <param name="AppRoleName">Its name, e.g. <c>User</c>.</param>
/// <param name="ToAdd">The assignments to create (<c>POST .../appRoleAssignedTo</c> each).</param>
/// <param name="AlreadyAssigned">Wanted principals that already have an assignment (with any role).</param>
internal sealed record AssignmentPlan(Guid AppRoleId, string AppRoleName, IReadOnlyList<AssignmentChange> ToAdd, IReadOnlyList<WantedPrincipal> AlreadyAssigned)
{
    /// <summary>Whether every wanted principal is already assigned.</summary>
    public bool IsEmpty => ToAdd.Count == 0;

    /// <summary>One line for humans: the additions joined with <c>; </c>, or <c>no changes</c>.</summary>
    public string Summary => IsEmpty ? "no changes" : string.Join("; ", ToAdd.Select(change => change.Description));
}

/// <summary>Plans the app role assignments that put users and groups in the provisioning scope.</summary>
internal static class AssignmentPlanner
{
    /// <summary>The display name of the non-gallery template's user role (id <c>18d14569-c3bd-439b-9a66-3a2aee01d14f</c>).</summary>
    public const string UserRoleName = "User";

    /// <summary>The gallery-style SAML access role (id <c>b9632174-c057-4f7e-951b-be3adc52bfe6</c>).</summary>
    public const string MsiamAccessRoleName = "msiam_access";

    /// <summary>
    /// Picks the role to assign: the enabled role named <c>User</c> (display name or value) that users can hold, else
    /// <c>msiam_access</c>, else the all-zeros default access role, which is documented only for apps that declare no
    /// roles.
    /// </summary>
    /// <param name="appRoles">The service principal's app roles.</param>
    /// <returns>The role's id and name.</returns>
    /// <exception cref="ProvisioningPlanException">The app declares roles, but none of them is an assignable User or msiam_access role.</exception>
    public static (Guid Id, string Name) SelectRole(IReadOnlyList<AppRoleInfo> appRoles)
    {
        ArgumentNullException.ThrowIfNull(appRoles);
        if (appRoles.Count == 0)
        {
            return (Guid.Empty, "Default Access");
        }

        var assignable = appRoles.Where(role => role.IsEnabled && (role.AllowedMemberTypes is null || role.AllowedMemberTypes.Contains("User", StringComparer.OrdinalIgnoreCase))).ToList();
        var role = Named(UserRoleName) ?? Named(MsiamAccessRoleName);
        if (role is null)
        {
            var declared = string.Join(", ", appRoles.Select(declaredRole => $"'{declaredRole.Label}'{(declaredRole.IsEnabled ? string.Empty : " (disabled)")}"));
            throw new ProvisioningPlanException(
                $"The app declares app roles ({declared}) but no enabled '{UserRoleName}' or '{MsiamAccessRoleName}' role that users and groups can be assigned. " +
                "Add or enable a 'User' app role on the application (Microsoft Entra admin center > App registrations > App roles).");
        }

        return (role.Id, role.Label);

        AppRoleInfo? Named(string name)
            => assignable.FirstOrDefault(candidate => SchemaJson.SameName(candidate.DisplayName, name) || SchemaJson.SameName(candidate.Value, name));
    }

    /// <summary>Plans the assignments: each wanted principal without an assignment gets one with the selected role.</summary>
    /// <param name="current">The app's current assignments.</param>
    /// <param name="wanted">The users and groups to assign; duplicates (by id) are planned once.</param>
    /// <param name="appRoles">The service principal's app roles.</param>
    /// <returns>The plan; empty when all are assigned.</returns>
    /// <remarks>
    /// A principal assigned with any role counts as assigned: provisioning scope only asks for an assignment, and a
    /// second assignment with another role would only add a duplicate.
    /// </remarks>
    /// <exception cref="ProvisioningPlanException">No role can be selected (see <see cref="SelectRole"/>).</exception>
    public static AssignmentPlan Plan(IEnumerable<ExistingAssignment> current, IEnumerable<WantedPrincipal> wanted, IReadOnlyList<AppRoleInfo> appRoles)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(wanted);
        var (roleId, roleName) = SelectRole(appRoles);
        var assigned = current.Select(assignment => assignment.PrincipalId).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var toAdd = new List<AssignmentChange>();
        var already = new List<WantedPrincipal>();
        foreach (var principal in wanted)
        {
            if (!seen.Add(principal.Id))
            {
                continue;
            }

            if (assigned.Contains(principal.Id))
            {
                already.Add(principal);
                continue;
            }

            var kind = principal.Kind == PrincipalKind.Group ? "group" : "user";
            toAdd.Add(new AssignmentChange(principal.Id, principal.DisplayName, principal.Kind, roleId,
                $"assign {kind} {principal.DisplayName} (role {roleName})"));
        }

        return new AssignmentPlan(roleId, roleName, toAdd, already);
    }
}

/// <summary>Plans the assignments concern on an app read with its assignments.</summary>
internal static class AssignmentStepPlanner
{
    /// <summary>Each wanted user and group assigned: a check each, and an assignment for each missing one.</summary>
    /// <exception cref="ProvisioningPlanException">The app has no role to assign.</exception>
    public static AppPlan PlanAdd(AppSnapshot app, IReadOnlyList<WantedPrincipal> wanted)
    {
        AssignmentPlan plan = AssignmentPlanner.Plan(Existing(app), wanted, AppRoleInfo.FromJson(app.ServicePrincipal["appRoles"]));
        var missing = plan.ToAdd.Select(a => a.PrincipalId).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var checks = wanted.DistinctBy(p => p.Id, StringComparer.OrdinalIgnoreCase)
            .Select(p => new ScimConfigurationCheck(
                $"Assignment of {p.Kind.ToString().ToLowerInvariant()} {p.DisplayName}",
                "assigned",
                missing.Contains(p.Id) ? "not assigned" : "assigned",
                !missing.Contains(p.Id),
                $"Run Add-ScimAssignment -{p.Kind} '{p.DisplayName}': only assigned users and groups are provisioned."))
            .ToList();
        return new AppPlan(checks, plan.ToAdd.Select(a => (AppChange)new AddAssignmentChange(a)).ToList());
    }

    /// <summary>Without expected principals: at least one user or group assigned (nothing to change).</summary>
    public static AppPlan PlanAny(AppSnapshot app) => new(
        [new ScimConfigurationCheck("Assignments", "at least one user or group assigned", $"{app.Assignments.Count} assigned", app.Assignments.Count > 0,
            "Run Add-ScimAssignment -User ... -Group ...: only assigned users and groups are provisioned.")],
        []);

    /// <summary>Removes the assignments of the given principals (by object id); those not assigned need nothing.</summary>
    public static AppPlan PlanRemove(AppSnapshot app, IReadOnlyCollection<string> principalIds)
    {
        var ids = principalIds.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var changes = app.Assignments
            .Where(a => ids.Contains((string?)a["principalId"] ?? string.Empty))
            .Select(a => (AppChange)new RemoveAssignmentChange((string?)a["id"] ?? string.Empty, (string?)a["principalType"] ?? "principal", (string?)a["principalDisplayName"] ?? (string?)a["principalId"] ?? "?"))
            .ToList();
        return new AppPlan([], changes);
    }

    private static IEnumerable<ExistingAssignment> Existing(AppSnapshot app) =>
        app.Assignments.Select(a => new ExistingAssignment((string?)a["principalId"] ?? string.Empty, Guid.TryParse((string?)a["appRoleId"], out Guid g) ? g : null));
}
