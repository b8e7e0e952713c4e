// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary>servicePrincipals, users, groups and members against Graph's documented shapes and query behaviour.</summary>
public sealed class ContractDirectoryTests : GraphTestClient
{
    [Fact]
    public async Task Users_List_ReturnsGraphsDefaultPropertySet()
    {
        // Graph docs, api-reference/v1.0/api/user-list.md: without $select only a default set is returned
        // (businessPhones, displayName, givenName, id, jobTitle, mail, mobilePhone, officeLocation,
        // preferredLanguage, surname, userPrincipalName).
        GraphAnswer a = await GetAsync("/v1.0/users");
        Assert.Equal(HttpStatusCode.OK, a.Status);
        Assert.EndsWith("$metadata#users", (string?)a.Body!["@odata.context"]);
        JsonObject first = a.Body["value"]!.AsArray()[0]!.AsObject();
        string[] expected = ["businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"];
        Assert.Equal(expected.Order(), first.Select(kv => kv.Key).Order());
        Assert.IsType<JsonArray>(first["businessPhones"]);
        Assert.Equal(8, a.Body["value"]!.AsArray().Count);
    }

    [Fact]
    public async Task Users_Select_ReturnsExactlyTheSelectedProperties()
    {
        GraphAnswer a = await GetAsync("/v1.0/users?$select=id,accountEnabled,mailNickname,mail&$filter=mailNickname eq 'katherine'");
        Assert.Equal(HttpStatusCode.OK, a.Status);
        JsonObject u = a.Body!["value"]!.AsArray().Single()!.AsObject();
        Assert.Equal(["accountEnabled", "id", "mail", "mailNickname"], u.Select(kv => kv.Key).Order());
        Assert.Null(u["mail"]);
        Assert.True((bool)u["accountEnabled"]!);
    }

    [Fact]
    public async Task Users_UnknownSelectProperty_Is400()
    {
        GraphAnswer a = await GetAsync("/v1.0/users?$select=id,shoeSize");
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
        Assert.Equal("Request_BadRequest", a.ErrorCode);
        Assert.Contains("shoeSize", a.ErrorMessage);
    }

    [Theory]
    [InlineData("userPrincipalName eq 'ada@contoso.example'", 1)]
    [InlineData("startswith(displayName,'A')", 2)]
    [InlineData("accountEnabled eq false", 1)]
    [InlineData("mail eq 'nobody@contoso.example'", 0)]
    public async Task Users_Filter(string filter, int count)
    {
        GraphAnswer a = await GetAsync("/v1.0/users?$filter=" + Uri.EscapeDataString(filter));
        Assert.Equal(HttpStatusCode.OK, a.Status);
        Assert.Equal(count, a.Body!["value"]!.AsArray().Count);
    }

    [Fact]
    public async Task Users_UnsupportedFilter_Is400UnsupportedQuery()
    {
        GraphAnswer a = await GetAsync("/v1.0/users?$filter=" + Uri.EscapeDataString("endswith(mail,'x')"));
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
        Assert.Equal("Request_UnsupportedQuery", a.ErrorCode);
    }

    [Fact]
    public async Task Users_Paging_FollowsNextLinkToTheEnd()
    {
        var ids = new List<string>();
        string? next = "/v1.0/users?$top=3&$select=id";
        int pages = 0;
        while (next is not null)
        {
            GraphAnswer a = await GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, a.Status);
            ids.AddRange(a.Body!["value"]!.AsArray().Select(u => (string)u!["id"]!));
            next = (string?)a.Body["@odata.nextLink"];
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(8, ids.Distinct().Count());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1000")]
    [InlineData("x")]
    public async Task Users_BadTop_Is400(string top)
    {
        GraphAnswer a = await GetAsync("/v1.0/users?$top=" + top);
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
    }

    [Fact]
    public async Task User_ById_AndByUserPrincipalName()
    {
        GraphAnswer byId = await GetAsync($"/v1.0/users/{AdaId}");
        GraphAnswer byUpn = await GetAsync("/v1.0/users/ADA@contoso.example");
        Assert.Equal(HttpStatusCode.OK, byId.Status);
        Assert.Equal(HttpStatusCode.OK, byUpn.Status);
        Assert.Equal(AdaId, (string?)byUpn.Body!["id"]);
        Assert.EndsWith("$metadata#users/$entity", (string?)byId.Body!["@odata.context"]);
    }

    [Fact]
    public async Task UnknownIds_Are404ResourceNotFound()
    {
        foreach (string path in new[] { "/v1.0/users/" + Guid.NewGuid(), "/v1.0/groups/" + Guid.NewGuid(), "/v1.0/groups/" + Guid.NewGuid() + "/members", "/v1.0/servicePrincipals/" + Guid.NewGuid() })
        {
            GraphAnswer a = await GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, a.Status);
            Assert.Equal("Request_ResourceNotFound", a.ErrorCode);
            Assert.NotNull(a.Body!["error"]!["innerError"]!["request-id"]);
        }
    }

    [Fact]
    public async Task Groups_HideTheSeedsMembersList()
    {
        GraphAnswer list = await GetAsync("/v1.0/groups?$filter=displayName eq 'Platform Team'");
        JsonObject g = list.Body!["value"]!.AsArray().Single()!.AsObject();
        Assert.False(g.ContainsKey("members"));
        Assert.True((bool)g["securityEnabled"]!);
        GraphAnswer one = await GetAsync($"/v1.0/groups/{PlatformTeamId}");
        Assert.False(one.Body!.AsObject().ContainsKey("members"));
        Assert.Equal("Platform Team", (string?)one.Body["displayName"]);
    }

    [Fact]
    public async Task GroupMembers_AreTypedUserObjects()
    {
        GraphAnswer a = await GetAsync($"/v1.0/groups/{PlatformTeamId}/members");
        Assert.Equal(HttpStatusCode.OK, a.Status);
        Assert.EndsWith("$metadata#directoryObjects", (string?)a.Body!["@odata.context"]);
        var members = a.Body["value"]!.AsArray();
        Assert.Equal(3, members.Count);
        Assert.All(members, m => Assert.Equal("#microsoft.graph.user", (string?)m!["@odata.type"]));
        Assert.Contains(members, m => (string?)m!["userPrincipalName"] == "ada@contoso.example");

        GraphAnswer paged = await GetAsync($"/v1.0/groups/{PlatformTeamId}/members?$top=2&$select=id,mailNickname");
        Assert.Equal(2, paged.Body!["value"]!.AsArray().Count);
        Assert.NotNull(paged.Body["@odata.nextLink"]);
        Assert.NotNull(paged.Body["value"]![0]!["mailNickname"]);
    }

    [Fact]
    public async Task ServicePrincipals_FilterByAppId_AndByKeySegment()
    {
        GraphAnswer a = await GetAsync($"/v1.0/servicePrincipals?$filter=appId eq '{AppId}'");
        Assert.Equal(SpId, (string?)a.Body!["value"]![0]!["id"]);
        GraphAnswer b = await GetAsync($"/v1.0/servicePrincipals(appId='{AppId}')");
        Assert.Equal(HttpStatusCode.OK, b.Status);
        Assert.Equal(SpId, (string?)b.Body!["id"]);
        GraphAnswer c = await GetAsync("/v1.0/servicePrincipals?$filter=" + Uri.EscapeDataString("startswith(displayName,'Pulumi')"));
        Assert.Single(c.Body!["value"]!.AsArray());
    }

    [Fact]
    public async Task ServicePrincipals_UnsupportedFilterProperty_Is400()
    {
        GraphAnswer a = await GetAsync("/v1.0/servicePrincipals?$filter=homepage eq 'x'");
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
        Assert.Equal("Request_UnsupportedQuery", a.ErrorCode);
    }

    [Fact]
    public async Task Users_PagingAt1000Users_ServesEveryUserOnce()
    {
        using var big = new GraphTestClient(GraphSeeds.WithUsers(1000));
        var ids = new HashSet<string>();
        string? next = "/v1.0/users?$top=999&$select=id";
        while (next is not null)
        {
            GraphAnswer a = await big.GetAsync(next);
            foreach (JsonNode? u in a.Body!["value"]!.AsArray())
            {
                Assert.True(ids.Add((string)u!["id"]!));
            }

            next = (string?)a.Body["@odata.nextLink"];
        }

        Assert.Equal(1000, ids.Count);
    }
}
