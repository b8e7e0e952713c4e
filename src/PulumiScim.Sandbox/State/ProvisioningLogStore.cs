// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.State;

/// <summary>A directory object a generated log entry names as its source identity.</summary>
/// <param name="Id">The object id.</param>
/// <param name="DisplayName">The display name.</param>
/// <param name="UserPrincipalName">The user principal name.</param>
internal readonly record struct LogIdentity(string Id, string DisplayName, string UserPrincipalName);

/// <summary>
/// The parameters of <c>provisioningLogs.generate</c> (docs/sandbox.md), resolved against the seeded tenant. Entry
/// <c>i</c> (0 = oldest) is a pure function of these and <c>i</c>: nothing is stored per entry, so 100,000 entries cost
/// nothing until a page asks for them.
/// </summary>
internal sealed class LogGenerator
{
    /// <summary>Seconds between two consecutive generated entries.</summary>
    public const int IntervalSeconds = 30;

    /// <summary>Entries per provisioning cycle (they share a cycleId).</summary>
    public const int EntriesPerCycle = 1000;

    private const string TargetObject = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    public required int Count { get; init; }

    public required double FailureRatio { get; init; }

    public required DateTimeOffset From { get; init; }

    public required int Seed { get; init; }

    public required string TenantId { get; init; }

    public required string JobId { get; init; }

    public required string AppId { get; init; }

    public required string ServicePrincipalId { get; init; }

    public required string ServicePrincipalDisplayName { get; init; }

    public required LogIdentity[] Identities { get; init; }

    /// <summary>The <c>generate</c> object as the seed gave it, for the state export.</summary>
    public required JsonObject Spec { get; init; }

    public DateTimeOffset TimeOf(long i) => From.AddSeconds(i * (double)IntervalSeconds);

    /// <summary>A 64-bit hash of (seed, i, salt) (SplitMix64 finalizer).</summary>
    public ulong Hash(long i, ulong salt)
    {
        ulong z = unchecked(((ulong)(uint)Seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)i * 0xBF58476D1CE4E5B9UL) ^ (salt * 0x94D049BB133111EBUL));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    public bool IsFailure(long i) => (Hash(i, 1) >> 11) * (1.0 / (1UL << 53)) < FailureRatio;

    public string ActionOf(long i) => (Hash(i, 2) % 100) switch
    {
        < 40 => "create",
        < 85 => "update",
        < 95 => "disable",
        _ => "delete",
    };

    public LogIdentity IdentityOf(long i) => Identities[(int)(Hash(i, 3) % (ulong)Identities.Length)];

    public string CycleIdOf(long i) => GuidOf(i / EntriesPerCycle, 4);

    public string IdOf(long i) => GuidOf(i, 6);

    public string ChangeIdOf(long i) => GuidOf(i, 8);

    private string GuidOf(long i, ulong salt)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, Hash(i, salt));
        BitConverter.TryWriteBytes(bytes[8..], Hash(i, salt + 100));
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 layout
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    /// <summary>Reads one filterable property of entry <paramref name="i"/> without building it.</summary>
    public string? Read(long i, string canonicalProperty) => canonicalProperty switch
    {
        "jobId" => JobId,
        "id" => IdOf(i),
        "changeId" => ChangeIdOf(i),
        "cycleId" => CycleIdOf(i),
        "tenantId" => TenantId,
        "provisioningAction" => ActionOf(i),
        "provisioningStatusInfo/status" => IsFailure(i) ? "failure" : "success",
        "sourceIdentity/id" => IdentityOf(i).Id,
        "sourceIdentity/displayName" => IdentityOf(i).DisplayName,
        "servicePrincipal/id" => ServicePrincipalId,
        _ => null,
    };

    /// <summary>
    /// Writes entry <paramref name="i"/> as a provisioningObjectSummary
    /// (Graph docs, "List provisioningObjectSummary", Example 2: Error response), straight to the response: a page of a
    /// large log costs no object graph.
    /// </summary>
    public void Write(Utf8JsonWriter w, long i)
    {
        LogIdentity who = IdentityOf(i);
        string action = ActionOf(i);
        bool failed = IsFailure(i);
        bool noTarget = failed && action == "create";
        string verb = action switch { "create" => "created", "update" => "updated", "disable" => "disabled", _ => "deleted" };
        string exportStep = action switch { "create" => "EntryExportAdd", "delete" => "EntryExportDelete", _ => "EntryExportUpdate" };
        w.WriteStartObject();
        w.WriteString("id", IdOf(i));
        w.WriteString("activityDateTime", TimeOf(i).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        w.WriteString("tenantId", TenantId);
        w.WriteString("jobId", JobId);
        w.WriteString("cycleId", CycleIdOf(i));
        w.WriteString("changeId", ChangeIdOf(i));
        w.WriteString("provisioningAction", action);
        w.WriteNumber("durationInMilliseconds", (int)(50 + (Hash(i, 11) % 3000)));

        w.WriteStartObject("sourceSystem");
        w.WriteString("id", GuidOf(0, 12));
        w.WriteString("displayName", "Azure Active Directory");
        w.WriteStartObject("details");
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartObject("targetSystem");
        w.WriteString("id", GuidOf(0, 13));
        w.WriteString("displayName", "customappsso");
        w.WriteStartObject("details");
#pragma warning disable CA1507 // wire names, not references to these properties
        w.WriteString("ApplicationId", AppId);
        w.WriteString("ServicePrincipalId", ServicePrincipalId);
        w.WriteString("ServicePrincipalDisplayName", ServicePrincipalDisplayName);
#pragma warning restore CA1507
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartObject("initiatedBy");
        w.WriteString("id", string.Empty);
        w.WriteString("displayName", "Azure AD Provisioning Service");
        w.WriteString("initiatorType", "system");
        w.WriteEndObject();

        w.WriteStartObject("servicePrincipal");
        w.WriteString("id", ServicePrincipalId);
        w.WriteString("displayName", ServicePrincipalDisplayName);
        w.WriteEndObject();

        w.WriteStartObject("sourceIdentity");
        w.WriteString("id", who.Id);
        w.WriteString("displayName", who.DisplayName);
        w.WriteString("identityType", "User");
        w.WriteStartObject("details");
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartObject("targetIdentity");
        w.WriteString("id", noTarget ? string.Empty : GuidOf(i, 10));
        w.WriteString("displayName", noTarget ? string.Empty : who.DisplayName);
        w.WriteString("identityType", TargetObject);
        w.WriteStartObject("details");
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartObject("provisioningStatusInfo");
        w.WriteString("status", failed ? "failure" : "success");
        if (failed)
        {
            w.WritePropertyName("errorInformation");
            WriteFailure(w, i, who);
        }
        else
        {
            w.WriteNull("errorInformation");
        }

        w.WriteEndObject();

        w.WriteStartArray("provisioningSteps");
        Step(w, "EntryImport", "import", "success", $"Retrieved User '{who.UserPrincipalName}' from Azure Active Directory");
        Step(w, "EntrySynchronizationScoping", "scoping", "success", "Determine if User in scope by evaluating against each scoping filter");
        Step(w, "EntryImport", "matching", "success", $"Retrieved '{who.UserPrincipalName}' from customappsso");
        Step(w, exportStep, "export", failed ? "failure" : "success", failed
            ? $"Failed to {action} User '{who.UserPrincipalName}' in customappsso"
            : $"User '{who.UserPrincipalName}' was {verb} in customappsso");
        w.WriteEndArray();

        w.WriteStartArray("modifiedProperties");
        Modified(w, "objectId", who.Id);
        Modified(w, "userPrincipalName", who.UserPrincipalName);
        Modified(w, "displayName", who.DisplayName);
        Modified(w, "IsSoftDeleted", action is "disable" or "delete" ? "True" : "False");
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Entry <paramref name="i"/> as a JSON object (for tests and the engine; pages are written with <see cref="Write"/>).</summary>
    public JsonObject Build(long i)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            Write(w, i);
        }

        return JsonNode.Parse(ms.ToArray())!.AsObject();
    }

    private void WriteFailure(Utf8JsonWriter w, long i, LogIdentity who)
    {
        // Sandbox-chosen failures: the errors Pulumi's SCIM service returns (Pulumi's "Troubleshooting SCIM"), wrapped the way
        // the docs example wraps an app's HTTP error ("<App> returned an error response with the HTTP status code ...").
        // The error codes are descriptive choices; the real service's codes for the generic SCIM connector vary.
        string nick = who.UserPrincipalName.Split('@')[0];
        (string code, string status, string detail) = (Hash(i, 9) % 4) switch
        {
            0 => ("SystemForCrossDomainIdentityManagementEntryConflict", "409", $"User with userName {nick} already exists."),
            1 => ("SystemForCrossDomainIdentityManagementEntryConflict", "409", $"Email {who.UserPrincipalName} already in use by another Pulumi account."),
            2 => ("SystemForCrossDomainIdentityManagementBadRequest", "400", "Unknown path: title."),
            _ => ("SystemForCrossDomainIdentityManagementBadRequest", "400", "Attribute 'userName' is immutable."),
        };
        w.WriteStartObject();
        w.WriteString("errorCode", code);
        w.WriteString("reason", $"Message: customappsso returned an error response with the HTTP status code {status}. Response content: {{\"detail\":\"{detail}\",\"status\":\"{status}\"}}");
        w.WriteNull("additionalDetails");
        w.WriteString("errorCategory", "nonServiceFailure");
        w.WriteNull("recommendedAction");
        w.WriteEndObject();
    }

    private static void Step(Utf8JsonWriter w, string name, string type, string status, string description)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("provisioningStepType", type);
        w.WriteString("status", status);
        w.WriteString("description", description);
        w.WriteStartObject("details");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Modified(Utf8JsonWriter w, string name, string value)
    {
        w.WriteStartObject();
        w.WriteString("displayName", name);
        w.WriteNull("oldValue");
        w.WriteString("newValue", value);
        w.WriteEndObject();
    }
}

/// <summary>One entry of a page: a generated index, or a stored entry.</summary>
/// <param name="Index">The generated entry's index (when <paramref name="Entry"/> is null).</param>
/// <param name="Entry">The stored entry.</param>
internal readonly record struct LogItem(long Index, JsonObject? Entry);

/// <summary>One condition of a provisioning-log filter, on a canonical property name.</summary>
/// <param name="Property">The canonical property (<c>jobId</c>, <c>provisioningStatusInfo/status</c>...).</param>
/// <param name="Value">The value compared (case-sensitive, as the docs state).</param>
/// <param name="Op">How: <c>eq</c> or <c>contains</c>.</param>
internal sealed record LogCondition(string Property, string Value, string Op = "eq")
{
    /// <summary>Whether a property's value satisfies the condition: eq or contains, case-sensitive ("The filters are all case sensitive").</summary>
    public bool Holds(string? actual) => Op == "contains"
        ? actual is not null && actual.Contains(Value, StringComparison.Ordinal)
        : string.Equals(actual, Value, StringComparison.Ordinal);
}

/// <summary>A parsed provisioning-log query: equality conditions and an activityDateTime window.</summary>
internal sealed class LogQuery
{
    public List<LogCondition> Conditions { get; } = [];

    /// <summary>The earliest activityDateTime, inclusive.</summary>
    public DateTimeOffset? From { get; set; }

    /// <summary>The latest activityDateTime, inclusive.</summary>
    public DateTimeOffset? To { get; set; }

    public bool Descending { get; set; } = true;
}

/// <summary>
/// The provisioning log: explicit entries (seeded or appended by the engine), kept sorted by activityDateTime, plus a
/// virtual generated sequence. A page is produced by walking both in order from a cursor, so its cost is the page
/// (plus the entries the filter skips), never the whole log.
/// </summary>
internal sealed class ProvisioningLogStore
{
    private readonly List<(DateTimeOffset Time, JsonObject Entry)> _explicit = [];

    public LogGenerator? Generator { get; set; }

    /// <summary>How many entries the log holds.</summary>
    public long Count => _explicit.Count + (Generator?.Count ?? 0);

    /// <summary>The explicit entries, oldest first (for the state export).</summary>
    public IEnumerable<JsonObject> ExplicitEntries => _explicit.Select(e => e.Entry);

    /// <summary>Writes a page's entry.</summary>
    public void Write(Utf8JsonWriter writer, LogItem item)
    {
        if (item.Entry is not null)
        {
            item.Entry.WriteTo(writer);
        }
        else
        {
            Generator!.Write(writer, item.Index);
        }
    }

    /// <summary>Adds an entry, keeping the order by activityDateTime (equal times keep insertion order).</summary>
    public void Append(JsonObject entry)
    {
        DateTimeOffset t = ParseTime((string?)entry["activityDateTime"]) ?? DateTimeOffset.UtcNow;
        int lo = 0;
        int hi = _explicit.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (_explicit[mid].Time <= t)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        _explicit.Insert(lo, (t, entry));
    }

    public static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    /// <summary>
    /// One page: up to <paramref name="top"/> matching entries from <paramref name="cursor"/> (null = the start), and the
    /// cursor of the next matching entry (null when none is left). Explicit entries are the stored objects: write them
    /// under the state lock.
    /// </summary>
    public (List<LogItem> Page, string? Next) Query(LogQuery query, string? cursor, int top, Func<JsonObject, string, string?> readExplicit)
    {
        LogGenerator? gen = Generator;
        long genLo = 0;
        long genHi = (gen?.Count ?? 0) - 1;
        if (gen is not null)
        {
            if (query.From is DateTimeOffset from)
            {
                genLo = Math.Max(genLo, CeilIndex(gen, from));
            }

            if (query.To is DateTimeOffset to)
            {
                genHi = Math.Min(genHi, FloorIndex(gen, to));
            }
        }

        long g;
        int e;
        if (cursor is null)
        {
            g = query.Descending ? genHi : genLo;
            e = query.Descending ? _explicit.Count - 1 : 0;
        }
        else if (!TryDecodeCursor(cursor, out g, out e))
        {
            throw new FormatException("Invalid $skiptoken.");
        }

        var page = new List<LogItem>();
        string? next = null;
        while (true)
        {
            bool genLeft = gen is not null && g >= genLo && g <= genHi;
            bool expLeft = e >= 0 && e < _explicit.Count;
            if (!genLeft && !expLeft)
            {
                break;
            }

            bool takeExplicit;
            if (!genLeft)
            {
                takeExplicit = true;
            }
            else if (!expLeft)
            {
                takeExplicit = false;
            }
            else
            {
                DateTimeOffset tg = gen!.TimeOf(g);
                DateTimeOffset te = _explicit[e].Time;
                takeExplicit = query.Descending ? te >= tg : te < tg;
            }

            bool match = takeExplicit
                ? MatchesExplicit(_explicit[e], query, readExplicit)
                : MatchesGenerated(gen!, g, query);
            if (match)
            {
                if (page.Count == top)
                {
                    next = EncodeCursor(g, e);
                    break;
                }

                page.Add(takeExplicit ? new LogItem(-1, _explicit[e].Entry) : new LogItem(g, null));
            }

            int step = query.Descending ? -1 : 1;
            if (takeExplicit)
            {
                e += step;
            }
            else
            {
                g += step;
            }
        }

        return (page, next);
    }

    private static long CeilIndex(LogGenerator gen, DateTimeOffset t)
    {
        double s = (t - gen.From).TotalSeconds / LogGenerator.IntervalSeconds;
        return s <= 0 ? 0 : (long)Math.Ceiling(s);
    }

    private static long FloorIndex(LogGenerator gen, DateTimeOffset t)
    {
        double s = (t - gen.From).TotalSeconds / LogGenerator.IntervalSeconds;
        return s < 0 ? -1 : (long)Math.Floor(s);
    }

    private static bool MatchesGenerated(LogGenerator gen, long i, LogQuery query)
    {
        foreach (LogCondition c in query.Conditions)
        {
            if (!c.Holds(gen.Read(i, c.Property)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool MatchesExplicit((DateTimeOffset Time, JsonObject Entry) item, LogQuery query, Func<JsonObject, string, string?> read)
    {
        if ((query.From is DateTimeOffset from && item.Time < from) || (query.To is DateTimeOffset to && item.Time > to))
        {
            return false;
        }

        foreach (LogCondition c in query.Conditions)
        {
            if (!c.Holds(read(item.Entry, c.Property)))
            {
                return false;
            }
        }

        return true;
    }

    private static string EncodeCursor(long g, int e) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(FormattableString.Invariant($"plog:{g}:{e}"))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecodeCursor(string token, out long g, out int e)
    {
        g = 0;
        e = 0;
        try
        {
            string b64 = token.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            string[] parts = Encoding.ASCII.GetString(Convert.FromBase64String(b64)).Split(':');
            return parts.Length == 3 && parts[0] == "plog"
                && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out g)
                && int.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out e);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
