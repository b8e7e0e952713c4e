// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary>
/// A started sandbox plus an HTTP client for its Pulumi SCIM endpoint. The seed is the built-in example seed (org
/// "acme", token "sandbox-scim-token-acme", takenUserNames ["bob"]) with one more taken email and a second
/// organization "globex" that already has the user "grace".
/// </summary>
internal sealed class ScimHarness : IDisposable
{
    public const string AcmeToken = "sandbox-scim-token-acme";
    public const string GlobexToken = "sandbox-scim-token-globex";
    public const string GlobexGraceId = "6f2a3c1e-0000-4000-8000-00000000beef";
    public const string ErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";
    public const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string PatchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private readonly HttpClient _http = new();

    public ScimHarness()
    {
        JsonObject seed = JsonNode.Parse(SandboxServer.DefaultSeed)!.AsObject();
        JsonObject pulumi = seed["pulumi"]!.AsObject();
        pulumi["takenEmails"] = new JsonArray("bob@elsewhere.example");
        pulumi["organizations"]!.AsArray().Add(JsonNode.Parse($$"""
            {
              "name": "globex", "token": "{{GlobexToken}}",
              "users": [ { "id": "{{GlobexGraceId}}", "userName": "grace", "displayName": "Grace Hopper",
                           "name": { "givenName": "Grace", "familyName": "Hopper" },
                           "emails": [ { "type": "work", "value": "grace@globex.example", "primary": true } ], "active": true } ],
              "groups": []
            }
            """));
        Sandbox = SandboxServer.Start(seed.ToJsonString());
    }

    public SandboxServer Sandbox { get; }

    public string Base(string org = "acme") => $"{Sandbox.PulumiApiUri.ToString().TrimEnd('/')}/scim/v2/{org}";

    public void Dispose()
    {
        _http.Dispose();
        Sandbox.Dispose();
    }

    public async Task<ScimResponse> SendAsync(string method, string path, JsonNode? body = null, string? token = AcmeToken, string org = "acme")
    {
        using var req = new HttpRequestMessage(new HttpMethod(method), Base(org) + path);
        if (token is not null)
        {
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            req.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/scim+json");
        }

        using HttpResponseMessage resp = await _http.SendAsync(req);
        string text = await resp.Content.ReadAsStringAsync();
        return new ScimResponse(
            resp.StatusCode,
            text.Length == 0 ? null : JsonNode.Parse(text),
            resp.Content.Headers.ContentType?.MediaType,
            resp.Headers.Location?.ToString(),
            resp.Content.Headers.Allow.Count > 0 ? string.Join(", ", resp.Content.Headers.Allow) : null,
            resp.Headers.WwwAuthenticate.ToString());
    }

    public Task<ScimResponse> GetAsync(string path, string? token = AcmeToken, string org = "acme") => SendAsync("GET", path, null, token, org);

    public static JsonObject NewUser(string userName, string email, string? displayName = null) => new()
    {
        ["schemas"] = new JsonArray(UserSchema),
        ["userName"] = userName,
        ["active"] = true,
        ["displayName"] = displayName ?? userName,
        ["name"] = new JsonObject { ["givenName"] = userName, ["familyName"] = "Tester" },
        ["emails"] = new JsonArray(new JsonObject { ["primary"] = true, ["type"] = "work", ["value"] = email }),
    };

    public static JsonObject NewGroup(string displayName, params string[] memberIds) => new()
    {
        ["schemas"] = new JsonArray(GroupSchema),
        ["displayName"] = displayName,
        ["members"] = new JsonArray(memberIds.Select(id => (JsonNode)new JsonObject { ["value"] = id }).ToArray()),
    };

    public static JsonObject Patch(params JsonObject[] operations) => new()
    {
        ["schemas"] = new JsonArray(PatchSchema),
        ["Operations"] = new JsonArray(operations.Select(o => (JsonNode)o).ToArray()),
    };

    public static JsonObject Op(string op, string? path, JsonNode? value)
    {
        var o = new JsonObject { ["op"] = op };
        if (path is not null)
        {
            o["path"] = path;
        }

        o["value"] = value;
        return o;
    }

    public async Task<string> CreateUserAsync(string userName, string? email = null, string org = "acme", string token = AcmeToken)
    {
        ScimResponse r = await SendAsync("POST", "/Users", NewUser(userName, email ?? userName + "@contoso.example"), token, org);
        Assert.Equal(HttpStatusCode.Created, r.Status);
        return (string)r.Body!["id"]!;
    }

    public async Task<string> CreateGroupAsync(string displayName, params string[] memberIds)
    {
        ScimResponse r = await SendAsync("POST", "/Groups", NewGroup(displayName, memberIds));
        Assert.Equal(HttpStatusCode.Created, r.Status);
        return (string)r.Body!["id"]!;
    }
}

/// <summary>What a SCIM call answered.</summary>
internal sealed record ScimResponse(HttpStatusCode Status, JsonNode? Body, string? MediaType, string? Location, string? Allow, string WwwAuthenticate)
{
    /// <summary>Asserts an RFC 7644 §3.12 error body with this status, scimType and detail (null: not checked / absent).</summary>
    public void AssertError(HttpStatusCode status, string? scimType, string? detail = null)
    {
        Assert.Equal(status, Status);
        Assert.Equal("application/scim+json", MediaType);
        Assert.NotNull(Body);
        Assert.Equal(ScimHarness.ErrorSchema, (string?)Body!["schemas"]![0]);
        Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), Body["status"]!.GetValue<string>());
        Assert.Equal(scimType, (string?)Body["scimType"]);
        if (detail is not null)
        {
            Assert.Equal(detail, (string?)Body["detail"]);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty((string?)Body["detail"]));
        }
    }
}
