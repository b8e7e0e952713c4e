// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace PulumiScim.Provisioning;

/// <summary>The guide's attribute mappings: which user mappings it keeps, and the default source of each.</summary>
internal static class GuideMappings
{
    /// <summary>The <c>userName</c> target attribute.</summary>
    public const string UserName = "userName";

    /// <summary>The work email target attribute, decoded (in JSON text the quotes are escaped).</summary>
    public const string WorkEmail = "emails[type eq \"work\"].value";

    /// <summary>The <c>displayName</c> target attribute (users and groups).</summary>
    public const string DisplayName = "displayName";

    /// <summary>The group <c>members</c> target attribute.</summary>
    public const string Members = "members";

    /// <summary>The group <c>externalId</c> target attribute the guide removes.</summary>
    public const string ExternalId = "externalId";

    /// <summary>The expression of Entra's default <c>active</c> mapping.</summary>
    public const string ActiveExpression = "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")";

    /// <summary>The user mappings the guide keeps; it deletes every other one.</summary>
    public static IReadOnlyList<string> KeptUserAttributes { get; } =
        [UserName, "active", DisplayName, WorkEmail, "name.givenName", "name.familyName"];

    /// <summary>The group mappings Pulumi needs when group provisioning is on.</summary>
    public static IReadOnlyList<string> NeededGroupAttributes { get; } = [DisplayName, Members];

    /// <summary>Whether the guide keeps a user mapping with this target attribute.</summary>
    public static bool IsKeptUserAttribute(string? targetAttributeName)
        => KeptUserAttributes.Any(kept => SchemaJson.SameName(kept, targetAttributeName));

    /// <summary>An attribute source: <c>{"expression":"[name]","name":name,"type":"Attribute","parameters":[]}</c>.</summary>
    public static JsonObject AttributeSource(string name) => new()
    {
        ["expression"] = $"[{name}]",
        ["name"] = name,
        ["type"] = "Attribute",
        ["parameters"] = new JsonArray(),
    };

    /// <summary>
    /// The default source of a kept user mapping other than <c>userName</c>, as Entra's default scim schema has it.
    /// </summary>
    /// <remarks>
    /// <c>active</c> gets the <c>Switch</c> function with its parameters in the order of the function's signature
    /// (source, defaultValue, key, value, key, value). That parsed shape is assembled, not captured from Graph; the
    /// expression is authoritative, and the Graph layer may normalize the source with <c>schema/parseExpression</c>.
    /// </remarks>
    public static JsonObject DefaultUserSource(string targetAttributeName) => targetAttributeName switch
    {
        "active" => ActiveSource(),
        DisplayName => AttributeSource("displayName"),
        WorkEmail => AttributeSource("mail"),
        "name.givenName" => AttributeSource("givenName"),
        "name.familyName" => AttributeSource("surname"),
        _ => throw new ArgumentOutOfRangeException(nameof(targetAttributeName), targetAttributeName, "Not a kept user attribute with a default source."),
    };

    /// <summary>
    /// A new attribute mapping in the property order Graph returns:
    /// defaultValue, exportMissingReferences, flowBehavior, flowType, matchingPriority, source, targetAttributeName.
    /// </summary>
    public static JsonObject NewMapping(string targetAttributeName, JsonObject source, string flowType = "Always", int matchingPriority = 0) => new()
    {
        ["defaultValue"] = null,
        ["exportMissingReferences"] = false,
        ["flowBehavior"] = "FlowWhenChanged",
        ["flowType"] = flowType,
        ["matchingPriority"] = matchingPriority,
        ["source"] = source,
        ["targetAttributeName"] = targetAttributeName,
    };

    private static JsonObject ActiveSource() => new()
    {
        ["expression"] = ActiveExpression,
        ["name"] = "Switch",
        ["type"] = "Function",
        ["parameters"] = new JsonArray(
            Parameter("source", AttributeSource("IsSoftDeleted")),
            Parameter("defaultValue", Constant(string.Empty)),
            Parameter("key", Constant("False")),
            Parameter("value", Constant("True")),
            Parameter("key", Constant("True")),
            Parameter("value", Constant("False"))),
    };

    private static JsonObject Parameter(string key, JsonObject value) => new() { ["key"] = key, ["value"] = value };

    private static JsonObject Constant(string value) => new()
    {
        ["expression"] = $"\"{value}\"",
        ["name"] = value,
        ["type"] = "Constant",
        ["parameters"] = new JsonArray(),
    };
}
