// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using System.Xml;
using PulumiScim.Sandbox.Graph;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Engine.Provisioning;

/// <summary>
/// A copy of everything a cycle reads, taken under the state lock at its start: the saved secrets, the job's schema, the
/// directory and the app's assignments. The cycle then talks to the SCIM endpoint without holding the lock.
/// </summary>
internal sealed class JobSnapshot
{
    /// <summary>The interval of real jobs (docs/graph-facts.md: real jobs PT40M), used when the schedule's cannot be read.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(40);

    private readonly HashSet<string> _usersInScope = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _groupsInScope = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _directlyAssigned = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<string>> _roles = new(StringComparer.OrdinalIgnoreCase);

    private JobSnapshot(AppState app, JobState job)
    {
        App = app;
        Job = job;
    }

    public AppState App { get; }

    public JobState Job { get; }

    public string TenantId { get; private init; } = string.Empty;

    public string JobId => Job.Id;

    public string ServicePrincipalId => App.ServicePrincipalId;

    public string ServicePrincipalDisplayName { get; private init; } = string.Empty;

    public string AppId => App.AppId;

    public JsonObject Schema { get; private init; } = [];

    public string? BaseAddress { get; private init; }

    public string? SecretToken { get; private init; }

    /// <summary>Secret SyncAll: "true" = "Sync all users and groups", otherwise "Sync only assigned users and groups".</summary>
    public bool SyncAll { get; private init; }

    /// <summary>Secret SkipOutOfScopeDeletions: users going out of scope are left alone (app-provisioning/skip-out-of-scope-deletions.md).</summary>
    public bool SkipOutOfScopeDeletions { get; private init; }

    public List<JsonObject> Users { get; } = [];

    public List<JsonObject> Groups { get; } = [];

    /// <summary>The job's schedule.interval (ISO 8601, e.g. PT40M), honoured literally.</summary>
    public TimeSpan Interval { get; private init; } = DefaultInterval;

    /// <summary>Whether both the Tenant URL and the Secret Token are saved: without them there is nothing to connect to.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(BaseAddress) && !string.IsNullOrEmpty(SecretToken);

    /// <summary>Takes the snapshot. Hold the state lock.</summary>
    public static JobSnapshot Take(SandboxState state, AppState app, JobState job)
    {
        var snapshot = new JobSnapshot(app, job)
        {
            TenantId = state.TenantId,
            ServicePrincipalDisplayName = (string?)app.ServicePrincipal["displayName"] ?? string.Empty,
            Schema = (JsonObject)job.Schema.DeepClone(),
            BaseAddress = SynchronizationRoutes.SavedSecret(app, "BaseAddress"),
            SecretToken = SynchronizationRoutes.SavedSecret(app, "SecretToken"),
            SyncAll = string.Equals(SynchronizationRoutes.SavedSecret(app, "SyncAll"), "true", StringComparison.OrdinalIgnoreCase),
            SkipOutOfScopeDeletions = string.Equals(SynchronizationRoutes.SavedSecret(app, "SkipOutOfScopeDeletions"), "true", StringComparison.OrdinalIgnoreCase),
            Interval = ParseInterval((string?)job.Job["schedule"]?["interval"]),
        };
        snapshot.Users.AddRange(state.Users.Select(u => (JsonObject)u.DeepClone()));
        snapshot.Groups.AddRange(state.Groups.Select(g => (JsonObject)g.DeepClone()));

        var roleNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonObject role in (app.ServicePrincipal["appRoles"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if ((string?)role["id"] is string id)
            {
                roleNames[id] = (string?)role["displayName"] ?? (string?)role["value"] ?? id;
            }
        }

        var userIds = new HashSet<string>(state.Users.Select(u => (string?)u["id"] ?? string.Empty), StringComparer.OrdinalIgnoreCase);
        foreach (JsonObject assignment in app.Assignments)
        {
            string? principal = (string?)assignment["principalId"];
            if (principal is null)
            {
                continue;
            }

            string role = (string?)assignment["appRoleId"] is string roleId && roleNames.TryGetValue(roleId, out string? name) ? name : "Default Access";
            if (userIds.Contains(principal))
            {
                snapshot._usersInScope.Add(principal);
                snapshot._directlyAssigned.Add(principal);
                snapshot.AddRole(principal, role);
                continue;
            }

            JsonObject? group = state.FindGroup(principal);
            if (group is null)
            {
                continue;
            }

            snapshot._groupsInScope.Add(principal);

            // Only the group's direct members: "Provisioning nested groups beyond the first level is not supported"
            // (app-provisioning/known-issues.md); a member that is itself a group is not expanded.
            foreach (string member in (group["members"] as JsonArray ?? []).Select(AttributeMappingPlan.Text).OfType<string>())
            {
                if (userIds.Contains(member))
                {
                    snapshot._usersInScope.Add(member);
                    snapshot.AddRole(member, role);
                }
            }
        }

        return snapshot;
    }

    /// <summary>Whether the user is in the provisioning scope (assigned, through an assigned group, or SyncAll).</summary>
    public bool IsUserInScope(string id) => SyncAll || _usersInScope.Contains(id);

    /// <summary>Whether the group is in the provisioning scope (assigned, or SyncAll).</summary>
    public bool IsGroupInScope(string id) => SyncAll || _groupsInScope.Contains(id);

    /// <summary>Whether the user itself is assigned (not only through a group).</summary>
    public bool IsDirectlyAssigned(string id) => _directlyAssigned.Contains(id);

    /// <summary>The names of the app roles the user holds (the <c>appRoleAssignments</c> source attribute).</summary>
    public IReadOnlyList<string> RolesOf(string id) => _roles.TryGetValue(id, out List<string>? roles) ? roles : [];

    public JsonObject? FindUser(string id) => Users.FirstOrDefault(u => string.Equals((string?)u["id"], id, StringComparison.OrdinalIgnoreCase));

    public JsonObject? FindGroup(string id) => Groups.FirstOrDefault(g => string.Equals((string?)g["id"], id, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads an ISO 8601 duration (PT40M); the TimeSpan.MaxValue placeholder and unreadable values stay as they are or fall back to 40 minutes.</summary>
    public static TimeSpan ParseInterval(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultInterval;
        }

        try
        {
            TimeSpan t = XmlConvert.ToTimeSpan(text);
            return t > TimeSpan.Zero ? t : DefaultInterval;
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            return DefaultInterval;
        }
    }

    private void AddRole(string principal, string role)
    {
        if (!_roles.TryGetValue(principal, out List<string>? roles))
        {
            roles = [];
            _roles[principal] = roles;
        }

        if (!roles.Contains(role, StringComparer.Ordinal))
        {
            roles.Add(role);
        }
    }
}
