// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary>Seeds built from the default one for particular tests.</summary>
public static class GraphSeeds
{
    /// <summary>The default seed, as a mutable JSON object.</summary>
    public static JsonObject Default() => JsonNode.Parse(SandboxServer.DefaultSeed)!.AsObject();

    /// <summary>The default seed with <paramref name="count"/> generated users instead of the seeded ones.</summary>
    public static string WithUsers(int count)
    {
        JsonObject seed = Default();
        var users = new JsonArray();
        for (int i = 0; i < count; i++)
        {
            users.Add(new JsonObject
            {
                ["id"] = new Guid(i + 1, 7, 7, [1, 2, 3, 4, 5, 6, 7, 8]).ToString(),
                ["userPrincipalName"] = $"user{i}@contoso.example",
                ["mailNickname"] = $"user{i}",
                ["mail"] = $"user{i}@contoso.example",
                ["displayName"] = $"User {i}",
                ["givenName"] = "User",
                ["surname"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["accountEnabled"] = true,
            });
        }

        seed["users"] = users;
        seed["groups"] = new JsonArray();
        return seed.ToJsonString();
    }

    /// <summary>The default seed with its app's scim job already created (schema from the template) and options set.</summary>
    public static JsonObject WithJob(Action<JsonObject>? edit = null)
    {
        JsonObject seed = Default();
        seed["applications"]![0]!["synchronization"] = new JsonObject
        {
            ["jobs"] = new JsonArray(new JsonObject { ["templateId"] = "scim", ["schema"] = "template" }),
            ["secrets"] = new JsonArray(),
        };
        edit?.Invoke(seed);
        return seed;
    }
}
