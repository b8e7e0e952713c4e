// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using PulumiScim.Sandbox.Http;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Graph;

/// <summary>
/// <c>GET /auditLogs/provisioning</c> (api-reference/v1.0/api/provisioningobjectsummary-list.md): provisioningObjectSummary
/// entries, newest first, filtered with case-sensitive values, paged with <c>$skiptoken</c>.
/// </summary>
internal static class AuditLogRoutes
{
    /// <summary>
    /// The largest <c>$top</c>. The List provisioningObjectSummary page states none; 1000 is the cap Graph's other
    /// activity reports (signIns, directoryAudits) document, and larger values are refused as Graph refuses them there.
    /// </summary>
    public const int MaxTop = 1000;

    /// <summary>
    /// Filterable properties and the operators each takes, as the "provisioningObjectSummary resource type" property
    /// table gives them (jobId, cycleId, changeId, id, tenantId, provisioningAction: "Supports $filter (eq, contains)";
    /// sourceIdentity: eq, contains on id and displayName; servicePrincipal: "Supports $filter (eq) for id and name")
    /// and the "provisioningStatusInfo resource type" table (status: eq, contains). activityDateTime is handled apart
    /// (eq, gt, lt). Documented properties the sandbox's entries do not carry are refused (docs/sandbox.md).
    /// </summary>
    private static readonly (string Property, string[] Ops)[] s_filterable =
    [
        ("jobId", EqContains), ("cycleId", EqContains), ("changeId", EqContains), ("id", EqContains), ("tenantId", EqContains),
        ("provisioningAction", EqContains), ("provisioningStatusInfo/status", EqContains), ("sourceIdentity/id", EqContains),
        ("sourceIdentity/displayName", EqContains), ("servicePrincipal/id", ["eq"]),
    ];

    /// <summary>The operators "List provisioningObjectSummary" allows on activityDateTime ("SUpports $filter (eq, gt, lt)").</summary>
    private static readonly string[] s_timeOps = ["eq", "gt", "lt"];

    private static string[] EqContains => ["eq", "contains"];

    public static void Register(Action<string, string, Func<SandboxRequest, SandboxResponse>> map, SandboxContext ctx)
    {
        map("GET", "/auditLogs/provisioning", req => List(ctx, req));
    }

    private static SandboxResponse List(SandboxContext ctx, SandboxRequest req)
    {
        if (ctx.State.Options.ThrottleProvisioningLogs && ctx.ProvisioningLogLimiter.TryAcquire() is TimeSpan wait)
        {
            // "Identity and access reports": 5 requests per 10 seconds per app per tenant (concepts/throttling-limits.md).
            return GraphError.TooManyRequests(Math.Max(1, Math.Ceiling(wait.TotalSeconds)));
        }

        LogQuery? query = Parse(req, out SandboxResponse? error);
        if (query is null)
        {
            return error!;
        }

        int? top = OData.Top(req, ctx.State.Options.PageSize, MaxTop, out error);
        if (top is null)
        {
            return error!;
        }

        if (req.Query["$select"] is not null)
        {
            return GraphError.BadRequest("$select is not supported on provisioning logs.", "BadRequest");
        }

        // Written with Utf8JsonWriter, under the lock (stored entries are written in place): O(page), no object graph.
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        lock (ctx.State.Sync)
        {
            List<LogItem> page;
            string? next;
            try
            {
                (page, next) = ctx.State.ProvisioningLogs.Query(query, req.Query["$skiptoken"], top.Value, (entry, property) => OData.Read(entry, property));
            }
            catch (FormatException)
            {
                return GraphError.BadRequest("Invalid $skiptoken.", "BadRequest");
            }

            using var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            w.WriteStartObject();
            w.WriteString("@odata.context", GraphRoutes.Context(ctx, "auditLogs/provisioning"));
            if (next is not null)
            {
                w.WriteString("@odata.nextLink", OData.NextLink(req, ctx.Server.GraphUri, next, top.Value));
            }

            w.WriteStartArray("value");
            foreach (LogItem item in page)
            {
                ctx.State.ProvisioningLogs.Write(w, item);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return new SandboxResponse(200, buffer.WrittenSpan.ToArray());
    }

    /// <summary>Parses <c>$filter</c> and <c>$orderby</c>; anything unsupported is a 400, as Graph answers it.</summary>
    private static LogQuery? Parse(SandboxRequest req, out SandboxResponse? error)
    {
        error = null;
        var query = new LogQuery();
        string? orderBy = req.Query["$orderby"];
        if (!string.IsNullOrWhiteSpace(orderBy))
        {
            string[] parts = orderBy.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 2 || !string.Equals(parts[0], "activityDateTime", StringComparison.OrdinalIgnoreCase)
                || (parts.Length == 2 && !(parts[1].Equals("asc", StringComparison.OrdinalIgnoreCase) || parts[1].Equals("desc", StringComparison.OrdinalIgnoreCase))))
            {
                error = GraphError.BadRequest($"Invalid $orderby '{orderBy}': provisioning logs can be ordered by activityDateTime only.", "BadRequest");
                return null;
            }

            query.Descending = parts.Length == 2 && parts[1].Equals("desc", StringComparison.OrdinalIgnoreCase);
        }

        var clauses = OData.ParseFilter(req.Query["$filter"], out string? parseError);
        if (clauses is null)
        {
            error = GraphError.BadRequest(parseError!, "BadRequest");
            return null;
        }

        foreach (FilterClause c in clauses)
        {
            if (string.Equals(c.Property, "activityDateTime", StringComparison.OrdinalIgnoreCase))
            {
                if (!s_timeOps.Contains(c.Op) || ProvisioningLogStore.ParseTime(c.Value) is not DateTimeOffset t)
                {
                    error = GraphError.BadRequest($"Invalid filter clause on activityDateTime: '{c.Property} {c.Op} {c.Value}'. activityDateTime supports eq, gt and lt.", "BadRequest");
                    return null;
                }

                // gt/lt move the bound by one tick.
                if (c.Op is "eq" or "gt")
                {
                    DateTimeOffset from = c.Op == "gt" ? t.AddTicks(1) : t;
                    query.From = query.From is DateTimeOffset f && f > from ? f : from;
                }

                if (c.Op is "eq" or "lt")
                {
                    DateTimeOffset to = c.Op == "lt" ? t.AddTicks(-1) : t;
                    query.To = query.To is DateTimeOffset f && f < to ? f : to;
                }

                continue;
            }

            (string Property, string[] Ops) filterable = s_filterable.FirstOrDefault(p => string.Equals(p.Property, c.Property, StringComparison.OrdinalIgnoreCase));
            if (filterable.Property is null || !filterable.Ops.Contains(c.Op))
            {
                error = GraphError.BadRequest($"Unsupported filter clause '{c.Property} {c.Op} {c.Value}' on provisioning logs.", "BadRequest");
                return null;
            }

            query.Conditions.Add(new LogCondition(filterable.Property, c.Value, c.Op));
        }

        return query;
    }
}
