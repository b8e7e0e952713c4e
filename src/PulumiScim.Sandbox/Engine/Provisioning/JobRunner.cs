// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Engine.Provisioning;

/// <summary>
/// The background loop of one job: sleeps until its next cycle is due, then runs it if the job is still Active. Cycles
/// and on-demand requests of a job run one at a time (<see cref="Gate"/>). HTTP handlers only move the due time; they
/// never wait for a cycle.
/// </summary>
internal sealed class JobRunner : IDisposable
{
    /// <summary>The longest single wait, so intervals such as TimeSpan.MaxValue never overflow a timer.</summary>
    private static readonly TimeSpan s_maxWait = TimeSpan.FromHours(1);

    private readonly ProvisioningEngine _engine;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly object _sync = new();
    private DateTime? _due;
    private bool _resetStore;
    private Task? _loop;

    public JobRunner(ProvisioningEngine engine, AppState app, JobState job)
    {
        _engine = engine;
        App = app;
        Job = job;
    }

    public AppState App { get; }

    public JobState Job { get; }

    /// <summary>Held by a running cycle or on-demand request of this job.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The loop's task (completes when the engine stops or the job is gone).</summary>
    public Task Loop => _loop ?? Task.CompletedTask;

    /// <summary>Frees the loop's wake-up signal and the gate; call it only once the loop has ended.</summary>
    public void Dispose()
    {
        _wake.Dispose();
        Gate.Dispose();
    }

    /// <summary>Makes the next cycle due at <paramref name="due"/> and starts the loop if needed.</summary>
    public void ScheduleAt(DateTime due)
    {
        lock (_sync)
        {
            _due = due;
            _loop ??= Task.Run(LoopAsync);
        }

        _wake.Release();
    }

    /// <summary>Asks the next cycle to forget what was provisioned first (restart with ConnectorDataStore or Full).</summary>
    public void RequestStoreReset()
    {
        lock (_sync)
        {
            _resetStore = true;
        }
    }

    /// <summary>Runs one cycle now, exclusively; returns null when nothing ran (job gone or not configured).</summary>
    public async Task<CycleResult?> RunCycleAsync(CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            bool reset;
            lock (_sync)
            {
                reset = _resetStore;
                _resetStore = false;
            }

            ConnectorDataStore store = _engine.StoreOf(Job);
            if (reset)
            {
                store.Clear();
            }

            return await ProvisioningCycle.RunAsync(_engine.Context, App, Job, store, _engine.ScimTimeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task LoopAsync()
    {
        CancellationToken stopping = _engine.Stopping;
        while (!stopping.IsCancellationRequested)
        {
            DateTime? due;
            lock (_sync)
            {
                due = _due;
            }

            try
            {
                if (due is null)
                {
                    await _wake.WaitAsync(stopping).ConfigureAwait(false);
                    continue;
                }

                TimeSpan wait = due.Value - DateTime.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    await _wake.WaitAsync(wait < s_maxWait ? wait : s_maxWait, stopping).ConfigureAwait(false);
                    continue;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lock (_sync)
            {
                _due = null;
            }

            if (!_engine.IsActive(this, out bool gone))
            {
                if (gone)
                {
                    _engine.Forget(this);
                    return;
                }

                continue; // paused: idle until start or restart schedules a cycle
            }

            CycleResult? result;
            try
            {
                result = await RunCycleAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                // A defect in a cycle must not kill the loop; the next one is scheduled as usual.
                System.Diagnostics.Trace.TraceError("Provisioning cycle of job {0} failed: {1}", Job.Id, ex);
                result = null;
            }

            DateTime next = _engine.NextCycleTime(this, result);
            lock (_sync)
            {
                // A restart during the cycle already asked for the next one.
                _due ??= next;
            }
        }
    }
}
