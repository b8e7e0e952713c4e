// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Shows the provisioning job's state: last cycle, counts, errors, steady state, quarantine, and a one-line verdict.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ScimProvisioningStatus", DefaultParameterSetName = ByApplicationSet)]
[OutputType(typeof(ScimProvisioningStatus))]
public sealed class GetScimProvisioningStatusCommand : ScimApplicationCmdletBase
{
    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app)
    {
        if (!RequireJob(app))
        {
            return;
        }

        Await(ct => SyncOperations.RefreshJobAsync(app, ct));
        WriteObject(new ScimProvisioningStatus(app, app.Job!));
    }
}

/// <summary>
/// <para type="synopsis">Waits for the provisioning job's next cycle to finish, with a progress bar, then returns its status.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "ScimProvisioning", DefaultParameterSetName = ByApplicationSet)]
[OutputType(typeof(ScimProvisioningStatus))]
public sealed class WaitScimProvisioningCommand : ScimApplicationCmdletBase
{
    /// <summary>How many seconds to wait at most (default 3600: Entra runs a cycle about every 40 minutes).</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int Timeout { get; set; } = 3600;

    /// <summary>Tolerance between this machine's clock and Graph's when comparing a cycle's start with a change (a sandbox shares this machine's clock).</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(2);

    /// <inheritdoc/>
    protected override string ProgressActivity => "Waiting for a provisioning cycle";

    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app)
    {
        if (!RequireJob(app))
        {
            return;
        }

        Await(ct => SyncOperations.RefreshJobAsync(app, ct));
        string? state = (string?)app.Job?["schedule"]?["state"];
        if (!string.Equals(state, "Active", StringComparison.OrdinalIgnoreCase))
        {
            WriteError(Error("ProvisioningOff", ErrorCategory.InvalidOperation, app, $"Provisioning of '{app.DisplayName}' is not on ({state}), so no cycle will run.", "Run Start-ScimProvisioning first."));
            return;
        }

        string? baseline = (string?)app.Job?["status"]?["lastExecution"]?["timeEnded"];

        // After this pipeline changed the app, the cycle to wait for is the first one that began after the change
        // (it may already be over: a started job's first cycle can run at once). Otherwise, the next one to end.
        DateTimeOffset? changedAt = app.LastChangedAt?.Subtract(app.Session.IsSandbox ? TimeSpan.Zero : ClockSkew);
        var limit = TimeSpan.FromSeconds(Timeout);
        WriteVerbose(changedAt is null
            ? $"Waiting up to {limit.TotalSeconds:0} s for the next provisioning cycle of '{app.DisplayName}' to finish."
            : $"Waiting up to {limit.TotalSeconds:0} s for a provisioning cycle of '{app.DisplayName}' that began after this pipeline's changes to finish.");
        bool Done(JsonObject? job)
        {
            JsonNode? last = job?["status"]?["lastExecution"];
            string? ended = (string?)last?["timeEnded"];
            if (ended is null || ended.StartsWith("0001", StringComparison.Ordinal))
            {
                return false;
            }

            if (changedAt is { } since)
            {
                return DateTimeOffset.TryParse((string?)last?["timeBegan"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var began)
                    && began >= since
                    && (app.CycleBaseline is not { } known || began > known);
            }

            return ended != baseline;
        }

        bool finished = Done(app.Job) || Await(async ct =>
        {
            var started = DateTime.UtcNow;
            TimeSpan delay = TimeSpan.FromMilliseconds(200);
            while (true)
            {
                TimeSpan elapsed = DateTime.UtcNow - started;
                if (elapsed >= limit)
                {
                    return false;
                }

                GraphEvents.Progress($"Waiting for the next cycle ({elapsed.TotalSeconds:0} s of {limit.TotalSeconds:0} s)", (int)(elapsed.TotalMilliseconds * 100 / limit.TotalMilliseconds));
                TimeSpan wait = delay < limit - elapsed ? delay : limit - elapsed;
                await Task.Delay(wait, ct).ConfigureAwait(false);
                await SyncOperations.RefreshJobAsync(app, ct).ConfigureAwait(false);
                bool quarantined = string.Equals((string?)app.Job?["status"]?["code"], "Quarantine", StringComparison.OrdinalIgnoreCase);
                if (Done(app.Job) || quarantined)
                {
                    GraphEvents.Progress("Cycle finished", 101);
                    return true;
                }

                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 15000));
            }
        });

        if (!finished)
        {
            WriteError(Error("WaitTimeout", ErrorCategory.OperationTimeout, app, $"No provisioning cycle of '{app.DisplayName}' finished within {Timeout} s.", "Wait longer with -Timeout, or check Get-ScimProvisioningStatus."));
            return;
        }

        var status = new ScimProvisioningStatus(app, app.Job!);
        WriteVerbose(status.Verdict);
        WriteObject(status);
    }
}
