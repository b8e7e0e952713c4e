// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Net;
using System.Security;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Commands;

/// <summary>Which users and groups Entra provisions (the secret SyncAll).</summary>
public enum ScimScope
{
    /// <summary>"Sync only assigned users and groups" (SyncAll = false): the guide's choice.</summary>
    AssignedOnly,

    /// <summary>"Sync all users and groups" (SyncAll = true).</summary>
    All,
}

/// <summary>
/// <para type="synopsis">Sets the Admin Credentials (Tenant URL and Secret Token) after testing the connection, and the provisioning scope.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "ScimTenant", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByApplicationSet)]
[OutputType(typeof(ScimApplication))]
public sealed class SetScimTenantCommand : ScimApplicationCmdletBase
{
    private string? _orgName;
    private string? _apiUrl;

    /// <summary>The Pulumi organization's login name (the name in its SAML SSO URL, not its display name). Read from the app's SAML URLs when left out.</summary>
    [Parameter(Position = 0)]
    [Alias("Organization", "OrgName")]
    [ArgumentCompleter(typeof(OrganizationNameCompleter))]
    public string? OrganizationName { get; set; }

    /// <summary>The Pulumi SCIM token (Pulumi Cloud: Settings > Access Management > SCIM), as a SecureString or PSCredential.</summary>
    [Parameter(Mandatory = true)]
    [SecureStringTransformation]
    public SecureString Token { get; set; } = null!;

    /// <summary>The Pulumi API root (default: the session's, https://api.pulumi.com); self-hosted Pulumi Cloud: your API host.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ApiUrl { get; set; }

    /// <summary>AssignedOnly ("Sync only assigned users and groups", the guide's choice) or All.</summary>
    [Parameter]
    public ScimScope Scope { get; set; } = ScimScope.AssignedOnly;

    /// <summary>Where Entra mails provisioning failure notifications; none when left out.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NotificationEmail { get; set; }

    /// <summary>Saves the credentials without testing them first (use only when Pulumi is unreachable from Entra right now).</summary>
    [Parameter]
    public SwitchParameter SkipValidation { get; set; }

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (Token.Length == 0)
        {
            ThrowTerminatingError(Error("EmptyToken", ErrorCategory.InvalidArgument, nameof(Token), "The token is empty.", "Pass the Pulumi SCIM token from Pulumi Cloud: Settings > Access Management > SCIM."));
        }

        if (OrganizationName is not null)
        {
            if (!PulumiNames.IsValidOrgName(OrganizationName, out string? error))
            {
                ThrowTerminatingError(Error("InvalidOrganizationName", ErrorCategory.InvalidArgument, OrganizationName, error!));
            }

            _orgName = OrganizationName;
        }

        if (NotificationEmail is not null)
        {
            try
            {
                NotificationSettings.Email(NotificationEmail);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(Error("InvalidNotificationEmail", ErrorCategory.InvalidArgument, NotificationEmail, ex.Message, "Pass one or more e-mail addresses, separated by ';'."));
            }
        }

        if (ApiUrl is not null)
        {
            try
            {
                _apiUrl = PulumiNames.NormalizeApiUrl(ApiUrl);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(Error("InvalidApiUrl", ErrorCategory.InvalidArgument, ApiUrl, ex.Message));
            }
        }
    }

    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app)
    {
        string? org = _orgName ?? InferOrganization(app);
        if (org is null)
        {
            return;
        }

        string tenantUrl;
        try
        {
            tenantUrl = PulumiNames.BuildTenantUrl(org, _apiUrl ?? app.Session.PulumiApiUrl.ToString());
        }
        catch (ArgumentException ex)
        {
            WriteError(Error("InvalidApiUrl", ErrorCategory.InvalidArgument, _apiUrl ?? app.Session.PulumiApiUrl.ToString(), ex.Message));
            return;
        }

        bool syncAll = Scope == ScimScope.All;
        NotificationSettings notifications = NotificationEmail is null ? NotificationSettings.None : NotificationSettings.Email(NotificationEmail);
        WriteVerbose($"Admin Credentials: Tenant URL {tenantUrl}; scope {(syncAll ? "Sync all users and groups" : "Sync only assigned users and groups")}.");

        bool newJob = app.JobId is null;
        IReadOnlyList<KeyValuePair<string, string?>> saved = [];
        if (!newJob)
        {
            // Get-ScimApplication read the secrets moments ago in the same pipeline: reuse that read.
            JsonArray secrets = app.SecretsRead is { } read && DateTime.UtcNow - read.At < ScimApplication.ReuseWindow
                ? read.Values
                : Await(ct => ApplicationQueries.RefreshSecretsAsync(app, ct));
            saved = SecretsPlanner.ReadSecrets(secrets);
        }

        SecretsPlan plan = SecretsPlanner.Plan(saved, tenantUrl, syncAll, notifications, credentialsValidate: true);
        if (!newJob && plan.IsEmpty)
        {
            // Tenant URL, scope and notifications already hold. Graph masks the saved token, but Pulumi keeps one valid
            // SCIM token per organization: when the saved credentials and the given token both validate, they are the same.
            if (SkipValidation)
            {
                WriteVerbose("Tenant URL and scope already hold; with -SkipValidation the saved token cannot be compared with the given one, so it is rewritten.");
                plan = SecretsPlanner.Plan(saved, tenantUrl, syncAll, notifications, credentialsValidate: false);
            }
            else
            {
                WriteVerbose("Test Connection: checking the saved credentials.");
                GraphRequestException? savedError = Await(ct => SyncOperations.ValidateSavedAsync(app, ct));
                if (!TestGivenToken(app, tenantUrl))
                {
                    return;
                }

                if (savedError is null)
                {
                    WriteVerbose("The saved credentials and the given token both validate, so they are the same token (Pulumi keeps one SCIM token per organization); nothing to write.");
                    WriteObject(app);
                    return;
                }

                WriteVerbose($"The saved credentials no longer validate ({savedError.GraphMessage}); the given token does, so it replaces them.");
                plan = SecretsPlanner.Plan(saved, tenantUrl, syncAll, notifications, credentialsValidate: false);
            }
        }
        else if (!SkipValidation && !TestGivenToken(app, tenantUrl))
        {
            return;
        }

        var changes = new List<string>();
        if (newJob)
        {
            changes.Add("create the provisioning job (template scim)");
        }

        changes.AddRange(plan.Changes.Select(c => c.Description));
        if (!ShouldProcessChanges(app, "Set the Pulumi tenant", changes))
        {
            WriteObject(app);
            return;
        }

        if (newJob)
        {
            Await(ct => SyncOperations.CreateJobAsync(app, ct));
            WriteVerbose($"Created the provisioning job {app.JobId}.");
        }

        byte[] body = plan.BuildPutBody(new NetworkCredential(string.Empty, Token).Password);
        app.SecretsRead = null;
        Await(ct => SyncOperations.PutSecretsAsync(app, body, ct));
        app.MarkChanged();
        app.TenantUrl = tenantUrl;
        app.Scope = syncAll ? "All" : "AssignedOnly";
        WriteVerbose($"Saved the Admin Credentials of '{app.DisplayName}': {plan.Summary}.");
        WriteObject(app);
    }

    /// <summary>Test Connection with the given token; writes the error and returns false when Pulumi refuses it.</summary>
    private bool TestGivenToken(ScimApplication app, string tenantUrl)
    {
        WriteVerbose($"Test Connection: {tenantUrl} with the given token.");
        GraphRequestException? error = Await(ct => SyncOperations.ValidateAsync(app, tenantUrl, Token, ct));
        if (error is null)
        {
            WriteVerbose("Test Connection succeeded.");
            return true;
        }

        if (error.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden && error.Code is "InvalidAuthenticationToken" or "Authorization_RequestDenied")
        {
            WriteError(GraphErrorRecord(error, FailureErrorId, app));
            return false;
        }

        WriteError(Error(
            "CredentialsRejected",
            ErrorCategory.AuthenticationError,
            tenantUrl,
            $"Test Connection failed for {tenantUrl}: {error.GraphMessage ?? error.Message} Nothing was saved; the credentials already saved (if any) are unchanged.",
            "Check the organization's login name (it is in the SAML SSO URL) and the SCIM token (Pulumi Cloud: Settings > Access Management > SCIM; regenerating it invalidates the old one)."));
        return false;
    }

    private string? InferOrganization(ScimApplication app)
    {
        IEnumerable<string?> reply = (app.ServicePrincipal["replyUrls"] as JsonArray ?? []).Select(n => (string?)n);
        IEnumerable<string?> ids = (app.ServicePrincipal["servicePrincipalNames"] as JsonArray ?? []).Select(n => (string?)n);
        if (PulumiNames.TryInferOrgName(reply, ids, out OrgNameInference? found, out string? error))
        {
            WriteVerbose($"Using the Pulumi organization '{found.Name}' from the app's SAML {found.Source}.");
            return found.Name;
        }

        WriteError(Error("OrganizationNameNotFound", ErrorCategory.InvalidArgument, app, error!, "Pass -OrganizationName."));
        return null;
    }
}
