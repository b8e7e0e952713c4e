// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Engine.Expressions;

/// <summary>
/// A value in the expression language: null (an absent attribute), a single string, or a multi-valued list of strings.
/// Booleans are the strings <c>"True"</c> and <c>"False"</c>, as the provisioning service writes them.
/// </summary>
public sealed class ExpressionValue : IEquatable<ExpressionValue>
{
    private readonly string? _single;
    private readonly IReadOnlyList<string>? _multi;

    private ExpressionValue(string? single, IReadOnlyList<string>? multi)
    {
        _single = single;
        _multi = multi;
    }

    /// <summary>The null value (an absent attribute, or a function that produced nothing).</summary>
    public static ExpressionValue Null { get; } = new(null, null);

    /// <summary>The boolean true, <c>"True"</c>.</summary>
    public static ExpressionValue True { get; } = new("True", null);

    /// <summary>The boolean false, <c>"False"</c>.</summary>
    public static ExpressionValue False { get; } = new("False", null);

    /// <summary>Whether this is the null value.</summary>
    public bool IsNull => _single is null && _multi is null;

    /// <summary>Whether this is a multi-valued list.</summary>
    public bool IsMultiValued => _multi is not null;

    /// <summary>The single string, or null when the value is null or multi-valued.</summary>
    public string? AsString => _single;

    /// <summary>The values as a list: empty for null, one item for a single string, the items of a multi-valued list.</summary>
    public IReadOnlyList<string> Values => _multi ?? (_single is null ? [] : [_single]);

    /// <summary>A single string value; null gives <see cref="Null"/>.</summary>
    /// <param name="value">The string.</param>
    /// <returns>The value.</returns>
    public static ExpressionValue From(string? value) => value is null ? Null : new ExpressionValue(value, null);

    /// <summary>A boolean as the strings "True" and "False".</summary>
    /// <param name="value">The boolean.</param>
    /// <returns>The value.</returns>
    public static ExpressionValue From(bool value) => value ? True : False;

    /// <summary>A multi-valued list; null gives <see cref="Null"/>.</summary>
    /// <param name="values">The items.</param>
    /// <returns>The value.</returns>
    public static ExpressionValue FromMany(IEnumerable<string>? values) => values is null ? Null : new ExpressionValue(null, values.ToArray());

    /// <summary>Converts a CLR value: string, bool, numbers, <see cref="JsonNode"/>, or a sequence of those.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The expression value.</returns>
    public static ExpressionValue FromObject(object? value) => value switch
    {
        null => Null,
        ExpressionValue v => v,
        string s => From(s),
        bool b => From(b),
        JsonNode node => FromJson(node),
        IFormattable f when value is int or long or short or byte or decimal or double or float or uint or ulong or ushort or sbyte
            => From(f.ToString(null, System.Globalization.CultureInfo.InvariantCulture)),
        DateTime d => From(d.ToUniversalTime().ToString("o", System.Globalization.CultureInfo.InvariantCulture)),
        DateTimeOffset d => From(d.ToUniversalTime().ToString("o", System.Globalization.CultureInfo.InvariantCulture)),
        Guid g => From(g.ToString()),
        System.Collections.IEnumerable e => FromMany(e.Cast<object?>().Select(ItemText).Where(t => t is not null)!),
        _ => From(value.ToString()),
    };

    /// <summary>Converts a JSON value: strings as they are, booleans as "True"/"False", numbers as written, arrays as multi-valued lists.</summary>
    /// <param name="node">The JSON value.</param>
    /// <returns>The expression value.</returns>
    public static ExpressionValue FromJson(JsonNode? node) => node switch
    {
        null => Null,
        JsonArray a => FromMany(a.Select(ItemText).Where(t => t is not null)!),
        JsonValue v when v.TryGetValue(out string? s) => From(s),
        JsonValue v when v.TryGetValue(out bool b) => From(b),
        JsonValue v => From(v.ToJsonString()),
        _ => From(node.ToJsonString()),
    };

    private static string? ItemText(object? item) => item switch
    {
        null => null,
        JsonNode n => FromJson(n).AsString,
        _ => FromObject(item).AsString,
    };

    /// <inheritdoc/>
    public bool Equals(ExpressionValue? other) =>
        other is not null && _single == other._single && (_multi is null ? other._multi is null : other._multi is not null && _multi.SequenceEqual(other._multi));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ExpressionValue);

    /// <inheritdoc/>
    public override int GetHashCode() => _single?.GetHashCode(StringComparison.Ordinal) ?? _multi?.Count ?? 0;

    /// <summary>A readable form: <c>null</c>, the string, or <c>[a, b]</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => IsNull ? "null" : _multi is null ? _single! : "[" + string.Join(", ", _multi) + "]";
}
