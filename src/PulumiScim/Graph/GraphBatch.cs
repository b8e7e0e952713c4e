// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace PulumiScim.Graph;

/// <summary>One request of a batch: what the direct call would send.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path and query, relative to v1.0 (as for <see cref="GraphClient.SendAsync"/>).</param>
/// <param name="Body">The JSON body, or null.</param>
internal sealed record BatchItem(HttpMethod Method, string Path, JsonNode? Body = null)
{
    /// <summary>A GET of <paramref name="path"/>.</summary>
    public static BatchItem Get(string path) => new(HttpMethod.Get, path);
}

/// <summary>
/// The final answer to one <see cref="BatchItem"/>: Graph's answer to it, or the error the direct call would have
/// thrown once its retries were spent (or its connection broke). Errors name the item's own method and path.
/// </summary>
/// <param name="Item">The request.</param>
/// <param name="Uri">Its absolute URL, for errors.</param>
/// <param name="Answer">Graph's answer to it, or null when it failed.</param>
/// <param name="Failure">The error the direct call would have thrown, or null.</param>
internal sealed record BatchResult(BatchItem Item, Uri Uri, GraphResponse? Answer, GraphRequestException? Failure)
{
    /// <summary>The body of a 2xx answer; otherwise throws what the direct call (SendCheckedAsync) would.</summary>
    public JsonNode? Checked()
    {
        if (Failure is not null)
        {
            throw Failure;
        }

        return Answer!.IsSuccess ? Answer.Body : throw Error();
    }

    /// <summary>The object of a 2xx answer, null for a 404; otherwise throws what GetOrNullAsync would.</summary>
    public JsonObject? OrNull() =>
        Failure is null && Answer!.Status == HttpStatusCode.NotFound ? null : Checked() as JsonObject;

    /// <summary>The Graph error of a non-2xx answer, as the direct call reports it.</summary>
    public GraphRequestException Error() =>
        Failure ?? GraphClient.ToException(Item.Method, Uri.AbsolutePath, Answer!.Status, Answer.Body, Answer.Headers);
}

/// <summary>
/// Graph JSON batching (Graph: "Combine multiple HTTP requests using JSON batching"; docs/graph-facts.md, "Batching"):
/// independent requests go in batches of at most 20 (Microsoft.Graph.Core's <see cref="BatchRequestContent"/> writes
/// them and <see cref="BatchResponseContent"/> reads the answers), a few batches at a time, through the session's
/// pipeline and its one <see cref="RetryPolicy"/>. Inner answers 429, 503 and 504 are sent again, in a new batch,
/// after the longest Retry-After among them (each inner request is throttled on its own, with its own Retry-After:
/// "Batch size limitations"), within the same retry budget
/// as a direct request; any other inner answer is final and belongs to its own item.
/// </summary>
internal static class GraphBatch
{
    /// <summary>Graph's limit: "JSON batch requests are currently limited to 20 individual requests."</summary>
    public const int MaxPerBatch = CoreConstants.BatchRequest.MaxNumberOfRequests;

    /// <summary>How many batches are in flight at once (each holds up to 20 requests).</summary>
    public const int Concurrency = 4;

    // Only to satisfy BatchRequestContent's constructor: requests are written from HttpRequestMessages, never sent through it.
    private static readonly HttpClientRequestAdapter s_adapter = new(new AnonymousAuthenticationProvider(), httpClient: new HttpClient());

    /// <summary>Sends the items (one alone goes as a direct request) and returns their final answers in item order.</summary>
    public static Task<BatchResult[]> SendAsync(GraphClient graph, IReadOnlyList<BatchItem> items, CancellationToken ct) =>
        SendCoreAsync(graph, items, chain: false, ct);

    /// <summary>
    /// Sends the items as one fully sequential batch: each depends on the one before it (Graph: "Sequencing requests
    /// with the dependsOn property"), so Graph runs them in order and answers 424 for every one after a failure.
    /// When an item's answer is 429, 503 or 504, it and the rest of the chain are sent again (a new chain) under the
    /// same retry policy. At most <see cref="MaxPerBatch"/> items.
    /// </summary>
    public static Task<BatchResult[]> SendChainAsync(GraphClient graph, IReadOnlyList<BatchItem> items, CancellationToken ct) =>
        items.Count <= MaxPerBatch
            ? SendCoreAsync(graph, items, chain: true, ct)
            : throw new ArgumentException($"A chain of requests goes in one batch: at most {MaxPerBatch}.", nameof(items));

    private static async Task<BatchResult[]> SendCoreAsync(GraphClient graph, IReadOnlyList<BatchItem> items, bool chain, CancellationToken ct)
    {
        var results = new BatchResult[items.Count];
        if (items.Count == 1)
        {
            results[0] = await SendDirectAsync(graph, items[0], ct).ConfigureAwait(false);
            return results;
        }

        var pending = Enumerable.Range(0, items.Count).ToList();
        TimeSpan waited = TimeSpan.Zero;
        for (int attempt = 1; pending.Count > 0; attempt++)
        {
            var answers = await SendRoundAsync(graph, items, pending, chain, ct).ConfigureAwait(false);
            var retry = new List<int>();
            TimeSpan? retryAfter = null;
            foreach ((int index, BatchResult result) in answers)
            {
                results[index] = result;
                if (IsTransient(result))
                {
                    retry.Add(index);
                    TimeSpan? ra = result.Answer is { } a ? RetryPolicy.ParseRetryAfter(Header(a.Headers, "Retry-After"), DateTimeOffset.UtcNow) : null;
                    retryAfter = ra > (retryAfter ?? TimeSpan.Zero) ? ra : retryAfter ?? ra;
                }
            }

            retry = chain ? RestOfChain(pending, results, retry) : retry;

            TimeSpan? delay = retry.Count == 0 ? null : graph.Retry.NextDelay(attempt, retryAfter, waited);
            if (delay is null)
            {
                foreach (int i in retry)
                {
                    results[i] = GiveUp(graph, results[i], attempt, waited);
                }

                return results;
            }

            GraphEvents.Verbose($"{retry.Count} request(s) of a batch failed for now ({Why(results[retry[0]])}); " +
                $"waiting {delay.Value.TotalSeconds:0.###} s{(retryAfter is not null ? " as Retry-After asks" : string.Empty)} before sending them again (attempt {attempt + 1}).");
            await Task.Delay(delay.Value, ct).ConfigureAwait(false);
            waited += delay.Value;
            pending = retry;
        }

        return results;
    }

    /// <summary>
    /// In a chain, what is sent again: from the first item whose answer was transient, the rest of the chain (those
    /// after it were not run: 424); nothing when an earlier item failed for good.
    /// </summary>
    private static List<int> RestOfChain(List<int> sent, BatchResult[] results, List<int> transient)
    {
        int first = sent.FindIndex(i => results[i].Answer is not { IsSuccess: true });
        return first >= 0 && transient.Contains(sent[first]) ? sent.Skip(first).ToList() : [];
    }

    private static async Task<BatchResult> SendDirectAsync(GraphClient graph, BatchItem item, CancellationToken ct)
    {
        Uri uri = graph.Resolve(item.Path);
        try
        {
            return new BatchResult(item, uri, await graph.SendAsync(item.Method, item.Path, item.Body, ct).ConfigureAwait(false), null);
        }
        catch (GraphRequestException ex)
        {
            return new BatchResult(item, uri, null, ex);
        }
    }

    /// <summary>Sends the pending items in batches of 20, <see cref="Concurrency"/> batches at a time.</summary>
    private static async Task<List<(int Index, BatchResult Result)>> SendRoundAsync(GraphClient graph, IReadOnlyList<BatchItem> items, List<int> pending, bool chain, CancellationToken ct)
    {
        var all = new List<(int, BatchResult)>();
        using var gate = new SemaphoreSlim(Concurrency);
        async Task<List<(int, BatchResult)>> OneAsync(int[] chunk)
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                return await SendOneBatchAsync(graph, items, chunk, chain, ct).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }

        foreach (var answers in await Task.WhenAll(pending.Chunk(MaxPerBatch).Select(OneAsync)).ConfigureAwait(false))
        {
            all.AddRange(answers);
        }

        return all;
    }

    /// <summary>One <c>POST /$batch</c>; a failure of the batch itself is every item's failure.</summary>
    private static async Task<List<(int, BatchResult)>> SendOneBatchAsync(GraphClient graph, IReadOnlyList<BatchItem> items, int[] chunk, bool chain, CancellationToken ct)
    {
        Uri[] uris = chunk.Select(i => graph.Resolve(items[i].Path)).ToArray();
        byte[] payload = await WriteAsync(items, chunk, uris, chain, ct).ConfigureAwait(false);
        GraphResponse batch;
        try
        {
            batch = await graph.SendBytesAsync(HttpMethod.Post, "$batch", payload, ct).ConfigureAwait(false);
        }
        catch (GraphRequestException ex)
        {
            // The batch got no answer: every item gets the error its own request would have got.
            return chunk.Select((index, k) => (index, new BatchResult(items[index], uris[k], null, ItemFailure(items[index], uris[k], ex)))).ToList();
        }

        if (!batch.IsSuccess)
        {
            GraphRequestException whole = GraphClient.ToException(HttpMethod.Post, "/v1.0/$batch", batch.Status, batch.Body, batch.Headers);
            return chunk.Select((index, k) => (index, new BatchResult(items[index], uris[k], null, whole))).ToList();
        }

        Dictionary<string, HttpResponseMessage> answers = await ReadAsync(batch).ConfigureAwait(false);
        var list = new List<(int, BatchResult)>();
        for (int k = 0; k < chunk.Length; k++)
        {
            BatchItem item = items[chunk[k]];
            GraphResponse answer = answers.TryGetValue(k.ToString(System.Globalization.CultureInfo.InvariantCulture), out HttpResponseMessage? m)
                ? await ToResponseAsync(m, ct).ConfigureAwait(false)
                : Missing();
            list.Add((chunk[k], new BatchResult(item, uris[k], answer, null)));
        }

        return list;
    }

    /// <summary>The batch body, written by Microsoft.Graph.Core (ids are the items' positions in the chunk).</summary>
    /// <remarks>
    /// BatchRequestContent is marked obsolete in favour of BatchRequestContentCollection, which can only be sent
    /// through a Kiota request adapter: one batch after another, outside the module's retry policy. One
    /// BatchRequestContent per batch lets the module send them concurrently through its own pipeline.
    /// </remarks>
#pragma warning disable CS0618 // BatchRequestContent: see the remarks.
    private static async Task<byte[]> WriteAsync(IReadOnlyList<BatchItem> items, int[] chunk, Uri[] uris, bool chain, CancellationToken ct)
    {
        var messages = new List<HttpRequestMessage>();
        try
        {
            using var content = new BatchRequestContent(s_adapter);
            for (int k = 0; k < chunk.Length; k++)
            {
                BatchItem item = items[chunk[k]];
                var message = new HttpRequestMessage(item.Method, uris[k]);
                if (item.Body is not null)
                {
                    message.Content = new StringContent(item.Body.ToJsonString(), Encoding.UTF8, "application/json");
                }

                messages.Add(message);
                List<string>? dependsOn = chain && k > 0 ? [(k - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)] : null;
                content.AddBatchRequestStep(new BatchRequestStep(k.ToString(System.Globalization.CultureInfo.InvariantCulture), message, dependsOn));
            }

            return await content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            messages.ForEach(m => m.Dispose());
        }
    }
#pragma warning restore CS0618

    /// <summary>The inner answers by id, read by Microsoft.Graph.Core.</summary>
    private static async Task<Dictionary<string, HttpResponseMessage>> ReadAsync(GraphResponse batch)
    {
        using var message = new HttpResponseMessage(batch.Status) { Content = new ByteArrayContent(batch.Raw) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var reader = new BatchResponseContent(message, null);
        return await reader.GetResponsesAsync().ConfigureAwait(false);
    }

    /// <summary>What an item gets when the batch's answer holds no response with its id (a 502, so it is not resent).</summary>
    private static GraphResponse Missing()
    {
        using var empty = new HttpResponseMessage();
        return new GraphResponse(HttpStatusCode.BadGateway, "{\"error\":{\"code\":\"MissingBatchResponse\",\"message\":\"The batch answer held no response for this request.\"}}"u8.ToArray(), empty.Headers);
    }

    private static async Task<GraphResponse> ToResponseAsync(HttpResponseMessage m, CancellationToken ct)
    {
        using (m)
        {
            byte[] raw = m.Content is null ? [] : await m.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            return new GraphResponse(m.StatusCode, raw, m.Headers);
        }
    }

    /// <summary>
    /// Whether an item is sent again: a transient answer (429, 503, 504), or a broken connection of a batch whose item
    /// a direct call would resend too (a GET; never a create that may have been applied).
    /// </summary>
    private static bool IsTransient(BatchResult r) =>
        r.Answer is { } a
            ? RetryPolicy.IsRetryableStatus(a.Status)
            : r.Failure is { ConnectionFailed: true } && RetryPolicy.IsSafeToResend(r.Item.Method, r.Uri);

    private static string Why(BatchResult r) =>
        r.Answer is { } a ? $"{(int)a.Status} {a.Status}" : "the connection broke";

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>A failure of the whole batch, told for one item: a broken connection stays one (a write may have been applied).</summary>
    private static GraphRequestException ItemFailure(BatchItem item, Uri uri, GraphRequestException batch) =>
        new($"{item.Method.Method} {uri.AbsolutePath} was sent in a JSON batch that failed: {batch.Message}", batch, item.Method.Method, uri.AbsolutePath)
        {
            ConnectionFailed = batch.ConnectionFailed,
            StatusCode = batch.StatusCode,
            Code = batch.Code,
        };

    /// <summary>The error once the retry budget is spent, worded as the direct call's.</summary>
    private static BatchResult GiveUp(GraphClient graph, BatchResult last, int attempt, TimeSpan waited)
    {
        GraphRequestException inner = last.Error();
        string path = last.Uri.AbsolutePath;
        var ex = new GraphRequestException(
            $"{last.Item.Method.Method} {path} still failed with {Why(last)} after {attempt} attempts and {waited.TotalSeconds:0.#} s of waiting " +
            $"(the retry budget is {graph.Retry.MaxTotalWait.TotalSeconds:0} s; raise it with Connect-ScimGraph -MaxRetryWait). Last answer: {inner.GraphMessage}",
            inner,
            last.Item.Method.Method,
            path)
        {
            StatusCode = inner.StatusCode,
            Code = inner.Code,
        };
        return new BatchResult(last.Item, last.Uri, null, ex);
    }
}
