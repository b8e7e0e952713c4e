// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Security;
using System.Text;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Session;

namespace PulumiScim.Tests.Graph;

/// <summary>
/// A create whose connection breaks: the sandbox's faults strike before its handler runs (the write is never applied),
/// so the case "applied, but the answer was lost" is scripted here.
/// </summary>
public sealed class CreateOnceTests
{
    private sealed class Handler(Func<HttpRequestMessage, int, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<string> Sent { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent.Add(request.Method.Method);
            int posts = Sent.Count(m => m == "POST");
            return Task.FromResult(answer(request, posts));
        }
    }


    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static GraphClient Client(Handler handler, double maxWaitSeconds = 5) =>
        new(new Uri("https://graph.example.test"), TestTokens.Tokens(), new RetryPolicy(TimeSpan.FromSeconds(maxWaitSeconds), TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5)), handler);

    private static Task<JsonNode?> Create(GraphClient graph, Func<GraphRequestException, bool>? isDuplicate = null) =>
        CreateOnce.PostAsync(
            graph,
            "servicePrincipals/sp/appRoleAssignedTo",
            new JsonObject { ["principalId"] = "p1" },
            "the assignment",
            async ct => (await graph.GetAsync("servicePrincipals/sp/appRoleAssignedTo", ct))?["value"]?.AsArray().OfType<JsonObject>().FirstOrDefault(a => (string?)a["principalId"] == "p1"),
            isDuplicate ?? (ex => ex.StatusCode == HttpStatusCode.BadRequest),
            CancellationToken.None);

    [Fact]
    public async Task AppliedButTheAnswerWasLost_ReadsItBackAndDoesNotResend()
    {
        bool applied = false;
        using var handler = new Handler((req, posts) =>
        {
            if (req.Method == HttpMethod.Post)
            {
                applied = true;
                throw new HttpRequestException("the connection was reset after the server applied the request");
            }

            return Json(HttpStatusCode.OK, applied ? "{\"value\":[{\"id\":\"a1\",\"principalId\":\"p1\"}]}" : "{\"value\":[]}");
        });
        using GraphClient graph = Client(handler);
        JsonNode? result = await Create(graph);
        Assert.Equal("a1", (string?)result!["id"]);
        Assert.Equal(new[] { "POST", "GET" }, handler.Sent);
    }

    [Fact]
    public async Task NotApplied_ResendsOnce()
    {
        using var handler = new Handler((req, posts) => req.Method == HttpMethod.Post
            ? posts == 1 ? throw new HttpRequestException("reset before the server read the request") : Json(HttpStatusCode.Created, "{\"id\":\"a2\",\"principalId\":\"p1\"}")
            : Json(HttpStatusCode.OK, "{\"value\":[]}"));
        using GraphClient graph = Client(handler);
        JsonNode? result = await Create(graph);
        Assert.Equal("a2", (string?)result!["id"]);
        Assert.Equal(new[] { "POST", "GET", "POST" }, handler.Sent);
    }

    [Fact]
    public async Task AppliedButNotYetVisible_TheResendsDuplicateErrorWaitsForIt()
    {
        int gets = 0;
        using var handler = new Handler((req, posts) =>
        {
            if (req.Method == HttpMethod.Post)
            {
                return posts == 1
                    ? throw new HttpRequestException("reset")
                    : Json(HttpStatusCode.BadRequest, "{\"error\":{\"code\":\"Request_BadRequest\",\"message\":\"Permission being assigned already exists on the object.\"}}");
            }

            // Replication: the assignment shows only on the third read.
            return Json(HttpStatusCode.OK, ++gets >= 3 ? "{\"value\":[{\"id\":\"a3\",\"principalId\":\"p1\"}]}" : "{\"value\":[]}");
        });
        using GraphClient graph = Client(handler);
        JsonNode? result = await Create(graph);
        Assert.Equal("a3", (string?)result!["id"]);
        Assert.Equal(2, handler.Sent.Count(m => m == "POST"));
    }

    [Fact]
    public async Task AFirstAttemptsErrorIsNotMistakenForADuplicate()
    {
        using var handler = new Handler((req, _) => req.Method == HttpMethod.Post
            ? Json(HttpStatusCode.BadRequest, "{\"error\":{\"code\":\"Request_BadRequest\",\"message\":\"Permission being assigned already exists on the object.\"}}")
            : Json(HttpStatusCode.OK, "{\"value\":[]}"));
        using GraphClient graph = Client(handler);
        var ex = await Assert.ThrowsAsync<GraphRequestException>(() => Create(graph));
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal(new[] { "POST" }, handler.Sent);
    }

    [Fact]
    public async Task GivesUpWithinTheBudgetAndSaysNothingWasCreated()
    {
        using var handler = new Handler((req, _) => req.Method == HttpMethod.Post ? throw new HttpRequestException("reset") : Json(HttpStatusCode.OK, "{\"value\":[]}"));
        using GraphClient graph = Client(handler, maxWaitSeconds: 0.02);
        var ex = await Assert.ThrowsAsync<GraphRequestException>(() => Create(graph));
        Assert.Contains("nothing was created", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-MaxRetryWait", ex.Message, StringComparison.Ordinal);
        Assert.True(handler.Sent.Count(m => m == "POST") >= 2);
    }
}
