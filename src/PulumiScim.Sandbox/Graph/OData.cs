// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PulumiScim.Sandbox.Http;

namespace PulumiScim.Sandbox.Graph;

/// <summary>One <c>$filter</c> clause: <c>prop eq 'v'</c>, <c>startswith(prop,'v')</c>, <c>contains(prop,'v')</c>, <c>prop ge 2026-01-01T00:00:00Z</c>, <c>prop/any(x:x eq 'v')</c> (Op "any").</summary>
internal sealed record FilterClause(string Property, string Op, string Value)
{
    /// <summary>The literals of an <c>in</c> clause: <c>displayName in ('a','b')</c>.</summary>
    public IReadOnlyList<string> Values { get; init; } = [Value];
}

/// <summary>The OData query options Graph supports on the sandbox's lists.</summary>
internal static partial class OData
{
    [GeneratedRegex(@"^\s*startswith\(\s*(?<p>[A-Za-z0-9_/]+)\s*,\s*'(?<v>(?:[^']|'')*)'\s*\)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex StartsWithRegex();

    [GeneratedRegex(@"^\s*contains\(\s*(?<p>[A-Za-z0-9_/]+)\s*,\s*'(?<v>(?:[^']|'')*)'\s*\)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ContainsRegex();

    [GeneratedRegex(@"^\s*(?<p>[A-Za-z0-9_/]+)\s+(?<op>eq|ne|ge|le|gt|lt)\s+(?:'(?<v>(?:[^']|'')*)'|(?<v>[^\s']+))\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex CompareRegex();

    // The 'in' operator (Graph docs, concepts/filter-query-parameter.md lists 'in' among the operators directory
    // objects support on properties that support eq).
    [GeneratedRegex(@"^\s*(?<p>[A-Za-z0-9_/]+)\s+in\s*\(\s*(?<list>'(?:[^']|'')*'(?:\s*,\s*'(?:[^']|'')*')*)\s*\)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex InRegex();

    // A lambda on a string collection: tags/any(t:t eq 'WindowsAzureActiveDirectoryIntegratedApp') (Graph docs,
    // concepts/filter-query-parameter.md, "Filter using lambda operators"; a multi-valued property is filtered only
    // through any, so 'tags eq ...' stays an invalid clause).
    [GeneratedRegex(@"^\s*(?<p>[A-Za-z0-9_]+)/any\(\s*(?<x>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*\k<x>\s+eq\s+'(?<v>(?:[^']|'')*)'\s*\)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex AnyEqRegex();

    [GeneratedRegex(@"'((?:[^']|'')*)'")]
    private static partial Regex LiteralRegex();

    [GeneratedRegex(@"\G\s+and\s+", RegexOptions.IgnoreCase)]
    private static partial Regex AndRegex();

    /// <summary>Parses a filter of clauses joined by <c>and</c>; null with an error message when unsupported.</summary>
    public static List<FilterClause>? ParseFilter(string? filter, out string? error)
    {
        error = null;
        var clauses = new List<FilterClause>();
        if (string.IsNullOrWhiteSpace(filter))
        {
            return clauses;
        }

        foreach (string part in SplitAnd(filter))
        {
            Match m = StartsWithRegex().Match(part);
            if (m.Success)
            {
                clauses.Add(new FilterClause(m.Groups["p"].Value, "startswith", m.Groups["v"].Value.Replace("''", "'", StringComparison.Ordinal)));
                continue;
            }

            m = ContainsRegex().Match(part);
            if (m.Success)
            {
                clauses.Add(new FilterClause(m.Groups["p"].Value, "contains", m.Groups["v"].Value.Replace("''", "'", StringComparison.Ordinal)));
                continue;
            }

            m = AnyEqRegex().Match(part);
            if (m.Success)
            {
                clauses.Add(new FilterClause(m.Groups["p"].Value, "any", m.Groups["v"].Value.Replace("''", "'", StringComparison.Ordinal)));
                continue;
            }

            m = InRegex().Match(part);
            if (m.Success)
            {
                var values = LiteralRegex().Matches(m.Groups["list"].Value).Select(l => l.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal)).ToList();
                clauses.Add(new FilterClause(m.Groups["p"].Value, "in", values[0]) { Values = values });
                continue;
            }

            m = CompareRegex().Match(part);
            if (m.Success)
            {
                clauses.Add(new FilterClause(m.Groups["p"].Value, m.Groups["op"].Value.ToLowerInvariant(), m.Groups["v"].Value.Replace("''", "'", StringComparison.Ordinal)));
                continue;
            }

            error = $"Invalid filter clause: {part.Trim()}";
            return null;
        }

        return clauses;
    }

    private static List<string> SplitAnd(string filter)
    {
        // split on ' and ' outside quoted literals
        var parts = new List<string>();
        int start = 0;
        bool inQuote = false;
        for (int i = 0; i < filter.Length; i++)
        {
            if (filter[i] == '\'')
            {
                inQuote = !inQuote;
                continue;
            }

            if (!inQuote && char.IsWhiteSpace(filter[i]))
            {
                Match m = AndRegex().Match(filter, i);
                if (m.Success)
                {
                    parts.Add(filter[start..i]);
                    start = i + m.Length;
                    i = start - 1;
                }
            }
        }

        parts.Add(filter[start..]);
        return parts;
    }

    /// <summary>Reads a (possibly nested, '/'-separated) property as a string.</summary>
    public static string? Read(JsonObject obj, string property)
    {
        JsonNode? node = obj;
        foreach (string seg in property.Split('/'))
        {
            node = node is JsonObject o ? JsonLookup.Property(o, seg) : null;
        }

        return node switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out string? s) => s,
            JsonValue v => v.ToJsonString().Trim('"'),
            _ => node.ToJsonString(),
        };
    }

    /// <summary>Whether an object satisfies every clause (directory semantics: eq on strings is case-insensitive).</summary>
    public static bool Matches(JsonObject obj, IReadOnlyList<FilterClause> clauses, bool caseSensitive = false)
    {
        StringComparison cmp = caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        foreach (FilterClause c in clauses)
        {
            if (c.Op == "any")
            {
                if (!(JsonLookup.Property(obj, c.Property) is JsonArray items && items.Any(i => i is JsonValue v && v.TryGetValue(out string? s) && string.Equals(s, c.Value, cmp))))
                {
                    return false;
                }

                continue;
            }

            string? value = Read(obj, c.Property);
            bool ok = c.Op switch
            {
                "eq" => string.Equals(value, c.Value, cmp),
                "in" => c.Values.Any(v => string.Equals(value, v, cmp)),
                "ne" => !string.Equals(value, c.Value, cmp),
                "startswith" => value is not null && value.StartsWith(c.Value, cmp),
                "contains" => value is not null && value.Contains(c.Value, cmp),
                "ge" or "le" or "gt" or "lt" => CompareOrdered(value, c.Value, c.Op),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool CompareOrdered(string? value, string operand, string op)
    {
        if (value is null)
        {
            return false;
        }

        int r = DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var a)
            && DateTimeOffset.TryParse(operand, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var b)
            ? a.CompareTo(b)
            : string.CompareOrdinal(value, operand);
        return op switch { "ge" => r >= 0, "le" => r <= 0, "gt" => r > 0, _ => r < 0 };
    }

    /// <summary>Splits a <c>$select</c> value into property names (empty when absent).</summary>
    public static List<string> SelectNames(string? select) =>
        string.IsNullOrWhiteSpace(select) ? [] : [.. select.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>
    /// Applies <c>$select</c>: keeps the named properties (and <c>id</c>); a named property the object lacks is written
    /// as null, as Graph writes an unset property.
    /// </summary>
    public static JsonObject Select(JsonObject obj, string? select)
    {
        if (string.IsNullOrWhiteSpace(select))
        {
            return (JsonObject)obj.DeepClone();
        }

        var result = new JsonObject();
        var names = SelectNames(select);
        if (!names.Contains("id", StringComparer.OrdinalIgnoreCase))
        {
            names.Insert(0, "id");
        }

        foreach (string name in names)
        {
            bool found = false;
            foreach (var kv in obj)
            {
                if (string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    result[kv.Key] = kv.Value?.DeepClone();
                    found = true;
                    break;
                }
            }

            if (!found && !result.ContainsKey(name))
            {
                result[name] = null;
            }
        }

        return result;
    }

    /// <summary>Reads <c>$top</c>: the default when absent, null with the 400 to send when invalid.</summary>
    public static int? Top(SandboxRequest request, int defaultTop, int maxTop, out SandboxResponse? error)
    {
        error = null;
        string? topText = request.Query["$top"];
        if (topText is null)
        {
            return Math.Min(defaultTop, maxTop);
        }

        if (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out int top) || top < 1 || top > maxTop)
        {
            error = GraphError.BadRequest($"Invalid page size specified: '{topText}'. Must be between 1 and {maxTop} inclusive.", "Request_UnsupportedQuery");
            return null;
        }

        return top;
    }

    /// <summary>The URL of the next page: this request's URL with <c>$skiptoken</c> (and <c>$top</c>) replaced.</summary>
    public static string NextLink(SandboxRequest request, Uri root, string skipToken, int top)
    {
        var q = System.Web.HttpUtility.ParseQueryString(request.RawQuery.TrimStart('?'));
        q["$skiptoken"] = skipToken;
        q["$top"] = top.ToString(CultureInfo.InvariantCulture);
        return $"{root.ToString().TrimEnd('/')}{request.Path}?{q}";
    }

    /// <summary>
    /// One page of a collection with <c>@odata.context</c> and, when more remain, <c>@odata.nextLink</c> carrying a
    /// <c>$skiptoken</c> (Graph docs, concepts/paging.md). <paramref name="project"/> shapes each item of the page
    /// (only the page is copied); call it under the state lock.
    /// </summary>
    public static SandboxResponse Page(SandboxRequest request, Uri root, string context, IReadOnlyList<JsonObject> items, int defaultPageSize, Func<JsonObject, JsonObject>? project = null, int maxTop = 999)
    {
        int? top = Top(request, defaultPageSize, maxTop, out SandboxResponse? error);
        if (top is null)
        {
            return error!;
        }

        int skip = 0;
        string? skipToken = request.Query["$skiptoken"];
        if (skipToken is not null && !TryDecodeSkipToken(skipToken, out skip))
        {
            return GraphError.BadRequest("Invalid $skiptoken.", "Directory_ExpiredPageToken");
        }

        string? select = request.Query["$select"];
        project ??= item => Select(item, select);
        var page = new JsonArray();
        for (int i = skip; i < items.Count && i < skip + top.Value; i++)
        {
            page.Add(project(items[i]));
        }

        var body = new JsonObject { ["@odata.context"] = $"{root}v1.0/$metadata#{context}" };
        if (skip + top.Value < items.Count)
        {
            body["@odata.nextLink"] = NextLink(request, root, EncodeSkipToken(skip + top.Value), top.Value);
        }

        body["value"] = page;
        return SandboxResponse.Json(200, body);
    }

    public static string EncodeSkipToken(int offset) =>
        "RFNwdAIAAQAAA" + Convert.ToBase64String(BitConverter.GetBytes(offset)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecodeSkipToken(string token, out int offset)
    {
        offset = 0;
        if (!token.StartsWith("RFNwdAIAAQAAA", StringComparison.Ordinal))
        {
            return false;
        }

        string b64 = token["RFNwdAIAAQAAA".Length..].Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
        try
        {
            byte[] bytes = Convert.FromBase64String(b64);
            if (bytes.Length != 4)
            {
                return false;
            }

            offset = BitConverter.ToInt32(bytes);
            return offset >= 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
