// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Collections.Specialized;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using System.Web;

namespace PulumiScim.Sandbox.Http;

/// <summary>One HTTP request as the sandbox's handlers see it.</summary>
internal sealed class SandboxRequest
{
    public SandboxRequest(string method, string path, string rawQuery, NameValueCollection query, WebHeaderCollection headers, byte[] body)
    {
        Method = method;
        Path = path;
        RawQuery = rawQuery;
        Query = query;
        Headers = headers;
        Body = body;
    }

    public string Method { get; }

    /// <summary>The URL path, percent-decoded, without the query.</summary>
    public string Path { get; }

    /// <summary>The query string as sent (with its leading '?', or empty).</summary>
    public string RawQuery { get; }

    public NameValueCollection Query { get; }

    public WebHeaderCollection Headers { get; }

    public byte[] Body { get; }

    /// <summary>Route values captured by the matched route.</summary>
    public Dictionary<string, string> RouteValues { get; } = new(StringComparer.Ordinal);

    public string Route(string name) => RouteValues[name];

    /// <summary>Who the Graph token speaks for, once the route's check has read it.</summary>
    public GraphCaller? Caller { get; set; }

    /// <summary>The fault injector chose to accept this write and drop it (fault kind <c>dropSchemaWrite</c>).</summary>
    public bool DropWrite { get; set; }

    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>Parses the body as JSON; null when the body is empty or not JSON.</summary>
    public JsonNode? TryJson()
    {
        if (Body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static async Task<SandboxRequest> FromListenerAsync(HttpListenerRequest request)
    {
        // Read without blocking a thread: many concurrent requests must not tie up the thread pool.
        byte[] body;
        using (var ms = new MemoryStream())
        {
            await request.InputStream.CopyToAsync(ms).ConfigureAwait(false);
            body = ms.ToArray();
        }

        string rawUrl = request.RawUrl ?? "/";
        int q = rawUrl.IndexOf('?', StringComparison.Ordinal);
        string rawPath = q >= 0 ? rawUrl[..q] : rawUrl;
        string rawQuery = q >= 0 ? rawUrl[q..] : string.Empty;
        var query = HttpUtility.ParseQueryString(rawQuery.TrimStart('?'));
        var headers = new WebHeaderCollection();
        foreach (string? key in request.Headers.AllKeys)
        {
            if (key is not null)
            {
                headers[key] = request.Headers[key];
            }
        }

        return new SandboxRequest(request.HttpMethod.ToUpperInvariant(), Uri.UnescapeDataString(rawPath), rawQuery, query, headers, body);
    }
}

/// <summary>What a handler answers.</summary>
internal sealed class SandboxResponse
{
    public SandboxResponse(int status, byte[]? body = null, string contentType = "application/json; charset=utf-8")
    {
        Status = status;
        Body = body ?? [];
        ContentType = contentType;
    }

    public int Status { get; }

    public byte[] Body { get; }

    public string ContentType { get; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Set when the connection must be dropped without an answer (fault injection).</summary>
    public bool Abort { get; init; }

    // Relaxed escaping writes '"' inside strings as \" (as Graph does: "emails[type eq \"work\"].value"), not \u0022.
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static SandboxResponse Json(int status, JsonNode? body) =>
        new(status, body is null ? Encoding.UTF8.GetBytes("null") : Encoding.UTF8.GetBytes(body.ToJsonString(s_json)));

    public static SandboxResponse ScimJson(int status, JsonNode body) =>
        new(status, Encoding.UTF8.GetBytes(body.ToJsonString(s_json)), "application/scim+json; charset=utf-8");

    public static SandboxResponse NoContent() => new(204);

    /// <summary>Drops the connection without an answer (fault injection's "reset").</summary>
    public static SandboxResponse Reset() => new(0) { Abort = true };

    public SandboxResponse WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }
}
