// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary>When cycles run: options.cycleDelayMs, schedule.interval, pause, and jobs a seed brings in Active.</summary>
public sealed class EngineScheduleTests
{
    /// <summary>The default seed with the scim job already there, its schedule set, and options.cycleDelayMs.</summary>
    private static string Seed(string interval, int cycleDelayMs, string state = "Disabled", JsonArray? secrets = null) =>
        GraphSeeds.WithJob(s =>
        {
            JsonObject sync = s["applications"]![0]!["synchronization"]!.AsObject();
            sync["jobs"]![0]!["schedule"] = new JsonObject { ["state"] = state, ["interval"] = interval };
            sync["secrets"] = secrets ?? [];
            s["options"]!["cycleDelayMs"] = cycleDelayMs;
        }).ToJsonString();

    private static async Task GuideAsync(EngineHarness h)
    {
        await h.SaveSecretsAsync(h.ScimBase, EngineHarness.ScimToken);
        string job = GraphTestClient.JobId;
        JsonObject schema = (await h.GetAsync(GraphTestClient.SyncPath($"/jobs/{job}/schema"))).Body!.AsObject();
        EngineHarness.ApplyGuide(schema);
        Assert.Equal(HttpStatusCode.NoContent, (await h.SendAsync(HttpMethod.Put, GraphTestClient.SyncPath($"/jobs/{job}/schema"), schema)).Status);
        await h.AssignAsync(EngineHarness.GraceId);
    }

    private static DateTime Time(string? text) => DateTime.Parse(text!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);

    [Fact]
    public async Task FirstCycle_WaitsForCycleDelayMs()
    {
        using var h = new EngineHarness(Seed("PT40M", cycleDelayMs: 600));
        await GuideAsync(h);
        DateTime startedAt = DateTime.UtcNow;
        Assert.Equal(HttpStatusCode.NoContent, (await h.PostAsync(GraphTestClient.SyncPath($"/jobs/{GraphTestClient.JobId}/start"), "")).Status);
        JsonObject right = await h.GetJobAsync(GraphTestClient.JobId);
        Assert.Equal("NotRun", (string?)right["status"]!["code"]);
        Assert.Null(right["status"]!["lastExecution"]);

        JsonObject after = await h.WaitForCycleAsync(GraphTestClient.JobId);
        DateTime began = Time((string?)after["status"]!["lastExecution"]!["timeBegan"]);
        Assert.True(began - startedAt >= TimeSpan.FromMilliseconds(550), $"began {(began - startedAt).TotalMilliseconds} ms after start");
        Assert.Equal("Active", (string?)after["status"]!["code"]);
    }

    [Fact]
    public async Task LaterCycles_FollowTheScheduleInterval_AndPauseStopsThem()
    {
        using var h = new EngineHarness(Seed("PT1S", cycleDelayMs: 0));
        await GuideAsync(h);
        JsonObject first = await h.StartAndWaitAsync(GraphTestClient.JobId);
        JsonObject second = await h.WaitForCycleAsync(GraphTestClient.JobId, EngineHarness.TimeEnded(first));
        TimeSpan gap = Time((string?)second["status"]!["lastExecution"]!["timeBegan"]) - Time(EngineHarness.TimeEnded(first));
        Assert.True(gap >= TimeSpan.FromMilliseconds(900), $"the next cycle began {gap.TotalMilliseconds} ms after the first ended");
        Assert.Equal("grace", (string?)EngineHarness.Users(await h.PulumiAsync()).Single()["userName"]);

        Assert.Equal(HttpStatusCode.NoContent, (await h.PostAsync(GraphTestClient.SyncPath($"/jobs/{GraphTestClient.JobId}/pause"), "")).Status);
        string? ended = EngineHarness.TimeEnded(await h.GetJobAsync(GraphTestClient.JobId));

        // Nothing may happen while paused; two intervals and a half is the bounded wait that shows it.
        await Task.Delay(2500);
        JsonObject paused = await h.GetJobAsync(GraphTestClient.JobId);
        Assert.Equal("Paused", (string?)paused["status"]!["code"]);
        Assert.Equal(ended, EngineHarness.TimeEnded(paused));

        JsonObject resumed = await h.StartAndWaitAsync(GraphTestClient.JobId);
        Assert.Equal("Active", (string?)resumed["status"]!["code"]);
    }

    [Fact]
    public async Task AJobSeededActive_RunsWithoutAStart()
    {
        int port = SandboxServer.FreePort();
        var secrets = new JsonArray(
            new JsonObject { ["key"] = "BaseAddress", ["value"] = $"http://127.0.0.1:{port}/pulumi/scim/v2/acme" },
            new JsonObject { ["key"] = "SecretToken", ["value"] = EngineHarness.ScimToken },
            new JsonObject { ["key"] = "SyncAll", ["value"] = "true" });
        JsonObject seed = JsonNode.Parse(Seed("PT40M", cycleDelayMs: 0, state: "Active", secrets: secrets))!.AsObject();

        using SandboxServer sandbox = SandboxServer.Start(seed.ToJsonString(), port);
        using var http = new HttpClient { BaseAddress = sandbox.GraphUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", sandbox.AccessToken);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonNode? last = null;
        while (last is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "no cycle ran");
            JsonNode job = JsonNode.Parse(await http.GetStringAsync(GraphTestClient.SyncPath("/jobs/" + GraphTestClient.JobId)))!;
            last = job["status"]!["lastExecution"];
            if (last is null)
            {
                await Task.Delay(25);
            }
        }

        // The template schema still maps title, name.formatted...: Pulumi refuses those, but the cycle ran.
        Assert.Equal("EntryLevelErrors", (string?)last["state"]);
    }
}
