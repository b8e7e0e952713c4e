// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary><c>POST .../jobs/{jobId}/provisionOnDemand</c>: the documented answer, the cycle's logic, its limits and errors.</summary>
public sealed class ProvisionOnDemandTests : EngineHarness
{
    /// <summary>
    /// Example 1 response of api-reference/v1.0/api/synchronization-synchronizationjob-provisionondemand.md @ 125ddcfd
    /// (microsoft-graph-docs-contrib, CC BY 4.0; Graph docs, "synchronizationJob: provisionOnDemand", Example 1 response).
    /// </summary>
    private const string ResponseDoc = """
{
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.stringKeyStringValuePair",
    "key": "{\"result\":\"Skipped\",\"details\":{\"errorCode\":\"RedundantExport\",\"errorMessage\":\"The state of the user in both the source and target systems already match.\"}}",
    "value": "{\"action\":\"Other\",\"changeId\":\"g8ba3be8-1d7f-4a60-ae31-a8980da0a389\",\"endTime\":\"2020-06-26T13:58:24.7682084Z\",\"modifiedProperties\":[{\"displayName\":\"objectId\",\"oldValue\":null,\"newValue\":\"52cf7b7a-52be-4a9b-9c69-e4d4a4a14f76\"},{\"displayName\":\"accountEnabled\",\"oldValue\":null,\"newValue\":\"True\"},{\"displayName\":\"displayName\",\"oldValue\":null,\"newValue\":\"Bill Bob\"},{\"displayName\":\"mailNickname\",\"oldValue\":null,\"newValue\":\"Bill\"},{\"displayName\":\"userPrincipalName\",\"oldValue\":null,\"newValue\":\"BillBob@contoso.com\"},{\"displayName\":\"IsSoftDeleted\",\"oldValue\":null,\"newValue\":\"False\"},{\"displayName\":\"appRoleAssignments\",\"oldValue\":null,\"newValue\":\"User\"}],\"provisioningSteps\":[{\"name\":\"EntryImport\",\"type\":\"Import\",\"status\":\"Success\",\"description\":\"Retrieved User 'BillBob@contoso.com' from Azure Active Directory\",\"timestamp\":\"2020-06-26T13:58:24.5494971Z\",\"details\":{\"objectId\":\"52cf7b7a-52be-4a9b-9c69-e4d4a4a14f76\",\"accountEnabled\":\"True\",\"displayName\":\"Fill Bob\",\"mailNickname\":\"Bill\",\"userPrincipalName\":\"BillBob@contoso.com\",\"IsSoftDeleted\":\"False\",\"appRoleAssignments\":\"User\"}},{\"name\":\"EntryImport\",\"type\":\"Matching\",\"status\":\"Success\",\"description\":\"Retrieved  'BillBob@contoso.com' from customappsso\",\"timestamp\":\"2020-06-26T13:58:24.7214072Z\",\"details\":{\"active\":\"True\",\"displayName\":\"Bill Bob\",\"externalId\":\"Bill\",\"id\":\"52507a19-96ec-4e73-9250-3e65ffd2d926\",\"userName\":\"BillBob@contoso.com\"}},{\"name\":\"EntrySynchronizationScoping\",\"type\":\"Scoping\",\"status\":\"Success\",\"description\":\"Determine if User in scope by evaluating against each scoping filter\",\"timestamp\":\"2020-06-26T13:58:24.7526181Z\",\"details\":{\"IsActive\":\"True\",\"Assigned\":\"True\",\"IsEffectivelyEntitledForProvisioning\":\"True\",\"IsInProvisioningScopeDisplayName\":\"True\",\"ScopeEvaluationResult\":\"{}\"}},{\"name\":\"EntrySynchronizationSkip\",\"type\":\"Export\",\"status\":\"Skipped\",\"description\":\"The state of the user in both the source and target systems already match. No change to the User 'BillBob@contoso.com' currently needs to be made.\",\"timestamp\":\"2020-06-26T13:58:24.7682084Z\",\"details\":{\"SkipReason\":\"RedundantExport\"}}],\"reportableIdentifier\":\"BillBob@contoso.com\",\"startTime\":\"2020-06-26T13:58:24.5494971Z\",\"statusInfo\":{\"status\":\"Skipped\",\"errorCode\":null,\"reason\":null,\"additionalDetails\":null,\"errorCategory\":null,\"recommendedAction\":null},\"sourceIdentity\":{\"id\":\"62cf7b7a-52be-4a9b-9c69-e5d4a4a14f67\",\"type\":\"User\",\"displayName\":null,\"details\":null},\"sourceSystem\":{\"id\":null,\"name\":\"Azure Active Directory\",\"details\":null},\"targetIdentity\":{\"id\":\"52507a19-96ec-4e73-9250-3e65ffd2d926\",\"type\":\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\",\"displayName\":null,\"details\":null},\"targetSystem\":{\"id\":null,\"name\":\"customappsso\",\"details\":null}}"
}
""";

    private static string Body(string objectId, string type = "User", string ruleId = RuleId, JsonArray? members = null)
    {
        var subject = new JsonObject { ["objectId"] = objectId, ["objectTypeName"] = type };
        if (members is not null)
        {
            subject["links"] = new JsonObject { ["members"] = members };
        }

        return new JsonObject
        {
            ["parameters"] = new JsonArray(new JsonObject { ["ruleId"] = ruleId, ["subjects"] = new JsonArray(subject) }),
        }.ToJsonString();
    }

    private Task<GraphAnswer> ProvisionAsync(string job, string body) => PostAsync(SyncPath($"/jobs/{job}/provisionOnDemand"), body);

    private static (JsonObject Key, JsonObject Value) Parse(GraphAnswer a)
    {
        Assert.True(a.Status == HttpStatusCode.OK, a.Text);
        return (JsonNode.Parse((string)a.Body!["key"]!)!.AsObject(), JsonNode.Parse((string)a.Body!["value"]!)!.AsObject());
    }

    [Fact]
    public async Task User_IsProvisionedNow_AndTheAnswerHasTheDocumentedShape()
    {
        string job = await ConfigureAsync();
        await AssignAsync(GraceId);

        // The job need not be started.
        GraphAnswer first = await ProvisionAsync(job, Body(GraceId));
        (JsonObject key, JsonObject value) = Parse(first);
        Assert.EndsWith("$metadata#microsoft.graph.stringKeyStringValuePair", (string?)first.Body!["@odata.context"], StringComparison.Ordinal);
        Assert.Equal("Success", (string?)key["result"]);
        Assert.Equal("Create", (string?)value["action"]);
        Assert.Equal("Success", (string?)value["statusInfo"]!["status"]);
        Assert.Equal("grace@contoso.example", (string?)value["reportableIdentifier"]);
        JsonObject grace = Users(await PulumiAsync()).Single();
        Assert.Equal("grace", (string?)grace["userName"]);
        Assert.Equal((string?)grace["id"], (string?)value["targetIdentity"]!["id"]);

        // Again: nothing to do, answered exactly as the docs example.
        (JsonObject againKey, JsonObject againValue) = Parse(await ProvisionAsync(job, Body(GraceId)));
        JsonObject docKey = JsonNode.Parse((string)JsonNode.Parse(ResponseDoc)!["key"]!)!.AsObject();
        JsonObject docValue = JsonNode.Parse((string)JsonNode.Parse(ResponseDoc)!["value"]!)!.AsObject();
        AssertShape(docKey, againKey);
        Assert.Equal("Skipped", (string?)againKey["result"]);
        Assert.Equal("RedundantExport", (string?)againKey["details"]!["errorCode"]);
        Assert.Equal("Other", (string?)againValue["action"]);
        docValue["provisioningSteps"] = new JsonArray(docValue["provisioningSteps"]!.AsArray()[0]!.DeepClone()); // the import step; the rest vary
        AssertShape(docValue, againValue);
        Assert.Equal(["Import", "Scoping", "Matching", "Export"], againValue["provisioningSteps"]!.AsArray().Select(s => (string)s!["type"]!).ToArray());

        // Each request is in the provisioning log.
        Assert.Equal(2, (await LogsAsync($"jobId eq '{job}' and sourceIdentity/id eq '{GraceId}'")).Count);
    }

    [Fact]
    public async Task Failures_ComeBackInTheKey_WithPulumisDetail()
    {
        string job = await ConfigureAsync();
        await AssignAsync(BobId);
        (JsonObject key, JsonObject value) = Parse(await ProvisionAsync(job, Body(BobId)));
        Assert.Equal("Failure", (string?)key["result"]);
        Assert.Equal("SystemForCrossDomainIdentityManagementEntryConflict", (string?)key["details"]!["errorCode"]);
        Assert.Contains("User with userName bob already exists.", (string?)key["details"]!["errorMessage"], StringComparison.Ordinal);
        Assert.Equal("Failure", (string?)value["statusInfo"]!["status"]);
        Assert.Equal("Create", (string?)value["action"]);
    }

    [Fact]
    public async Task RevokedToken_IsAnUnauthorizedFailure_WithoutTheToken()
    {
        string job = await ConfigureAsync();
        await AssignAsync(GraceId);
        SetPulumiToken("regenerated-in-pulumi");
        GraphAnswer a = await ProvisionAsync(job, Body(GraceId));
        (JsonObject key, JsonObject value) = Parse(a);
        Assert.Equal("Failure", (string?)key["result"]);
        Assert.Equal("SystemForCrossDomainIdentityManagementUnauthorized", (string?)key["details"]!["errorCode"]);
        Assert.Contains("StatusCode: Unauthorized", (string?)key["details"]!["errorMessage"], StringComparison.Ordinal);
        Assert.Equal("Other", (string?)value["action"]);
        Assert.DoesNotContain(ScimToken, a.Text, StringComparison.Ordinal);

        // On demand is not a cycle: the job's status is untouched.
        Assert.Null((await GetJobAsync(job))["status"]!["lastExecution"]);
    }

    [Fact]
    public async Task UnassignedUser_IsSkipped()
    {
        string job = await ConfigureAsync();
        (JsonObject key, _) = Parse(await ProvisionAsync(job, Body(LinusId)));
        Assert.Equal("Skipped", (string?)key["result"]);
        Assert.Equal("NotEffectivelyEntitled", (string?)key["details"]!["errorCode"]);
        Assert.Empty(Users(await PulumiAsync()));
    }

    [Fact]
    public async Task Group_WithLinkedMembers_ProvisionsThoseMembersAndTheTeam()
    {
        string job = await ConfigureAsync();
        await AssignAsync(PlatformTeamId);
        var members = new JsonArray(new JsonObject { ["objectId"] = AdaId, ["objectTypeName"] = "User" });
        (JsonObject key, JsonObject value) = Parse(await ProvisionAsync(job, Body(PlatformTeamId, "Group", members: members)));
        Assert.Equal("Success", (string?)key["result"]);
        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:Group", (string?)value["targetIdentity"]!["type"]);
        JsonObject org = await PulumiAsync();
        JsonObject ada = Users(org).Single();
        Assert.Equal("ada", (string?)ada["userName"]);
        Assert.Equal([(string)ada["id"]!], MemberIds(Teams(org).Single()));
    }

    [Fact]
    public async Task WithoutCredentials_TheAnswerIsAFailure()
    {
        string job = await CreateJobAsync();
        await AssignAsync(GraceId);
        (JsonObject key, _) = Parse(await ProvisionAsync(job, Body(GraceId)));
        Assert.Equal("Failure", (string?)key["result"]);
        Assert.Equal("SystemForCrossDomainIdentityManagementInvalidCredentials", (string?)key["details"]!["errorCode"]);
    }

    [Fact]
    public async Task SixthRequestWithinTenSeconds_Is429WithRetryAfter()
    {
        string job = await ConfigureAsync();
        await AssignAsync(GraceId);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await ProvisionAsync(job, Body(GraceId))).Status);
        }

        GraphAnswer throttled = await ProvisionAsync(job, Body(GraceId));
        Assert.Equal((HttpStatusCode)429, throttled.Status);
        Assert.Equal("TooManyRequests", throttled.ErrorCode);
        Assert.Equal("429", (string?)throttled.Body!["error"]!["innerError"]!["status"]);
        Assert.True(throttled.Headers.TryGetValues("Retry-After", out IEnumerable<string>? retry));
        double seconds = double.Parse(retry!.Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 0.001, 10);
    }

    [Fact]
    public async Task BadRequests_AreAnsweredAsGraph()
    {
        string job = await ConfigureAsync();
        GraphAnswer badRule = await ProvisionAsync(job, Body(GraceId, ruleId: "00000000-0000-0000-0000-000000000000"));
        Assert.Equal(HttpStatusCode.BadRequest, badRule.Status);
        Assert.Contains("00000000-0000-0000-0000-000000000000", badRule.ErrorMessage, StringComparison.Ordinal);

        GraphAnswer unknownUser = await ProvisionAsync(job, Body(Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.NotFound, unknownUser.Status);
        Assert.Equal("Request_ResourceNotFound", unknownUser.ErrorCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await ProvisionAsync(job, Body(GraceId, "Device"))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await ProvisionAsync(job, "{}")).Status);

        // Five requests per ten seconds: a fresh sandbox for the rest.
        using var other = new EngineHarness();
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync(SyncPath("/jobs/nope/provisionOnDemand"), Body(GraceId))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await other.PostAsync(SyncPath("/jobs/nope/provisionOnDemand"), "not json")).Status);
        using var unauthenticated = new HttpClient { BaseAddress = other.Sandbox.GraphUri };
        using var content = new StringContent(Body(GraceId));
        using HttpResponseMessage noToken = await unauthenticated.PostAsync(SyncPath($"/jobs/{job}/provisionOnDemand"), content);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
    }
}
