// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Provisioning;
using PulumiScim.Session;

namespace PulumiScim.Graph;

/// <summary>
/// The independent reads of one app in one JSON batch (<see cref="GraphBatch"/>): the service principal, the job list,
/// the secrets and the assignments (and the schema when the job is known). The secrets are read alongside the job
/// list and kept only when the app has a job, so one round trip brings what took four. A job this session created
/// moments ago is read the sequential way, whose reads wait out replication.
/// </summary>
internal static partial class AppReader
{
    /// <summary>Whether the app's parts may be read in a batch: no job of it was created moments ago.</summary>
    private static bool CanBatch(AppRef app, AppSnapshot? snapshot) =>
        app.Session.Created.Remaining(app.JobId) is null && app.Session.Created.Remaining(snapshot?.JobId) is null;

    /// <summary>Reads in one batch what the parts need; what is left (the schema of a job just found) is read after.</summary>
    /// <param name="app">The app.</param>
    /// <param name="snapshot">What is held already; null to read the service principal too.</param>
    /// <param name="parts">The parts wanted.</param>
    /// <param name="tolerant">Record a refused part instead of throwing.</param>
    /// <param name="ct">Cancels the reads.</param>
    private static async Task<AppSnapshot> ReadBatchedAsync(AppRef app, AppSnapshot? snapshot, AppParts parts, bool tolerant, CancellationToken ct)
    {
        List<(AppParts Part, BatchItem Item)> items = Plan(app, snapshot, parts);
        if (items.Count < 2)
        {
            return snapshot ?? new AppSnapshot(await app.Session.Graph.GetOrNullAsync(SpPath(app), ct).ConfigureAwait(false) ?? throw SpGone(app, SpPath(app)));
        }

        BatchResult[] results = await GraphBatch.SendAsync(app.Session.Graph, items.Select(i => i.Item).ToList(), ct).ConfigureAwait(false);
        return await TakeAllAsync(app, snapshot, items, results, tolerant, parts, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the parts of many listed apps together (Get-ScimApplication): their independent reads in batches of 20, a
    /// few batches at a time. Each app gets its snapshot or the error that stopped it, in list order.
    /// </summary>
    public static async Task<List<(AppSnapshot? Snapshot, GraphRequestException? Error)>> ReadManyAsync(
        ScimGraphSession session, object holder, IReadOnlyList<JsonObject> servicePrincipals, AppParts parts, CancellationToken ct)
    {
        var starts = servicePrincipals.Select(sp => Start(session, holder, sp)).ToList();
        var plans = starts.Select(s => CanBatch(AppRef.Of(session, s), s) ? Plan(AppRef.Of(session, s), s, parts) : []).ToList();
        BatchResult[] results = await GraphBatch.SendAsync(session.Graph, plans.SelectMany(p => p.Select(i => i.Item)).ToList(), ct).ConfigureAwait(false);
        var read = new List<(AppSnapshot?, GraphRequestException?)>();
        int offset = 0;
        for (int i = 0; i < starts.Count; i++)
        {
            var app = AppRef.Of(session, starts[i]);
            try
            {
                AppSnapshot s = await TakeAllAsync(app, starts[i], plans[i], results[offset..(offset + plans[i].Count)], tolerant: false, parts, ct).ConfigureAwait(false);
                read.Add((await CompleteAsync(app, holder, s, parts, tolerant: false, ct).ConfigureAwait(false), null));
            }
            catch (GraphRequestException ex)
            {
                read.Add((null, ex));
            }

            offset += plans[i].Count;
        }

        return read;
    }

    /// <summary>The batch items the parts need (the service principal first when <paramref name="snapshot"/> is null).</summary>
    private static List<(AppParts Part, BatchItem Item)> Plan(AppRef app, AppSnapshot? snapshot, AppParts parts)
    {
        AppParts missing = (snapshot is null ? Missing(parts) : Missing(snapshot, parts)) | Hinted(app, snapshot, parts);
        bool jobKnown = snapshot?.Has(AppParts.Job) == true && !snapshot.Unreadable.ContainsKey(AppParts.Job);
        var items = new List<(AppParts Part, BatchItem Item)>();
        string sync = $"servicePrincipals/{app.Sp}/synchronization";
        Add(items, snapshot is null, AppParts.None, BatchItem.Get(SpPath(app)));
        Add(items, (missing & AppParts.Job) != 0, AppParts.Job, BatchItem.Get($"{sync}/jobs"));
        Add(items, (missing & AppParts.Secrets) != 0 && (!jobKnown || snapshot!.JobId is not null), AppParts.Secrets, BatchItem.Get($"{sync}/secrets"));
        Add(items, (missing & AppParts.Schema) != 0 && jobKnown && snapshot!.JobId is not null, AppParts.Schema, BatchItem.Get($"{sync}/jobs/{Uri.EscapeDataString(snapshot?.JobId ?? string.Empty)}/schema"));
        Add(items, (missing & AppParts.Assignments) != 0, AppParts.Assignments, BatchItem.Get($"servicePrincipals/{app.Sp}/appRoleAssignedTo?$top=999"));
        return items;
    }

    /// <summary>
    /// The assignments, when a command further down the pipeline will need them (<see cref="AppReadCache.Wanted"/>) and
    /// this read did not ask for them: they ride along in the batch at no round trip of their own.
    /// </summary>
    private static AppParts Hinted(AppRef app, AppSnapshot? snapshot, AppParts parts) =>
        app.Session.Reads.Wanted & AppParts.Assignments & ~parts & ~(snapshot?.Parts ?? AppParts.None);

    /// <summary>Puts the answers to a plan's items into the snapshot, in the order the sequential reads would throw.</summary>
    /// <remarks>A part read only for a later command (<see cref="Hinted"/>) that Graph refused is left unread: that command reads it again and reports it.</remarks>
    private static async Task<AppSnapshot> TakeAllAsync(
        AppRef app, AppSnapshot? snapshot, List<(AppParts Part, BatchItem Item)> items, BatchResult[] results, bool tolerant, AppParts asked, CancellationToken ct)
    {
        AppSnapshot s = snapshot ?? new AppSnapshot(results[0].OrNull() ?? throw SpGone(app, SpPath(app)));
        foreach (AppParts part in new[] { AppParts.Job, AppParts.Secrets, AppParts.Schema, AppParts.Assignments })
        {
            int k = items.FindIndex(i => i.Part == part);
            bool hinted = (Missing(asked) & part) == 0;
            try
            {
                s = k < 0 ? s : await TakeAsync(app, s, part, results[k], tolerant && !hinted, ct).ConfigureAwait(false);
            }
            catch (GraphRequestException) when (hinted)
            {
                // Not asked for here: the command that needs it reads it again and reports what Graph says.
            }
        }

        return s;
    }

    private static AppParts Missing(AppParts parts) =>
        (parts & (AppParts.Secrets | AppParts.Schema)) != 0 ? parts | AppParts.Job : parts;

    private static void Add(List<(AppParts, BatchItem)> items, bool wanted, AppParts part, BatchItem item)
    {
        if (wanted)
        {
            items.Add((part, item));
        }
    }

    /// <summary>Puts one batched answer into the snapshot, as <see cref="ReadPartAsync"/> would have read it.</summary>
    private static async Task<AppSnapshot> TakeAsync(AppRef app, AppSnapshot s, AppParts part, BatchResult result, bool tolerant, CancellationToken ct)
    {
        try
        {
            switch (part)
            {
                case AppParts.Job:
                    JsonObject? job = PickJob(result.Checked());
                    job?.Remove("@odata.context");
                    return s.WithJob(job);
                case AppParts.Secrets when s.Unreadable.TryGetValue(AppParts.Job, out GraphRequestException? jobError):
                    throw jobError;
                case AppParts.Secrets:
                    // Read alongside the job list: what Graph answers for an app without a job does not matter.
                    return s.WithSecrets(s.JobId is null ? [] : SecretsPlanner.ReadSecrets(result.Checked()));
                case AppParts.Schema:
                    var schema = result.Checked() as JsonObject ?? throw new InvalidDataException("Graph returned an empty synchronization schema.");
                    schema.Remove("@odata.context");
                    return s.WithSchema(schema);
                default:
                    return s.WithAssignments(await PrincipalQueries.AllPagesAsync(app.Session.Graph, result, ct).ConfigureAwait(false));
            }
        }
        catch (GraphRequestException ex) when (tolerant)
        {
            return s.WithUnreadable(part, ex);
        }
    }
}
