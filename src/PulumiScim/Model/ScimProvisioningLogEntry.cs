// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
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
    private readonly JsonObject _record;

    internal ScimProvisioningLogEntry(JsonObject record)
    {
        _record = record;
        Id = (string?)record["id"] ?? string.Empty;
        Time = DateTimeOffset.TryParse((string?)record["activityDateTime"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : default;
        Action = Capitalize((string?)record["provisioningAction"]);
        Status = Capitalize((string?)record["provisioningStatusInfo"]?["status"]);
        User = (string?)record["sourceIdentity"]?["displayName"];
        SourceId = (string?)record["sourceIdentity"]?["id"];
        IdentityType = (string?)record["sourceIdentity"]?["identityType"];
        Target = (string?)record["targetIdentity"]?["displayName"] is { Length: > 0 } name ? name : (string?)record["targetIdentity"]?["id"];
        ErrorCode = (string?)record["provisioningStatusInfo"]?["errorInformation"]?["errorCode"];
        Reason = (string?)record["provisioningStatusInfo"]?["errorInformation"]?["reason"];
        CycleId = (string?)record["cycleId"];
        JobId = (string?)record["jobId"];
    }

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
        (_record["provisioningSteps"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(s => new ScimProvisioningStep((string?)s["name"], (string?)s["provisioningStepType"], (string?)s["status"], (string?)s["description"]))
            .ToList();

    /// <summary>The full record, as Graph returned it.</summary>
    public string RecordJson => _record.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <inheritdoc/>
    public override string ToString() => $"{Time:u} {Action} {Status} {User}";

    private static string? Capitalize(string? s) => string.IsNullOrEmpty(s) ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
