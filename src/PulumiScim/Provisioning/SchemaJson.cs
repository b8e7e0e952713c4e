// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PulumiScim.Provisioning;

/// <summary>Tolerant readers over the schema's JSON: a wrong JSON kind reads as "absent", never as an exception.</summary>
internal static class SchemaJson
{
    /// <summary>The decoded string value of a property, or <see langword="null"/> when absent or not a string.</summary>
    public static string? GetString(JsonObject? obj, string property)
        => obj?[property] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>The boolean value of a property, or <see langword="null"/> when absent or not a boolean.</summary>
    public static bool? GetBool(JsonObject? obj, string property)
        => obj?[property] is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? value.GetValue<bool>()
            : null;

    /// <summary>
    /// The numeric value of a property, or <see langword="null"/> when absent or not a number. Read from the JSON
    /// text, so it works alike for parsed values and for values the planner created (a CLR <c>int</c>).
    /// </summary>
    public static double? GetNumber(JsonObject? obj, string property)
        => obj?[property] is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    /// <summary>The JSON objects in an array property, skipping anything else; empty when the property is absent.</summary>
    public static IEnumerable<JsonObject> Objects(JsonObject? obj, string property)
        => obj?[property] is JsonArray array ? array.OfType<JsonObject>() : [];

    /// <summary>Whether two schema names are the same name: names in the schema compare without regard to case.</summary>
    public static bool SameName(string? left, string? right)
        => left is not null && right is not null && string.Equals(left, right, StringComparison.OrdinalIgnoreCase);

    /// <summary>Renders a scalar JSON value for a change or a check: a string's text, other JSON as text, or "(unset)".</summary>
    public static string RenderValue(JsonNode? value) => value switch
    {
        null => "(unset)",
        JsonValue scalar when scalar.GetValueKind() == JsonValueKind.String => scalar.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    /// <summary>
    /// Renders an attribute mapping source for humans: its expression when it has one (<c>[mail]</c>,
    /// <c>Join(" ", [givenName], [surname])</c>), otherwise <c>[name]</c> for an attribute or the bare name.
    /// </summary>
    public static string RenderSource(JsonNode? source)
    {
        if (source is not JsonObject obj)
        {
            return "(no source)";
        }

        var expression = GetString(obj, "expression");
        if (!string.IsNullOrEmpty(expression))
        {
            return expression;
        }

        var name = GetString(obj, "name");
        if (string.IsNullOrEmpty(name))
        {
            return "(no source)";
        }

        return SameName(GetString(obj, "type"), "Attribute") ? $"[{name}]" : name;
    }

    /// <summary>Renders an attribute mapping for humans: <c>target &lt;- source</c>.</summary>
    public static string RenderMapping(JsonObject mapping)
        => $"{GetString(mapping, "targetAttributeName") ?? "(no target)"} <- {RenderSource(mapping["source"])}";
}
