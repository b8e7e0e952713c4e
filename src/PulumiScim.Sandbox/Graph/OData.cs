// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PulumiScim.Sandbox.Http;

namespace PulumiScim.Sandbox.Graph;

/// <summary>One <c>$filter</c> clause: <c>prop eq 'v'</c>, <c>startswith(prop,'v')</c>, <c>prop ge 2026-01-01T00:00:00Z</c>.</summary>
internal sealed record FilterClause(string Property, string Op, string Value);

/// <summary>The OData query options Graph supports on the sandbox's lists.</summary>
internal static partial class OData
{
    [GeneratedRegex(@"^\s*startswith\(\s*(?<p>[A-Za-z0-9_/]+)\s*,\s*'(?<v>(?:[^']|'')*)'\s*\)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex StartsWithRegex();

    [GeneratedRegex(@"^\s*(?<p>[A-Za-z0-9_/]+)\s+(?<op>eq|ne|ge|le|gt|lt)\s+(?:'(?<v>(?:[^']|'')*)'|(?<v>[^\s']+))\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex CompareRegex();

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
            node = node is JsonObject o ? FindCaseInsensitive(o, seg) : null;
        }

        return node switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out string? s) => s,
            JsonValue v => v.ToJsonString().Trim('"'),
            _ => node.ToJsonString(),
        };
    }

    private static JsonNode? FindCaseInsensitive(JsonObject o, string name)
    {
        if (o.TryGetPropertyValue(name, out JsonNode? exact))
        {
            return exact;
        }

        foreach (var kv in o)
        {
            if (string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return kv.Value;
            }
        }

        return null;
    }

    /// <summary>Whether an object satisfies every clause (directory semantics: eq on strings is case-insensitive).</summary>
    public static bool Matches(JsonObject obj, IReadOnlyList<FilterClause> clauses, bool caseSensitive = false)
    {
        StringComparison cmp = caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        foreach (FilterClause c in clauses)
        {
            string? value = Read(obj, c.Property);
            bool ok = c.Op switch
            {
                "eq" => string.Equals(value, c.Value, cmp),
                "ne" => !string.Equals(value, c.Value, cmp),
                "startswith" => value is not null && value.StartsWith(c.Value, cmp),
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

    /// <summary>Applies <c>$select</c>: keeps the named properties (and <c>id</c>, as Graph does).</summary>
    public static JsonObject Select(JsonObject obj, string? select)
    {
        if (string.IsNullOrWhiteSpace(select))
        {
            return (JsonObject)obj.DeepClone();
        }

        var result = new JsonObject();
        var names = select.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (!names.Contains("id", StringComparer.OrdinalIgnoreCase))
        {
            names.Insert(0, "id");
        }

        foreach (string name in names)
        {
            foreach (var kv in obj)
            {
                if (string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    result[kv.Key] = kv.Value?.DeepClone();
                }
            }
        }

        return result;
    }

    /// <summary>
    /// One page of a collection with <c>@odata.context</c> and, when more remain, <c>@odata.nextLink</c> carrying a
    /// <c>$skiptoken</c> (Graph docs, concepts/paging.md).
    /// </summary>
    public static SandboxResponse Page(SandboxRequest request, Uri root, string context, IReadOnlyList<JsonObject> items, int defaultPageSize, int maxTop = 999)
    {
        int top = defaultPageSize;
        string? topText = request.Query["$top"];
        if (topText is not null)
        {
            if (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1 || top > maxTop)
            {
                return GraphError.BadRequest($"Invalid page size specified: '{topText}'. Must be between 1 and {maxTop} inclusive.", "Request_UnsupportedQuery");
            }
        }

        int skip = 0;
        string? skipToken = request.Query["$skiptoken"];
        if (skipToken is not null && !TryDecodeSkipToken(skipToken, out skip))
        {
            return GraphError.BadRequest("Invalid $skiptoken.", "Directory_ExpiredPageToken");
        }

        string? select = request.Query["$select"];
        var page = new JsonArray();
        foreach (JsonObject item in items.Skip(skip).Take(top))
        {
            page.Add(Select(item, select));
        }

        var body = new JsonObject { ["@odata.context"] = $"{root}v1.0/$metadata#{context}" };
        if (skip + top < items.Count)
        {
            var q = System.Web.HttpUtility.ParseQueryString(request.RawQuery.TrimStart('?'));
            q["$skiptoken"] = EncodeSkipToken(skip + top);
            q["$top"] = top.ToString(CultureInfo.InvariantCulture);
            body["@odata.nextLink"] = $"{root.ToString().TrimEnd('/')}{request.Path}?{q}";
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
