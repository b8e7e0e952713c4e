// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace PulumiScim.Sandbox.Tests;

/// <summary>
/// A sandbox driven as the module drives it: create the job, save the secrets, edit the schema as the guide says, assign,
/// start, then wait for a cycle by polling the job (bounded), and read the Pulumi side from <c>/_sandbox/state</c>.
/// </summary>
public class EngineHarness : GraphTestClient
{
    public const string AlanId = "3d2ed5fc-dc1d-5187-b890-8c45d0f28769";
    public const string GraceId = "99c90126-e9a4-5b66-a055-54eb16771e93";
    public const string BobId = "03af691d-dfa2-521c-a36e-805bfb1b3e9e";
    public const string KatherineId = "90fb8577-b795-5df4-b54d-c0441d752e84";
    public const string EdsgerId = "5f8f08bf-345d-5b77-a3ca-d57f5833da05";
    public const string BarbaraId = "19cf9546-593d-5b53-801f-b54ec3931e3b";
    public const string LinusId = "5671c68a-e935-5e08-923d-a1297f7a65ce";
    public const string SreId = "d80c8a19-0959-523b-b841-663149078de9";
    public const string FinanceId = "0bb21a8e-f244-5573-9431-54a394a7ac21";
    public const string RuleId = "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8";
    public const string ScimToken = "sandbox-scim-token-acme";

    /// <summary>The six user mappings the guide keeps.</summary>
    public static readonly string[] Keep =
        ["userName", "active", "displayName", "emails[type eq \"work\"].value", "name.givenName", "name.familyName"];

    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(30);

    public EngineHarness(string? seed = null)
        : base(seed)
    {
    }

    public string ScimBase => $"{Sandbox.PulumiApiUri}/scim/v2/acme";

    /// <summary>Creates the job and saves the secrets; with <paramref name="guide"/>, edits the schema as the guide does.</summary>
    public async Task<string> ConfigureAsync(bool guide = true, string? baseAddress = null, string token = ScimToken, bool syncAll = false, Action<JsonObject>? editSchema = null)
    {
        string job = await CreateJobAsync();
        await SaveSecretsAsync(baseAddress ?? ScimBase, token, syncAll);
        GraphAnswer schema = await GetAsync(SyncPath($"/jobs/{job}/schema"));
        Assert.Equal(HttpStatusCode.OK, schema.Status);
        var s = schema.Body!.AsObject();
        if (guide)
        {
            ApplyGuide(s);
        }

        editSchema?.Invoke(s);
        GraphAnswer put = await SendAsync(HttpMethod.Put, SyncPath($"/jobs/{job}/schema"), s);
        Assert.True(put.Status == HttpStatusCode.NoContent, put.Text);
        return job;
    }

    public async Task SaveSecretsAsync(string baseAddress, string token, bool syncAll = false)
    {
        var body = new JsonObject
        {
            ["value"] = new JsonArray(
                new JsonObject { ["key"] = "BaseAddress", ["value"] = baseAddress },
                new JsonObject { ["key"] = "SecretToken", ["value"] = token },
                new JsonObject { ["key"] = "SyncNotificationSettings", ["value"] = "{\"Enabled\":false,\"DeleteThresholdEnabled\":false}" },
                new JsonObject { ["key"] = "SyncAll", ["value"] = syncAll ? "true" : "false" }),
        };
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Put, SyncPath("/secrets"), body)).Status);
    }

    /// <summary>The guide's schema edits (the guide's steps, as the module does them), on the JSON as GET returns it.</summary>
    public static void ApplyGuide(JsonObject schema)
    {
        JsonObject rule = schema["synchronizationRules"]!.AsArray().OfType<JsonObject>()
            .First(r => r["objectMappings"]!.AsArray().Any(m => (string?)m!["sourceObjectName"] == "User"));
        JsonObject users = Mapping(schema, "User");
        var kept = users["attributeMappings"]!.AsArray().OfType<JsonObject>()
            .Where(m => Keep.Contains((string?)m["targetAttributeName"]))
            .Select(m => (JsonNode)m.DeepClone())
            .ToArray();
        users["attributeMappings"] = new JsonArray(kept);
        JsonObject userName = users["attributeMappings"]!.AsArray().OfType<JsonObject>().First(m => (string?)m["targetAttributeName"] == "userName");
        userName["source"] = new JsonObject { ["expression"] = "[mailNickname]", ["name"] = "mailNickname", ["type"] = "Attribute", ["parameters"] = new JsonArray() };

        JsonObject target = schema["directories"]!.AsArray().OfType<JsonObject>().First(d => (string?)d["name"] == (string?)rule["targetDirectoryName"]);
        JsonObject userObject = target["objects"]!.AsArray().OfType<JsonObject>().First(o => (string?)o["name"] == (string?)users["targetObjectName"]);
        userObject["attributes"]!.AsArray().OfType<JsonObject>().First(a => (string?)a["name"] == "emails[type eq \"work\"].value")["required"] = true;

        JsonObject groups = Mapping(schema, "Group");
        groups["enabled"] = true;
        var groupMappings = groups["attributeMappings"]!.AsArray();
        groupMappings.Remove(groupMappings.OfType<JsonObject>().First(m => (string?)m["targetAttributeName"] == "externalId"));
    }

    public static JsonObject Mapping(JsonObject schema, string sourceObject) =>
        schema["synchronizationRules"]!.AsArray().OfType<JsonObject>()
            .SelectMany(r => r["objectMappings"]!.AsArray().OfType<JsonObject>())
            .First(m => (string?)m["sourceObjectName"] == sourceObject);

    public async Task<string> AssignAsync(string principalId)
    {
        GraphAnswer a = await PostAsync($"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo", new { principalId, resourceId = SpId, appRoleId = UserRoleId });
        Assert.True(a.Status == HttpStatusCode.Created, a.Text);
        return (string)a.Body!["id"]!;
    }

    /// <summary>The guide's assignments: the groups Platform Team and SRE, and the user grace.</summary>
    public async Task AssignGuideAsync()
    {
        await AssignAsync(PlatformTeamId);
        await AssignAsync(SreId);
        await AssignAsync(GraceId);
    }

    public async Task<JsonObject> GetJobAsync(string job)
    {
        GraphAnswer a = await GetAsync(SyncPath("/jobs/" + job));
        Assert.Equal(HttpStatusCode.OK, a.Status);
        return a.Body!.AsObject();
    }

    public static string? TimeEnded(JsonObject job) => (string?)job["status"]?["lastExecution"]?["timeEnded"];

    /// <summary>Polls the job until a cycle that ended after <paramref name="previousTimeEnded"/> shows (bounded).</summary>
    public async Task<JsonObject> WaitForCycleAsync(string job, string? previousTimeEnded = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            JsonObject current = await GetJobAsync(job);
            string? ended = TimeEnded(current);
            if (ended is not null && ended != previousTimeEnded)
            {
                return current;
            }

            Assert.True(watch.Elapsed < s_deadline, $"No cycle ended within {s_deadline.TotalSeconds} s: {current["status"]?.ToJsonString()}");
            await Task.Delay(25);
        }
    }

    /// <summary>start, then wait for the first cycle.</summary>
    public async Task<JsonObject> StartAndWaitAsync(string job)
    {
        string? before = TimeEnded(await GetJobAsync(job));
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(SyncPath($"/jobs/{job}/start"), "")).Status);
        return await WaitForCycleAsync(job, before);
    }

    /// <summary>restart (with an optional resetScope), then wait for the cycle it forces.</summary>
    public async Task<JsonObject> RestartAndWaitAsync(string job, string? resetScope = null)
    {
        string? before = TimeEnded(await GetJobAsync(job));
        string body = resetScope is null ? "" : new JsonObject { ["criteria"] = new JsonObject { ["resetScope"] = resetScope } }.ToJsonString();
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Post, SyncPath($"/jobs/{job}/restart"), body.Length == 0 ? null : body)).Status);
        return await WaitForCycleAsync(job, before);
    }

    /// <summary>The acme organization as the sandbox holds it.</summary>
    public async Task<JsonObject> PulumiAsync()
    {
        GraphAnswer state = await GetAsync("/_sandbox/state");
        return state.Body!["pulumi"]!["organizations"]!.AsArray().OfType<JsonObject>().First(o => (string?)o["name"] == "acme");
    }

    public static List<JsonObject> Users(JsonObject org) => org["users"]!.AsArray().OfType<JsonObject>().ToList();

    public static List<JsonObject> Teams(JsonObject org) => org["groups"]!.AsArray().OfType<JsonObject>().ToList();

    public static JsonObject? UserNamed(JsonObject org, string userName) => Users(org).FirstOrDefault(u => (string?)u["userName"] == userName);

    public static List<string> MemberIds(JsonObject team) =>
        team["members"]!.AsArray().Select(m => m is JsonObject o ? (string)o["value"]! : (string)m!).ToList();

    /// <summary>Provisioning log entries matching an OData filter (values case-sensitive, as Graph).</summary>
    public async Task<List<JsonObject>> LogsAsync(string filter)
    {
        GraphAnswer a = await GetAsync("/v1.0/auditLogs/provisioning?$top=1000&$filter=" + Uri.EscapeDataString(filter));
        Assert.True(a.Status == HttpStatusCode.OK, a.Text);
        return a.Body!["value"]!.AsArray().OfType<JsonObject>().ToList();
    }

    /// <summary>Changes the SCIM token Pulumi accepts for acme (as regenerating it in Pulumi's UI does).</summary>
    public void SetPulumiToken(string token)
    {
        lock (Sandbox.State.Sync)
        {
            Sandbox.State.Organizations.First(o => o.Name == "acme").Token = token;
        }
    }

    public async Task<List<JsonObject>> ScimRequestsAsync(string method, string pathSuffix)
    {
        GraphAnswer a = await GetAsync("/_sandbox/requests");
        return a.Body!.AsArray().OfType<JsonObject>()
            .Where(r => (string?)r["method"] == method && ((string?)r["path"])!.EndsWith("/scim/v2/acme" + pathSuffix, StringComparison.Ordinal))
            .ToList();
    }
}

/// <summary>Provisioning cycles against the sandbox's Pulumi SCIM server, following the guide.</summary>
public sealed class EngineCycleTests : EngineHarness
{
    private readonly ITestOutputHelper _output;

    public EngineCycleTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task FirstCycle_ProvisionsTheAssignedEnabledUsersAndTheirTeams()
    {
        string job = await ConfigureAsync();
        await AssignGuideAsync();
        var watch = Stopwatch.StartNew();
        JsonObject after = await StartAndWaitAsync(job);
        _output.WriteLine($"first cycle of the example seed seen after {watch.ElapsedMilliseconds} ms; lastExecution {after["status"]!["lastExecution"]!.ToJsonString()}");

        JsonObject status = after["status"]!.AsObject();
        JsonObject last = status["lastExecution"]!.AsObject();
        Assert.Equal("Active", (string?)status["code"]);
        Assert.Equal("Succeeded", (string?)last["state"]);
        Assert.Null(last["error"]);
        Assert.Equal(6, (int)last["countExported"]!);
        Assert.Equal(6, (int)last["countImported"]!);
        Assert.Equal(0, (int)last["countEscrowed"]!);
        Assert.Equal(0, (int)status["countSuccessiveCompleteFailures"]!);
        Assert.NotEqual("0001-01-01T00:00:00Z", (string?)status["steadyStateLastAchievedTime"]);
        Assert.Equal((string?)last["activityIdentifier"], (string?)status["lastSuccessfulExecution"]!["activityIdentifier"]);
        var counts = status["synchronizedEntryCountByType"]!.AsArray().OfType<JsonObject>().ToDictionary(e => (string)e["key"]!, e => (int)e["value"]!);
        Assert.Equal(4, counts["User to urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]);
        Assert.Equal(2, counts["Group to urn:ietf:params:scim:schemas:core:2.0:Group"]);
        JsonObject documented = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "quarantined-status.json")))!["lastExecution"]!.AsObject();
        documented["error"] = null; // a cycle without errors has none
        AssertShape(documented, last);

        JsonObject org = await PulumiAsync();
        Assert.Equal(["ada", "alan", "barbara", "grace"], Users(org).Select(u => (string)u["userName"]!).Order().ToArray());
        JsonObject ada = UserNamed(org, "ada")!;
        Assert.Equal("Ada Lovelace", (string?)ada["displayName"]);
        Assert.Equal("Ada", (string?)ada["name"]!["givenName"]);
        Assert.Equal("Lovelace", (string?)ada["name"]!["familyName"]);
        Assert.Equal("ada@contoso.example", (string?)ada["emails"]![0]!["value"]);
        Assert.Equal("work", (string?)ada["emails"]![0]!["type"]);
        Assert.True(Users(org).All(u => (bool)u["active"]!));

        Dictionary<string, string> ids = Users(org).ToDictionary(u => (string)u["userName"]!, u => (string)u["id"]!);
        JsonObject platform = Teams(org).Single(t => (string?)t["displayName"] == "Platform Team");
        JsonObject sre = Teams(org).Single(t => (string?)t["displayName"] == "SRE");
        Assert.Equal(new[] { ids["ada"], ids["alan"], ids["barbara"] }.Order(), MemberIds(platform).Order());
        Assert.Equal(new[] { ids["alan"], ids["grace"] }.Order(), MemberIds(sre).Order());
        Assert.Equal(2, Teams(org).Count);

        // One success entry per exported object, in this cycle, with the ids a client filters on.
        List<JsonObject> entries = await LogsAsync($"jobId eq '{job}' and cycleId eq '{(string)last["activityIdentifier"]!}'");
        Assert.Equal(6, entries.Count);
        Assert.All(entries, e => Assert.Equal("success", (string?)e["provisioningStatusInfo"]!["status"]));
        Assert.All(entries, e => Assert.Null(e["provisioningStatusInfo"]!["errorInformation"]));
        Assert.All(entries, e => Assert.Equal("create", (string?)e["provisioningAction"]));
        JsonObject adaEntry = (await LogsAsync($"sourceIdentity/id eq '{AdaId}'")).Single();
        Assert.Equal(ids["ada"], (string?)adaEntry["targetIdentity"]!["id"]);
        Assert.Equal("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", (string?)adaEntry["targetIdentity"]!["identityType"]);
        Assert.Equal("User", (string?)adaEntry["sourceIdentity"]!["identityType"]);
        Assert.Equal(SpId, (string?)adaEntry["servicePrincipal"]!["id"]);
        Assert.Equal("customappsso", (string?)adaEntry["targetSystem"]!["displayName"]);
        Assert.Equal(["import", "scoping", "matching", "processing", "export"], adaEntry["provisioningSteps"]!.AsArray().Select(s => (string)s!["provisioningStepType"]!).ToArray());
        JsonObject teamEntry = (await LogsAsync($"sourceIdentity/id eq '{PlatformTeamId}'")).Single();
        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:Group", (string?)teamEntry["targetIdentity"]!["identityType"]);

        // A second cycle finds nothing to change: no writes, no entries, still steady.
        watch.Restart();
        JsonObject again = await RestartAndWaitAsync(job);
        _output.WriteLine($"second cycle seen after {watch.ElapsedMilliseconds} ms; lastExecution {again["status"]!["lastExecution"]!.ToJsonString()}");
        Assert.Equal("Succeeded", (string?)again["status"]!["lastExecution"]!["state"]);
        Assert.Equal(0, (int)again["status"]!["lastExecution"]!["countExports"]!);
        Assert.Empty(await LogsAsync($"cycleId eq '{(string)again["status"]!["lastExecution"]!["activityIdentifier"]!}'"));
    }

    [Fact]
    public async Task TakenUserName_FailsWithPulumis409Detail()
    {
        string job = await ConfigureAsync();
        await AssignGuideAsync();
        await AssignAsync(BobId);
        JsonObject after = await StartAndWaitAsync(job);
        Assert.Equal("EntryLevelErrors", (string?)after["status"]!["lastExecution"]!["state"]);
        Assert.Equal(1, (int)after["status"]!["lastExecution"]!["countEscrowed"]!);

        JsonObject entry = (await LogsAsync($"jobId eq '{job}' and provisioningStatusInfo/status eq 'failure'")).Single();
        Assert.Equal(BobId, (string?)entry["sourceIdentity"]!["id"]);
        Assert.Equal("create", (string?)entry["provisioningAction"]);
        Assert.Equal("", (string?)entry["targetIdentity"]!["id"]);
        JsonNode error = entry["provisioningStatusInfo"]!["errorInformation"]!;
        Assert.Equal("SystemForCrossDomainIdentityManagementEntryConflict", (string?)error["errorCode"]);
        Assert.Contains("User with userName bob already exists.", (string?)error["reason"], StringComparison.Ordinal);
        Assert.Contains("StatusCode: Conflict", (string?)error["reason"], StringComparison.Ordinal);
        Assert.Equal("nonServiceFailure", (string?)error["errorCategory"]);
        Assert.Equal("failure", (string?)entry["provisioningSteps"]!.AsArray().Last()!["status"]);
        Assert.Null(UserNamed(await PulumiAsync(), "bob"));

        // Retried every cycle, and counted.
        await RestartAndWaitAsync(job);
        List<JsonObject> both = await LogsAsync($"sourceIdentity/id eq '{BobId}'");
        Assert.Equal(2, both.Count);
        Assert.Contains("retried 1 times", (string?)both[0]["provisioningStatusInfo"]!["errorInformation"]!["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequiredEmailMissing_FailsBeforeAnyWrite()
    {
        string job = await ConfigureAsync();
        await AssignAsync(KatherineId);
        await AssignAsync(GraceId);
        JsonObject after = await StartAndWaitAsync(job);
        Assert.Equal("EntryLevelErrors", (string?)after["status"]!["lastExecution"]!["state"]);

        JsonObject entry = (await LogsAsync($"sourceIdentity/id eq '{KatherineId}'")).Single();
        Assert.Equal("failure", (string?)entry["provisioningStatusInfo"]!["status"]);
        JsonNode error = entry["provisioningStatusInfo"]!["errorInformation"]!;
        Assert.Equal("MandatoryFieldsMissing", (string?)error["errorCode"]);
        Assert.Contains("emails[type eq \"work\"].value", (string?)error["reason"], StringComparison.Ordinal);
        Assert.Contains("[mail]", (string?)error["reason"], StringComparison.Ordinal);
        Assert.DoesNotContain(entry["provisioningSteps"]!.AsArray(), s => (string?)s!["provisioningStepType"] == "export");

        // Only grace was posted: katherine's create never reached Pulumi.
        Assert.Single(await ScimRequestsAsync("POST", "/Users"));
        Assert.Null(UserNamed(await PulumiAsync(), "katherine"));
    }

    [Fact]
    public async Task DisabledUser_IsProvisionedInactive()
    {
        string job = await ConfigureAsync();
        await AssignAsync(EdsgerId);
        await StartAndWaitAsync(job);
        JsonObject edsger = UserNamed(await PulumiAsync(), "edsger")!;
        Assert.False((bool)edsger["active"]!);
    }

    [Fact]
    public async Task UnassignedUsers_AreNotProvisionedAndGetNoEntry()
    {
        string job = await ConfigureAsync();
        await AssignAsync(GraceId);
        await StartAndWaitAsync(job);
        JsonObject org = await PulumiAsync();
        Assert.Equal(["grace"], Users(org).Select(u => (string)u["userName"]!).ToArray());
        Assert.Empty(Teams(org));
        Assert.Empty(await LogsAsync($"sourceIdentity/id eq '{LinusId}'"));
        Assert.Empty(await LogsAsync($"sourceIdentity/id eq '{FinanceId}'"));
    }

    [Fact]
    public async Task SurnameChange_FlowsOnTheNextCycle_AsAnUpdateOfThatAttributeOnly()
    {
        string job = await ConfigureAsync();
        await AssignGuideAsync();
        await StartAndWaitAsync(job);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Patch, "/_sandbox/users/" + AdaId, new { surname = "King" })).Status);

        JsonObject after = await RestartAndWaitAsync(job);
        Assert.Equal("Succeeded", (string?)after["status"]!["lastExecution"]!["state"]);
        Assert.Equal("King", (string?)UserNamed(await PulumiAsync(), "ada")!["name"]!["familyName"]);
        JsonObject entry = (await LogsAsync($"cycleId eq '{(string)after["status"]!["lastExecution"]!["activityIdentifier"]!}'")).Single();
        Assert.Equal("update", (string?)entry["provisioningAction"]);
        Assert.Equal(AdaId, (string?)entry["sourceIdentity"]!["id"]);
        JsonObject change = entry["modifiedProperties"]!.AsArray().OfType<JsonObject>().Single();
        Assert.Equal("name.familyName", (string?)change["displayName"]);
        Assert.Equal("Lovelace", (string?)change["oldValue"]);
        Assert.Equal("King", (string?)change["newValue"]);
    }

    [Fact]
    public async Task UnassignedUser_IsDeactivatedNeverDeleted()
    {
        string job = await ConfigureAsync();
        string assignment = await AssignAsync(GraceId);
        await StartAndWaitAsync(job);
        Assert.True((bool)UserNamed(await PulumiAsync(), "grace")!["active"]!);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo/{assignment}")).Status);
        JsonObject after = await RestartAndWaitAsync(job);
        JsonObject grace = UserNamed(await PulumiAsync(), "grace")!;
        Assert.False((bool)grace["active"]!);
        JsonObject entry = (await LogsAsync($"cycleId eq '{(string)after["status"]!["lastExecution"]!["activityIdentifier"]!}'")).Single();
        Assert.Equal("disable", (string?)entry["provisioningAction"]);
        Assert.Equal("success", (string?)entry["provisioningStatusInfo"]!["status"]);

        // Reassigned: active again.
        await AssignAsync(GraceId);
        await RestartAndWaitAsync(job);
        Assert.True((bool)UserNamed(await PulumiAsync(), "grace")!["active"]!);
    }

    [Fact]
    public async Task SkipOutOfScopeDeletions_LeavesAnUnassignedUserActive()
    {
        string job = await ConfigureAsync();
        string assignment = await AssignAsync(GraceId);
        await StartAndWaitAsync(job);
        var secrets = new JsonObject
        {
            ["value"] = new JsonArray(
                new JsonObject { ["key"] = "BaseAddress", ["value"] = ScimBase },
                new JsonObject { ["key"] = "SecretToken", ["value"] = ScimToken },
                new JsonObject { ["key"] = "SyncAll", ["value"] = "false" },
                new JsonObject { ["key"] = "SkipOutOfScopeDeletions", ["value"] = "true" }),
        };
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Put, SyncPath("/secrets"), secrets)).Status);
        await SendAsync(HttpMethod.Delete, $"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo/{assignment}");
        await RestartAndWaitAsync(job);
        Assert.True((bool)UserNamed(await PulumiAsync(), "grace")!["active"]!);
    }

    [Fact]
    public async Task GroupMembershipChanges_FlowToTheTeam_AndAnUnassignedGroupIsDeleted()
    {
        string job = await ConfigureAsync();
        string sre = await AssignAsync(SreId);
        await StartAndWaitAsync(job);
        lock (Sandbox.State.Sync)
        {
            var members = Sandbox.State.FindGroup(SreId)!["members"]!.AsArray();
            members.Remove(members.First(m => (string?)m == GraceId));
            members.Add(AdaId);
        }

        await RestartAndWaitAsync(job);
        JsonObject org = await PulumiAsync();
        Dictionary<string, string> ids = Users(org).ToDictionary(u => (string)u["userName"]!, u => (string)u["id"]!);
        Assert.Equal(new[] { ids["ada"], ids["alan"] }.Order(), MemberIds(Teams(org).Single()).Order());
        Assert.False((bool)UserNamed(org, "grace")!["active"]!); // no longer in scope through SRE

        await SendAsync(HttpMethod.Delete, $"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo/{sre}");
        JsonObject after = await RestartAndWaitAsync(job);
        Assert.Empty(Teams(await PulumiAsync()));
        Assert.Contains(await LogsAsync($"cycleId eq '{(string)after["status"]!["lastExecution"]!["activityIdentifier"]!}' and provisioningAction eq 'delete'"),
            e => (string?)e["sourceIdentity"]!["id"] == SreId);

        // Group reads as Entra sends them: without members (the SCIM tutorial's "Get Group" requests).
        GraphAnswer log = await GetAsync("/_sandbox/requests");
        var groupReads = log.Body!.AsArray().OfType<JsonObject>()
            .Where(r => (string?)r["method"] == "GET" && ((string?)r["path"])!.Contains("/scim/v2/acme/Groups", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(groupReads);
        Assert.All(groupReads, r => Assert.Contains("excludedAttributes=members", (string?)r["query"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task NestedGroups_AreNotExpanded()
    {
        lock (Sandbox.State.Sync)
        {
            Sandbox.State.FindGroup(SreId)!["members"]!.AsArray().Add(FinanceId);
        }

        string job = await ConfigureAsync();
        await AssignAsync(SreId);
        await StartAndWaitAsync(job);
        JsonObject org = await PulumiAsync();
        Assert.Null(UserNamed(org, "linus"));
        Assert.Equal(2, MemberIds(Teams(org).Single()).Count);
    }

    [Fact]
    public async Task WithoutTheGuidesDeletions_PulumiRefusesTheExtraAttributes()
    {
        string job = await ConfigureAsync(guide: false);
        await AssignAsync(AdaId);
        await AssignAsync(GraceId);
        JsonObject after = await StartAndWaitAsync(job);
        Assert.Equal("EntryLevelErrors", (string?)after["status"]!["lastExecution"]!["state"]);
        Assert.Empty(Users(await PulumiAsync()));

        JsonNode ada = (await LogsAsync($"sourceIdentity/id eq '{AdaId}'")).Single()["provisioningStatusInfo"]!["errorInformation"]!;
        Assert.Equal("SystemForCrossDomainIdentityManagementBadRequest", (string?)ada["errorCode"]);
        Assert.Contains("Unknown path: title.", (string?)ada["reason"], StringComparison.Ordinal);
        JsonNode grace = (await LogsAsync($"sourceIdentity/id eq '{GraceId}'")).Single()["provisioningStatusInfo"]!["errorInformation"]!;
        Assert.Contains("Unknown path: name.formatted.", (string?)grace["reason"], StringComparison.Ordinal);
        Assert.Contains("invalidPath", (string?)grace["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserNameFlowingOnUpdate_IsNeverSentWhenUnchanged_AndPulumisImmutabilityShowsWhenItChanges()
    {
        string job = await ConfigureAsync();
        await AssignAsync(GraceId);
        await StartAndWaitAsync(job);

        // Renaming the source of userName (flowType Always, as the 2021 guide leaves it) makes the service send it.
        await SendAsync(HttpMethod.Patch, "/_sandbox/users/" + GraceId, new { mailNickname = "ghopper" });
        await RestartAndWaitAsync(job);
        JsonNode error = (await LogsAsync($"sourceIdentity/id eq '{GraceId}' and provisioningStatusInfo/status eq 'failure'")).Single()["provisioningStatusInfo"]!["errorInformation"]!;
        Assert.Contains("Attribute 'userName' is immutable.", (string?)error["reason"], StringComparison.Ordinal);
        Assert.Equal("grace", (string?)Users(await PulumiAsync()).Single()["userName"]);
    }

    [Fact]
    public async Task UserNameOnlyDuringCreation_IsNotSentOnUpdate()
    {
        string job = await ConfigureAsync(editSchema: s =>
            Mapping(s, "User")["attributeMappings"]!.AsArray().OfType<JsonObject>().First(m => (string?)m["targetAttributeName"] == "userName")["flowType"] = "ObjectAddOnly");
        await AssignAsync(GraceId);
        await StartAndWaitAsync(job);
        await SendAsync(HttpMethod.Patch, "/_sandbox/users/" + GraceId, new { mailNickname = "ghopper", surname = "Murray Hopper" });
        JsonObject after = await RestartAndWaitAsync(job);
        Assert.Equal("Succeeded", (string?)after["status"]!["lastExecution"]!["state"]);
        JsonObject grace = Users(await PulumiAsync()).Single();
        Assert.Equal("grace", (string?)grace["userName"]);
        Assert.Equal("Murray Hopper", (string?)grace["name"]!["familyName"]);
    }

    [Fact]
    public async Task ExpressionThatCannotBeEvaluated_IsAFailureEntry_NotACrash()
    {
        string job = await ConfigureAsync(editSchema: s =>
        {
            JsonObject displayName = Mapping(s, "User")["attributeMappings"]!.AsArray().OfType<JsonObject>().First(m => (string?)m["targetAttributeName"] == "displayName");
            displayName["source"] = Engine.Expressions.Expression.Parse("CBool([mailNickname])").ToAttributeMappingSource();
        });
        await AssignAsync(GraceId);
        JsonObject after = await StartAndWaitAsync(job);
        Assert.Equal("EntryLevelErrors", (string?)after["status"]!["lastExecution"]!["state"]);
        JsonObject entry = (await LogsAsync($"sourceIdentity/id eq '{GraceId}'")).Single();
        JsonNode error = entry["provisioningStatusInfo"]!["errorInformation"]!;
        Assert.Equal("AttributeMappingExpressionEvaluationFailed", (string?)error["errorCode"]);
        Assert.Contains("CBool([mailNickname])", (string?)error["reason"], StringComparison.Ordinal);
        Assert.Contains("'grace' is not a boolean", (string?)error["reason"], StringComparison.Ordinal);
        Assert.Empty(Users(await PulumiAsync()));

        // The next cycle runs as usual.
        JsonObject again = await RestartAndWaitAsync(job);
        Assert.Equal("EntryLevelErrors", (string?)again["status"]!["lastExecution"]!["state"]);
    }

    [Fact]
    public async Task IgnoreFlowIfNullOrEmpty_DropsTheAttribute()
    {
        string job = await ConfigureAsync(editSchema: s =>
        {
            JsonObject displayName = Mapping(s, "User")["attributeMappings"]!.AsArray().OfType<JsonObject>().First(m => (string?)m["targetAttributeName"] == "displayName");
            displayName["source"] = Engine.Expressions.Expression.Parse("IgnoreFlowIfNullOrEmpty([jobTitle])").ToAttributeMappingSource();
        });
        await AssignAsync(AdaId);
        await AssignAsync(GraceId);
        await StartAndWaitAsync(job);
        JsonObject org = await PulumiAsync();
        Assert.Equal("Platform Engineer", (string?)UserNamed(org, "ada")!["displayName"]);
        Assert.Null(UserNamed(org, "grace")!["displayName"]);
    }

    [Fact]
    public async Task RevokedToken_FailsWholeCycles_QuarantinesAfterThree_AndStartClearsIt()
    {
        string job = await ConfigureAsync();
        await AssignAsync(GraceId);
        await StartAndWaitAsync(job);
        SetPulumiToken("regenerated-in-pulumi");

        JsonObject first = await RestartAndWaitAsync(job);
        JsonObject status = first["status"]!.AsObject();
        Assert.Equal("Failed", (string?)status["lastExecution"]!["state"]);
        Assert.Equal("SystemForCrossDomainIdentityManagementCredentialValidationFailure", (string?)status["lastExecution"]!["error"]!["code"]);
        Assert.True((bool)status["lastExecution"]!["error"]!["tenantActionable"]!);
        Assert.DoesNotContain("regenerated-in-pulumi", first.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ScimToken, first.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(1, (int)status["countSuccessiveCompleteFailures"]!);
        Assert.Equal("Active", (string?)status["code"]);
        Assert.Null(status["quarantine"]);

        await RestartAndWaitAsync(job, "Watermark");
        JsonObject third = await RestartAndWaitAsync(job, "Watermark");
        status = third["status"]!.AsObject();
        Assert.Equal(3, (int)status["countSuccessiveCompleteFailures"]!);
        Assert.Equal("Quarantine", (string?)status["code"]);
        JsonObject quarantine = status["quarantine"]!.AsObject();
        Assert.Equal("EncounteredQuarantineException", (string?)quarantine["reason"]);
        Assert.Equal(1, (int)quarantine["seriesCount"]!);
        Assert.Equal("SystemForCrossDomainIdentityManagementCredentialValidationFailure", (string?)quarantine["error"]!["code"]);
        Assert.True(DateTime.Parse((string)quarantine["nextAttempt"]!, System.Globalization.CultureInfo.InvariantCulture) > DateTime.Parse((string)quarantine["currentBegan"]!, System.Globalization.CultureInfo.InvariantCulture));
        AssertShape(JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "quarantined-status.json"))), status);

        // A Watermark restart leaves the quarantine; the next failure extends the series.
        JsonObject fourth = await RestartAndWaitAsync(job, "Watermark");
        Assert.Equal("Quarantine", (string?)fourth["status"]!["code"]);
        Assert.Equal(2, (int)fourth["status"]!["quarantine"]!["seriesCount"]!);
        Assert.Equal((string?)quarantine["seriesBegan"], (string?)fourth["status"]!["quarantine"]!["seriesBegan"]);

        // Fixed and started: out of quarantine, Active again.
        SetPulumiToken(ScimToken);
        JsonObject recovered = await StartAndWaitAsync(job);
        Assert.Equal("Active", (string?)recovered["status"]!["code"]);
        Assert.Null(recovered["status"]!["quarantine"]);
        Assert.Equal(0, (int)recovered["status"]!["countSuccessiveCompleteFailures"]!);
        Assert.Equal("Succeeded", (string?)recovered["status"]!["lastExecution"]!["state"]);
    }

    [Fact]
    public async Task UnreachableTenantUrl_FailsTheCycle()
    {
        int closedPort = SandboxServer.FreePort();
        string job = await ConfigureAsync(baseAddress: $"http://127.0.0.1:{closedPort}/scim/v2/acme");
        await AssignAsync(GraceId);
        JsonObject after = await StartAndWaitAsync(job);
        JsonObject last = after["status"]!["lastExecution"]!.AsObject();
        Assert.Equal("Failed", (string?)last["state"]);
        Assert.Equal("SystemForCrossDomainIdentityManagementCredentialValidationUnavailable", (string?)last["error"]!["code"]);
        Assert.Contains($"127.0.0.1:{closedPort}", (string?)last["error"]!["message"], StringComparison.Ordinal);
        Assert.Null(after["status"]!["lastSuccessfulExecution"]);
    }

    [Fact]
    public async Task MalformedTenantUrl_FailsTheCycleAsTheTutorialShows()
    {
        string job = await ConfigureAsync(baseAddress: "not a url");
        JsonObject after = await StartAndWaitAsync(job);
        JsonObject error = after["status"]!["lastExecution"]!["error"]!.AsObject();
        Assert.Equal("SystemForCrossDomainIdentityManagementInvalidCredentials", (string?)error["code"]);
        Assert.Equal("Please provide a valid tenant URL for your application.", (string?)error["message"]);
    }

    [Fact]
    public async Task WrongOrganization_IsA404_AndFailsTheCycle()
    {
        string job = await ConfigureAsync(baseAddress: $"{Sandbox.PulumiApiUri}/scim/v2/nosuchorg");
        JsonObject after = await StartAndWaitAsync(job);
        Assert.Equal("Failed", (string?)after["status"]!["lastExecution"]!["state"]);
        Assert.Contains("NotFound", (string?)after["status"]!["lastExecution"]!["error"]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestartFull_ForgetsTheLinks_AndMatchesAgainByUserName()
    {
        string job = await ConfigureAsync();
        await AssignAsync(GraceId);
        await StartAndWaitAsync(job);
        string id = (string)Users(await PulumiAsync()).Single()["id"]!;
        await SendAsync(HttpMethod.Patch, "/_sandbox/users/" + GraceId, new { surname = "Murray Hopper" });

        JsonObject after = await RestartAndWaitAsync(job, "Full");
        Assert.Equal("Succeeded", (string?)after["status"]!["lastExecution"]!["state"]);
        JsonObject grace = Users(await PulumiAsync()).Single();
        Assert.Equal(id, (string?)grace["id"]);
        Assert.Equal("Murray Hopper", (string?)grace["name"]!["familyName"]);
        Assert.NotEmpty(await ScimRequestsAsync("GET", "/Users"));
    }

    [Fact]
    public async Task SyncAll_ProvisionsEveryUserAndGroup()
    {
        string job = await ConfigureAsync(syncAll: true);
        JsonObject after = await StartAndWaitAsync(job);
        JsonObject org = await PulumiAsync();

        // Everyone but bob (taken) and katherine (no mail); edsger inactive.
        Assert.Equal(["ada", "alan", "barbara", "edsger", "grace", "linus"], Users(org).Select(u => (string)u["userName"]!).Order().ToArray());
        Assert.Equal(["Finance", "Platform Team", "SRE"], Teams(org).Select(t => (string)t["displayName"]!).Order().ToArray());
        Assert.Equal(2, (int)after["status"]!["lastExecution"]!["countEscrowed"]!);
    }

    [Fact]
    public async Task RunCycleNowAsync_RunsOneCycleAndReturnsItsResult()
    {
        string job = await ConfigureAsync();
        await AssignAsync(GraceId);
        var result = await Sandbox.Provisioning.RunCycleNowAsync(SpId, job);
        Assert.NotNull(result);
        Assert.Equal("Succeeded", result.State);
        Assert.Single(result.Entries);
        Assert.Equal(result.ActivityId, (string?)(await GetJobAsync(job))["status"]!["lastExecution"]!["activityIdentifier"]);
        Assert.Null(await Sandbox.Provisioning.RunCycleNowAsync(SpId, "nope"));
    }

    [Fact]
    public async Task JobWithoutCredentials_RunsNoCycle()
    {
        string job = await CreateJobAsync();
        Assert.Null(await Sandbox.Provisioning.RunCycleNowAsync(SpId, job));
        Assert.Null((await GetJobAsync(job))["status"]!["lastExecution"]);
    }

    [Fact]
    public async Task ProvisioningIsHermetic_ARealPulumiUrlIsNeverCalled_AndStopEndsTheCycle()
    {
        string job = await ConfigureAsync(baseAddress: "https://api.pulumi.com/scim/v2/acme");
        await AssignAsync(GraceId);
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(SyncPath($"/jobs/{job}/start"), "")).Status);
        await Task.Delay(100); // let the cycle start and block on the unanswered request
        var watch = Stopwatch.StartNew();
        Sandbox.Stop();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"Stop took {watch.ElapsedMilliseconds} ms");
        lock (Sandbox.State.Sync)
        {
            Assert.Null(Sandbox.State.Applications[0].Jobs[0].Job["status"]!["lastExecution"]);
        }
    }
}
