// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace PulumiScim.Provisioning;

/// <summary>One saved user mapping the comparison looks at.</summary>
/// <param name="Target">The Pulumi (SCIM) attribute, e.g. <c>displayName</c>.</param>
/// <param name="SourceAttribute">The Entra user property when the source is a plain attribute (<c>[mail]</c>); null for any other expression.</param>
/// <param name="Expression">The source as the portal shows it.</param>
/// <param name="CreateOnly">Whether it flows only at object creation (<c>flowType</c> ObjectAddOnly).</param>
internal sealed record ComparedMapping(string Target, string? SourceAttribute, string Expression, bool CreateOnly);

/// <summary>What the saved schema says Pulumi should hold: the compared user mappings, the matching one, and the team mapping.</summary>
internal sealed class ComparisonRules
{
    /// <summary>The Pulumi user attributes the comparison can read back (Pulumi stores no others).</summary>
    public static readonly IReadOnlyList<string> ComparableTargets =
        [GuideMappings.UserName, GuideMappings.DisplayName, GuideMappings.WorkEmail, "name.givenName", "name.familyName"];

    /// <summary>Entra user properties a mapping may read that Graph's user resource has ($select-able).</summary>
    private static readonly HashSet<string> s_graphUserProperties = new(StringComparer.OrdinalIgnoreCase)
    {
        "id", "userPrincipalName", "mailNickname", "mail", "displayName", "givenName", "surname", "jobTitle", "department",
        "employeeId", "companyName", "preferredLanguage", "city", "country", "state", "usageLocation", "officeLocation", "mobilePhone",
    };

    private static readonly string[] s_reasonProperties = ["id", "userPrincipalName", "mailNickname", "mail", "displayName", "accountEnabled"];

    public ComparisonRules(IReadOnlyList<ComparedMapping> userMappings, IReadOnlyList<ComparedMapping> notCompared, bool groupsEnabled, string? teamNameSource)
    {
        UserMappings = userMappings;
        NotCompared = notCompared;
        GroupsEnabled = groupsEnabled;
        TeamNameSource = teamNameSource;
        Matching = userMappings.FirstOrDefault(m => m.Target == GuideMappings.UserName && m.SourceAttribute is not null);
    }

    /// <summary>The user mappings compared (plain attribute sources onto attributes Pulumi stores).</summary>
    public IReadOnlyList<ComparedMapping> UserMappings { get; }

    /// <summary>Mappings onto Pulumi attributes whose source is an expression: listed, never guessed.</summary>
    public IReadOnlyList<ComparedMapping> NotCompared { get; }

    /// <summary>The userName mapping, by which Entra matches a user to a Pulumi user; null when it is an expression.</summary>
    public ComparedMapping? Matching { get; }

    /// <summary>Whether the Group object mapping is enabled (Provision groups on).</summary>
    public bool GroupsEnabled { get; }

    /// <summary>The group property the team's displayName comes from (normally displayName); null when not a plain attribute.</summary>
    public string? TeamNameSource { get; }

    /// <summary>The Entra user properties to read: what the mappings need plus what the reasons need.</summary>
    public IEnumerable<string> UserProperties =>
        s_reasonProperties.Concat(UserMappings.Select(m => m.SourceAttribute!))
            .Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads the rules from a job's schema (the outbound rule's User and Group object mappings).</summary>
    /// <exception cref="SchemaShapeException">The schema has no outbound rule with a User mapping.</exception>
    public static ComparisonRules FromSchema(JsonObject schema)
    {
        SchemaParts parts = SchemaParts.Locate(schema);
        var compared = new List<ComparedMapping>();
        var notCompared = new List<ComparedMapping>();
        foreach (JsonObject m in SchemaJson.Objects(parts.UserMapping, "attributeMappings"))
        {
            string? target = SchemaJson.GetString(m, "targetAttributeName");
            string? canonical = ComparableTargets.FirstOrDefault(t => SchemaJson.SameName(t, target));
            if (canonical is null)
            {
                continue;
            }

            var source = m["source"] as JsonObject;
            string? attribute = string.Equals(SchemaJson.GetString(source, "type"), "Attribute", StringComparison.OrdinalIgnoreCase)
                ? SchemaJson.GetString(source, "name") : null;
            attribute = string.Equals(attribute, "objectId", StringComparison.OrdinalIgnoreCase) ? "id" : attribute;
            var mapping = new ComparedMapping(canonical, attribute, SchemaJson.RenderSource(source),
                string.Equals(SchemaJson.GetString(m, "flowType"), "ObjectAddOnly", StringComparison.OrdinalIgnoreCase));
            (attribute is not null && s_graphUserProperties.Contains(attribute) ? compared : notCompared).Add(mapping);
        }

        JsonObject? group = parts.GroupMapping;
        JsonObject? nameSource = SchemaJson.Objects(group, "attributeMappings")
            .Where(m => SchemaJson.SameName(SchemaJson.GetString(m, "targetAttributeName"), GuideMappings.DisplayName))
            .Select(m => m["source"] as JsonObject).FirstOrDefault();
        string? teamName = string.Equals(SchemaJson.GetString(nameSource, "type"), "Attribute", StringComparison.OrdinalIgnoreCase)
            ? SchemaJson.GetString(nameSource, "name") : null;
        return new ComparisonRules(compared, notCompared, SchemaJson.GetBool(group, "enabled") == true, teamName);
    }
}

/// <summary>An Entra user as the comparison sees it: its id, the properties read, and whether it is enabled.</summary>
internal sealed record EntraUser(string Id, IReadOnlyDictionary<string, string?> Properties, bool Enabled)
{
    public string? Get(string property) => Properties.TryGetValue(property, out string? v) ? v : null;

    /// <summary>The user principal name, else the id.</summary>
    public string Label => Get("userPrincipalName") ?? Id;

    /// <summary>Reads a Graph user object.</summary>
    public static EntraUser FromGraph(JsonObject user)
    {
        var props = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var kv in user)
        {
            if (kv.Value is JsonValue v && v.TryGetValue(out string? s))
            {
                props[kv.Key] = s;
            }
        }

        bool enabled = user["accountEnabled"] is not JsonValue e || !e.TryGetValue(out bool b) || b;
        return new EntraUser((string?)user["id"] ?? string.Empty, props, enabled);
    }
}

/// <summary>An assigned Entra group: its name and direct user members (Entra provisions direct members only).</summary>
internal sealed record EntraGroup(string Id, string DisplayName, IReadOnlyList<string> MemberIds);

/// <summary>A Pulumi user as its SCIM API shows it.</summary>
internal sealed record PulumiUser(string Id, string? UserName, string? DisplayName, string? GivenName, string? FamilyName, string? Email, bool Active)
{
    /// <summary>The value of a comparable target attribute.</summary>
    public string? Get(string target) => target switch
    {
        GuideMappings.UserName => UserName,
        GuideMappings.DisplayName => DisplayName,
        GuideMappings.WorkEmail => Email,
        "name.givenName" => GivenName,
        "name.familyName" => FamilyName,
        _ => null,
    };
}

/// <summary>A Pulumi team as its SCIM API shows it (a SCIM group).</summary>
internal sealed record PulumiTeam(string Id, string DisplayName, IReadOnlyList<string> MemberIds);

/// <summary>The latest failed provisioning log entry of one Entra object.</summary>
internal sealed record LoggedFailure(string Reason, string? ErrorCode, DateTimeOffset Time);

/// <summary>Both sides, read: the input of <see cref="ProvisioningComparer.Compare"/>.</summary>
internal sealed class ComparisonSnapshot
{
    public required ComparisonRules Rules { get; init; }

    /// <summary>Users assigned directly or direct members of an assigned group (enabled or not).</summary>
    public List<EntraUser> InScopeUsers { get; init; } = [];

    /// <summary>Entra users outside the scope that match a Pulumi user (looked up by the matching attribute).</summary>
    public List<EntraUser> OutOfScopeUsers { get; init; } = [];

    /// <summary>The assigned groups.</summary>
    public List<EntraGroup> Groups { get; init; } = [];

    public List<PulumiUser> PulumiUsers { get; init; } = [];

    public List<PulumiTeam> PulumiTeams { get; init; } = [];

    /// <summary>The latest failure per Entra object id.</summary>
    public Dictionary<string, LoggedFailure> Failures { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}
