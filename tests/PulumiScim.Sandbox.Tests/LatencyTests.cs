// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Http;

namespace PulumiScim.Sandbox.Tests;

/// <summary>The latency model (options.latencyMs) and the request log's timing, asserted from the log's own clock.</summary>
public sealed class LatencyTests : GraphTestClient
{
    public LatencyTests()
        : base(SeedWithLatency(200))
    {
    }

    [Fact]
    public async Task ARequest_IsDelayedServerSide_ByTheSeedsLatency()
    {
        await SendAsync(HttpMethod.Delete, "/_sandbox/requests");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/v1.0/users?$top=1")).Status);

        JsonObject entry = (await LogAsync()).Single();
        Assert.True((double)entry["endMs"]! - (double)entry["startMs"]! >= 200, entry.ToJsonString());
        Assert.True((double)entry["durationMs"]! >= 200, entry.ToJsonString());
        Assert.True((bool)entry["roundTrip"]!);
    }

    [Fact]
    public async Task ConcurrentRequests_Overlap_AndCountAsOneRoundTrip()
    {
        await SendAsync(HttpMethod.Delete, "/_sandbox/requests");
        GraphAnswer[] answers = await Task.WhenAll(GetAsync("/v1.0/users?$top=1"), GetAsync("/v1.0/groups?$top=1"));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));

        var log = await LogAsync();
        Assert.Equal(2, log.Count);
        double s1 = (double)log[0]["startMs"]!, e1 = (double)log[0]["endMs"]!;
        double s2 = (double)log[1]["startMs"]!, e2 = (double)log[1]["endMs"]!;
        Assert.True(s1 < e2 && s2 < e1, $"the two requests overlap: [{s1}, {e1}] and [{s2}, {e2}]");

        JsonNode summary = (await GetAsync("/_sandbox/requests/summary")).Body!;
        Assert.Equal(2, (int)summary["requests"]!);
        Assert.Equal(1, (int)summary["criticalPath"]!);
    }

    [Fact]
    public async Task SequentialRequests_EachWaitForThePrevious_OnTheCriticalPath()
    {
        await SendAsync(HttpMethod.Delete, "/_sandbox/requests");
        await GetAsync("/v1.0/users?$top=1");
        await GetAsync("/v1.0/groups?$top=1");
        await GetAsync("/_sandbox/state");

        var log = await LogAsync();
        Assert.Equal(2, log.Count);
        Assert.True((double)log[1]["startMs"]! >= (double)log[0]["endMs"]!);
        Assert.Equal(2, (int)(await GetAsync("/_sandbox/requests/summary")).Body!["criticalPath"]!);
    }

    [Fact]
    public async Task LatencyChangesAtRuntime_AndControlEndpointsAreNotDelayed()
    {
        GraphAnswer set = await SendAsync(HttpMethod.Patch, "/_sandbox/options", new { latencyMs = 0 });
        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal(0, Sandbox.LatencyMs);
        await SendAsync(HttpMethod.Delete, "/_sandbox/requests");
        await GetAsync("/v1.0/users?$top=1");
        Assert.True((double)(await LogAsync()).Single()["durationMs"]! < 200);

        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Patch, "/_sandbox/options", new { latencyMs = -1 })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Patch, "/_sandbox/options", new { pageSize = 5 })).Status);
        Assert.Equal(0, (int)(await GetAsync("/_sandbox/state")).Body!["options"]!["latencyMs"]!);
    }

    [Fact]
    public async Task TheSandboxsOwnScimCalls_AreDelayed_ButNoClientRoundTrip()
    {
        SandboxOrganization acme = Sandbox.Organizations.Single(o => o.Name == "acme");
        await SendAsync(HttpMethod.Delete, "/_sandbox/requests");
        GraphAnswer a = await PostAsync(SyncPath("/jobs/validateCredentials"), new
        {
            templateId = "scim",
            useSavedCredentials = false,
            applicationIdentifier = AppId,
            credentials = new[] { new { key = "BaseAddress", value = acme.ScimBaseUri.ToString() }, new { key = "SecretToken", value = acme.Token } },
        });
        Assert.Equal(HttpStatusCode.NoContent, a.Status);

        var log = await LogAsync();
        var scim = log.Where(e => ((string)e["path"]!).StartsWith("/pulumi/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(scim);
        Assert.All(scim, e => Assert.False((bool)e["roundTrip"]!));
        Assert.All(scim, e => Assert.True((double)e["durationMs"]! >= 200, e.ToJsonString()));
        JsonObject outer = log.Single(e => ((string)e["path"]!).EndsWith("/validateCredentials", StringComparison.Ordinal));
        Assert.True((double)outer["durationMs"]! >= 200 * (scim.Count + 1), "the outer call waits for its own latency and each SCIM call's");
        JsonNode summary = (await GetAsync("/_sandbox/requests/summary")).Body!;
        Assert.Equal(1, (int)summary["roundTrips"]!);
        Assert.Equal(1, (int)summary["criticalPath"]!);
    }

    [Fact]
    public void CriticalPath_IsTheLongestChainOfRequestsThatEachWaitedForThePrevious()
    {
        Assert.Equal(0, RequestLog.CriticalPath([]));
        // Two overlapping requests, then one after both, then two more in parallel: 3 round trips.
        Assert.Equal(3, RequestLog.CriticalPath([(0, 100), (5, 105), (110, 210), (215, 315), (216, 316)]));
        // A long request beside a chain of three short ones: the chain is the critical path.
        Assert.Equal(3, RequestLog.CriticalPath([(0, 300), (0, 90), (100, 190), (200, 290)]));
    }

    [Fact]
    public void ANegativeLatency_IsRefusedInTheSeed()
    {
        var ex = Assert.Throws<InvalidDataException>(() => SandboxServer.Start(SeedWithLatency(-5)));
        Assert.Contains("options.latencyMs", ex.Message, StringComparison.Ordinal);
    }

    private static string SeedWithLatency(int latencyMs)
    {
        JsonObject seed = GraphSeeds.Default();
        seed["options"] = new JsonObject { ["latencyMs"] = latencyMs };
        return seed.ToJsonString();
    }

    private async Task<List<JsonObject>> LogAsync() =>
        (await GetAsync("/_sandbox/requests")).Body!.AsArray().Select(e => e!.AsObject()).ToList();
}
