// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Http;

/// <summary>
/// Every Graph and SCIM request served: <c>{ method, path, query, status, startedAt, durationMs, startMs, endMs,
/// roundTrip }</c>. <c>startMs</c> and <c>endMs</c> are monotonic milliseconds on one clock for every sandbox of the
/// process (since the first one started): when the request arrived and when its answer was ready to send (after the
/// latency model's delay). <c>roundTrip</c> is true for a client's request, false for one served inside another (an
/// inner request of a JSON batch) and for one the sandbox's own Entra side sent (validateCredentials and provisioning
/// cycles calling the SCIM endpoint).
/// </summary>
internal sealed class RequestLog
{
    private readonly object _sync = new();
    private readonly List<JsonObject> _entries = [];
    // One clock for every sandbox of the process, so the logs of several sandboxes (many tenants) can be merged.
    private static readonly long s_origin = Stopwatch.GetTimestamp();

    /// <summary>Logs one request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="status">The status answered (0 for a dropped connection).</param>
    /// <param name="startedAt">When it arrived (wall clock, for people).</param>
    /// <param name="startTimestamp">When it arrived (<see cref="Stopwatch.GetTimestamp"/>).</param>
    /// <param name="endTimestamp">When its answer was ready (<see cref="Stopwatch.GetTimestamp"/>).</param>
    /// <param name="roundTrip">False for a request served inside another one (a batch's inner request) or sent by the sandbox itself.</param>
    /// <param name="inBatch">True for an inner request of a JSON batch (logged with <c>"inBatch": true</c>).</param>
    public void Add(SandboxRequest request, int status, DateTime startedAt, long startTimestamp, long endTimestamp, bool roundTrip = true, bool inBatch = false)
    {
        double startMs = Stopwatch.GetElapsedTime(s_origin, startTimestamp).TotalMilliseconds;
        double endMs = Stopwatch.GetElapsedTime(s_origin, endTimestamp).TotalMilliseconds;
        var entry = new JsonObject
        {
            ["method"] = request.Method,
            ["path"] = request.Path,
            ["query"] = request.RawQuery,
            ["status"] = status,
            ["startedAt"] = startedAt.ToString("o"),
            ["durationMs"] = Math.Round(endMs - startMs, 3),
            ["startMs"] = Math.Round(startMs, 3),
            ["endMs"] = Math.Round(endMs, 3),
            ["roundTrip"] = roundTrip,
        };
        if (inBatch)
        {
            entry["inBatch"] = true;
        }

        lock (_sync)
        {
            _entries.Add(entry);
        }
    }

    public JsonArray Snapshot()
    {
        lock (_sync)
        {
            return new JsonArray(_entries.Select(e => (JsonNode)e.DeepClone()).ToArray());
        }
    }

    /// <summary>
    /// <c>{ requests, roundTrips, criticalPath }</c>: every logged request, the clients' requests over HTTP (not a
    /// batch's inner requests, not the sandbox's own calls), and the round trips on the critical path (<see cref="CriticalPath"/>).
    /// </summary>
    public JsonObject Summary()
    {
        List<(double Start, double End)> trips;
        int requests;
        lock (_sync)
        {
            requests = _entries.Count;
            trips = _entries.Where(e => (bool?)e["roundTrip"] != false)
                .Select(e => ((double)e["startMs"]!, (double)e["endMs"]!))
                .ToList();
        }

        return new JsonObject { ["requests"] = requests, ["roundTrips"] = trips.Count, ["criticalPath"] = CriticalPath(trips) };
    }

    /// <summary>
    /// The round trips on the critical path: the length of the longest chain of requests in which each one arrived
    /// after the previous one's answer was ready (each had to wait for the one before it). Requests that overlap in
    /// time count once; a client that sends N requests one after another scores N, one that sends them all at once
    /// scores 1. The longest such chain is the largest set of pairwise non-overlapping intervals, which taking the
    /// interval that ends first, again and again, finds.
    /// </summary>
    /// <param name="requests">Each request's start and end, on one clock.</param>
    /// <returns>The length of the longest chain.</returns>
    public static int CriticalPath(IEnumerable<(double Start, double End)> requests)
    {
        int chain = 0;
        double lastEnd = double.NegativeInfinity;
        foreach ((double start, double end) in requests.OrderBy(r => r.End))
        {
            if (start >= lastEnd)
            {
                chain++;
                lastEnd = end;
            }
        }

        return chain;
    }

    public void Clear()
    {
        lock (_sync)
        {
            _entries.Clear();
        }
    }
}
