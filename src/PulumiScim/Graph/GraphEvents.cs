// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Collections.Concurrent;

namespace PulumiScim.Graph;

/// <summary>The kind of a message raised off the pipeline thread.</summary>
internal enum GraphEventKind
{
    Verbose,
    Debug,
    Warning,
    Progress,
}

/// <summary>A message for the host, queued by Graph-side code and written by the cmdlet on the pipeline thread.</summary>
/// <param name="Kind">Which stream.</param>
/// <param name="Message">The text (never a secret).</param>
/// <param name="PercentComplete">For progress: 0..100, or -1.</param>
internal sealed record GraphEvent(GraphEventKind Kind, string Message, int PercentComplete = -1);

/// <summary>
/// Collects messages raised by handlers and helpers running on thread-pool threads. Write* calls are only legal on the
/// pipeline thread, so the cmdlet drains this queue there (house style: "Never call Write* from a Graph SDK callback").
/// </summary>
internal sealed class GraphEventSink
{
    private readonly ConcurrentQueue<GraphEvent> _queue = new();

    public void Verbose(string message) => _queue.Enqueue(new GraphEvent(GraphEventKind.Verbose, message));

    public void Debug(string message) => _queue.Enqueue(new GraphEvent(GraphEventKind.Debug, message));

    public void Warning(string message) => _queue.Enqueue(new GraphEvent(GraphEventKind.Warning, message));

    public void Progress(string message, int percent) => _queue.Enqueue(new GraphEvent(GraphEventKind.Progress, message, percent));

    public bool TryDequeue(out GraphEvent? e) => _queue.TryDequeue(out e);
}

/// <summary>The sink of the cmdlet whose work is running, flowing with the async context.</summary>
internal static class GraphEvents
{
    private static readonly AsyncLocal<GraphEventSink?> s_current = new();

    public static GraphEventSink? Current => s_current.Value;

    /// <summary>Makes <paramref name="sink"/> current for work started inside the returned scope.</summary>
    public static IDisposable Use(GraphEventSink sink)
    {
        GraphEventSink? previous = s_current.Value;
        s_current.Value = sink;
        return new Scope(previous);
    }

    public static void Verbose(string message) => s_current.Value?.Verbose(message);

    public static void Debug(string message) => s_current.Value?.Debug(message);

    public static void Warning(string message) => s_current.Value?.Warning(message);

    public static void Progress(string message, int percent) => s_current.Value?.Progress(message, percent);

    private sealed class Scope(GraphEventSink? previous) : IDisposable
    {
        public void Dispose() => s_current.Value = previous;
    }
}
