// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Provisioning;
using static PulumiScim.Tests.Provisioning.Fixtures;

namespace PulumiScim.Tests.Provisioning;

public class SchemaPlannerGroupTests
{
    [Theory]
    [InlineData("default")]
    [InlineData("entra")]
    public void Enable_OnTheDefaultSchema_EnablesGroupsAndRemovesExternalId(string name)
    {
        var plan = SchemaPlanner.PlanGroupProvisioning(SchemaPlannerUserMappingTests.Schema(name), enable: true);

        Assert.Equal(["Provision Groups: enabled false -> true", "remove group mapping externalId <- [objectId]"], Descriptions(plan));
        Assert.Equal([SchemaChangeKind.EnableObjectMapping, SchemaChangeKind.RemoveGroupMapping], plan.Changes.Select(change => change.Kind));
        Assert.True((bool)ObjectMapping(plan.Schema, "Group")["enabled"]!);
        Assert.Equal(["displayName", "members"], Targets(plan.Schema, "Group"));
        Assert.Equal(Json(Mappings(DefaultSchema(), "User")), Json(Mappings(plan.Schema, "User")));
    }

    [Fact]
    public void Enable_WhenAlreadyEnabled_OnlyRemovesExternalId()
    {
        var plan = SchemaPlanner.PlanGroupProvisioning(CustomSchema(), enable: true);

        Assert.Equal(["remove group mapping externalId <- [objectId]"], Descriptions(plan));
        Assert.Equal("remove group mapping externalId <- [objectId]", plan.Summary);
    }

    [Fact]
    public void Enable_RemovesAnExternalIdMappingWhateverItsSource()
    {
        var schema = DefaultSchema();
        Mapping(schema, "Group", "externalId")!["source"] = GuideMappingsSource("mailNickname");

        var plan = SchemaPlanner.PlanGroupProvisioning(schema, enable: true);

        Assert.Equal("remove group mapping externalId <- [mailNickname]", plan.Changes[^1].Description);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("entra")]
    [InlineData("custom")]
    public void EnableThenDisable_AreIdempotent(string name)
    {
        foreach (var enable in new[] { true, false })
        {
            var first = SchemaPlanner.PlanGroupProvisioning(SchemaPlannerUserMappingTests.Schema(name), enable);
            var second = SchemaPlanner.PlanGroupProvisioning(first.Schema, enable);

            Assert.True(second.IsEmpty, second.Summary);
            Assert.All(second.Checks, check => Assert.True(check.Passed, check.Name));
        }
    }

    [Fact]
    public void Disable_WhenDisabled_IsEmpty()
    {
        var plan = SchemaPlanner.PlanGroupProvisioning(DefaultSchema(), enable: false);

        Assert.True(plan.IsEmpty);
        Assert.Equal([("Provision Groups enabled", "false", "false", true)], plan.Checks.Select(check => (check.Name, check.Expected, check.Actual, check.Passed)));
    }

    [Fact]
    public void Disable_WhenEnabled_SwitchesItOffAndLeavesTheMappings()
    {
        var input = CustomSchema();
        var plan = SchemaPlanner.PlanGroupProvisioning(input, enable: false);

        Assert.Equal(
            [new SchemaChange(SchemaChangeKind.DisableObjectMapping, "Provision Groups", "true", "false", "Provision Groups: enabled true -> false")],
            plan.Changes);
        Assert.Equal(Json(Mappings(input, "Group")), Json(Mappings(plan.Schema, "Group")));
    }

    [Fact]
    public void Enable_AddsMissingMembersMapping()
    {
        var schema = DefaultSchema();
        Mappings(schema, "Group").Remove(Mapping(schema, "Group", "members"));

        var plan = SchemaPlanner.PlanGroupProvisioning(schema, enable: true);

        Assert.Contains("add group mapping members <- [members]", Descriptions(plan));
        Assert.Equal(["displayName", "members"], Targets(plan.Schema, "Group"));
        Assert.Equal(0, (int)Mapping(plan.Schema, "Group", "members")!["matchingPriority"]!);
        Assert.True(SchemaPlanner.PlanGroupProvisioning(plan.Schema, enable: true).IsEmpty);
    }

    [Fact]
    public void Enable_AddsMissingDisplayNameAsTheMatchingMapping()
    {
        var schema = DefaultSchema();
        Mappings(schema, "Group").Remove(Mapping(schema, "Group", "displayName"));

        var plan = SchemaPlanner.PlanGroupProvisioning(schema, enable: true);

        Assert.Equal(
            ["Provision Groups: enabled false -> true", "remove group mapping externalId <- [objectId]", "add group mapping displayName <- [displayName] (matching)"],
            Descriptions(plan));
        Assert.Equal(1, (int)Mapping(plan.Schema, "Group", "displayName")!["matchingPriority"]!);
        Assert.True(SchemaPlanner.PlanGroupProvisioning(plan.Schema, enable: true).IsEmpty);
    }

    [Fact]
    public void Enable_MakesDisplayNameMatchingWhenNothingMatches()
    {
        var schema = DefaultSchema();
        Mapping(schema, "Group", "displayName")!["matchingPriority"] = 0;

        var plan = SchemaPlanner.PlanGroupProvisioning(schema, enable: true);

        Assert.Equal("group displayName: matchingPriority 0 -> 1", plan.Changes[^1].Description);
        Assert.Equal(SchemaChangeKind.SetGroupMatchingPriority, plan.Changes[^1].Kind);
    }

    [Fact]
    public void Enable_MatchingOnlyOnTheRemovedExternalId_MovesToDisplayName()
    {
        var schema = DefaultSchema();
        Mapping(schema, "Group", "displayName")!["matchingPriority"] = 0;
        Mapping(schema, "Group", "externalId")!["matchingPriority"] = 1;

        var plan = SchemaPlanner.PlanGroupProvisioning(schema, enable: true);

        Assert.Equal("group displayName: matchingPriority 0 -> 1", plan.Changes[^1].Description);
    }

    [Fact]
    public void Enable_MissingGroupTargetAttribute_IsAShapeError()
    {
        var schema = DefaultSchema();
        Mappings(schema, "Group").Remove(Mapping(schema, "Group", "members"));
        var group = Directory(schema, "customappsso")["objects"]!.AsArray()[1]!.AsObject();
        group["attributes"]!.AsArray().RemoveAt(2);

        var error = Assert.Throws<SchemaShapeException>(() => SchemaPlanner.PlanGroupProvisioning(schema, enable: true));

        Assert.Contains("has no attribute 'members'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoGroupObjectMapping_IsAShapeError()
    {
        var schema = DefaultSchema();
        Rule(schema)["objectMappings"]!.AsArray().RemoveAt(1);

        var error = Assert.Throws<SchemaShapeException>(() => SchemaPlanner.PlanGroupProvisioning(schema, enable: true));

        Assert.Contains("has no Group object mapping", error.Message, StringComparison.Ordinal);
        Assert.Contains("03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlanGuide_CombinesUsersAndGroupsIntoOneSchema()
    {
        var input = DefaultSchema();

        var plan = SchemaPlanner.PlanGuide(input);

        Assert.Equal(21, plan.Changes.Count);
        Assert.Equal("Provision Groups: enabled false -> true", plan.Changes[^2].Description);
        Assert.Equal("remove group mapping externalId <- [objectId]", plan.Changes[^1].Description);
        Assert.EndsWith("; Provision Groups: enabled false -> true; remove group mapping externalId <- [objectId]", plan.Summary, StringComparison.Ordinal);
        Assert.Equal(["displayName", "members"], Targets(plan.Schema, "Group"));
        Assert.Equal(6, Targets(plan.Schema, "User").Count);
        Assert.Equal(
            SchemaPlanner.PlanUserMapping(input).Checks.Count + SchemaPlanner.PlanGroupProvisioning(input, true).Checks.Count,
            plan.Checks.Count);
        Assert.True(SchemaPlanner.PlanGuide(plan.Schema).IsEmpty);
    }

    [Fact]
    public void PlanGuide_WithoutGroupsChoice_LeavesGroupsAlone()
    {
        var input = DefaultSchema();

        var plan = SchemaPlanner.PlanGuide(input, enableGroups: null);

        Assert.Equal(Json(ObjectMapping(input, "Group")), Json(ObjectMapping(plan.Schema, "Group")));
        Assert.Equal(Descriptions(SchemaPlanner.PlanUserMapping(input)), Descriptions(plan));
    }

    [Fact]
    public void GroupChecks_NameEveryGuideStep()
    {
        var plan = SchemaPlanner.PlanGroupProvisioning(DefaultSchema(), enable: true);

        Assert.Equal(
            [
                ("Provision Groups enabled", "true", "false", false),
                ("remove group mapping externalId", "absent", "externalId <- [objectId]", false),
                ("keep group mapping displayName", "present", "displayName <- [displayName]", true),
                ("keep group mapping members", "present", "members <- [members]", true),
                ("group matching attribute", "a group mapping with matchingPriority > 0", "displayName", true),
            ],
            plan.Checks.Select(check => (check.Name, check.Expected, check.Actual, check.Passed)));
    }

    private static JsonObject GuideMappingsSource(string attribute)
        => new() { ["expression"] = $"[{attribute}]", ["name"] = attribute, ["parameters"] = new JsonArray(), ["type"] = "Attribute" };
}
