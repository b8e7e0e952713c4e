// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Http;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Scim;

/// <summary>One authorized SCIM request against one organization, handled while holding the state lock.</summary>
internal sealed class ScimCall
{
    public ScimCall(SandboxContext context, PulumiOrgState org, SandboxRequest request)
    {
        Context = context;
        Org = org;
        Request = request;
        Now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
    }

    public SandboxContext Context { get; }

    public SandboxState State => Context.State;

    public PulumiOrgState Org { get; }

    public SandboxRequest Request { get; }

    /// <summary>This request's timestamp, for meta.created and meta.lastModified.</summary>
    public string Now { get; }

    /// <summary>The organization's SCIM base, <c>{PulumiApiUri}/scim/v2/{org}</c>.</summary>
    public string BaseUrl => $"{Context.Server.PulumiApiUri.ToString().TrimEnd('/')}/scim/v2/{Org.Name}";

    public string Route(string name) => Request.Route(name);

    /// <summary>The body as a JSON object, or a 400 invalidSyntax.</summary>
    public JsonObject Body()
    {
        if (Request.Body.Length == 0)
        {
            throw ScimError.InvalidSyntax("The request body is empty.");
        }

        try
        {
            return JsonNode.Parse(Request.Body) as JsonObject ?? throw ScimError.InvalidSyntax("The request body is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw ScimError.InvalidSyntax("The request body is not valid JSON: " + ex.Message);
        }
    }

    /// <summary>Checks that the body's <c>schemas</c> lists <paramref name="schema"/> (RFC 7643 §3: schemas is REQUIRED).</summary>
    public static void RequireSchema(JsonObject body, string schema)
    {
        if (body["schemas"] is not JsonArray schemas || !schemas.Any(s => s is JsonValue v && v.TryGetValue(out string? u) && string.Equals(u, schema, StringComparison.OrdinalIgnoreCase)))
        {
            throw ScimError.InvalidSyntax($"The request body's 'schemas' must include \"{schema}\".");
        }
    }

    /// <summary>Applies the <c>attributes</c> and <c>excludedAttributes</c> query parameters (RFC 7644 §3.9) to a resource.</summary>
    public JsonObject Project(JsonObject resource)
    {
        static HashSet<string> Names(string? list) => new(
            (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            StringComparer.OrdinalIgnoreCase);

        HashSet<string> include = Names(Request.Query["attributes"]);
        HashSet<string> exclude = Names(Request.Query["excludedAttributes"]);
        foreach (string key in resource.Select(kv => kv.Key).ToList())
        {
            if (key is "schemas" or "id")
            {
                continue;
            }

            if ((include.Count > 0 && !include.Contains(key)) || exclude.Contains(key))
            {
                resource.Remove(key);
            }
        }

        return resource;
    }

    /// <summary>A ListResponse (RFC 7644 §3.4.2).</summary>
    public static JsonObject ListResponse(int total, int startIndex, IReadOnlyCollection<JsonObject> resources) => new()
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:ListResponse"),
        ["totalResults"] = total,
        ["startIndex"] = startIndex,
        ["itemsPerPage"] = resources.Count,
        ["Resources"] = new JsonArray(resources.Select(r => (JsonNode)r).ToArray()),
    };

    /// <summary>The resource's meta, with its location.</summary>
    public JsonObject Meta(JsonObject stored, string resourceType, string endpoint)
    {
        var meta = stored["meta"] as JsonObject;
        return new JsonObject
        {
            ["resourceType"] = resourceType,
            ["created"] = (string?)meta?["created"] ?? Now,
            ["lastModified"] = (string?)meta?["lastModified"] ?? (string?)meta?["created"] ?? Now,
            ["location"] = $"{BaseUrl}/{endpoint}/{(string?)stored["id"]}",
        };
    }

    public static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
