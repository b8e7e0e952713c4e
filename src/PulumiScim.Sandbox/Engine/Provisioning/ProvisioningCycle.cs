// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Graph;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Engine.Provisioning;

/// <summary>The counts and outcome of one cycle (a synchronizationTaskExecution).</summary>
internal sealed class CycleResult
{
    public string ActivityId { get; } = Guid.NewGuid().ToString();

    public DateTime Began { get; } = DateTime.UtcNow;

    public DateTime Ended { get; set; }

    /// <summary>Succeeded, EntryLevelErrors or Failed.</summary>
    public string State { get; set; } = "Succeeded";

    public CycleError? Error { get; set; }

    public int Imported { get; set; }

    public int Entitled { get; set; }

    public int Exports { get; set; }

    public int Exported { get; set; }

    public int Escrowed { get; set; }

    /// <summary>synchronizedEntryCountByType: objects linked in the target, by mapping.</summary>
    public List<KeyValuePair<string, int>> EntryCounts { get; } = [];

    /// <summary>The provisioning log entries the cycle wrote.</summary>
    public List<JsonObject> Entries { get; } = [];

    public void Fail(CycleError error)
    {
        State = "Failed";
        Error = error;
    }

    /// <summary>The synchronizationTaskExecution, shaped as the quarantined job's lastExecution in Microsoft's tutorial "Configure provisioning using the Microsoft Graph API".</summary>
    public JsonObject ToExecution() => new()
    {
        ["activityIdentifier"] = ActivityId,
        ["countEntitled"] = Entitled,
        ["countEntitledForProvisioning"] = Entitled,
        ["countEscrowed"] = Escrowed,
        ["countEscrowedRaw"] = Escrowed,
        ["countExported"] = Exported,
        ["countExports"] = Exports,
        ["countImported"] = Imported,
        ["countImportedDeltas"] = Imported,
        ["countImportedReferenceDeltas"] = 0,
        ["state"] = State,
        ["timeBegan"] = JobStatusWriter.Time(Began),
        ["timeEnded"] = JobStatusWriter.Time(Ended),
        ["error"] = Error is null ? null : new JsonObject { ["code"] = Error.Code, ["message"] = Error.Message, ["tenantActionable"] = true },
    };
}

/// <summary>
/// One provisioning cycle of a job: snapshot the tenant, check the connection, provision every user in scope or
/// previously provisioned, then every group, append the log entries and write the job's status. Every cycle evaluates
/// all objects (the outcome of Entra's initial and incremental cycles alike: unchanged objects need no write and get no
/// entry), and objects whose export failed are retried in the next cycle ("the operation is retried in the next sync
/// cycle", how-provisioning-works.md).
/// </summary>
internal static class ProvisioningCycle
{
    /// <summary>Runs the cycle; null when the job is gone or has no Tenant URL and Secret Token saved (nothing was recorded).</summary>
    public static async Task<CycleResult?> RunAsync(SandboxContext ctx, AppState app, JobState job, ConnectorDataStore store, TimeSpan scimTimeout, CancellationToken stopping)
    {
        JobSnapshot snapshot;
        lock (ctx.State.Sync)
        {
            if (!IsLive(ctx.State, app, job))
            {
                return null;
            }

            snapshot = JobSnapshot.Take(ctx.State, app, job);
        }

        if (!snapshot.IsConfigured)
        {
            return null;
        }

        var result = new CycleResult();
        Uri? baseUri = ScimClient.ParseBaseAddress(snapshot.BaseAddress);
        MappingPlan? plan = MappingPlan.From(snapshot.Schema);
        if (baseUri is null)
        {
            // As the quarantined job of the Microsoft tutorial reports a bad Tenant URL.
            result.Fail(new CycleError(CredentialValidator.InvalidCredentialsCode, "Please provide a valid tenant URL for your application."));
        }
        else
        {
            var scim = new ScimClient(ctx.OutboundHttp, baseUri, snapshot.SecretToken!, scimTimeout, stopping);
            CycleError? connection = await CheckConnectionAsync(scim).ConfigureAwait(false);
            if (connection is not null)
            {
                result.Fail(connection);
            }
            else if (plan is not null)
            {
                await ProvisionAsync(ctx, new ProvisioningRun(snapshot, plan, scim, store, result.ActivityId), result).ConfigureAwait(false);
            }
        }

        stopping.ThrowIfCancellationRequested();
        result.Ended = DateTime.UtcNow;
        if (result.State != "Failed" && result.Escrowed > 0)
        {
            result.State = "EntryLevelErrors";
        }

        if (plan?.Users is ObjectMappingPlan users)
        {
            result.EntryCounts.Add(new(users.EntryCountKey, store.Linked("User").Count()));
        }

        if (plan?.Groups is ObjectMappingPlan groups)
        {
            result.EntryCounts.Add(new(groups.EntryCountKey, store.Linked("Group").Count()));
        }

        lock (ctx.State.Sync)
        {
            if (IsLive(ctx.State, app, job))
            {
                JobStatusWriter.Apply(job.Job, result, snapshot.Interval);
            }
        }

        return result;
    }

    /// <summary>Whether the job still belongs to the app and the app to the state (a job can be deleted, a state replaced).</summary>
    public static bool IsLive(SandboxState state, AppState app, JobState job) =>
        state.Applications.Contains(app) && app.Jobs.Contains(job);

    /// <summary>
    /// Before a cycle the service checks that it can reach the app with the saved credentials, the same request
    /// validateCredentials sends (<c>GET /Users?filter=userName eq "&lt;guid&gt;"</c>), with the same error codes.
    /// </summary>
    private static async Task<CycleError?> CheckConnectionAsync(ScimClient scim)
    {
        string filter = $"userName eq \"{Guid.NewGuid()}\"";
        ScimResult r = await scim.SendAsync(HttpMethod.Get, "/Users?filter=" + Uri.EscapeDataString(filter)).ConfigureAwait(false);
        if (r.NoAnswer)
        {
            return new CycleError(CredentialValidator.UnavailableCode,
                "We are not able to connect to your application. Please check that the Tenant URL is correct and reachable. "
                + $"Resource: {r.Url} Operation: GET Error: {(r.TimedOut ? "The request timed out." : r.TransportError)}");
        }

        string received = $"Received response from Web resource. Resource: {r.Url} Operation: GET Response Status Code: {(System.Net.HttpStatusCode)r.Status} Response Content: {r.QuotedBody}";
        if (r.Status is 401 or 403)
        {
            return new CycleError(CredentialValidator.FailureCode,
                "You appear to have entered invalid credentials. Please confirm you are using the correct information for an administrative account. " + received);
        }

        if (!r.IsSuccess)
        {
            return new CycleError(CredentialValidator.UnavailableCode, "We received this unexpected response from your application: " + received);
        }

        bool isList = r.Body is JsonObject o && (o["totalResults"] is not null || o["Resources"] is JsonArray);
        return isList ? null : new CycleError(CredentialValidator.FailureCode, "The Tenant URL answered, but not as a SCIM 2.0 service: " + received);
    }

    private static async Task ProvisionAsync(SandboxContext ctx, ProvisioningRun run, CycleResult result)
    {
        var provisioner = new ObjectProvisioner(run);
        JobSnapshot s = run.Snapshot;
        if (run.Plan.Users is not null)
        {
            foreach (JsonObject user in s.Users)
            {
                string id = (string?)user["id"] ?? string.Empty;
                bool inScope = s.IsUserInScope(id);
                if (!inScope && run.Store.Find(id) is null)
                {
                    continue;
                }

                result.Imported++;
                result.Entitled += inScope ? 1 : 0;
                if (Record(ctx, run, result, await provisioner.ProvisionUserAsync(user).ConfigureAwait(false)))
                {
                    return;
                }
            }
        }

        // Groups after users, so that their members are provisioned first.
        if (run.Plan.Groups is not null)
        {
            foreach (JsonObject group in s.Groups)
            {
                string id = (string?)group["id"] ?? string.Empty;
                bool inScope = s.IsGroupInScope(id);
                if (!inScope && run.Store.Find(id) is null)
                {
                    continue;
                }

                result.Imported++;
                result.Entitled += inScope ? 1 : 0;
                if (Record(ctx, run, result, await provisioner.ProvisionGroupAsync(group).ConfigureAwait(false)))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Counts and logs an outcome; true when it stops the cycle.</summary>
    private static bool Record(SandboxContext ctx, ProvisioningRun run, CycleResult result, ProvisioningOutcome outcome)
    {
        result.Exports += outcome.ExportAttempted ? 1 : 0;
        result.Exported += outcome.Exported ? 1 : 0;
        result.Escrowed += outcome.Status == "failure" ? 1 : 0;
        if (!outcome.Quiet)
        {
            JsonObject entry = outcome.ToSummary(run.LogContext);
            result.Entries.Add(entry);
            ctx.AppendProvisioningLog(entry);
        }

        if (outcome.Abort is CycleError abort)
        {
            result.Fail(abort);
            return true;
        }

        return false;
    }
}

/// <summary>
/// Writes a cycle's outcome into the job's <c>status</c> (synchronizationStatus): lastExecution, lastSuccessfulExecution,
/// steady-state times, successive complete failures and quarantine, with the shapes of the Microsoft examples
/// (Microsoft's tutorial "Configure provisioning using the Microsoft Graph API" and the docs "Configure cross-tenant synchronization using Microsoft Graph").
/// </summary>
internal static class JobStatusWriter
{
    /// <summary>Complete failures in a row that put a job in quarantine.</summary>
    public const int QuarantineAfter = 3;

    /// <summary>Graph's timestamp form (seven fractional digits, Z).</summary>
    public static string Time(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    public static void Apply(JsonObject job, CycleResult r, TimeSpan interval)
    {
        JsonObject status = job["status"] as JsonObject ?? [];
        job["status"] = status;
        bool active = string.Equals((string?)job["schedule"]?["state"], "Active", StringComparison.Ordinal);
        JsonObject execution = r.ToExecution();
        status["lastExecution"] = execution;
        status["progress"] = new JsonArray(new JsonObject
        {
            ["completedUnits"] = r.Imported,
            ["progressObservationDateTime"] = Time(r.Ended),
            ["totalUnits"] = r.Imported,
            ["units"] = "Entries",
        });
        status["synchronizedEntryCountByType"] = new JsonArray(r.EntryCounts
            .Select(kv => (JsonNode)new JsonObject { ["key"] = kv.Key, ["value"] = kv.Value }).ToArray());

        if (r.State == "Failed")
        {
            int failures = (status["countSuccessiveCompleteFailures"] is JsonValue v && v.TryGetValue(out int n) ? n : 0) + 1;
            status["countSuccessiveCompleteFailures"] = failures;
            if (failures >= QuarantineAfter || status["quarantine"] is JsonObject)
            {
                Quarantine(status, r, interval);
                if (active)
                {
                    status["code"] = "Quarantine";
                }
            }
            else if (active)
            {
                status["code"] = "Active";
            }

            return;
        }

        // "The provisioning job exits quarantine after all of the offending errors are fixed and the next sync cycle
        // starts" (how-provisioning-works.md).
        status["countSuccessiveCompleteFailures"] = 0;
        status["quarantine"] = null;
        if (active)
        {
            status["code"] = "Active";
        }

        if (r.State == "Succeeded")
        {
            status["lastSuccessfulExecution"] = execution.DeepClone();
            if (r.Exported > 0)
            {
                status["lastSuccessfulExecutionWithExports"] = execution.DeepClone();
            }

            string ended = Time(r.Ended);
            if ((string?)status["steadyStateFirstAchievedTime"] is null or "0001-01-01T00:00:00Z")
            {
                status["steadyStateFirstAchievedTime"] = ended;
            }

            status["steadyStateLastAchievedTime"] = ended;
        }
    }

    /// <summary>
    /// When the next cycle of a quarantined job runs: "the frequency of incremental cycles is gradually reduced to once
    /// per day" (how-provisioning-works.md): the interval doubles with each quarantined cycle, up to a day.
    /// </summary>
    public static DateTime NextAttempt(DateTime now, TimeSpan interval, int seriesCount)
    {
        double factor = Math.Pow(2, Math.Clamp(seriesCount - 1, 0, 16));
        double minutes = Math.Min(interval.TotalMinutes * factor, TimeSpan.FromDays(1).TotalMinutes);
        return now.AddMinutes(minutes);
    }

    private static void Quarantine(JsonObject status, CycleResult r, TimeSpan interval)
    {
        JsonObject? existing = status["quarantine"] as JsonObject;
        int series = (existing?["seriesCount"] is JsonValue c && c.TryGetValue(out int count) ? count : 0) + 1;
        string began = Time(r.Ended);
        var error = new JsonObject { ["code"] = r.Error?.Code, ["message"] = r.Error?.Message, ["tenantActionable"] = true };
        status["quarantine"] = new JsonObject
        {
            ["currentBegan"] = began,
            ["nextAttempt"] = Time(NextAttempt(r.Ended, interval, series)),
            ["reason"] = "EncounteredQuarantineException",
            ["seriesBegan"] = (string?)existing?["seriesBegan"] ?? began,
            ["seriesCount"] = series,
            ["error"] = error,
        };
    }
}
