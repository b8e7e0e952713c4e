// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Tests;

/// <summary>
/// Seed validation, case by case: each broken seed (the example seed with one thing changed) is refused with an
/// InvalidDataException whose message names the JSON path of the problem and its fix (docs/sandbox.md).
/// </summary>
public sealed class SeedValidationTests
{
    private const string Ada = "bc0958cf-3a83-5957-b570-e0833948591c";
    private const string Unknown = "0f0f0f0f-0000-4000-8000-000000000001";

    private static JsonObject Example()
    {
        using Stream s = typeof(SandboxServer).Assembly.GetManifestResourceStream("PulumiScim.Sandbox.example-seed.json")!;
        return JsonNode.Parse(s)!.AsObject();
    }

    private static JsonObject App(JsonObject seed) => seed["applications"]![0]!.AsObject();

    private static JsonObject WithJob(JsonObject seed)
    {
        App(seed)["synchronization"] = new JsonObject
        {
            ["jobs"] = new JsonArray(new JsonObject { ["templateId"] = "scim", ["schema"] = "template" }),
            ["secrets"] = new JsonArray(new JsonObject { ["key"] = "BaseAddress", ["value"] = "https://api.pulumi.com/scim/v2/acme" }),
        };
        return App(seed)["synchronization"]!.AsObject();
    }

    private static JsonObject Org(JsonObject seed) => seed["pulumi"]!["organizations"]![0]!.AsObject();

    private static JsonObject Generate(JsonObject seed)
    {
        var gen = new JsonObject { ["count"] = 10, ["failureRatio"] = 0.1, ["from"] = "2026-11-01T00:00:00Z", ["seed"] = 7 };
        seed["provisioningLogs"] = new JsonObject { ["generate"] = gen };
        return gen;
    }

    /// <summary>Name, the change, and what the message must contain: the path with the problem, and the fix.</summary>
    public static TheoryData<string, Action<JsonObject>, string, string> Cases => new()
    {
        // Required fields missing.
        { "no tenantId", s => s.Remove("tenantId"), "tenantId is missing", "tenant id" },
        { "a user without id", s => s["users"]![2]!.AsObject().Remove("id"), "users[2].id is missing", "give every user its object id" },
        { "a user without userPrincipalName", s => s["users"]![0]!.AsObject().Remove("userPrincipalName"), "users[0].userPrincipalName is missing", "sign-in name" },
        { "a group without id", s => s["groups"]![1]!.AsObject().Remove("id"), "groups[1].id is missing", "give every group its object id" },
        { "a group without displayName", s => s["groups"]![0]!.AsObject().Remove("displayName"), "groups[0].displayName is missing", "display name" },
        { "an application without displayName", s => App(s).Remove("displayName"), "applications[0].displayName is missing", "display name" },
        { "an assignment without principalId", s => App(s)["assignments"] = new JsonArray(new JsonObject()), "applications[0].assignments[0].principalId is missing", "assigned user or group" },
        { "a secret without key", s => WithJob(s)["secrets"]![0]!.AsObject().Remove("key"), "applications[0].synchronization.secrets[0].key is missing", "BaseAddress" },
        { "an organization without token", s => Org(s).Remove("token"), "pulumi.organizations[0].token is missing", "SCIM token" },
        { "an organization without name", s => Org(s).Remove("name"), "pulumi.organizations[0].name is missing", "login name" },
        { "a Pulumi user without userName", s => Org(s)["users"] = new JsonArray(new JsonObject { ["active"] = true }), "pulumi.organizations[0].users[0].userName is missing", "userName" },
        { "a Pulumi group without displayName", s => Org(s)["groups"] = new JsonArray(new JsonObject()), "pulumi.organizations[0].groups[0].displayName is missing", "displayName" },
        { "a log generator without from", s => Generate(s).Remove("from"), "provisioningLogs.generate.from is missing", "2026-11-01T00:00:00Z" },

        // Wrong types.
        { "tenantId not a GUID", s => s["tenantId"] = "contoso", "tenantId is the string \"contoso\"", "write a GUID" },
        { "users an object", s => s["users"] = new JsonObject(), "users is an object", "write an array" },
        { "a user a string", s => s["users"]![0] = "ada", "users[0] is the string \"ada\"", "as an object" },
        { "a user id a number", s => s["users"]![0]!["id"] = 42, "users[0].id is the number 42", "write a GUID" },
        { "userPrincipalName a number", s => s["users"]![0]!["userPrincipalName"] = 5, "users[0].userPrincipalName is the number 5", "as a string" },
        { "mail a boolean", s => s["users"]![0]!["mail"] = true, "users[0].mail is the boolean true", "as a string" },
        { "accountEnabled a string", s => s["users"]![0]!["accountEnabled"] = "yes", "users[0].accountEnabled is the string \"yes\"", "true or false" },
        { "securityEnabled a string", s => s["groups"]![0]!["securityEnabled"] = "true", "groups[0].securityEnabled is the string \"true\"", "true or false" },
        { "members a string", s => s["groups"]![0]!["members"] = Ada, "groups[0].members is the string", "write an array" },
        { "a member a number", s => s["groups"]![0]!["members"]![0] = 7, "groups[0].members[0] is the number 7", "as a string" },
        { "servicePrincipalId not a GUID", s => App(s)["servicePrincipalId"] = "pulumi", "applications[0].servicePrincipalId is the string \"pulumi\"", "write a GUID" },
        { "identifierUris a string", s => App(s)["identifierUris"] = "https://x", "applications[0].identifierUris is the string", "write an array" },
        { "synchronization a string", s => App(s)["synchronization"] = "on", "applications[0].synchronization is the string \"on\"", "write an object" },
        { "a job's schema a number", s => WithJob(s)["jobs"]![0]!["schema"] = 5, "applications[0].synchronization.jobs[0].schema is the number 5", "\"template\"" },
        { "a schedule state unknown", s => WithJob(s)["jobs"]![0]!["schedule"] = new JsonObject { ["state"] = "On" }, "applications[0].synchronization.jobs[0].schedule.state is 'On'", "Active, Disabled or Paused" },
        { "a taken user name a number", s => s["pulumi"]!["takenUserNames"]![0] = 1, "pulumi.takenUserNames[0] is the number 1", "as a string" },
        { "organizations an object", s => s["pulumi"]!["organizations"] = new JsonObject(), "pulumi.organizations is an object", "write an array" },
        { "from not a date", s => Generate(s)["from"] = "yesterday", "provisioningLogs.generate.from 'yesterday'", "2026-11-01T00:00:00Z" },
        { "failureRatio over 1", s => Generate(s)["failureRatio"] = 2, "provisioningLogs.generate.failureRatio is the number 2", "from 0 to 1" },
        { "count a string", s => Generate(s)["count"] = "10", "provisioningLogs.generate.count is the string \"10\"", "whole number" },
        { "pageSize 0", s => s["options"]!["pageSize"] = 0, "options.pageSize is the number 0", "at least 1" },
        { "replicationDelayMs a string", s => s["options"]!["replicationDelayMs"] = "100", "options.replicationDelayMs is the string \"100\"", "whole number" },
        { "throttleProvisioningLogs a string", s => s["options"]!["throttleProvisioningLogs"] = "true", "options.throttleProvisioningLogs is the string \"true\"", "true or false" },
        { "options an array", s => s["options"] = new JsonArray(), "options is an array", "write an object" },

        // Dangling references and duplicates.
        { "a member naming no one", s => s["groups"]![0]!["members"]!.AsArray().Add(Unknown), $"groups[0].members[3] names '{Unknown}'", "add it to users" },
        { "an assignment naming no one", s => App(s)["assignments"] = new JsonArray(new JsonObject { ["principalId"] = Unknown }), $"applications[0].assignments[0].principalId names '{Unknown}'", "or remove the assignment" },
        { "an assignment's role unknown", s => App(s)["assignments"] = new JsonArray(new JsonObject { ["principalId"] = Ada, ["appRoleId"] = Unknown }), $"applications[0].assignments[0].appRoleId '{Unknown}' is no role", "18d14569-c3bd-439b-9a66-3a2aee01d14f" },
        { "a generator naming no app", s => Generate(s)["servicePrincipalId"] = Unknown, $"provisioningLogs.generate.servicePrincipalId names '{Unknown}'", "servicePrincipalId" },
        { "two users of one id", s => s["users"]![1]!["id"] = Ada, $"users[1].id '{Ada}' is the id of another user", "its own id" },
        { "two organizations of one name", s => s["pulumi"]!["organizations"]!.AsArray().Add(new JsonObject { ["name"] = "ACME", ["token"] = "t" }), "pulumi.organizations[1].name 'ACME' names another organization", "its own name" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_broken_seed_is_refused_naming_the_path_and_the_fix(string name, Action<JsonObject> change, string path, string fix)
    {
        JsonObject seed = Example();
        change(seed);
        var ex = Assert.Throws<InvalidDataException>(() => SeedLoader.Load(seed.ToJsonString()));
        Assert.True(ex.Message.Contains(path, StringComparison.Ordinal), $"{name}: the message does not name '{path}': {ex.Message}");
        string fixPart = ex.Message[(ex.Message.IndexOf(path, StringComparison.Ordinal) + path.Length)..];
        Assert.True(fixPart.Contains(fix, StringComparison.Ordinal), $"{name}: the message gives no fix '{fix}' after the path: {ex.Message}");
    }

    [Fact]
    public void Every_problem_is_listed_at_once_with_a_proper_count()
    {
        JsonObject seed = Example();
        seed["users"]![4]!.AsObject().Remove("id"); // katherine, in no group
        Org(seed).Remove("token");
        seed["options"]!["pageSize"] = -1;
        var ex = Assert.Throws<InvalidDataException>(() => SeedLoader.Load(seed.ToJsonString()));
        Assert.StartsWith("3 problems in the seed:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("- users[4].id is missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("- pulumi.organizations[0].token is missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("- options.pageSize is the number -1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_problem_is_one_sentence_without_a_count()
    {
        JsonObject seed = Example();
        Org(seed).Remove("token");
        var ex = Assert.Throws<InvalidDataException>(() => SeedLoader.Load(seed.ToJsonString()));
        Assert.StartsWith("pulumi.organizations[0].token is missing:", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1, 2]", "The seed is array")]
    [InlineData("null", "The seed is empty (null)")]
    [InlineData("\"seed\"", "The seed is string")]
    public void A_seed_that_is_no_object_is_refused(string json, string start)
    {
        var ex = Assert.Throws<InvalidDataException>(() => SeedLoader.Load(json));
        Assert.StartsWith(start, ex.Message, StringComparison.Ordinal);
        Assert.Contains("write one JSON object", ex.Message, StringComparison.Ordinal);
    }

    private static JsonObject Fuller()
    {
        JsonObject seed = Example();
        WithJob(seed)["jobs"]![0]!["schedule"] = new JsonObject { ["state"] = "Paused", ["interval"] = "PT40M" };
        App(seed)["assignments"] = new JsonArray(
            new JsonObject { ["principalId"] = Ada, ["appRoleId"] = null },
            new JsonObject { ["principalId"] = "25168b6f-bdfb-5fcd-b211-0982b8e6b202", ["appRoleId"] = SeedLoader.UserRoleId });
        seed["groups"]![0]!["members"]!.AsArray().Add("d80c8a19-0959-523b-b841-663149078de9"); // a nested group
        Generate(seed);
        return seed;
    }

    [Fact]
    public void The_example_seed_and_a_fuller_one_load()
    {
        Assert.Equal(8, SeedLoader.Load(Example().ToJsonString()).Users.Count);
        Assert.Equal(2, SeedLoader.Load(Fuller().ToJsonString()).Applications[0].Assignments.Count);
    }

    [Fact]
    public void The_exported_state_of_a_running_sandbox_loads_again()
    {
        using SandboxServer sandbox = SandboxServer.Start(Fuller().ToJsonString());
        string exported = StateExporter.Export(sandbox.State).ToJsonString();
        SandboxState again = SeedLoader.Load(exported);
        Assert.Equal(2, again.Applications[0].Assignments.Count);
        Assert.Single(again.Applications[0].Jobs);
    }
}
