// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace PulumiScim.Graph;

/// <summary>
/// A POST that creates an object (a provisioning job, an app role assignment), sent so that a broken connection never
/// creates it twice. When the connection breaks before an answer comes, the client cannot know whether Graph applied
/// the request; so instead of resending blindly it reads back: if the object exists, that is the answer; if not, the
/// POST is sent again (within the session's retry budget). A resend that Graph refuses as a duplicate means the first
/// POST was applied but is not visible yet (replication): then the object is read back until it shows.
/// </summary>
internal static class CreateOnce
{
    /// <summary>Sends the create; see the class summary.</summary>
    /// <param name="graph">The session's client (its retry policy bounds the resends).</param>
    /// <param name="path">The collection to POST to.</param>
    /// <param name="body">The new object.</param>
    /// <param name="what">What is created, for messages ("the provisioning job").</param>
    /// <param name="findExisting">Reads back the object the POST creates; null when it does not exist.</param>
    /// <param name="isDuplicate">Whether a resend's error says the object already exists.</param>
    /// <param name="ct">Cancels every request and wait.</param>
    /// <returns>Graph's answer to the POST, or the object read back.</returns>
    public static async Task<JsonNode?> PostAsync(
        GraphClient graph,
        string path,
        JsonNode body,
        string what,
        Func<CancellationToken, Task<JsonObject?>> findExisting,
        Func<GraphRequestException, bool> isDuplicate,
        CancellationToken ct)
    {
        TimeSpan waited = TimeSpan.Zero;
        bool resent = false;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await graph.SendCheckedAsync(HttpMethod.Post, path, body, ct).ConfigureAwait(false);
            }
            catch (GraphRequestException ex) when (resent && isDuplicate(ex))
            {
                GraphEvents.Verbose($"Graph says {what} already exists: the earlier attempt was applied; reading it back.");
                return await WaitUntilVisibleAsync(what, findExisting, ex, ct).ConfigureAwait(false);
            }
            catch (GraphRequestException ex) when (ex.ConnectionFailed)
            {
                GraphEvents.Verbose($"The connection broke while creating {what}, so Graph may or may not have applied it; reading back before sending it again.");
                JsonObject? existing = await findExisting(ct).ConfigureAwait(false);
                if (existing is not null)
                {
                    GraphEvents.Verbose($"Graph had created {what}; it is not sent again.");
                    return existing;
                }

                TimeSpan? delay = graph.Retry.NextDelay(attempt, null, waited);
                if (delay is null)
                {
                    throw new GraphRequestException(
                        $"Creating {what} still failed after {attempt} attempts ({ex.InnerException?.Message ?? ex.Message}); it does not exist, so nothing was created. " +
                        $"The retry budget is {graph.Retry.MaxTotalWait.TotalSeconds:0} s (raise it with Connect-ScimGraph -MaxRetryWait); run the command again.",
                        ex,
                        ex.Method,
                        ex.Path)
                    {
                        ConnectionFailed = true,
                    };
                }

                GraphEvents.Verbose($"{what} does not exist, so the POST was not applied; sending it again in {delay.Value.TotalSeconds:0.###} s (attempt {attempt + 1}).");
                await Task.Delay(delay.Value, ct).ConfigureAwait(false);
                waited += delay.Value;
                resent = true;
            }
        }
    }

    private static async Task<JsonNode?> WaitUntilVisibleAsync(string what, Func<CancellationToken, Task<JsonObject?>> findExisting, GraphRequestException duplicate, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        TimeSpan delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            JsonObject? existing = await findExisting(ct).ConfigureAwait(false);
            if (existing is not null)
            {
                return existing;
            }

            if (DateTime.UtcNow - started + delay > Consistency.DefaultTimeout)
            {
                throw new GraphRequestException(
                    $"Graph says {what} already exists, but it did not show up within {Consistency.DefaultTimeout.TotalSeconds:0} s. Run the command again in a few minutes.",
                    duplicate,
                    duplicate.Method,
                    duplicate.Path);
            }

            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
        }
    }
}
