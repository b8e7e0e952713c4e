// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary><c>POST /_sandbox/faults</c>: transient Graph failures, injected before the handler runs, and schema writes accepted and dropped.</summary>
public sealed class FaultInjectionTests : GraphTestClient
{
    /// <summary>Graph's throttling sample (concepts/throttling.md, microsoft-graph-docs-contrib, CC BY 4.0).</summary>
    private const string ThrottledDocBody = """
        {
          "error": {
            "code": "TooManyRequests",
            "innerError": {
              "code": "429",
              "date": "2020-08-18T12:51:51",
              "message": "Please retry after",
              "request-id": "94fb3b52-452a-4535-a601-69e0a90e3aa2",
              "status": "429"
            },
            "message": "Please retry again later."
          }
        }
        """;

    private Task<GraphAnswer> FaultsAsync(object config) => PostAsync("/_sandbox/faults", config);

    [Fact]
    public async Task Ratio1_429_EveryGraphRequestIsThrottled_WithFractionalRetryAfter()
    {
        Assert.Equal(HttpStatusCode.OK, (await FaultsAsync(new { ratio = 1.0, kinds = new[] { "429" }, retryAfterSeconds = 1.5, seed = 1 })).Status);
        foreach (string path in new[] { "/v1.0/users", $"/v1.0/servicePrincipals/{SpId}", SyncPath("/jobs"), "/v1.0/auditLogs/provisioning" })
        {
            GraphAnswer a = await GetAsync(path);
            Assert.Equal((HttpStatusCode)429, a.Status);
            AssertShape(JsonNode.Parse(ThrottledDocBody), a.Body);
            Assert.Equal("1.5", a.Headers.GetValues("Retry-After").Single());
        }
    }

    [Theory]
    [InlineData("503", 503)]
    [InlineData("504", 504)]
    public async Task Ratio1_5xx_CarryGraphErrorsAndRetryAfter(string kind, int status)
    {
        await FaultsAsync(new { ratio = 1, kinds = new[] { kind }, retryAfterSeconds = 2, seed = 1 });
        GraphAnswer a = await GetAsync("/v1.0/users");
        Assert.Equal((HttpStatusCode)status, a.Status);
        Assert.NotNull(a.ErrorCode);
        Assert.NotNull(a.Body!["error"]!["innerError"]!["request-id"]);
        Assert.Equal("2", a.Headers.GetValues("Retry-After").Single());
    }

    [Fact]
    public async Task Ratio1_Reset_DropsTheConnection()
    {
        await FaultsAsync(new { ratio = 1, kinds = new[] { "reset" }, seed = 1 });
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => GetAsync("/v1.0/users"));
    }

    [Fact]
    public async Task AFaultedWrite_DoesNotTakeEffect()
    {
        await FaultsAsync(new { ratio = 1, kinds = new[] { "503" }, seed = 1 });
        GraphAnswer post = await PostAsync($"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo", new { principalId = AdaId, resourceId = SpId, appRoleId = UserRoleId });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, post.Status);
        GraphAnswer job = await PostAsync(SyncPath("/jobs"), new { templateId = "scim" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, job.Status);

        await FaultsAsync(new { ratio = 0 });
        Assert.Empty((await GetAsync($"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo")).Body!["value"]!.AsArray());
        Assert.Empty((await GetAsync(SyncPath("/jobs"))).Body!["value"]!.AsArray());
    }

    [Fact]
    public async Task DropSchemaWrite_Answers204_KeepsTheOldSchema_AndStillChecksTheWrite()
    {
        string jobId = await CreateJobAsync();
        string schemaPath = SyncPath($"/jobs/{jobId}/schema");
        JsonObject changed = (await GetAsync(schemaPath)).Body!.DeepClone().AsObject();
        changed.Remove("@odata.context");
        changed["testMarker"] = "written";

        await FaultsAsync(new { ratio = 1, kinds = new[] { "dropSchemaWrite" }, seed = 1 });
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Put, schemaPath, changed)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Put, schemaPath, "not json")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Put, SyncPath("/jobs/nope/schema"), changed)).Status);
        GraphAnswer kept = await GetAsync(schemaPath);
        Assert.Equal(HttpStatusCode.OK, kept.Status);
        Assert.Null(kept.Body!["testMarker"]);

        await FaultsAsync(new { ratio = 0 });
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Put, schemaPath, changed)).Status);
        Assert.Equal("written", (string?)(await GetAsync(schemaPath)).Body!["testMarker"]);
    }

    [Fact]
    public async Task Ratio0_InjectsNothing()
    {
        await FaultsAsync(new { ratio = 0, kinds = new[] { "429", "503", "504", "reset" }, seed = 1 });
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await GetAsync("/v1.0/users?$top=1")).Status);
        }
    }

    [Fact]
    public async Task AFixedSeed_GivesAFixedSequence()
    {
        using var twin = new GraphTestClient();
        var config = new { ratio = 0.5, kinds = new[] { "429", "503", "504" }, retryAfterSeconds = 0.25, seed = 42 };
        await FaultsAsync(config);
        await twin.PostAsync("/_sandbox/faults", config);
        var a = new List<int>();
        var b = new List<int>();
        for (int i = 0; i < 40; i++)
        {
            a.Add((int)(await GetAsync("/v1.0/users?$top=1")).Status);
            b.Add((int)(await twin.GetAsync("/v1.0/users?$top=1")).Status);
        }

        Assert.Equal(a, b);
        Assert.Contains(200, a);
        Assert.Contains(a, s => s != 200);
        GraphAnswer described = await GetAsync("/_sandbox/faults");
        Assert.Equal(a.Count(s => s != 200), (int)described.Body!["injected"]!);
    }

    [Fact]
    public async Task PathsRegex_LimitsWhichRequestsFail()
    {
        await FaultsAsync(new { ratio = 1, kinds = new[] { "429" }, seed = 1, paths = "/synchronization/" });
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/v1.0/users")).Status);
        Assert.Equal((HttpStatusCode)429, (await GetAsync(SyncPath("/jobs"))).Status);
    }

    [Fact]
    public async Task ControlRoutes_AreNeverFaulted()
    {
        await FaultsAsync(new { ratio = 1, kinds = new[] { "reset" }, seed = 1 });
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/_sandbox/requests")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/_sandbox/state")).Status);
        GraphAnswer log = await GetAsync("/_sandbox/requests");
        Assert.NotNull(log.Body);
    }

    [Theory]
    [InlineData("""{ "ratio": 2 }""")]
    [InlineData("""{ "ratio": 0.5, "kinds": ["418"] }""")]
    [InlineData("""{ "ratio": 0.5, "paths": "(" }""")]
    [InlineData("""{ "ratio": "half" }""")]
    public async Task InvalidConfigurations_Are400(string body)
    {
        GraphAnswer a = await PostAsync("/_sandbox/faults", body);
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
        Assert.Equal(string.Format(CultureInfo.InvariantCulture, "{0}", 0), (string?)(await GetAsync("/_sandbox/faults")).Body!["ratio"]!.ToJsonString());
    }
}
