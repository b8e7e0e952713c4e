// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Engine.Expressions;

/// <summary>
/// The body of <c>POST .../synchronization/jobs/{id}/schema/parseExpression</c> (and the templates variant): parses
/// <c>expression</c>, evaluates it against <c>testInputObject</c> when one is given, and answers a
/// <c>parseExpressionResponse</c> (Graph v1.0 docs, synchronization-synchronizationschema-parseexpression.md).
/// </summary>
public static class ParseExpressionService
{
    /// <summary>Attributes of Entra users and groups that are booleans, for test input that sends them as "true"/"false".</summary>
    private static readonly HashSet<string> s_knownBooleans = new(StringComparer.Ordinal)
    {
        "IsSoftDeleted", "accountEnabled", "mailEnabled", "securityEnabled", "showInAddressList",
    };

    /// <summary>Answers a parseExpression request.</summary>
    /// <param name="requestBody">
    /// <c>{ "expression": "...", "testInputObject": { "definition": objectDefinition?, "properties": [{key, value}] }?,
    /// "targetAttributeDefinition": attributeDefinition? }</c>.
    /// </param>
    /// <returns>
    /// <c>{ error, evaluationSucceeded, evaluationResult, parsedExpression, parsingSucceeded }</c>. A parse failure
    /// gives <c>parsingSucceeded: false</c> and the error; without a test object nothing is evaluated
    /// (<c>evaluationSucceeded: false</c>, <c>evaluationResult: null</c>, no error).
    /// </returns>
    /// <exception cref="ArgumentException">
    /// The request itself is malformed (no string <c>expression</c>, <c>testInputObject</c> not an object, properties
    /// not <c>{key, value}</c> pairs): the Graph route should answer 400 with the message.
    /// </exception>
    public static JsonObject Handle(JsonObject requestBody)
    {
        ArgumentNullException.ThrowIfNull(requestBody);
        if (requestBody["expression"] is not JsonValue ev || !ev.TryGetValue(out string? text))
        {
            throw new ArgumentException("The request body must have a string property 'expression'.", nameof(requestBody));
        }

        ExpressionSource? input = ReadTestInput(requestBody["testInputObject"], out HashSet<string>? definedAttributes);

        Expression expression;
        try
        {
            expression = Expression.Parse(text);
        }
        catch (ExpressionException ex)
        {
            return Response(Error("ExpressionParsingFailed", ex), evaluated: false, result: null, parsed: null, parsedOk: false);
        }

        JsonObject parsed = expression.ToAttributeMappingSource();
        if (input is null)
        {
            return Response(null, evaluated: false, result: null, parsed, parsedOk: true);
        }

        try
        {
            if (definedAttributes is not null)
            {
                string? unknown = expression.ReferencedAttributes.FirstOrDefault(a => !definedAttributes.Contains(a));
                if (unknown is not null)
                {
                    throw new ExpressionException(ExpressionErrorKind.Evaluation, $"The attribute [{unknown}] is not defined on the test object.");
                }
            }

            ExpressionValue value = expression.Evaluate(input);
            var result = new JsonArray(value.Values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
            return Response(null, evaluated: true, result, parsed, parsedOk: true);
        }
        catch (ExpressionException ex)
        {
            return Response(Error("ExpressionEvaluationFailed", ex), evaluated: false, result: null, parsed, parsedOk: true);
        }
    }

    private static ExpressionSource? ReadTestInput(JsonNode? node, out HashSet<string>? definedAttributes)
    {
        definedAttributes = null;
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject testInput)
        {
            throw new ArgumentException("'testInputObject' must be an expressionInputObject {definition, properties}.");
        }

        var booleans = new HashSet<string>(s_knownBooleans, StringComparer.Ordinal);
        if (testInput["definition"] is JsonObject definition && definition["attributes"] is JsonArray attributes)
        {
            definedAttributes = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonNode? a in attributes)
            {
                if (a?["name"] is JsonValue n && n.TryGetValue(out string? name))
                {
                    definedAttributes.Add(name);
                    if (a["type"] is JsonValue t && t.TryGetValue(out string? type) && type == "Boolean")
                    {
                        booleans.Add(name);
                    }
                }
            }
        }

        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (JsonNode? p in testInput["properties"] as JsonArray ?? [])
        {
            if (p is not JsonObject pair || pair["key"] is not JsonValue k || !k.TryGetValue(out string? key))
            {
                throw new ArgumentException("Each testInputObject property must be a {key, value} pair with a string key.");
            }

            JsonNode? value = pair["value"];
            if (booleans.Contains(key) && value is JsonValue bv && bv.TryGetValue(out string? bs) && bool.TryParse(bs, out bool b))
            {
                values[key] = b;
            }
            else
            {
                values[key] = value?.DeepClone();
            }
        }

        return ExpressionSource.FromDictionary(values);
    }

    private static JsonObject Error(string code, ExpressionException ex) => new()
    {
        ["code"] = code,
        ["message"] = ex.Message,
        ["details"] = new JsonArray(),
        ["innerError"] = null,
        ["target"] = ex.Position is int p ? "position " + p.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
    };

    private static JsonObject Response(JsonObject? error, bool evaluated, JsonArray? result, JsonObject? parsed, bool parsedOk) => new()
    {
        ["error"] = error,
        ["evaluationSucceeded"] = evaluated,
        ["evaluationResult"] = result,
        ["parsedExpression"] = parsed,
        ["parsingSucceeded"] = parsedOk,
    };
}
