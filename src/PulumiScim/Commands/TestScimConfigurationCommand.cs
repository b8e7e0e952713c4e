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
[Cmdlet(VerbsDiagnostic.Test, "ScimConfiguration", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ScimConfigurationCheck), typeof(bool))]
public sealed class TestScimConfigurationCommand : ScimApplicationCmdletBase
{
    /// <summary>Also checks the assigned users (and members of assigned groups) for what Pulumi would refuse.</summary>
    [Parameter]
    public SwitchParameter IncludeUsers { get; set; }

    /// <summary>Returns only $true when every check passes, else $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>The organization's login name the Tenant URL should name (as for Set-ScimTenant; default: the one in the app's SAML SSO URLs).</summary>
    [Parameter]
    [Alias("Organization", "OrgName")]
    [ArgumentCompleter(typeof(OrganizationNameCompleter))]
    public string? OrganizationName { get; set; }

    /// <summary>The Pulumi API root the Tenant URL should use (as for Set-ScimTenant).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ApiUrl { get; set; }

    /// <summary>The scope the job should have (as for Set-ScimTenant).</summary>
    [Parameter]
    public ScimScope Scope { get; set; } = ScimScope.AssignedOnly;

    /// <summary>Where failure notifications should go (as for Set-ScimTenant); none when left out.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NotificationEmail { get; set; }

    /// <summary>The userName source the configuration should have (as for Set-ScimUserMapping).</summary>
    [Parameter]
    public UserNameSource UserNameSource { get; set; } = UserNameSource.MailNickname;

    /// <summary>When userName should flow (as for Set-ScimUserMapping).</summary>
    [Parameter]
    public UserNameFlow UserNameFlow { get; set; } = UserNameFlow.CreateOnly;

    /// <summary>Users that should be assigned (as for Add-ScimAssignment).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserCompleter))]
    public string[]? User { get; set; }

    /// <summary>Groups that should be assigned (as for Add-ScimAssignment).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(GroupCompleter))]
    public string[]? Group { get; set; }

    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app)
    {
        AppSnapshot snapshot = Read(app, AppParts.All, tolerant: true);
        var checks = new List<ScimConfigurationCheck>();
        checks.AddRange(Unreadable(snapshot));
        if (!snapshot.Unreadable.ContainsKey(AppParts.Job))
        {
            checks.AddRange(PlanTenant(app, snapshot).Checks);
            checks.AddRange(PlanSchema(snapshot).Checks);
            checks.AddRange(snapshot.JobId is null ? [] : JobPlanner.PlanStart(snapshot).Checks);
        }

        if (!snapshot.Unreadable.ContainsKey(AppParts.Assignments))
        {
            checks.AddRange(PlanAssignments(app, snapshot).Checks);
            if (IncludeUsers)
            {
                checks.AddRange(Preflight(app, snapshot));
            }
        }

        var report = checks.Select(c => c with { Application = app.DisplayName, Hint = c.Passed ? string.Empty : c.Hint }).ToList();
        if (Quiet)
        {
            WriteObject(report.TrueForAll(c => c.Passed));
            return;
        }

        WriteObject(report, enumerateCollection: true);
    }

    /// <summary>A failed check for each part Graph would not show: what is not known is not reported as fine.</summary>
    private static IEnumerable<ScimConfigurationCheck> Unreadable(AppSnapshot snapshot) =>
        snapshot.Unreadable.Select(u => new ScimConfigurationCheck(
            $"Read {u.Key.ToString().ToLowerInvariant()}",
            "Graph shows it",
            $"{(int)u.Value.StatusCode} {u.Value.GraphMessage ?? u.Value.Message}",
            false,
            "Grant the signed-in identity the Graph permission for this read (see the README's permission table), then run Test-ScimConfiguration again."));

    private AppPlan PlanTenant(ScimApplication app, AppSnapshot snapshot)
    {
        if (snapshot.Unreadable.TryGetValue(AppParts.Secrets, out _))
        {
            return AppPlan.Empty;
        }

        string? org = OrganizationName ?? TenantPlanner.SamlOrganization(snapshot.ServicePrincipal);
        if (org is null || !PulumiNames.IsValidOrgName(org, out _))
        {
            return AppPlan.Failed("Tenant URL", "https://<pulumi api>/scim/v2/<org login name>", snapshot.TenantUrl ?? "(not saved)",
                "The app's SAML SSO URLs name no Pulumi organization: pass -OrganizationName <login name>.");
        }

        string tenantUrl;
        NotificationSettings notifications;
        try
        {
            tenantUrl = PulumiNames.BuildTenantUrl(org, ApiUrl is null ? app.Session.PulumiApiUrl.ToString() : PulumiNames.NormalizeApiUrl(ApiUrl));
            notifications = NotificationEmail is null ? NotificationSettings.None : NotificationSettings.Email(NotificationEmail);
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(Error("InvalidArgument", ErrorCategory.InvalidArgument, (object?)ApiUrl ?? NotificationEmail, ex.Message));
            throw;
        }

        return TenantPlanner.Plan(snapshot, new TenantWanted(tenantUrl, Scope == ScimScope.All, notifications), TestSavedCredentials(app, snapshot)).Plan;
    }

    private AppPlan PlanSchema(AppSnapshot snapshot)
    {
        if (snapshot.Schema is null)
        {
            return AppPlan.Empty;
        }

        try
        {
            return SchemaStepPlanner.Plan(snapshot.Schema, schema => SchemaPlanner.PlanGuide(schema, UserNameSource, UserNameFlow, enableGroups: true));
        }
        catch (ProvisioningPlanException ex)
        {
            return AppPlan.Failed("Schema", "a SCIM job's schema", ex.Message, "Restore a schema backup with Import-ScimSchema, or recreate the job.");
        }
    }

    private AppPlan PlanAssignments(ScimApplication app, AppSnapshot snapshot)
    {
        if (User is null && Group is null)
        {
            return AssignmentStepPlanner.PlanAny(snapshot);
        }

        try
        {
            return AssignmentStepPlanner.PlanAdd(snapshot, ResolvePrincipals(app, User, Group));
        }
        catch (ProvisioningPlanException ex)
        {
            return AppPlan.Failed("Assignments", "a role users and groups can be assigned", ex.Message, "Add or enable a 'User' app role on the application.");
        }
    }

    /// <summary>
    /// The errors Pulumi would return for the assigned users and groups, found before a cycle runs: the assigned
    /// users, the groups' members and the job's earlier refusals are read in one JSON batch.
    /// </summary>
    private List<ScimConfigurationCheck> Preflight(ScimApplication app, AppSnapshot snapshot)
    {
        var checks = new List<ScimConfigurationCheck>();
        foreach (JsonObject a in snapshot.Assignments.Where(a => string.Equals((string?)a["principalType"], "Group", StringComparison.OrdinalIgnoreCase)))
        {
            checks.AddRange(UserPreflight.GroupCheck((string?)a["principalDisplayName"] ?? (string?)a["principalId"] ?? string.Empty) is { } g ? [g] : []);
        }

        var (users, failures, logError) = Await(ct => PreflightQueries.ScopeAsync(app.Session.Graph, snapshot.Assignments, snapshot.JobId, ct));
        IReadOnlyDictionary<string, string> refused = failures is null ? new Dictionary<string, string>() : UserPreflight.UniquenessRefusals(failures);

        // A part that cannot be read is a failed check, never "no earlier failures".
        ScimConfigurationCheck? logs = logError is null ? null : new ScimConfigurationCheck("Earlier refusals in the provisioning logs", "the provisioning logs can be read", logError.Message, false,
            "Reading the logs needs AuditLog.Read.All and Directory.Read.All and a Microsoft Entra ID P1 or P2 tenant.");
        checks.AddRange(UserPreflight.Check(users.Values, UserNameSource, refused, logs));
        return checks;
    }
}
