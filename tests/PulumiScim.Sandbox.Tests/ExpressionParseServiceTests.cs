// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Engine.Expressions;

namespace PulumiScim.Sandbox.Tests;

/// <summary>ParseExpressionService: the parseExpressionResponse of Graph's synchronizationSchema: parseExpression.</summary>
public sealed class ExpressionParseServiceTests
{
    [Fact]
    public void GraphDocExampleGivesTheDocumentedResponse()
    {
        // Graph v1.0 docs, synchronization-synchronizationschema-parseexpression.md (request shortened).
        var request = JsonNode.Parse("""
            {
              "expression": "Replace([preferredLanguage], \"-\", , , \"_\", ,  )",
              "targetAttributeDefinition": null,
              "testInputObject": {
                "definition": null,
                "properties": [
                  { "key": "objectId", "value": "66E4A8CC-1B7B-435E-95F8-F06CEA133828" },
                  { "key": "IsSoftDeleted", "value": "false" },
                  { "key": "preferredLanguage", "value": "EN-US" },
                  { "key": "appRoleAssignments", "value@odata.type": "#Collection(String)", "value": ["Default Assignment"] }
                ]
              }
            }
            """)!.AsObject();
        var expected = JsonNode.Parse("""
            {
              "error": null,
              "evaluationSucceeded": true,
              "evaluationResult": [ "EN_US" ],
              "parsedExpression": {
                "expression": "Replace([preferredLanguage], \"-\", , , \"_\", , )",
                "name": "Replace",
                "parameters": [
                  { "key": "source", "value": { "expression": "[preferredLanguage]", "name": "preferredLanguage", "parameters": [], "type": "Attribute" } },
                  { "key": "Find", "value": { "expression": "\"-\"", "name": "-", "parameters": [], "type": "Constant" } },
                  { "key": "Replacement", "value": { "expression": "\"_\"", "name": "_", "parameters": [], "type": "Constant" } }
                ],
                "type": "Function"
              },
              "parsingSucceeded": true
            }
            """);
        JsonObject response = ParseExpressionService.Handle(request);
        Assert.True(JsonNode.DeepEquals(expected, response), response.ToJsonString());
    }

    [Fact]
    public void NoTestInputParsesOnly()
    {
        JsonObject response = ParseExpressionService.Handle(new JsonObject { ["expression"] = "[mailNickname]" });
        Assert.True((bool)response["parsingSucceeded"]!);
        Assert.False((bool)response["evaluationSucceeded"]!);
        Assert.Null(response["evaluationResult"]);
        Assert.Null(response["error"]);
        Assert.Equal("Attribute", (string?)response["parsedExpression"]!["type"]);
    }

    [Fact]
    public void ParseErrorGivesParsingSucceededFalseAndAnError()
    {
        JsonObject response = ParseExpressionService.Handle(new JsonObject { ["expression"] = "Switch([IsSoftDeleted], " });
        Assert.False((bool)response["parsingSucceeded"]!);
        Assert.False((bool)response["evaluationSucceeded"]!);
        Assert.Null(response["parsedExpression"]);
        Assert.False(string.IsNullOrEmpty((string?)response["error"]!["message"]));
        Assert.Equal("ExpressionParsingFailed", (string?)response["error"]!["code"]);
    }

    [Fact]
    public void EvaluationErrorKeepsTheParsedExpression()
    {
        var request = new JsonObject
        {
            ["expression"] = "IIF([country]=\"USA\",\"a\",\"b\")",
            ["testInputObject"] = new JsonObject { ["properties"] = new JsonArray(new JsonObject { ["key"] = "mail", ["value"] = "x" }) },
        };
        JsonObject response = ParseExpressionService.Handle(request);
        Assert.True((bool)response["parsingSucceeded"]!);
        Assert.False((bool)response["evaluationSucceeded"]!);
        Assert.NotNull(response["parsedExpression"]);
        Assert.Equal("ExpressionEvaluationFailed", (string?)response["error"]!["code"]);
    }

    [Fact]
    public void BooleanTestInputIsNormalisedSoTheActiveMappingWorks()
    {
        var request = new JsonObject
        {
            ["expression"] = "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")",
            ["testInputObject"] = new JsonObject { ["properties"] = new JsonArray(new JsonObject { ["key"] = "IsSoftDeleted", ["value"] = "false" }) },
        };
        JsonObject response = ParseExpressionService.Handle(request);
        Assert.Equal("True", (string?)response["evaluationResult"]![0]);
    }

    [Fact]
    public void MultiValuedResultGivesEveryValueAndNullGivesNone()
    {
        var request = new JsonObject
        {
            ["expression"] = "Split([x], \",\")",
            ["testInputObject"] = new JsonObject { ["properties"] = new JsonArray(new JsonObject { ["key"] = "x", ["value"] = "a,b" }) },
        };
        Assert.Equal(["a", "b"], ParseExpressionService.Handle(request)["evaluationResult"]!.AsArray().Select(v => (string)v!));
        request["expression"] = "[missing]";
        JsonObject none = ParseExpressionService.Handle(request);
        Assert.True((bool)none["evaluationSucceeded"]!);
        Assert.Empty(none["evaluationResult"]!.AsArray());
    }

    [Fact]
    public void DefinitionAttributesRejectUnknownReferences()
    {
        var request = new JsonObject
        {
            ["expression"] = "[mailNickName]",
            ["testInputObject"] = new JsonObject
            {
                ["definition"] = new JsonObject { ["name"] = "User", ["attributes"] = new JsonArray(new JsonObject { ["name"] = "mailNickname", ["type"] = "String" }) },
                ["properties"] = new JsonArray(new JsonObject { ["key"] = "mailNickname", ["value"] = "ada" }),
            },
        };
        JsonObject response = ParseExpressionService.Handle(request);
        Assert.False((bool)response["evaluationSucceeded"]!);
        Assert.Contains("[mailNickName]", (string?)response["error"]!["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"expression": 5}""")]
    [InlineData("""{"expression": "[a]", "testInputObject": "x"}""")]
    [InlineData("""{"expression": "[a]", "testInputObject": {"properties": [{"value": "x"}]}}""")]
    public void MalformedRequestThrowsArgumentException(string json)
    {
        Assert.Throws<ArgumentException>(() => ParseExpressionService.Handle(JsonNode.Parse(json)!.AsObject()));
    }
}
