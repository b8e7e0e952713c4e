// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

namespace PulumiScim.Session;

/// <summary>Ends of work nobody awaits any more (a read started ahead and then not needed).</summary>
internal static class TaskObservation
{
    /// <summary>Observes the task's end when it comes, so a failure is not raised as UnobservedTaskException.</summary>
    public static void ObserveEnd(this Task task) =>
        _ = task.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
