// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.State;

/// <summary>
/// Checks a seed against the format in docs/sandbox.md before anything is loaded: every required field present, every
/// field of the right JSON type, and every reference (a group member, an assignment's principal or role, the log
/// generator's service principal) naming something the seed defines. Each problem names its JSON path and the fix.
/// Object ids are GUIDs, as Graph's are (Graph: "directoryObject resource type", id "A Guid").
/// </summary>
internal sealed class SeedValidator
{
    private readonly List<string> problems = [];
    private readonly HashSet<string> userIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> groupIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> servicePrincipalIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Path, string Id)> memberRefs = [];
    private readonly List<(string Path, string Id)> principalRefs = [];

    private SeedValidator()
    {
    }

    /// <summary>Every problem of the seed, each naming its JSON path and the fix; empty when the seed is valid.</summary>
    public static IReadOnlyList<string> Validate(JsonObject seed)
    {
        var v = new SeedValidator();
        v.Check(seed);
        return v.problems;
    }

    /// <summary>One message for all problems: "N problems in the seed:" and one line each.</summary>
    public static string Describe(IReadOnlyList<string> problems) => problems.Count == 1
        ? problems[0]
        : $"{problems.Count} problems in the seed:{Environment.NewLine}" + string.Join(Environment.NewLine, problems.Select(p => "- " + p));

    private void Check(JsonObject seed)
    {
        RequiredGuid(seed, "tenantId", "tenantId", "give the directory's tenant id");
        foreach ((JsonObject user, string path) in Objects(seed, "users", "users", "a user"))
        {
            CheckUser(user, path);
        }

        foreach ((JsonObject group, string path) in Objects(seed, "groups", "groups", "a group"))
        {
            CheckGroup(group, path);
        }

        foreach ((JsonObject app, string path) in Objects(seed, "applications", "applications", "an application"))
        {
            CheckApplication(app, path);
        }

        if (Object(seed, "pulumi", "pulumi") is JsonObject pulumi)
        {
            CheckPulumi(pulumi);
        }

        if (Object(seed, "provisioningLogs", "provisioningLogs") is JsonObject logs)
        {
            CheckLogs(logs);
        }

        if (Object(seed, "options", "options") is JsonObject options)
        {
            CheckOptions(options);
        }

        CheckReferences();
    }

    private void CheckUser(JsonObject user, string path)
    {
        if (RequiredGuid(user, "id", path + ".id", "give every user its object id (a GUID)") is string id && !userIds.Add(id))
        {
            Problem($"{path}.id '{id}' is the id of another user too: give every user its own id.");
        }

        RequiredString(user, "userPrincipalName", path, "give every user a sign-in name, e.g. \"ada@contoso.example\"");
        foreach (string name in new[] { "displayName", "mailNickname", "mail", "givenName", "surname", "jobTitle" })
        {
            OptionalString(user, name, path);
        }

        OptionalBool(user, "accountEnabled", path);
    }

    private void CheckGroup(JsonObject group, string path)
    {
        if (RequiredGuid(group, "id", path + ".id", "give every group its object id (a GUID)") is string id && !groupIds.Add(id))
        {
            Problem($"{path}.id '{id}' is the id of another group too: give every group its own id.");
        }

        RequiredString(group, "displayName", path, "give every group a display name");
        OptionalBool(group, "securityEnabled", path);
        OptionalBool(group, "mailEnabled", path);
        foreach ((string member, string memberPath) in Strings(group, "members", path + ".members", "user or group ids"))
        {
            memberRefs.Add((memberPath, member));
        }
    }

    private void CheckApplication(JsonObject app, string path)
    {
        RequiredString(app, "displayName", path, "give every application the display name its enterprise app shows");
        OptionalGuid(app, "appId", path);
        OptionalGuid(app, "applicationId", path);
        if (OptionalGuid(app, "servicePrincipalId", path) is string sp && !servicePrincipalIds.Add(sp))
        {
            Problem($"{path}.servicePrincipalId '{sp}' is the id of another application's service principal too: give each its own.");
        }

        HashSet<string> roles = CheckAppRoles(app, path);
        _ = Strings(app, "identifierUris", path + ".identifierUris", "URIs").ToList();
        _ = Strings(app, "replyUrls", path + ".replyUrls", "URLs").ToList();
        _ = Strings(app, "owners", path + ".owners", "owner object ids").ToList();
        foreach ((JsonObject asg, string asgPath) in Objects(app, "assignments", path + ".assignments", "an assignment"))
        {
            if (RequiredString(asg, "principalId", asgPath, "name the assigned user or group by its id") is string principal)
            {
                principalRefs.Add((asgPath + ".principalId", principal));
            }

            if (OptionalString(asg, "appRoleId", asgPath) is string role && !roles.Contains(role))
            {
                Problem($"{asgPath}.appRoleId '{role}' is no role of this application: use one of {string.Join(", ", roles)}, or null for the User role.");
            }
        }

        if (Object(app, "synchronization", path + ".synchronization") is JsonObject sync)
        {
            CheckSynchronization(sync, path + ".synchronization");
        }
    }

    private HashSet<string> CheckAppRoles(JsonObject app, string path)
    {
        var roles = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (app["appRoles"] is null)
        {
            roles.Add(SeedLoader.UserRoleId);
            roles.Add(SeedLoader.MsiamAccessRoleId);
            return roles;
        }

        foreach ((JsonObject role, string rolePath) in Objects(app, "appRoles", path + ".appRoles", "an app role"))
        {
            if (RequiredGuid(role, "id", rolePath + ".id", "give every app role an id (a GUID)") is string id)
            {
                roles.Add(id);
            }
        }

        return roles;
    }

    private void CheckSynchronization(JsonObject sync, string path)
    {
        foreach ((JsonObject job, string jobPath) in Objects(sync, "jobs", path + ".jobs", "a job"))
        {
            OptionalString(job, "id", jobPath);
            OptionalString(job, "templateId", jobPath);
            JsonNode? schema = job["schema"];
            if (schema is not null and not JsonObject && !(schema is JsonValue v && v.TryGetValue(out string? s) && s == "template"))
            {
                Problem($"{jobPath}.schema is {Describe(schema)}: write \"template\" (the scim template's schema) or a whole synchronizationSchema object.");
            }

            if (Object(job, "schedule", jobPath + ".schedule") is JsonObject schedule)
            {
                // Graph: "synchronizationSchedule resource type", state is a synchronizationScheduleState.
                if (OptionalString(schedule, "state", jobPath + ".schedule") is string state && state is not ("Active" or "Disabled" or "Paused"))
                {
                    Problem($"{jobPath}.schedule.state is '{state}': use Active, Disabled or Paused.");
                }

                OptionalString(schedule, "interval", jobPath + ".schedule");
            }
        }

        foreach ((JsonObject secret, string secretPath) in Objects(sync, "secrets", path + ".secrets", "a secret"))
        {
            RequiredString(secret, "key", secretPath, "name the secret, e.g. \"BaseAddress\" or \"SecretToken\"");
            OptionalString(secret, "value", secretPath);
        }
    }

    private void CheckPulumi(JsonObject pulumi)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach ((JsonObject org, string path) in Objects(pulumi, "organizations", "pulumi.organizations", "an organization"))
        {
            if (RequiredString(org, "name", path, "give every organization its login name (the {org} of its Tenant URL)") is string name && !names.Add(name))
            {
                Problem($"{path}.name '{name}' names another organization too: give each its own name.");
            }

            RequiredString(org, "token", path, "give every organization the SCIM token the sandbox accepts for it");
            foreach ((JsonObject user, string userPath) in Objects(org, "users", path + ".users", "a SCIM user"))
            {
                RequiredString(user, "userName", userPath, "give every Pulumi user a userName");
            }

            foreach ((JsonObject group, string groupPath) in Objects(org, "groups", path + ".groups", "a SCIM group"))
            {
                RequiredString(group, "displayName", groupPath, "give every Pulumi group a displayName");
            }
        }

        _ = Strings(pulumi, "takenUserNames", "pulumi.takenUserNames", "user names").ToList();
        _ = Strings(pulumi, "takenEmails", "pulumi.takenEmails", "email addresses").ToList();
    }

    private void CheckLogs(JsonObject logs)
    {
        _ = Objects(logs, "entries", "provisioningLogs.entries", "a provisioningObjectSummary").ToList();
        if (Object(logs, "generate", "provisioningLogs.generate") is not JsonObject gen)
        {
            return;
        }

        const string path = "provisioningLogs.generate";
        if (RequiredString(gen, "from", path, "give the time of the first entry, e.g. \"2026-11-01T00:00:00Z\"") is string from && ProvisioningLogStore.ParseTime(from) is null)
        {
            Problem($"{path}.from '{from}' is not an ISO 8601 date and time: write it like \"2026-11-01T00:00:00Z\".");
        }

        OptionalInt(gen, "count", path, 0);
        OptionalInt(gen, "seed", path, int.MinValue);
        if (gen["failureRatio"] is JsonNode ratio && (ratio.GetValueKind() != JsonValueKind.Number || ratio.GetValue<double>() is < 0 or > 1))
        {
            Problem($"{path}.failureRatio is {Describe(ratio)}: write a number from 0 to 1, e.g. 0.1.");
        }

        if (OptionalGuid(gen, "servicePrincipalId", path) is string sp)
        {
            principalRefs.Add((path + ".servicePrincipalId", sp));
        }
    }

    private void CheckOptions(JsonObject options)
    {
        OptionalInt(options, "replicationDelayMs", "options", 0);
        OptionalInt(options, "cycleDelayMs", "options", 0);
        OptionalInt(options, "pageSize", "options", 1);
        OptionalBool(options, "throttleProvisioningLogs", "options");
        OptionalInt(options, "latencyMs", "options", 0);
        OptionalInt(options, "firstPartyServicePrincipals", "options", 0);
    }

    private void CheckReferences()
    {
        foreach ((string path, string id) in memberRefs.Where(r => !userIds.Contains(r.Id) && !groupIds.Contains(r.Id)))
        {
            Problem($"{path} names '{id}', which is no user or group of the seed: add it to users (or groups), or remove the member.");
        }

        foreach ((string path, string id) in principalRefs.Where(r => r.Path.StartsWith("applications", StringComparison.Ordinal)
            && !userIds.Contains(r.Id) && !groupIds.Contains(r.Id) && !servicePrincipalIds.Contains(r.Id)))
        {
            Problem($"{path} names '{id}', which is no user, group or service principal of the seed: add it, or remove the assignment.");
        }

        foreach ((string path, string id) in principalRefs.Where(r => r.Path.StartsWith("provisioningLogs", StringComparison.Ordinal) && !servicePrincipalIds.Contains(r.Id)))
        {
            Problem($"{path} names '{id}', which is no application's servicePrincipalId: use one, or leave it out for the first application with a job.");
        }
    }

    private void Problem(string message) => problems.Add(message);

    private JsonObject? Object(JsonObject parent, string name, string path)
    {
        JsonNode? node = parent[name];
        if (node is null or JsonObject)
        {
            return node as JsonObject;
        }

        Problem($"{path} is {Describe(node)}: write an object {{ ... }}, or leave it out.");
        return null;
    }

    private IEnumerable<(JsonObject Item, string Path)> Objects(JsonObject parent, string name, string path, string what)
    {
        JsonNode? node = parent[name];
        if (node is null)
        {
            yield break;
        }

        if (node is not JsonArray items)
        {
            Problem($"{path} is {Describe(node)}: write an array [ ... ] of objects, one per {what[(what.IndexOf(' ', StringComparison.Ordinal) + 1)..]}.");
            yield break;
        }

        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is JsonObject item)
            {
                yield return (item, $"{path}[{i}]");
            }
            else
            {
                Problem($"{path}[{i}] is {Describe(items[i])}: write {what} as an object {{ ... }}.");
            }
        }
    }

    private IEnumerable<(string Value, string Path)> Strings(JsonObject parent, string name, string path, string what)
    {
        JsonNode? node = parent[name];
        if (node is null)
        {
            yield break;
        }

        if (node is not JsonArray items)
        {
            Problem($"{path} is {Describe(node)}: write an array of {what} as strings, e.g. [\"...\"].");
            yield break;
        }

        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is JsonValue v && v.TryGetValue(out string? s))
            {
                yield return (s, $"{path}[{i}]");
            }
            else
            {
                Problem($"{path}[{i}] is {Describe(items[i])}: write it as a string in quotes.");
            }
        }
    }

    private string? RequiredString(JsonObject o, string name, string path, string fix)
    {
        if (o[name] is null)
        {
            Problem($"{path}.{name} is missing: {fix}.");
            return null;
        }

        return OptionalString(o, name, path);
    }

    private string? OptionalString(JsonObject o, string name, string path)
    {
        JsonNode? node = o[name];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.TryGetValue(out string? s))
        {
            return s;
        }

        Problem($"{path}.{name} is {Describe(node)}: write it as a string in quotes.");
        return null;
    }

    private string? RequiredGuid(JsonObject o, string name, string path, string fix)
    {
        if (o[name] is null)
        {
            Problem($"{path} is missing: {fix}.");
            return null;
        }

        return Guid(o, name, path);
    }

    private string? OptionalGuid(JsonObject o, string name, string path) => o[name] is null ? null : Guid(o, name, $"{path}.{name}");

    private string? Guid(JsonObject o, string name, string path)
    {
        JsonNode node = o[name]!;
        if (node is JsonValue v && v.TryGetValue(out string? s) && System.Guid.TryParse(s, out _))
        {
            return s;
        }

        Problem($"{path} is {Describe(node)}: write a GUID in quotes, e.g. \"{System.Guid.Empty}\".");
        return null;
    }

    private void OptionalBool(JsonObject o, string name, string path)
    {
        if (o[name] is JsonNode node && node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            Problem($"{path}.{name} is {Describe(node)}: write true or false, without quotes.");
        }
    }

    private void OptionalInt(JsonObject o, string name, string path, int min)
    {
        if (o[name] is JsonNode node && !(node is JsonValue v && v.TryGetValue(out int n) && n >= min))
        {
            string range = min == int.MinValue ? "a whole number" : $"a whole number of at least {min}";
            Problem($"{path}.{name} is {Describe(node)}: write {range}, without quotes.");
        }
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => $"the string \"{(string)v!}\"",
        JsonValue v => $"{Kind(v)} {v.ToJsonString()}",
        _ => Kind(node),
    };

    private static string Kind(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "the number",
        JsonValueKind.True or JsonValueKind.False => "the boolean",
        _ => "a value",
    };
}
