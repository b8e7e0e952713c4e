// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary>The control endpoints, the request log, start-up cost and sandbox isolation.</summary>
public sealed class GraphControlTests : GraphTestClient
{
    [Fact]
    public async Task StateExport_IsASeedThatRoundTrips()
    {
        string job = await CreateJobAsync();
        await SendAsync(HttpMethod.Put, SyncPath("/secrets"), """{"value":[{"key":"BaseAddress","value":"https://api.pulumi.com/scim/v2/acme"},{"key":"SecretToken","value":"tok"},{"key":"SyncAll","value":"false"}]}""");
        await PostAsync($"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo", new { principalId = AdaId, resourceId = SpId, appRoleId = UserRoleId });
        await PostAsync(SyncPath($"/jobs/{job}/start"), "");

        GraphAnswer state = await GetAsync("/_sandbox/state");
        Assert.Equal(HttpStatusCode.OK, state.Status);
        JsonNode app = state.Body!["applications"]![0]!;
        Assert.Equal("scim", (string?)app["synchronization"]!["jobs"]![0]!["templateId"]);
        Assert.NotNull(app["synchronization"]!["jobs"]![0]!["schema"]!["synchronizationRules"]);
        Assert.Equal("tok", (string?)app["synchronization"]!["secrets"]![1]!["value"]);
        Assert.Single(app["assignments"]!.AsArray());

        using var copy = new GraphTestClient(state.Text);
        GraphAnswer again = await copy.GetAsync("/_sandbox/state");
        Assert.True(JsonNode.DeepEquals(state.Body, again.Body), "a re-seeded sandbox exports the same state");
        GraphAnswer copiedJob = await copy.GetAsync(SyncPath("/jobs/" + job));
        Assert.Equal("Active", (string?)copiedJob.Body!["schedule"]!["state"]);
        Assert.Equal("NotRun", (string?)copiedJob.Body["status"]!["code"]);
    }

    [Fact]
    public async Task PostState_ReplacesTheWholeState()
    {
        await CreateJobAsync();
        JsonObject seed = GraphSeeds.Default();
        string removed = (string)seed["users"]![0]!["id"]!;
        seed["users"]!.AsArray().RemoveAt(0);
        foreach (JsonNode? group in seed["groups"]!.AsArray())
        {
            // The seed is checked for dangling references: the removed user leaves the groups too.
            if (group?["members"] is not JsonArray members)
            {
                continue;
            }

            foreach (JsonNode? member in members.Where(m => (string?)m == removed).ToList())
            {
                members.Remove(member);
            }
        }

        GraphAnswer post = await PostAsync("/_sandbox/state", seed.ToJsonString());
        Assert.Equal(HttpStatusCode.NoContent, post.Status);
        Assert.Empty((await GetAsync(SyncPath("/jobs"))).Body!["value"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/v1.0/users/" + AdaId)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("/_sandbox/state", "{ nope")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("/_sandbox/state", "{}")).Status);
    }

    [Fact]
    public async Task PatchUser_MergesProperties()
    {
        GraphAnswer patched = await SendAsync(HttpMethod.Patch, "/_sandbox/users/" + AdaId, new { surname = "King", jobTitle = (string?)null });
        Assert.Equal(HttpStatusCode.OK, patched.Status);
        GraphAnswer user = await GetAsync($"/v1.0/users/{AdaId}?$select=surname,jobTitle,givenName");
        Assert.Equal("King", (string?)user.Body!["surname"]);
        Assert.Null(user.Body["jobTitle"]);
        Assert.Equal("Ada", (string?)user.Body["givenName"]);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Patch, "/_sandbox/users/" + Guid.NewGuid(), new { surname = "x" })).Status);
    }

    [Fact]
    public async Task RequestLog_RecordsGraphCalls_ButNoBodiesOrTokens()
    {
        await SendAsync(HttpMethod.Delete, "/_sandbox/requests");
        await GetAsync("/v1.0/users?$top=2");
        await SendAsync(HttpMethod.Put, SyncPath("/secrets"), """{"value":[{"key":"SecretToken","value":"very-secret-token-123"}]}""");
        GraphAnswer log = await GetAsync("/_sandbox/requests");
        var entries = log.Body!.AsArray();
        Assert.Equal(2, entries.Count);
        Assert.Equal("GET", (string?)entries[0]!["method"]);
        Assert.Equal("/v1.0/users", (string?)entries[0]!["path"]);
        Assert.Equal("?$top=2", (string?)entries[0]!["query"]);
        Assert.Equal(200, (int)entries[0]!["status"]!);
        Assert.NotNull(entries[0]!["durationMs"]);
        Assert.Equal(204, (int)entries[1]!["status"]!);
        Assert.DoesNotContain("very-secret-token-123", log.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Sandbox.AccessToken, log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ThousandUserSeed_StartsInUnderTwoSeconds()
    {
        string seed = GraphSeeds.WithUsers(1000);
        var sw = Stopwatch.StartNew();
        using SandboxServer big = SandboxServer.Start(seed);
        sw.Stop();
        Console.WriteLine($"1,000-user seed started in {sw.ElapsedMilliseconds} ms");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), $"took {sw.Elapsed}");
    }

    [Fact]
    public async Task TwoSandboxes_InOneProcess_KeepTheirOwnState()
    {
        using var other = new GraphTestClient();
        await CreateJobAsync();
        Assert.Single((await GetAsync(SyncPath("/jobs"))).Body!["value"]!.AsArray());
        Assert.Empty((await other.GetAsync(SyncPath("/jobs"))).Body!["value"]!.AsArray());
        await other.PostAsync("/_sandbox/faults", new { ratio = 1, kinds = new[] { "503" }, seed = 1 });
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/v1.0/users")).Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await other.GetAsync("/v1.0/users")).Status);
    }

    [Fact]
    public async Task WrongMethod_OnAKnownPath_Is405()
    {
        GraphAnswer a = await SendAsync(HttpMethod.Delete, "/v1.0/users");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, a.Status);
    }
}
