// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Commands;

/// <summary>
/// A cmdlet that works on one enterprise app: from the pipeline (a <see cref="ScimApplication"/>), by display name
/// (by position or piped as a string) or by <c>-ServicePrincipalId</c>.
/// </summary>
public abstract class ScimApplicationCmdletBase : ScimSessionCmdletBase
{
    /// <summary>The parameter set of pipeline input.</summary>
    protected const string ByApplicationSet = "ByApplication";

    /// <summary>The parameter set of -DisplayName.</summary>
    protected const string ByNameSet = "ByName";

    /// <summary>The parameter set of -ServicePrincipalId.</summary>
    protected const string ByIdSet = "ById";

    /// <summary>The app, as Get-ScimApplication (or the previous cmdlet of the pipeline) wrote it.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByApplicationSet)]
    [Alias("App", "InputObject")]
    public ScimApplication Application { get; set; } = null!;

    /// <summary>The enterprise app's display name (exact; it must match one app).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ApplicationNameCompleter))]
    public string DisplayName { get; set; } = null!;

    /// <summary>The service principal's object id.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "ObjectId")]
    public Guid ServicePrincipalId { get; set; }

    /// <inheritdoc/>
    protected sealed override void ProcessRecord()
    {
        ScimApplication? app = ResolveApplication();
        if (app is null)
        {
            return;
        }

        try
        {
            ProcessApplication(app);
        }
        catch (GraphRequestException ex)
        {
            WriteError(GraphErrorRecord(ex, FailureErrorId, app));
        }
    }

    /// <summary>The ErrorId written when a Graph call of this cmdlet fails unexpectedly.</summary>
    protected virtual string FailureErrorId => MyInvocation.MyCommand.Name.Replace("-", string.Empty, StringComparison.Ordinal) + "Failed";

    /// <summary>Does the cmdlet's work on one app.</summary>
    protected abstract void ProcessApplication(ScimApplication app);

    /// <summary>The pipeline's app, or the one app the name or id names; writes an error and returns null otherwise.</summary>
    protected ScimApplication? ResolveApplication()
    {
        if (ParameterSetName == ByApplicationSet)
        {
            if (Session is not null && !ReferenceEquals(Session, Application.Session))
            {
                Application = Application.WithSession(Session);
            }

            ResolveSession(Application.Session);
            return Application;
        }

        return FindOneApplication(ResolveSession(), ParameterSetName == ByNameSet ? DisplayName : null, ParameterSetName == ByIdSet ? ServicePrincipalId : null);
    }

    /// <summary>Reads the parts of the app this cmdlet needs, through the session's cache (reused along the pipeline).</summary>
    internal AppSnapshot Read(ScimApplication app, AppParts parts, bool tolerant = false) =>
        Read(AppRef.Of(app), parts, tolerant);

    /// <summary>Reads the parts of an app by its address.</summary>
    internal AppSnapshot Read(AppRef app, AppParts parts, bool tolerant = false) =>
        Await(ct => AppReader.ReadAsync(app, HolderFor(app.Session), parts, tolerant, ct));

    /// <summary>Test Connection with the credentials saved on the job (a planner input); null when the app has no saved token.</summary>
    internal SavedCredentialsTest? TestSavedCredentials(ScimApplication app, AppSnapshot snapshot) =>
        AwaitTask(BeginSavedCredentialsTest(app, snapshot));

    /// <summary>Starts <see cref="TestSavedCredentials"/> without waiting; finish it with <see cref="ScimCmdletBase.AwaitTask{T}"/>.</summary>
    internal Task<SavedCredentialsTest?> BeginSavedCredentialsTest(ScimApplication app, AppSnapshot snapshot)
    {
        if (snapshot.JobId is null || string.IsNullOrEmpty(snapshot.Secret(SecretsPlanner.SecretTokenKey)))
        {
            return Task.FromResult<SavedCredentialsTest?>(null);
        }

        WriteVerbose("Test Connection: checking the saved credentials.");
        return Begin<SavedCredentialsTest?>(async ct =>
        {
            GraphRequestException? error = await SyncOperations.ValidateSavedAsync(AppRef.Of(app.Session, snapshot), ct).ConfigureAwait(false);
            return new SavedCredentialsTest(error is null, error?.GraphMessage ?? error?.Message);
        });
    }

    /// <summary>Resolves users (id, UPN or display name) and groups (id or display name); writes an error per principal that does not resolve.</summary>
    internal List<WantedPrincipal> ResolvePrincipals(ScimApplication app, string[]? users, string[]? groups) =>
        ReportUnresolved(Await(ct => PrincipalQueries.ResolveAsync(app.Session.Graph, users ?? [], groups ?? [], ct)));

    /// <summary>Writes an error per principal that did not resolve; returns the ones that did.</summary>
    internal List<WantedPrincipal> ReportUnresolved(List<PrincipalResolution> resolved)
    {
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

    /// <summary>Whether -WhatIf is in force (the parameter or $WhatIfPreference).</summary>
    protected bool IsWhatIf =>
        (MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? w) && w is SwitchParameter { IsPresent: true })
        || (!MyInvocation.BoundParameters.ContainsKey("WhatIf") && LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference")));

    /// <summary>Writes an error and returns false when the app has no provisioning job yet.</summary>
    protected bool RequireJob(ScimApplication app, string? jobId)
    {
        if (jobId is not null)
        {
            return true;
        }

        WriteError(Error(
            "NoProvisioningJob",
            ErrorCategory.InvalidOperation,
            app,
            $"The app '{app.DisplayName}' has no provisioning job yet.",
            "Run Set-ScimTenant first: it creates the job and saves the Tenant URL and token."));
        return false;
    }

    /// <summary>Writes an error and returns false when the app has no provisioning job yet (as read now).</summary>
    protected bool RequireJob(ScimApplication app) => RequireJob(app, Read(app, AppParts.Job).JobId);

    /// <summary>
    /// Asks ShouldProcess once for a set of changes: -WhatIf lists every change, -Confirm asks once for all of them.
    /// </summary>
    protected bool ShouldProcessChanges(ScimApplication app, string action, IReadOnlyCollection<string> changes)
    {
        string target = $"{app.DisplayName} ({app.ServicePrincipalId})";
        string lines = string.Join(Environment.NewLine, changes.Select(c => "  - " + c));
        string description = $"{action} for '{target}':{Environment.NewLine}{lines}";
        return ShouldProcess(description, $"{action} for '{target}'?{Environment.NewLine}{lines}", action);
    }
}
