// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using PulumiScim.Graph;
using PulumiScim.Session;

namespace PulumiScim.Model;

/// <summary>
/// An Entra enterprise application (service principal) and its SCIM provisioning job as last read: the head of every
/// pipeline. Plain data, safe to keep, compare and serialize; every cmdlet reads the live state again.
/// </summary>
public sealed class ScimApplication : IEquatable<ScimApplication>
{
    internal ScimApplication(AppSnapshot snapshot, ScimGraphSession session, ScimApplication? previous = null)
    {
        Session = session;
        DisplayName = (string?)snapshot.ServicePrincipal["displayName"] ?? string.Empty;
        AppId = Guid.TryParse((string?)snapshot.ServicePrincipal["appId"], out Guid appId) ? appId : Guid.Empty;
        ServicePrincipalId = snapshot.ServicePrincipalId;
        bool job = snapshot.Has(AppParts.Job) && !snapshot.Unreadable.ContainsKey(AppParts.Job);
        JobId = job ? snapshot.JobId : previous?.JobId;
        TemplateId = job ? snapshot.TemplateId : previous?.TemplateId;
        ProvisioningState = job ? snapshot.ScheduleState : previous?.ProvisioningState;
        StatusCode = job ? snapshot.StatusCode : previous?.StatusCode;
        bool secrets = snapshot.Has(AppParts.Secrets) && !snapshot.Unreadable.ContainsKey(AppParts.Secrets);
        TenantUrl = secrets ? snapshot.TenantUrl : previous?.TenantUrl;
        Scope = secrets ? snapshot.Scope : previous?.Scope;
    }

    private ScimApplication(ScimApplication other, ScimGraphSession session)
    {
        Session = session;
        DisplayName = other.DisplayName;
        AppId = other.AppId;
        ServicePrincipalId = other.ServicePrincipalId;
        JobId = other.JobId;
        TemplateId = other.TemplateId;
        ProvisioningState = other.ProvisioningState;
        StatusCode = other.StatusCode;
        TenantUrl = other.TenantUrl;
        Scope = other.Scope;
    }

    /// <summary>The enterprise app's display name.</summary>
    public string DisplayName { get; }

    /// <summary>The application (client) id.</summary>
    public Guid AppId { get; }

    /// <summary>The service principal's object id (what the synchronization APIs take).</summary>
    public Guid ServicePrincipalId { get; }

    /// <summary>The provisioning job's id, or null when the app has none yet.</summary>
    public string? JobId { get; }

    /// <summary>The job's template (<c>scim</c> for a non-gallery SCIM app).</summary>
    public string? TemplateId { get; }

    /// <summary>The job's schedule state: Active (provisioning on), Paused (off) or Disabled (never started).</summary>
    public string? ProvisioningState { get; }

    /// <summary>The job's status code: NotConfigured, NotRun, Active, Paused or Quarantine.</summary>
    public string? StatusCode { get; }

    /// <summary>The saved Tenant URL (the BaseAddress secret), or null when none is saved.</summary>
    public string? TenantUrl { get; }

    /// <summary>The saved scope: AssignedOnly (SyncAll false) or All; null when not saved.</summary>
    public string? Scope { get; }

    /// <summary>The session that read this app; the next cmdlet in the pipeline uses it.</summary>
    public ScimGraphSession Session { get; }

    /// <summary>A copy bound to another session.</summary>
    internal ScimApplication WithSession(ScimGraphSession session) => new(this, session);

    /// <summary>Whether both describe the same app in the same state (the session is not compared).</summary>
    public bool Equals(ScimApplication? other) =>
        other is not null
        && ServicePrincipalId == other.ServicePrincipalId
        && AppId == other.AppId
        && DisplayName == other.DisplayName
        && JobId == other.JobId
        && TemplateId == other.TemplateId
        && ProvisioningState == other.ProvisioningState
        && StatusCode == other.StatusCode
        && TenantUrl == other.TenantUrl
        && Scope == other.Scope;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ScimApplication);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(ServicePrincipalId, JobId, ProvisioningState, StatusCode, TenantUrl, Scope);

    /// <inheritdoc/>
    public override string ToString() => DisplayName;
}
