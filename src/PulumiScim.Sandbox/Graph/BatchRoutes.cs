// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Collections.Specialized;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;
using PulumiScim.Sandbox.Http;

namespace PulumiScim.Sandbox.Graph;

/// <summary>
/// <c>POST /v1.0/$batch</c> as Graph's "Combine multiple HTTP requests using JSON batching" (concepts/json-batching.md)
/// describes it: a body <c>{"requests":[{id, method, url, headers?, body?, dependsOn?}]}</c> of at most 20 requests with
/// relative URLs and unique ids (not case-sensitive); the answer <c>{"responses":[{id, status, headers, body}]}</c>, 200
/// when the batch is parseable, 400 when it is malformed; a request whose dependency failed gets 424 (Failed
/// Dependency). Each inner request goes through the server's own dispatch (faults, routing, the route's permission
/// check with the outer request's token, throttling, replication) and is logged like a direct one; the network
/// latency is the outer request's alone. Where the doc is silent the sandbox is stricter (docs/sandbox.md, "JSON batching").
/// </summary>
internal static class BatchRoutes
{
    /// <summary>Graph: "Batch size limitations": "JSON batch requests are currently limited to 20 individual requests."</summary>
    public const int MaxRequests = 20;

    private static readonly string[] s_methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public static void Register(Router router, SandboxContext ctx, Func<SandboxRequest, Task<SandboxResponse>> dispatchInner) =>
        router.MapAsync("POST", "/v1.0/$batch", req => ServeAsync(ctx, req, dispatchInner));

    private static async Task<SandboxResponse> ServeAsync(SandboxContext ctx, SandboxRequest req, Func<SandboxRequest, Task<SandboxResponse>> dispatchInner)
    {
        // No permission of its own (Graph checks each inner request's), but the batch needs a valid token itself.
        string? auth = req.Headers["Authorization"];
        if (string.IsNullOrWhiteSpace(auth) || !auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return GraphError.Unauthorized(missing: true);
        }

        if (ctx.Server.Tokens.Validate(auth["Bearer ".Length..].Trim(), out string? failure) is null)
        {
            return GraphError.Create(401, "InvalidAuthenticationToken", failure!);
        }

        List<BatchStep>? steps = Parse(req, out SandboxResponse? malformed);
        if (steps is null)
        {
            return malformed!;
        }

        var done = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var answers = new List<JsonObject>();
        foreach (BatchStep step in steps)
        {
            SandboxResponse r = step.DependsOn.FirstOrDefault(d => done[d] is < 200 or >= 300) is string failed
                ? GraphError.Create(424, "FailedDependency", $"The request '{step.Id}' was not run: it depends on the request '{failed}', which failed.")
                : await RunAsync(step, auth, dispatchInner).ConfigureAwait(false);
            done[step.Id] = r.Status;
            answers.Add(Answer(step.Id, r));
        }

        // Graph: "Individual responses might appear in a different order than the requests": the sandbox always
        // answers in reverse order of completion, so a client that does not correlate by id fails here first.
        answers.Reverse();
        return SandboxResponse.Json(200, new JsonObject { ["responses"] = new JsonArray([.. answers]) });
    }

    private static async Task<SandboxResponse> RunAsync(BatchStep step, string auth, Func<SandboxRequest, Task<SandboxResponse>> dispatchInner)
    {
        var headers = new WebHeaderCollection();
        foreach (var h in step.Headers)
        {
            headers[h.Key] = h.Value;
        }

        // The inner request speaks with the outer request's token, whatever its own headers say.
        headers["Authorization"] = auth;
        int q = step.Url.IndexOf('?', StringComparison.Ordinal);
        string rawPath = "/v1.0/" + (q >= 0 ? step.Url[..q] : step.Url).TrimStart('/');
        string rawQuery = q >= 0 ? step.Url[q..] : string.Empty;
        NameValueCollection query = HttpUtility.ParseQueryString(rawQuery.TrimStart('?'));
        var inner = new SandboxRequest(step.Method, Uri.UnescapeDataString(rawPath), rawQuery, query, headers, step.Body);
        return await dispatchInner(inner).ConfigureAwait(false);
    }

    private static JsonObject Answer(string id, SandboxResponse r)
    {
        var headers = new JsonObject();
        foreach (var h in r.Headers)
        {
            headers[h.Key] = h.Value;
        }

        var answer = new JsonObject { ["id"] = id, ["status"] = r.Status, ["headers"] = headers };
        if (r.Body.Length == 0)
        {
            return answer;
        }

        headers["Content-Type"] = r.ContentType;
        try
        {
            answer["body"] = JsonNode.Parse(r.Body);
        }
        catch (JsonException)
        {
            // Graph: the body "might be a JSON object or a base64 URL-encoded value".
            answer["body"] = Convert.ToBase64String(r.Body);
        }

        return answer;
    }

    /// <summary>Reads and checks the batch; null with the 400 to send when it is malformed.</summary>
    private static List<BatchStep>? Parse(SandboxRequest req, out SandboxResponse? error)
    {
        error = null;
        if (req.TryJson() is not JsonObject root || root["requests"] is not JsonArray requests)
        {
            error = Malformed("The batch body must be a JSON object with a 'requests' array.");
            return null;
        }

        if (requests.Count > MaxRequests)
        {
            error = GraphError.Create(400, "BadRequest", $"The batch holds {requests.Count} requests; at most {MaxRequests} are allowed in one batch.");
            return null;
        }

        if (requests.Count == 0)
        {
            error = Malformed("The batch must hold at least one request.");
            return null;
        }

        var steps = new List<BatchStep>();
        foreach (JsonNode? node in requests)
        {
            BatchStep? step = BatchStep.Parse(node, out string? why);
            if (step is null)
            {
                error = Malformed(why!);
                return null;
            }

            if (steps.Any(s => string.Equals(s.Id, step.Id, StringComparison.OrdinalIgnoreCase)))
            {
                // Graph: the id "Must be unique in the batch, otherwise, the batch request fails with a 400 error code."
                error = Malformed($"The request id '{step.Id}' is used more than once; ids must be unique in a batch (not case-sensitive).");
                return null;
            }

            steps.Add(step);
        }

        List<BatchStep>? ordered = Order(steps, out string? orderError);
        if (ordered is null)
        {
            error = Malformed(orderError!);
        }

        return ordered;
    }

    /// <summary>
    /// Checks the batch's dependsOn shape; the steps in request order, or null with the reason. Graph runs a batch
    /// fully parallel (no request has dependsOn) or fully sequential (each request depends on the one before it), and
    /// answers 400 "Batch should be either fully sequential or fully parallel" to anything else (Graph: "Known issues":
    /// JSON batching, "Requests can only depend on a single other request"; Microsoft Q&amp;A, "Regarding batching
    /// response order"). The sandbox takes the strictest reading: with any dependsOn, the first request has none and
    /// every other one depends on exactly the request before it in the array; an unknown id, a forward reference, a
    /// cycle, a request depending on two, or several depending on the same one are all 400 (docs/sandbox.md).
    /// </summary>
    private static List<BatchStep>? Order(List<BatchStep> steps, out string? error)
    {
        error = null;
        var ids = new HashSet<string>(steps.Select(s => s.Id), StringComparer.OrdinalIgnoreCase);
        if (steps.SelectMany(s => s.DependsOn.Select(d => (s.Id, d))).FirstOrDefault(p => !ids.Contains(p.d)) is (string who, string missing))
        {
            error = $"The request '{who}' depends on '{missing}', which is not a request of this batch.";
            return null;
        }

        if (steps.All(s => s.DependsOn.Length == 0))
        {
            return steps;
        }

        for (int i = 0; i < steps.Count; i++)
        {
            bool serial = i == 0
                ? steps[i].DependsOn.Length == 0
                : steps[i].DependsOn.Length == 1 && string.Equals(steps[i].DependsOn[0], steps[i - 1].Id, StringComparison.OrdinalIgnoreCase);
            if (!serial)
            {
                error = $"Batch should be either fully sequential or fully parallel: the request '{steps[i].Id}' must " +
                    (i == 0 ? "depend on no request, being the first." : $"depend on exactly the request before it, '{steps[i - 1].Id}'.");
                return null;
            }
        }

        return steps;
    }

    private static SandboxResponse Malformed(string message) => GraphError.Create(400, "BadRequest", "Invalid batch payload: " + message);

    /// <summary>One request of a batch, as sent.</summary>
    private sealed record BatchStep(string Id, string Method, string Url, Dictionary<string, string> Headers, byte[] Body, string[] DependsOn)
    {
        public static BatchStep? Parse(JsonNode? node, out string? error)
        {
            error = null;
            if (node is not JsonObject o)
            {
                error = "Each entry of 'requests' must be a JSON object.";
                return null;
            }

            string? id = Text(o, "id");
            string? method = Text(o, "method")?.ToUpperInvariant();
            string? url = Text(o, "url");
            if (string.IsNullOrWhiteSpace(id) || method is null || string.IsNullOrWhiteSpace(url))
            {
                error = "Each request needs the string properties 'id', 'method' and 'url'.";
                return null;
            }

            error = CheckUrlAndMethod(id, method, url);
            Dictionary<string, string>? headers = error is null ? ReadHeaders(o, id, out error) : null;
            string[]? dependsOn = error is null ? DependsOnIds(o, id, out error) : null;
            byte[]? body = error is null ? BodyBytes(o, id, headers!, out error) : null;
            return error is null ? new BatchStep(id, method, url, headers!, body!, dependsOn!) : null;
        }

        private static string? CheckUrlAndMethod(string id, string method, string url)
        {
            if (!s_methods.Contains(method))
            {
                return $"The request '{id}' has the method '{method}'; a batch takes {string.Join(", ", s_methods)}.";
            }

            // Graph: "The relative resource URL for the individual request ... this url is /users."
            if (Uri.TryCreate(url, UriKind.Absolute, out Uri? abs) && abs.Scheme is "http" or "https")
            {
                return $"The request '{id}' has an absolute url; a batch takes URLs relative to the version, such as /users.";
            }

            string path = url.Split('?')[0].TrimStart('/');
            return path.Equals("$batch", StringComparison.OrdinalIgnoreCase) || path.Length == 0
                ? $"The request '{id}' has the url '{url}', which names no resource (a batch cannot hold a batch)."
                : null;
        }

        private static Dictionary<string, string>? ReadHeaders(JsonObject o, string id, out string? error)
        {
            error = null;
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (o["headers"] is null)
            {
                return headers;
            }

            if (o["headers"] is not JsonObject h || h.Any(kv => kv.Value is not JsonValue v || !v.TryGetValue(out string? _)))
            {
                error = $"The request '{id}' has 'headers' that are not an object of string values.";
                return null;
            }

            foreach (var kv in h)
            {
                headers[kv.Key] = (string)kv.Value!;
            }

            return headers;
        }

        private static string[]? DependsOnIds(JsonObject o, string id, out string? error)
        {
            error = null;
            if (o["dependsOn"] is null)
            {
                return [];
            }

            if (o["dependsOn"] is not JsonArray a || a.Any(d => d is not JsonValue v || !v.TryGetValue(out string? _)))
            {
                error = $"The request '{id}' has a 'dependsOn' that is not an array of request ids.";
                return null;
            }

            return a.Select(d => (string)d!).ToArray();
        }

        private static byte[]? BodyBytes(JsonObject o, string id, Dictionary<string, string> headers, out string? error)
        {
            error = null;
            JsonNode? body = o["body"];
            if (body is null)
            {
                return [];
            }

            // Graph: "When a body is included with the request, the headers object must contain a value for Content-Type."
            if (!headers.ContainsKey("Content-Type"))
            {
                error = $"The request '{id}' has a body but no Content-Type header.";
                return null;
            }

            if (body is JsonValue v && v.TryGetValue(out string? base64))
            {
                try
                {
                    return Convert.FromBase64String(base64.Replace('-', '+').Replace('_', '/').PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
                }
                catch (FormatException)
                {
                    error = $"The request '{id}' has a string body that is not base64.";
                    return null;
                }
            }

            return Encoding.UTF8.GetBytes(body.ToJsonString());
        }

        private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
    }
}
