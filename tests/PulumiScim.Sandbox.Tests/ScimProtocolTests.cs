// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary>The Pulumi SCIM endpoint's authentication, discovery endpoints and protocol errors, over real HTTP.</summary>
public sealed class ScimProtocolTests : IDisposable
{
    private readonly ScimHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void OrganizationsAdvertiseTheScimBase()
    {
        SandboxOrganization acme = Assert.Single(_h.Sandbox.Organizations, o => o.Name == "acme");
        Assert.Equal(_h.Base(), acme.ScimBaseUri.ToString());
    }

    [Fact]
    public async Task MissingTokenGets401ScimError()
    {
        ScimResponse r = await _h.GetAsync("/Users", token: null);
        r.AssertError(HttpStatusCode.Unauthorized, null);
        Assert.Contains("Bearer", r.WwwAuthenticate, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wrong-token")]
    [InlineData(ScimHarness.GlobexToken)]
    [InlineData("sandbox-scim-token-acm")]
    public async Task WrongTokenGets401ScimError(string token)
    {
        (await _h.GetAsync("/Users", token)).AssertError(HttpStatusCode.Unauthorized, null);
        (await _h.SendAsync("POST", "/Users", ScimHarness.NewUser("ada", "ada@contoso.example"), token)).AssertError(HttpStatusCode.Unauthorized, null);
    }

    [Fact]
    public async Task UnknownOrganizationGets404ScimError()
    {
        (await _h.GetAsync("/Users", org: "initech")).AssertError(HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task EachOrganizationAcceptsOnlyItsOwnToken()
    {
        ScimResponse r = await _h.GetAsync("/Users", ScimHarness.GlobexToken, "globex");
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal(1, (int)r.Body!["totalResults"]!);
    }

    [Fact]
    public async Task ServiceProviderConfigDescribesPulumisFeatures()
    {
        ScimResponse r = await _h.GetAsync("/ServiceProviderConfig");
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal("application/scim+json", r.MediaType);
        JsonNode b = r.Body!;
        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig", (string?)b["schemas"]![0]);
        Assert.True((bool)b["patch"]!["supported"]!);
        Assert.False((bool)b["bulk"]!["supported"]!);
        Assert.True((bool)b["filter"]!["supported"]!);
        Assert.Equal(100, (int)b["filter"]!["maxResults"]!);
        Assert.False((bool)b["sort"]!["supported"]!);
        Assert.False((bool)b["etag"]!["supported"]!);
        Assert.False((bool)b["changePassword"]!["supported"]!);
        Assert.Equal("oauthbearertoken", (string?)b["authenticationSchemes"]![0]!["type"]);
    }

    [Fact]
    public async Task SchemasListOnlyTheSupportedAttributes()
    {
        ScimResponse r = await _h.GetAsync("/Schemas");
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal(2, (int)r.Body!["totalResults"]!);
        JsonNode user = r.Body["Resources"]!.AsArray().Single(s => (string?)s!["id"] == ScimHarness.UserSchema)!;
        Assert.Equal(["userName", "name", "displayName", "emails", "active"], user["attributes"]!.AsArray().Select(a => (string)a!["name"]!));
        Assert.Equal("immutable", (string?)user["attributes"]![0]!["mutability"]);

        ScimResponse group = await _h.GetAsync("/Schemas/" + ScimHarness.GroupSchema);
        Assert.Equal(["displayName", "members"], group.Body!["attributes"]!.AsArray().Select(a => (string)a!["name"]!));
        (await _h.GetAsync("/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")).AssertError(HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task ResourceTypesListUsersAndGroups()
    {
        ScimResponse r = await _h.GetAsync("/ResourceTypes");
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal(["/Users", "/Groups"], r.Body!["Resources"]!.AsArray().Select(t => (string)t!["endpoint"]!));
        Assert.Equal(ScimHarness.GroupSchema, (string?)(await _h.GetAsync("/ResourceTypes/Group")).Body!["schema"]);
    }

    [Fact]
    public async Task DeleteUserIsNotAnEndpoint405()
    {
        // "Pulumi has no endpoint for deleting a user through SCIM" (concepts/scim.md, "Deprovisioning never deletes a user").
        string id = await _h.CreateUserAsync("ada");
        ScimResponse r = await _h.SendAsync("DELETE", "/Users/" + id);
        r.AssertError(HttpStatusCode.MethodNotAllowed, null);
        Assert.Equal("GET, PUT, PATCH", r.Allow);
        Assert.Equal(HttpStatusCode.OK, (await _h.GetAsync("/Users/" + id)).Status);
    }

    [Fact]
    public async Task BulkAndUnknownEndpointsGet404ScimErrors()
    {
        (await _h.SendAsync("POST", "/Bulk", new JsonObject())).AssertError(HttpStatusCode.NotFound, null);
        (await _h.GetAsync("/Me")).AssertError(HttpStatusCode.NotFound, null);
        (await _h.GetAsync("/Users/x/y")).AssertError(HttpStatusCode.NotFound, null);
        (await _h.SendAsync("PUT", "/Users", new JsonObject())).AssertError(HttpStatusCode.MethodNotAllowed, null);
    }

    [Fact]
    public async Task InvalidJsonGets400InvalidSyntax()
    {
        using var http = new HttpClient();
        using var req = new HttpRequestMessage(HttpMethod.Post, _h.Base() + "/Users") { Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/scim+json") };
        req.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ScimHarness.AcmeToken);
        using HttpResponseMessage resp = await http.SendAsync(req);
        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        Assert.Equal("invalidSyntax", (string?)JsonNode.Parse(await resp.Content.ReadAsStringAsync())!["scimType"]);
    }

    [Fact]
    public async Task MissingSchemasGets400InvalidSyntax()
    {
        JsonObject user = ScimHarness.NewUser("ada", "ada@contoso.example");
        user.Remove("schemas");
        (await _h.SendAsync("POST", "/Users", user)).AssertError(HttpStatusCode.BadRequest, "invalidSyntax");
        string id = await _h.CreateUserAsync("alan");
        JsonObject patch = ScimHarness.Patch(ScimHarness.Op("replace", "active", false));
        patch["schemas"] = new JsonArray(ScimHarness.UserSchema);
        (await _h.SendAsync("PATCH", "/Users/" + id, patch)).AssertError(HttpStatusCode.BadRequest, "invalidSyntax");
    }

    [Fact]
    public async Task ScimRequestsAreInTheRequestLog()
    {
        await _h.GetAsync("/Users?filter=userName%20eq%20%22ada%22");
        using var http = new HttpClient();
        JsonArray log = JsonNode.Parse(await http.GetStringAsync(new Uri(_h.Sandbox.GraphUri, "/_sandbox/requests")))!.AsArray();
        JsonNode entry = log.Last()!;
        Assert.Equal("GET", (string?)entry["method"]);
        Assert.Equal("/pulumi/scim/v2/acme/Users", (string?)entry["path"]);
        Assert.Equal(200, (int)entry["status"]!);
    }
}
