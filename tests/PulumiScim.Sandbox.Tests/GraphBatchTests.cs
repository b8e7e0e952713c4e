// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary><c>POST /v1.0/$batch</c> as Graph's "Combine multiple HTTP requests using JSON batching" describes it.</summary>
public sealed class GraphBatchTests : GraphTestClient
{
    private static JsonObject Get(string id, string url, params string[] dependsOn)
    {
        var r = new JsonObject { ["id"] = id, ["method"] = "GET", ["url"] = url };
        if (dependsOn.Length > 0)
        {
            r["dependsOn"] = new JsonArray(dependsOn.Select(d => (JsonNode)d).ToArray());
        }

        return r;
    }

    private static JsonObject Batch(params JsonObject[] requests) => new() { ["requests"] = new JsonArray(requests) };

    private Task<GraphAnswer> BatchAsync(object body) => PostAsync("/v1.0/$batch", body);

    private static JsonObject Response(GraphAnswer batch, string id) =>
        batch.Body!["responses"]!.AsArray().OfType<JsonObject>().Single(r => string.Equals((string?)r["id"], id, StringComparison.OrdinalIgnoreCase));

    private static int Status(GraphAnswer batch, string id) => (int)Response(batch, id)["status"]!;

    [Fact]
    public async Task IndependentReads_EachAnswerCarriesItsIdStatusHeadersAndBody()
    {
        GraphAnswer a = await BatchAsync(Batch(
            Get("sp", $"/servicePrincipals/{SpId}?$select=id,displayName"),
            Get("users", "users?$select=id,displayName"),
            Get("nobody", "/users/00000000-0000-0000-0000-000000000001")));
        Assert.Equal(HttpStatusCode.OK, a.Status);
        Assert.Equal(3, a.Body!["responses"]!.AsArray().Count);
        Assert.Equal(SpId, (string?)Response(a, "sp")["body"]!["id"]);
        Assert.StartsWith("application/json", (string?)Response(a, "sp")["headers"]!["Content-Type"], StringComparison.Ordinal);
        Assert.NotEmpty(Response(a, "users")["body"]!["value"]!.AsArray());
        Assert.Equal(404, Status(a, "nobody"));
        Assert.Equal("Request_ResourceNotFound", (string?)Response(a, "nobody")["body"]!["error"]!["code"]);
    }

    [Fact]
    public async Task TwentyRequests_AreServed_TwentyOneAre400WithGraphsErrorBody()
    {
        JsonObject[] twenty = Enumerable.Range(1, 20).Select(i => Get(i.ToString(System.Globalization.CultureInfo.InvariantCulture), "/users")).ToArray();
        Assert.Equal(HttpStatusCode.OK, (await BatchAsync(Batch(twenty))).Status);
        GraphAnswer a = await BatchAsync(Batch([.. twenty.Select(r => (JsonObject)r.DeepClone()), Get("21", "/users")]));
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
        Assert.Equal("BadRequest", a.ErrorCode);
        Assert.Contains("20", a.ErrorMessage, StringComparison.Ordinal);
        Assert.NotNull(a.Body!["error"]!["innerError"]!["request-id"]);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("""{"requests":{}}""")]
    [InlineData("""{"requests":[]}""")]
    [InlineData("""{"requests":[{"id":"1","method":"GET"}]}""")]
    [InlineData("""{"requests":[{"id":"1","method":"GET","url":"https://graph.microsoft.com/v1.0/users"}]}""")]
    [InlineData("""{"requests":[{"id":"a","method":"GET","url":"/users"},{"id":"A","method":"GET","url":"/users"}]}""")]
    [InlineData("""{"requests":[{"id":"1","method":"POST","url":"/servicePrincipals/x/appRoleAssignedTo","body":{"a":1}}]}""")]
    [InlineData("""{"requests":[{"id":"1","method":"GET","url":"/users","dependsOn":["9"]}]}""")]
    [InlineData("""{"requests":[{"id":"1","method":"GET","url":"/users","dependsOn":["2"]},{"id":"2","method":"GET","url":"/users","dependsOn":["1"]}]}""")]
    [InlineData("""{"requests":[{"id":"1","method":"GET","url":"/$batch"}]}""")]
    [InlineData("""{"requests":[{"id":"1","method":"FETCH","url":"/users"}]}""")]
    public async Task MalformedBatch_Is400AndRunsNothing(string body)
    {
        await SendAsync(HttpMethod.Delete, "/_sandbox/requests");
        GraphAnswer a = await BatchAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
        Assert.Equal("BadRequest", a.ErrorCode);
        JsonArray log = (await GetAsync("/_sandbox/requests")).Body!.AsArray();
        Assert.DoesNotContain(log, e => (bool?)e!["inBatch"] == true);
    }

    [Fact]
    public async Task DependsOn_RunsInOrder_AndADependentOfAFailedRequestIs424()
    {
        var post = new JsonObject
        {
            ["id"] = "assign",
            ["method"] = "POST",
            ["url"] = $"/servicePrincipals/{SpId}/appRoleAssignedTo",
            ["headers"] = new JsonObject { ["Content-Type"] = "application/json" },
            ["body"] = new JsonObject { ["principalId"] = AdaId, ["resourceId"] = SpId, ["appRoleId"] = UserRoleId },
        };

        // The read depends on the write: it runs after it and sees the assignment.
        GraphAnswer a = await BatchAsync(Batch(post, Get("list", $"/servicePrincipals/{SpId}/appRoleAssignedTo", "assign")));
        Assert.Equal(201, Status(a, "assign"));
        Assert.Equal(200, Status(a, "list"));
        Assert.Equal(AdaId, (string?)Response(a, "list")["body"]!["value"]![0]!["principalId"]);

        // Every request after a failed one in a sequential batch is 424, not only the next one.
        GraphAnswer b = await BatchAsync(Batch(Get("missing", "/users/00000000-0000-0000-0000-000000000001"), Get("after", "/users", "missing"), Get("later", "/users", "after")));
        Assert.Equal(404, Status(b, "missing"));
        Assert.Equal(424, Status(b, "after"));
        Assert.Equal(424, Status(b, "later"));
        Assert.Equal("FailedDependency", (string?)Response(b, "after")["body"]!["error"]!["code"]);
    }

    [Theory]
    [InlineData("mixed: one dependent beside an independent request")]
    [InlineData("forward: the first request depends on the second")]
    [InlineData("same: two requests depend on the first")]
    [InlineData("two: the third depends on the first and the second")]
    public async Task DependsOn_ABatchNeitherFullySequentialNorFullyParallel_Is400AndRunsNothing(string shape)
    {
        JsonObject[] requests = shape.Split(':')[0] switch
        {
            "mixed" => [Get("1", "/users"), Get("2", "/users", "1"), Get("3", "/groups")],
            "forward" => [Get("1", "/users", "2"), Get("2", "/users")],
            "same" => [Get("1", "/users"), Get("2", "/users", "1"), Get("3", "/groups", "1")],
            _ => [Get("1", "/users"), Get("2", "/users", "1"), Get("3", "/groups", "1", "2")],
        };
        await SendAsync(HttpMethod.Delete, "/_sandbox/requests");
        GraphAnswer a = await BatchAsync(Batch(requests));
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
        Assert.Contains("fully sequential or fully parallel", a.ErrorMessage, StringComparison.Ordinal);
        JsonArray log = (await GetAsync("/_sandbox/requests")).Body!.AsArray();
        Assert.DoesNotContain(log, e => (bool?)e!["inBatch"] == true);
    }

    [Fact]
    public async Task Responses_AreNotInRequestOrder_ClientsCorrelateById()
    {
        GraphAnswer a = await BatchAsync(Batch(Get("1", "/users"), Get("2", "/groups"), Get("3", $"/servicePrincipals/{SpId}")));
        string[] order = a.Body!["responses"]!.AsArray().Select(r => (string)r!["id"]!).ToArray();
        Assert.Equal(["1", "2", "3"], order.Order().ToArray());
        Assert.NotEqual(["1", "2", "3"], order);
    }

    [Fact]
    public async Task InnerRequests_AreCheckedWithTheOuterToken_AndTheBatchNeedsAValidToken()
    {
        string token = (string)(await PostAsync("/_sandbox/tokens", new { roles = new[] { "User.Read.All" } })).Body!["token"]!;
        using var req = new HttpRequestMessage(HttpMethod.Post, "/v1.0/$batch");
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        JsonObject sp = Get("sp", $"/servicePrincipals/{SpId}");
        sp["headers"] = new JsonObject { ["Authorization"] = "Bearer " + Sandbox.AccessToken };
        req.Content = new StringContent(Batch(Get("users", "/users"), sp).ToJsonString(), Encoding.UTF8, "application/json");
        using HttpResponseMessage resp = await Http.SendAsync(req);
        var a = new GraphAnswer(resp.StatusCode, JsonNode.Parse(await resp.Content.ReadAsStringAsync()), resp.Headers, string.Empty);
        Assert.Equal(HttpStatusCode.OK, a.Status);
        Assert.Equal(200, Status(a, "users"));
        Assert.Equal(403, Status(a, "sp"));
        Assert.Equal("Authorization_RequestDenied", (string?)Response(a, "sp")["body"]!["error"]!["code"]);

        using var anonymous = new HttpRequestMessage(HttpMethod.Post, "/v1.0/$batch") { Content = new StringContent(Batch(Get("users", "/users")).ToJsonString(), Encoding.UTF8, "application/json") };
        anonymous.Headers.Authorization = null;
        using var bare = new HttpClient { BaseAddress = Sandbox.GraphUri };
        using HttpResponseMessage unauthorized = await bare.SendAsync(anonymous);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }

    [Fact]
    public async Task ThrottledInnerRequest_Is429WithItsOwnRetryAfter_OthersSucceed()
    {
        await PostAsync("/_sandbox/faults", new { ratio = 1.0, kinds = new[] { "429" }, retryAfterSeconds = 2.5, seed = 1, paths = "^/v1.0/groups" });
        GraphAnswer a = await BatchAsync(Batch(Get("users", "/users"), Get("groups", "/groups")));
        Assert.Equal(HttpStatusCode.OK, a.Status);
        Assert.Equal(200, Status(a, "users"));
        Assert.Equal(429, Status(a, "groups"));
        Assert.Equal("2.5", (string?)Response(a, "groups")["headers"]!["Retry-After"]);
        Assert.Equal("TooManyRequests", (string?)Response(a, "groups")["body"]!["error"]!["code"]);
    }

    [Fact]
    public async Task FaultedInnerWrite_DoesNotTakeEffect_AndAResetAnswersAsAGatewayTimeout()
    {
        await PostAsync("/_sandbox/faults", new { ratio = 1.0, kinds = new[] { "reset" }, seed = 1, paths = "appRoleAssignedTo" });
        var post = new JsonObject
        {
            ["id"] = "1",
            ["method"] = "POST",
            ["url"] = $"/servicePrincipals/{SpId}/appRoleAssignedTo",
            ["headers"] = new JsonObject { ["Content-Type"] = "application/json" },
            ["body"] = new JsonObject { ["principalId"] = AdaId, ["resourceId"] = SpId, ["appRoleId"] = UserRoleId },
        };
        GraphAnswer a = await BatchAsync(Batch(post));
        Assert.Equal(504, Status(a, "1"));
        await PostAsync("/_sandbox/faults", new { ratio = 0 });
        Assert.Empty((await GetAsync($"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo")).Body!["value"]!.AsArray());
    }

    [Fact]
    public async Task InnerRequests_AreLoggedLikeDirectOnes_MarkedInBatch()
    {
        await SendAsync(HttpMethod.Delete, "/_sandbox/requests");
        await BatchAsync(Batch(Get("1", "/users?$top=2"), Get("2", $"/servicePrincipals/{SpId}")));
        JsonArray log = (await GetAsync("/_sandbox/requests")).Body!.AsArray();
        Assert.Contains(log, e => (string?)e!["path"] == "/v1.0/$batch" && (int)e["status"]! == 200 && e["inBatch"] is null);
        Assert.Contains(log, e => (string?)e!["path"] == "/v1.0/users" && (string?)e["query"] == "?$top=2" && (bool?)e["inBatch"] == true);
        Assert.Contains(log, e => (string?)e!["path"] == $"/v1.0/servicePrincipals/{SpId}" && (bool?)e["inBatch"] == true);
    }

    [Fact]
    public async Task InnerReads_SeeReplicationLikeDirectOnes()
    {
        JsonObject seed = GraphSeeds.Default();
        seed["options"]!["replicationDelayMs"] = 600000;
        using var slow = new GraphTestClient(seed.ToJsonString());
        string job = (string)(await slow.PostAsync(SyncPath("/jobs"), new { templateId = "scim" })).Body!["id"]!;
        GraphAnswer a = await slow.PostAsync("/v1.0/$batch", Batch(Get("job", $"/servicePrincipals/{SpId}/synchronization/jobs/{job}")));
        Assert.Equal(404, Status(a, "job"));
    }
}
