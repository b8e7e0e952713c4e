// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Security;
using System.Text;
using PulumiScim.Graph;
using PulumiScim.Session;

namespace PulumiScim.Tests.Graph;

public sealed class GraphClientTests
{
    /// <summary>Answers from a script of responses and records what it was sent.</summary>
    private sealed class ScriptedHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] script) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Sent { get; } = [];

        public List<string?> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent.Add(request);
            Bodies.Add(request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken));
            return script[Math.Min(Sent.Count - 1, script.Length - 1)](request);
        }
    }


    private static HttpResponseMessage Json(HttpStatusCode status, string json, string? retryAfter = null)
    {
        var r = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (retryAfter is not null)
        {
            r.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        }

        return r;
    }

    private static GraphClient Client(ScriptedHandler handler, double maxWaitSeconds = 5) =>
        new(new Uri("https://graph.example.test"), TestTokens.Tokens(), new RetryPolicy(TimeSpan.FromSeconds(maxWaitSeconds), TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5)), handler);

    [Fact]
    public async Task WaitsOutA429WithFractionalRetryAfterThenSucceeds()
    {
        using var handler = new ScriptedHandler(
            _ => Json(HttpStatusCode.TooManyRequests, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"slow down\"}}", "0.05"),
            _ => Json(HttpStatusCode.OK, "{\"value\":[]}"));
        using GraphClient graph = Client(handler);
        var sink = new GraphEventSink();
        using (GraphEvents.Use(sink))
        {
            var body = await graph.GetAsync("servicePrincipals", CancellationToken.None);
            Assert.NotNull(body!["value"]);
        }

        Assert.Equal(2, handler.Sent.Count);
        var messages = new List<string>();
        while (sink.TryDequeue(out var e))
        {
            messages.Add(e!.Message);
        }

        Assert.Contains(messages, m => m.Contains("429", StringComparison.Ordinal) && m.Contains("Retry-After", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendsTheBearerTokenOnlyToItsOwnHost()
    {
        using var handler = new ScriptedHandler(_ => Json(HttpStatusCode.OK, "{}"));
        using GraphClient graph = Client(handler);
        await graph.GetAsync("servicePrincipals", CancellationToken.None);
        Assert.Equal("Bearer tok", handler.Sent[0].Headers.Authorization?.ToString());
        await Assert.ThrowsAsync<InvalidOperationException>(() => graph.GetAsync("https://evil.example.test/v1.0/x", CancellationToken.None));
        Assert.Single(handler.Sent);
    }

    [Fact]
    public async Task GivesUpWhenTheBudgetIsSpentAndSaysWhat()
    {
        using var handler = new ScriptedHandler(_ => Json(HttpStatusCode.ServiceUnavailable, "{\"error\":{\"code\":\"serviceNotAvailable\",\"message\":\"down\"}}", "1"));
        using GraphClient graph = Client(handler, maxWaitSeconds: 2.5);
        var ex = await Assert.ThrowsAsync<GraphRequestException>(() => graph.GetAsync("servicePrincipals", CancellationToken.None));
        Assert.Equal(3, handler.Sent.Count);
        Assert.Contains("503", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-MaxRetryWait", ex.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode); // so the ErrorRecord's category follows the last answer
        Assert.Equal("serviceNotAvailable", ex.Code);
    }

    [Fact]
    public async Task DoesNotResendAPostAfterABrokenConnection()
    {
        using var handler = new ScriptedHandler(_ => throw new HttpRequestException("reset"));
        using GraphClient graph = Client(handler);
        var ex = await Assert.ThrowsAsync<GraphRequestException>(() => graph.SendCheckedAsync(HttpMethod.Post, "x", new System.Text.Json.Nodes.JsonObject(), CancellationToken.None));
        Assert.Single(handler.Sent);
        Assert.Contains("not retried", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResendsAReadOnlyOrIdempotentPostActionAfterABrokenConnection()
    {
        int n = 0;
        using var handler = new ScriptedHandler(_ => ++n == 1 ? throw new HttpRequestException("reset") : new HttpResponseMessage(HttpStatusCode.NoContent));
        using GraphClient graph = Client(handler);
        GraphResponse r = await graph.SendAsync(HttpMethod.Post, "servicePrincipals/1/synchronization/jobs/j/start", null, CancellationToken.None);
        Assert.Equal(HttpStatusCode.NoContent, r.Status);
        Assert.Equal(2, handler.Sent.Count);
    }

    [Fact]
    public async Task FailsAtOnceWhenTheHostRefusesTheConnection()
    {
        using var handler = new ScriptedHandler(_ => throw new HttpRequestException("Connection refused", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)));
        using GraphClient graph = Client(handler);
        var ex = await Assert.ThrowsAsync<GraphRequestException>(() => graph.GetAsync("x", CancellationToken.None));
        Assert.Single(handler.Sent);
        Assert.Contains("Could not connect", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Start-ScimSandbox", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResendsAGetThatTimedOut()
    {
        int n = 0;
        using var handler = new ScriptedHandler(_ => ++n == 1 ? throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout.", new TimeoutException()) : Json(HttpStatusCode.OK, "{}"));
        using GraphClient graph = Client(handler);
        await graph.GetAsync("x", CancellationToken.None);
        Assert.Equal(2, handler.Sent.Count);
    }

    [Fact]
    public async Task ResendsAGetAfterABrokenConnection()
    {
        int n = 0;
        using var handler = new ScriptedHandler(_ => ++n == 1 ? throw new HttpRequestException("reset") : Json(HttpStatusCode.OK, "{}"));
        using GraphClient graph = Client(handler);
        await graph.GetAsync("x", CancellationToken.None);
        Assert.Equal(2, handler.Sent.Count);
    }

    [Fact]
    public async Task TurnsGraphErrorBodiesIntoExceptions()
    {
        using var handler = new ScriptedHandler(_ => Json(HttpStatusCode.NotFound, "{\"error\":{\"code\":\"Request_ResourceNotFound\",\"message\":\"gone\",\"innerError\":{\"request-id\":\"r1\"}}}"));
        using GraphClient graph = Client(handler);
        var ex = await Assert.ThrowsAsync<GraphRequestException>(() => graph.GetAsync("servicePrincipals/1", CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("Request_ResourceNotFound", ex.Code);
        Assert.Equal("r1", ex.RequestId);
    }

    [Fact]
    public async Task StopsWaitingWhenCancelled()
    {
        using var handler = new ScriptedHandler(_ => Json(HttpStatusCode.TooManyRequests, "{}", "30"));
        using GraphClient graph = new(new Uri("https://graph.example.test"), TestTokens.Tokens(), new RetryPolicy(TimeSpan.FromMinutes(5)), handler);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => graph.GetAsync("x", cts.Token));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5));
    }
}
