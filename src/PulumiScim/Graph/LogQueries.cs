// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;
using PulumiScim.Model;

namespace PulumiScim.Graph;

/// <summary>What a caller asks of the provisioning logs; null members filter nothing.</summary>
/// <param name="JobId">The provisioning job's id.</param>
/// <param name="Since">Entries at or after this time (inclusive).</param>
/// <param name="Until">Entries at or before this time (inclusive).</param>
/// <param name="Status">success, failure, skipped or warning (any case).</param>
/// <param name="Action">create, update, delete, disable, other (any case).</param>
/// <param name="CycleId">One cycle's id.</param>
/// <param name="UserId">The source user's object id.</param>
/// <param name="Top">Entries a page.</param>
internal sealed record LogQuery(string? JobId, DateTime? Since, DateTime? Until, string? Status, string? Action, string? CycleId, string? UserId, int Top);

/// <summary>One page of provisioning log entries, and the link to the next page (null on the last).</summary>
/// <param name="Entries">The page's entries, newest first.</param>
/// <param name="NextLink">Graph's <c>@odata.nextLink</c>, or null.</param>
internal sealed record LogPage(List<ScimProvisioningLogEntry> Entries, string? NextLink);

/// <summary>The Graph door's provisioning-log query (List provisioningObjectSummary), newest first.</summary>
internal static class LogQueries
{
    /// <summary>The first page's path and query; later pages follow <c>@odata.nextLink</c>.</summary>
    public static string FirstPage(LogQuery q)
    {
        var clauses = new List<string>();
        Add(clauses, "jobId eq ", q.JobId);
        // activityDateTime supports eq, gt and lt only ("provisioningObjectSummary resource type"): the inclusive bounds
        // are sent as gt one tick before Since and lt one tick after Until.
        if (q.Since is { } since)
        {
            clauses.Add("activityDateTime gt " + Timestamp(since.ToUniversalTime().AddTicks(-1)));
        }

        if (q.Until is { } until)
        {
            clauses.Add("activityDateTime lt " + Timestamp(until.ToUniversalTime().AddTicks(1)));
        }

        Add(clauses, "provisioningStatusInfo/status eq ", q.Status?.ToLowerInvariant());
        Add(clauses, "provisioningAction eq ", q.Action is { Length: > 0 } a ? char.ToLowerInvariant(a[0]) + a[1..] : null);
        Add(clauses, "cycleId eq ", q.CycleId);
        Add(clauses, "sourceIdentity/id eq ", q.UserId);
        return ApplicationQueries.WithQuery(
            "auditLogs/provisioning",
            ("$filter", clauses.Count == 0 ? null : string.Join(" and ", clauses)),
            ("$top", q.Top.ToString(CultureInfo.InvariantCulture)),
            ("$orderby", "activityDateTime desc"));
    }

    /// <summary>Reads one page (the first page's path, or a <c>@odata.nextLink</c>) and makes its entries, off the pipeline thread.</summary>
    public static async Task<LogPage> ReadPageAsync(GraphClient graph, string pathOrNextLink, CancellationToken ct)
    {
        byte[] raw = await graph.GetRawAsync(pathOrNextLink, ct).ConfigureAwait(false);
        using JsonDocument page = JsonDocument.Parse(raw);
        JsonElement root = page.RootElement;
        string? next = root.TryGetProperty("@odata.nextLink", out JsonElement link) && link.ValueKind == JsonValueKind.String ? link.GetString() : null;
        var entries = new List<ScimProvisioningLogEntry>();
        if (root.TryGetProperty("value", out JsonElement items) && items.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in items.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object)
                {
                    entries.Add(new ScimProvisioningLogEntry(item));
                }
            }
        }

        return new LogPage(entries, next);
    }

    private static void Add(List<string> clauses, string clause, string? value)
    {
        if (value is not null)
        {
            clauses.Add(clause + ApplicationQueries.ODataLiteral(value));
        }
    }

    private static string Timestamp(DateTime utc) => utc.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
}
