// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Compares the live app with what the guide prescribes and writes one result per check, each with a hint to fix it.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ScimConfiguration", DefaultParameterSetName = ByApplicationSet)]
[OutputType(typeof(ScimConfigurationCheck), typeof(bool))]
public sealed class TestScimConfigurationCommand : ScimApplicationCmdletBase
{
    private const int MaxTeamNameLength = 100;

    /// <summary>Also checks the assigned users (and members of assigned groups) for what Pulumi would refuse.</summary>
    [Parameter]
    public SwitchParameter IncludeUsers { get; set; }

    /// <summary>Returns only $true when every check passes, else $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>The userName source the configuration should have (as for Set-ScimUserMapping).</summary>
    [Parameter]
    public UserNameSource UserNameSource { get; set; } = UserNameSource.MailNickname;

    /// <summary>When userName should flow (as for Set-ScimUserMapping).</summary>
    [Parameter]
    public UserNameFlow UserNameFlow { get; set; } = UserNameFlow.CreateOnly;

    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app)
    {
        var checks = new List<ScimConfigurationCheck>();
        void Add(string name, string expected, string actual, bool passed, string hint) =>
            checks.Add(new ScimConfigurationCheck(app.DisplayName, name, expected, actual, passed, passed ? string.Empty : hint));

        Add("Provisioning job", "a SCIM (templateId scim) job", app.JobId is null ? "none" : $"{app.TemplateId} job {app.JobId}", app.JobId is not null,
            "Run Set-ScimTenant: it creates the job and saves the Admin Credentials.");
        if (app.JobId is not null)
        {
            Await(ct => SyncOperations.RefreshJobAsync(app, ct));
            Add("Tenant URL", "https://<pulumi api>/scim/v2/<org login name>", app.TenantUrl ?? "(not saved)",
                PulumiNames.TryParseTenantUrl(app.TenantUrl, out _, out _),
                "Run Set-ScimTenant -OrganizationName <login name> -Token <SCIM token>.");
            GraphRequestException? connection = app.TenantUrl is null ? null : Await(ct => SyncOperations.ValidateSavedAsync(app, ct));
            Add("Test Connection", "the saved Tenant URL and Secret Token work", app.TenantUrl is null ? "no credentials saved" : connection is null ? "works" : connection.GraphMessage ?? connection.Message,
                app.TenantUrl is not null && connection is null,
                "Generate a new SCIM token in Pulumi Cloud (Settings > Access Management > SCIM) and run Set-ScimTenant with it.");
            Add("Scope", "Sync only assigned users and groups (SyncAll false)", app.Scope switch { "All" => "Sync all users and groups", "AssignedOnly" => "Sync only assigned users and groups", _ => "(not saved)" },
                app.Scope == "AssignedOnly", "Run Set-ScimTenant -Scope AssignedOnly.");
            JsonObject schema = Await(ct => SyncOperations.GetSchemaAsync(app, ct));
            try
            {
                SchemaPlan plan = SchemaPlanner.PlanGuide(schema, UserNameSource, UserNameFlow, enableGroups: true);
                foreach (PlanCheck c in plan.Checks)
                {
                    Add(c.Name, c.Expected, c.Actual, c.Passed, c.Hint);
                }
            }
            catch (ProvisioningPlanException ex)
            {
                Add("Schema", "a SCIM job's schema", ex.Message, false, "Restore a schema backup with Import-ScimSchema, or recreate the job.");
            }

            string? state = (string?)app.Job?["schedule"]?["state"];
            string? code = (string?)app.Job?["status"]?["code"];
            Add("Provisioning status", "On (job Active, not in quarantine)", $"{state} ({code})",
                state == "Active" && code != "Quarantine",
                code == "Quarantine" ? "Fix the cause shown by Get-ScimProvisioningStatus, then run Start-ScimProvisioning." : "Run Start-ScimProvisioning.");
        }

        List<JsonObject> assignments = Await(ct => PrincipalQueries.ListAssignmentsAsync(app.Session.Graph, app.Sp, ct));
        Add("Assignments", "at least one user or group assigned", $"{assignments.Count} assigned", assignments.Count > 0,
            "Run Add-ScimAssignment -User ... -Group ...: only assigned users and groups are provisioned.");
        if (IncludeUsers)
        {
            checks.AddRange(Await(ct => PreflightAsync(app, assignments, ct)));
        }

        if (Quiet)
        {
            WriteObject(checks.TrueForAll(c => c.Passed));
            return;
        }

        WriteObject(checks, enumerateCollection: true);
    }

    /// <summary>The errors Pulumi would return for the assigned users and groups, found before a cycle runs.</summary>
    private async Task<List<ScimConfigurationCheck>> PreflightAsync(ScimApplication app, List<JsonObject> assignments, CancellationToken ct)
    {
        const string UserSelect = "id,displayName,userPrincipalName,mail,mailNickname,accountEnabled";
        var users = new Dictionary<string, JsonObject>(StringComparer.OrdinalIgnoreCase);
        var checks = new List<ScimConfigurationCheck>();
        foreach (JsonObject a in assignments)
        {
            string id = (string?)a["principalId"] ?? string.Empty;
            if (string.Equals((string?)a["principalType"], "Group", StringComparison.OrdinalIgnoreCase))
            {
                string name = (string?)a["principalDisplayName"] ?? id;
                if (name.Length > MaxTeamNameLength)
                {
                    checks.Add(new ScimConfigurationCheck(app.DisplayName, $"Group {name}", $"a name of at most {MaxTeamNameLength} characters (Pulumi team names)", $"{name.Length} characters", false,
                        "Rename the group, or map a shorter team name: Pulumi answers 'Display name is too long. It must be 100 characters or less'."));
                }

                await foreach (JsonObject m in app.Session.Graph.ListAsync(ApplicationQueries.WithQuery($"groups/{id}/members", ("$select", UserSelect), ("$top", "999")), ct).ConfigureAwait(false))
                {
                    if ((string?)m["@odata.type"] is null or "#microsoft.graph.user" && (string?)m["id"] is { } uid)
                    {
                        users[uid] = m;
                    }
                }
            }
            else if (string.Equals((string?)a["principalType"], "User", StringComparison.OrdinalIgnoreCase) && !users.ContainsKey(id))
            {
                JsonNode? u = await app.Session.Graph.GetAsync(ApplicationQueries.WithQuery($"users/{id}", ("$select", UserSelect)), ct).ConfigureAwait(false);
                if (u is JsonObject uo)
                {
                    users[id] = uo;
                }
            }
        }

        string sourceProperty = UserNameSource == UserNameSource.MailNickname ? "mailNickname" : "userPrincipalName";
        var bySource = users.Values.Where(u => !string.IsNullOrWhiteSpace((string?)u[sourceProperty]))
            .GroupBy(u => (string)u[sourceProperty]!, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
        Dictionary<string, string> refusedBefore;
        int problems = 0;
        try
        {
            refusedBefore = await PriorUniquenessFailuresAsync(app, ct).ConfigureAwait(false);
        }
        catch (GraphRequestException ex)
        {
            // A part that cannot be read is a failed check, never "no earlier failures".
            refusedBefore = [];
            problems++;
            checks.Add(new ScimConfigurationCheck(app.DisplayName, "Earlier refusals in the provisioning logs", "the provisioning logs can be read", ex.Message, false,
                "Reading the logs needs AuditLog.Read.All and Directory.Read.All and a Microsoft Entra ID P1 or P2 tenant."));
        }

        foreach (JsonObject u in users.Values.OrderBy(u => (string?)u["userPrincipalName"], StringComparer.OrdinalIgnoreCase))
        {
            string who = (string?)u["userPrincipalName"] ?? (string?)u["id"] ?? "?";
            string? source = (string?)u[sourceProperty];
            bool enabled = u["accountEnabled"] is not JsonValue v || !v.TryGetValue(out bool e) || e;
            void Fail(string expected, string actual, string hint)
            {
                problems++;
                checks.Add(new ScimConfigurationCheck(app.DisplayName, $"User {who}", expected, actual, false, hint));
            }

            if (!enabled)
            {
                continue; // disabled users are deactivated in Pulumi (active=false), which Pulumi accepts
            }

            if (string.IsNullOrWhiteSpace(source))
            {
                Fail($"a {sourceProperty} (Pulumi's userName)", "empty", $"Give the user a {sourceProperty}, or choose another source with Set-ScimUserMapping -UserNameSource.");
            }
            else if (bySource.TryGetValue(source, out var dupes))
            {
                Fail($"a unique {sourceProperty}", $"'{source}' is shared with {string.Join(", ", dupes.Where(d => !ReferenceEquals(d, u)).Select(d => (string?)d["userPrincipalName"]))}",
                    "Pulumi usernames are unique: change one of them, or use -UserNameSource UserPrincipalName.");
            }

            if (string.IsNullOrWhiteSpace((string?)u["mail"]))
            {
                Fail("a mail address (emails[type eq \"work\"].value is required)", "no mail", "Give the user a mail address in Entra; without one Entra reports a missing required attribute and skips the user.");
            }

            if ((string?)u["id"] is { } uid && refusedBefore.TryGetValue(uid, out string? reason))
            {
                Fail("Pulumi accepts the user", $"refused before: {reason}", "The username or email belongs to another Pulumi account: change the user's userName source or mail, or ask the other account's owner.");
            }
        }

        checks.Insert(0, new ScimConfigurationCheck(app.DisplayName, "Assigned users pre-flight", "no user Pulumi would refuse", $"{users.Count} users checked, {problems} problems", problems == 0,
            problems == 0 ? string.Empty : "See the User checks below."));
        return checks;
    }

    /// <summary>Users Pulumi already refused for a username or email held by another Pulumi account (409 uniqueness), from the logs.</summary>
    private static async Task<Dictionary<string, string>> PriorUniquenessFailuresAsync(ScimApplication app, CancellationToken ct)
    {
        var refused = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (app.JobId is null)
        {
            return refused;
        }

        string path = ApplicationQueries.WithQuery(
            "auditLogs/provisioning",
            ("$filter", $"jobId eq {ApplicationQueries.ODataLiteral(app.JobId)} and provisioningStatusInfo/status eq 'failure'"),
            ("$top", "500"),
            ("$orderby", "activityDateTime desc"));
        GraphResponse r = await app.Session.Graph.SendAsync(HttpMethod.Get, path, (JsonNode?)null, ct).ConfigureAwait(false);
        if (!r.IsSuccess)
        {
            throw GraphClient.ToException(HttpMethod.Get, "/v1.0/auditLogs/provisioning", r.Status, r.Body, r.Headers);
        }

        foreach (JsonObject e in (r.Body?["value"] as JsonArray ?? []).OfType<JsonObject>())
        {
            string? reason = (string?)e["provisioningStatusInfo"]?["errorInformation"]?["reason"];
            string? id = (string?)e["sourceIdentity"]?["id"];
            if (id is not null && reason is not null && (reason.Contains("already exists", StringComparison.OrdinalIgnoreCase) || reason.Contains("already in use", StringComparison.OrdinalIgnoreCase)))
            {
                refused.TryAdd(id, reason);
            }
        }

        return refused;
    }
}
