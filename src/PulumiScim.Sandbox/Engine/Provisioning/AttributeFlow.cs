// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Engine.Expressions;

namespace PulumiScim.Sandbox.Engine.Provisioning;

/// <summary>One evaluated attribute mapping: the target attribute, its mapping and the value to flow.</summary>
internal sealed record FlowValue(AttributeMappingPlan Mapping, ExpressionValue Value)
{
    public string Path => Mapping.TargetAttributeName;

    /// <summary>The value as text, as the logs show it and as changes are compared.</summary>
    public string? Text => Value.IsMultiValued ? string.Join(", ", Value.Values) : Value.AsString;
}

/// <summary>
/// Evaluates an object mapping's attribute mappings against a source object. Null values do not flow ("Null attribute
/// can't be provisioned. If an attribute is null on the user object, it is skipped": app-provisioning/known-issues.md);
/// a mapping's defaultValue stands in for a null; a top-level <c>IgnoreFlowIfNullOrEmpty(...)</c> drops the attribute
/// when its argument is null or empty (app-provisioning/functions-for-customizing-application-data.md).
/// </summary>
internal static class AttributeFlow
{
    /// <summary>The values of every mapping that flows, in mapping order.</summary>
    /// <exception cref="ProvisioningException">A mapping's expression cannot be parsed or evaluated.</exception>
    public static List<FlowValue> Evaluate(ObjectMappingPlan mapping, ExpressionSource source)
    {
        var values = new List<FlowValue>();
        foreach (AttributeMappingPlan m in mapping.Attributes)
        {
            if (m.ParseError is ExpressionException parse)
            {
                throw Failure(m, parse);
            }

            Expression expression = m.Expression!;
            bool ignoreIfEmpty = false;
            if (expression is FunctionCall { Name: "IgnoreFlowIfNullOrEmpty" } call && call.Arguments.Count == 1 && call.Arguments[0] is Expression inner)
            {
                expression = inner;
                ignoreIfEmpty = true;
            }

            ExpressionValue value;
            try
            {
                value = expression.Evaluate(source);
            }
            catch (ExpressionException ex)
            {
                throw Failure(m, ex);
            }

            if (value.IsNull && m.DefaultValue is not null)
            {
                value = ExpressionValue.From(m.DefaultValue);
            }

            if (value.IsNull || (ignoreIfEmpty && (value.Values.Count == 0 || value.Values.All(string.IsNullOrEmpty))))
            {
                continue;
            }

            values.Add(new FlowValue(m, value));
        }

        return values;
    }

    /// <summary>The source attributes the mappings read, with the object's values (the import step's details).</summary>
    public static JsonObject ImportDetails(ObjectMappingPlan mapping, ExpressionSource source, IEnumerable<string> always)
    {
        var details = new JsonObject();
        IEnumerable<string> names = always.Concat(mapping.Attributes
            .Where(a => a.Expression is not null)
            .SelectMany(a => a.Expression!.ReferencedAttributes));
        foreach (string name in names.Distinct(StringComparer.Ordinal))
        {
            ExpressionValue v = source.Get(name);
            details[name] = v.IsNull ? null : v.IsMultiValued ? string.Join(", ", v.Values) : v.AsString;
        }

        return details;
    }

    private static ProvisioningException Failure(AttributeMappingPlan m, ExpressionException ex) => new(
        // No documented Entra code names an expression that fails to evaluate; this one says what happened.
        "AttributeMappingExpressionEvaluationFailed",
        $"The expression '{m.SourceText}' mapped to '{m.TargetAttributeName}' could not be evaluated: {ex.Message}");
}
