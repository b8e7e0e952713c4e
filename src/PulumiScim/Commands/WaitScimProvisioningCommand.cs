// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Waits until a provisioning cycle that began after the app's last configuration change has finished, then returns the job's status.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "ScimProvisioning", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ScimProvisioningStatus))]
public sealed class WaitScimProvisioningCommand : ScimApplicationCmdletBase
{
    /// <summary>Tolerance between this machine's clock and Graph's when comparing a cycle's start with a change (a sandbox shares this machine's clock).</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(2);

    /// <summary>How many seconds to wait at most (default 3600: Entra runs a cycle about every 40 minutes).</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int Timeout { get; set; } = 3600;

    /// <inheritdoc/>
    protected override string ProgressActivity => "Waiting for a provisioning cycle";

    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app)
    {
        AppSnapshot snapshot = Read(app, AppParts.Job | AppParts.Assignments);
        if (!RequireJob(app, snapshot.JobId))
        {
            return;
        }

        var appRef = AppRef.Of(app.Session, snapshot);
        JsonObject? job = Await(ct => SyncOperations.GetJobAsync(appRef, ct));
        string? state = (string?)job?["schedule"]?["state"];
        if (!string.Equals(state, "Active", StringComparison.OrdinalIgnoreCase))
        {
            WriteError(Error("ProvisioningOff", ErrorCategory.InvalidOperation, app, $"Provisioning of '{app.DisplayName}' is not on ({state}), so no cycle will run.", "Run Start-ScimProvisioning first."));
            return;
        }

        (DateTimeOffset? changedAt, DateTimeOffset? baseline, string source) = LastChange(app, snapshot);
        var limit = TimeSpan.FromSeconds(Timeout);
        WriteVerbose(changedAt is null
            ? $"No configuration change of '{app.DisplayName}' is known: waiting up to {limit.TotalSeconds:0} s for a cycle to have finished."
            : $"Waiting up to {limit.TotalSeconds:0} s for a provisioning cycle of '{app.DisplayName}' that began after {source} ({changedAt:u}) to finish.");
        bool Done(JsonObject? j) => IsAnswered(j, changedAt, baseline) || string.Equals((string?)j?["status"]?["code"], "Quarantine", StringComparison.OrdinalIgnoreCase);

        bool finished = Done(job) || Await(async ct =>
        {
            var started = DateTime.UtcNow;
            TimeSpan delay = TimeSpan.FromMilliseconds(200);
            while (DateTime.UtcNow - started < limit)
            {
                TimeSpan elapsed = DateTime.UtcNow - started;
                GraphEvents.Progress($"Waiting for the cycle ({elapsed.TotalSeconds:0} s of {limit.TotalSeconds:0} s)", (int)(elapsed.TotalMilliseconds * 100 / limit.TotalMilliseconds));
                await Task.Delay(delay < limit - elapsed ? delay : limit - elapsed, ct).ConfigureAwait(false);
                job = await SyncOperations.GetJobAsync(appRef, ct).ConfigureAwait(false);
                if (Done(job))
                {
                    GraphEvents.Progress("Cycle finished", 101);
                    return true;
                }

                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 15000));
            }

            return false;
        });

        if (!finished)
        {
            WriteError(Error("WaitTimeout", ErrorCategory.OperationTimeout, app, $"No provisioning cycle of '{app.DisplayName}' finished within {Timeout} s.", "Wait longer with -Timeout, or check Get-ScimProvisioningStatus."));
            return;
        }

        var status = new ScimProvisioningStatus(app, job!);
        WriteVerbose(status.Verdict);
        WriteObject(status);
    }

    /// <summary>
    /// The app's last configuration change: the one this session made (any pipeline), else the newest assignment
    /// Graph shows (its createdDateTime); Graph keeps no time for secrets or schema writes.
    /// </summary>
    private static (DateTimeOffset? At, DateTimeOffset? Baseline, string Source) LastChange(ScimApplication app, AppSnapshot snapshot)
    {
        if (app.Session.Reads.LastChange(app.ServicePrincipalId) is { } change)
        {
            return (app.Session.IsSandbox ? change.At : change.At - ClockSkew, change.LastCycleBegan, "this session's last change");
        }

        DateTimeOffset? assigned = snapshot.Assignments.Select(a => AppSnapshot.ParseTime((string?)a["createdDateTime"])).Max();
        return (assigned, null, "the newest assignment");
    }

    /// <summary>Whether the job's last finished cycle began after the change (any finished cycle when no change is known).</summary>
    private static bool IsAnswered(JsonObject? job, DateTimeOffset? changedAt, DateTimeOffset? baseline)
    {
        JsonNode? last = job?["status"]?["lastExecution"];
        if (AppSnapshot.ParseTime((string?)last?["timeEnded"]) is null)
        {
            return false;
        }

        if (changedAt is not { } since)
        {
            return true;
        }

        return AppSnapshot.ParseTime((string?)last?["timeBegan"]) is { } began && began >= since && (baseline is not { } known || began > known);
    }
}
