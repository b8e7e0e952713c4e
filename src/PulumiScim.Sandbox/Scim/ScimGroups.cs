// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PulumiScim.Sandbox.Http;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Scim;

/// <summary>
/// <c>/Groups</c>: groups are Pulumi teams. Only displayName (100 characters at most) and members; externalId is not
/// part of the group schema. Every member must be a provisioned, active user of the organization, or the whole request
/// fails with 400 and nothing changes. Search is not paged. Deleting a group deletes the team.
/// </summary>
internal static partial class ScimGroups
{
    public const string Schema = "urn:ietf:params:scim:schemas:core:2.0:Group";

    public const int MaxDisplayNameLength = 100;

    /// <summary>Gives seeded groups an id, meta and members as <c>{value}</c> objects (the seed may list plain user ids).</summary>
    public static void Normalize(PulumiOrgState org)
    {
        string now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        foreach (JsonObject group in org.Groups)
        {
            group["id"] ??= Guid.NewGuid().ToString();
            group["meta"] ??= new JsonObject { ["created"] = now, ["lastModified"] = now };
            group["members"] = new JsonArray(MemberIds(group).Select(id => (JsonNode)new JsonObject { ["value"] = id }).ToArray());
        }
    }

    public static SandboxResponse List(ScimCall call)
    {
        // "A group search is unpaginated and returns every match in one response", and it returns every team of the
        // organization whose display name matches, SCIM-provisioned or not.
        string? displayName = ScimRoutes.EqualityFilter(call, "displayName");
        Dictionary<string, JsonObject> usersById = UsersById(call.Org);
        List<JsonObject> matches = call.Org.Groups
            .Where(g => displayName is null || string.Equals(ScimCall.Text(g["displayName"]), displayName, StringComparison.OrdinalIgnoreCase))
            .Select(g => call.Project(Render(call, g, usersById)))
            .ToList();
        return SandboxResponse.ScimJson(200, ScimCall.ListResponse(matches.Count, 1, matches));
    }

    public static SandboxResponse Get(ScimCall call) => SandboxResponse.ScimJson(200, call.Project(Render(call, Find(call))));

    public static SandboxResponse Create(ScimCall call)
    {
        JsonObject body = call.Body();
        ScimCall.RequireSchema(body, Schema);
        var group = new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["members"] = new JsonArray() };
        List<string> added = ApplyResource(body, group);
        Validate(call, group, added);
        group["meta"] = new JsonObject { ["created"] = call.Now, ["lastModified"] = call.Now };
        call.Org.Groups.Add(group);
        JsonObject rendered = Render(call, group);
        return SandboxResponse.ScimJson(201, rendered).WithHeader("Location", (string)rendered["meta"]!["location"]!);
    }

    public static SandboxResponse Replace(ScimCall call)
    {
        JsonObject existing = Find(call);
        JsonObject body = call.Body();
        ScimCall.RequireSchema(body, Schema);
        var group = new JsonObject { ["id"] = existing["id"]!.DeepClone(), ["members"] = new JsonArray() };
        List<string> added = ApplyResource(body, group);
        Validate(call, group, added);
        Commit(call, existing, group);
        return SandboxResponse.ScimJson(200, Render(call, existing));
    }

    public static SandboxResponse Patch(ScimCall call)
    {
        JsonObject existing = Find(call);
        JsonObject body = call.Body();
        var group = (JsonObject)existing.DeepClone();
        var added = new List<string>();
        foreach (PatchOperation op in PatchOperation.Read(body))
        {
            foreach ((string path, JsonNode? value) in op.Targets())
            {
                ApplyPath(group, op.Op, path, value, added);
            }
        }

        Validate(call, group, added);
        Commit(call, existing, group);
        return SandboxResponse.ScimJson(200, Render(call, existing));
    }

    public static SandboxResponse Delete(ScimCall call)
    {
        // Any team of the organization can be deleted this way, SCIM-provisioned or not (concepts/scim.md).
        call.Org.Groups.Remove(Find(call));
        return SandboxResponse.NoContent();
    }

    public static JsonObject Find(ScimCall call)
    {
        string id = call.Route("id");
        return call.Org.Groups.FirstOrDefault(g => string.Equals(ScimCall.Text(g["id"]), id, StringComparison.OrdinalIgnoreCase))
            ?? throw ScimError.NotFound($"Group {id} not found.");
    }

    /// <summary>The member user ids of a stored group (entries may be <c>{value}</c> objects or plain ids).</summary>
    public static List<string> MemberIds(JsonObject group) =>
        (group["members"] as JsonArray ?? [])
            .Select(m => m is JsonObject o ? ScimCall.Text(o["value"]) : ScimCall.Text(m))
            .Where(id => !string.IsNullOrEmpty(id))
            .Select(id => id!)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();

    /// <summary>
    /// The organization's users by id, built once per list request: a list of every team renders every member, and a
    /// scan of the users per member made a 200-team, 10,000-user organization take a minute to list.
    /// </summary>
    private static Dictionary<string, JsonObject> UsersById(PulumiOrgState org)
    {
        var byId = new Dictionary<string, JsonObject>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonObject u in org.Users)
        {
            if (ScimCall.Text(u["id"]) is { } id)
            {
                byId.TryAdd(id, u);
            }
        }

        return byId;
    }

    public static JsonObject Render(ScimCall call, JsonObject group) => Render(call, group, UsersById(call.Org));

    private static JsonObject Render(ScimCall call, JsonObject group, Dictionary<string, JsonObject> usersById)
    {
        var members = new JsonArray();
        foreach (string id in MemberIds(group))
        {
            JsonObject? user = usersById.GetValueOrDefault(id);
            var m = new JsonObject { ["value"] = id, ["$ref"] = $"{call.BaseUrl}/Users/{id}" };
            if (user is not null)
            {
                m["display"] = ScimCall.Text(user["displayName"]) ?? ScimCall.Text(user["userName"]);
            }

            members.Add(m);
        }

        return new JsonObject
        {
            ["schemas"] = new JsonArray(Schema),
            ["id"] = ScimCall.Text(group["id"]),
            ["displayName"] = ScimCall.Text(group["displayName"]),
            ["members"] = members,
            ["meta"] = call.Meta(group, "Group", "Groups"),
        };
    }

    private static void Commit(ScimCall call, JsonObject existing, JsonObject updated)
    {
        var meta = existing["meta"] as JsonObject;
        existing["displayName"] = updated["displayName"]?.DeepClone();
        existing["members"] = new JsonArray(MemberIds(updated).Select(id => (JsonNode)new JsonObject { ["value"] = id }).ToArray());
        existing["meta"] = new JsonObject { ["created"] = (string?)meta?["created"] ?? call.Now, ["lastModified"] = call.Now };
    }

    /// <summary>Applies a POST or PUT body; returns the member ids it sets (all of them are validated).</summary>
    private static List<string> ApplyResource(JsonObject body, JsonObject group)
    {
        var added = new List<string>();
        foreach (var kv in body)
        {
            string key = StripSchemaPrefix(kv.Key);
            switch (key.ToLowerInvariant())
            {
                case "schemas":
                case "id":
                case "meta":
                    break;
                case "displayname":
                    group["displayName"] = DisplayName(kv.Value);
                    break;
                case "members":
                    List<string> ids = ReadMembers(kv.Value);
                    group["members"] = new JsonArray(ids.Select(id => (JsonNode)new JsonObject { ["value"] = id }).ToArray());
                    added.AddRange(ids);
                    break;
                default:
                    // Including externalId: "not part of the group schema at all".
                    throw ScimError.InvalidPath(kv.Key);
            }
        }

        return added;
    }

    private static void ApplyPath(JsonObject group, string op, string rawPath, JsonNode? value, List<string> added)
    {
        string path = StripSchemaPrefix(rawPath.Trim());
        Match filtered = MemberFilterPath().Match(path);
        if (filtered.Success)
        {
            // members[value eq "id"]: only remove makes sense on a filtered multi-valued path.
            if (op != "remove")
            {
                throw ScimError.InvalidPath(rawPath);
            }

            string id = JsonNode.Parse(filtered.Groups["id"].Value)!.GetValue<string>();
            SetMembers(group, MemberIds(group).Where(m => !string.Equals(m, id, StringComparison.OrdinalIgnoreCase)));
            return;
        }

        switch (path.ToLowerInvariant())
        {
            case "displayname":
                if (op == "remove")
                {
                    throw ScimError.InvalidValue("Attribute 'displayName' is required.");
                }

                group["displayName"] = DisplayName(value);
                break;
            case "members":
                List<string> current = MemberIds(group);
                if (op == "remove")
                {
                    // Entra sends {"op":"Remove","path":"members","value":[{"value":"id"}]}; without a value, every member goes.
                    if (value is null)
                    {
                        SetMembers(group, []);
                    }
                    else
                    {
                        var gone = new HashSet<string>(ReadMembers(value), StringComparer.OrdinalIgnoreCase);
                        SetMembers(group, current.Where(m => !gone.Contains(m)));
                    }
                }
                else
                {
                    List<string> ids = ReadMembers(value);
                    added.AddRange(ids);
                    SetMembers(group, op == "replace" ? ids : current.Concat(ids));
                }

                break;
            default:
                throw ScimError.InvalidPath(rawPath);
        }
    }

    /// <summary>displayName present and at most 100 characters; every newly set member provisioned and active.</summary>
    private static void Validate(ScimCall call, JsonObject group, List<string> added)
    {
        if (string.IsNullOrEmpty(ScimCall.Text(group["displayName"])))
        {
            throw ScimError.InvalidValue("Attribute 'displayName' is required.");
        }

        var invalid = added
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(id => call.Org.Users.FirstOrDefault(u => string.Equals(ScimCall.Text(u["id"]), id, StringComparison.OrdinalIgnoreCase)) is not JsonObject user
                || !ScimUsers.IsActive(user))
            .ToList();
        if (invalid.Count > 0)
        {
            throw ScimError.InvalidValue($"Cannot add invalid members to team. Invalid member ids: {string.Join(", ", invalid)}");
        }
    }

    private static string DisplayName(JsonNode? value)
    {
        string name = value is JsonValue v && v.TryGetValue(out string? s) && s.Length > 0
            ? s
            : throw ScimError.InvalidValue("Attribute 'displayName' must be a non-empty string.");
        if (new StringInfo(name).LengthInTextElements > MaxDisplayNameLength)
        {
            throw ScimError.InvalidValue("Display name is too long. It must be 100 characters or less");
        }

        return name;
    }

    private static List<string> ReadMembers(JsonNode? value)
    {
        if (value is not JsonArray a)
        {
            throw ScimError.InvalidValue("Attribute 'members' must be an array.");
        }

        var ids = new List<string>();
        foreach (JsonNode? m in a)
        {
            if (m is not JsonObject o)
            {
                throw ScimError.InvalidValue("Each member must be an object with a 'value'.");
            }

            foreach (var kv in o)
            {
                if (kv.Key is not ("value" or "display" or "$ref" or "type"))
                {
                    throw ScimError.InvalidPath("members." + kv.Key);
                }
            }

            ids.Add(ScimCall.Text(o["value"]) is { Length: > 0 } id ? id : throw ScimError.InvalidValue("Each member must have a string 'value'."));
        }

        return ids.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static void SetMembers(JsonObject group, IEnumerable<string> ids) =>
        group["members"] = new JsonArray(ids.Distinct(StringComparer.OrdinalIgnoreCase).Select(id => (JsonNode)new JsonObject { ["value"] = id }).ToArray());

    private static string StripSchemaPrefix(string path) =>
        path.StartsWith(Schema + ":", StringComparison.OrdinalIgnoreCase) ? path[(Schema.Length + 1)..] : path;

    [GeneratedRegex("^members\\[\\s*value\\s+eq\\s+(?<id>\"(?:[^\"\\\\]|\\\\.)*\")\\s*\\]$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MemberFilterPath();
}
