// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Nodes;

namespace PulumiScim.Model;

/// <summary>A property Entra read or changed while provisioning one object.</summary>
/// <param name="Name">The property.</param>
/// <param name="OldValue">Its value before.</param>
/// <param name="NewValue">Its value after.</param>
public sealed record ScimModifiedProperty(string? Name, string? OldValue, string? NewValue);

/// <summary>What provisioning one user or group on demand did, step by step (Graph's provisionOnDemand answer).</summary>
public sealed class ScimOnDemandResult
{
    private readonly JsonObject _details;

    internal ScimOnDemandResult(string principal, string principalType, JsonObject? key, JsonObject details)
    {
        _details = details;
        Principal = principal;
        PrincipalType = principalType;
        Result = (string?)key?["result"] ?? (string?)details["statusInfo"]?["status"];
        Action = (string?)details["action"];
        ErrorCode = (string?)details["statusInfo"]?["errorCode"] ?? (string?)key?["details"]?["errorCode"];
        Reason = (string?)details["statusInfo"]?["reason"] ?? (string?)key?["details"]?["errorMessage"];
        TargetId = (string?)details["targetIdentity"]?["id"];
        Steps = (details["provisioningSteps"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(s => new ScimProvisioningStep((string?)s["name"], (string?)s["type"] ?? (string?)s["provisioningStepType"], (string?)s["status"], (string?)s["description"]))
            .ToList();
        ModifiedProperties = (details["modifiedProperties"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(p => new ScimModifiedProperty((string?)p["displayName"], (string?)p["oldValue"], (string?)p["newValue"]))
            .ToList();
    }

    /// <summary>The user or group provisioned.</summary>
    public string Principal { get; }

    /// <summary>User or Group.</summary>
    public string PrincipalType { get; }

    /// <summary>Success, Failure or Skipped.</summary>
    public string? Result { get; }

    /// <summary>Create, Update, Delete or Other.</summary>
    public string? Action { get; }

    /// <summary>The error code on failure.</summary>
    public string? ErrorCode { get; }

    /// <summary>Why it failed or was skipped.</summary>
    public string? Reason { get; }

    /// <summary>The object's id in Pulumi.</summary>
    public string? TargetId { get; }

    /// <summary>The steps Entra took (import, scoping, matching, export).</summary>
    public IReadOnlyList<ScimProvisioningStep> Steps { get; }

    /// <summary>What Entra read and wrote.</summary>
    public IReadOnlyList<ScimModifiedProperty> ModifiedProperties { get; }

    /// <summary>The full answer.</summary>
    public string RecordJson => _details.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <inheritdoc/>
    public override string ToString() => $"{PrincipalType} {Principal}: {Result}";
}

/// <summary>One attribute mapping of the provisioning job.</summary>
/// <param name="Application">The app.</param>
/// <param name="Object">User or Group.</param>
/// <param name="ObjectEnabled">Whether that object mapping ("Provision ... Users/Groups") is on.</param>
/// <param name="Target">The Pulumi (SCIM) attribute.</param>
/// <param name="Source">The Entra attribute or expression.</param>
/// <param name="FlowType">Always, or ObjectAddOnly ("Only during object creation").</param>
/// <param name="MatchingPriority">0 when not used to match; otherwise the matching order.</param>
/// <param name="Required">Whether the target attribute is required in the customappsso attribute list.</param>
public sealed record ScimAttributeMapping(string Application, string Object, bool ObjectEnabled, string Target, string Source, string? FlowType, int MatchingPriority, bool Required);
