// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox;

/// <summary>Reading JSON properties the way Graph and SCIM name them: case-insensitively (RFC 7643 §2.1 for SCIM).</summary>
internal static class JsonLookup
{
    /// <summary>The property <paramref name="name"/> of <paramref name="o"/>, the exact spelling first, else any casing; null when absent.</summary>
    public static JsonNode? Property(JsonObject o, string name)
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
}
