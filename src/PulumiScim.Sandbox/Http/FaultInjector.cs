// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PulumiScim.Sandbox.Http;

/// <summary>
/// Injects transient failures into Graph requests (<c>POST /_sandbox/faults</c>, docs/sandbox.md): a share of the
/// requests under <c>/v1.0/</c> answers 429, 503 or 504 with Graph's error body and Retry-After, or has its connection
/// reset. The decision is made before the handler runs, so a faulted write never takes effect. For a fixed seed the
/// sequence of decisions is fixed. The kind <c>dropSchemaWrite</c> is the opposite: a <c>PUT</c> of a job's schema
/// passes every check and is answered 204, but the schema stays as it was (docs/sandbox.md, Control endpoints).
/// </summary>
internal sealed class FaultInjector
{
    /// <summary>The kinds <c>POST /_sandbox/faults</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["429", "503", "504", "reset", DropSchemaWrite];

    /// <summary>The kind that accepts a schema write and drops it.</summary>
    public const string DropSchemaWrite = "dropSchemaWrite";

    private static readonly Regex s_schemaPath = new("/synchronization/jobs/[^/]+/schema$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(100));

    private readonly object _sync = new();
    private double _ratio;
    private string[] _kinds = ["429"];
    private double _retryAfterSeconds = 1;
    private Regex? _paths;
    private Random _random = new(0);
    private long _injected;

    /// <summary>How many faults were injected since the last configuration.</summary>
    public long Injected
    {
        get
        {
            lock (_sync)
            {
                return _injected;
            }
        }
    }

    /// <summary>Applies a configuration body; returns an error message when it is invalid.</summary>
    public string? Configure(JsonObject? body)
    {
        if (body is null)
        {
            return "The body must be a JSON object: { \"ratio\": 0.2, \"kinds\": [\"429\",\"503\",\"504\",\"reset\",\"dropSchemaWrite\"], \"retryAfterSeconds\": 1.5, \"seed\": 1, \"paths\": \"regex\" }.";
        }

        double ratio;
        try
        {
            ratio = body["ratio"]?.GetValue<double>() ?? 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            return "ratio must be a number between 0 and 1.";
        }

        if (ratio is < 0 or > 1 || double.IsNaN(ratio))
        {
            return "ratio must be a number between 0 and 1.";
        }

        var kinds = new List<string>();
        if (body["kinds"] is JsonArray kindArray)
        {
            foreach (JsonNode? k in kindArray)
            {
                string? kind = k is JsonValue v && v.TryGetValue(out string? s) ? s : k?.ToJsonString();
                if (kind is null || !Kinds.Contains(kind))
                {
                    return $"Unknown fault kind '{kind}'. Known kinds: {string.Join(", ", Kinds)}.";
                }

                kinds.Add(kind);
            }
        }
        else if (body["kinds"] is not null)
        {
            return "kinds must be an array of strings.";
        }

        if (kinds.Count == 0)
        {
            kinds.Add("429");
        }

        double retryAfter;
        int seed;
        try
        {
            retryAfter = body["retryAfterSeconds"]?.GetValue<double>() ?? 1;
            seed = body["seed"]?.GetValue<int>() ?? 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            return "retryAfterSeconds must be a number and seed an integer.";
        }

        if (retryAfter < 0)
        {
            return "retryAfterSeconds must not be negative.";
        }

        Regex? paths = null;
        string? pathsText = (string?)body["paths"];
        if (!string.IsNullOrEmpty(pathsText))
        {
            try
            {
                paths = new Regex(pathsText, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException ex)
            {
                return "paths is not a valid regular expression: " + ex.Message;
            }
        }

        lock (_sync)
        {
            _ratio = ratio;
            _kinds = [.. kinds];
            _retryAfterSeconds = retryAfter;
            _paths = paths;
            _random = new Random(seed);
            _injected = 0;
        }

        return null;
    }

    /// <summary>The current configuration, as <c>GET /_sandbox/faults</c> shows it.</summary>
    public JsonObject Describe()
    {
        lock (_sync)
        {
            return new JsonObject
            {
                ["ratio"] = _ratio,
                ["kinds"] = new JsonArray(_kinds.Select(k => (JsonNode)k).ToArray()),
                ["retryAfterSeconds"] = _retryAfterSeconds,
                ["paths"] = _paths?.ToString(),
                ["injected"] = _injected,
            };
        }
    }

    /// <summary>The fault to answer with instead of running the handler, or null to run it (a dropSchemaWrite marks the request instead).</summary>
    public SandboxResponse? Next(SandboxRequest request)
    {
        if (!request.Path.StartsWith("/v1.0/", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string kind;
        double retryAfter;
        lock (_sync)
        {
            if (_ratio <= 0)
            {
                return null;
            }

            if (_paths is not null && !_paths.IsMatch(request.Path))
            {
                return null;
            }

            // Two draws per request whatever the outcome, so the sequence depends only on the seed and the request count.
            double draw = _random.NextDouble();
            int pick = _random.Next(_kinds.Length);
            if (draw >= _ratio)
            {
                return null;
            }

            kind = _kinds[pick];
            if (kind == DropSchemaWrite && !IsSchemaWrite(request))
            {
                return null;
            }

            retryAfter = _retryAfterSeconds;
            _injected++;
        }

        if (kind == DropSchemaWrite)
        {
            // The handler runs every check of the real write; only the store is skipped.
            request.DropWrite = true;
            return null;
        }

        return kind switch
        {
            "429" => GraphError.TooManyRequests(retryAfter),
            "503" => GraphError.Transient(503, retryAfter),
            "504" => GraphError.Transient(504, retryAfter),
            _ => SandboxResponse.Reset(),
        };
    }

    private static bool IsSchemaWrite(SandboxRequest request) =>
        string.Equals(request.Method, "PUT", StringComparison.OrdinalIgnoreCase) && s_schemaPath.IsMatch(request.Path);
}
