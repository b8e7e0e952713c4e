// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary>The scim job's default schema, and schema GET/PUT/PATCH as the synchronization service answers them.</summary>
public sealed class GraphSchemaTests : GraphTestClient
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private const string CoreGroup = "urn:ietf:params:scim:schemas:core:2.0:Group";

    private static JsonObject Rule(JsonNode schema) => schema["synchronizationRules"]![0]!.AsObject();

    private static JsonObject Mapping(JsonNode schema, string source) =>
        Rule(schema)["objectMappings"]!.AsArray().Single(m => (string?)m!["sourceObjectName"] == source)!.AsObject();

    private static JsonObject TargetObject(JsonNode schema, string name) =>
        schema["directories"]!.AsArray().Single(d => (string?)d!["name"] == "customappsso")!["objects"]!.AsArray()
            .Single(o => (string?)o!["name"] == name)!.AsObject();

    [Fact]
    public async Task DefaultSchema_HasTheScimJobsDirectoriesRuleAndMappings()
    {
        string job = await CreateJobAsync();
        GraphAnswer a = await GetAsync(SyncPath($"/jobs/{job}/schema"));
        Assert.Equal(HttpStatusCode.OK, a.Status);
        JsonNode s = a.Body!;
        Assert.Equal(job, (string?)s["id"]);
        Assert.Equal(["Azure Active Directory", "customappsso"], s["directories"]!.AsArray().Select(d => (string?)d!["name"]));

        JsonObject rule = Rule(s);
        Assert.Equal("03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8", (string?)rule["id"]);
        Assert.Equal("USERGROUP_OUTBOUND_USERGROUP", (string?)rule["name"]);
        Assert.Equal("Azure Active Directory", (string?)rule["sourceDirectoryName"]);
        Assert.Equal("customappsso", (string?)rule["targetDirectoryName"]);

        JsonObject users = Mapping(s, "User");
        Assert.Equal(Enterprise, (string?)users["targetObjectName"]);
        Assert.True((bool)users["enabled"]!);
        Assert.Equal("Add, Update, Delete", (string?)users["flowTypes"]);
        var byTarget = users["attributeMappings"]!.AsArray().ToDictionary(m => (string)m!["targetAttributeName"]!, m => m!.AsObject());
        string[] expectedTargets =
        [
            "userName", "active", "displayName", "title", "emails[type eq \"work\"].value", "preferredLanguage", "name.givenName",
            "name.familyName", "name.formatted", "addresses[type eq \"work\"].formatted", "addresses[type eq \"work\"].streetAddress",
            "addresses[type eq \"work\"].locality", "addresses[type eq \"work\"].region", "addresses[type eq \"work\"].postalCode",
            "addresses[type eq \"work\"].country", "phoneNumbers[type eq \"work\"].value", "phoneNumbers[type eq \"mobile\"].value",
            "phoneNumbers[type eq \"fax\"].value", "externalId", Enterprise + ":employeeNumber", Enterprise + ":department", Enterprise + ":manager",
        ];
        Assert.Equal(expectedTargets.Order(), byTarget.Keys.Order());
        Assert.Equal("[userPrincipalName]", (string?)byTarget["userName"]["source"]!["expression"]);
        Assert.Equal(1, (int)byTarget["userName"]["matchingPriority"]!);
        JsonNode active = byTarget["active"]["source"]!;
        Assert.Equal("Function", (string?)active["type"]);
        Assert.Equal("Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")", (string?)active["expression"]);
        Assert.NotEmpty(active["parameters"]!.AsArray());
        Assert.Equal("Join(\" \", [givenName], [surname])", (string?)byTarget["name.formatted"]["source"]!["expression"]);
        Assert.Equal("[mailNickname]", (string?)byTarget["externalId"]["source"]!["expression"]);
        foreach (JsonObject m in byTarget.Values)
        {
            foreach (string key in new[] { "defaultValue", "exportMissingReferences", "flowBehavior", "flowType", "matchingPriority", "source", "targetAttributeName" })
            {
                Assert.True(m.ContainsKey(key), key);
            }

            Assert.Equal("FlowWhenChanged", (string?)m["flowBehavior"]);
            Assert.Equal("Always", (string?)m["flowType"]);
        }

        JsonObject groups = Mapping(s, "Group");
        Assert.Equal(CoreGroup, (string?)groups["targetObjectName"]);
        Assert.False((bool)groups["enabled"]!);
        Assert.Equal(["displayName", "externalId", "members"], groups["attributeMappings"]!.AsArray().Select(m => (string?)m!["targetAttributeName"]));
        Assert.Equal("[objectId]", (string?)groups["attributeMappings"]![1]!["source"]!["expression"]);

        JsonObject email = TargetObject(s, Enterprise)["attributes"]!.AsArray().Single(x => (string?)x!["name"] == "emails[type eq \"work\"].value")!.AsObject();
        Assert.False((bool)email["required"]!);
        foreach (string key in new[] { "anchor", "apiExpressions", "caseExact", "defaultValue", "flowNullValues", "metadata", "multivalued", "mutability", "name", "referencedObjects", "required", "type" })
        {
            Assert.True(email.ContainsKey(key), key);
        }

        JsonObject manager = TargetObject(s, Enterprise)["attributes"]!.AsArray().Single(x => (string?)x!["name"] == Enterprise + ":manager")!.AsObject();
        Assert.Equal("Reference", (string?)manager["type"]);
        JsonObject members = TargetObject(s, CoreGroup)["attributes"]!.AsArray().Single(x => (string?)x!["name"] == "members")!.AsObject();
        Assert.True((bool)members["multivalued"]!);
        Assert.Equal("Reference", (string?)members["type"]);

        // Graph writes quotes inside strings as \" (not \u0022).
        Assert.Contains("\"emails[type eq \\\"work\\\"].value\"", a.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutSchema_TheSeedRecipe_Is204AndStoredAsSent()
    {
        string job = await CreateJobAsync();
        JsonNode s = (await GetAsync(SyncPath($"/jobs/{job}/schema"))).Body!;
        s.AsObject().Remove("@odata.context");

        // The guide's edits, done on the JSON as the module does them.
        JsonObject users = Mapping(s, "User");
        string[] keep = ["userName", "active", "displayName", "emails[type eq \"work\"].value", "name.givenName", "name.familyName"];
        JsonArray mappings = users["attributeMappings"]!.AsArray();
        foreach (JsonNode? m in mappings.ToList())
        {
            if (!keep.Contains((string?)m!["targetAttributeName"]))
            {
                mappings.Remove(m);
            }
        }

        JsonObject userName = mappings.Single(m => (string?)m!["targetAttributeName"] == "userName")!.AsObject();
        userName["source"] = JsonNode.Parse("""{"expression":"[mailNickname]","name":"mailNickname","parameters":[],"type":"Attribute"}""");
        userName["flowType"] = "ObjectAddOnly";
        TargetObject(s, Enterprise)["attributes"]!.AsArray().Single(x => (string?)x!["name"] == "emails[type eq \"work\"].value")!["required"] = true;
        JsonObject groups = Mapping(s, "Group");
        groups["enabled"] = true;
        JsonArray groupMappings = groups["attributeMappings"]!.AsArray();
        groupMappings.Remove(groupMappings.Single(m => (string?)m!["targetAttributeName"] == "externalId"));
        s["someFutureProperty"] = JsonNode.Parse("""{"precision": 1.50, "list": [1, "two", null]}""");

        GraphAnswer put = await SendAsync(HttpMethod.Put, SyncPath($"/jobs/{job}/schema"), s);
        Assert.Equal(HttpStatusCode.NoContent, put.Status);
        Assert.Equal(string.Empty, put.Text);

        GraphAnswer get = await GetAsync(SyncPath($"/jobs/{job}/schema"));
        JsonObject back = get.Body!.AsObject();
        back.Remove("@odata.context");
        Assert.True(JsonNode.DeepEquals(s, back));
        Assert.Contains("\"precision\":1.50", get.Text, StringComparison.Ordinal);
        Assert.Equal(6, Mapping(back, "User")["attributeMappings"]!.AsArray().Count);
    }

    [Fact]
    public async Task PutSchema_MappingToAnUndefinedAttribute_Is400NamingIt()
    {
        string job = await CreateJobAsync();
        JsonNode s = (await GetAsync(SyncPath($"/jobs/{job}/schema"))).Body!;
        Mapping(s, "User")["attributeMappings"]!.AsArray()[2]!["targetAttributeName"] = "shoeSize";
        GraphAnswer put = await SendAsync(HttpMethod.Put, SyncPath($"/jobs/{job}/schema"), s);
        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        Assert.Contains("'shoeSize'", put.ErrorMessage);

        GraphAnswer unchanged = await GetAsync(SyncPath($"/jobs/{job}/schema"));
        Assert.DoesNotContain("shoeSize", unchanged.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutSchema_TargetMappedTwice_Is400NamingIt()
    {
        string job = await CreateJobAsync();
        JsonNode s = (await GetAsync(SyncPath($"/jobs/{job}/schema"))).Body!;
        JsonArray mappings = Mapping(s, "User")["attributeMappings"]!.AsArray();
        JsonNode copy = mappings.Single(m => (string?)m!["targetAttributeName"] == "displayName")!.DeepClone();
        mappings.Add(copy);
        GraphAnswer put = await SendAsync(HttpMethod.Put, SyncPath($"/jobs/{job}/schema"), s);
        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        Assert.Contains("'displayName'", put.ErrorMessage);
        Assert.Contains("more than once", put.ErrorMessage);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"id":"x"}""")]
    [InlineData("""{"directories":[],"synchronizationRules":[{"targetDirectoryName":"customappsso","objectMappings":[]}]}""")]
    public async Task PutSchema_NotASchema_Is400(string body)
    {
        string job = await CreateJobAsync();
        GraphAnswer put = await SendAsync(HttpMethod.Put, SyncPath($"/jobs/{job}/schema"), body);
        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
    }

    [Fact]
    public async Task PutSchema_InvalidFlowType_Is400()
    {
        string job = await CreateJobAsync();
        JsonNode s = (await GetAsync(SyncPath($"/jobs/{job}/schema"))).Body!;
        Mapping(s, "User")["attributeMappings"]![0]!["flowType"] = "OnlyDuringCreation";
        GraphAnswer put = await SendAsync(HttpMethod.Put, SyncPath($"/jobs/{job}/schema"), s);
        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        Assert.Contains("flowType", put.ErrorMessage);
    }

    [Fact]
    public async Task PatchSchema_Is404AsSyncfabricAnswersIt()
    {
        // msgraph-sdk-python#820: the 404 Graph answers a schema PATCH
        // (microsoftgraph/msgraph-sdk-python#820; msgraph-sdk-powershell#1134).
        string job = await CreateJobAsync();
        JsonNode s = (await GetAsync(SyncPath($"/jobs/{job}/schema"))).Body!;
        GraphAnswer patch = await SendAsync(HttpMethod.Patch, SyncPath($"/jobs/{job}/schema"), s);
        Assert.Equal(HttpStatusCode.NotFound, patch.Status);
        Assert.Equal("UnknownError", patch.ErrorCode);
        Assert.Equal(
            $"{{\"Message\":\"No HTTP resource was found that matches the request URI 'https://syncfabric.windowsazure.com/api/servicePrincipals('{SpId}')/synchronization/jobs('{job}')/schema?api-version=2.0'.\"}}",
            patch.ErrorMessage);
    }

    [Fact]
    public async Task SeededFullSchema_IsServedAsGiven()
    {
        JsonObject seed = GraphSeeds.WithJob(s =>
            s["applications"]![0]!["synchronization"]!["jobs"]![0]!["schema"] = JsonNode.Parse("""{"id":"custom","version":"v","directories":[],"synchronizationRules":[],"marker":true}"""));
        using var c = new GraphTestClient(seed.ToJsonString());
        GraphAnswer a = await c.GetAsync(SyncPath($"/jobs/{JobId}/schema"));
        Assert.Equal(HttpStatusCode.OK, a.Status);
        Assert.Equal("custom", (string?)a.Body!["id"]);
        Assert.True((bool)a.Body["marker"]!);
    }
}
