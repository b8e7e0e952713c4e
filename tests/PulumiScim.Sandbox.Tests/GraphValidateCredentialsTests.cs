// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Net;
using System.Text;
using PulumiScim.Sandbox.Graph;

namespace PulumiScim.Sandbox.Tests;

/// <summary>A tiny SCIM responder on its own HttpListener, standing in for Pulumi's SCIM endpoint.</summary>
public sealed class FakeScimServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();

    public FakeScimServer(string token)
    {
        Token = token;
        Port = SandboxServer.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public string Token { get; }

    public int Port { get; }

    public Uri BaseAddress(string org) => new($"http://127.0.0.1:{Port}/scim/v2/{org}");

    /// <summary>Path and query of every request, with the Authorization header it carried.</summary>
    public ConcurrentQueue<(string PathAndQuery, string? Authorization)> Seen { get; } = new();

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext c;
            try
            {
                c = await _listener.GetContextAsync();
            }
            catch (Exception)
            {
                return;
            }

            Seen.Enqueue((c.Request.Url!.PathAndQuery, c.Request.Headers["Authorization"]));
            string path = c.Request.Url.AbsolutePath;
            (int status, string body, string type) = path switch
            {
                "/scim/v2/acme/Users" when c.Request.Headers["Authorization"] == "Bearer " + Token =>
                    (200, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[],"startIndex":1,"itemsPerPage":0}""", "application/scim+json"),
                "/scim/v2/acme/Users" => (401, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401","detail":"Unauthorized"}""", "application/scim+json"),
                "/scim/v2/acme/Groups" or "/scim/v2/nogroups/Users" when c.Request.Headers["Authorization"] == "Bearer " + Token =>
                    (200, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[],"startIndex":1,"itemsPerPage":0}""", "application/scim+json"),
                "/scim/v2/nogroups/Groups" => (500, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"500","detail":"Groups are broken"}""", "application/scim+json"),
                "/html/Users" => (200, "<html>login</html>", "text/html"),
                _ => (404, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404","detail":"Not found"}""", "application/scim+json"),
            };
            byte[] bytes = Encoding.UTF8.GetBytes(body);
            c.Response.StatusCode = status;
            c.Response.ContentType = type;
            c.Response.ContentLength64 = bytes.Length;
            await c.Response.OutputStream.WriteAsync(bytes);
            c.Response.Close();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}

/// <summary>validateCredentials calls the SCIM endpoint over real HTTP, as Entra's "Test connection" does.</summary>
public sealed class GraphValidateCredentialsTests : GraphTestClient
{
    private const string GoodToken = "pul-scim-GOOD-7f3a9c";
    private readonly FakeScimServer _scim = new(GoodToken);

    private object Body(string baseAddress, string token) => new
    {
        // D5/D6 body: templateId, useSavedCredentials=false, credentials[{key,value}], applicationIdentifier (.NET body).
        templateId = "scim",
        useSavedCredentials = false,
        applicationIdentifier = AppId,
        credentials = new[]
        {
            new { key = "BaseAddress", value = baseAddress },
            new { key = "SecretToken", value = token },
        },
    };

    [Fact]
    public async Task BeforeAJobExists_GoodToken_Is204_AndProbesARandomUserAndGroup()
    {
        GraphAnswer a = await PostAsync(SyncPath("/jobs/validateCredentials"), Body(_scim.BaseAddress("acme").ToString(), GoodToken));
        Assert.Equal(HttpStatusCode.NoContent, a.Status);
        var seen = _scim.Seen.ToArray();
        Assert.Equal(2, seen.Length);
        Assert.All(seen, s => Assert.Equal("Bearer " + GoodToken, s.Authorization));
        Assert.StartsWith("/scim/v2/acme/Users?filter=", seen[0].PathAndQuery, StringComparison.Ordinal);
        string filter = Uri.UnescapeDataString(seen[0].PathAndQuery[(seen[0].PathAndQuery.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        Assert.Matches("^userName eq \"[0-9a-f-]{36}\"$", filter);
        Assert.StartsWith("/scim/v2/acme/Groups?excludedAttributes=members&filter=", seen[1].PathAndQuery, StringComparison.Ordinal);
        Assert.Matches("displayName eq \"[0-9a-f-]{36}\"$", Uri.UnescapeDataString(seen[1].PathAndQuery));
    }

    [Fact]
    public async Task APulumiSideWhoseGroupsFail_FailsTheTest()
    {
        GraphAnswer a = await PostAsync(SyncPath("/jobs/validateCredentials"), Body(_scim.BaseAddress("nogroups").ToString(), GoodToken));
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
        Assert.Equal(CredentialValidator.UnavailableCode, a.ErrorCode);
        Assert.Contains("/Groups?", a.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("Groups are broken", a.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadToken_Is400CredentialValidationFailure_WithoutTheToken()
    {
        const string bad = "pul-scim-WRONG-0000";
        GraphAnswer a = await PostAsync(SyncPath("/jobs/validateCredentials"), Body(_scim.BaseAddress("acme").ToString(), bad));
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
        Assert.Equal(CredentialValidator.FailureCode, a.ErrorCode);
        Assert.Contains("Unauthorized", a.ErrorMessage);
        Assert.DoesNotContain(bad, a.Text, StringComparison.Ordinal);
        GraphAnswer log = await GetAsync("/_sandbox/requests");
        Assert.DoesNotContain(bad, log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOrganization_Is400Unavailable()
    {
        GraphAnswer a = await PostAsync(SyncPath("/jobs/validateCredentials"), Body(_scim.BaseAddress("nobody").ToString(), GoodToken));
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
        Assert.Equal(CredentialValidator.UnavailableCode, a.ErrorCode);
        Assert.Contains("NotFound", a.ErrorMessage);
        Assert.DoesNotContain(GoodToken, a.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotAScimService_Is400()
    {
        GraphAnswer a = await PostAsync(SyncPath("/jobs/validateCredentials"), Body($"http://127.0.0.1:{_scim.Port}/html", GoodToken));
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
        Assert.Equal(CredentialValidator.FailureCode, a.ErrorCode);
        Assert.Contains("SCIM", a.ErrorMessage);
    }

    [Fact]
    public async Task UnreachableHost_Is400Unavailable()
    {
        int closedPort = SandboxServer.FreePort();
        GraphAnswer a = await PostAsync(SyncPath("/jobs/validateCredentials"), Body($"http://127.0.0.1:{closedPort}/scim/v2/acme", GoodToken));
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
        Assert.Equal(CredentialValidator.UnavailableCode, a.ErrorCode);
        Assert.DoesNotContain(GoodToken, a.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.com/scim")]
    public async Task MalformedTenantUrl_Is400InvalidCredentials(string baseAddress)
    {
        GraphAnswer a = await PostAsync(SyncPath("/jobs/validateCredentials"), Body(baseAddress, GoodToken));
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
        Assert.Equal(CredentialValidator.InvalidCredentialsCode, a.ErrorCode);
    }

    [Fact]
    public async Task OnAJob_WithSavedCredentials_UsesTheSavedSecrets()
    {
        string job = await CreateJobAsync();
        string secrets = $$"""
            { "value": [
              { "key": "BaseAddress", "value": "{{_scim.BaseAddress("acme")}}" },
              { "key": "SecretToken", "value": "{{GoodToken}}" },
              { "key": "SyncAll", "value": "false" } ] }
            """;
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Put, SyncPath("/secrets"), secrets)).Status);
        GraphAnswer ok = await PostAsync(SyncPath($"/jobs/{job}/validateCredentials"), new { useSavedCredentials = true });
        Assert.Equal(HttpStatusCode.NoContent, ok.Status);

        GraphAnswer explicitBad = await PostAsync(SyncPath($"/jobs/{job}/validateCredentials"), Body(_scim.BaseAddress("acme").ToString(), "nope"));
        Assert.Equal(HttpStatusCode.BadRequest, explicitBad.Status);

        GraphAnswer noJob = await PostAsync(SyncPath("/jobs/nope/validateCredentials"), new { useSavedCredentials = true });
        Assert.Equal(HttpStatusCode.NotFound, noJob.Status);
    }

    [Fact]
    public async Task WithSavedCredentials_ButNoneSaved_Is400()
    {
        string job = await CreateJobAsync();
        GraphAnswer a = await PostAsync(SyncPath($"/jobs/{job}/validateCredentials"), new { useSavedCredentials = true });
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
    }

    [Fact]
    public async Task SeveralValidationsInParallel_DoNotBlockEachOther()
    {
        var tasks = Enumerable.Range(0, 8).Select(_ => PostAsync(SyncPath("/jobs/validateCredentials"), Body(_scim.BaseAddress("acme").ToString(), GoodToken)));
        GraphAnswer[] answers = await Task.WhenAll(tasks);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.NoContent, a.Status));
    }

    [Fact]
    public async Task AgainstThisSandboxsOwnPulumiEndpoint_TheCallbackDoesNotDeadlock()
    {
        // Until the Pulumi SCIM routes are registered, stand in for them on this very server; once they are, the real
        // ones (registered first) answer and the expectations below still hold.
        SandboxOrganization acme = Sandbox.Organizations.Single(o => o.Name == "acme");
        Sandbox.Router.Map("GET", "/pulumi/scim/v2/{org}/Users", req =>
            req.Headers["Authorization"] == "Bearer " + acme.Token && req.Route("org") == "acme"
                ? PulumiScim.Sandbox.Http.SandboxResponse.ScimJson(200, System.Text.Json.Nodes.JsonNode.Parse("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}""")!)
                : PulumiScim.Sandbox.Http.SandboxResponse.ScimJson(401, System.Text.Json.Nodes.JsonNode.Parse("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401"}""")!));

        var good = Enumerable.Range(0, 6).Select(_ => PostAsync(SyncPath("/jobs/validateCredentials"), Body(acme.ScimBaseUri.ToString(), acme.Token)));
        GraphAnswer[] answers = await Task.WhenAll(good).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.NoContent, a.Status));

        GraphAnswer bad = await PostAsync(SyncPath("/jobs/validateCredentials"), Body(acme.ScimBaseUri.ToString(), "not-the-token"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(CredentialValidator.FailureCode, bad.ErrorCode);
        GraphAnswer log = await GetAsync("/_sandbox/requests");
        Assert.Contains("/pulumi/scim/v2/acme/Users", log.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(acme.Token, log.Text, StringComparison.Ordinal);
    }

    protected override void Dispose(bool disposing)
    {
        _scim.Dispose();
        base.Dispose(disposing);
    }
}
