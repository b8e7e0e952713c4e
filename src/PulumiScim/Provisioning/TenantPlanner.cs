// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;

namespace PulumiScim.Provisioning;

/// <summary>The Admin Credentials and settings the caller wants (Set-ScimTenant's and Test-ScimConfiguration's parameters).</summary>
/// <param name="TenantUrl">The wanted Tenant URL.</param>
/// <param name="SyncAll">The wanted scope: false = only assigned users and groups.</param>
/// <param name="Notifications">The wanted notification settings.</param>
internal sealed record TenantWanted(string TenantUrl, bool SyncAll, NotificationSettings Notifications);

/// <summary>
/// Test Connection with the saved credentials, run before the planner: null when not run (no job, no token saved,
/// or -SkipValidation), else whether they work and Graph's answer when they do not.
/// </summary>
/// <param name="Works">Whether the saved Tenant URL and Secret Token work.</param>
/// <param name="Error">Graph's answer when they do not.</param>
internal sealed record SavedCredentialsTest(bool Works, string? Error);

/// <summary>
/// Plans the guide's Admin Credentials step: the job (created when missing) and its secrets (Tenant URL, Secret Token,
/// scope, notifications), and checks that the Tenant URL's organization is the one users sign in to with SAML SSO.
/// </summary>
internal static class TenantPlanner
{
    /// <summary>Plans the tenant step on an app read with its job and secrets.</summary>
    /// <param name="app">The app.</param>
    /// <param name="wanted">The wanted credentials and settings.</param>
    /// <param name="saved">The saved credentials' Test Connection, or null when not run (they are then rewritten).</param>
    /// <returns>The checks and the writes (create the job, one secrets PUT).</returns>
    public static (AppPlan Plan, SecretsPlan Secrets) Plan(AppSnapshot app, TenantWanted wanted, SavedCredentialsTest? saved)
    {
        var checks = new List<ScimConfigurationCheck>();
        var changes = new List<AppChange>();
        bool hasJob = app.JobId is not null;
        checks.Add(new ScimConfigurationCheck("Provisioning job", "a SCIM (templateId scim) job", hasJob ? $"{app.TemplateId} job {app.JobId}" : "none", hasJob,
            "Run Set-ScimTenant: it creates the job and saves the Admin Credentials."));
        if (!hasJob)
        {
            changes.Add(new CreateJobChange());
        }

        SecretsPlan secrets = SecretsPlanner.Plan(app.Secrets, wanted.TenantUrl, wanted.SyncAll, wanted.Notifications, saved?.Works == true);
        foreach (ScimConfigurationCheck check in secrets.Checks)
        {
            checks.Add(check.Name == "Secret Token" && saved is { Works: false, Error: { } error } && check.Actual != "(none)"
                ? check with { Actual = $"(saved, does not validate: {error})" }
                : check);
        }

        checks.Add(OrganizationCheck(app, app.TenantUrl ?? wanted.TenantUrl));
        if (!secrets.IsEmpty)
        {
            changes.Add(new PutSecretsChange(secrets));
        }

        return (new AppPlan(checks, changes), secrets);
    }

    /// <summary>
    /// Whether the organization of a Tenant URL is the one the app's SAML SSO URLs name; passes when the app has no
    /// Pulumi SAML URL to compare with.
    /// </summary>
    public static ScimConfigurationCheck OrganizationCheck(AppSnapshot app, string tenantUrl)
    {
        string? samlOrg = SamlOrganization(app.ServicePrincipal);
        string? urlOrg = PulumiNames.TryParseTenantUrl(tenantUrl, out _, out string? parsed) ? parsed : null;
        bool passed = samlOrg is null || string.Equals(samlOrg, urlOrg, StringComparison.OrdinalIgnoreCase);
        return new ScimConfigurationCheck(
            "Organization (Tenant URL vs SAML SSO)",
            samlOrg is null ? "the organization users sign in to" : $"'{samlOrg}' (the app's SAML SSO URLs)",
            urlOrg is null ? $"'{tenantUrl}' names no organization" : $"'{urlOrg}' (the Tenant URL)",
            passed,
            $"Users would be provisioned into a different organization than they sign in to. Run Set-ScimTenant -OrganizationName {samlOrg ?? "<login name>"}, or fix the app's SAML SSO URLs.");
    }

    /// <summary>The organization the app's SAML reply URLs or identifiers name, or null.</summary>
    public static string? SamlOrganization(JsonObject servicePrincipal)
    {
        IEnumerable<string?> reply = (servicePrincipal["replyUrls"] as JsonArray ?? []).Select(n => (string?)n);
        IEnumerable<string?> ids = (servicePrincipal["servicePrincipalNames"] as JsonArray ?? []).Select(n => (string?)n);
        return PulumiNames.TryInferOrgName(reply, ids, out OrgNameInference? found, out _) ? found.Name : null;
    }
}
