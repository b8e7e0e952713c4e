// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary>/Groups (Pulumi teams) against Pulumi's documented contract, over real HTTP.</summary>
public sealed class ScimGroupsTests : IDisposable
{
    private readonly ScimHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task CreateGroupWithMembersReturns201WithTheResource()
    {
        string ada = await _h.CreateUserAsync("ada");
        string alan = await _h.CreateUserAsync("alan");
        ScimResponse r = await _h.SendAsync("POST", "/Groups", ScimHarness.NewGroup("Platform Team", ada, alan));

        Assert.Equal(HttpStatusCode.Created, r.Status);
        JsonNode g = r.Body!;
        string id = (string)g["id"]!;
        Assert.Equal(ScimHarness.GroupSchema, (string?)g["schemas"]![0]);
        Assert.Equal("Platform Team", (string?)g["displayName"]);
        Assert.Equal([ada, alan], g["members"]!.AsArray().Select(m => (string)m!["value"]!));
        Assert.Equal($"{_h.Base()}/Users/{ada}", (string?)g["members"]![0]!["$ref"]);
        Assert.Equal("Group", (string?)g["meta"]!["resourceType"]);
        Assert.Equal($"{_h.Base()}/Groups/{id}", (string?)g["meta"]!["location"]);
        Assert.Equal($"{_h.Base()}/Groups/{id}", r.Location);
        Assert.Equal("Platform Team", (string?)(await _h.GetAsync("/Groups/" + id)).Body!["displayName"]);
    }

    [Fact]
    public async Task FilterByDisplayNameIsUnpagedAndHonoursExcludedAttributes()
    {
        string ada = await _h.CreateUserAsync("ada");
        string id = await _h.CreateGroupAsync("Platform Team", ada);
        await _h.CreateGroupAsync("SRE");
        ScimResponse r = await _h.GetAsync("/Groups?excludedAttributes=members&filter=" + Uri.EscapeDataString("displayName eq \"Platform Team\""));
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal(1, (int)r.Body!["totalResults"]!);
        JsonNode g = r.Body["Resources"]![0]!;
        Assert.Equal(id, (string?)g["id"]);
        Assert.Null(g["members"]);

        ScimResponse all = await _h.GetAsync("/Groups?count=1");
        Assert.Equal(2, (int)all.Body!["totalResults"]!);
        Assert.Equal(2, (int)all.Body["itemsPerPage"]!);
    }

    [Theory]
    [InlineData("userName eq \"ada\"")]
    [InlineData("displayName co \"Team\"")]
    [InlineData("displayName eq \"A\" or displayName eq \"B\"")]
    [InlineData("externalId eq \"x\"")]
    public async Task UnsupportedGroupFilterGets400InvalidFilter(string filter)
    {
        (await _h.GetAsync("/Groups?filter=" + Uri.EscapeDataString(filter))).AssertError(HttpStatusCode.BadRequest, "invalidFilter");
    }

    [Fact]
    public async Task AddAndRemoveMembersWithPatch()
    {
        string ada = await _h.CreateUserAsync("ada");
        string alan = await _h.CreateUserAsync("alan");
        string grace = await _h.CreateUserAsync("grace2");
        string id = await _h.CreateGroupAsync("Platform Team", ada);

        // Entra's shapes: Add members with a value array, Remove members with a value array.
        ScimResponse add = await _h.SendAsync("PATCH", "/Groups/" + id, ScimHarness.Patch(
            ScimHarness.Op("Add", "members", new JsonArray(new JsonObject { ["value"] = alan }, new JsonObject { ["value"] = grace }))));
        Assert.Equal(HttpStatusCode.OK, add.Status);
        Assert.Equal([ada, alan, grace], add.Body!["members"]!.AsArray().Select(m => (string)m!["value"]!));

        ScimResponse remove = await _h.SendAsync("PATCH", "/Groups/" + id, ScimHarness.Patch(
            ScimHarness.Op("Remove", "members", new JsonArray(new JsonObject { ["value"] = ada }))));
        Assert.Equal([alan, grace], remove.Body!["members"]!.AsArray().Select(m => (string)m!["value"]!));

        // RFC 7644 §3.5.2.2's filtered path.
        ScimResponse removeFiltered = await _h.SendAsync("PATCH", "/Groups/" + id, ScimHarness.Patch(
            ScimHarness.Op("remove", $"members[value eq \"{grace}\"]", null)));
        Assert.Equal([alan], removeFiltered.Body!["members"]!.AsArray().Select(m => (string)m!["value"]!));

        ScimResponse replace = await _h.SendAsync("PATCH", "/Groups/" + id, ScimHarness.Patch(
            ScimHarness.Op("replace", "members", new JsonArray(new JsonObject { ["value"] = ada }))));
        Assert.Equal([ada], replace.Body!["members"]!.AsArray().Select(m => (string)m!["value"]!));

        ScimResponse clear = await _h.SendAsync("PATCH", "/Groups/" + id, ScimHarness.Patch(ScimHarness.Op("remove", "members", null)));
        Assert.Empty(clear.Body!["members"]!.AsArray());
    }

    [Fact]
    public async Task RenameGroupWithPatch()
    {
        string id = await _h.CreateGroupAsync("Platform Team");
        ScimResponse r = await _h.SendAsync("PATCH", "/Groups/" + id, ScimHarness.Patch(ScimHarness.Op("Replace", "displayName", "Platform Engineering")));
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal("Platform Engineering", (string?)r.Body!["displayName"]);
    }

    [Fact]
    public async Task DeleteGroupDeletesTheTeam()
    {
        string ada = await _h.CreateUserAsync("ada");
        string id = await _h.CreateGroupAsync("Platform Team", ada);
        ScimResponse r = await _h.SendAsync("DELETE", "/Groups/" + id);
        Assert.Equal(HttpStatusCode.NoContent, r.Status);
        Assert.Null(r.Body);
        (await _h.GetAsync("/Groups/" + id)).AssertError(HttpStatusCode.NotFound, null);
        (await _h.SendAsync("DELETE", "/Groups/" + id)).AssertError(HttpStatusCode.NotFound, null);

        // Members are not deleted.
        Assert.Equal(HttpStatusCode.OK, (await _h.GetAsync("/Users/" + ada)).Status);
    }

    // Troubleshooting: 400 invalidValue "Cannot add invalid members to team. Invalid member ids: {…}".
    [Fact]
    public async Task UnprovisionedMemberGets400AndNothingIsCreated()
    {
        string ada = await _h.CreateUserAsync("ada");
        string ghost = Guid.NewGuid().ToString();
        (await _h.SendAsync("POST", "/Groups", ScimHarness.NewGroup("Platform Team", ada, ghost)))
            .AssertError(HttpStatusCode.BadRequest, "invalidValue", $"Cannot add invalid members to team. Invalid member ids: {ghost}");
        Assert.Equal(0, (int)(await _h.GetAsync("/Groups")).Body!["totalResults"]!);
    }

    [Fact]
    public async Task InactiveMemberGets400AndNoMembershipChanges()
    {
        string ada = await _h.CreateUserAsync("ada");
        string alan = await _h.CreateUserAsync("alan");
        string id = await _h.CreateGroupAsync("Platform Team", ada);
        await _h.SendAsync("PATCH", "/Users/" + alan, ScimHarness.Patch(ScimHarness.Op("Replace", "active", false)));
        string ghost = Guid.NewGuid().ToString();

        (await _h.SendAsync("PATCH", "/Groups/" + id, ScimHarness.Patch(
            ScimHarness.Op("Remove", "members", new JsonArray(new JsonObject { ["value"] = ada })),
            ScimHarness.Op("Add", "members", new JsonArray(new JsonObject { ["value"] = alan }, new JsonObject { ["value"] = ghost })))))
            .AssertError(HttpStatusCode.BadRequest, "invalidValue", $"Cannot add invalid members to team. Invalid member ids: {alan}, {ghost}");
        Assert.Equal([ada], (await _h.GetAsync("/Groups/" + id)).Body!["members"]!.AsArray().Select(m => (string)m!["value"]!));
    }

    [Fact]
    public async Task MemberOfAnotherOrganizationGets400()
    {
        (await _h.SendAsync("POST", "/Groups", ScimHarness.NewGroup("Platform Team", ScimHarness.GlobexGraceId)))
            .AssertError(HttpStatusCode.BadRequest, "invalidValue", $"Cannot add invalid members to team. Invalid member ids: {ScimHarness.GlobexGraceId}");
    }

    [Fact]
    public async Task PutWithInvalidMemberGets400()
    {
        string id = await _h.CreateGroupAsync("Platform Team");
        string ghost = Guid.NewGuid().ToString();
        (await _h.SendAsync("PUT", "/Groups/" + id, ScimHarness.NewGroup("Platform Team", ghost)))
            .AssertError(HttpStatusCode.BadRequest, "invalidValue", $"Cannot add invalid members to team. Invalid member ids: {ghost}");
    }

    [Fact]
    public async Task RemovingAnInactiveMemberIsAllowed()
    {
        string ada = await _h.CreateUserAsync("ada");
        string id = await _h.CreateGroupAsync("Platform Team", ada);
        await _h.SendAsync("PATCH", "/Users/" + ada, ScimHarness.Patch(ScimHarness.Op("Replace", "active", false)));
        ScimResponse r = await _h.SendAsync("PATCH", "/Groups/" + id, ScimHarness.Patch(ScimHarness.Op("Remove", "members", new JsonArray(new JsonObject { ["value"] = ada }))));
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Empty(r.Body!["members"]!.AsArray());
    }

    // Troubleshooting: 400 invalidValue "Display name is too long. It must be 100 characters or less".
    [Fact]
    public async Task DisplayNameOver100CharactersGets400()
    {
        const string detail = "Display name is too long. It must be 100 characters or less";
        (await _h.SendAsync("POST", "/Groups", ScimHarness.NewGroup(new string('x', 101)))).AssertError(HttpStatusCode.BadRequest, "invalidValue", detail);
        string id = await _h.CreateGroupAsync(new string('x', 100));
        (await _h.SendAsync("PATCH", "/Groups/" + id, ScimHarness.Patch(ScimHarness.Op("Replace", "displayName", new string('y', 101)))))
            .AssertError(HttpStatusCode.BadRequest, "invalidValue", detail);
        Assert.Equal(new string('x', 100), (string?)(await _h.GetAsync("/Groups/" + id)).Body!["displayName"]);
    }

    [Fact]
    public async Task ExternalIdOnGroupGets400InvalidPath()
    {
        // "remove any externalId mapping for groups in your IdP": not part of the group schema.
        JsonObject group = ScimHarness.NewGroup("Platform Team");
        group["externalId"] = "25168b6f-bdfb-5fcd-b211-0982b8e6b202";
        (await _h.SendAsync("POST", "/Groups", group)).AssertError(HttpStatusCode.BadRequest, "invalidPath", "Unknown path: externalId.");
        string id = await _h.CreateGroupAsync("SRE");
        (await _h.SendAsync("PATCH", "/Groups/" + id, ScimHarness.Patch(ScimHarness.Op("Add", "externalId", "x"))))
            .AssertError(HttpStatusCode.BadRequest, "invalidPath", "Unknown path: externalId.");
    }

    [Fact]
    public async Task MissingDisplayNameGets400()
    {
        JsonObject group = ScimHarness.NewGroup("x");
        group.Remove("displayName");
        (await _h.SendAsync("POST", "/Groups", group)).AssertError(HttpStatusCode.BadRequest, "invalidValue");
    }
}
