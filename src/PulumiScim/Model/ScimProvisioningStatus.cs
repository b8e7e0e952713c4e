// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;

namespace PulumiScim.Model;

/// <summary>The provisioning job's state with a one-line verdict.</summary>
public sealed class ScimProvisioningStatus
{
    internal ScimProvisioningStatus(ScimApplication app, JsonObject job)
    {
        Application = app.DisplayName;
        ServicePrincipalId = app.ServicePrincipalId;
        JobId = (string?)job["id"];
        State = (string?)job["schedule"]?["state"];
        StatusCode = (string?)job["status"]?["code"];
        Interval = (string?)job["schedule"]?["interval"];
        JsonNode? last = job["status"]?["lastExecution"];
        LastCycleBegan = Time(last?["timeBegan"]);
        LastCycleEnded = Time(last?["timeEnded"]);
        LastCycleState = (string?)last?["state"];
        Exported = Int(last?["countExported"]);
        Escrowed = Int(last?["countEscrowed"]);
        Imported = Int(last?["countImported"]);
        Entitled = Int(last?["countEntitled"]);
        string? code = (string?)last?["error"]?["code"];
        LastError = code is null or "None" ? null : $"{code}: {(string?)last?["error"]?["message"]}";
        SteadyStateLastAchieved = Time(job["status"]?["steadyStateLastAchievedTime"]);
        SuccessiveFailures = Int(job["status"]?["countSuccessiveCompleteFailures"]);
        JsonNode? q = job["status"]?["quarantine"];
        InQuarantine = q is not null || StatusCode == "Quarantine";
        QuarantineReason = (string?)q?["reason"];
        QuarantineError = (string?)q?["error"]?["message"];
        QuarantineSince = Time(q?["currentBegan"]);
        NextAttempt = Time(q?["nextAttempt"]);
        (Health, Verdict) = Judge();
    }

    /// <summary>The app.</summary>
    public string Application { get; }

    /// <summary>The app's service principal id.</summary>
    public Guid ServicePrincipalId { get; }

    /// <summary>The job.</summary>
    public string? JobId { get; }

    /// <summary>Active (on), Paused (off) or Disabled (never started).</summary>
    public string? State { get; }

    /// <summary>NotConfigured, NotRun, Active, Paused or Quarantine.</summary>
    public string? StatusCode { get; }

    /// <summary>How often cycles run (ISO 8601).</summary>
    public string? Interval { get; }

    /// <summary>When the last cycle began.</summary>
    public DateTimeOffset? LastCycleBegan { get; }

    /// <summary>When the last cycle ended.</summary>
    public DateTimeOffset? LastCycleEnded { get; }

    /// <summary>Succeeded, EntryLevelErrors or Failed.</summary>
    public string? LastCycleState { get; }

    /// <summary>Objects written to Pulumi in the last cycle.</summary>
    public long Exported { get; }

    /// <summary>Objects that failed and wait for a retry (escrows).</summary>
    public long Escrowed { get; }

    /// <summary>Objects read from Entra in the last cycle.</summary>
    public long Imported { get; }

    /// <summary>Objects in scope in the last cycle.</summary>
    public long Entitled { get; }

    /// <summary>The last cycle's error, if it failed as a whole.</summary>
    public string? LastError { get; }

    /// <summary>When the job last reached steady state (everything in scope provisioned).</summary>
    public DateTimeOffset? SteadyStateLastAchieved { get; }

    /// <summary>Whole cycles that failed in a row.</summary>
    public long SuccessiveFailures { get; }

    /// <summary>Whether Entra quarantined the job.</summary>
    public bool InQuarantine { get; }

    /// <summary>Why, e.g. EncounteredQuarantineException.</summary>
    public string? QuarantineReason { get; }

    /// <summary>The error that caused the quarantine.</summary>
    public string? QuarantineError { get; }

    /// <summary>Since when the job is quarantined.</summary>
    public DateTimeOffset? QuarantineSince { get; }

    /// <summary>When Entra tries again.</summary>
    public DateTimeOffset? NextAttempt { get; }

    /// <summary>Healthy, Warning, Failing, Quarantined, Off or NotStarted.</summary>
    public string Health { get; }

    /// <summary>One line an admin can act on.</summary>
    public string Verdict { get; }

    private (string, string) Judge()
    {
        if (InQuarantine)
        {
            return ("Quarantined", $"Quarantined since {QuarantineSince:u} ({QuarantineReason}): {QuarantineError ?? LastError}. Fix the cause (often the Secret Token: Set-ScimTenant), then Start-ScimProvisioning clears it.");
        }

        if (State is "Disabled" or null)
        {
            return ("NotStarted", "Provisioning was never turned on: run Start-ScimProvisioning.");
        }

        if (State == "Paused")
        {
            return ("Off", "Provisioning is off: run Start-ScimProvisioning to turn it on.");
        }

        if (LastCycleEnded is null)
        {
            return ("NotStarted", "Provisioning is on; the first cycle has not finished yet (Wait-ScimProvisioning waits for it).");
        }

        return LastCycleState switch
        {
            "Failed" => ("Failing", $"The last cycle failed: {LastError}. Check Test-ScimConfiguration and the Secret Token."),
            "EntryLevelErrors" => ("Warning", $"The last cycle ended {LastCycleEnded:u} with errors on some users or groups ({Escrowed} waiting for retry): see Get-ScimProvisioningLog -Status Failure."),
            _ => ("Healthy", $"The last cycle ended {LastCycleEnded:u} without errors; {Exported} objects written to Pulumi."),
        };
    }

    private static DateTimeOffset? Time(JsonNode? n) =>
        DateTimeOffset.TryParse((string?)n, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) && t.Year > 1 ? t : null;

    private static long Int(JsonNode? n) => n is JsonValue v && v.TryGetValue(out long l) ? l : 0;
}
