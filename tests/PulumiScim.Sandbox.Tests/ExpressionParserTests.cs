// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Engine.Expressions;

namespace PulumiScim.Sandbox.Tests;

/// <summary>The tokenizer and parser: the AST, canonical text, error cases and attributeMappingSource conversion.</summary>
public sealed class ExpressionParserTests
{
    [Fact]
    public void ParseSwitchWithEmptyArgumentKeepsTheEmptySlot()
    {
        var call = Assert.IsType<FunctionCall>(Expression.Parse("Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")"));
        Assert.Equal("Switch", call.Name);
        Assert.Equal(6, call.Arguments.Count);
        Assert.Equal("IsSoftDeleted", Assert.IsType<AttributeReference>(call.Arguments[0]).Name);
        Assert.Null(call.Arguments[1]);
        Assert.Equal("False", Assert.IsType<ConstantExpression>(call.Arguments[2]).Value);
    }

    [Fact]
    public void ParseNestedCallsAndEscapes()
    {
        var call = Assert.IsType<FunctionCall>(Expression.Parse(" Append( ToLower( [mailNickname] ) , \"Company name: \\\"Contoso\\\" \\\\ x\" ) "));
        Assert.Equal("ToLower", Assert.IsType<FunctionCall>(call.Arguments[0]).Name);
        Assert.Equal("Company name: \"Contoso\" \\ x", Assert.IsType<ConstantExpression>(call.Arguments[1]).Value);
    }

    [Fact]
    public void ParseComparisonInsideIif()
    {
        var call = Assert.IsType<FunctionCall>(Expression.Parse("IIF([country]<>\"USA\",\"a\",\"b\")"));
        var cmp = Assert.IsType<ComparisonExpression>(call.Arguments[0]);
        Assert.Equal("<>", cmp.Operator);
    }

    [Theory]
    [InlineData("[mailNickname]", "[mailNickname]")]
    [InlineData("\"United States\"", "\"United States\"")]
    [InlineData("Replace([preferredLanguage], \"-\", , , \"_\", ,  )", "Replace([preferredLanguage], \"-\", , , \"_\", , )")]
    [InlineData("Mid([userPrincipalName],1,8)", "Mid([userPrincipalName], 1, 8)")]
    [InlineData("IIF([country]=\"USA\",[country],[department])", "IIF([country] = \"USA\", [country], [department])")]
    [InlineData("Join(\"\\\\\", [a], [b])", "Join(\"\\\\\", [a], [b])")]
    [InlineData("Guid()", "Guid()")]
    public void ToStringIsTheCanonicalText(string text, string canonical)
    {
        Assert.Equal(canonical, Expression.Parse(text).ToString());
        Assert.Equal(canonical, Expression.Parse(canonical).ToString());
    }

    [Theory]
    [InlineData("", ExpressionErrorKind.Syntax)]
    [InlineData("   ", ExpressionErrorKind.Syntax)]
    [InlineData("[mailNickname", ExpressionErrorKind.Syntax)]
    [InlineData("[]", ExpressionErrorKind.Syntax)]
    [InlineData("[ mail ]", ExpressionErrorKind.Syntax)]
    [InlineData("\"unterminated", ExpressionErrorKind.Syntax)]
    [InlineData("\"bad \\d escape\"", ExpressionErrorKind.Syntax)]
    [InlineData("Append([a], \"b\"", ExpressionErrorKind.Syntax)]
    [InlineData("Append([a] \"b\")", ExpressionErrorKind.Syntax)]
    [InlineData("Append([a], \"b\"))", ExpressionErrorKind.Syntax)]
    [InlineData("[a] [b]", ExpressionErrorKind.Syntax)]
    [InlineData("mailNickname", ExpressionErrorKind.Syntax)]
    [InlineData("Append([a], United States)", ExpressionErrorKind.Syntax)]
    [InlineData("Append([a], 'b')", ExpressionErrorKind.Syntax)]
    [InlineData("[a] = [b] = [c]", ExpressionErrorKind.Syntax)]
    [InlineData("12abc", ExpressionErrorKind.Syntax)]
    [InlineData("&Hxyz", ExpressionErrorKind.Syntax)]
    [InlineData("Frobnicate([a])", ExpressionErrorKind.UnknownFunction)]
    [InlineData("switch([a], , \"x\", \"y\")", ExpressionErrorKind.UnknownFunction)]
    [InlineData("Append([a])", ExpressionErrorKind.InvalidArguments)]
    [InlineData("Append([a], \"b\", \"c\")", ExpressionErrorKind.InvalidArguments)]
    [InlineData("Append([a], )", ExpressionErrorKind.InvalidArguments)]
    [InlineData("Switch([a], \"d\", \"k\")", ExpressionErrorKind.InvalidArguments)]
    [InlineData("Switch([a], \"d\")", ExpressionErrorKind.InvalidArguments)]
    [InlineData("Join(\",\")", ExpressionErrorKind.InvalidArguments)]
    [InlineData("Coalesce([a], , [b])", ExpressionErrorKind.InvalidArguments)]
    [InlineData("Guid([a])", ExpressionErrorKind.InvalidArguments)]
    [InlineData("Replace([a], \"x\", , , \"y\", , , \"extra\")", ExpressionErrorKind.InvalidArguments)]
    [InlineData("ToLower(SelectUniqueValue([a], [b]))", ExpressionErrorKind.InvalidArguments)]
    public void ParseInvalidThrowsTypedError(string text, ExpressionErrorKind kind)
    {
        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse(text));
        Assert.Equal(kind, ex.Kind);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        Assert.False(Expression.TryParse(text, out Expression? parsed, out ExpressionException? error));
        Assert.Null(parsed);
        Assert.Equal(kind, error!.Kind);
    }

    [Fact]
    public void ParseWrongCaseFunctionSuggestsTheRightName()
    {
        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse("switch([a], , \"x\", \"y\")"));
        Assert.Contains("'Switch'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, ex.Position);
    }

    [Fact]
    public void ParseReportsThePosition()
    {
        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse("Append([a], \"x\" ; )"));
        Assert.Equal(16, ex.Position);
    }

    [Fact]
    public void ParseDeepNestingIsRefusedNotACrash()
    {
        string text = string.Concat(Enumerable.Repeat("ToLower(", 5000)) + "[a]" + new string(')', 5000);
        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse(text));
        Assert.Equal(ExpressionErrorKind.Syntax, ex.Kind);
    }

    [Fact]
    public void ToAttributeMappingSourceMatchesGraphsMidSample()
    {
        // Graph docs, synchronization-attributemappingsource.md: "Expression extracting first eight characters from the source attribute."
        JsonObject expected = JsonNode.Parse("""
            {
                "expression": "Mid([userPrincipalName], 1, 8)",
                "name": "Mid",
                "parameters": [
                    { "key": "source", "value": { "expression": "[userPrincipalName]", "name": "userPrincipalName", "parameters": [], "type": "Attribute" } },
                    { "key": "start", "value": { "expression": "\"1\"", "name": "1", "parameters": [], "type": "Constant" } },
                    { "key": "length", "value": { "expression": "\"8\"", "name": "8", "parameters": [], "type": "Constant" } }
                ],
                "type": "Function"
            }
            """)!.AsObject();
        Assert.True(JsonNode.DeepEquals(expected, Expression.Parse("Mid([userPrincipalName], 1, 8)").ToAttributeMappingSource()));
    }

    [Fact]
    public void ToAttributeMappingSourceOmitsEmptyArgumentsLikeParseExpression()
    {
        JsonObject source = Expression.Parse("Replace([preferredLanguage], \"-\", , , \"_\", ,  )").ToAttributeMappingSource();
        Assert.Equal("Replace([preferredLanguage], \"-\", , , \"_\", , )", (string?)source["expression"]);
        Assert.Equal(["source", "Find", "Replacement"], source["parameters"]!.AsArray().Select(p => (string)p!["key"]!));
    }

    [Theory]
    [InlineData("[mailNickname]")]
    [InlineData("\"constant\"")]
    [InlineData("Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")")]
    [InlineData("Replace([preferredLanguage], \"-\", , , \"_\", , )")]
    [InlineData("Join(\" \", [givenName], [surname])")]
    [InlineData("IIF([country] = \"USA\", [country], [department])")]
    [InlineData("Not([IsSoftDeleted])")]
    public void MappingSourceRoundTrips(string text)
    {
        Expression e = Expression.Parse(text);
        JsonObject source = e.ToAttributeMappingSource();
        Expression back = Expression.FromAttributeMappingSource(source);

        // Trailing empty arguments are not in the parameters, so compare the mapping sources' parameters, not the text.
        JsonObject again = back.ToAttributeMappingSource();
        again.Remove("expression");
        source.Remove("expression");
        Assert.True(JsonNode.DeepEquals(source["parameters"], again["parameters"]));
        Assert.Equal((string?)source["name"], (string?)again["name"]);
    }

    [Fact]
    public void FromAttributeMappingSourceScimTemplateActiveMappingEvaluates()
    {
        // A mapping source whose parameter keys are not the sandbox's names: parameters are taken in order.
        JsonObject source = JsonNode.Parse("""
            {
              "expression": "Not([IsSoftDeleted])", "name": "Not", "type": "Function",
              "parameters": [ { "key": "whatever", "value": { "expression": "[IsSoftDeleted]", "name": "IsSoftDeleted", "parameters": [], "type": "Attribute" } } ]
            }
            """)!.AsObject();
        Expression e = Expression.FromAttributeMappingSource(source);
        Assert.Equal("True", e.Evaluate(new Dictionary<string, object?> { ["IsSoftDeleted"] = false }).AsString);
    }

    [Fact]
    public void FromAttributeMappingSourceTypeDefaultsToAttribute()
    {
        Expression e = Expression.FromAttributeMappingSource(new JsonObject { ["name"] = "mail" });
        Assert.Equal("[mail]", e.ToString());
    }

    [Fact]
    public void FromAttributeMappingSourcePlacesNamedParametersByPosition()
    {
        JsonObject source = new()
        {
            ["name"] = "Switch",
            ["type"] = "Function",
            ["parameters"] = new JsonArray(
                new JsonObject { ["key"] = "source", ["value"] = new JsonObject { ["name"] = "IsSoftDeleted", ["type"] = "Attribute" } },
                new JsonObject { ["key"] = "key1", ["value"] = new JsonObject { ["name"] = "False", ["type"] = "Constant" } },
                new JsonObject { ["key"] = "value1", ["value"] = new JsonObject { ["name"] = "True", ["type"] = "Constant" } }),
        };
        Assert.Equal("Switch([IsSoftDeleted], , \"False\", \"True\")", Expression.FromAttributeMappingSource(source).ToString());
    }

    [Theory]
    [InlineData("""{"type":"Attribute"}""")]
    [InlineData("""{"type":"Function"}""")]
    [InlineData("""{"type":"Function","name":"Nope","parameters":[]}""")]
    [InlineData("""{"type":"Function","name":"Append","parameters":[]}""")]
    [InlineData("""{"type":"Function","name":"Append","parameters":[{"key":"source"}]}""")]
    [InlineData("""{"type":"Function","name":"Append","parameters":"x"}""")]
    [InlineData("""{"type":"Lambda","name":"x"}""")]
    public void FromAttributeMappingSourceInvalidThrowsTypedError(string json)
    {
        var ex = Assert.Throws<ExpressionException>(() => Expression.FromAttributeMappingSource(JsonNode.Parse(json)!.AsObject()));
        Assert.Contains(ex.Kind, new[] { ExpressionErrorKind.InvalidMappingSource, ExpressionErrorKind.UnknownFunction, ExpressionErrorKind.InvalidArguments });
    }

    [Fact]
    public void ReferencedAttributesListsEachOnce()
    {
        Assert.Equal(["givenName", "surname"], Expression.Parse("Join(\" \", [givenName], [surname], [givenName])").ReferencedAttributes);
    }
}
