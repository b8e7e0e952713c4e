// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Session;

namespace PulumiScim.Model;

/// <summary>An Entra enterprise application (service principal) and its SCIM provisioning job: the head of every pipeline.</summary>
public sealed class ScimApplication
{
    internal ScimApplication(JsonObject servicePrincipal, ScimGraphSession session)
    {
        ServicePrincipal = servicePrincipal;
        Session = session;
        DisplayName = (string?)servicePrincipal["displayName"] ?? string.Empty;
        AppId = Guid.TryParse((string?)servicePrincipal["appId"], out Guid appId) ? appId : Guid.Empty;
        ServicePrincipalId = Guid.TryParse((string?)servicePrincipal["id"], out Guid id) ? id : Guid.Empty;
    }

    /// <summary>The enterprise app's display name.</summary>
    public string DisplayName { get; }

    /// <summary>The application (client) id.</summary>
    public Guid AppId { get; }

    /// <summary>The service principal's object id (what the synchronization APIs take).</summary>
    public Guid ServicePrincipalId { get; }

    /// <summary>The provisioning job's id, or null when the app has none yet.</summary>
    public string? JobId { get; internal set; }

    /// <summary>The job's template (<c>scim</c> for a non-gallery SCIM app).</summary>
    public string? TemplateId { get; internal set; }

    /// <summary>The job's schedule state: Active (provisioning on), Paused (off) or Disabled (never started).</summary>
    public string? ProvisioningState { get; internal set; }

    /// <summary>The job's status code: NotConfigured, NotRun, Active, Paused or Quarantine.</summary>
    public string? StatusCode { get; internal set; }

    /// <summary>The saved Tenant URL (the BaseAddress secret), or null when none is saved.</summary>
    public string? TenantUrl { get; internal set; }

    /// <summary>The saved scope: AssignedOnly (SyncAll false) or All; null when not saved.</summary>
    public string? Scope { get; internal set; }

    /// <summary>The session that read this app; the next cmdlet in the pipeline uses it.</summary>
    public ScimGraphSession Session { get; }

    internal JsonObject ServicePrincipal { get; }

    internal JsonObject? Job { get; set; }

    /// <summary>The last schema step of this pipeline and its planner: the next schema read must plan nothing for it (read-back).</summary>
    internal (string Action, Func<JsonObject, PulumiScim.Provisioning.SchemaPlan> Planner)? PendingSchemaCheck { get; set; }

    /// <summary>When a cmdlet of this pipeline last changed the app's provisioning (credentials, schema, assignments, start).</summary>
    internal DateTimeOffset? LastChangedAt { get; set; }

    /// <summary>When the last cycle known at that change began: a cycle that answers the change began after it.</summary>
    internal DateTimeOffset? CycleBaseline { get; set; }

    /// <summary>How long a read made by an earlier step of the same pipeline may stand in for a new one.</summary>
    internal static readonly TimeSpan ReuseWindow = TimeSpan.FromSeconds(30);

    /// <summary>The secrets as last read (values of secret keys masked), and when.</summary>
    internal (System.Text.Json.Nodes.JsonArray Values, DateTime At)? SecretsRead { get; set; }

    /// <summary>The schema as an earlier step read it without changing it, and when.</summary>
    internal (JsonObject Schema, DateTime At)? SchemaRead { get; set; }

    /// <summary>Records a change, and the last cycle known when it was made.</summary>
    internal void MarkChanged()
    {
        LastChangedAt = DateTimeOffset.UtcNow;
        CycleBaseline = System.DateTimeOffset.TryParse((string?)Job?["status"]?["lastExecution"]?["timeBegan"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var began) && began.Year > 1
            ? began
            : null;
    }

    /// <summary>A copy bound to another session.</summary>
    internal ScimApplication WithSession(ScimGraphSession session) => new(ServicePrincipal, session)
    {
        JobId = JobId,
        TemplateId = TemplateId,
        ProvisioningState = ProvisioningState,
        StatusCode = StatusCode,
        TenantUrl = TenantUrl,
        Scope = Scope,
        Job = Job,
        LastChangedAt = LastChangedAt,
        CycleBaseline = CycleBaseline,
    };

    /// <summary>The service principal id as Graph path segment.</summary>
    internal string Sp => ServicePrincipalId.ToString();

    /// <inheritdoc/>
    public override string ToString() => DisplayName;
}
