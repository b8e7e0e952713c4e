// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Provisioning;
using PulumiScim.Session;

namespace PulumiScim.Graph;

/// <summary>
/// The Graph door's reads of one app: an <see cref="AppSnapshot"/> with the parts the caller needs, reusing what the
/// session's cache holds along the same pipeline and reading only the rest.
/// </summary>
internal static partial class AppReader
{
    /// <summary>Reads an app by id (its service principal is read too when the cache does not hold it).</summary>
    /// <param name="app">The app; its job id, when known, finds a job the job list does not show yet (replication).</param>
    /// <param name="holder">The command reading: cached reads live as long as a command that used them.</param>
    /// <param name="parts">The parts to read.</param>
    /// <param name="tolerant">Whether a part Graph refuses is recorded in <see cref="AppSnapshot.Unreadable"/> instead of thrown.</param>
    /// <param name="ct">Cancels the reads.</param>
    public static async Task<AppSnapshot> ReadAsync(AppRef app, object holder, AppParts parts, bool tolerant, CancellationToken ct)
    {
        AppSnapshot? cached = app.Session.Reads.Get(app.ServicePrincipalId, holder);
        if (cached is null && CanBatch(app, null))
        {
            // The service principal and the parts that do not need it go in one batch.
            AppSnapshot read = await ReadBatchedAsync(app, null, parts, tolerant, ct).ConfigureAwait(false);
            return await CompleteAsync(app, holder, read, parts, tolerant, ct).ConfigureAwait(false);
        }

        if (cached is null)
        {
            string path = SpPath(app);
            JsonObject sp = await app.Session.Graph.GetOrNullAsync(path, ct).ConfigureAwait(false) ?? throw SpGone(app, path);
            cached = new AppSnapshot(sp);
        }

        return await CompleteAsync(app, holder, cached, parts, tolerant, ct).ConfigureAwait(false);
    }

    private static string SpPath(AppRef app) => ApplicationQueries.WithQuery($"servicePrincipals/{app.Sp}", ("$select", ApplicationQueries.SpSelect));

    private static GraphRequestException SpGone(AppRef app, string path) =>
        new(HttpMethod.Get, "/v1.0/" + path, System.Net.HttpStatusCode.NotFound, "Request_ResourceNotFound", $"The service principal {app.Sp} no longer exists.", null);

    /// <summary>Reads the parts of an app whose service principal the caller just listed.</summary>
    public static Task<AppSnapshot> ReadAsync(ScimGraphSession session, object holder, JsonObject servicePrincipal, AppParts parts, CancellationToken ct)
    {
        AppSnapshot start = Start(session, holder, servicePrincipal);
        return CompleteAsync(AppRef.Of(session, start), holder, start, parts, tolerant: false, ct);
    }

    /// <summary>A listed service principal with what the session's cache holds of it.</summary>
    private static AppSnapshot Start(ScimGraphSession session, object holder, JsonObject servicePrincipal)
    {
        var fresh = new AppSnapshot((JsonObject)servicePrincipal.DeepClone());
        return session.Reads.Get(fresh.ServicePrincipalId, holder) is { } cached ? Merge(fresh, cached) : fresh;
    }

    private static AppSnapshot Merge(AppSnapshot fresh, AppSnapshot cached)
    {
        AppSnapshot s = fresh;
        s = cached.Has(AppParts.Job) ? s.WithJob(cached.Job) : s;
        s = cached.Has(AppParts.Secrets) ? s.WithSecrets(cached.Secrets) : s;
        s = cached.Has(AppParts.Schema) ? s.WithSchema(cached.Schema) : s;
        return cached.Has(AppParts.Assignments) ? s.WithAssignments(cached.Assignments) : s;
    }

    private static async Task<AppSnapshot> CompleteAsync(AppRef app, object holder, AppSnapshot snapshot, AppParts parts, bool tolerant, CancellationToken ct)
    {
        snapshot = await TakeSchemaReadAsync(app, snapshot, parts, ct).ConfigureAwait(false);
        if (CanBatch(app, snapshot) && (parts & ~snapshot.Parts) != 0)
        {
            snapshot = await ReadBatchedAsync(app, snapshot, parts, tolerant, ct).ConfigureAwait(false);
        }

        AppParts missing = Missing(snapshot, parts);

        foreach (AppParts part in new[] { AppParts.Job, AppParts.Secrets, AppParts.Schema, AppParts.Assignments })
        {
            if ((missing & part) == 0)
            {
                continue;
            }

            try
            {
                snapshot = await ReadPartAsync(app, snapshot, part, ct).ConfigureAwait(false);
            }
            catch (GraphRequestException ex) when (tolerant)
            {
                snapshot = snapshot.WithUnreadable(part, ex);
            }
        }

        app.Session.Reads.Put(snapshot, holder);
        StartSchemaRead(app.Session, snapshot);
        return snapshot;
    }

    /// <summary>
    /// When a command further down the pipeline will need the schema (<see cref="AppReadCache.Wanted"/>) and the app's
    /// job is known, starts reading it now, so it comes while the commands before that one do their work.
    /// </summary>
    internal static void StartSchemaRead(ScimGraphSession session, AppSnapshot snapshot)
    {
        if (snapshot.JobId is { } jobId && !snapshot.Has(AppParts.Schema) && (session.Reads.Wanted & AppParts.Schema) != 0)
        {
            var app = AppRef.Of(session, snapshot);
            session.Reads.StartSchemaRead(snapshot.ServicePrincipalId, jobId, c => SyncOperations.GetSchemaAsync(app, c));
        }
    }

    /// <summary>The schema read started ahead (<see cref="StartSchemaRead"/>) put into the snapshot; a read that failed is made again the usual way.</summary>
    private static async Task<AppSnapshot> TakeSchemaReadAsync(AppRef app, AppSnapshot snapshot, AppParts parts, CancellationToken ct)
    {
        if ((parts & AppParts.Schema) == 0 || snapshot.Has(AppParts.Schema) || app.Session.Reads.TakeSchemaRead(snapshot.ServicePrincipalId, snapshot.JobId) is not { } started)
        {
            return snapshot;
        }

        try
        {
            // The read has its own token (it outlives the command that started it); Ctrl+C stops waiting for it, and it.
            return snapshot.WithSchema(await started.Read.WaitAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            started.Stop();
            throw;
        }
        catch (Exception ex) when (ex is GraphRequestException or OperationCanceledException or InvalidDataException)
        {
            return snapshot;
        }
    }

    /// <summary>The parts still to read: those asked for and not held, and the job when the secrets or schema need it.</summary>
    private static AppParts Missing(AppSnapshot snapshot, AppParts parts)
    {
        AppParts missing = parts & ~snapshot.Parts;
        if ((missing & (AppParts.Secrets | AppParts.Schema)) != 0 && !snapshot.Has(AppParts.Job))
        {
            missing |= AppParts.Job;
        }

        return missing;
    }

    private static async Task<AppSnapshot> ReadPartAsync(AppRef known, AppSnapshot s, AppParts part, CancellationToken ct)
    {
        var app = AppRef.Of(known.Session, s);
        switch (part)
        {
            case AppParts.Job:
                return s.WithJob(await ReadJobAsync(known, ct).ConfigureAwait(false));
            case AppParts.Secrets when s.Unreadable.TryGetValue(AppParts.Job, out GraphRequestException? jobError):
                throw jobError;
            case AppParts.Secrets:
                return s.WithSecrets(s.JobId is null ? [] : SecretsPlanner.ReadSecrets(await SyncOperations.GetSecretsAsync(app, ct).ConfigureAwait(false)));
            case AppParts.Schema when s.Unreadable.TryGetValue(AppParts.Job, out GraphRequestException? jobError):
                throw jobError;
            case AppParts.Schema:
                return s.WithSchema(s.JobId is null ? null : await SyncOperations.GetSchemaAsync(app, ct).ConfigureAwait(false));
            default:
                return s.WithAssignments(await PrincipalQueries.ListAssignmentsAsync(app.Session.Graph, app.Sp, ct).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// The app's provisioning job: the <c>scim</c> one, else the first; null when it has none. A job this session
    /// created moments ago may be missing from the list (replication): it is then read by its id.
    /// </summary>
    private static async Task<JsonObject?> ReadJobAsync(AppRef app, CancellationToken ct)
    {
        JsonNode? jobs = await app.Session.Graph.GetAsync($"servicePrincipals/{app.Sp}/synchronization/jobs", ct).ConfigureAwait(false);
        JsonObject? job = PickJob(jobs);
        if (job is null && app.Session.Created.Remaining(app.JobId) is not null)
        {
            job = await SyncOperations.GetJobAsync(app, ct).ConfigureAwait(false);
        }

        job?.Remove("@odata.context");
        return job;
    }

    /// <summary>The <c>scim</c> job of a job list, else the first; null when there is none.</summary>
    private static JsonObject? PickJob(JsonNode? jobs)
    {
        var list = (jobs?["value"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        return list.FirstOrDefault(j => string.Equals((string?)j["templateId"], SyncOperations.ScimTemplateId, StringComparison.OrdinalIgnoreCase)) ?? list.FirstOrDefault();
    }
}
