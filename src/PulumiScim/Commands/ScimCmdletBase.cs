// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Net;
using PulumiScim.Graph;

namespace PulumiScim.Commands;

/// <summary>
/// The base of every PulumiScim cmdlet: owns the cancellation source that Ctrl+C (StopProcessing) cancels, runs async
/// work while pumping its verbose, debug, warning and progress messages onto the pipeline thread, and turns Graph
/// failures into ErrorRecords.
/// </summary>
public abstract class ScimCmdletBase : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly GraphEventSink _sink = new();
    private bool _disposed;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken CancelToken => _cancel.Token;

    /// <summary>The activity id of this cmdlet's progress bar.</summary>
    protected int ProgressActivityId { get; } = Math.Abs(Environment.TickCount % 100000) + 1;

    /// <summary>The progress activity's name.</summary>
    protected virtual string ProgressActivity => MyInvocation.MyCommand.Name;

    /// <inheritdoc/>
    protected override void StopProcessing() => _cancel.Cancel();

    /// <summary>Runs <paramref name="work"/> and blocks the pipeline thread until it ends, writing its messages meanwhile.</summary>
    protected T Await<T>(Func<CancellationToken, Task<T>> work) => AwaitTask(Begin(work));

    /// <summary>Starts <paramref name="work"/> without waiting (its messages reach this cmdlet); finish it with <see cref="AwaitTask{T}"/>.</summary>
    protected Task<T> Begin<T>(Func<CancellationToken, Task<T>> work)
    {
        using (GraphEvents.Use(_sink))
        {
            return work(CancelToken);
        }
    }

    /// <summary>Blocks the pipeline thread until <paramref name="task"/> ends, writing its messages meanwhile.</summary>
    protected T AwaitTask<T>(Task<T> task)
    {
        WaitPumping(task);
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Runs <paramref name="work"/> like <see cref="Await{T}"/>, for work without a result.</summary>
    protected void Await(Func<CancellationToken, Task> work) => Await(async ct =>
    {
        await work(ct).ConfigureAwait(false);
        return true;
    });

    private void WaitPumping(Task task)
    {
        var handle = ((IAsyncResult)task).AsyncWaitHandle;
        while (!task.IsCompleted)
        {
            handle.WaitOne(100);
            DrainEvents();
        }

        DrainEvents();
    }

    /// <summary>Writes queued messages (pipeline thread only).</summary>
    protected void DrainEvents()
    {
        while (_sink.TryDequeue(out GraphEvent? e))
        {
            switch (e!.Kind)
            {
                case GraphEventKind.Verbose:
                    WriteVerbose(e.Message);
                    break;
                case GraphEventKind.Debug:
                    WriteDebug(e.Message);
                    break;
                case GraphEventKind.Warning:
                    WriteWarning(e.Message);
                    break;
                case GraphEventKind.Progress:
                    var record = new ProgressRecord(ProgressActivityId, ProgressActivity, e.Message);
                    if (e.PercentComplete > 100)
                    {
                        record.RecordType = ProgressRecordType.Completed;
                    }
                    else
                    {
                        record.PercentComplete = Math.Max(-1, e.PercentComplete);
                    }

                    WriteProgress(record);
                    break;
            }
        }
    }

    /// <summary>Builds an ErrorRecord for a Graph failure, with the category that fits its status.</summary>
    protected static ErrorRecord GraphErrorRecord(GraphRequestException ex, string errorId, object? target, string? hint = null)
    {
        if (Permissions.PermissionCheck.FromForbidden(ex, target) is { } denied)
        {
            return denied;
        }

        var category = ex.StatusCode switch
        {
            HttpStatusCode.Unauthorized => ErrorCategory.AuthenticationError,
            HttpStatusCode.Forbidden => ErrorCategory.PermissionDenied,
            HttpStatusCode.NotFound => ErrorCategory.ObjectNotFound,
            HttpStatusCode.Conflict => ErrorCategory.ResourceExists,
            HttpStatusCode.TooManyRequests => ErrorCategory.LimitsExceeded,
            HttpStatusCode.BadRequest => ErrorCategory.InvalidArgument,
            0 => ErrorCategory.ConnectionError,
            _ => ErrorCategory.ConnectionError,
        };
        hint ??= ex.StatusCode switch
        {
            HttpStatusCode.Unauthorized => "The Graph token was refused: run Connect-ScimGraph again.",
            HttpStatusCode.Forbidden => "The signed-in identity lacks a Graph permission for this call; see the README's permission table (e.g. Synchronization.ReadWrite.All, AppRoleAssignment.ReadWrite.All).",
            _ => null,
        };
        var record = new ErrorRecord(ex, errorId, category, target);
        if (hint is not null)
        {
            record.ErrorDetails = new ErrorDetails(ex.Message + " " + hint) { RecommendedAction = hint };
        }

        return record;
    }

    /// <summary>Ends the call (EmptyToken) when the Pulumi SCIM token parameter is empty.</summary>
    protected void RequireToken(System.Security.SecureString token)
    {
        if (token.Length == 0)
        {
            ThrowTerminatingError(Error("EmptyToken", ErrorCategory.InvalidArgument, "Token", "The token is empty.", "Pass the Pulumi SCIM token from Pulumi Cloud: Settings > Access Management > SCIM."));
        }
    }

    /// <summary>Builds an ErrorRecord whose text says what went wrong and how to fix it.</summary>
    protected static ErrorRecord Error(string errorId, ErrorCategory category, object? target, string message, string? recommendedAction = null, Exception? inner = null)
    {
        string text = recommendedAction is null ? message : message + " " + recommendedAction;
        return new ErrorRecord(new InvalidOperationException(text, inner), errorId, category, target);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the command holds: the cancellation source, and in derived commands their cached reads.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            if (disposing)
            {
                // Work this command started and nobody awaits any more (a read started ahead) stops with it.
                _cancel.Cancel();
                _cancel.Dispose();
            }
        }
    }
}
