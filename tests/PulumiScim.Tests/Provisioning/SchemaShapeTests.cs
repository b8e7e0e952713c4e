// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Provisioning;
using static PulumiScim.Tests.Provisioning.Fixtures;

namespace PulumiScim.Tests.Provisioning;

public class SchemaShapeTests
{
    [Fact]
    public void NoRules_SaysWhatIsMissingAndAsksAboutTheTemplate()
    {
        var schema = DefaultSchema();
        schema.Remove("synchronizationRules");

        var error = Assert.Throws<SchemaShapeException>(() => SchemaPlanner.PlanUserMapping(schema));

        Assert.Contains("no synchronization rule with a User object mapping", error.Message, StringComparison.Ordinal);
        Assert.Contains("is this a SCIM (templateId 'scim') job?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InboundOnlySchema_IsTheNoUserRuleError()
    {
        var schema = Load("scim-no-user-rule-schema.json");
        var before = Json(schema);

        var user = Assert.Throws<SchemaShapeException>(() => SchemaPlanner.PlanUserMapping(schema));
        var guide = Assert.Throws<SchemaShapeException>(() => SchemaPlanner.PlanGuide(schema));

        Assert.Contains("no synchronization rule with a User object mapping", user.Message, StringComparison.Ordinal);
        Assert.Contains("Create the provisioning job from the 'scim' template", user.Message, StringComparison.Ordinal);
        Assert.Equal(user.Message, guide.Message);
        Assert.Equal(before, Json(schema));
    }

    [Fact]
    public void RulesWithoutAUserMapping_IsTheSameError()
    {
        var schema = DefaultSchema();
        Rule(schema)["objectMappings"]!.AsArray().RemoveAt(0);

        var user = Assert.Throws<SchemaShapeException>(() => SchemaPlanner.PlanUserMapping(schema));
        var group = Assert.Throws<SchemaShapeException>(() => SchemaPlanner.PlanGroupProvisioning(schema, true));

        Assert.Contains("no synchronization rule with a User object mapping", user.Message, StringComparison.Ordinal);
        Assert.Equal(user.Message, group.Message);
    }

    [Fact]
    public void EmptyRulesOrAWrongJsonKind_AreTheSameError()
    {
        var empty = DefaultSchema();
        empty["synchronizationRules"] = new JsonArray();
        var wrongKind = DefaultSchema();
        wrongKind["synchronizationRules"] = "not an array";

        Assert.Throws<SchemaShapeException>(() => SchemaPlanner.PlanUserMapping(empty));
        Assert.Throws<SchemaShapeException>(() => SchemaPlanner.PlanUserMapping(wrongKind));
    }

    [Fact]
    public void TwoRulesWithUserMappings_AreAmbiguous()
    {
        var schema = DefaultSchema();
        var copy = Rule(schema).DeepClone().AsObject();
        copy["id"] = "second-rule";
        schema["synchronizationRules"]!.AsArray().Add(copy);

        var error = Assert.Throws<SchemaShapeException>(() => SchemaPlanner.PlanUserMapping(schema));

        Assert.Contains("2 synchronization rules with a User object mapping (03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8, second-rule)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoUserObjectMappings_AreAmbiguous()
    {
        var schema = DefaultSchema();
        var mappings = Rule(schema)["objectMappings"]!.AsArray();
        mappings.Add(mappings[0]!.DeepClone());

        var error = Assert.Throws<SchemaShapeException>(() => SchemaPlanner.PlanUserMapping(schema));

        Assert.Contains("2 object mappings with sourceObjectName 'User'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingTargetDirectory_NamesItAndListsTheDirectories()
    {
        var schema = DefaultSchema();
        Directory(schema, "customappsso")["name"] = "somethingElse";

        var error = Assert.Throws<SchemaShapeException>(() => SchemaPlanner.PlanUserMapping(schema));

        Assert.Contains("targets the directory 'customappsso'", error.Message, StringComparison.Ordinal);
        Assert.Contains("(directories: 'Azure Active Directory', 'somethingElse')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RuleWithoutTargetDirectoryName_IsAShapeError()
    {
        var schema = DefaultSchema();
        Rule(schema).Remove("targetDirectoryName");

        var error = Assert.Throws<SchemaShapeException>(() => SchemaPlanner.PlanUserMapping(schema));

        Assert.Contains("has no targetDirectoryName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingTargetObject_NamesItAndListsTheObjects()
    {
        var schema = DefaultSchema();
        UserObject(schema)["name"] = "urn:ietf:params:scim:schemas:core:2.0:User";

        var error = Assert.Throws<SchemaShapeException>(() => SchemaPlanner.PlanUserMapping(schema));

        Assert.Contains($"targets the object '{EnterpriseUser}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:core:2.0:Group'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Restore default mappings", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingEmailAttribute_SaysHowToAddItBack()
    {
        var schema = DefaultSchema();
        var attributes = UserObject(schema)["attributes"]!.AsArray();
        attributes.Remove(Attribute(UserObject(schema), WorkEmail));

        var error = Assert.Throws<SchemaShapeException>(() => SchemaPlanner.PlanUserMapping(schema));

        Assert.Contains("has no attribute 'emails[type eq \"work\"].value'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Edit attribute list for customappsso", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingTargetAttributeOfAMappingToAdd_IsAShapeErrorAndTheInputStaysUntouched()
    {
        var schema = DefaultSchema();
        Mappings(schema, "User").Remove(Mapping(schema, "User", "name.familyName"));
        UserObject(schema)["attributes"]!.AsArray().Remove(Attribute(UserObject(schema), "name.familyName"));
        var before = Json(schema);

        var error = Assert.Throws<SchemaShapeException>(() => SchemaPlanner.PlanUserMapping(schema));

        Assert.Contains("has no attribute 'name.familyName'", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Json(schema));
    }

    [Fact]
    public void AttributeMappingsOfTheWrongKind_IsAShapeError()
    {
        var schema = DefaultSchema();
        ObjectMapping(schema, "User")["attributeMappings"] = "oops";

        var error = Assert.Throws<SchemaShapeException>(() => SchemaPlanner.PlanUserMapping(schema));

        Assert.Contains("attributeMappings is not a JSON array", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Selection_IgnoresDisplayNames()
    {
        var schema = DefaultSchema();
        var rule = Rule(schema);
        rule["name"] = "renamed rule";
        rule["sourceDirectoryName"] = "Some Future Name";
        ObjectMapping(schema, "User")["name"] = "Whatever The Portal Calls It";
        Directory(schema, "Azure Active Directory")["name"] = "Some Future Name";
        var decoy = Directory(schema, "customappsso").DeepClone().AsObject();
        decoy["name"] = "Azure Active Directory";
        schema["directories"]!.AsArray().Insert(0, decoy);

        var plan = SchemaPlanner.PlanGuide(schema);

        Assert.Equal(21, plan.Changes.Count);
        Assert.False((bool)Attribute(decoy["objects"]![0]!.AsObject(), WorkEmail)["required"]!);
        Assert.Equal(Json(decoy), Json(plan.Schema["directories"]![0]));
    }

    [Fact]
    public void SelectionByName_IgnoresCase()
    {
        var schema = DefaultSchema();
        Rule(schema)["targetDirectoryName"] = "CustomAppSSO";
        ObjectMapping(schema, "User")["sourceObjectName"] = "user";

        var plan = SchemaPlanner.PlanUserMapping(schema);

        Assert.Equal(19, plan.Changes.Count);
    }

    [Fact]
    public void MissingAttributeMappings_AreCreatedWithTheGuidesMappings()
    {
        var schema = DefaultSchema();
        ObjectMapping(schema, "User").Remove("attributeMappings");

        var plan = SchemaPlanner.PlanUserMapping(schema);

        Assert.Equal(["userName", "active", "displayName", WorkEmail, "name.givenName", "name.familyName"], Targets(plan.Schema, "User"));
        Assert.True(SchemaPlanner.PlanUserMapping(plan.Schema).IsEmpty);
    }

    [Fact]
    public void NullSchema_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => SchemaPlanner.PlanUserMapping(null!));
        Assert.Throws<ArgumentNullException>(() => SchemaPlanner.PlanGroupProvisioning(null!, true));
    }
}
