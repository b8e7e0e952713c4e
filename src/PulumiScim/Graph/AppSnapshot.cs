// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;

namespace PulumiScim.Graph;

/// <summary>The parts of an app the Graph door reads; the service principal is always read.</summary>
[Flags]
internal enum AppParts
{
    /// <summary>Only the service principal.</summary>
    None = 0,

    /// <summary>The provisioning job (the <c>scim</c> one, else the first).</summary>
    Job = 1,

    /// <summary>The job's secrets as Graph shows them (secret values masked). Needs the job.</summary>
    Secrets = 2,

    /// <summary>The job's schema. Needs the job.</summary>
    Schema = 4,

    /// <summary>The users and groups assigned to the app.</summary>
    Assignments = 8,

    /// <summary>Everything.</summary>
    All = Job | Secrets | Schema | Assignments,
}

/// <summary>
/// One app as Graph showed it: the service principal and the parts asked for. Never changed after it is made; the
/// JSON it holds is the door's own copy, and planners clone before they edit. A record: every "With" is a copy
/// (<c>with</c>) that changes only the parts named.
/// </summary>
internal sealed record AppSnapshot
{
    private static readonly IReadOnlyDictionary<AppParts, GraphRequestException> s_none = new Dictionary<AppParts, GraphRequestException>();

    public AppSnapshot(JsonObject servicePrincipal)
    {
        ServicePrincipal = servicePrincipal;
        ServicePrincipalId = Guid.TryParse((string?)servicePrincipal["id"], out Guid id) ? id : Guid.Empty;
        Unreadable = s_none;
    }

    /// <summary>The service principal (the properties <see cref="ApplicationQueries.SpSelect"/> names).</summary>
    public JsonObject ServicePrincipal { get; }

    /// <summary>The service principal's object id.</summary>
    public Guid ServicePrincipalId { get; }

    /// <summary>The parts read (including those that could not be read: see <see cref="Unreadable"/>).</summary>
    public AppParts Parts { get; private init; }

    /// <summary>The job, or null when the app has none (or it was not read).</summary>
    public JsonObject? Job { get; private init; }

    /// <summary>The secrets' key/value pairs as Graph shows them (secret values masked).</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Secrets { get; private init; } = [];

    /// <summary>The job's schema, or null when the app has no job (or it was not read).</summary>
    public JsonObject? Schema { get; private init; }

    /// <summary>The app's role assignments (appRoleAssignedTo).</summary>
    public IReadOnlyList<JsonObject> Assignments { get; private init; } = [];

    /// <summary>The parts Graph refused to show, with its answer.</summary>
    public IReadOnlyDictionary<AppParts, GraphRequestException> Unreadable { get; private init; }

    /// <summary>The job's id, or null.</summary>
    public string? JobId => (string?)Job?["id"];

    /// <summary>The job's template id.</summary>
    public string? TemplateId => (string?)Job?["templateId"];

    /// <summary>The job's schedule state: Active, Paused or Disabled.</summary>
    public string? ScheduleState => (string?)Job?["schedule"]?["state"];

    /// <summary>The job's status code: NotConfigured, NotRun, Active, Paused or Quarantine.</summary>
    public string? StatusCode => (string?)Job?["status"]?["code"];

    /// <summary>When the last cycle began, when one ran.</summary>
    public DateTimeOffset? LastCycleBegan => ParseTime((string?)Job?["status"]?["lastExecution"]?["timeBegan"]);

    /// <summary>The saved Tenant URL, or null.</summary>
    public string? TenantUrl => Secret("BaseAddress");

    /// <summary>The saved scope: All, AssignedOnly, or null when not saved.</summary>
    public string? Scope => Secret("SyncAll") is { } syncAll
        ? (string.Equals(syncAll, "true", StringComparison.OrdinalIgnoreCase) ? "All" : "AssignedOnly")
        : null;

    /// <summary>Whether a part was read (successfully or not).</summary>
    public bool Has(AppParts parts) => (Parts & parts) == parts;

    /// <summary>A readable secret's value, or null.</summary>
    public string? Secret(string key) =>
        Secrets.Where(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase)).Select(s => s.Value).FirstOrDefault();

    /// <summary>A copy with the job read.</summary>
    public AppSnapshot WithJob(JsonObject? job) => this with { Job = job, Parts = Parts | AppParts.Job };

    /// <summary>A copy with the secrets read.</summary>
    public AppSnapshot WithSecrets(IReadOnlyList<KeyValuePair<string, string?>> secrets) => this with { Secrets = secrets, Parts = Parts | AppParts.Secrets };

    /// <summary>A copy with the schema read.</summary>
    public AppSnapshot WithSchema(JsonObject? schema) => this with { Schema = schema, Parts = Parts | AppParts.Schema };

    /// <summary>A copy with the assignments read.</summary>
    public AppSnapshot WithAssignments(IReadOnlyList<JsonObject> assignments) => this with { Assignments = assignments, Parts = Parts | AppParts.Assignments };

    /// <summary>A copy that records a part Graph refused to show.</summary>
    public AppSnapshot WithUnreadable(AppParts part, GraphRequestException error) =>
        this with { Parts = Parts | part, Unreadable = new Dictionary<AppParts, GraphRequestException>(Unreadable) { [part] = error } };

    /// <summary>A copy whose job has the given schedule state and status code (what a start or pause leaves); unchanged when the job was not read.</summary>
    public AppSnapshot WithJobState(string state, string code)
    {
        if (Job is null)
        {
            return Without(AppParts.Job);
        }

        var job = (JsonObject)Job.DeepClone();
        if (job["schedule"] is JsonObject schedule)
        {
            schedule["state"] = state;
        }

        if (job["status"] is JsonObject status && (state != "Active" || (string?)status["code"] is "Paused" or "NotConfigured" or "Quarantine" or null))
        {
            status["code"] = code;
        }

        return WithJob(job);
    }

    /// <summary>A copy with one more assignment (as Graph answered the POST), or without the assignments when they were not read.</summary>
    public AppSnapshot WithAssignment(JsonObject? assignment) =>
        Has(AppParts.Assignments) && assignment is not null ? WithAssignments([.. Assignments, assignment]) : Without(AppParts.Assignments);

    /// <summary>A copy without the assignment of that id.</summary>
    public AppSnapshot WithoutAssignment(string assignmentId) =>
        WithAssignments(Assignments.Where(a => !string.Equals((string?)a["id"], assignmentId, StringComparison.Ordinal)).ToList());

    /// <summary>A copy without the given parts (they must be read again).</summary>
    public AppSnapshot Without(AppParts parts)
    {
        var unreadable = Unreadable.Where(u => (u.Key & parts) == 0).ToDictionary(u => u.Key, u => u.Value);
        return this with
        {
            Parts = Parts & ~parts,
            Job = (parts & AppParts.Job) != 0 ? null : Job,
            Secrets = (parts & AppParts.Secrets) != 0 ? [] : Secrets,
            Schema = (parts & AppParts.Schema) != 0 ? null : Schema,
            Assignments = (parts & AppParts.Assignments) != 0 ? [] : Assignments,
            Unreadable = unreadable,
        };
    }

    /// <summary>Parses a Graph timestamp; the zero date Graph uses for "never" reads as null.</summary>
    public static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset t) && t.Year > 1 ? t : null;
}
