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

    public static Task<List<PrincipalResolution>> ResolveUsersAsync(GraphClient graph, IEnumerable<string> inputs, CancellationToken ct) =>
        ResolveAsync(graph, inputs, [], ct);

    public static Task<List<PrincipalResolution>> ResolveGroupsAsync(GraphClient graph, IEnumerable<string> inputs, CancellationToken ct) =>
        ResolveAsync(graph, [], inputs, ct);

    /// <summary>
    /// Resolves users (id, UPN or display name) and groups (id, or display names 15 to a query with 'in') with every
    /// look-up in one JSON batch (<see cref="GraphBatch"/>): one round trip for up to 80 look-ups. Users come first.
    /// </summary>
    public static async Task<List<PrincipalResolution>> ResolveAsync(GraphClient graph, IEnumerable<string> users, IEnumerable<string> groups, CancellationToken ct)
    {
        var lookups = new List<(BatchItem Item, Func<BatchResult, Task<IEnumerable<PrincipalResolution>>> Take)>();
        foreach (string input in users.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            bool direct = Guid.TryParse(input, out _) || input.Contains('@', StringComparison.Ordinal);
            lookups.Add(direct
                ? (BatchItem.Get(ApplicationQueries.WithQuery($"users/{Uri.EscapeDataString(input)}", ("$select", UserSelect))),
                    r => Task.FromResult<IEnumerable<PrincipalResolution>>([r.OrNull() is { } u ? Found(input, u, PrincipalKind.User) : NotFound(input, PrincipalKind.User)]))
                : (BatchItem.Get(ApplicationQueries.WithQuery("users", ("$filter", $"displayName eq {ApplicationQueries.ODataLiteral(input)}"), ("$select", UserSelect))),
                    async r => [UserByName(input, await AllPagesAsync(graph, r, ct).ConfigureAwait(false))]));
        }

        var names = new List<string>();
        foreach (string input in groups.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (Guid.TryParse(input, out _))
            {
                lookups.Add((BatchItem.Get(ApplicationQueries.WithQuery($"groups/{input}", ("$select", GroupSelect))),
                    r => Task.FromResult<IEnumerable<PrincipalResolution>>([r.OrNull() is { } g ? CheckGroup(input, [g]) : NotFound(input, PrincipalKind.Group)])));
            }
            else
            {
                names.Add(input);
            }
        }

        // Names in batches of 15 with the 'in' operator (docs/graph-facts.md, "Queries").
        foreach (string[] chunk in names.Chunk(ApplicationQueries.MaxInValues))
        {
            lookups.Add((BatchItem.Get(ApplicationQueries.WithQuery("groups", ("$filter", ApplicationQueries.EqOrIn("displayName", chunk)), ("$select", GroupSelect))),
                async r => GroupsByName(chunk, await AllPagesAsync(graph, r, ct).ConfigureAwait(false))));
        }

        BatchResult[] results = await GraphBatch.SendAsync(graph, lookups.Select(l => l.Item).ToList(), ct).ConfigureAwait(false);
        var resolved = new List<PrincipalResolution>();
        for (int i = 0; i < lookups.Count; i++)
        {
            resolved.AddRange(await lookups[i].Take(results[i]).ConfigureAwait(false));
        }

        return resolved;
    }

    /// <summary>The items of a batched first page and of the pages after it.</summary>
    internal static async Task<List<JsonObject>> AllPagesAsync(GraphClient graph, BatchResult first, CancellationToken ct)
    {
        JsonNode? page = first.Checked();
        var items = (page?["value"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if ((string?)page?["@odata.nextLink"] is string next)
        {
            await foreach (JsonObject o in graph.ListAsync(next, ct).ConfigureAwait(false))
            {
                items.Add(o);
            }
        }

        return items;
    }

    private static PrincipalResolution UserByName(string input, List<JsonObject> matches) => matches.Count switch
    {
        0 => NotFound(input, PrincipalKind.User),
        1 => Found(input, matches[0], PrincipalKind.User),
        _ => Ambiguous(input, PrincipalKind.User, matches),
    };

    private static IEnumerable<PrincipalResolution> GroupsByName(string[] chunk, List<JsonObject> found) =>
        chunk.Select(name => CheckGroup(name, found.Where(g => string.Equals((string?)g["displayName"], name, StringComparison.OrdinalIgnoreCase)).ToList()));

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

    /// <summary>
    /// The users an app's assignments reach (the assigned users, and the users among the assigned groups' direct
    /// members) and, when <paramref name="jobId"/> is given, the job's newest failed log entries: every read in one
    /// JSON batch (<see cref="GraphBatch"/>), so a scope of 50 users and a few groups takes one round trip.
    /// </summary>
    /// <returns>The users by id, and the failures (or the error that kept the logs from being read).</returns>
    /// <exception cref="GraphRequestException">A group's members or a user could not be read.</exception>
    public static async Task<(Dictionary<string, JsonObject> Users, List<JsonObject>? Failures, GraphRequestException? LogError)> ScopeAsync(
        GraphClient graph, IReadOnlyList<JsonObject> assignments, string? jobId, CancellationToken ct)
    {
        var groups = assignments.Where(a => IsType(a, "Group")).Select(a => (string?)a["principalId"] ?? string.Empty).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var users = assignments.Where(a => IsType(a, "User")).Select(a => (string?)a["principalId"] ?? string.Empty).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var items = groups.Select(g => BatchItem.Get(ApplicationQueries.WithQuery($"groups/{Uri.EscapeDataString(g)}/members", ("$select", UserSelect), ("$top", "999"))))
            .Concat(users.Select(u => BatchItem.Get(ApplicationQueries.WithQuery($"users/{Uri.EscapeDataString(u)}", ("$select", UserSelect)))))
            .ToList();
        if (jobId is not null)
        {
            items.Add(BatchItem.Get(FailuresPath(jobId)));
        }

        BatchResult[] results = await GraphBatch.SendAsync(graph, items, ct).ConfigureAwait(false);
        var members = new Dictionary<string, List<JsonObject>>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < groups.Count; i++)
        {
            members[groups[i]] = (await PrincipalQueries.AllPagesAsync(graph, results[i], ct).ConfigureAwait(false))
                .Where(m => (string?)m["@odata.type"] is null or "#microsoft.graph.user").ToList();
        }

        // In assignment order, as the checks are reported.
        var found = new Dictionary<string, JsonObject>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonObject a in assignments)
        {
            string id = (string?)a["principalId"] ?? string.Empty;
            if (IsType(a, "Group"))
            {
                members[id].ForEach(m => found[(string?)m["id"] ?? string.Empty] = m);
            }
            else if (IsType(a, "User") && !found.ContainsKey(id) && results[groups.Count + users.FindIndex(u => string.Equals(u, id, StringComparison.OrdinalIgnoreCase))].OrNull() is { } user)
            {
                found[id] = user;
            }
        }

        if (jobId is null)
        {
            return (found, [], null);
        }

        BatchResult logs = results[^1];
        return logs.Answer is { IsSuccess: true }
            ? (found, (logs.Answer.Body?["value"] as JsonArray ?? []).OfType<JsonObject>().ToList(), null)
            : (found, null, logs.Error());
    }

    private static bool IsType(JsonObject assignment, string type) => string.Equals((string?)assignment["principalType"], type, StringComparison.OrdinalIgnoreCase);

    private static string FailuresPath(string jobId) => ApplicationQueries.WithQuery(
        "auditLogs/provisioning",
        ("$filter", $"jobId eq {ApplicationQueries.ODataLiteral(jobId)} and provisioningStatusInfo/status eq 'failure'"),
        ("$top", "500"),
        ("$orderby", "activityDateTime desc"));
}
