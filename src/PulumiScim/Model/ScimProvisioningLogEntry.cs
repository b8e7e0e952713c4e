// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PulumiScim.Model;

/// <summary>One step of a provisioning log entry (import, scoping, matching, processing, referenceResolution, export).</summary>
/// <param name="Name">The step's name, e.g. EntryExportAdd.</param>
/// <param name="Type">import, scoping, matching, processing, referenceResolution or export.</param>
/// <param name="Status">success, failure, skipped or warning.</param>
/// <param name="Description">What happened, in Entra's words.</param>
public sealed record ScimProvisioningStep(string? Name, string? Type, string? Status, string? Description);

/// <summary>One provisioning log entry (Graph's provisioningObjectSummary), readable in a table, with the full record.</summary>
public sealed class ScimProvisioningLogEntry
{
    private readonly byte[] _record;

    /// <summary>
    /// Reads the fields shown in tables and keeps the record as its UTF-8 bytes (half the size of its text, and lighter
    /// than a node tree, on 100,000 entries); <see cref="RecordJson"/> and <see cref="Steps"/> read it when asked.
    /// </summary>
    internal ScimProvisioningLogEntry(JsonElement record, ReadOnlySpan<byte> raw)
    {
        _record = raw.ToArray();
        Id = Str(record, "id") ?? string.Empty;
        Time = DateTimeOffset.TryParse(Str(record, "activityDateTime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : default;
        Action = Capitalize(Str(record, "provisioningAction"));
        JsonElement status = Obj(record, "provisioningStatusInfo");
        Status = Capitalize(Str(status, "status"));
        JsonElement source = Obj(record, "sourceIdentity");
        User = Str(source, "displayName");
        SourceId = Str(source, "id");
        IdentityType = Str(source, "identityType");
        JsonElement target = Obj(record, "targetIdentity");
        Target = Str(target, "displayName") is { Length: > 0 } name ? name : Str(target, "id");
        JsonElement error = Obj(status, "errorInformation");
        ErrorCode = Str(error, "errorCode");
        Reason = Str(error, "reason");
        CycleId = Str(record, "cycleId");
        JobId = Str(record, "jobId");
    }

    private static JsonElement Obj(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Object ? v : default;

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>When it happened.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>Create, Update, Delete, StagedDelete, Disable or Other.</summary>
    public string? Action { get; }

    /// <summary>Success, Failure, Skipped or Warning.</summary>
    public string? Status { get; }

    /// <summary>The Entra user or group (source identity) display name.</summary>
    public string? User { get; }

    /// <summary>The Entra object id of the source identity.</summary>
    public string? SourceId { get; }

    /// <summary>User or Group.</summary>
    public string? IdentityType { get; }

    /// <summary>The object in Pulumi (target identity).</summary>
    public string? Target { get; }

    /// <summary>The error code on failure.</summary>
    public string? ErrorCode { get; }

    /// <summary>Why it failed, including Pulumi's answer.</summary>
    public string? Reason { get; }

    /// <summary>The provisioning cycle.</summary>
    public string? CycleId { get; }

    /// <summary>The job.</summary>
    public string? JobId { get; }

    /// <summary>The entry's id.</summary>
    public string Id { get; }

    /// <summary>The steps Entra took.</summary>
    public IReadOnlyList<ScimProvisioningStep> Steps =>
        (JsonNode.Parse(_record)?["provisioningSteps"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(s => new ScimProvisioningStep((string?)s["name"], (string?)s["provisioningStepType"], (string?)s["status"], (string?)s["description"]))
            .ToList();

    /// <summary>What the target (Pulumi) said, without the HTTP wrapping Entra puts around it; null on success.</summary>
    public string? Message => Reason is null ? null : Provisioning.ProvisioningComparer.PulumiDetail(Reason);

    /// <summary>How to fix the failure, for the failures Pulumi's SCIM troubleshooting pages list; null when unknown.</summary>
    public string? Hint => Reason is null ? null : Provisioning.ProvisioningComparer.FixFor(Reason);

    /// <summary>The full record, as Graph returned it (hidden: shown only when asked for, e.g. <c>$entry.RecordJson</c> or <c>Format-List -Force *</c>).</summary>
    [System.Management.Automation.Hidden]
    public string RecordJson => Encoding.UTF8.GetString(_record);

    /// <inheritdoc/>
    public override string ToString() => $"{Time:u} {Action} {Status} {User}";

    private static string? Capitalize(string? s) => string.IsNullOrEmpty(s) ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
