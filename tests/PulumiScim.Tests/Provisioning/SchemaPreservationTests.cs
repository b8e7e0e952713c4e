// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Provisioning;
using static PulumiScim.Tests.Provisioning.Fixtures;

namespace PulumiScim.Tests.Provisioning;

/// <summary>
/// Everything a plan does not edit stays exactly as it was: values, unknown properties and property order, compared
/// as serialized JSON text subtree by subtree.
/// </summary>
public class SchemaPreservationTests
{
    public static TheoryData<string> Schemas => new() { "default", "entra", "custom" };

    [Theory]
    [MemberData(nameof(Schemas))]
    public void PlanGuide_LeavesEveryUneditedSubtreeByteForByte(string name)
    {
        var input = SchemaPlannerUserMappingTests.Schema(name);
        var output = SchemaPlanner.PlanGuide(input).Schema;

        AssertSameExcept(input, output, "directories", "synchronizationRules");

        var inputDirectories = input["directories"]!.AsArray();
        var outputDirectories = output["directories"]!.AsArray();
        Assert.Equal(inputDirectories.Count, outputDirectories.Count);
        for (var i = 0; i < inputDirectories.Count; i++)
        {
            var before = inputDirectories[i]!.AsObject();
            var after = outputDirectories[i]!.AsObject();
            if ((string?)before["name"] != "customappsso")
            {
                Assert.Equal(Json(before), Json(after));
                continue;
            }

            AssertSameExcept(before, after, "objects");
            var beforeObjects = before["objects"]!.AsArray();
            var afterObjects = after["objects"]!.AsArray();
            Assert.Equal(beforeObjects.Count, afterObjects.Count);
            for (var j = 0; j < beforeObjects.Count; j++)
            {
                if ((string?)beforeObjects[j]!["name"] != EnterpriseUser)
                {
                    Assert.Equal(Json(beforeObjects[j]), Json(afterObjects[j]));
                    continue;
                }

                AssertSameExcept(beforeObjects[j]!.AsObject(), afterObjects[j]!.AsObject(), "attributes");
                var beforeAttributes = beforeObjects[j]!["attributes"]!.AsArray();
                var afterAttributes = afterObjects[j]!["attributes"]!.AsArray();
                Assert.Equal(beforeAttributes.Count, afterAttributes.Count);
                for (var k = 0; k < beforeAttributes.Count; k++)
                {
                    if ((string?)beforeAttributes[k]!["name"] == WorkEmail)
                    {
                        AssertSameExcept(beforeAttributes[k]!.AsObject(), afterAttributes[k]!.AsObject(), "required");
                        Assert.True((bool)afterAttributes[k]!["required"]!);
                    }
                    else
                    {
                        Assert.Equal(Json(beforeAttributes[k]), Json(afterAttributes[k]));
                    }
                }
            }
        }

        var inputRules = input["synchronizationRules"]!.AsArray();
        var outputRules = output["synchronizationRules"]!.AsArray();
        Assert.Equal(inputRules.Count, outputRules.Count);
        var outbound = Rule(input);
        for (var i = 0; i < inputRules.Count; i++)
        {
            if (!ReferenceEquals(inputRules[i], outbound))
            {
                Assert.Equal(Json(inputRules[i]), Json(outputRules[i]));
                continue;
            }

            AssertSameExcept(inputRules[i]!.AsObject(), outputRules[i]!.AsObject(), "objectMappings");
            Assert.Equal(
                inputRules[i]!["objectMappings"]!.AsArray().Select(mapping => (string?)mapping!["sourceObjectName"]),
                outputRules[i]!["objectMappings"]!.AsArray().Select(mapping => (string?)mapping!["sourceObjectName"]));
        }

        AssertSameExcept(ObjectMapping(input, "User"), ObjectMapping(output, "User"), "attributeMappings");
        AssertSameExcept(ObjectMapping(input, "Group"), ObjectMapping(output, "Group"), "attributeMappings", "enabled");
        foreach (var mapping in Mappings(output, "User").Select(node => node!.AsObject()))
        {
            var target = (string)mapping["targetAttributeName"]!;
            var original = Mapping(input, "User", target)!;
            if (target != "userName")
            {
                Assert.Equal(Json(original), Json(mapping));
                continue;
            }

            AssertSameExcept(original, mapping, "source", "flowType");
            AssertSameExcept(original["source"]!.AsObject(), mapping["source"]!.AsObject(), "expression", "name", "parameters", "type");
        }

        foreach (var mapping in Mappings(output, "Group"))
        {
            Assert.Equal(Json(Mapping(input, "Group", (string)mapping!["targetAttributeName"]!)), Json(mapping));
        }
    }

    [Fact]
    public void CustomSchema_UnknownPropertiesAndRawValuesSurvive()
    {
        var text = Text("scim-custom-schema.json");
        var input = JsonNode.Parse(text)!.AsObject();

        var output = SchemaPlanner.PlanGuide(input).Schema;
        var json = Json(output);

        Assert.Contains("\"ratio\":1.50e2", json, StringComparison.Ordinal);
        Assert.Equal(Json(input["x-futureTopLevel"]), Json(output["x-futureTopLevel"]));
        Assert.Equal("caf\u00e9 \u2603 \"quoted\" <tag> &amp;", (string?)output["x-futureTopLevel"]!["note"]);
        Assert.Equal("untouched", (string?)output["synchronizationRules"]![0]!["x-inbound"]);
        Assert.Equal("u", (string?)ObjectMapping(output, "User")["x-mappingExtra"]);
        Assert.True((bool)Mapping(output, "User", "userName")!["x-userNameExtra"]!);
        Assert.Equal(1, (int)Mapping(output, "User", "userName")!["source"]!["x-sourceExtra"]!);
        Assert.Equal("keep me", (string?)Attribute(UserObject(output), WorkEmail)["x-attributeExtra"]);
        Assert.Equal("[1,2,3]", Json(UserObject(output)["x-objectExtra"]));
        Assert.Equal(Json(Mapping(input, "User", "displayName")), Json(Mapping(output, "User", "displayName")));
        Assert.Equal("""{"a":[{"b":"c"}]}""", Json(Rule(output)["x-ruleExtra"]));
        Assert.Equal("acme-hr", (string?)output["directories"]![1]!["name"]);
    }

    [Fact]
    public void EditedSchema_ReparsesToTheSameDocument()
    {
        var plan = SchemaPlanner.PlanGuide(CustomSchema());

        var text = Json(plan.Schema);

        Assert.Equal(text, Json(JsonNode.Parse(text)));
    }

    /// <summary>Same property names in the same order, and the same JSON text for every property not excepted.</summary>
    private static void AssertSameExcept(JsonObject expected, JsonObject actual, params string[] except)
    {
        Assert.Equal(expected.Select(property => property.Key), actual.Select(property => property.Key));
        foreach (var (key, value) in expected)
        {
            if (!except.Contains(key))
            {
                Assert.True(Json(value) == Json(actual[key]), $"property '{key}' changed: {Json(value)} -> {Json(actual[key])}");
            }
        }
    }
}
