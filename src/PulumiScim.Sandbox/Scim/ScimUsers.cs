// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PulumiScim.Sandbox.Http;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Scim;

/// <summary>
/// <c>/Users</c>. Pulumi supports userName (immutable), displayName, name.givenName, name.familyName,
/// emails[type eq "work"].value and active; externalId is accepted but never stored; anything else is 400 invalidPath.
/// Users are never deleted, only deactivated. userName and email are unique across all Pulumi accounts.
/// </summary>
internal static partial class ScimUsers
{
    public const string Schema = "urn:ietf:params:scim:schemas:core:2.0:User";

    /// <summary>Users are paged at most 100 per page ("A request for a larger count fails with a 400 response").</summary>
    public const int MaxPageSize = 100;

    private const string WorkEmailPath = "emails[type eq \"work\"].value";

    /// <summary>Gives seeded users what the SCIM side needs: id, active (default true), meta.</summary>
    public static void Normalize(PulumiOrgState org)
    {
        string now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        foreach (JsonObject user in org.Users)
        {
            user["id"] ??= Guid.NewGuid().ToString();
            user["active"] ??= true;
            user["meta"] ??= new JsonObject { ["created"] = now, ["lastModified"] = now };
        }
    }

    public static SandboxResponse List(ScimCall call)
    {
        string? userName = ScimRoutes.EqualityFilter(call, "userName");
        (int start, int count) = ScimRoutes.Paging(call, MaxPageSize);

        // userName is caseExact false in RFC 7643's User schema, so eq compares case-insensitively.
        List<JsonObject> matches = call.Org.Users
            .Where(u => userName is null || string.Equals(ScimCall.Text(u["userName"]), userName, StringComparison.OrdinalIgnoreCase))
            .ToList();
        List<JsonObject> page = matches.Skip(start - 1).Take(count).Select(u => call.Project(Render(call, u))).ToList();
        return SandboxResponse.ScimJson(200, ScimCall.ListResponse(matches.Count, start, page));
    }

    public static SandboxResponse Get(ScimCall call) => SandboxResponse.ScimJson(200, call.Project(Render(call, Find(call))));

    public static SandboxResponse Create(ScimCall call)
    {
        JsonObject body = call.Body();
        ScimCall.RequireSchema(body, Schema);
        var user = new JsonObject { ["id"] = Guid.NewGuid().ToString() };
        ApplyResource(body, user, isCreate: true);
        CheckRequired(user);
        CheckUnique(call, user, self: null, checkUserName: true);
        user["meta"] = new JsonObject { ["created"] = call.Now, ["lastModified"] = call.Now };
        call.Org.Users.Add(user);
        JsonObject rendered = Render(call, user);
        return SandboxResponse.ScimJson(201, rendered).WithHeader("Location", (string)rendered["meta"]!["location"]!);
    }

    public static SandboxResponse Replace(ScimCall call)
    {
        JsonObject existing = Find(call);
        JsonObject body = call.Body();
        ScimCall.RequireSchema(body, Schema);
        var user = new JsonObject
        {
            ["id"] = existing["id"]!.DeepClone(),
            ["userName"] = existing["userName"]?.DeepClone(),
            ["active"] = existing["active"]?.DeepClone(),
        };
        ApplyResource(body, user, isCreate: false);
        CheckRequired(user);
        CheckUnique(call, user, self: existing, checkUserName: false);
        Commit(call, existing, user);
        return SandboxResponse.ScimJson(200, Render(call, existing));
    }

    public static SandboxResponse Patch(ScimCall call)
    {
        JsonObject existing = Find(call);
        JsonObject body = call.Body();
        var user = (JsonObject)existing.DeepClone();
        foreach (PatchOperation op in PatchOperation.Read(body))
        {
            foreach ((string path, JsonNode? value) in op.Targets())
            {
                ApplyPath(user, op.Op, path, value);
            }
        }

        CheckRequired(user);
        CheckUnique(call, user, self: existing, checkUserName: false);
        Commit(call, existing, user);
        return SandboxResponse.ScimJson(200, Render(call, existing));
    }

    /// <summary>The user with the route's id in this organization, or 404.</summary>
    public static JsonObject Find(ScimCall call)
    {
        string id = call.Route("id");
        return call.Org.Users.FirstOrDefault(u => string.Equals(ScimCall.Text(u["id"]), id, StringComparison.OrdinalIgnoreCase))
            ?? throw ScimError.NotFound($"User {id} not found.");
    }

    public static bool IsActive(JsonObject user) => user["active"] is not JsonValue v || !v.TryGetValue(out bool active) || active;

    public static string? WorkEmail(JsonObject user) =>
        (user["emails"] as JsonArray)?.OfType<JsonObject>()
            .Where(e => ScimCall.Text(e["type"]) is null or "work")
            .Select(e => ScimCall.Text(e["value"]))
            .FirstOrDefault(v => v is not null);

    public static JsonObject Render(ScimCall call, JsonObject user)
    {
        var r = new JsonObject
        {
            ["schemas"] = new JsonArray(Schema),
            ["id"] = ScimCall.Text(user["id"]),
            ["userName"] = ScimCall.Text(user["userName"]),
        };
        if (user["name"] is JsonObject name && (name["givenName"] is not null || name["familyName"] is not null))
        {
            var n = new JsonObject();
            if (ScimCall.Text(name["givenName"]) is string given)
            {
                n["givenName"] = given;
            }

            if (ScimCall.Text(name["familyName"]) is string family)
            {
                n["familyName"] = family;
            }

            r["name"] = n;
        }

        if (ScimCall.Text(user["displayName"]) is string displayName)
        {
            r["displayName"] = displayName;
        }

        if (WorkEmail(user) is string email)
        {
            r["emails"] = new JsonArray(new JsonObject { ["value"] = email, ["type"] = "work", ["primary"] = true });
        }

        r["active"] = IsActive(user);
        r["meta"] = call.Meta(user, "User", "Users");
        return r;
    }

    private static void Commit(ScimCall call, JsonObject existing, JsonObject updated)
    {
        var meta = existing["meta"] as JsonObject;
        updated["meta"] = new JsonObject { ["created"] = (string?)meta?["created"] ?? call.Now, ["lastModified"] = call.Now };
        existing.Clear();
        foreach (var kv in updated.ToList())
        {
            updated.Remove(kv.Key);
            existing[kv.Key] = kv.Value;
        }
    }

    /// <summary>Applies a whole resource (POST or PUT body) to <paramref name="user"/>; unsupported attributes are invalidPath.</summary>
    private static void ApplyResource(JsonObject body, JsonObject user, bool isCreate)
    {
        JsonNode? userName = null;
        bool hasUserName = false;
        foreach (var kv in body)
        {
            string key = StripSchemaPrefix(kv.Key);
            switch (key.ToLowerInvariant())
            {
                case "schemas":
                case "id":
                case "meta":
                case "externalid":
                    // schemas, id and meta are the client's echo; externalId "is accepted on users but never stored".
                    break;
                case "username":
                    hasUserName = true;
                    userName = kv.Value;
                    break;
                case "displayname":
                    user["displayName"] = StringOrNull(kv.Value, "displayName");
                    break;
                case "name":
                    user["name"] = ReadName(kv.Value);
                    break;
                case "emails":
                    user["emails"] = ReadEmails(kv.Value);
                    break;
                case "active":
                    user["active"] = Bool(kv.Value, "active");
                    break;
                default:
                    throw ScimError.InvalidPath(kv.Key);
            }
        }

        if (isCreate)
        {
            user["userName"] = hasUserName ? StringOrNull(userName, "userName") : null;
            user["active"] ??= true;
        }
        else if (hasUserName)
        {
            // PUT must carry userName (it is required) and may not change it.
            string? given = StringOrNull(userName, "userName");
            if (given is not null && !string.Equals(given, ScimCall.Text(user["userName"]), StringComparison.Ordinal))
            {
                throw ScimError.UserNameImmutable();
            }
        }
        else
        {
            throw ScimError.InvalidValue("Attribute 'userName' is required.");
        }
    }

    /// <summary>One PATCH path on a user.</summary>
    private static void ApplyPath(JsonObject user, string op, string rawPath, JsonNode? value)
    {
        string path = StripSchemaPrefix(rawPath.Trim());
        bool remove = op == "remove";
        Match email = EmailPath().Match(path);
        if (email.Success)
        {
            if (!string.Equals(email.Groups["type"].Value, "work", StringComparison.Ordinal))
            {
                throw ScimError.InvalidPath(rawPath);
            }

            if (remove)
            {
                throw ScimError.InvalidValue("Attribute 'emails' is required.");
            }

            string? address = email.Groups["value"].Success ? StringOrNull(value, WorkEmailPath) : StringOrNull((value as JsonObject)?["value"], WorkEmailPath);
            user["emails"] = ReadEmails(new JsonArray(new JsonObject { ["value"] = address, ["type"] = "work", ["primary"] = true }));
            return;
        }

        switch (path.ToLowerInvariant())
        {
            case "username":
                if (remove || !string.Equals(StringOrNull(value, "userName"), ScimCall.Text(user["userName"]), StringComparison.Ordinal))
                {
                    throw ScimError.UserNameImmutable();
                }

                break;
            case "externalid":
                break;
            case "displayname":
                user["displayName"] = remove ? null : StringOrNull(value, "displayName");
                break;
            case "name":
                if (remove)
                {
                    user.Remove("name");
                }
                else if (op == "add" && user["name"] is JsonObject current)
                {
                    foreach (var kv in ReadName(value)!)
                    {
                        current[kv.Key] = kv.Value?.DeepClone();
                    }
                }
                else
                {
                    user["name"] = ReadName(value);
                }

                break;
            case "name.givenname":
            case "name.familyname":
                var name = user["name"] as JsonObject ?? new JsonObject();
                string sub = path.EndsWith("givenName", StringComparison.OrdinalIgnoreCase) ? "givenName" : "familyName";
                name[sub] = remove ? null : StringOrNull(value, "name." + sub);
                user["name"] = name;
                break;
            case "emails":
                if (remove)
                {
                    throw ScimError.InvalidValue("Attribute 'emails' is required.");
                }

                user["emails"] = ReadEmails(value);
                break;
            case "active":
                if (remove)
                {
                    throw ScimError.InvalidValue("Attribute 'active' cannot be removed.");
                }

                user["active"] = Bool(value, "active");
                break;
            default:
                throw ScimError.InvalidPath(rawPath);
        }
    }

    private static void CheckRequired(JsonObject user)
    {
        if (string.IsNullOrEmpty(ScimCall.Text(user["userName"])))
        {
            throw ScimError.InvalidValue("Attribute 'userName' is required.");
        }

        if (WorkEmail(user) is null)
        {
            throw ScimError.InvalidValue("Attribute 'emails' is required: a work email.");
        }
    }

    /// <summary>Usernames and emails are unique across all Pulumi accounts: the seed's taken lists and every organization's users.</summary>
    private static void CheckUnique(ScimCall call, JsonObject user, JsonObject? self, bool checkUserName)
    {
        IEnumerable<JsonObject> others = call.State.Organizations.SelectMany(o => o.Users).Where(u => !ReferenceEquals(u, self));
        if (checkUserName)
        {
            string userName = ScimCall.Text(user["userName"])!;
            if (call.State.TakenUserNames.Contains(userName)
                || others.Any(u => string.Equals(ScimCall.Text(u["userName"]), userName, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ScimError(409, "uniqueness", $"User with userName {userName} already exists.");
            }
        }

        string email = WorkEmail(user)!;
        if (self is not null && string.Equals(WorkEmail(self), email, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        if (call.State.TakenEmails.Contains(email) || others.Any(u => string.Equals(WorkEmail(u), email, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ScimError(409, "uniqueness", $"Email {email} already in use by another Pulumi account.");
        }
    }

    private static JsonObject? ReadName(JsonNode? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value is not JsonObject o)
        {
            throw ScimError.InvalidValue("Attribute 'name' must be an object.");
        }

        var name = new JsonObject();
        foreach (var kv in o)
        {
            switch (kv.Key.ToLowerInvariant())
            {
                case "givenname":
                    name["givenName"] = StringOrNull(kv.Value, "name.givenName");
                    break;
                case "familyname":
                    name["familyName"] = StringOrNull(kv.Value, "name.familyName");
                    break;
                default:
                    throw ScimError.InvalidPath("name." + kv.Key);
            }
        }

        return name;
    }

    /// <summary>Only one work email: no other types, no secondary emails.</summary>
    private static JsonArray? ReadEmails(JsonNode? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value is not JsonArray a)
        {
            throw ScimError.InvalidValue("Attribute 'emails' must be an array.");
        }

        var result = new JsonArray();
        foreach (JsonNode? item in a)
        {
            if (item is not JsonObject e)
            {
                throw ScimError.InvalidValue("Each email must be an object.");
            }

            string? type = null;
            string? address = null;
            foreach (var kv in e)
            {
                switch (kv.Key.ToLowerInvariant())
                {
                    case "type":
                        type = StringOrNull(kv.Value, "emails.type");
                        break;
                    case "value":
                        address = StringOrNull(kv.Value, WorkEmailPath);
                        break;
                    case "primary":
                        Bool(kv.Value, "emails.primary");
                        break;
                    default:
                        throw ScimError.InvalidPath("emails." + kv.Key);
                }
            }

            if (type != "work")
            {
                throw ScimError.InvalidPath($"emails[type eq \"{type}\"].value");
            }

            if (string.IsNullOrWhiteSpace(address) || !address.Contains('@', StringComparison.Ordinal))
            {
                throw ScimError.InvalidValue($"Email {address} is not a valid email address.");
            }

            if (result.Count > 0)
            {
                throw ScimError.InvalidValue("Only one work email is supported.");
            }

            result.Add(new JsonObject { ["value"] = address, ["type"] = "work", ["primary"] = true });
        }

        return result;
    }

    private static string StripSchemaPrefix(string path) =>
        path.StartsWith(Schema + ":", StringComparison.OrdinalIgnoreCase) ? path[(Schema.Length + 1)..] : path;

    private static string? StringOrNull(JsonNode? value, string attribute) => value switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => throw ScimError.InvalidValue($"Attribute '{attribute}' must be a string."),
    };

    private static bool Bool(JsonNode? value, string attribute) =>
        value is JsonValue v && v.TryGetValue(out bool b) ? b : throw ScimError.InvalidValue($"Attribute '{attribute}' must be a boolean.");

    [GeneratedRegex("^emails\\[\\s*type\\s+eq\\s+\"(?<type>[^\"]*)\"\\s*\\](?<value>\\.value)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EmailPath();
}

/// <summary>One operation of a PatchOp request (RFC 7644 §3.5.2).</summary>
internal sealed record PatchOperation(string Op, string? Path, JsonNode? Value)
{
    public const string Schema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    public static List<PatchOperation> Read(JsonObject body)
    {
        ScimCall.RequireSchema(body, Schema);
        if (body["Operations"] is not JsonArray ops || ops.Count == 0)
        {
            throw ScimError.InvalidSyntax("A PatchOp request needs a non-empty 'Operations' array.");
        }

        var result = new List<PatchOperation>();
        foreach (JsonNode? node in ops)
        {
            if (node is not JsonObject o)
            {
                throw ScimError.InvalidSyntax("Each operation must be an object.");
            }

            string? op = ScimCall.Text(o["op"])?.ToLowerInvariant();
            if (op is not ("add" or "remove" or "replace"))
            {
                throw ScimError.InvalidSyntax($"Unsupported operation '{ScimCall.Text(o["op"])}'; expected add, remove or replace.");
            }

            string? path = o["path"] is null ? null : ScimCall.Text(o["path"]) ?? throw ScimError.InvalidSyntax("An operation's path must be a string.");
            if (path is not null && path.Trim().Length == 0)
            {
                throw ScimError.InvalidPath(path);
            }

            result.Add(new PatchOperation(op, path, o["value"]));
        }

        return result;
    }

    /// <summary>
    /// The (path, value) pairs the operation sets: its own path, or for an operation without a path each attribute of
    /// its object value (RFC 7644 §3.5.2.1 and §3.5.2.3); a remove needs a path (§3.5.2.2, "noTarget").
    /// </summary>
    public IEnumerable<(string Path, JsonNode? Value)> Targets()
    {
        if (Path is not null)
        {
            return [(Path, Value)];
        }

        if (Op == "remove")
        {
            throw new ScimError(400, "noTarget", "A remove operation needs a path.");
        }

        if (Value is not JsonObject values)
        {
            throw ScimError.InvalidSyntax($"An {Op} operation without a path needs an object value.");
        }

        return values.Select(kv => (kv.Key, kv.Value)).ToList();
    }
}
