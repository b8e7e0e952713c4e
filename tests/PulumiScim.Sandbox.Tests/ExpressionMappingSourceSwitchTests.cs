// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Engine.Expressions;

namespace PulumiScim.Sandbox.Tests;

public sealed class ExpressionMappingSourceSwitchTests
{
    /// <summary>The scim template's active mapping: Switch with an empty default and repeated key/value parameters.</summary>
    private const string ActiveSource = """
        {"expression":"Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")","name":"Switch","type":"Function","parameters":[
          {"key":"source","value":{"expression":"[IsSoftDeleted]","name":"IsSoftDeleted","parameters":[],"type":"Attribute"}},
          {"key":"key","value":{"expression":"\"False\"","name":"False","parameters":[],"type":"Constant"}},
          {"key":"value","value":{"expression":"\"True\"","name":"True","parameters":[],"type":"Constant"}},
          {"key":"key","value":{"expression":"\"True\"","name":"True","parameters":[],"type":"Constant"}},
          {"key":"value","value":{"expression":"\"False\"","name":"False","parameters":[],"type":"Constant"}}]}
        """;

    [Theory]
    [InlineData(false, "True")]
    [InlineData(true, "False")]
    public void SwitchFromAMappingSourceKeepsTheEmptyDefault(bool softDeleted, string expected)
    {
        Expression e = Expression.FromAttributeMappingSource((JsonObject)JsonNode.Parse(ActiveSource)!);
        Assert.Equal("Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")", e.ToString());
        var source = new Dictionary<string, object?> { ["IsSoftDeleted"] = softDeleted ? "True" : "False" };
        Assert.Equal(expected, e.Evaluate(source).AsString);
    }
}
