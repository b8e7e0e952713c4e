// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Security;
using System.Text.Json.Nodes;

namespace PulumiScim.Graph;

/// <summary>The synchronization calls of the guide (docs/graph-facts.md, "Synchronization"), as raw JSON.</summary>
internal static class SyncOperations
{
    /// <summary>The template of a non-gallery SCIM app's job.</summary>
    public const string ScimTemplateId = "scim";

    private static string Sync(AppRef app) => $"servicePrincipals/{app.Sp}/synchronization";

    private static string Job(AppRef app) =>
        $"{Sync(app)}/jobs/{Uri.EscapeDataString(app.JobId ?? throw new InvalidOperationException("The app has no provisioning job."))}";

    /// <summary>
    /// Creates the <c>scim</c> job, waiting out replication of a just-created app, and returns it. After a
    /// broken connection the job list is read back, and the POST is sent again only when no scim job exists.
    /// </summary>
    public static async Task<JsonObject?> CreateJobAsync(AppRef app, CancellationToken ct)
    {
        JsonNode? job = await Consistency.RetryAsync(
            "Creating the provisioning job",
            c => CreateJobOnceAsync(app, c),
            ct).ConfigureAwait(false);
        app.Session.Created.Add((string?)(job as JsonObject)?["id"]);
        var created = job as JsonObject;
        created?.Remove("@odata.context");
        Wrote(app, s => s.Without(AppParts.Secrets | AppParts.Schema).WithJob((JsonObject?)created?.DeepClone()).WithSecrets([]));

        // A later command of the pipeline needs the new job's schema: its read goes while the secrets are written.
        if (app.Session.Reads.Peek(app.ServicePrincipalId) is { } now)
        {
            AppReader.StartSchemaRead(app.Session, now);
        }

        return created;
    }

    /// <summary>
    /// After a write: the session's cached read of the app becomes what the write left (parts it may have changed are
    /// dropped, or set to what Graph accepted), and the change is recorded for Wait-ScimProvisioning.
    /// </summary>
    internal static void Wrote(AppRef app, Func<AppSnapshot, AppSnapshot> update, DateTimeOffset? sentAt = null)
    {
        app.Session.Reads.AfterWrite(app.ServicePrincipalId, update);
        app.Session.Reads.RecordChange(app.ServicePrincipalId, sentAt);
    }

    /// <summary>After a write that may have changed <paramref name="parts"/>: they are read again when next needed.</summary>
    internal static void Wrote(AppRef app, AppParts parts) => Wrote(app, s => s.Without(parts));

    /// <summary>
    /// Runs a call on the job or the synchronization resources it replicates with (secrets, Test Connection), waiting
    /// out replication (404/403/409) only when this session created the job moments ago, and only for what is left of
    /// <see cref="Consistency.DefaultTimeout"/> since then: a new job answers 404 or 403 for a while (the sandbox's
    /// options.replicationDelayMs plays it). Otherwise the first answer stands: a 403 is then a real denial.
    /// </summary>
    internal static Task<T> OnJobAsync<T>(AppRef app, string what, Func<CancellationToken, Task<T>> action, CancellationToken ct) =>
        app.Session.Created.Remaining(app.JobId) is { } left ? Consistency.RetryAsync(what, action, ct, left) : action(ct);

    private static bool IsNewJob(AppRef app) => app.Session.Created.Remaining(app.JobId) is not null;

    private static async Task<JsonNode?> CreateJobOnceAsync(AppRef app, CancellationToken ct)
    {
        try
        {
            return await CreateOnce.PostAsync(
                app.Session.Graph,
                $"{Sync(app)}/jobs",
                new JsonObject { ["templateId"] = ScimTemplateId },
                "the provisioning job",
                c => FindScimJobAsync(app, c),
                ex => ex.StatusCode == System.Net.HttpStatusCode.Conflict,
                ct).ConfigureAwait(false);
        }
        catch (GraphRequestException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // A scim job exists already (another run made it, and the job list does not show it yet): use it once it
            // shows; until then the 409 goes to Consistency.RetryAsync, which waits and comes back here.
            JsonObject? existing = await FindScimJobAsync(app, ct).ConfigureAwait(false);
            if (existing is null)
            {
                throw;
            }

            GraphEvents.Verbose($"The app already has the provisioning job {(string?)existing["id"]}; using it.");
            return existing;
        }
    }

    private static async Task<JsonObject?> FindScimJobAsync(AppRef app, CancellationToken ct)
    {
        JsonNode? jobs = await app.Session.Graph.GetAsync($"{Sync(app)}/jobs", ct).ConfigureAwait(false);
        return (jobs?["value"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(j => string.Equals((string?)j["templateId"], ScimTemplateId, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Tests a Tenant URL and token against the SCIM endpoint (Test Connection), without saving anything.</summary>
    /// <returns>null when they work; otherwise Graph's answer.</returns>
    public static async Task<GraphRequestException?> ValidateAsync(AppRef app, string baseAddress, SecureString token, CancellationToken ct)
    {
        var credentials = new JsonArray(
            new JsonObject { ["key"] = "BaseAddress", ["value"] = baseAddress },
            new JsonObject { ["key"] = "SecretToken", ["value"] = new System.Net.NetworkCredential(string.Empty, token).Password });
        JsonObject body;
        string path;
        if (app.JobId is null)
        {
            path = $"{Sync(app)}/jobs/validateCredentials";
            body = new JsonObject
            {
                ["applicationIdentifier"] = app.AppId.ToString(),
                ["templateId"] = ScimTemplateId,
                ["useSavedCredentials"] = false,
                ["credentials"] = credentials,
            };
        }
        else
        {
            path = $"{Job(app)}/validateCredentials";
            body = new JsonObject { ["useSavedCredentials"] = false, ["credentials"] = credentials };
        }

        return await SendValidationAsync(app, path, body, ct).ConfigureAwait(false);
    }

    /// <summary>Tests the saved credentials of the job.</summary>
    public static Task<GraphRequestException?> ValidateSavedAsync(AppRef app, CancellationToken ct) =>
        SendValidationAsync(app, $"{Job(app)}/validateCredentials", new JsonObject { ["useSavedCredentials"] = true }, ct);

    private static async Task<GraphRequestException?> SendValidationAsync(AppRef app, string path, JsonObject body, CancellationToken ct)
    {
        GraphResponse r = await OnJobAsync(app, "Test Connection", async c =>
        {
            GraphResponse answer = await app.Session.Graph.SendAsync(HttpMethod.Post, path, body, c).ConfigureAwait(false);
            if (!answer.IsSuccess && IsNewJob(app) && GraphClient.ToException(HttpMethod.Post, "/v1.0/" + path, answer.Status, answer.Body, answer.Headers) is { } lag
                && Consistency.IsReplicationLag(lag))
            {
                throw lag;
            }

            return answer;
        }, ct).ConfigureAwait(false);
        return r.IsSuccess ? null : GraphClient.ToException(HttpMethod.Post, "/v1.0/" + path, r.Status, r.Body, r.Headers);
    }

    /// <summary>Reads the secrets as Graph shows them (secret values masked).</summary>
    public static async Task<JsonNode?> GetSecretsAsync(AppRef app, CancellationToken ct) =>
        await OnJobAsync(app, "Reading the secrets of the new job", c => app.Session.Graph.GetAsync($"{Sync(app)}/secrets", c), ct).ConfigureAwait(false);

    /// <summary>Replaces the secrets (PUT is a full replace; there is no PATCH).</summary>
    /// <param name="app">The app.</param>
    /// <param name="body">The PUT body; cleared once sent.</param>
    /// <param name="written">The pairs written, the token masked: what Graph shows from now on.</param>
    /// <param name="ct">Cancels the request.</param>
    public static async Task PutSecretsAsync(AppRef app, byte[] body, IReadOnlyList<KeyValuePair<string, string?>> written, CancellationToken ct)
    {
        bool sent = false;
        try
        {
            await OnJobAsync(app, "Saving the credentials of the new job", c => app.Session.Graph.SendBytesCheckedAsync(HttpMethod.Put, $"{Sync(app)}/secrets", body, c), ct).ConfigureAwait(false);
            sent = true;
        }
        finally
        {
            Array.Clear(body);
            Wrote(app, s => sent ? s.WithSecrets(written) : s.Without(AppParts.Secrets));
        }
    }

    /// <summary>Reads the job's schema.</summary>
    public static async Task<JsonObject> GetSchemaAsync(AppRef app, CancellationToken ct)
    {
        JsonNode? schema = await OnJobAsync(app, "Reading the schema of the new job", c => app.Session.Graph.GetAsync($"{Job(app)}/schema", c), ct).ConfigureAwait(false);
        if (schema is not JsonObject o)
        {
            throw new InvalidDataException("Graph returned an empty synchronization schema.");
        }

        o.Remove("@odata.context");
        return o;
    }

    /// <summary>The schema a new <c>scim</c> job would start with (the template's), or null when the app offers no such template.</summary>
    public static async Task<JsonObject?> GetTemplateSchemaAsync(AppRef app, CancellationToken ct)
    {
        JsonNode? templates = await app.Session.Graph.GetAsync($"{Sync(app)}/templates", ct).ConfigureAwait(false);
        JsonObject? scim = (templates?["value"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(t => string.Equals((string?)t["id"], ScimTemplateId, StringComparison.OrdinalIgnoreCase) || string.Equals((string?)t["factoryTag"], ScimTemplateId, StringComparison.OrdinalIgnoreCase));
        if (scim?["schema"] is not JsonObject schema)
        {
            return null;
        }

        var copy = (JsonObject)schema.DeepClone();
        copy.Remove("@odata.context");
        return copy;
    }

    /// <summary>Writes the whole schema with PUT (the service refuses the SDK's PATCH: docs/graph-facts.md).</summary>
    public static async Task PutSchemaAsync(AppRef app, JsonObject schema, CancellationToken ct)
    {
        try
        {
            await OnJobAsync(app, "Writing the schema of the new job", c => app.Session.Graph.SendCheckedAsync(HttpMethod.Put, $"{Job(app)}/schema", schema, c), ct).ConfigureAwait(false);
        }
        finally
        {
            app.Session.Reads.DropSchemaRead(app.ServicePrincipalId);
            Wrote(app, AppParts.Schema);
        }
    }

    /// <summary>
    /// Writes the schema with PUT and reads it back in one round trip: a batch whose GET depends on the PUT (Graph:
    /// "Sequencing requests with the dependsOn property"), so Graph runs it after the PUT, and only when the PUT
    /// succeeded. Returns the schema read back, or null when it must be read the usual way (the GET failed, or the PUT
    /// met a job created moments ago that has not replicated yet, and went the sequential way that waits it out).
    /// </summary>
    /// <exception cref="GraphRequestException">The PUT failed: what the direct call would have thrown.</exception>
    public static async Task<JsonObject?> PutSchemaAndReadAsync(AppRef app, JsonObject schema, CancellationToken ct)
    {
        string path = $"{Job(app)}/schema";
        JsonObject? readBack = null;
        try
        {
            BatchResult[] r = await GraphBatch.SendChainAsync(app.Session.Graph, [new BatchItem(HttpMethod.Put, path, schema), BatchItem.Get(path)], ct).ConfigureAwait(false);
            if (r[0].Answer is not { IsSuccess: true } && IsNewJob(app) && Consistency.IsReplicationLag(r[0].Error()))
            {
                await PutSchemaAsync(app, schema, ct).ConfigureAwait(false);
                return null;
            }

            r[0].Checked();
            readBack = r[1].Answer is { IsSuccess: true, Body: JsonObject read } ? read : null;
            readBack?.Remove("@odata.context");
            return readBack;
        }
        finally
        {
            app.Session.Reads.DropSchemaRead(app.ServicePrincipalId);
            JsonObject? cached = (JsonObject?)readBack?.DeepClone();
            Wrote(app, s => cached is null ? s.Without(AppParts.Schema) : s.WithSchema(cached));
        }
    }

    /// <summary>Reads the job itself (not the list).</summary>
    public static async Task<JsonObject?> GetJobAsync(AppRef app, CancellationToken ct) =>
        await OnJobAsync(app, "Reading the new job", c => app.Session.Graph.GetAsync(Job(app), c), ct).ConfigureAwait(false) as JsonObject;

    /// <summary>Turns provisioning on; the job then is Active (a quarantined or paused one is NotRun until its next cycle).</summary>
    public static Task StartAsync(AppRef app, CancellationToken ct) =>
        WritingAsync(app, s => s.WithJobState("Active", "NotRun"), DateTimeOffset.UtcNow, OnJobAsync(app, "Starting the new job", c => app.Session.Graph.SendBytesCheckedAsync(HttpMethod.Post, $"{Job(app)}/start", null, c), ct));

    /// <summary>Turns provisioning off.</summary>
    public static Task PauseAsync(AppRef app, CancellationToken ct) =>
        WritingAsync(app, s => s.WithJobState("Paused", "Paused"), DateTimeOffset.UtcNow, app.Session.Graph.SendBytesCheckedAsync(HttpMethod.Post, $"{Job(app)}/pause", null, ct));

    /// <summary>Restarts the job, clearing what <paramref name="resetScope"/> names.</summary>
    public static Task RestartAsync(AppRef app, string? resetScope, CancellationToken ct) =>
        WritingAsync(app, s => s.Without(AppParts.Job), DateTimeOffset.UtcNow, app.Session.Graph.SendCheckedAsync(
            HttpMethod.Post,
            $"{Job(app)}/restart",
            new JsonObject { ["criteria"] = resetScope is null ? new JsonObject() : new JsonObject { ["resetScope"] = resetScope } },
            ct));

    /// <summary>Runs on-demand provisioning of one subject (a User or Group object id) under a rule, and returns Graph's answer.</summary>
    public static Task<JsonNode?> ProvisionOnDemandAsync(AppRef app, string? ruleId, string objectId, string objectTypeName, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["parameters"] = new JsonArray(new JsonObject
            {
                ["ruleId"] = ruleId,
                ["subjects"] = new JsonArray(new JsonObject { ["objectId"] = objectId, ["objectTypeName"] = objectTypeName }),
            }),
        };
        return app.Session.Graph.SendCheckedAsync(HttpMethod.Post, $"{Job(app)}/provisionOnDemand", body, ct);
    }

    /// <summary>Awaits a job write; the change is recorded as of <paramref name="sentAt"/>, before the request left (a cycle may begin at once).</summary>
    private static async Task WritingAsync(AppRef app, Func<AppSnapshot, AppSnapshot> accepted, DateTimeOffset sentAt, Task write)
    {
        bool done = false;
        try
        {
            await write.ConfigureAwait(false);
            done = true;
        }
        finally
        {
            Wrote(app, s => done ? accepted(s) : s.Without(AppParts.Job), sentAt);
        }
    }
}
