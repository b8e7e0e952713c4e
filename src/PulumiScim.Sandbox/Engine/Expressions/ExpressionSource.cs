// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Engine.Expressions;

/// <summary>
/// The source object an expression is evaluated against: the attributes of a Microsoft Entra user or group as the
/// provisioning service sees them. Attribute names are case-sensitive, as the expression syntax is. A missing attribute
/// evaluates to null ("For an attribute, a Null is expressed by the absence of the attribute").
/// </summary>
public sealed class ExpressionSource
{
    private readonly Dictionary<string, ExpressionValue> _values;

    private ExpressionSource(Dictionary<string, ExpressionValue> values) => _values = values;

    /// <summary>An object with no attributes.</summary>
    public static ExpressionSource Empty { get; } = new(new Dictionary<string, ExpressionValue>(StringComparer.Ordinal));

    /// <summary>The attribute names present.</summary>
    public IEnumerable<string> AttributeNames => _values.Keys;

    /// <summary>Builds a source object from attribute values (string, bool, numbers, JSON values or string sequences).</summary>
    /// <param name="values">The attribute values by name.</param>
    /// <returns>The source object.</returns>
    public static ExpressionSource FromDictionary(IReadOnlyDictionary<string, object?> values)
    {
        var map = new Dictionary<string, ExpressionValue>(StringComparer.Ordinal);
        foreach (var kv in values)
        {
            map[kv.Key] = ExpressionValue.FromObject(kv.Value);
        }

        return new ExpressionSource(map);
    }

    /// <summary>
    /// Builds a source object from a Microsoft Graph user or group (the sandbox's JSON). Adds what the provisioning
    /// service computes: <c>objectId</c> (the Graph <c>id</c>) and <c>IsSoftDeleted</c>.
    /// </summary>
    /// <param name="graphObject">The user or group as Graph returns it.</param>
    /// <param name="isSoftDeleted">
    /// Whether the provisioning service treats the object as soft-deleted: deleted in Entra, unassigned from the app, out
    /// of scope, or (users) <c>accountEnabled</c> false. Null computes it from the object alone
    /// (<c>deletedDateTime</c> set or <c>accountEnabled</c> false); the provisioning engine, which knows assignments
    /// and scope, should pass it.
    /// </param>
    /// <param name="extra">More attributes the engine computes (for example <c>appRoleAssignments</c>, the role names).</param>
    /// <returns>The source object.</returns>
    public static ExpressionSource FromGraphObject(JsonObject graphObject, bool? isSoftDeleted = null, IReadOnlyDictionary<string, object?>? extra = null)
    {
        var map = new Dictionary<string, ExpressionValue>(StringComparer.Ordinal);
        foreach (var kv in graphObject)
        {
            if (kv.Value is JsonObject nested)
            {
                // Entra's source schema lists extensionAttribute1..15 as attributes of the user itself.
                if (kv.Key == "onPremisesExtensionAttributes")
                {
                    foreach (var ext in nested)
                    {
                        map[ext.Key] = ExpressionValue.FromJson(ext.Value);
                    }
                }

                continue;
            }

            map[kv.Key] = ExpressionValue.FromJson(kv.Value);
        }

        if (graphObject["id"] is JsonValue id && !map.ContainsKey("objectId"))
        {
            map["objectId"] = ExpressionValue.FromJson(id);
        }

        bool computed = graphObject["deletedDateTime"] is JsonValue
            || (graphObject["accountEnabled"] is JsonValue enabled && enabled.TryGetValue(out bool on) && !on);
        map["IsSoftDeleted"] = ExpressionValue.From(isSoftDeleted ?? computed);

        if (extra is not null)
        {
            foreach (var kv in extra)
            {
                map[kv.Key] = ExpressionValue.FromObject(kv.Value);
            }
        }

        return new ExpressionSource(map);
    }

    /// <summary>Looks an attribute up by its exact (case-sensitive) name.</summary>
    /// <param name="name">The attribute name.</param>
    /// <returns>The value; <see cref="ExpressionValue.Null"/> when the attribute is absent.</returns>
    public ExpressionValue Get(string name) => _values.TryGetValue(name, out ExpressionValue? v) ? v : ExpressionValue.Null;

    /// <summary>Whether the attribute is present (even with a null value).</summary>
    /// <param name="name">The attribute name.</param>
    /// <returns>True when present.</returns>
    public bool Contains(string name) => _values.ContainsKey(name);
}
