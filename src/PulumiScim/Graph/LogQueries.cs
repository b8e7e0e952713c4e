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

/// <summary>
/// One parsed page of provisioning log entries and the link to the next page, over the page's bytes rented from the
/// shared pool (returned on Dispose, so a page read ahead costs no new page-sized array). The entries are made as they
/// are enumerated, so each dies young once written, and each keeps its record as the exact bytes Graph sent.
/// </summary>
internal sealed class LogPage : IDisposable
{
    private readonly PooledBytes _bytes;
    private readonly JsonDocument _doc;
    private readonly List<(int Start, int Length)> _records;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The document is disposed with the page.")]
    public LogPage(PooledBytes bytes)
    {
        _bytes = bytes;
        (NextLink, _records) = Scan(bytes.Memory.Span);
        _doc = JsonDocument.Parse(bytes.Memory);
    }

    /// <summary>Graph's <c>@odata.nextLink</c>, or null on the last page.</summary>
    public string? NextLink { get; }

    /// <summary>How many entries the page holds.</summary>
    public int Count => _records.Count;

    /// <summary>The page's entries, newest first, each made when it is reached.</summary>
    public IEnumerable<ScimProvisioningLogEntry> Entries()
    {
        if (Count == 0 || !_doc.RootElement.TryGetProperty("value", out JsonElement items))
        {
            yield break;
        }

        int i = 0;
        foreach (JsonElement item in items.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && i < _records.Count)
            {
                (int start, int length) = _records[i++];
                yield return new ScimProvisioningLogEntry(item, _bytes.Memory.Span.Slice(start, length));
            }
        }
    }

    public void Dispose()
    {
        _doc.Dispose();
        _bytes.Dispose();
    }

    /// <summary>The next link and where each object of <c>value</c> lies in the page's bytes (the document does not say).</summary>
    private static (string? NextLink, List<(int Start, int Length)> Records) Scan(ReadOnlySpan<byte> json)
    {
        var records = new List<(int Start, int Length)>();
        string? next = null;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return (null, records);
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isValue = reader.ValueTextEquals("value"u8);
            bool isNext = reader.ValueTextEquals("@odata.nextLink"u8);
            reader.Read();
            if (isNext && reader.TokenType == JsonTokenType.String)
            {
                next = reader.GetString();
            }
            else if (isValue && reader.TokenType == JsonTokenType.StartArray)
            {
                records.Clear(); // as in JsonDocument, the last "value" wins
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    int start = (int)reader.TokenStartIndex;
                    bool isObject = reader.TokenType == JsonTokenType.StartObject;
                    reader.Skip();
                    if (isObject)
                    {
                        records.Add((start, (int)reader.BytesConsumed - start));
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return (next, records);
    }
}

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

    /// <summary>Reads and parses one page (the first page's path, or a <c>@odata.nextLink</c>), off the pipeline thread.</summary>
    public static async Task<LogPage> ReadPageAsync(GraphClient graph, string pathOrNextLink, CancellationToken ct)
    {
        PooledBytes bytes = await graph.GetPooledAsync(pathOrNextLink, ct).ConfigureAwait(false);
        try
        {
            return new LogPage(bytes);
        }
        catch
        {
            bytes.Dispose();
            throw;
        }
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
