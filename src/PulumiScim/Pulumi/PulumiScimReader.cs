// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Security;
using System.Text.Json;
using PulumiScim.Graph;
using PulumiScim.Provisioning;

namespace PulumiScim.Pulumi;

/// <summary>A Pulumi SCIM request that failed: the status and Pulumi's <c>detail</c>, never the token.</summary>
internal sealed class PulumiScimException(string message, HttpStatusCode? status, Exception? inner = null) : Exception(message, inner)
{
    public HttpStatusCode? Status { get; } = status;
}

/// <summary>
/// Reads a Pulumi organization's users and teams through its SCIM API (GETs only). Pulumi's docs
/// (administration/concepts/scim.md): users are paged, at most 100 a page ("A request for a larger count fails with a
/// 400 response"); "a group search is unpaginated and returns every match in one response".
/// </summary>
internal sealed class PulumiScimReader : IDisposable
{
    /// <summary>Pulumi's largest page of users.</summary>
    public const int PageSize = 100;

    private readonly HttpClient _http;
    private readonly string _base;
    private readonly char[] _authorization;
    private readonly RetryPolicy _retry;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The handler goes to the HttpClient (disposeHandler: true) this reader owns and disposes.")]
    private PulumiScimReader(string tenantUrl, SecureString token, RetryPolicy retry, HttpMessageHandler? handler)
    {
        _base = tenantUrl.TrimEnd('/');
        _retry = retry;
        _authorization = BearerValue(token);

        // No redirects: a redirect would carry the token to another place.
        _http = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.All }, disposeHandler: true)
        {
            Timeout = TimeSpan.FromSeconds(100),
        };
    }

    /// <summary>Checks the saved Tenant URL (Pulumi's shape <c>{api}/scim/v2/{org}</c>; https, or http to loopback only) and makes a reader.</summary>
    /// <param name="tenantUrl">The saved Tenant URL.</param>
    /// <param name="token">Pulumi's SCIM token.</param>
    /// <param name="retry">The session's retry policy (the one behind every Graph call too).</param>
    /// <param name="handler">The HTTP handler (tests); by default one that follows no redirect.</param>
    /// <exception cref="ArgumentException">The Tenant URL is not Pulumi's shape, or not https; the message says why.</exception>
    public static PulumiScimReader Create(string? tenantUrl, SecureString token, RetryPolicy retry, HttpMessageHandler? handler = null)
    {
        if (!PulumiNames.TryParseTenantUrl(tenantUrl, out string? apiUrl, out string? org))
        {
            throw new ArgumentException($"The saved Tenant URL '{tenantUrl}' is not a Pulumi SCIM URL ({PulumiNames.DefaultApiUrl}/scim/v2/<organization login name>).");
        }

        string checkedUrl = PulumiNames.BuildTenantUrl(org, apiUrl);
        return new PulumiScimReader(checkedUrl, token, retry, handler);
    }

    /// <summary>The organization's SCIM base URL read from.</summary>
    public string BaseUrl => _base;

    /// <summary>Reads one page of users (<c>startIndex</c> is 1-based); returns the users and Pulumi's totalResults.</summary>
    public async Task<(List<PulumiUser> Users, int Total)> GetUsersPageAsync(int startIndex, CancellationToken ct)
    {
        using JsonDocument doc = await GetAsync($"/Users?startIndex={startIndex}&count={PageSize}", ct).ConfigureAwait(false);
        JsonElement root = doc.RootElement;
        var users = new List<PulumiUser>();
        foreach (JsonElement u in Resources(root))
        {
            users.Add(new PulumiUser(
                Str(u, "id") ?? string.Empty,
                Str(u, "userName"),
                Str(u, "displayName"),
                Sub(u, "name", "givenName"),
                Sub(u, "name", "familyName"),
                WorkEmail(u),
                !(u.TryGetProperty("active", out JsonElement a) && a.ValueKind == JsonValueKind.False)));
        }

        int total = root.TryGetProperty("totalResults", out JsonElement t) && t.TryGetInt32(out int n) ? n : users.Count;
        return (users, total);
    }

    /// <summary>Reads every team (one unpaged response).</summary>
    public async Task<List<PulumiTeam>> GetTeamsAsync(CancellationToken ct)
    {
        using JsonDocument doc = await GetAsync("/Groups", ct).ConfigureAwait(false);
        var teams = new List<PulumiTeam>();
        foreach (JsonElement g in Resources(doc.RootElement))
        {
            var members = g.TryGetProperty("members", out JsonElement m) && m.ValueKind == JsonValueKind.Array
                ? m.EnumerateArray().Select(x => Str(x, "value")).OfType<string>().ToList()
                : [];
            teams.Add(new PulumiTeam(Str(g, "id") ?? string.Empty, Str(g, "displayName") ?? string.Empty, members));
        }

        return teams;
    }

    /// <summary>
    /// GETs a path under the Tenant URL under the module's one retry policy (<see cref="RetryPolicy"/>: 429, 503 and 504
    /// honour Retry-After, a broken connection is retried since a GET may be resent, all within the session's retry
    /// budget); any other failure, or one that outlasts the budget, is a <see cref="PulumiScimException"/>.
    /// </summary>
    private async Task<JsonDocument> GetAsync(string relative, CancellationToken ct)
    {
        TimeSpan waited = TimeSpan.Zero;
        string shown = _base + relative.Split('?')[0];
        for (int attempt = 1; ; attempt++)
        {
            using HttpResponseMessage? response = await SendAsync(relative, shown, ct).ConfigureAwait(false);
            byte[] body = response is null ? [] : await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (response is { IsSuccessStatusCode: true })
            {
                return JsonDocument.Parse(body);
            }

            if (response is not null && !RetryPolicy.IsRetryableStatus(response.StatusCode))
            {
                throw new PulumiScimException(Describe(response.StatusCode, body, relative), response.StatusCode);
            }

            TimeSpan? retryAfter = response is null ? null : RetryPolicy.RetryAfter(response, DateTimeOffset.UtcNow);
            string why = response is null ? "no answer (the connection failed)" : $"{(int)response.StatusCode} {response.StatusCode}";
            if (_retry.NextDelay(attempt, retryAfter, waited) is not { } delay)
            {
                throw new PulumiScimException(
                    $"GET {shown} still failed with {why} after {attempt} attempts and {waited.TotalSeconds:0.#} s of waiting (the retry budget is " +
                    $"{_retry.MaxTotalWait.TotalSeconds:0} s; raise it with Connect-ScimGraph -MaxRetryWait).{(response is null ? string.Empty : " Last answer: " + Describe(response.StatusCode, body, relative))}",
                    response?.StatusCode);
            }

            GraphEvents.Verbose($"Pulumi answered {why} to GET {shown}; waiting {delay.TotalSeconds:0.###} s{(retryAfter is not null ? " as Retry-After asks" : string.Empty)} before attempt {attempt + 1}.");
            await Task.Delay(delay, ct).ConfigureAwait(false);
            waited += delay;
        }
    }

    /// <summary>Sends one GET; null when the connection failed after it was made (a GET may be sent again).</summary>
    private async Task<HttpResponseMessage?> SendAsync(string relative, string shown, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _base + relative);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/scim+json"));
        request.Headers.TryAddWithoutValidation("Authorization", new string(_authorization));
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            if (RetryPolicy.IsUnreachable(ex))
            {
                throw new PulumiScimException($"Could not reach Pulumi's SCIM API at {_base} ({ex.Message}); nothing was sent.", null, ex);
            }

            GraphEvents.Debug($"GET {shown} -> no answer: {ex.GetType().Name}");
            return null;
        }
    }

    private string Describe(HttpStatusCode status, byte[] body, string relative)
    {
        string? detail = null;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            detail = Str(doc.RootElement, "detail");
        }
        catch (JsonException)
        {
        }

        string path = relative.Split('?')[0];
        return $"Pulumi answered {(int)status} {status} to GET {_base}{path}{(detail is null ? "." : ": " + detail)}";
    }

    private static IEnumerable<JsonElement> Resources(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Resources", out JsonElement r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray()
            : [];

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? Sub(JsonElement e, string name, string sub) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) ? Str(v, sub) : null;

    private static string? WorkEmail(JsonElement u)
    {
        if (!u.TryGetProperty("emails", out JsonElement emails) || emails.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        return emails.EnumerateArray().Where(e => Str(e, "type") is null or "work").Select(e => Str(e, "value")).FirstOrDefault(v => v is not null);
    }

    /// <summary>"Bearer " and the token, as characters copied out of the SecureString (cleared on Dispose).</summary>
    private static char[] BearerValue(SecureString token)
    {
        const string Scheme = "Bearer ";
        var value = new char[Scheme.Length + token.Length];
        Scheme.CopyTo(0, value, 0, Scheme.Length);
        IntPtr ptr = Marshal.SecureStringToGlobalAllocUnicode(token);
        try
        {
            Marshal.Copy(ptr, value, Scheme.Length, token.Length);
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(ptr);
        }

        return value;
    }

    public void Dispose()
    {
        Array.Clear(_authorization);
        _http.Dispose();
    }
}
