// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Http;

namespace PulumiScim.Sandbox.Scim;

/// <summary>
/// <c>/ServiceProviderConfig</c>, <c>/Schemas</c> and <c>/ResourceTypes</c> (RFC 7643 §5-7, RFC 7644 §4), describing
/// what Pulumi implements: PATCH and filtering, no bulk, sorting, ETags or password change; only the core User and
/// Group schemas, with only the supported attributes.
/// </summary>
internal static class ScimDiscovery
{
    private const string SchemaSchema = "urn:ietf:params:scim:schemas:core:2.0:Schema";
    private const string ResourceTypeSchema = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";

    public static SandboxResponse ServiceProviderConfig(ScimCall call) => SandboxResponse.ScimJson(200, new JsonObject
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"),
        ["documentationUri"] = "https://www.pulumi.com/docs/administration/concepts/scim/",
        ["patch"] = new JsonObject { ["supported"] = true },
        ["bulk"] = new JsonObject { ["supported"] = false, ["maxOperations"] = 0, ["maxPayloadSize"] = 0 },
        ["filter"] = new JsonObject { ["supported"] = true, ["maxResults"] = ScimUsers.MaxPageSize },
        ["changePassword"] = new JsonObject { ["supported"] = false },
        ["sort"] = new JsonObject { ["supported"] = false },
        ["etag"] = new JsonObject { ["supported"] = false },
        ["authenticationSchemes"] = new JsonArray(new JsonObject
        {
            ["type"] = "oauthbearertoken",
            ["name"] = "OAuth Bearer Token",
            ["description"] = "The organization's SCIM token, sent as Authorization: Bearer <token>.",
            ["specUri"] = "https://www.rfc-editor.org/info/rfc6750",
            ["primary"] = true,
        }),
        ["meta"] = new JsonObject { ["resourceType"] = "ServiceProviderConfig", ["location"] = call.BaseUrl + "/ServiceProviderConfig" },
    });

    public static SandboxResponse Schemas(ScimCall call)
    {
        List<JsonObject> all = [UserSchema(call), GroupSchema(call)];
        return SandboxResponse.ScimJson(200, ScimCall.ListResponse(all.Count, 1, all));
    }

    public static SandboxResponse Schema(ScimCall call)
    {
        string id = call.Route("id");
        JsonObject? schema = new[] { UserSchema(call), GroupSchema(call) }.FirstOrDefault(s => string.Equals((string?)s["id"], id, StringComparison.OrdinalIgnoreCase));
        return schema is null ? throw ScimError.NotFound($"Schema {id} not found.") : SandboxResponse.ScimJson(200, schema);
    }

    public static SandboxResponse ResourceTypes(ScimCall call)
    {
        List<JsonObject> all = [UserType(call), GroupType(call)];
        return SandboxResponse.ScimJson(200, ScimCall.ListResponse(all.Count, 1, all));
    }

    public static SandboxResponse ResourceType(ScimCall call)
    {
        string id = call.Route("id");
        JsonObject? type = new[] { UserType(call), GroupType(call) }.FirstOrDefault(s => string.Equals((string?)s["id"], id, StringComparison.OrdinalIgnoreCase));
        return type is null ? throw ScimError.NotFound($"Resource type {id} not found.") : SandboxResponse.ScimJson(200, type);
    }

    private static JsonObject UserType(ScimCall call) => Type(call, "User", "/Users", ScimUsers.Schema);

    private static JsonObject GroupType(ScimCall call) => Type(call, "Group", "/Groups", ScimGroups.Schema);

    private static JsonObject Type(ScimCall call, string name, string endpoint, string schema) => new()
    {
        ["schemas"] = new JsonArray(ResourceTypeSchema),
        ["id"] = name,
        ["name"] = name,
        ["endpoint"] = endpoint,
        ["description"] = name == "User" ? "Pulumi organization member" : "Pulumi team",
        ["schema"] = schema,
        ["schemaExtensions"] = new JsonArray(),
        ["meta"] = new JsonObject { ["resourceType"] = "ResourceType", ["location"] = $"{call.BaseUrl}/ResourceTypes/{name}" },
    };

    private static JsonObject UserSchema(ScimCall call) => SchemaObject(call, ScimUsers.Schema, "User", "Pulumi organization member",
    [
        Attribute("userName", "string", required: true, mutability: "immutable", uniqueness: "global",
            description: "Unique across all Pulumi accounts; immutable once the account exists."),
        Attribute("name", "complex", subAttributes:
        [
            Attribute("givenName", "string"),
            Attribute("familyName", "string"),
        ]),
        Attribute("displayName", "string"),
        Attribute("emails", "complex", multiValued: true, required: true, description: "Only one email, of type work.", subAttributes:
        [
            Attribute("value", "string", required: true, uniqueness: "global"),
            Attribute("type", "string", canonicalValues: ["work"]),
            Attribute("primary", "boolean"),
        ]),
        Attribute("active", "boolean", description: "false deprovisions the user; users are never deleted."),
    ]);

    private static JsonObject GroupSchema(ScimCall call) => SchemaObject(call, ScimGroups.Schema, "Group", "Pulumi team",
    [
        Attribute("displayName", "string", required: true, description: "100 characters at most."),
        Attribute("members", "complex", multiValued: true, description: "Provisioned, active users of the organization.", subAttributes:
        [
            Attribute("value", "string", mutability: "immutable"),
            Attribute("$ref", "reference", mutability: "immutable"),
            Attribute("display", "string", mutability: "readOnly"),
        ]),
    ]);

    private static JsonObject SchemaObject(ScimCall call, string id, string name, string description, JsonObject[] attributes) => new()
    {
        ["schemas"] = new JsonArray(SchemaSchema),
        ["id"] = id,
        ["name"] = name,
        ["description"] = description,
        ["attributes"] = new JsonArray(attributes.Select(a => (JsonNode)a).ToArray()),
        ["meta"] = new JsonObject { ["resourceType"] = "Schema", ["location"] = $"{call.BaseUrl}/Schemas/{id}" },
    };

    private static JsonObject Attribute(
        string name,
        string type,
        bool multiValued = false,
        bool required = false,
        string mutability = "readWrite",
        string uniqueness = "none",
        string? description = null,
        string[]? canonicalValues = null,
        JsonObject[]? subAttributes = null)
    {
        var a = new JsonObject
        {
            ["name"] = name,
            ["type"] = type,
            ["multiValued"] = multiValued,
            ["description"] = description ?? name,
            ["required"] = required,
            ["caseExact"] = false,
            ["mutability"] = mutability,
            ["returned"] = "default",
            ["uniqueness"] = uniqueness,
        };
        if (canonicalValues is not null)
        {
            a["canonicalValues"] = new JsonArray(canonicalValues.Select(v => (JsonNode)v).ToArray());
        }

        if (subAttributes is not null)
        {
            a["subAttributes"] = new JsonArray(subAttributes.Select(s => (JsonNode)s).ToArray());
        }

        return a;
    }
}
