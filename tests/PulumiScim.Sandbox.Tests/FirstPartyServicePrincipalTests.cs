// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary>A tenant of real size (options.firstPartyServicePrincipals) and the Enterprise applications filter on tags.</summary>
public sealed class FirstPartyServicePrincipalTests : GraphTestClient
{
    private const string Tag = "WindowsAzureActiveDirectoryIntegratedApp";

    public FirstPartyServicePrincipalTests()
        : base(Seed(300))
    {
    }

    [Fact]
    public async Task TheTenantHoldsMicrosoftsServicePrincipals_WithoutTheEnterpriseAppTag()
    {
        List<JsonObject> all = await ListAllAsync("/v1.0/servicePrincipals?$top=999");
        Assert.Equal(301, all.Count);
        var microsoft = all.Where(sp => (string?)sp["appOwnerOrganizationId"] == "f8cdef31-a31e-4b4a-93e4-5f571e91255a").ToList();
        Assert.Equal(300, microsoft.Count);
        Assert.All(microsoft, sp => Assert.DoesNotContain(Tag, sp["tags"]!.AsArray().Select(t => (string?)t)));
        JsonObject ours = all.Single(sp => (string?)sp["id"] == SpId);
        Assert.Contains(Tag, ours["tags"]!.AsArray().Select(t => (string?)t));

        GraphAnswer one = await GetAsync($"/v1.0/servicePrincipals/{microsoft[0]["id"]}?$select=id,displayName");
        Assert.Equal(HttpStatusCode.OK, one.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/v1.0/applications(appId='{microsoft[0]["appId"]}')")).Status);
    }

    [Fact]
    public async Task TheTagFilter_ListsOnlyEnterpriseApps_AloneOrWithAName()
    {
        string filter = Uri.EscapeDataString($"tags/any(t:t eq '{Tag}')");
        GraphAnswer apps = await GetAsync("/v1.0/servicePrincipals?$filter=" + filter);
        Assert.Equal(HttpStatusCode.OK, apps.Status);
        Assert.Equal(SpId, (string?)apps.Body!["value"]!.AsArray().Single()!["id"]);

        string both = Uri.EscapeDataString($"startswith(displayName,'Pulumi') and tags/any(s:s eq '{Tag}')");
        Assert.Single((await GetAsync("/v1.0/servicePrincipals?$filter=" + both)).Body!["value"]!.AsArray());
        string none = Uri.EscapeDataString($"startswith(displayName,'Microsoft') and tags/any(t:t eq '{Tag}')");
        Assert.Empty((await GetAsync("/v1.0/servicePrincipals?$filter=" + none)).Body!["value"]!.AsArray());
    }

    [Theory]
    [InlineData("tags eq 'WindowsAzureActiveDirectoryIntegratedApp'")]
    [InlineData("not tags/any(t:t eq 'WindowsAzureActiveDirectoryIntegratedApp')")]
    [InlineData("tags/any(t:x eq 'WindowsAzureActiveDirectoryIntegratedApp')")]
    [InlineData("replyUrls/any(t:t eq 'https://example')")]
    public async Task OtherFormsOnTags_AreRefused(string filter)
    {
        GraphAnswer a = await GetAsync("/v1.0/servicePrincipals?$filter=" + Uri.EscapeDataString(filter));
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
        Assert.Equal("Request_UnsupportedQuery", a.ErrorCode);
    }

    private static string Seed(int firstParty)
    {
        JsonObject seed = GraphSeeds.Default();
        seed["options"] = new JsonObject { ["firstPartyServicePrincipals"] = firstParty };
        return seed.ToJsonString();
    }

    private async Task<List<JsonObject>> ListAllAsync(string path)
    {
        var items = new List<JsonObject>();
        string? next = path;
        while (next is not null)
        {
            GraphAnswer page = await GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            items.AddRange(page.Body!["value"]!.AsArray().Select(i => i!.AsObject()));
            next = (string?)page.Body["@odata.nextLink"];
        }

        return items;
    }
}
