// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Http;

/// <summary>
/// Every Graph and SCIM request served: <c>{ method, path, query, status, startedAt, durationMs }</c>; a request that
/// came inside a JSON batch carries <c>"inBatch": true</c> (it made no round trip of its own: the batch did).
/// </summary>
internal sealed class RequestLog
{
    private readonly object _sync = new();
    private readonly List<JsonObject> _entries = [];

    public void Add(SandboxRequest request, int status, DateTime startedAt, TimeSpan duration, bool inBatch = false)
    {
        var entry = new JsonObject
        {
            ["method"] = request.Method,
            ["path"] = request.Path,
            ["query"] = request.RawQuery,
            ["status"] = status,
            ["startedAt"] = startedAt.ToString("o"),
            ["durationMs"] = Math.Round(duration.TotalMilliseconds, 3),
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

    public void Clear()
    {
        lock (_sync)
        {
            _entries.Clear();
        }
    }
}
