// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using PulumiScim.Provisioning;

namespace PulumiScim.Graph;

/// <summary>
/// The Entra reads of Compare-ScimProvisioning: group members, users by id or by a property, and the latest failure
/// of each object in the provisioning logs (<see cref="LoggedFailures"/>). Every call is a GET.
/// </summary>
internal static class ComparisonQueries
{
    /// <summary>The direct user members of a group, page by page (Graph: "List group members"; nested groups are skipped).</summary>
    public static async IAsyncEnumerable<JsonObject> ListUserMembersAsync(GraphClient graph, string groupId, IEnumerable<string> select, [EnumeratorCancellation] CancellationToken ct)
    {
        string path = ApplicationQueries.WithQuery($"groups/{Uri.EscapeDataString(groupId)}/members", ("$select", string.Join(",", select)), ("$top", "999"));
        await foreach (JsonObject m in graph.ListAsync(path, ct).ConfigureAwait(false))
        {
            if ((string?)m["@odata.type"] is null or "#microsoft.graph.user")
            {
                yield return m;
            }
        }
    }

    /// <summary>Users whose <paramref name="property"/> is one of <paramref name="values"/>, 15 values a request.</summary>
    public static async Task<List<JsonObject>> FindUsersAsync(GraphClient graph, string property, IEnumerable<string> values, IEnumerable<string> select, CancellationToken ct)
    {
        var found = new List<JsonObject>();
        string selected = string.Join(",", select);
        foreach (string[] chunk in values.Distinct(StringComparer.OrdinalIgnoreCase).Chunk(ApplicationQueries.MaxInValues))
        {
            string filter = ApplicationQueries.EqOrIn(property, chunk);
            await foreach (JsonObject u in graph.ListAsync(ApplicationQueries.WithQuery("users", ("$filter", filter), ("$select", selected), ("$top", "999")), ct).ConfigureAwait(false))
            {
                found.Add(u);
            }
        }

        return found;
    }
}

/// <summary>
/// The latest failed provisioning log entry per source object id, read lazily: one query for the job's failed entries,
/// newest first ($top 1000), whose next page is read only when an object asked about is not on the pages read so far,
/// at most <see cref="MaxPages"/> pages. One query for all objects, because Graph's identity reports allow only 5
/// requests per 10 seconds (docs/graph-facts.md, "Queries, paging, throttling").
/// </summary>
internal sealed class LoggedFailures(GraphClient graph, string jobId)
{
    /// <summary>How many pages of failed log entries to read at most.</summary>
    public const int MaxPages = 5;

    private readonly Dictionary<string, LoggedFailure> _found = new(StringComparer.OrdinalIgnoreCase);
    private string? _next = ApplicationQueries.WithQuery(
        "auditLogs/provisioning",
        ("$filter", $"jobId eq {ApplicationQueries.ODataLiteral(jobId)} and provisioningStatusInfo/status eq 'failure'"),
        ("$top", "1000"),
        ("$orderby", "activityDateTime desc"));

    private int _pages;

    /// <summary>What was found so far: the latest failure per source object id.</summary>
    public IReadOnlyDictionary<string, LoggedFailure> Found => _found;

    /// <summary>Whether reading another page could find more (a next page exists, within <see cref="MaxPages"/>).</summary>
    public bool CanReadMore => _next is not null && _pages < MaxPages;

    /// <summary>Whether another page must be read to answer for <paramref name="objectId"/>.</summary>
    public bool NeedsMoreFor(string objectId) => !_found.ContainsKey(objectId) && CanReadMore;

    /// <summary>Reads the next page of failed entries, keeping the first (latest) failure of each object.</summary>
    public async Task ReadNextPageAsync(CancellationToken ct)
    {
        JsonNode? body = await graph.GetAsync(_next!, ct).ConfigureAwait(false);
        _pages++;
        foreach (JsonObject e in (body?["value"] as JsonArray ?? []).OfType<JsonObject>())
        {
            string? id = (string?)e["sourceIdentity"]?["id"];
            string? reason = (string?)e["provisioningStatusInfo"]?["errorInformation"]?["reason"];
            if (id is not null && reason is not null && !_found.ContainsKey(id))
            {
                DateTimeOffset.TryParse((string?)e["activityDateTime"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out DateTimeOffset at);
                _found[id] = new LoggedFailure(reason, (string?)e["provisioningStatusInfo"]?["errorInformation"]?["errorCode"], at.ToUniversalTime());
            }
        }

        _next = (string?)body?["@odata.nextLink"];
    }
}

/// <summary>Counts the pages read on both sides and reports one progress bar over them.</summary>
internal sealed class ComparisonProgress
{
    private int _pulumiPages;
    private int _pulumiTotal = 1;
    private int _groups;
    private int _groupTotal = 1;

    public void PulumiPage(int total)
    {
        Volatile.Write(ref _pulumiTotal, Math.Max(1, total));
        Interlocked.Increment(ref _pulumiPages);
        Report();
    }

    public void GroupTotal(int total) => Volatile.Write(ref _groupTotal, Math.Max(1, total));

    public void GroupRead()
    {
        Interlocked.Increment(ref _groups);
        Report();
    }

    private void Report()
    {
        int p = Volatile.Read(ref _pulumiPages), pt = Volatile.Read(ref _pulumiTotal), g = Volatile.Read(ref _groups), gt = Volatile.Read(ref _groupTotal);
        int percent = (int)(100.0 * (Math.Min(p, pt) + Math.Min(g, gt)) / (pt + gt));
        GraphEvents.Progress($"Pulumi: {p} of {pt} pages of users; Entra: {g} of {gt} assigned groups", Math.Min(99, percent));
    }
}

/// <summary>The Entra side: the users in scope (assigned directly or direct members of an assigned group) and the assigned groups.</summary>
internal sealed class EntraSide
{
    public Dictionary<string, EntraUser> Users { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<EntraGroup> Groups { get; } = [];

    /// <summary>Reads the assignments, the direct user members of assigned groups, and the directly assigned users.</summary>
    public static async Task<EntraSide> ReadAsync(Model.ScimApplication app, ComparisonRules rules, ComparisonProgress progress, CancellationToken ct)
    {
        GraphClient graph = app.Session.Graph;
        var side = new EntraSide();
        List<JsonObject> assignments = await PrincipalQueries.ListAssignmentsAsync(graph, app.ServicePrincipalId.ToString(), ct).ConfigureAwait(false);
        var groups = assignments.Where(a => Is(a, "Group")).GroupBy(a => (string?)a["principalId"] ?? string.Empty).Select(g => g.First()).ToList();
        progress.GroupTotal(groups.Count);
        List<string> select = rules.UserProperties.ToList();
        foreach (JsonObject a in groups)
        {
            string id = (string?)a["principalId"] ?? string.Empty;
            var members = new List<string>();
            await foreach (JsonObject m in ComparisonQueries.ListUserMembersAsync(graph, id, select, ct).ConfigureAwait(false))
            {
                EntraUser user = EntraUser.FromGraph(m);
                side.Users.TryAdd(user.Id, user);
                members.Add(user.Id);
            }

            side.Groups.Add(new EntraGroup(id, (string?)a["principalDisplayName"] ?? id, members));
            progress.GroupRead();
        }

        var direct = assignments.Where(a => Is(a, "User")).Select(a => (string?)a["principalId"]).OfType<string>()
            .Where(id => !side.Users.ContainsKey(id)).ToList();
        foreach (JsonObject u in await ComparisonQueries.FindUsersAsync(graph, "id", direct, select, ct).ConfigureAwait(false))
        {
            EntraUser user = EntraUser.FromGraph(u);
            side.Users.TryAdd(user.Id, user);
        }

        return side;
    }

    private static bool Is(JsonObject assignment, string type) => string.Equals((string?)assignment["principalType"], type, StringComparison.OrdinalIgnoreCase);
}
