// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary>Graph tokens as JWTs, /_sandbox/tokens, and the per-route permission table (403, 401, OwnedBy).</summary>
public sealed class GraphPermissionTests : GraphTestClient
{
    private const string OtherIdentity = "0f0e0d0c-0b0a-4909-8807-060504030201";

    /// <summary>Mints a token through the control route.</summary>
    private async Task<string> TokenAsync(object body)
    {
        GraphAnswer a = await PostAsync("/_sandbox/tokens", body);
        Assert.Equal(HttpStatusCode.OK, a.Status);
        return (string)a.Body!["token"]!;
    }

    /// <summary>Sends with <paramref name="token"/> instead of the default one.</summary>
    private async Task<GraphAnswer> AsAsync(string token, HttpMethod method, string path, string? body = null)
    {
        using var req = new HttpRequestMessage(method, path);
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            req.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using HttpResponseMessage resp = await Http.SendAsync(req);
        string text = await resp.Content.ReadAsStringAsync();
        return new GraphAnswer(resp.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), resp.Headers, text);
    }

    private static JsonObject Payload(string token)
    {
        string b64 = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
        return JsonNode.Parse(Convert.FromBase64String(b64))!.AsObject();
    }

    [Fact]
    public void DefaultToken_IsAnEntraShapedJwtWithEveryPermission()
    {
        JsonObject claims = Payload(Sandbox.AccessToken);
        Assert.Equal("https://graph.microsoft.com", (string?)claims["aud"]);
        Assert.Equal(TenantId, (string?)claims["tid"]);
        Assert.Equal("app", (string?)claims["idtyp"]);
        Assert.False(string.IsNullOrEmpty((string?)claims["oid"]));
        Assert.False(string.IsNullOrEmpty((string?)claims["appid"]));
        Assert.True((long)claims["exp"]! > DateTimeOffset.UtcNow.AddHours(23).ToUnixTimeSeconds());
        string[] roles = claims["roles"]!.AsArray().Select(r => (string)r!).ToArray();
        Assert.Contains("Synchronization.ReadWrite.All", roles);
        Assert.Contains("AuditLog.Read.All", roles);
        Assert.Contains("AppRoleAssignment.ReadWrite.All", roles);
        Assert.Null(claims["scp"]);
    }

    [Fact]
    public async Task ForgedOrAlteredOrExpiredToken_Gets401()
    {
        string[] parts = Sandbox.AccessToken.Split('.');
        JsonObject claims = Payload(Sandbox.AccessToken);
        claims["roles"] = new JsonArray("Directory.ReadWrite.All");
        string altered = parts[0] + "." + Convert.ToBase64String(Encoding.UTF8.GetBytes(claims.ToJsonString())).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "." + parts[2];
        string unsigned = parts[0].Replace("SFMyNTY", "bm9uZQ", StringComparison.Ordinal) + "." + parts[1] + ".";
        using var other = new GraphTestClient();
        string expired = await TokenAsync(new { roles = new[] { "Application.Read.All" }, lifetimeSeconds = 0 });

        foreach (string bad in new[] { altered, unsigned, other.Sandbox.AccessToken, expired, "sbx.forged" })
        {
            GraphAnswer a = await AsAsync(bad, HttpMethod.Get, "/v1.0/servicePrincipals");
            Assert.Equal(HttpStatusCode.Unauthorized, a.Status);
            Assert.Equal("InvalidAuthenticationToken", a.ErrorCode);
        }
    }

    [Fact]
    public async Task MissingRole_Gets403WithGraphsBody_AndNoWrite()
    {
        string token = await TokenAsync(new { roles = new[] { "Application.Read.All" } });
        Assert.Equal(HttpStatusCode.OK, (await AsAsync(token, HttpMethod.Get, $"/v1.0/servicePrincipals/{SpId}")).Status);

        GraphAnswer denied = await AsAsync(token, HttpMethod.Post, SyncPath("/jobs"), """{"templateId":"scim"}""");
        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);
        Assert.Equal("Authorization_RequestDenied", denied.ErrorCode);
        Assert.Equal("Insufficient privileges to complete the operation.", denied.ErrorMessage);
        Assert.NotNull(denied.Body!["error"]!["innerError"]!["request-id"]);
        Assert.Empty((await GetAsync(SyncPath("/jobs"))).Body!["value"]!.AsArray());

        // "AppRoleAssignment.ReadWrite.All and Application.Read.All": one of the pair is not enough.
        string half = await TokenAsync(new { roles = new[] { "AppRoleAssignment.ReadWrite.All" } });
        GraphAnswer assign = await AsAsync(half, HttpMethod.Post, $"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo", $$"""{"principalId":"{{AdaId}}","resourceId":"{{SpId}}","appRoleId":"{{UserRoleId}}"}""");
        Assert.Equal(HttpStatusCode.Forbidden, assign.Status);
        string both = await TokenAsync(new { roles = new[] { "AppRoleAssignment.ReadWrite.All", "Directory.Read.All" } });
        Assert.Equal(HttpStatusCode.Created, (await AsAsync(both, HttpMethod.Post, $"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo", $$"""{"principalId":"{{AdaId}}","resourceId":"{{SpId}}","appRoleId":"{{UserRoleId}}"}""")).Status);

        // The logs need AuditLog.Read.All and Directory.Read.All.
        string audit = await TokenAsync(new { roles = new[] { "AuditLog.Read.All" } });
        Assert.Equal(HttpStatusCode.Forbidden, (await AsAsync(audit, HttpMethod.Get, "/v1.0/auditLogs/provisioning")).Status);
    }

    [Fact]
    public async Task OwnedBy_ActsOnlyOnOwnedServicePrincipals_AndInstantiateMakesTheCallerOwner()
    {
        string owner = await TokenAsync(new { roles = new[] { "Application.ReadWrite.OwnedBy" } });
        string stranger = await TokenAsync(new { roles = new[] { "Application.ReadWrite.OwnedBy" }, objectId = OtherIdentity });

        // The seeded app has no owner: OwnedBy does not reach it.
        GraphAnswer seeded = await AsAsync(owner, HttpMethod.Post, SyncPath("/jobs"), """{"templateId":"scim"}""");
        Assert.Equal(HttpStatusCode.Forbidden, seeded.Status);
        Assert.Equal("Authorization_RequestDenied", seeded.ErrorCode);

        GraphAnswer created = await AsAsync(owner, HttpMethod.Post, "/v1.0/applicationTemplates/8adf8e6e-67b2-4cf2-a259-e3dc5476c621/instantiate", """{"displayName":"Owned app"}""");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        string sp = (string)created.Body!["servicePrincipal"]!["id"]!;

        Assert.Equal(HttpStatusCode.Forbidden, (await AsAsync(stranger, HttpMethod.Post, $"/v1.0/servicePrincipals/{sp}/synchronization/jobs", """{"templateId":"scim"}""")).Status);
        Assert.Equal(HttpStatusCode.Created, (await AsAsync(owner, HttpMethod.Post, $"/v1.0/servicePrincipals/{sp}/synchronization/jobs", """{"templateId":"scim"}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await AsAsync(owner, HttpMethod.Get, $"/v1.0/servicePrincipals/{sp}/synchronization/jobs")).Status);
    }

    [Fact]
    public async Task SeedOwners_GrantOwnedBy()
    {
        JsonObject seed = GraphSeeds.Default();
        seed["applications"]![0]!["owners"] = new JsonArray(OtherIdentity);
        using var owned = new GraphTestClient(seed.ToJsonString());
        GraphAnswer t = await owned.PostAsync("/_sandbox/tokens", new { roles = new[] { "Application.ReadWrite.OwnedBy" }, objectId = OtherIdentity });
        owned.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)t.Body!["token"]!);
        Assert.Equal(HttpStatusCode.Created, (await owned.PostAsync(SyncPath("/jobs"), new { templateId = "scim" })).Status);
        Assert.Equal(OtherIdentity, (string?)(await owned.GetAsync("/_sandbox/state")).Body!["applications"]![0]!["owners"]![0]);
    }

    [Fact]
    public async Task DelegatedToken_NeedsTheScope()
    {
        string token = await TokenAsync(new { scopes = new[] { "Synchronization.Read.All", "Application.Read.All" } });
        Assert.Equal("user", (string?)Payload(token)["idtyp"]);
        Assert.Equal("Synchronization.Read.All Application.Read.All", (string?)Payload(token)["scp"]);
        Assert.Equal(HttpStatusCode.OK, (await AsAsync(token, HttpMethod.Get, SyncPath("/jobs"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await AsAsync(token, HttpMethod.Post, SyncPath("/jobs"), """{"templateId":"scim"}""")).Status);

        // An application permission in scp does not stand in for the delegated one (OwnedBy is application-only).
        string ownedBy = await TokenAsync(new { scopes = new[] { "Application.ReadWrite.OwnedBy" } });
        Assert.Equal(HttpStatusCode.Forbidden, (await AsAsync(ownedBy, HttpMethod.Get, SyncPath("/jobs"))).Status);
    }

    [Fact]
    public async Task TokensRoute_RejectsABodyWithoutRolesOrScopes()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("/_sandbox/tokens", new { })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("/_sandbox/tokens", new { roles = new[] { "a" }, scopes = new[] { "b" } })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("/_sandbox/tokens", new { roles = new[] { "two words" } })).Status);
    }
}
