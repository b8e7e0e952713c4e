// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Engine.Provisioning;

/// <summary>What came back from one SCIM request: a status and body, or a transport failure.</summary>
internal sealed class ScimResult
{
    /// <summary>The request's method, for messages.</summary>
    public string Method { get; init; } = "GET";

    /// <summary>The request's URL, for messages.</summary>
    public string Url { get; init; } = string.Empty;

    public int Status { get; init; }

    public JsonNode? Body { get; init; }

    public string Text { get; init; } = string.Empty;

    /// <summary>Why no answer came (connection refused, DNS, reset), or null.</summary>
    public string? TransportError { get; init; }

    public bool TimedOut { get; init; }

    public bool NoAnswer => TransportError is not null || TimedOut;

    public bool IsSuccess => !NoAnswer && Status is >= 200 and <= 299;

    /// <summary>
    /// The body as the provisioning logs quote it: the SCIM error JSON, compact, with its text unescaped (so Pulumi's
    /// detail, e.g. <c>Attribute 'userName' is immutable.</c>, appears verbatim).
    /// </summary>
    public string QuotedBody
    {
        get
        {
            if (Body is null)
            {
                return Text.Length > 1000 ? Text[..1000] : Text;
            }

            return Body.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        }
    }

    /// <summary>The SCIM error's <c>detail</c>, when the body is a SCIM error.</summary>
    public string? Detail => Body is JsonObject o && o["detail"] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}

/// <summary>
/// Sends the provisioning service's requests to the SCIM endpoint (the job's BaseAddress) over real HTTP, with the
/// SecretToken as bearer, as Entra does. The sandbox is a test double: it never sends a provisioning request off this
/// machine. A Tenant URL whose host is not a loopback address is treated as a host that never answers (the request
/// times out), so a job configured with the real <c>https://api.pulumi.com</c> can never write to a real organization.
/// </summary>
internal sealed class ScimClient
{
    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly string _token;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _stopping;

    public ScimClient(HttpClient http, Uri baseAddress, string token, TimeSpan timeout, CancellationToken stopping)
    {
        _http = http;
        _base = baseAddress;
        _token = token;
        _timeout = timeout;
        _stopping = stopping;
    }

    /// <summary>The Tenant URL without a trailing slash.</summary>
    public string BaseUrl => _base.ToString().TrimEnd('/');

    /// <summary>Parses a saved BaseAddress; null when it is not an absolute http(s) URL.</summary>
    public static Uri? ParseBaseAddress(string? baseAddress) =>
        Uri.TryCreate(baseAddress?.Trim(), UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : null;

    /// <summary>Whether the host is on this machine (127.0.0.0/8, ::1, localhost).</summary>
    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip));

    /// <summary>A SCIM filter value as a quoted string (RFC 7644 §3.4.2.2: a JSON string).</summary>
    public static string Quote(string value) => JsonSerializer.Serialize(value, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>Sends one request; <paramref name="relative"/> is appended to the Tenant URL (e.g. <c>/Users?filter=...</c>).</summary>
    public async Task<ScimResult> SendAsync(HttpMethod method, string relative, JsonObject? body = null)
    {
        string url = BaseUrl + relative;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        timeout.CancelAfter(_timeout);
        if (!IsLoopback(_base))
        {
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _stopping.ThrowIfCancellationRequested();
            }

            return new ScimResult { Method = method.Method, Url = url, TimedOut = true };
        }

        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/scim+json"));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/scim+json");
        }

        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            string text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            JsonNode? parsed = null;
            try
            {
                parsed = text.Length == 0 ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
            }

            return new ScimResult { Method = method.Method, Url = url, Status = (int)response.StatusCode, Body = parsed, Text = text };
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
        {
            return new ScimResult { Method = method.Method, Url = url, TimedOut = true };
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException)
        {
            string message = ex.InnerException is SocketException s ? $"{ex.Message} ({s.SocketErrorCode})" : ex.Message;
            return new ScimResult { Method = method.Method, Url = url, TransportError = _token.Length == 0 ? message : message.Replace(_token, "***", StringComparison.Ordinal) };
        }
    }
}
