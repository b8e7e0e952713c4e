// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PulumiScim.Sandbox.Engine.Expressions;

namespace PulumiScim.Sandbox.Engine.Provisioning;

/// <summary>
/// A target attribute name of the customappsso schema turned into a place in a SCIM resource, the way Entra's SCIM client
/// writes it (entra-docs app-provisioning/use-scim-to-provision-users-and-groups.md, "Create User" request):
/// <c>userName</c> (top level), <c>name.givenName</c> (sub-attribute), <c>emails[type eq "work"].value</c> (the element of
/// a multi-valued attribute with that type), <c>urn:…:enterprise:2.0:User:department</c> (an extension schema's object).
/// </summary>
internal static partial class ScimPath
{
    private const string EnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    /// <summary>The parts of a path: optional extension URN, attribute, optional type filter, optional sub-attribute.</summary>
    private readonly record struct Parts(string? Extension, string Attribute, string? Type, string? Sub);

    /// <summary>Whether the path writes into the enterprise extension (the create body then lists its schema).</summary>
    public static bool IsEnterprise(string path) => path.StartsWith(EnterpriseUser + ":", StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes <paramref name="value"/> at <paramref name="path"/> in <paramref name="resource"/>.</summary>
    public static void Set(JsonObject resource, string path, JsonNode? value)
    {
        Parts p = Parse(path);
        JsonObject container = resource;
        if (p.Extension is not null)
        {
            if (resource[p.Extension] is not JsonObject ext)
            {
                ext = [];
                resource[p.Extension] = ext;
            }

            container = ext;
        }

        if (p.Type is not null)
        {
            if (container[p.Attribute] is not JsonArray items)
            {
                items = [];
                container[p.Attribute] = items;
            }

            JsonObject? element = items.OfType<JsonObject>().FirstOrDefault(e => string.Equals(AttributeMappingPlan.Text(e["type"]), p.Type, StringComparison.OrdinalIgnoreCase));
            if (element is null)
            {
                element = new JsonObject { ["type"] = p.Type };
                if (string.Equals(p.Attribute, "emails", StringComparison.OrdinalIgnoreCase))
                {
                    // Entra marks the work email primary ("emails":[{"primary":true,"type":"work","value":...}]).
                    element["primary"] = true;
                }

                items.Add(element);
            }

            element[p.Sub ?? "value"] = value;
        }
        else if (p.Sub is not null)
        {
            if (container[p.Attribute] is not JsonObject complex)
            {
                complex = [];
                container[p.Attribute] = complex;
            }

            complex[p.Sub] = value;
        }
        else
        {
            container[p.Attribute] = value;
        }
    }

    /// <summary>Reads the value at <paramref name="path"/>, or null.</summary>
    public static JsonNode? Get(JsonObject resource, string path)
    {
        Parts p = Parse(path);
        JsonObject? container = p.Extension is null ? resource : JsonLookup.Property(resource, p.Extension) as JsonObject;
        JsonNode? node = container is null ? null : JsonLookup.Property(container, p.Attribute);
        if (p.Type is not null)
        {
            JsonObject? element = (node as JsonArray ?? []).OfType<JsonObject>()
                .FirstOrDefault(e => string.Equals(AttributeMappingPlan.Text(e["type"]), p.Type, StringComparison.OrdinalIgnoreCase));
            return element is null ? null : JsonLookup.Property(element, p.Sub ?? "value");
        }

        return p.Sub is not null ? (node is JsonObject o ? JsonLookup.Property(o, p.Sub) : null) : node;
    }

    /// <summary>A JSON value as the expression language writes it: booleans "True"/"False", complex <c>{value}</c> as its value.</summary>
    public static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonValue v when v.TryGetValue(out bool b) => b ? "True" : "False",
        JsonValue v => v.ToJsonString(),
        JsonObject o when o["value"] is JsonNode inner => Text(inner),
        JsonArray a => string.Join(", ", a.Select(Text)),
        _ => node.ToJsonString(),
    };

    /// <summary>
    /// The JSON a mapping's value is sent as: Boolean attributes as JSON booleans, Integer ones as numbers, the rest as
    /// strings; multi-valued attributes as arrays. A multi-valued value for a single-valued attribute is the error Entra
    /// reports as SchemaPropertyCanOnlyAcceptValue (monitoring-health/howto-analyze-provisioning-logs.md).
    /// </summary>
    public static JsonNode? ToJson(AttributeMappingPlan mapping, ExpressionValue value)
    {
        if (value.IsNull)
        {
            return null;
        }

        if (value.IsMultiValued)
        {
            if (!mapping.IsMultivalued)
            {
                throw new ProvisioningException(
                    "SchemaPropertyCanOnlyAcceptValue",
                    $"The property '{mapping.TargetAttributeName}' in the target system can only accept one value, but the expression '{mapping.SourceText}' produced {value.Values.Count}: {value}.");
            }

            return new JsonArray(value.Values.Select(v => Scalar(mapping, v)).ToArray());
        }

        return Scalar(mapping, value.AsString!);
    }

    /// <summary>Compares a desired value with the target's, the way the attribute's definition says (caseExact).</summary>
    public static bool SameValue(AttributeMappingPlan mapping, string? desired, string? current)
    {
        if (mapping.IsBoolean)
        {
            return string.Equals(desired, current, StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(desired, current, mapping.CaseExact ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
    }

    private static JsonNode? Scalar(AttributeMappingPlan mapping, string text)
    {
        if (mapping.IsBoolean && bool.TryParse(text, out bool b))
        {
            return JsonValue.Create(b);
        }

        if (string.Equals(mapping.TargetType, "Integer", StringComparison.OrdinalIgnoreCase)
            && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
        {
            return JsonValue.Create(n);
        }

        return JsonValue.Create(text);
    }

    private static Parts Parse(string path)
    {
        string? extension = null;
        string rest = path;
        if (path.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            int colon = path.LastIndexOf(':');
            extension = path[..colon];
            rest = path[(colon + 1)..];
        }

        Match m = PathPattern().Match(rest);
        return m.Success
            ? new Parts(extension, m.Groups["attr"].Value, m.Groups["type"].Success ? m.Groups["type"].Value : null, m.Groups["sub"].Success ? m.Groups["sub"].Value : null)
            : new Parts(extension, rest, null, null);
    }

    [GeneratedRegex("^(?<attr>[A-Za-z0-9_$-]+)(\\[\\s*type\\s+eq\\s+\"(?<type>[^\"]*)\"\\s*\\])?(\\.(?<sub>[A-Za-z0-9_$-]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex PathPattern();
}

/// <summary>A per-object failure the engine itself finds before or instead of calling the target (a typed log error).</summary>
internal sealed class ProvisioningException : Exception
{
    public ProvisioningException(string code, string message)
        : base(message) => Code = code;

    public string Code { get; }
}
