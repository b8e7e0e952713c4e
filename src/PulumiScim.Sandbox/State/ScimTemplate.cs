// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.State;

/// <summary>The default schema of a non-gallery <c>scim</c> job (first cut: the sandbox issue fills it in).</summary>
internal static class ScimTemplate
{
    public static JsonObject DefaultSchema(string jobId) => new()
    {
        ["id"] = jobId,
        ["version"] = "Date:2026-11-01T00:00:00Z~###~Version:1",
        ["directories"] = new JsonArray(),
        ["synchronizationRules"] = new JsonArray(),
    };
}
