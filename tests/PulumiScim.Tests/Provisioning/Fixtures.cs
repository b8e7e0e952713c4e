// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Provisioning;

namespace PulumiScim.Tests.Provisioning;

/// <summary>The JSON fixtures under tests/PulumiScim.Tests/Fixtures and ways to reach into a schema.</summary>
internal static class Fixtures
{
    public const string EnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string WorkEmail = "emails[type eq \"work\"].value";

    private static readonly Lazy<string> s_directory = new(FindDirectory);

    /// <summary>The text of a fixture file.</summary>
    public static string Text(string name) => File.ReadAllText(Path.Combine(s_directory.Value, name));

    /// <summary>A fixture file parsed as a JSON object.</summary>
    public static JsonObject Load(string name) => JsonNode.Parse(Text(name))!.AsObject();

    /// <summary>The default schema of a new non-gallery scim job (names "Azure Active Directory").</summary>
    public static JsonObject DefaultSchema() => Load("scim-default-schema.json");

    /// <summary>The default schema with the newer "Microsoft Entra ID" names, a different rule id and shuffled order.</summary>
    public static JsonObject EntraSchema()
    {
        var schema = JsonNode.Parse(Text("scim-default-schema.json").Replace("Azure Active Directory", "Microsoft Entra ID", StringComparison.Ordinal))!.AsObject();
        var directories = schema["directories"]!.AsArray();
        var source = directories[0]!;
        directories.RemoveAt(0);
        directories.Add(source);
        var rule = schema["synchronizationRules"]![0]!.AsObject();
        rule["id"] = "5d2f6a1e-0c3b-4e8a-9f71-2b6d4c8e0a13";
        var objectMappings = rule["objectMappings"]!.AsArray();
        var users = objectMappings[0]!;
        objectMappings.RemoveAt(0);
        objectMappings.Add(users);
        return schema;
    }

    /// <summary>A partly configured schema with extra directories, objects, rules, mappings and unknown properties.</summary>
    public static JsonObject CustomSchema() => Load("scim-custom-schema.json");

    public static JsonObject Rule(JsonObject schema)
        => schema["synchronizationRules"]!.AsArray().OfType<JsonObject>()
            .Single(rule => rule["objectMappings"]!.AsArray().Any(mapping => (string?)mapping!["sourceObjectName"] == "User"));

    public static JsonObject ObjectMapping(JsonObject schema, string sourceObjectName)
        => Rule(schema)["objectMappings"]!.AsArray().OfType<JsonObject>().Single(mapping => (string?)mapping["sourceObjectName"] == sourceObjectName);

    public static JsonArray Mappings(JsonObject schema, string sourceObjectName)
        => ObjectMapping(schema, sourceObjectName)["attributeMappings"]!.AsArray();

    public static JsonObject? Mapping(JsonObject schema, string sourceObjectName, string target)
        => Mappings(schema, sourceObjectName).OfType<JsonObject>().SingleOrDefault(mapping => (string?)mapping["targetAttributeName"] == target);

    public static List<string> Targets(JsonObject schema, string sourceObjectName)
        => Mappings(schema, sourceObjectName).Select(mapping => (string)mapping!["targetAttributeName"]!).ToList();

    public static JsonObject Directory(JsonObject schema, string name)
        => schema["directories"]!.AsArray().OfType<JsonObject>().Single(directory => (string?)directory["name"] == name);

    public static JsonObject UserObject(JsonObject schema)
        => Directory(schema, "customappsso")["objects"]!.AsArray().OfType<JsonObject>().Single(obj => (string?)obj["name"] == EnterpriseUser);

    public static JsonObject Attribute(JsonObject obj, string name)
        => obj["attributes"]!.AsArray().OfType<JsonObject>().Single(attribute => (string?)attribute["name"] == name);

    public static string Json(JsonNode? node) => node?.ToJsonString() ?? "null";

    /// <summary>The plan's change descriptions.</summary>
    public static List<string> Descriptions(SchemaPlan plan) => plan.Changes.Select(change => change.Description).ToList();

    private static string FindDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(directory.FullName, "Fixtures"), Path.Combine(directory.FullName, "tests", "PulumiScim.Tests", "Fixtures") })
            {
                if (File.Exists(Path.Combine(candidate, "scim-default-schema.json")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException($"tests/PulumiScim.Tests/Fixtures not found above {AppContext.BaseDirectory}.");
    }
}
