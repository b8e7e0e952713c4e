// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary>
/// /Users against Pulumi's documented contract (Pulumi docs guides/scim/troubleshooting.md
/// and concepts/scim.md), over real HTTP.
/// </summary>
public sealed class ScimUsersTests : IDisposable
{
    private readonly ScimHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task CreateUserReturns201WithTheResource()
    {
        JsonObject body = ScimHarness.NewUser("ada", "ada@contoso.example", "Ada Lovelace");
        body["externalId"] = "ada";
        ScimResponse r = await _h.SendAsync("POST", "/Users", body);

        Assert.Equal(HttpStatusCode.Created, r.Status);
        Assert.Equal("application/scim+json", r.MediaType);
        JsonNode u = r.Body!;
        Assert.Equal(ScimHarness.UserSchema, (string?)u["schemas"]![0]);
        string id = (string)u["id"]!;
        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal("ada", (string?)u["userName"]);
        Assert.Equal("Ada Lovelace", (string?)u["displayName"]);
        Assert.Equal("ada", (string?)u["name"]!["givenName"]);
        Assert.Equal("Tester", (string?)u["name"]!["familyName"]);
        Assert.Equal("ada@contoso.example", (string?)u["emails"]![0]!["value"]);
        Assert.Equal("work", (string?)u["emails"]![0]!["type"]);
        Assert.True((bool)u["active"]!);
        Assert.Null(u["externalId"]);
        Assert.Equal("User", (string?)u["meta"]!["resourceType"]);
        Assert.NotNull(u["meta"]!["created"]);
        Assert.NotNull(u["meta"]!["lastModified"]);
        Assert.Equal($"{_h.Base()}/Users/{id}", (string?)u["meta"]!["location"]);
        Assert.Equal($"{_h.Base()}/Users/{id}", r.Location);

        ScimResponse get = await _h.GetAsync("/Users/" + id);
        Assert.Equal(HttpStatusCode.OK, get.Status);
        Assert.Equal("ada", (string?)get.Body!["userName"]);
    }

    [Fact]
    public async Task CreateUserIsVisibleInTheStateExport()
    {
        string id = await _h.CreateUserAsync("ada");
        using var http = new HttpClient();
        JsonNode state = JsonNode.Parse(await http.GetStringAsync(new Uri(_h.Sandbox.GraphUri, "/_sandbox/state")))!;
        JsonNode acme = state["pulumi"]!["organizations"]!.AsArray().Single(o => (string?)o!["name"] == "acme")!;
        Assert.Contains(acme["users"]!.AsArray(), u => (string?)u!["id"] == id && u["externalId"] is null);
    }

    [Fact]
    public async Task FilterByUserNameFindsTheUserCaseInsensitively()
    {
        string id = await _h.CreateUserAsync("ada");
        await _h.CreateUserAsync("alan");
        ScimResponse r = await _h.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"ADA\""));
        Assert.Equal(HttpStatusCode.OK, r.Status);
        JsonNode list = r.Body!;
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", (string?)list["schemas"]![0]);
        Assert.Equal(1, (int)list["totalResults"]!);
        Assert.Equal(1, (int)list["startIndex"]!);
        Assert.Equal(1, (int)list["itemsPerPage"]!);
        Assert.Equal(id, (string?)list["Resources"]![0]!["id"]);

        ScimResponse none = await _h.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"nobody\""));
        Assert.Equal(0, (int)none.Body!["totalResults"]!);
        Assert.Empty(none.Body["Resources"]!.AsArray());
    }

    [Theory]
    [InlineData("displayName eq \"Ada\"")]
    [InlineData("userName sw \"a\"")]
    [InlineData("userName co \"a\"")]
    [InlineData("userName eq \"ada\" and active eq true")]
    [InlineData("emails[type eq \"work\"].value eq \"ada@contoso.example\"")]
    [InlineData("userName eq ada")]
    [InlineData("userName pr")]
    [InlineData("")]
    public async Task UnsupportedFilterGets400InvalidFilter(string filter)
    {
        (await _h.GetAsync("/Users?filter=" + Uri.EscapeDataString(filter))).AssertError(HttpStatusCode.BadRequest, "invalidFilter");
    }

    [Fact]
    public async Task PagingUsesStartIndexAndCount()
    {
        await _h.CreateUserAsync("u1");
        await _h.CreateUserAsync("u2");
        await _h.CreateUserAsync("u3");
        ScimResponse r = await _h.GetAsync("/Users?startIndex=2&count=1");
        Assert.Equal(3, (int)r.Body!["totalResults"]!);
        Assert.Equal(2, (int)r.Body["startIndex"]!);
        Assert.Equal(1, (int)r.Body["itemsPerPage"]!);
        Assert.Equal("u2", (string?)r.Body["Resources"]![0]!["userName"]);

        ScimResponse all = await _h.GetAsync("/Users?count=100");
        Assert.Equal(3, (int)all.Body!["itemsPerPage"]!);
        ScimResponse zero = await _h.GetAsync("/Users?count=0");
        Assert.Equal(3, (int)zero.Body!["totalResults"]!);
        Assert.Empty(zero.Body["Resources"]!.AsArray());
    }

    [Fact]
    public async Task PageLargerThan100Gets400()
    {
        // "Users only, at most 100 per page. A request for a larger count fails with a 400 response."
        (await _h.GetAsync("/Users?count=101")).AssertError(HttpStatusCode.BadRequest, "invalidValue");
        (await _h.GetAsync("/Users?count=ten")).AssertError(HttpStatusCode.BadRequest, "invalidValue");
    }

    [Fact]
    public async Task UnknownUserGets404()
    {
        (await _h.GetAsync("/Users/" + Guid.NewGuid())).AssertError(HttpStatusCode.NotFound, null);
        (await _h.SendAsync("PATCH", "/Users/" + Guid.NewGuid(), ScimHarness.Patch(ScimHarness.Op("replace", "active", false)))).AssertError(HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task UsersOfAnotherOrganizationAreNotVisible()
    {
        (await _h.GetAsync("/Users/" + ScimHarness.GlobexGraceId)).AssertError(HttpStatusCode.NotFound, null);
    }

    // Troubleshooting table, row 1: 409 uniqueness "Email {email} already in use by another Pulumi account."
    [Theory]
    [InlineData("bob@elsewhere.example")]
    [InlineData("GRACE@globex.example")]
    public async Task EmailInUseGets409Uniqueness(string email)
    {
        (await _h.SendAsync("POST", "/Users", ScimHarness.NewUser("newcomer", email)))
            .AssertError(HttpStatusCode.Conflict, "uniqueness", $"Email {email} already in use by another Pulumi account.");
    }

    [Fact]
    public async Task EmailInUseOnUpdateGets409Uniqueness()
    {
        await _h.CreateUserAsync("ada", "ada@contoso.example");
        string alan = await _h.CreateUserAsync("alan", "alan@contoso.example");
        (await _h.SendAsync("PATCH", "/Users/" + alan, ScimHarness.Patch(ScimHarness.Op("replace", "emails[type eq \"work\"].value", "ada@contoso.example"))))
            .AssertError(HttpStatusCode.Conflict, "uniqueness", "Email ada@contoso.example already in use by another Pulumi account.");
    }

    // Troubleshooting table, row 2: 409 uniqueness "User with userName {userName} already exists."
    [Theory]
    [InlineData("bob")]
    [InlineData("Bob")]
    [InlineData("grace")]
    public async Task UserNameTakenGets409Uniqueness(string userName)
    {
        (await _h.SendAsync("POST", "/Users", ScimHarness.NewUser(userName, "someone@contoso.example")))
            .AssertError(HttpStatusCode.Conflict, "uniqueness", $"User with userName {userName} already exists.");
    }

    [Fact]
    public async Task UserNameTakenInTheSameOrganizationGets409()
    {
        await _h.CreateUserAsync("ada", "ada@contoso.example");
        (await _h.SendAsync("POST", "/Users", ScimHarness.NewUser("ada", "ada2@contoso.example")))
            .AssertError(HttpStatusCode.Conflict, "uniqueness", "User with userName ada already exists.");
    }

    // Troubleshooting table, row 3: 400 "Attribute 'userName' is immutable." (scimType "immutability" as Pulumi documents it).
    [Fact]
    public async Task ChangingUserNameWithPatchGets400Immutable()
    {
        string id = await _h.CreateUserAsync("ada");
        (await _h.SendAsync("PATCH", "/Users/" + id, ScimHarness.Patch(ScimHarness.Op("Replace", "userName", "ada.lovelace"))))
            .AssertError(HttpStatusCode.BadRequest, "immutability", "Attribute 'userName' is immutable.");
        (await _h.SendAsync("PATCH", "/Users/" + id, ScimHarness.Patch(ScimHarness.Op("Replace", null, new JsonObject { ["userName"] = "ADA" }))))
            .AssertError(HttpStatusCode.BadRequest, "immutability", "Attribute 'userName' is immutable.");
        (await _h.SendAsync("PATCH", "/Users/" + id, ScimHarness.Patch(ScimHarness.Op("remove", "userName", null))))
            .AssertError(HttpStatusCode.BadRequest, "immutability", "Attribute 'userName' is immutable.");
        Assert.Equal("ada", (string?)(await _h.GetAsync("/Users/" + id)).Body!["userName"]);
    }

    [Fact]
    public async Task ChangingUserNameWithPutGets400Immutable()
    {
        string id = await _h.CreateUserAsync("ada");
        (await _h.SendAsync("PUT", "/Users/" + id, ScimHarness.NewUser("ada2", "ada@contoso.example")))
            .AssertError(HttpStatusCode.BadRequest, "immutability", "Attribute 'userName' is immutable.");
    }

    [Fact]
    public async Task SameUserNameOnUpdateIsAccepted()
    {
        string id = await _h.CreateUserAsync("ada");
        ScimResponse r = await _h.SendAsync("PATCH", "/Users/" + id, ScimHarness.Patch(
            ScimHarness.Op("Replace", "userName", "ada"),
            ScimHarness.Op("Replace", "displayName", "Ada L.")));
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal("Ada L.", (string?)r.Body!["displayName"]);
        ScimResponse put = await _h.SendAsync("PUT", "/Users/" + id, ScimHarness.NewUser("ada", "ada@contoso.example", "Ada Again"));
        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("Ada Again", (string?)put.Body!["displayName"]);
    }

    // Troubleshooting table, row 4: 400 invalidPath "Unknown path: {path}."
    [Theory]
    [InlineData("title", "Engineer", "title")]
    [InlineData("preferredLanguage", "en-US", "preferredLanguage")]
    [InlineData("password", "secret", "password")]
    [InlineData("roles", null, "roles")]
    public async Task UnsupportedAttributeInPostGets400InvalidPath(string attribute, string? value, string path)
    {
        JsonObject body = ScimHarness.NewUser("ada", "ada@contoso.example");
        body[attribute] = value is null ? new JsonArray() : value;
        (await _h.SendAsync("POST", "/Users", body)).AssertError(HttpStatusCode.BadRequest, "invalidPath", $"Unknown path: {path}.");
    }

    [Fact]
    public async Task UnsupportedSubAttributesInPostGet400InvalidPath()
    {
        JsonObject formatted = ScimHarness.NewUser("ada", "ada@contoso.example");
        formatted["name"]!["formatted"] = "Ada Lovelace";
        (await _h.SendAsync("POST", "/Users", formatted)).AssertError(HttpStatusCode.BadRequest, "invalidPath", "Unknown path: name.formatted.");

        JsonObject home = ScimHarness.NewUser("ada", "ada@contoso.example");
        home["emails"]!.AsArray().Add(new JsonObject { ["type"] = "home", ["value"] = "ada@home.example" });
        (await _h.SendAsync("POST", "/Users", home)).AssertError(HttpStatusCode.BadRequest, "invalidPath", "Unknown path: emails[type eq \"home\"].value.");

        JsonObject enterprise = ScimHarness.NewUser("ada", "ada@contoso.example");
        enterprise["schemas"]!.AsArray().Add("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
        enterprise["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = new JsonObject { ["department"] = "R&D" };
        (await _h.SendAsync("POST", "/Users", enterprise))
            .AssertError(HttpStatusCode.BadRequest, "invalidPath", "Unknown path: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.");

        Assert.Equal(0, (int)(await _h.GetAsync("/Users")).Body!["totalResults"]!);
    }

    [Theory]
    [InlineData("title")]
    [InlineData("name.formatted")]
    [InlineData("phoneNumbers[type eq \"work\"].value")]
    [InlineData("emails[type eq \"home\"].value")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department")]
    [InlineData("addresses[type eq \"work\"].locality")]
    public async Task UnsupportedAttributeInPatchGets400InvalidPath(string path)
    {
        string id = await _h.CreateUserAsync("ada");
        (await _h.SendAsync("PATCH", "/Users/" + id, ScimHarness.Patch(ScimHarness.Op("Add", path, "x"))))
            .AssertError(HttpStatusCode.BadRequest, "invalidPath", $"Unknown path: {path}.");
    }

    [Fact]
    public async Task UnsupportedAttributeInPathlessPatchGets400InvalidPathAndNothingChanges()
    {
        string id = await _h.CreateUserAsync("ada");
        (await _h.SendAsync("PATCH", "/Users/" + id, ScimHarness.Patch(ScimHarness.Op("replace", null, new JsonObject { ["displayName"] = "Changed", ["title"] = "Engineer" }))))
            .AssertError(HttpStatusCode.BadRequest, "invalidPath", "Unknown path: title.");
        Assert.Equal("ada", (string?)(await _h.GetAsync("/Users/" + id)).Body!["displayName"]);
    }

    [Fact]
    public async Task PatchActiveFalseDeprovisionsSoftly()
    {
        string id = await _h.CreateUserAsync("ada");
        ScimResponse r = await _h.SendAsync("PATCH", "/Users/" + id, ScimHarness.Patch(ScimHarness.Op("Replace", "active", false)));
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.False((bool)r.Body!["active"]!);
        ScimResponse get = await _h.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"ada\""));
        Assert.Equal(1, (int)get.Body!["totalResults"]!);
        Assert.False((bool)get.Body["Resources"]![0]!["active"]!);

        ScimResponse back = await _h.SendAsync("PATCH", "/Users/" + id, ScimHarness.Patch(ScimHarness.Op("replace", null, new JsonObject { ["active"] = true })));
        Assert.True((bool)back.Body!["active"]!);
    }

    [Fact]
    public async Task PatchActiveAsStringGets400InvalidValue()
    {
        string id = await _h.CreateUserAsync("ada");
        (await _h.SendAsync("PATCH", "/Users/" + id, ScimHarness.Patch(ScimHarness.Op("Replace", "active", "False"))))
            .AssertError(HttpStatusCode.BadRequest, "invalidValue");
    }

    [Fact]
    public async Task PatchSupportedAttributesUpdatesThem()
    {
        string id = await _h.CreateUserAsync("ada");
        ScimResponse r = await _h.SendAsync("PATCH", "/Users/" + id, ScimHarness.Patch(
            ScimHarness.Op("Replace", "name.givenName", "Augusta"),
            ScimHarness.Op("Replace", "name.familyName", "King"),
            ScimHarness.Op("Replace", "emails[type eq \"work\"].value", "augusta@contoso.example"),
            ScimHarness.Op("Add", "externalId", "ignored"),
            ScimHarness.Op("Replace", "displayName", "Augusta Ada King")));
        Assert.Equal(HttpStatusCode.OK, r.Status);
        JsonNode u = r.Body!;
        Assert.Equal("Augusta", (string?)u["name"]!["givenName"]);
        Assert.Equal("King", (string?)u["name"]!["familyName"]);
        Assert.Equal("augusta@contoso.example", (string?)u["emails"]![0]!["value"]);
        Assert.Equal("Augusta Ada King", (string?)u["displayName"]);
        Assert.Null(u["externalId"]);
        Assert.NotNull(u["meta"]!["lastModified"]);
    }

    [Fact]
    public async Task MissingUserNameOrEmailGets400()
    {
        JsonObject noUserName = ScimHarness.NewUser("ada", "ada@contoso.example");
        noUserName.Remove("userName");
        (await _h.SendAsync("POST", "/Users", noUserName)).AssertError(HttpStatusCode.BadRequest, "invalidValue");
        JsonObject noEmail = ScimHarness.NewUser("ada", "ada@contoso.example");
        noEmail.Remove("emails");
        (await _h.SendAsync("POST", "/Users", noEmail)).AssertError(HttpStatusCode.BadRequest, "invalidValue");
        string id = await _h.CreateUserAsync("ada");
        (await _h.SendAsync("PATCH", "/Users/" + id, ScimHarness.Patch(ScimHarness.Op("remove", "emails", null)))).AssertError(HttpStatusCode.BadRequest, "invalidValue");
    }

    [Fact]
    public async Task SecondaryEmailGets400()
    {
        JsonObject two = ScimHarness.NewUser("ada", "ada@contoso.example");
        two["emails"]!.AsArray().Add(new JsonObject { ["type"] = "work", ["value"] = "ada2@contoso.example" });
        (await _h.SendAsync("POST", "/Users", two)).AssertError(HttpStatusCode.BadRequest, "invalidValue");
    }

    [Fact]
    public async Task UnsupportedPatchOpGets400InvalidSyntax()
    {
        string id = await _h.CreateUserAsync("ada");
        (await _h.SendAsync("PATCH", "/Users/" + id, ScimHarness.Patch(ScimHarness.Op("move", "displayName", "x")))).AssertError(HttpStatusCode.BadRequest, "invalidSyntax");
        (await _h.SendAsync("PATCH", "/Users/" + id, ScimHarness.Patch())).AssertError(HttpStatusCode.BadRequest, "invalidSyntax");
    }
}
