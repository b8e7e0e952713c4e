// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace PulumiScim.Graph;

/// <summary>
/// The one retry policy behind every Graph call. 429, 503 and 504 honour <c>Retry-After</c> (seconds, fractional
/// allowed, or an HTTP date; docs/graph-facts.md); otherwise a capped exponential backoff with jitter.
/// Connection failures and timeouts are retried for idempotent requests only. The total wait is bounded.
/// </summary>
internal sealed class RetryPolicy
{
    /// <summary>The default bound on the total time spent waiting between attempts.</summary>
    public static readonly TimeSpan DefaultMaxWait = TimeSpan.FromMinutes(5);

    public RetryPolicy(TimeSpan? maxTotalWait = null, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null, int seed = 0)
    {
        MaxTotalWait = maxTotalWait ?? DefaultMaxWait;
        BaseDelay = baseDelay ?? TimeSpan.FromMilliseconds(500);
        MaxDelay = maxDelay ?? TimeSpan.FromSeconds(30);
        _random = seed == 0 ? Random.Shared : new Random(seed);
    }

    private readonly Random _random;

    public TimeSpan MaxTotalWait { get; }

    public TimeSpan BaseDelay { get; }

    public TimeSpan MaxDelay { get; }

    /// <summary>Whether a status is transient (throttled or a gateway/service hiccup).</summary>
    public static bool IsRetryableStatus(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>Whether a method may be sent again after the connection broke mid-request (RFC 9110 §9.2.2).</summary>
    public static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put || method == HttpMethod.Delete || method == HttpMethod.Options;

    /// <summary>
    /// The POST actions whose effect does not change when they are sent twice: validateCredentials and parseExpression
    /// only read; start, pause and restart leave the job in the same state however often they arrive.
    /// </summary>
    private static readonly string[] s_resendablePostActions = ["/validateCredentials", "/parseExpression", "/start", "/pause", "/restart"];

    /// <summary>
    /// Whether a request may be sent again after the connection broke before an answer came: idempotent methods, and
    /// the POST actions in <see cref="s_resendablePostActions"/>. Other POSTs create objects; they are not resent here
    /// (a create is read back before it is sent again: see CreateOnce).
    /// </summary>
    public static bool IsSafeToResend(HttpMethod method, Uri uri) =>
        IsIdempotent(method)
        || (method == HttpMethod.Post && s_resendablePostActions.Any(a => uri.AbsolutePath.EndsWith(a, StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Whether a failure means the host cannot be reached at all (name not resolved, connection refused): nothing was
    /// sent, and retrying for minutes would only hide a wrong endpoint or a stopped sandbox.
    /// </summary>
    public static bool IsUnreachable(Exception failure) =>
        failure is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }
        || failure.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused or System.Net.Sockets.SocketError.HostNotFound };

    /// <summary>Parses <c>Retry-After</c>: delta seconds (fractional allowed, e.g. <c>2.128</c>) or an HTTP date.</summary>
    public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0 && seconds < 86400)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset date)
            || DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            TimeSpan d = date - now;
            return d > TimeSpan.Zero ? d : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>Reads the Retry-After header of a response (raw text, so fractional seconds survive).</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.TryGetValues("Retry-After", out var values))
        {
            return ParseRetryAfter(values.FirstOrDefault(), now);
        }

        RetryConditionHeaderValue? typed = response.Headers.RetryAfter;
        return typed?.Delta ?? (typed?.Date is { } d ? d - now : null);
    }

    /// <summary>Backoff for attempt <paramref name="attempt"/> (1-based): base * 2^(n-1), capped, with full jitter in [50%, 100%].</summary>
    public TimeSpan Backoff(int attempt)
    {
        double ms = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 16));
        ms = Math.Min(ms, MaxDelay.TotalMilliseconds);
        double jitter;
        lock (_random)
        {
            jitter = 0.5 + (_random.NextDouble() * 0.5);
        }

        return TimeSpan.FromMilliseconds(ms * jitter);
    }

    /// <summary>The delay before the next attempt, or null when the budget does not allow one.</summary>
    /// <param name="attempt">How many attempts failed so far (1-based).</param>
    /// <param name="retryAfter">The server's Retry-After, if any.</param>
    /// <param name="waitedSoFar">Total time already spent waiting for this request.</param>
    public TimeSpan? NextDelay(int attempt, TimeSpan? retryAfter, TimeSpan waitedSoFar)
    {
        TimeSpan delay = retryAfter ?? Backoff(attempt);
        if (delay > MaxDelay && retryAfter is null)
        {
            delay = MaxDelay;
        }

        return waitedSoFar + delay > MaxTotalWait ? null : delay;
    }
}
