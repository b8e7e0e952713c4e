// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Engine.Provisioning;

/// <summary>
/// The sandbox's Microsoft Entra provisioning service. A started job runs its first cycle after the seed's
/// <c>options.cycleDelayMs</c>, then one every <c>schedule.interval</c> (PT40M, honoured literally; a quarantined job
/// backs off); <c>restart</c> runs one now; <c>pause</c> stops scheduling (a running cycle completes: "the current
/// provisioning cycle continues running until completion", known-issues.md). Each job's cycles run on a background task,
/// never on an HTTP handler. A client knows a cycle finished when the job's <c>status.lastExecution.timeEnded</c>
/// changes; tests can also await <see cref="RunCycleNowAsync"/>.
/// </summary>
internal sealed class ProvisioningEngine : IDisposable
{
    private readonly object _sync = new();
    private readonly Dictionary<JobState, JobRunner> _runners = new(ReferenceEqualityComparer.Instance);
    private readonly ConditionalWeakTable<JobState, ConnectorDataStore> _stores = new();
    private readonly CancellationTokenSource _stopping = new();

    public ProvisioningEngine(SandboxContext context)
    {
        Context = context;
        OnDemand = new ProvisionOnDemandService(this);
        context.OnJobStarted = OnStarted;
        context.OnJobRestarted = OnRestarted;
        context.ProvisionOnDemandHandler = OnDemand.HandleAsync;

        // Jobs a seed (or a state export) brings in already Active run as if they had just been started.
        lock (context.State.Sync)
        {
            foreach (AppState app in context.State.Applications)
            {
                foreach (JobState job in app.Jobs.Where(j => string.Equals((string?)j.Job["schedule"]?["state"], "Active", StringComparison.Ordinal)))
                {
                    Runner(app, job).ScheduleAt(DateTime.UtcNow.AddMilliseconds(context.State.Options.CycleDelayMs));
                }
            }
        }
    }

    public SandboxContext Context { get; }

    public ProvisionOnDemandService OnDemand { get; }

    /// <summary>How long one SCIM request may take (Entra's connector times out too); a test can shorten it.</summary>
    public TimeSpan ScimTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public CancellationToken Stopping => _stopping.Token;

    /// <summary>The engine's record of what the job provisioned.</summary>
    public ConnectorDataStore StoreOf(JobState job) => _stores.GetValue(job, _ => new ConnectorDataStore());

    /// <summary>
    /// Runs a cycle of the job now and waits for it (for tests). Returns the cycle's result, or null when nothing ran
    /// (unknown job, or no Tenant URL and Secret Token saved).
    /// </summary>
    internal async Task<CycleResult?> RunCycleNowAsync(string servicePrincipalId, string jobId, CancellationToken cancellationToken = default)
    {
        JobRunner? runner = Find(servicePrincipalId, jobId);
        if (runner is null)
        {
            return null;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        return await runner.RunCycleAsync(linked.Token).ConfigureAwait(false);
    }

    /// <summary>The runner of a live job, created on first use; null when there is no such job.</summary>
    public JobRunner? Find(string servicePrincipalId, string jobId)
    {
        lock (Context.State.Sync)
        {
            AppState? app = Context.State.FindApp(servicePrincipalId);
            JobState? job = app?.Jobs.FirstOrDefault(j => string.Equals(j.Id, jobId, StringComparison.OrdinalIgnoreCase));
            return app is null || job is null ? null : Runner(app, job);
        }
    }

    /// <summary>Whether the runner's job should cycle now; <paramref name="gone"/> when it was deleted or replaced.</summary>
    public bool IsActive(JobRunner runner, out bool gone)
    {
        lock (Context.State.Sync)
        {
            gone = !ProvisioningCycle.IsLive(Context.State, runner.App, runner.Job);
            return !gone && string.Equals((string?)runner.Job.Job["schedule"]?["state"], "Active", StringComparison.Ordinal);
        }
    }

    /// <summary>When the next cycle is due: one interval after this one, or the quarantine's nextAttempt.</summary>
    public DateTime NextCycleTime(JobRunner runner, CycleResult? result)
    {
        lock (Context.State.Sync)
        {
            TimeSpan interval = JobSnapshot.ParseInterval((string?)runner.Job.Job["schedule"]?["interval"]);
            if (result is not null
                && runner.Job.Job["status"]?["quarantine"]?["nextAttempt"] is JsonValue next
                && next.TryGetValue(out string? text)
                && DateTime.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out DateTime at))
            {
                return at;
            }

            DateTime now = DateTime.UtcNow;
            return interval >= DateTime.MaxValue - now ? DateTime.MaxValue : now + interval;
        }
    }

    public void Forget(JobRunner runner)
    {
        lock (_sync)
        {
            if (_runners.TryGetValue(runner.Job, out JobRunner? current) && ReferenceEquals(current, runner))
            {
                _runners.Remove(runner.Job);
            }
        }
    }

    /// <summary>Stops every loop and cancels running cycles (SandboxServer.Stop).</summary>
    public void Stop()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _stopping.Cancel();
        Task[] loops;
        lock (_sync)
        {
            loops = _runners.Values.Select(r => r.Loop).ToArray();
        }

        try
        {
            // Cycles stop at their next await; give them a moment so no status is written after Stop returns.
            Task.WaitAll(loops, TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Stop();
        lock (_sync)
        {
            // A loop still ending (Stop waits 2 s at most) keeps its runner; the rest are freed.
            foreach (JobRunner runner in _runners.Values.Where(r => r.Loop.IsCompleted))
            {
                runner.Dispose();
            }

            _runners.Clear();
        }

        _stopping.Dispose();
    }

    private JobRunner Runner(AppState app, JobState job)
    {
        lock (_sync)
        {
            if (!_runners.TryGetValue(job, out JobRunner? runner))
            {
                runner = new JobRunner(this, app, job);
                _runners[job] = runner;
            }

            return runner;
        }
    }

    private void OnStarted(AppState app, JobState job)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        int delay;
        lock (Context.State.Sync)
        {
            // start clears quarantine; the count of complete failures starts again with it.
            if (job.Job["status"] is JsonObject status)
            {
                status["countSuccessiveCompleteFailures"] = 0;
            }

            delay = Context.State.Options.CycleDelayMs;
        }

        Runner(app, job).ScheduleAt(DateTime.UtcNow.AddMilliseconds(delay));
    }

    private void OnRestarted(AppState app, JobState job)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        string[] flags;
        lock (Context.State.Sync)
        {
            flags = (job.LastResetScope ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if ((flags.Length == 0 || flags.Any(f => f.Equals("QuarantineState", StringComparison.OrdinalIgnoreCase) || f.Equals("Full", StringComparison.OrdinalIgnoreCase))) && job.Job["status"] is JsonObject status)
            {
                status["countSuccessiveCompleteFailures"] = 0;
            }
        }

        JobRunner runner = Runner(app, job);

        // Full and ConnectorDataStore forget the links between source and target objects; Watermark only asks for a full
        // evaluation, which every sandbox cycle does ("To break the links, use Restart synchronizationJob ... Full",
        // how-provisioning-works.md).
        if (flags.Any(f => f.Equals("Full", StringComparison.OrdinalIgnoreCase) || f.Equals("ConnectorDataStore", StringComparison.OrdinalIgnoreCase)))
        {
            runner.RequestStoreReset();
        }

        runner.ScheduleAt(DateTime.UtcNow);
    }
}
