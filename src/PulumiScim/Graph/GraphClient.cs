// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Graph;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;
using PulumiScim.Session;

namespace PulumiScim.Graph;

/// <summary>A Graph answer: status, the body's bytes (parsed as JSON on first use) and headers.</summary>
internal sealed class GraphResponse(HttpStatusCode status, byte[] raw, HttpResponseHeaders headers)
{
    private JsonNode? _body;
    private bool _parsed;

    public HttpStatusCode Status { get; } = status;

    /// <summary>The body as sent (UTF-8 JSON, or empty).</summary>
    public byte[] Raw { get; } = raw;

    public HttpResponseHeaders Headers { get; } = headers;

    /// <summary>The body as JSON; null when empty or not JSON.</summary>
    public JsonNode? Body
    {
        get
        {
            if (!_parsed)
            {
                _parsed = true;
                try
                {
                    _body = Raw.Length == 0 ? null : JsonNode.Parse(Raw);
                }
                catch (JsonException)
                {
                    _body = null;
                }
            }

            return _body;
        }
    }

    public bool IsSuccess => (int)Status is >= 200 and < 300;
}

/// <summary>
/// The one door to Microsoft Graph. Requests go through the Graph SDK's HTTP pipeline (Microsoft.Graph.Core's
/// GraphClientFactory middleware: redirects, compression, telemetry headers) with the module's bearer handler, and
/// through <see cref="RetryPolicy"/> — the SDK's own RetryHandler is left out of the chain so there is exactly one
/// retry policy (it cannot parse fractional Retry-After values and does not retry broken connections).
/// Bodies are raw JSON (System.Text.Json nodes), so schema edits keep properties this module does not know.
/// </summary>
internal sealed class GraphClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ITokenSource _tokens;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The pipeline and its handler go to the HttpClient this client owns and disposes.")]
    public GraphClient(Uri graphRoot, ITokenSource tokens, RetryPolicy retry, HttpMessageHandler? finalHandler = null)
    {
        GraphRoot = graphRoot;
        BaseUri = new Uri(graphRoot.ToString().TrimEnd('/') + "/v1.0/");
        _tokens = tokens;
        Retry = retry;
        List<DelegatingHandler> handlers = [.. GraphClientFactory.CreateDefaultHandlers().Where(IsKept)];
        handlers.Add(new BearerHandler(tokens, graphRoot));
        HttpMessageHandler pipeline = GraphClientFactory.CreatePipeline(handlers, finalHandler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        });
        _http = new HttpClient(pipeline, disposeHandler: true) { Timeout = TimeSpan.FromSeconds(100) };
    }

    /// <summary>
    /// The SDK's default handlers this door keeps: redirects, the User-Agent and Graph's SDK telemetry headers
    /// (SdkVersion, client-request-id). Left out: the RetryHandler (<see cref="RetryPolicy"/> is the one retry policy)
    /// and the handlers that act only on request options this door never attaches (URI replacement, query-name
    /// decoding of <c>%24</c> the door never writes, header and body inspection): each was one more async hop per
    /// request and more code compiled on a fresh process's first request.
    /// </summary>
    private static bool IsKept(DelegatingHandler handler) =>
        handler is RedirectHandler or UserAgentHandler or GraphTelemetryHandler;

    /// <summary>The Graph root without version, e.g. https://graph.microsoft.com.</summary>
    public Uri GraphRoot { get; }

    /// <summary>The v1.0 base every relative path is resolved against.</summary>
    public Uri BaseUri { get; }

    public RetryPolicy Retry { get; }

    /// <summary>How many requests this client sent (attempts included).</summary>
    public int RequestCount => _requestCount;

    private int _requestCount;

    /// <summary>Resolves a path relative to v1.0, or accepts an absolute URL on the same host (nextLink).</summary>
    public Uri Resolve(string pathOrUrl)
    {
        if (Uri.TryCreate(pathOrUrl, UriKind.Absolute, out Uri? absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal))
        {
            if (!string.Equals(absolute.Authority, GraphRoot.Authority, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"Refusing to follow a link to another host ({absolute.Host}); the session's Graph is {GraphRoot.Host}.");
            }

            return absolute;
        }

        return new Uri(BaseUri, pathOrUrl.TrimStart('/'));
    }

    /// <summary>Sends one request with the retry policy; returns the final answer whatever its status.</summary>
    public Task<GraphResponse> SendAsync(HttpMethod method, string pathOrUrl, JsonNode? body, CancellationToken cancellationToken) =>
        SendBytesAsync(method, pathOrUrl, body is null ? null : Encoding.UTF8.GetBytes(body.ToJsonString()), cancellationToken);

    /// <summary>Sends a UTF-8 JSON payload given as bytes (e.g. a secrets body holding a token; the caller clears it after).</summary>
    public Task<GraphResponse> SendBytesAsync(HttpMethod method, string pathOrUrl, byte[]? payload, CancellationToken cancellationToken) =>
        SendWithRetryAsync(method, pathOrUrl, payload, HttpCompletionOption.ResponseContentRead, ReadAnswerAsync, cancellationToken);

    /// <summary>
    /// Sends one request with the retry policy; <paramref name="read"/> turns the final answer into the result and disposes
    /// it (with <see cref="HttpCompletionOption.ResponseHeadersRead"/> it reads the body from the network itself).
    /// </summary>
    private async Task<T> SendWithRetryAsync<T>(
        HttpMethod method, string pathOrUrl, byte[]? payload, HttpCompletionOption completion, Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        Uri uri = Resolve(pathOrUrl);
        TimeSpan waited = TimeSpan.Zero;
        for (int attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (HttpResponseMessage? response, Exception? failure) = await SendOnceAsync(method, uri, payload, completion, cancellationToken).ConfigureAwait(false);
            if (response is not null && !RetryPolicy.IsRetryableStatus(response.StatusCode))
            {
                try
                {
                    return await ReadWithinTimeoutAsync(read, response, completion, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (completion == HttpCompletionOption.ResponseHeadersRead && ex is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    // A body read from the network broke off or stalled past the timeout: a connection failure like one
                    // before the answer.
                    (response, failure) = (null, ex);
                }
            }

            if (response is null)
            {
                ThrowUnlessResendable(method, uri, failure!);
            }

            TimeSpan? retryAfter = response is null ? null : RetryPolicy.RetryAfter(response, DateTimeOffset.UtcNow);
            TimeSpan? delay = Retry.NextDelay(attempt, retryAfter, waited);
            string why = response is null ? failure!.GetType().Name : $"{(int)response.StatusCode} {response.StatusCode}";
            if (delay is null)
            {
                throw await GiveUpAsync(method, uri.AbsolutePath, response, failure, why, attempt, waited, cancellationToken).ConfigureAwait(false);
            }

            response?.Dispose();
            GraphEvents.Verbose($"Graph answered {why} to {method.Method} {uri.AbsolutePath}; waiting {delay.Value.TotalSeconds:0.###} s" +
                $"{(retryAfter is not null ? " as Retry-After asks" : string.Empty)} before attempt {attempt + 1}.");
            await Task.Delay(delay.Value, cancellationToken).ConfigureAwait(false);
            waited += delay.Value;
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/>; with <see cref="HttpCompletionOption.ResponseHeadersRead"/> HttpClient's timeout
    /// covers only the wait for the headers, so the body read gets the same limit here (a connection that stalls
    /// mid-body in an unattended runbook ends as a timeout, not a hang).
    /// </summary>
    private async Task<T> ReadWithinTimeoutAsync<T>(Func<HttpResponseMessage, CancellationToken, Task<T>> read, HttpResponseMessage response, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        if (completion != HttpCompletionOption.ResponseHeadersRead)
        {
            return await read(response, cancellationToken).ConfigureAwait(false);
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_http.Timeout);
        return await read(response, limit.Token).ConfigureAwait(false);
    }

    /// <summary>One attempt: the answer, or the connection failure that left none (cancellation by the caller is thrown).</summary>
    private async Task<(HttpResponseMessage? Response, Exception? Failure)> SendOnceAsync(HttpMethod method, Uri uri, byte[]? payload, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (payload is not null)
        {
            request.Content = new ByteArrayContent(payload);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        long t0 = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _requestCount);
        try
        {
            HttpResponseMessage response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            GraphEvents.Debug($"{method.Method} {uri.AbsolutePath} -> {(int)response.StatusCode} ({Stopwatch.GetElapsedTime(t0).TotalMilliseconds:0} ms)");
            return (response, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or SocketException)
        {
            GraphEvents.Debug($"{method.Method} {uri.AbsolutePath} -> no answer: {ex.GetType().Name} ({Stopwatch.GetElapsedTime(t0).TotalMilliseconds:0} ms)");
            return (null, ex);
        }
    }

    /// <summary>Reads the answer's body and disposes the message.</summary>
    private static async Task<GraphResponse> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            return new GraphResponse(response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), response.Headers);
        }
    }

    /// <summary>Throws when a broken connection must not be retried: the host is unreachable, or the request may have been applied.</summary>
    private static void ThrowUnlessResendable(HttpMethod method, Uri uri, Exception failure)
    {
        string shownPath = uri.AbsolutePath;
        if (RetryPolicy.IsUnreachable(failure))
        {
            // Nothing was sent, and waiting does not make a wrong host or a stopped sandbox answer.
            throw new GraphRequestException(
                $"Could not connect to {uri.Authority} for {method.Method} {shownPath} ({failure.Message}); nothing was sent. " +
                "Check the Graph endpoint of the session (Get-ScimGraphSession) and the network (proxy, firewall). " +
                "A sandbox session: the sandbox is no longer running; start one with Start-ScimSandbox and connect to it with Connect-ScimGraph.",
                failure,
                method.Method,
                shownPath);
        }

        if (!RetryPolicy.IsSafeToResend(method, uri))
        {
            throw new GraphRequestException(
                $"The connection failed during {method.Method} {shownPath} ({failure.Message}). A {method.Method} is not retried automatically " +
                "because it may have been applied; run the command again: it checks what is already in place before writing.",
                failure,
                method.Method,
                shownPath)
            {
                ConnectionFailed = true,
            };
        }
    }

    /// <summary>The error once the retry budget is spent: the last answer's Graph error, or the last connection failure.</summary>
    private async Task<GraphRequestException> GiveUpAsync(
        HttpMethod method, string shownPath, HttpResponseMessage? response, Exception? failure, string why, int attempt, TimeSpan waited, CancellationToken cancellationToken)
    {
        string budget = $"after {attempt} attempts and {waited.TotalSeconds:0.#} s of waiting " +
            $"(the retry budget is {Retry.MaxTotalWait.TotalSeconds:0} s; raise it with Connect-ScimGraph -MaxRetryWait)";
        if (response is null)
        {
            return new GraphRequestException($"{method.Method} {shownPath} still failed ({failure!.Message}) {budget}.", failure, method.Method, shownPath);
        }

        GraphResponse answer = await ReadAnswerAsync(response, cancellationToken).ConfigureAwait(false);
        GraphRequestException inner = ToException(method, shownPath, answer.Status, answer.Body, answer.Headers);
        return new GraphRequestException($"{method.Method} {shownPath} still failed with {why} {budget}. Last answer: {inner.GraphMessage}", inner, method.Method, shownPath)
        {
            StatusCode = inner.StatusCode,
            Code = inner.Code,
        };
    }

    /// <summary>Sends and throws <see cref="GraphRequestException"/> unless the answer is 2xx.</summary>
    public Task<JsonNode?> SendCheckedAsync(HttpMethod method, string pathOrUrl, JsonNode? body, CancellationToken cancellationToken) =>
        SendBytesCheckedAsync(method, pathOrUrl, body is null ? null : Encoding.UTF8.GetBytes(body.ToJsonString()), cancellationToken);

    /// <summary>Sends bytes and throws <see cref="GraphRequestException"/> unless the answer is 2xx.</summary>
    public async Task<JsonNode?> SendBytesCheckedAsync(HttpMethod method, string pathOrUrl, byte[]? payload, CancellationToken cancellationToken)
    {
        GraphResponse r = await SendBytesAsync(method, pathOrUrl, payload, cancellationToken).ConfigureAwait(false);
        if (!r.IsSuccess)
        {
            throw ToException(method, Resolve(pathOrUrl).AbsolutePath, r.Status, r.Body, r.Headers);
        }

        return r.Body;
    }

    /// <summary>
    /// GETs a large answer (a page of provisioning logs): the body is read from the network straight into an array rented
    /// from the shared pool, so no page-sized array is left to the garbage collector; dispose the result to return it.
    /// </summary>
    public Task<PooledBytes> GetPooledAsync(string pathOrUrl, CancellationToken cancellationToken) =>
        SendWithRetryAsync(HttpMethod.Get, pathOrUrl, null, HttpCompletionOption.ResponseHeadersRead, (response, ct) => ReadPooledAsync(response, Resolve(pathOrUrl).AbsolutePath, ct), cancellationToken);

    /// <summary>Reads a 2xx answer's body into a pooled array; any other answer is thrown as its Graph error. Disposes the message.</summary>
    private static async Task<PooledBytes> ReadPooledAsync(HttpResponseMessage response, string shownPath, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            GraphResponse r = await ReadAnswerAsync(response, cancellationToken).ConfigureAwait(false);
            throw ToException(HttpMethod.Get, shownPath, r.Status, r.Body, r.Headers);
        }

        using (response)
        {
            Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                return await PooledBytes.ReadAsync(body, response.Content.Headers.ContentLength, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>GETs one object; null when Graph answers 404 (no such object), an exception for any other failure.</summary>
    public async Task<JsonObject?> GetOrNullAsync(string pathOrUrl, CancellationToken cancellationToken)
    {
        GraphResponse r = await SendBytesAsync(HttpMethod.Get, pathOrUrl, null, cancellationToken).ConfigureAwait(false);
        if (r.Status == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!r.IsSuccess)
        {
            throw ToException(HttpMethod.Get, Resolve(pathOrUrl).AbsolutePath, r.Status, r.Body, r.Headers);
        }

        return r.Body as JsonObject;
    }

    public Task<JsonNode?> GetAsync(string pathOrUrl, CancellationToken cancellationToken) =>
        SendBytesCheckedAsync(HttpMethod.Get, pathOrUrl, null, cancellationToken);

    /// <summary>Streams the items of a collection page by page, following <c>@odata.nextLink</c>.</summary>
    public async IAsyncEnumerable<JsonObject> ListAsync(string pathOrUrl, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? next = pathOrUrl;
        while (next is not null)
        {
            JsonNode? page = await GetAsync(next, cancellationToken).ConfigureAwait(false);
            foreach (JsonNode? item in page?["value"] as JsonArray ?? [])
            {
                if (item is JsonObject o)
                {
                    yield return o;
                }
            }

            next = (string?)page?["@odata.nextLink"];
        }
    }

    public static GraphRequestException ToException(HttpMethod method, string path, HttpStatusCode status, JsonNode? body, HttpResponseHeaders? headers)
    {
        JsonNode? error = body?["error"];
        string? code = (string?)error?["code"];
        string? message = (string?)error?["message"];
        string? requestId = (string?)error?["innerError"]?["request-id"];
        if (requestId is null && headers is not null && headers.TryGetValues("request-id", out var ids))
        {
            requestId = ids.FirstOrDefault();
        }

        // syncfabric answers some errors with {"Message": "..."} (e.g. 404 to a PATCH of .../schema, which takes only PUT).
        message ??= (string?)body?["Message"] ?? (string?)body?["message"];
        return new GraphRequestException(method, path, status, code, message, requestId);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Adds the bearer token, and only to the session's Graph host.</summary>
    /// <remarks>A token at hand (a given token, or a credential's cached one) is added without an async hop.</remarks>
    private sealed class BearerHandler(ITokenSource tokens, Uri graphRoot) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is null || !string.Equals(request.RequestUri.Authority, graphRoot.Authority, StringComparison.OrdinalIgnoreCase))
            {
                return base.SendAsync(request, cancellationToken);
            }

            ValueTask<string> token = tokens.GetTokenAsync(cancellationToken);
            if (!token.IsCompletedSuccessfully)
            {
                return SendWhenTokenAsync(request, token, cancellationToken);
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Result);
            return base.SendAsync(request, cancellationToken);
        }

        private async Task<HttpResponseMessage> SendWhenTokenAsync(HttpRequestMessage request, ValueTask<string> token, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await token.ConfigureAwait(false));
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }
}
