// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Http;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Graph;

/// <summary>Directory reads: servicePrincipals, users, groups and group members.</summary>
internal static class DirectoryRoutes
{
    /// <summary>What <c>GET /users</c> returns without <c>$select</c> (Graph docs, api/user-list.md: "a default set of properties").</summary>
    private static readonly string[] s_userDefault =
    [
        "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation",
        "preferredLanguage", "surname", "userPrincipalName", "id",
    ];

    /// <summary>The v1.0 user properties <c>$select</c> may name (resources/user.md).</summary>
    private static readonly string[] s_userProperties =
    [
        "aboutMe", "accountEnabled", "ageGroup", "assignedLicenses", "assignedPlans", "birthday", "businessPhones", "city",
        "companyName", "consentProvidedForMinor", "country", "createdDateTime", "creationType", "customSecurityAttributes",
        "deletedDateTime", "department", "displayName", "employeeHireDate", "employeeId", "employeeLeaveDateTime",
        "employeeOrgData", "employeeType", "externalUserState", "externalUserStateChangeDateTime", "faxNumber", "givenName",
        "hireDate", "id", "identities", "imAddresses", "interests", "isResourceAccount", "jobTitle", "lastPasswordChangeDateTime",
        "legalAgeGroupClassification", "licenseAssignmentStates", "mail", "mailboxSettings", "mailNickname", "mobilePhone",
        "mySite", "officeLocation", "onPremisesDistinguishedName", "onPremisesDomainName", "onPremisesExtensionAttributes",
        "onPremisesImmutableId", "onPremisesLastSyncDateTime", "onPremisesProvisioningErrors", "onPremisesSamAccountName",
        "onPremisesSecurityIdentifier", "onPremisesSyncEnabled", "onPremisesUserPrincipalName", "otherMails", "passwordPolicies",
        "passwordProfile", "pastProjects", "postalCode", "preferredDataLocation", "preferredLanguage", "preferredName",
        "provisionedPlans", "proxyAddresses", "responsibilities", "schools", "securityIdentifier", "serviceProvisioningErrors",
        "showInAddressList", "signInActivity", "signInSessionsValidFromDateTime", "skills", "state", "streetAddress", "surname",
        "usageLocation", "userPrincipalName", "userType",
    ];

    private static readonly string[] s_userEq =
    [
        "id", "userPrincipalName", "mail", "mailNickname", "displayName", "givenName", "surname", "accountEnabled", "jobTitle",
        "employeeId", "department", "userType", "companyName", "city", "country", "state", "usageLocation",
    ];

    private static readonly string[] s_userStartsWith = ["displayName", "userPrincipalName", "mail", "mailNickname", "givenName", "surname", "jobTitle"];

    private static readonly string[] s_groupEq = ["id", "displayName", "mailNickname", "mail", "securityEnabled", "mailEnabled"];

    private static readonly string[] s_groupStartsWith = ["displayName", "mailNickname", "mail"];

    private static readonly string[] s_spEq = ["id", "displayName", "appId", "servicePrincipalType", "preferredSingleSignOnMode", "accountEnabled", "applicationTemplateId"];

    private static readonly string[] s_spStartsWith = ["displayName"];

    // Graph: resources/serviceprincipal.md, tags: "Supports $filter (eq, not, ge, le, startsWith)", on a collection
    // through the any lambda; 'not' needs advanced query parameters (concepts/aad-advanced-queries.md), so only
    // tags/any(t:t eq '...') is served, which the portal's Enterprise applications list uses with
    // 'WindowsAzureActiveDirectoryIntegratedApp'.
    private static readonly string[] s_spAnyEq = ["tags"];

    public static void Register(Action<string, string, Func<SandboxRequest, SandboxResponse>> map, SandboxContext ctx)
    {
        map("GET", "/servicePrincipals", req => ListServicePrincipals(ctx, req));
        map("GET", "/servicePrincipals/{id}", req => GetServicePrincipal(ctx, req));
        map("GET", "/servicePrincipals(appId='{appId}')", req => ServicePrincipalByAppId(ctx, req));
        map("GET", "/users", req => ListUsers(ctx, req));
        map("GET", "/users/{id}", req => GetUser(ctx, req));
        map("GET", "/groups", req => ListGroups(ctx, req));
        map("GET", "/groups/{id}", req => GetGroup(ctx, req));
        map("GET", "/groups/{id}/members", req => ListMembers(ctx, req));
    }

    /// <summary>A user as Graph shows it: the default set, or exactly the <c>$select</c>ed properties (unset ones null).</summary>
    public static JsonObject ProjectUser(JsonObject user, IReadOnlyList<string> select)
    {
        var result = new JsonObject();
        IEnumerable<string> names = select.Count == 0 ? s_userDefault : select;
        foreach (string name in names)
        {
            string canonical = CanonicalUserProperty(user, name) ?? name;
            JsonNode? value = user[canonical]?.DeepClone();
            if (value is null && canonical == "businessPhones")
            {
                value = new JsonArray();
            }

            result[canonical] = value;
        }

        return result;
    }

    /// <summary>A group as Graph shows it: the seed's internal <c>members</c> list is not a property.</summary>
    public static JsonObject ProjectGroup(JsonObject group, string? select)
    {
        var shown = new JsonObject
        {
            ["id"] = group["id"]?.DeepClone(),
            ["deletedDateTime"] = null,
            ["description"] = null,
            ["displayName"] = null,
            ["groupTypes"] = new JsonArray(),
            ["mail"] = null,
            ["mailEnabled"] = false,
            ["mailNickname"] = null,
            ["securityEnabled"] = true,
            ["visibility"] = null,
        };
        foreach (var kv in group)
        {
            if (kv.Key != "members")
            {
                shown[kv.Key] = kv.Value?.DeepClone();
            }
        }

        return OData.Select(shown, select);
    }

    private static string? CanonicalUserProperty(JsonObject user, string name)
    {
        foreach (string p in s_userProperties)
        {
            if (string.Equals(p, name, StringComparison.OrdinalIgnoreCase))
            {
                return p;
            }
        }

        foreach (var kv in user)
        {
            if (string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return kv.Key;
            }
        }

        return null;
    }

    private static SandboxResponse? CheckUserSelect(IReadOnlyList<string> select)
    {
        foreach (string name in select)
        {
            if (!s_userProperties.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return GraphError.BadRequest($"Could not find a property named '{name}' on type 'microsoft.graph.user'.");
            }
        }

        return null;
    }

    private static List<FilterClause>? Filter(SandboxRequest req, string resource, string[] eq, string[] startsWith, out SandboxResponse? error, string[]? anyEq = null)
    {
        error = null;
        var clauses = OData.ParseFilter(req.Query["$filter"], out string? parseError);
        if (clauses is null)
        {
            error = GraphError.BadRequest(parseError!, "Request_UnsupportedQuery");
            return null;
        }

        foreach (FilterClause c in clauses)
        {
            string[] allowed = c.Op switch { "eq" or "in" => eq, "startswith" => startsWith, "any" => anyEq ?? [], _ => [] };
            if (!allowed.Contains(c.Property, StringComparer.OrdinalIgnoreCase))
            {
                error = GraphError.BadRequest($"Unsupported or invalid query filter clause specified for property '{c.Property}' of resource '{resource}'.", "Request_UnsupportedQuery");
                return null;
            }
        }

        return clauses;
    }

    /// <summary>Applies <c>$orderby</c> (displayName only, as the basic directory queries allow); null with the 400 otherwise.</summary>
    private static List<JsonObject>? Order(SandboxRequest req, List<JsonObject> items, out SandboxResponse? error)
    {
        error = null;
        string? orderBy = req.Query["$orderby"];
        if (string.IsNullOrWhiteSpace(orderBy))
        {
            return items;
        }

        string[] parts = orderBy.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        bool desc = parts.Length == 2 && string.Equals(parts[1], "desc", StringComparison.OrdinalIgnoreCase);
        if (!string.Equals(parts[0], "displayName", StringComparison.OrdinalIgnoreCase)
            || parts.Length > 2 || (parts.Length == 2 && !desc && !string.Equals(parts[1], "asc", StringComparison.OrdinalIgnoreCase)))
        {
            error = GraphError.BadRequest($"Sorting not supported for '{orderBy}'.", "Request_UnsupportedQuery");
            return null;
        }

        var sorted = items.OrderBy(i => (string?)i["displayName"], StringComparer.OrdinalIgnoreCase).ToList();
        if (desc)
        {
            sorted.Reverse();
        }

        return sorted;
    }

    /// <summary><c>GET /servicePrincipals/{id}</c>: one of the tenant's apps, or one of Microsoft's service principals.</summary>
    private static SandboxResponse GetServicePrincipal(SandboxContext ctx, SandboxRequest req)
    {
        JsonObject? firstParty;
        lock (ctx.State.Sync)
        {
            firstParty = ctx.State.FirstPartyServicePrincipals.FirstOrDefault(sp => string.Equals((string?)sp["id"], req.Route("id"), StringComparison.OrdinalIgnoreCase));
        }

        return firstParty is not null
            ? SandboxResponse.Json(200, GraphRoutes.WithContext(ctx, OData.Select(firstParty, req.Query["$select"]), "servicePrincipals/$entity"))
            : GraphRoutes.WithApp(ctx, req, app =>
                SandboxResponse.Json(200, GraphRoutes.WithContext(ctx, OData.Select(app.ServicePrincipal, req.Query["$select"]), "servicePrincipals/$entity")));
    }

    private static SandboxResponse ListServicePrincipals(SandboxContext ctx, SandboxRequest req)
    {
        var clauses = Filter(req, "ServicePrincipal", s_spEq, s_spStartsWith, out SandboxResponse? error, s_spAnyEq);
        if (clauses is null)
        {
            return error!;
        }

        lock (ctx.State.Sync)
        {
            // The tenant's own apps first, then the Microsoft-owned service principals of options.firstPartyServicePrincipals.
            var items = ctx.State.Applications
                .Where(a => ctx.State.IsVisible(a.ServicePrincipalId))
                .Select(a => a.ServicePrincipal)
                .Concat(ctx.State.FirstPartyServicePrincipals)
                .Where(sp => OData.Matches(sp, clauses))
                .ToList();
            return OData.Page(req, ctx.Server.GraphUri, "servicePrincipals", items, ctx.State.Options.PageSize);
        }
    }

    private static SandboxResponse ServicePrincipalByAppId(SandboxContext ctx, SandboxRequest req)
    {
        string appId = req.Route("appId");
        lock (ctx.State.Sync)
        {
            AppState? app = ctx.State.Applications.FirstOrDefault(a => string.Equals(a.AppId, appId, StringComparison.OrdinalIgnoreCase));
            if (app is null || !ctx.State.IsVisible(app.ServicePrincipalId))
            {
                return GraphError.NotFound(appId);
            }

            return SandboxResponse.Json(200, GraphRoutes.WithContext(ctx, OData.Select(app.ServicePrincipal, req.Query["$select"]), "servicePrincipals/$entity"));
        }
    }

    private static SandboxResponse ListUsers(SandboxContext ctx, SandboxRequest req)
    {
        var select = OData.SelectNames(req.Query["$select"]);
        if (CheckUserSelect(select) is SandboxResponse bad)
        {
            return bad;
        }

        var clauses = Filter(req, "User", s_userEq, s_userStartsWith, out SandboxResponse? error);
        if (clauses is null)
        {
            return error!;
        }

        lock (ctx.State.Sync)
        {
            var items = Order(req, ctx.State.Users.Where(u => ctx.State.IsVisible((string)u["id"]!) && OData.Matches(u, clauses)).ToList(), out error);
            if (items is null)
            {
                return error!;
            }

            string context = select.Count == 0 ? "users" : $"users({string.Join(',', select)})";
            return OData.Page(req, ctx.Server.GraphUri, context, items, ctx.State.Options.PageSize, u => ProjectUser(u, select));
        }
    }

    private static SandboxResponse GetUser(SandboxContext ctx, SandboxRequest req)
    {
        var select = OData.SelectNames(req.Query["$select"]);
        if (CheckUserSelect(select) is SandboxResponse bad)
        {
            return bad;
        }

        string id = req.Route("id");
        lock (ctx.State.Sync)
        {
            JsonObject? user = ctx.State.FindUser(id);
            if (user is null || !ctx.State.IsVisible((string)user["id"]!))
            {
                return GraphError.NotFound(id);
            }

            string context = select.Count == 0 ? "users/$entity" : $"users({string.Join(',', select)})/$entity";
            return SandboxResponse.Json(200, GraphRoutes.WithContext(ctx, ProjectUser(user, select), context));
        }
    }

    private static SandboxResponse ListGroups(SandboxContext ctx, SandboxRequest req)
    {
        var clauses = Filter(req, "Group", s_groupEq, s_groupStartsWith, out SandboxResponse? error);
        if (clauses is null)
        {
            return error!;
        }

        string? select = req.Query["$select"];
        lock (ctx.State.Sync)
        {
            var items = Order(req, ctx.State.Groups.Where(g => ctx.State.IsVisible((string)g["id"]!) && OData.Matches(ProjectGroup(g, null), clauses)).ToList(), out error);
            if (items is null)
            {
                return error!;
            }

            return OData.Page(req, ctx.Server.GraphUri, "groups", items, ctx.State.Options.PageSize, g => ProjectGroup(g, select));
        }
    }

    private static SandboxResponse GetGroup(SandboxContext ctx, SandboxRequest req)
    {
        string id = req.Route("id");
        lock (ctx.State.Sync)
        {
            JsonObject? group = ctx.State.FindGroup(id);
            if (group is null || !ctx.State.IsVisible(id))
            {
                return GraphError.NotFound(id);
            }

            return SandboxResponse.Json(200, GraphRoutes.WithContext(ctx, ProjectGroup(group, req.Query["$select"]), "groups/$entity"));
        }
    }

    /// <summary>
    /// The users among a group's members, by id, from one pass over the directory (a scan per member made the members
    /// of 200 groups of a 10,000-user tenant take minutes to list).
    /// </summary>
    private static Dictionary<string, JsonObject> MemberUsers(SandboxState state, JsonObject group)
    {
        var wanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonNode? m in group["members"] as JsonArray ?? [])
        {
            if ((m is JsonValue v && v.TryGetValue(out string? s) ? s : (string?)m?["id"]) is { } id)
            {
                wanted.Add(id);
            }
        }

        var found = new Dictionary<string, JsonObject>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonObject u in state.Users)
        {
            if ((string?)u["id"] is { } id && wanted.Contains(id))
            {
                found.TryAdd(id, u);
            }
        }

        return found;
    }

    private static SandboxResponse ListMembers(SandboxContext ctx, SandboxRequest req)
    {
        string id = req.Route("id");
        var select = OData.SelectNames(req.Query["$select"]);
        lock (ctx.State.Sync)
        {
            JsonObject? group = ctx.State.FindGroup(id);
            if (group is null || !ctx.State.IsVisible(id))
            {
                return GraphError.NotFound(id);
            }

            var members = new List<JsonObject>();
            Dictionary<string, JsonObject> users = MemberUsers(ctx.State, group);
            foreach (JsonNode? m in group["members"] as JsonArray ?? [])
            {
                string? memberId = m is JsonValue v && v.TryGetValue(out string? s) ? s : (string?)m?["id"];
                if (memberId is null)
                {
                    continue;
                }

                if (users.GetValueOrDefault(memberId) is JsonObject user)
                {
                    members.Add(user);
                }
                else if (ctx.State.FindGroup(memberId) is JsonObject nested)
                {
                    members.Add(nested);
                }
            }

            JsonObject Project(JsonObject member)
            {
                bool isGroup = ctx.State.Groups.Contains(member);
                JsonObject shown = isGroup ? ProjectGroup(member, req.Query["$select"]) : ProjectUser(member, select);
                var result = new JsonObject { ["@odata.type"] = isGroup ? "#microsoft.graph.group" : "#microsoft.graph.user" };
                foreach (var kv in shown.ToList())
                {
                    shown.Remove(kv.Key);
                    result[kv.Key] = kv.Value;
                }

                return result;
            }

            return OData.Page(req, ctx.Server.GraphUri, "directoryObjects", members, ctx.State.Options.PageSize, Project);
        }
    }
}
