// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Engine.Provisioning;

/// <summary>One provisioning step (import, scoping, matching, processing, export) of an object.</summary>
internal sealed record OutcomeStep(string Name, string Type, string Status, string Description, JsonObject Details, DateTime Timestamp);

/// <summary>One modified property: the attribute and its old and new values.</summary>
internal sealed record ModifiedProperty(string Name, string? OldValue, string? NewValue);

/// <summary>The errorInformation of a failed or skipped entry.</summary>
internal sealed record OutcomeError(string Code, string Reason, string Category, string? RecommendedAction = null);

/// <summary>Why a whole cycle failed (lastExecution.error and quarantine.error).</summary>
internal sealed record CycleError(string Code, string Message);

/// <summary>Where an entry belongs: the tenant, job, cycle, service principal and the two systems.</summary>
internal sealed record LogContext(
    string TenantId,
    string JobId,
    string CycleId,
    string ServicePrincipalId,
    string ServicePrincipalDisplayName,
    string AppId,
    string SourceSystemName,
    string? SourceSystemId,
    string TargetSystemName,
    string? TargetSystemId);

/// <summary>
/// What happened to one user or group in a cycle or an on-demand request. Rendered as a provisioningObjectSummary
/// (Graph docs, "List provisioningObjectSummary", Example 2: Error response) for <c>/auditLogs/provisioning</c>, and as the
/// JSON-in-string pair provisionOnDemand answers (Graph docs, "synchronizationJob: provisionOnDemand", Example 1 response).
/// </summary>
internal sealed class ProvisioningOutcome
{
    private static readonly JsonSerializerOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public ProvisioningOutcome(string objectType, string sourceId, string? sourceDisplayName, string reportableIdentifier, string targetObjectName)
    {
        ObjectType = objectType;
        SourceId = sourceId;
        SourceDisplayName = sourceDisplayName;
        ReportableIdentifier = reportableIdentifier;
        TargetObjectName = targetObjectName;
    }

    /// <summary>"User" or "Group".</summary>
    public string ObjectType { get; }

    public string SourceId { get; }

    public string? SourceDisplayName { get; }

    /// <summary>How the logs name the object: a user's userPrincipalName, a group's displayName.</summary>
    public string ReportableIdentifier { get; }

    public string TargetObjectName { get; }

    public string ChangeId { get; } = Guid.NewGuid().ToString();

    public DateTime Start { get; } = DateTime.UtcNow;

    public DateTime End { get; private set; } = DateTime.UtcNow;

    /// <summary>create, update, disable, delete or other.</summary>
    public string Action { get; set; } = "other";

    /// <summary>success, failure, skipped or warning.</summary>
    public string Status { get; private set; } = "success";

    public OutcomeError? Error { get; private set; }

    /// <summary>Why the object was skipped (RedundantExport, NotEffectivelyEntitled...), for provisionOnDemand.</summary>
    public string? SkipReason { get; private set; }

    public string? SkipMessage { get; private set; }

    public string? TargetId { get; set; }

    public string? TargetDisplayName { get; set; }

    public List<OutcomeStep> Steps { get; } = [];

    public List<ModifiedProperty> Modified { get; } = [];

    /// <summary>Nothing to report in a cycle: out of scope and never provisioned, or already in the desired state.</summary>
    public bool Quiet { get; private set; }

    /// <summary>Set when the failure stops the whole cycle (credentials refused, endpoint unreachable).</summary>
    public CycleError? Abort { get; set; }

    /// <summary>Whether a write to the target was attempted, and whether it succeeded.</summary>
    public bool ExportAttempted { get; set; }

    public bool Exported => ExportAttempted && Status == "success";

    public void Step(string name, string type, string status, string description, JsonObject? details = null) =>
        Steps.Add(new OutcomeStep(name, type, status, description, details ?? [], DateTime.UtcNow));

    public void Fail(OutcomeError error)
    {
        Status = "failure";
        Error = error;
        Finish();
    }

    public void Skip(string reason, string message, bool quiet, OutcomeError? error = null)
    {
        Status = "skipped";
        SkipReason = reason;
        SkipMessage = message;
        Quiet = quiet;
        Error = error;
        Finish();
    }

    public void Succeed(string action)
    {
        Action = action;
        Status = "success";
        Finish();
    }

    public void Finish() => End = DateTime.UtcNow;

    /// <summary>The provisioningObjectSummary for <c>/auditLogs/provisioning</c>.</summary>
    public JsonObject ToSummary(LogContext c)
    {
        var steps = new JsonArray();
        foreach (OutcomeStep s in Steps)
        {
            steps.Add(new JsonObject
            {
                ["name"] = s.Name,
                ["provisioningStepType"] = s.Type,
                ["status"] = s.Status,
                ["description"] = s.Description,
                ["details"] = s.Details.DeepClone(),
            });
        }

        return new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["activityDateTime"] = End.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["tenantId"] = c.TenantId,
            ["jobId"] = c.JobId,
            ["cycleId"] = c.CycleId,
            ["changeId"] = ChangeId,
            ["provisioningAction"] = Action,
            ["durationInMilliseconds"] = (int)Math.Max(0, (End - Start).TotalMilliseconds),
            ["sourceSystem"] = new JsonObject { ["id"] = c.SourceSystemId ?? string.Empty, ["displayName"] = c.SourceSystemName, ["details"] = new JsonObject() },
            ["targetSystem"] = new JsonObject
            {
                ["id"] = c.TargetSystemId ?? string.Empty,
                ["displayName"] = c.TargetSystemName,
                ["details"] = new JsonObject
                {
                    ["ApplicationId"] = c.AppId,
                    ["ServicePrincipalId"] = c.ServicePrincipalId,
                    ["ServicePrincipalDisplayName"] = c.ServicePrincipalDisplayName,
                },
            },
            ["initiatedBy"] = new JsonObject { ["id"] = string.Empty, ["displayName"] = "Azure AD Provisioning Service", ["initiatorType"] = "system" },
            ["servicePrincipal"] = new JsonObject { ["id"] = c.ServicePrincipalId, ["displayName"] = c.ServicePrincipalDisplayName },
            ["sourceIdentity"] = new JsonObject
            {
                ["id"] = SourceId,
                ["displayName"] = SourceDisplayName ?? string.Empty,
                ["identityType"] = ObjectType,
                ["details"] = new JsonObject(),
            },
            ["targetIdentity"] = new JsonObject
            {
                ["id"] = TargetId ?? string.Empty,
                ["displayName"] = TargetDisplayName ?? string.Empty,
                ["identityType"] = TargetObjectName,
                ["details"] = new JsonObject(),
            },
            ["provisioningStatusInfo"] = new JsonObject
            {
                ["status"] = Status,
                ["errorInformation"] = Error is null ? null : new JsonObject
                {
                    ["errorCode"] = Error.Code,
                    ["reason"] = Error.Reason,
                    ["additionalDetails"] = null,
                    ["errorCategory"] = Error.Category,
                    ["recommendedAction"] = Error.RecommendedAction,
                },
            },
            ["provisioningSteps"] = steps,
            ["modifiedProperties"] = ModifiedArray(),
        };
    }

    /// <summary>
    /// The stringKeyStringValuePair provisionOnDemand answers: <c>key</c> is <c>{"result","details"}</c> and <c>value</c>
    /// the change's record, each a JSON document in a string (Graph docs, "synchronizationJob: provisionOnDemand", Example 1 response).
    /// </summary>
    public JsonObject ToOnDemandPair(LogContext c)
    {
        string result = Status switch { "success" => "Success", "skipped" => "Skipped", "warning" => "Warning", _ => "Failure" };
        var details = new JsonObject();
        if (Status == "skipped")
        {
            details["errorCode"] = SkipReason;
            details["errorMessage"] = SkipMessage;
        }
        else if (Error is not null)
        {
            details["errorCode"] = Error.Code;
            details["errorMessage"] = Error.Reason;
        }

        var key = new JsonObject { ["result"] = result, ["details"] = details };
        var steps = new JsonArray();
        foreach (OutcomeStep s in Steps)
        {
            steps.Add(new JsonObject
            {
                ["name"] = s.Name,
                ["type"] = Capitalize(s.Type),
                ["status"] = Capitalize(s.Status),
                ["description"] = s.Description,
                ["timestamp"] = s.Timestamp.ToString("o", CultureInfo.InvariantCulture),
                ["details"] = s.Details.DeepClone(),
            });
        }

        var value = new JsonObject
        {
            ["action"] = Capitalize(Action),
            ["changeId"] = ChangeId,
            ["endTime"] = End.ToString("o", CultureInfo.InvariantCulture),
            ["modifiedProperties"] = ModifiedArray(),
            ["provisioningSteps"] = steps,
            ["reportableIdentifier"] = ReportableIdentifier,
            ["startTime"] = Start.ToString("o", CultureInfo.InvariantCulture),
            ["statusInfo"] = new JsonObject
            {
                ["status"] = result,
                ["errorCode"] = Error?.Code,
                ["reason"] = Error?.Reason,
                ["additionalDetails"] = null,
                ["errorCategory"] = Error?.Category,
                ["recommendedAction"] = Error?.RecommendedAction,
            },
            ["sourceIdentity"] = new JsonObject { ["id"] = SourceId, ["type"] = ObjectType, ["displayName"] = SourceDisplayName, ["details"] = null },
            ["sourceSystem"] = new JsonObject { ["id"] = c.SourceSystemId, ["name"] = c.SourceSystemName, ["details"] = null },
            ["targetIdentity"] = new JsonObject { ["id"] = TargetId, ["type"] = TargetObjectName, ["displayName"] = TargetDisplayName, ["details"] = null },
            ["targetSystem"] = new JsonObject { ["id"] = c.TargetSystemId, ["name"] = c.TargetSystemName, ["details"] = null },
        };
        return new JsonObject
        {
            ["key"] = key.ToJsonString(s_compact),
            ["value"] = value.ToJsonString(s_compact),
        };
    }

    private JsonArray ModifiedArray()
    {
        var modified = new JsonArray();
        foreach (ModifiedProperty m in Modified)
        {
            modified.Add(new JsonObject { ["displayName"] = m.Name, ["oldValue"] = m.OldValue, ["newValue"] = m.NewValue });
        }

        return modified;
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
