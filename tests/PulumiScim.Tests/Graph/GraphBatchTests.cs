// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using System.Security;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Sandbox;
using PulumiScim.Session;

namespace PulumiScim.Tests.Graph;

/// <summary>The Graph door's JSON batching against the sandbox's <c>POST /v1.0/$batch</c>.</summary>
public sealed class GraphBatchTests : IDisposable
{
    private const string SpId = "59e94b18-3fb9-5227-b0d0-07d59b9acc4e";
    private readonly SandboxServer _sandbox = SandboxServer.Start();
    private readonly HttpClient _control;
    private readonly GraphClient _graph;

    public GraphBatchTests()
    {
        _control = new HttpClient { BaseAddress = _sandbox.GraphUri };
        _graph = new GraphClient(_sandbox.GraphUri, Tokens(), new RetryPolicy(TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50)));
    }

    private async Task<JsonArray> LogAsync() => (await _control.GetFromJsonAsync<JsonArray>("/_sandbox/requests"))!;

    private static bool IsBatch(JsonNode? e) => (string?)e!["path"] == "/v1.0/$batch";

    private static bool IsDirect(JsonNode? e) => (bool?)e!["inBatch"] != true && (bool?)e!["roundTrip"] != false;

    [Fact]
    public async Task FortyFiveReads_GoInThreeBatches_AnswersInItemOrder()
    {
        var items = Enumerable.Range(0, 45).Select(i => BatchItem.Get(i % 2 == 0 ? $"servicePrincipals/{SpId}?$select=id" : "users/00000000-0000-0000-0000-000000000001")).ToList();
        BatchResult[] results = await GraphBatch.SendAsync(_graph, items, CancellationToken.None);
        Assert.Equal(45, results.Length);
        for (int i = 0; i < 45; i++)
        {
            Assert.Same(items[i], results[i].Item);
            if (i % 2 == 0)
            {
                Assert.Equal(SpId, (string?)results[i].Checked()!["id"]);
            }
            else
            {
                Assert.Null(results[i].OrNull());
            }
        }

        JsonArray log = await LogAsync();
        Assert.Equal(3, log.Count(e => IsBatch(e) && IsDirect(e)));
        Assert.Equal(45, log.Count(e => !IsDirect(e)));
    }

    [Fact]
    public async Task ThrottledInnerRequests_AreSentAgainAfterRetryAfter_OthersOnce()
    {
        await _control.PostAsJsonAsync("/_sandbox/faults", new { ratio = 0.5, kinds = new[] { "429", "503" }, retryAfterSeconds = 0.05, seed = 3, paths = "^/v1.0/users" });
        var items = Enumerable.Range(0, 10).Select(i => BatchItem.Get(i < 5 ? "users?$top=1" : $"servicePrincipals/{SpId}?$select=id")).ToList();
        BatchResult[] results = await GraphBatch.SendAsync(_graph, items, CancellationToken.None);
        Assert.All(results, r => Assert.NotNull(r.Checked()));
        JsonArray log = await LogAsync();
        Assert.Equal(5, log.Count(e => !IsDirect(e) && ((string?)e!["path"])!.StartsWith("/v1.0/servicePrincipals", StringComparison.Ordinal)));
        Assert.Contains(log, e => !IsDirect(e) && (int)e!["status"]! is 429 or 503);
        Assert.True(log.Count(e => IsBatch(e)) >= 2);
    }

    [Fact]
    public async Task AnInnerFailure_IsReportedForItsOwnRequest_AsTheDirectCallWould()
    {
        await _control.PostAsJsonAsync("/_sandbox/faults", new { ratio = 1.0, kinds = new[] { "503" }, retryAfterSeconds = 0.2, seed = 1, paths = "^/v1.0/groups/" });
        var items = new List<BatchItem> { BatchItem.Get("users?$top=1"), BatchItem.Get("groups/25168b6f-bdfb-5fcd-b211-0982b8e6b202"), BatchItem.Get("users/00000000-0000-0000-0000-000000000001") };
        var quick = new GraphClient(_sandbox.GraphUri, Tokens(), new RetryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50)));
        using (quick)
        {
            BatchResult[] results = await GraphBatch.SendAsync(quick, items, CancellationToken.None);
            Assert.NotNull(results[0].Checked());
            GraphRequestException group = Assert.Throws<GraphRequestException>(() => results[1].Checked());
            Assert.Equal("/v1.0/groups/25168b6f-bdfb-5fcd-b211-0982b8e6b202", group.Path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, group.StatusCode);
            Assert.Contains("still failed", group.Message, StringComparison.Ordinal);
            GraphRequestException user = Assert.Throws<GraphRequestException>(() => results[2].Checked());
            Assert.Equal("/v1.0/users/00000000-0000-0000-0000-000000000001", user.Path);
            Assert.Equal("Request_ResourceNotFound", user.Code);
        }
    }

    [Fact]
    public async Task Writes_CarryTheirBodies()
    {
        const string adaId = "bc0958cf-3a83-5957-b570-e0833948591c";
        const string platformTeamId = "25168b6f-bdfb-5fcd-b211-0982b8e6b202";
        var items = new[] { adaId, platformTeamId }.Select(p => new BatchItem(HttpMethod.Post, $"servicePrincipals/{SpId}/appRoleAssignedTo", new JsonObject
        {
            ["principalId"] = p,
            ["resourceId"] = SpId,
            ["appRoleId"] = "18d14569-c3bd-439b-9a66-3a2aee01d14f",
        })).ToList();
        BatchResult[] results = await GraphBatch.SendAsync(_graph, items, CancellationToken.None);
        Assert.Equal(adaId, (string?)results[0].Checked()!["principalId"]);
        Assert.Equal(platformTeamId, (string?)results[1].Checked()!["principalId"]);
        Assert.Equal(HttpStatusCode.Created, results[0].Answer!.Status);
    }

    [Fact]
    public async Task Chain_TheReadRunsAfterTheWriteInOneBatch_AndSeesIt()
    {
        const string adaId = "bc0958cf-3a83-5957-b570-e0833948591c";
        var items = new List<BatchItem>
        {
            new(HttpMethod.Post, $"servicePrincipals/{SpId}/appRoleAssignedTo", new JsonObject { ["principalId"] = adaId, ["resourceId"] = SpId, ["appRoleId"] = "18d14569-c3bd-439b-9a66-3a2aee01d14f" }),
            BatchItem.Get($"servicePrincipals/{SpId}/appRoleAssignedTo"),
        };
        BatchResult[] results = await GraphBatch.SendChainAsync(_graph, items, CancellationToken.None);
        Assert.Equal(HttpStatusCode.Created, results[0].Answer!.Status);
        Assert.Contains(results[1].Checked()!["value"]!.AsArray(), a => (string?)a!["principalId"] == adaId);
        Assert.Equal(1, (await LogAsync()).Count(e => IsBatch(e) && IsDirect(e)));
    }

    [Fact]
    public async Task Chain_AFailedLinkIsReportedForItsOwnRequest_AndTheRestAre424WithoutRunning()
    {
        // Every GET of a group answers 503: it is sent again (with the rest of the chain, never the link before it)
        // until the budget is spent; the request after it never runs.
        await _control.PostAsJsonAsync("/_sandbox/faults", new { ratio = 1.0, kinds = new[] { "503" }, retryAfterSeconds = 0.2, seed = 1, paths = "^/v1.0/groups/" });
        var items = new List<BatchItem> { BatchItem.Get("users?$top=1"), BatchItem.Get("groups/25168b6f-bdfb-5fcd-b211-0982b8e6b202"), BatchItem.Get($"servicePrincipals/{SpId}") };
        using var quick = new GraphClient(_sandbox.GraphUri, Tokens(), new RetryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50)));
        BatchResult[] results = await GraphBatch.SendChainAsync(quick, items, CancellationToken.None);
        Assert.NotNull(results[0].Checked());
        GraphRequestException group = Assert.Throws<GraphRequestException>(() => results[1].Checked());
        Assert.Equal("/v1.0/groups/25168b6f-bdfb-5fcd-b211-0982b8e6b202", group.Path);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, group.StatusCode);
        GraphRequestException after = Assert.Throws<GraphRequestException>(() => results[2].Checked());
        Assert.Equal($"/v1.0/servicePrincipals/{SpId}", after.Path);
        Assert.Equal((HttpStatusCode)424, after.StatusCode);

        JsonArray log = await LogAsync();
        Assert.Equal(1, log.Count(e => !IsDirect(e) && (string?)e!["path"] == "/v1.0/users"));
        Assert.True(log.Count(e => !IsDirect(e) && ((string?)e!["path"])!.StartsWith("/v1.0/groups/", StringComparison.Ordinal)) >= 2);
        Assert.DoesNotContain(log, e => !IsDirect(e) && ((string?)e!["path"])!.StartsWith("/v1.0/servicePrincipals", StringComparison.Ordinal));
    }

    /// <summary>A token source over a copy of the sandbox's token; the SecureString it was made from is disposed here.</summary>
    private SecureStringTokenSource Tokens()
    {
        using var token = new SecureString();
        foreach (char c in _sandbox.AccessToken)
        {
            token.AppendChar(c);
        }

        return new SecureStringTokenSource(token);
    }

    public void Dispose()
    {
        _graph.Dispose();
        _control.Dispose();
        _sandbox.Dispose();
    }
}
