// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Graph;

/// <summary>
/// The checks <c>PUT .../jobs/{id}/schema</c> makes before it replaces the schema (Update synchronizationSchema doc;
/// docs/graph-facts.md): the body is a synchronizationSchema; a mapping's target attribute must exist on the target object
/// of the rule's target directory; a target attribute is mapped at most once per object mapping; enums hold known values.
/// </summary>
internal static class SchemaValidator
{
    private static readonly string[] s_flowTypes = ["Always", "ObjectAddOnly", "MultiValueAddOnly", "ValueAddOnly", "AttributeAddOnly"];
    private static readonly string[] s_flowBehaviors = ["FlowWhenChanged", "FlowAlways"];
    private static readonly string[] s_sourceTypes = ["Attribute", "Constant", "Function"];

    /// <summary>Returns why the schema is rejected, or null when it is accepted.</summary>
    public static string? Validate(JsonObject schema)
    {
        if (schema["directories"] is not JsonArray directories || schema["synchronizationRules"] is not JsonArray rules)
        {
            return "The request body is not a valid synchronizationSchema: 'directories' and 'synchronizationRules' must be arrays.";
        }

        foreach (JsonNode? ruleNode in rules)
        {
            if (ruleNode is not JsonObject rule)
            {
                return "Every element of 'synchronizationRules' must be a synchronizationRule object.";
            }

            string ruleName = Text(rule, "name") ?? Text(rule, "id") ?? "(unnamed)";
            string? targetDirectoryName = Text(rule, "targetDirectoryName");
            JsonObject? targetDirectory = directories.OfType<JsonObject>()
                .FirstOrDefault(d => string.Equals(Text(d, "name"), targetDirectoryName, StringComparison.OrdinalIgnoreCase));
            if (targetDirectory is null)
            {
                return $"The target directory '{targetDirectoryName}' of synchronization rule '{ruleName}' is not defined in the schema's directories.";
            }

            if (rule["objectMappings"] is null)
            {
                continue;
            }

            if (rule["objectMappings"] is not JsonArray objectMappings)
            {
                return $"'objectMappings' of synchronization rule '{ruleName}' must be an array.";
            }

            foreach (JsonNode? mappingNode in objectMappings)
            {
                if (mappingNode is not JsonObject mapping)
                {
                    return $"Every element of 'objectMappings' of synchronization rule '{ruleName}' must be an objectMapping object.";
                }

                string? error = ValidateObjectMapping(mapping, targetDirectory);
                if (error is not null)
                {
                    return error;
                }
            }
        }

        return null;
    }

    private static string? ValidateObjectMapping(JsonObject mapping, JsonObject targetDirectory)
    {
        string mappingName = Text(mapping, "name") ?? Text(mapping, "sourceObjectName") ?? "(unnamed)";
        string directoryName = Text(targetDirectory, "name") ?? string.Empty;
        string? targetObjectName = Text(mapping, "targetObjectName");
        JsonObject? targetObject = (targetDirectory["objects"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(o => string.Equals(Text(o, "name"), targetObjectName, StringComparison.OrdinalIgnoreCase));
        if (targetObject is null)
        {
            return $"The target object '{targetObjectName}' of object mapping '{mappingName}' is not defined in directory '{directoryName}'.";
        }

        var attributes = new HashSet<string>(
            (targetObject["attributes"] as JsonArray ?? []).OfType<JsonObject>().Select(a => Text(a, "name")).OfType<string>(),
            StringComparer.OrdinalIgnoreCase);
        if (mapping["attributeMappings"] is null)
        {
            return null;
        }

        if (mapping["attributeMappings"] is not JsonArray attributeMappings)
        {
            return $"'attributeMappings' of object mapping '{mappingName}' must be an array.";
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        bool hasMatching = false;
        foreach (JsonNode? node in attributeMappings)
        {
            if (node is not JsonObject am)
            {
                return $"Every element of 'attributeMappings' of object mapping '{mappingName}' must be an attributeMapping object.";
            }

            string? target = Text(am, "targetAttributeName");
            if (string.IsNullOrEmpty(target))
            {
                return $"An attribute mapping of object mapping '{mappingName}' has no targetAttributeName.";
            }

            if (!attributes.Contains(target))
            {
                return $"The target attribute '{target}' of object mapping '{mappingName}' is not defined on object '{targetObjectName}' of directory '{directoryName}'. Add it to the directory's attribute list before mapping it.";
            }

            if (!seen.Add(target))
            {
                return $"The target attribute '{target}' is mapped more than once in object mapping '{mappingName}'; a target attribute can be mapped only once.";
            }

            string? error = CheckEnum(am, "flowType", s_flowTypes, target) ?? CheckEnum(am, "flowBehavior", s_flowBehaviors, target);
            if (error is not null)
            {
                return error;
            }

            if (am["source"] is JsonNode source)
            {
                if (source is not JsonObject src || CheckEnum(src, "type", s_sourceTypes, target) is not null)
                {
                    return $"The source of the mapping for '{target}' must be an attributeMappingSource whose type is one of {string.Join(", ", s_sourceTypes)}.";
                }
            }
            else
            {
                return $"The mapping for '{target}' has no source.";
            }

            if (am["matchingPriority"] is JsonNode mp)
            {
                if (mp is not JsonValue v || !v.TryGetValue(out int priority))
                {
                    return $"matchingPriority of the mapping for '{target}' must be an integer.";
                }

                hasMatching |= priority > 0;
            }
        }

        bool enabled = mapping["enabled"] is JsonValue ev && ev.TryGetValue(out bool b) && b;
        if (enabled && !hasMatching)
        {
            return $"Object mapping '{mappingName}' is enabled but has no matching attribute: at least one attribute mapping needs a matchingPriority greater than 0.";
        }

        return null;
    }

    private static string? CheckEnum(JsonObject obj, string property, string[] allowed, string target)
    {
        if (obj[property] is null)
        {
            return null;
        }

        string? value = Text(obj, property);
        return value is not null && allowed.Contains(value, StringComparer.Ordinal)
            ? null
            : $"'{obj[property]?.ToJsonString()}' is not a valid {property} for the mapping of '{target}'. Valid values: {string.Join(", ", allowed)}.";
    }

    private static string? Text(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
