// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Provisioning;

namespace PulumiScim.Graph;

/// <summary>A principal named on the command line, resolved or not.</summary>
/// <param name="Input">What the user typed.</param>
/// <param name="Kind">User or group.</param>
/// <param name="Principal">The resolved principal, or null.</param>
/// <param name="ErrorId">Why it did not resolve: PrincipalNotFound, AmbiguousPrincipal, GroupNotSecurityEnabled.</param>
/// <param name="Message">The message for the error.</param>
internal sealed record PrincipalResolution(string Input, PrincipalKind Kind, WantedPrincipal? Principal, string? ErrorId = null, string? Message = null);

/// <summary>Resolves users (id, UPN or display name) and groups (id or display name) with as few requests as possible.</summary>
internal static class PrincipalQueries
{
    private const string UserSelect = "id,displayName,userPrincipalName,mail,mailNickname,accountEnabled";
    private const string GroupSelect = "id,displayName,securityEnabled,mailEnabled";

    public static async Task<List<PrincipalResolution>> ResolveUsersAsync(GraphClient graph, IEnumerable<string> inputs, CancellationToken ct)
    {
        var results = new List<PrincipalResolution>();
        foreach (string input in inputs.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (Guid.TryParse(input, out _) || input.Contains('@', StringComparison.Ordinal))
            {
                JsonObject? user = await graph.GetOrNullAsync(ApplicationQueries.WithQuery($"users/{Uri.EscapeDataString(input)}", ("$select", UserSelect)), ct).ConfigureAwait(false);
                results.Add(user is null ? NotFound(input, PrincipalKind.User) : Found(input, user, PrincipalKind.User));
                continue;
            }

            var matches = new List<JsonObject>();
            await foreach (JsonObject u in graph.ListAsync(ApplicationQueries.WithQuery("users", ("$filter", $"displayName eq {ApplicationQueries.ODataLiteral(input)}"), ("$select", UserSelect)), ct).ConfigureAwait(false))
            {
                matches.Add(u);
            }

            results.Add(matches.Count switch
            {
                0 => NotFound(input, PrincipalKind.User),
                1 => Found(input, matches[0], PrincipalKind.User),
                _ => Ambiguous(input, PrincipalKind.User, matches),
            });
        }

        return results;
    }

    public static async Task<List<PrincipalResolution>> ResolveGroupsAsync(GraphClient graph, IEnumerable<string> inputs, CancellationToken ct)
    {
        var results = new List<PrincipalResolution>();
        var names = new List<string>();
        foreach (string input in inputs.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (!Guid.TryParse(input, out _))
            {
                names.Add(input);
                continue;
            }

            JsonObject? group = await graph.GetOrNullAsync(ApplicationQueries.WithQuery($"groups/{input}", ("$select", GroupSelect)), ct).ConfigureAwait(false);
            results.Add(group is null ? NotFound(input, PrincipalKind.Group) : CheckGroup(input, [group]));
        }

        // Names in batches of 15 with the 'in' operator (docs/graph-facts.md, "Queries").
        foreach (string[] chunk in names.Chunk(ApplicationQueries.MaxInValues))
        {
            string filter = ApplicationQueries.EqOrIn("displayName", chunk);
            var found = new List<JsonObject>();
            await foreach (JsonObject g in graph.ListAsync(ApplicationQueries.WithQuery("groups", ("$filter", filter), ("$select", GroupSelect)), ct).ConfigureAwait(false))
            {
                found.Add(g);
            }

            foreach (string name in chunk)
            {
                results.Add(CheckGroup(name, found.Where(g => string.Equals((string?)g["displayName"], name, StringComparison.OrdinalIgnoreCase)).ToList()));
            }
        }

        return results;
    }

    private static PrincipalResolution CheckGroup(string input, List<JsonObject> matches)
    {
        if (matches.Count == 0)
        {
            return NotFound(input, PrincipalKind.Group);
        }

        if (matches.Count > 1)
        {
            return Ambiguous(input, PrincipalKind.Group, matches);
        }

        if (matches[0]["securityEnabled"] is JsonValue v && v.TryGetValue(out bool secure) && !secure)
        {
            return new PrincipalResolution(input, PrincipalKind.Group, null, "GroupNotSecurityEnabled",
                $"The group '{input}' is not security-enabled; Entra assigns only security groups to an enterprise application (Microsoft Entra ID P1 or P2 needed for group assignment). " +
                "Assign a security group, or its members as users.");
        }

        return Found(input, matches[0], PrincipalKind.Group);
    }

    private static PrincipalResolution Found(string input, JsonObject o, PrincipalKind kind) =>
        new(input, kind, new WantedPrincipal((string)o["id"]!, (string?)o["displayName"] ?? (string?)o["userPrincipalName"] ?? input, kind));

    private static PrincipalResolution NotFound(string input, PrincipalKind kind) =>
        new(input, kind, null, "PrincipalNotFound",
            kind == PrincipalKind.User
                ? $"No user '{input}' exists in the tenant. Pass a user's object id, user principal name (name@domain) or exact display name."
                : $"No group '{input}' exists in the tenant. Pass a group's object id or exact display name.");

    private static PrincipalResolution Ambiguous(string input, PrincipalKind kind, List<JsonObject> matches) =>
        new(input, kind, null, "AmbiguousPrincipal",
            $"{matches.Count} {(kind == PrincipalKind.User ? "users" : "groups")} are named '{input}' ({string.Join(", ", matches.Select(m => (string?)m["id"]))}). Pass the object id of the one you mean.");

    /// <summary>Reads every appRoleAssignment of the app.</summary>
    public static async Task<List<JsonObject>> ListAssignmentsAsync(GraphClient graph, string servicePrincipalId, CancellationToken ct)
    {
        var list = new List<JsonObject>();
        await foreach (JsonObject a in graph.ListAsync($"servicePrincipals/{servicePrincipalId}/appRoleAssignedTo?$top=999", ct).ConfigureAwait(false))
        {
            list.Add(a);
        }

        return list;
    }

    /// <summary>
    /// Deletes one appRoleAssignment. Returns false when Graph answers 404: the assignment is gone already (deleted by
    /// an earlier run, and still listed while the deletion replicates), which is the state the caller wants.
    /// </summary>
    public static async Task<bool> RemoveAssignmentAsync(GraphClient graph, string servicePrincipalId, string assignmentId, CancellationToken ct)
    {
        try
        {
            await graph.SendCheckedAsync(HttpMethod.Delete, $"servicePrincipals/{servicePrincipalId}/appRoleAssignedTo/{Uri.EscapeDataString(assignmentId)}", (JsonNode?)null, ct).ConfigureAwait(false);
            return true;
        }
        catch (GraphRequestException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}

/// <summary>The Graph door's reads for Test-ScimConfiguration -IncludeUsers: users, group members, and earlier refusals in the logs.</summary>
internal static class PreflightQueries
{
    private const string UserSelect = "id,displayName,userPrincipalName,mail,mailNickname,accountEnabled";

    /// <summary>The users among a group's direct members.</summary>
    public static async Task<List<JsonObject>> GroupUsersAsync(GraphClient graph, string groupId, CancellationToken ct)
    {
        var users = new List<JsonObject>();
        await foreach (JsonObject m in graph.ListAsync(ApplicationQueries.WithQuery($"groups/{Uri.EscapeDataString(groupId)}/members", ("$select", UserSelect), ("$top", "999")), ct).ConfigureAwait(false))
        {
            if ((string?)m["@odata.type"] is null or "#microsoft.graph.user")
            {
                users.Add(m);
            }
        }

        return users;
    }

    /// <summary>A user by id, or null when it does not exist.</summary>
    public static Task<JsonObject?> UserAsync(GraphClient graph, string userId, CancellationToken ct) =>
        graph.GetOrNullAsync(ApplicationQueries.WithQuery($"users/{Uri.EscapeDataString(userId)}", ("$select", UserSelect)), ct);

    /// <summary>The job's newest failed provisioning log entries (at most 500).</summary>
    /// <exception cref="GraphRequestException">Graph refused (e.g. 403 without AuditLog.Read.All): never read as "no failures".</exception>
    public static async Task<List<JsonObject>> RecentFailuresAsync(GraphClient graph, string jobId, CancellationToken ct)
    {
        JsonNode? page = await graph.GetAsync(
            ApplicationQueries.WithQuery(
                "auditLogs/provisioning",
                ("$filter", $"jobId eq {ApplicationQueries.ODataLiteral(jobId)} and provisioningStatusInfo/status eq 'failure'"),
                ("$top", "500"),
                ("$orderby", "activityDateTime desc")),
            ct).ConfigureAwait(false);
        return (page?["value"] as JsonArray ?? []).OfType<JsonObject>().ToList();
    }
}
