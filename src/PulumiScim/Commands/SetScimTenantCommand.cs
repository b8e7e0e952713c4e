// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Net;
using System.Security;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;
using PulumiScim.Session;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Sets the Admin Credentials (Tenant URL and Secret Token) after testing the connection, and the provisioning scope.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "ScimTenant", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ScimApplication))]
public sealed class SetScimTenantCommand : ScimConfiguringCmdletBase
{
    private string? _orgName;
    private string? _apiUrl;

    /// <summary>The Pulumi organization's login name (the name in its SAML SSO URL, not its display name). Read from the app's SAML URLs when left out.</summary>
    [Parameter(Position = 1)]
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
        RequireToken(Token);

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
    private protected override string Action => "Set the Pulumi tenant";

    /// <inheritdoc/>
    private protected override AppParts Needs => AppParts.Job | AppParts.Secrets;

    /// <inheritdoc/>
    private protected override SecureString? SecretToken => Token;

    /// <inheritdoc/>
    private protected override string NothingToDo(ScimApplication app) =>
        "The Tenant URL, scope and notifications already hold, and the saved credentials and the given token both validate, so they are the same token (Pulumi keeps one SCIM token per organization); nothing to write.";

    /// <inheritdoc/>
    private protected override AppPlan? PlanFor(ScimApplication app, AppSnapshot snapshot)
    {
        string? org = _orgName ?? InferOrganization(app, snapshot);
        if (org is null)
        {
            return null;
        }

        string tenantUrl;
        try
        {
            tenantUrl = PulumiNames.BuildTenantUrl(org, _apiUrl ?? app.Session.PulumiApiUrl.ToString());
        }
        catch (ArgumentException ex)
        {
            WriteError(Error("InvalidApiUrl", ErrorCategory.InvalidArgument, _apiUrl ?? app.Session.PulumiApiUrl.ToString(), ex.Message));
            return null;
        }

        bool syncAll = Scope == ScimScope.All;
        WriteVerbose($"Admin Credentials: Tenant URL {tenantUrl}; scope {(syncAll ? "Sync all users and groups" : "Sync only assigned users and groups")}.");
        if (_orgName is not null && TenantPlanner.OrganizationCheck(snapshot, tenantUrl) is { Passed: false } orgCheck)
        {
            WriteWarning($"The organization '{org}' is not the one the app's SAML SSO URLs name ({orgCheck.Expected}): {orgCheck.Hint}");
        }

        // Test Connection with the saved credentials and with the given token at the same time: neither needs the
        // other's answer, and each takes a round trip to Pulumi through Graph.
        Task<SavedCredentialsTest?>? savedTest = SkipValidation ? null : BeginSavedCredentialsTest(app, snapshot);
        if (!SkipValidation && !TestGivenTokenBeside(savedTest, app, snapshot, tenantUrl))
        {
            FinishQuietly(savedTest);
            return null;
        }

        SavedCredentialsTest? saved = savedTest is null ? null : AwaitTask(savedTest);

        NotificationSettings notifications = NotificationEmail is null ? NotificationSettings.None : NotificationSettings.Email(NotificationEmail);
        return TenantPlanner.Plan(snapshot, new TenantWanted(tenantUrl, syncAll, notifications), saved).Plan;
    }

    /// <summary>Lets a test whose answer is no longer needed end (its messages written, its failure not: the given token's is).</summary>
    private void FinishQuietly(Task<SavedCredentialsTest?>? test)
    {
        try
        {
            _ = test is null ? null : AwaitTask(test);
        }
        catch (GraphRequestException)
        {
            // The call already failed for the given token, and that error was written.
        }
    }

    /// <summary>
    /// <see cref="TestGivenToken"/> while the saved credentials' test runs; when the given token's test throws, the
    /// other's end is observed (it stops with the command) so its failure is not left unobserved.
    /// </summary>
    private bool TestGivenTokenBeside(Task<SavedCredentialsTest?>? savedTest, ScimApplication app, AppSnapshot snapshot, string tenantUrl)
    {
        try
        {
            return TestGivenToken(app, snapshot, tenantUrl);
        }
        catch
        {
            savedTest?.ObserveEnd();
            throw;
        }
    }

    /// <summary>Test Connection with the given token; writes the error and returns false when Pulumi refuses it.</summary>
    private bool TestGivenToken(ScimApplication app, AppSnapshot snapshot, string tenantUrl)
    {
        WriteVerbose($"Test Connection: {tenantUrl} with the given token.");
        GraphRequestException? error = Await(ct => SyncOperations.ValidateAsync(AppRef.Of(app.Session, snapshot), tenantUrl, Token, ct));
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

    private string? InferOrganization(ScimApplication app, AppSnapshot snapshot)
    {
        IEnumerable<string?> reply = (snapshot.ServicePrincipal["replyUrls"] as JsonArray ?? []).Select(n => (string?)n);
        IEnumerable<string?> ids = (snapshot.ServicePrincipal["servicePrincipalNames"] as JsonArray ?? []).Select(n => (string?)n);
        if (PulumiNames.TryInferOrgName(reply, ids, out OrgNameInference? found, out string? error))
        {
            WriteVerbose($"Using the Pulumi organization '{found.Name}' from the app's SAML {found.Source}.");
            return found.Name;
        }

        WriteError(Error("OrganizationNameNotFound", ErrorCategory.InvalidArgument, app, error!, "Pass -OrganizationName."));
        return null;
    }
}
