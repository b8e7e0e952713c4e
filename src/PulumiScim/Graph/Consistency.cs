// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Net;

namespace PulumiScim.Graph;

/// <summary>
/// Waits out Entra's eventual consistency right after the module creates an object: 404, 403 and 409 answers (and
/// 400 Request_ResourceNotFound) are retried with capped backoff until the object is usable, as Microsoft advises
/// ("allow some time … GET the application or service principal every 5–10 seconds until the query is successful",
/// concepts/application-saml-sso-configure-api.md; Terraform's azuread provider retries 403/409 on synchronization calls).
/// </summary>
internal static class Consistency
{
    /// <summary>The default bound on a replication wait.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// The objects a session created, with when. Only calls on these, within <see cref="DefaultTimeout"/> of their
    /// creation, treat 404/403/409 as replication lag; a 403 on an older object, or on one found rather than created,
    /// is an error at once.
    /// </summary>
    internal sealed class CreatedObjects
    {
        private readonly ConcurrentDictionary<string, DateTime> _created = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>Records that the session created <paramref name="id"/> now.</summary>
        public void Add(string? id)
        {
            if (!string.IsNullOrEmpty(id))
            {
                _created[id] = DateTime.UtcNow;
            }
        }

        /// <summary>What is left of the replication budget of <paramref name="id"/>: null when it was not created moments ago.</summary>
        public TimeSpan? Remaining(string? id) =>
            id is not null && _created.TryGetValue(id, out DateTime at) && DefaultTimeout - (DateTime.UtcNow - at) is { } left && left > TimeSpan.Zero
                ? left
                : null;
    }

    /// <summary>Whether an error is what a not-yet-replicated object answers.</summary>
    public static bool IsReplicationLag(GraphRequestException ex) =>
        ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden or HttpStatusCode.Conflict
        || (ex.StatusCode == HttpStatusCode.BadRequest && string.Equals(ex.Code, "Request_ResourceNotFound", StringComparison.OrdinalIgnoreCase));

    /// <summary>Runs <paramref name="action"/> until it stops failing with replication lag, or the timeout passes.</summary>
    public static async Task<T> RetryAsync<T>(string what, Func<CancellationToken, Task<T>> action, CancellationToken ct, TimeSpan? timeout = null, TimeSpan? firstDelay = null)
    {
        TimeSpan limit = timeout ?? DefaultTimeout;
        TimeSpan delay = firstDelay ?? TimeSpan.FromMilliseconds(250);
        var started = DateTime.UtcNow;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                T result = await action(ct).ConfigureAwait(false);
                if (attempt > 1)
                {
                    GraphEvents.Progress($"{what}: replicated", 101);
                }

                return result;
            }
            catch (GraphRequestException ex) when (IsReplicationLag(ex))
            {
                TimeSpan elapsed = DateTime.UtcNow - started;
                if (elapsed + delay > limit)
                {
                    throw new GraphRequestException(
                        $"{what} still answered {(int)ex.StatusCode} {ex.Code} after {elapsed.TotalSeconds:0} s of waiting for Entra to replicate the new object. " +
                        "Run the command again in a few minutes; it continues from where it stopped.",
                        ex,
                        ex.Method,
                        ex.Path);
                }

                GraphEvents.Verbose($"{what}: Graph answered {(int)ex.StatusCode} {ex.Code} (the new object is still replicating); trying again in {delay.TotalSeconds:0.##} s.");
                GraphEvents.Progress($"Waiting for Entra to replicate: {what} ({elapsed.TotalSeconds:0} s)", (int)Math.Min(99, elapsed.TotalMilliseconds * 100 / limit.TotalMilliseconds));
                await Task.Delay(delay, ct).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }
}
