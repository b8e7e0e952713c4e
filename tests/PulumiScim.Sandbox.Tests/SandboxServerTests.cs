// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

public sealed class SandboxServerTests : IDisposable
{
    private readonly SandboxServer _sandbox = SandboxServer.Start();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _sandbox.Dispose();
    }

    private HttpRequestMessage Get(string pathAndQuery, bool auth = true)
    {
        var req = new HttpRequestMessage(HttpMethod.Get, new Uri(_sandbox.GraphUri, pathAndQuery));
        if (auth)
        {
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _sandbox.AccessToken);
        }

        return req;
    }

    [Fact]
    public async Task MissingToken_Gets401WithGraphErrorBody()
    {
        using HttpRequestMessage req = Get("/v1.0/servicePrincipals", auth: false);
        using var resp = await _http.SendAsync(req);
        Assert.Equal(HttpStatusCode.Unauthorized, resp.StatusCode);
        var body = JsonNode.Parse(await resp.Content.ReadAsStringAsync())!;
        Assert.Equal("InvalidAuthenticationToken", (string?)body["error"]!["code"]);
        Assert.NotNull(body["error"]!["innerError"]!["request-id"]);
    }

    [Fact]
    public async Task ServicePrincipals_FilterByDisplayName()
    {
        using HttpRequestMessage req = Get("/v1.0/servicePrincipals?$filter=displayName eq 'Pulumi Cloud'&$select=id,displayName");
        using var resp = await _http.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var body = JsonNode.Parse(await resp.Content.ReadAsStringAsync())!;
        var value = body["value"]!.AsArray();
        Assert.Single(value);
        Assert.Equal("59e94b18-3fb9-5227-b0d0-07d59b9acc4e", (string?)value[0]!["id"]);
        Assert.Null(value[0]!["appRoles"]);
    }

    [Fact]
    public async Task UnknownServicePrincipal_Gets404ResourceNotFound()
    {
        using HttpRequestMessage req = Get("/v1.0/servicePrincipals/" + Guid.NewGuid());
        using var resp = await _http.SendAsync(req);
        Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
        var body = JsonNode.Parse(await resp.Content.ReadAsStringAsync())!;
        Assert.Equal("Request_ResourceNotFound", (string?)body["error"]!["code"]);
    }

    [Fact]
    public async Task TwoSandboxes_HaveTheirOwnPortsAndTokens()
    {
        using SandboxServer other = SandboxServer.Start();
        Assert.NotEqual(_sandbox.Port, other.Port);
        Assert.NotEqual(_sandbox.AccessToken, other.AccessToken);
        using HttpRequestMessage req = Get("/v1.0/servicePrincipals");
        req.RequestUri = new Uri(other.GraphUri, "/v1.0/servicePrincipals");
        using var resp = await _http.SendAsync(req);
        Assert.Equal(HttpStatusCode.Unauthorized, resp.StatusCode);
    }

    [Fact]
    public async Task GroupsFilterWithTheInOperator()
    {
        using HttpRequestMessage req = Get("/v1.0/groups?$filter=displayName in ('Platform Team','SRE','Nope')&$select=id,displayName");
        using var resp = await _http.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        string[] names = JsonNode.Parse(await resp.Content.ReadAsStringAsync())!["value"]!.AsArray().Select(g => (string)g!["displayName"]!).Order().ToArray();
        Assert.Equal(["Platform Team", "SRE"], names);
    }
}
