// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Security;
using System.Text.Json.Nodes;
using PulumiScim.Model;

namespace PulumiScim.Graph;

/// <summary>The synchronization calls of the guide (graph-api.md table rows 4–15), as raw JSON.</summary>
internal static class SyncOperations
{
    /// <summary>The template of a non-gallery SCIM app's job.</summary>
    public const string ScimTemplateId = "scim";

    private static string Sync(ScimApplication app) => $"servicePrincipals/{app.Sp}/synchronization";

    private static string Job(ScimApplication app) =>
        $"{Sync(app)}/jobs/{Uri.EscapeDataString(app.JobId ?? throw new InvalidOperationException("The app has no provisioning job."))}";

    /// <summary>
    /// Creates the <c>scim</c> job, waiting out replication of a just-created app; updates <paramref name="app"/>. After a
    /// broken connection the job list is read back, and the POST is sent again only when no scim job exists.
    /// </summary>
    public static async Task CreateJobAsync(ScimApplication app, CancellationToken ct)
    {
        JsonNode? job = await Consistency.RetryAsync(
            "Creating the provisioning job",
            c => CreateJobOnceAsync(app, c),
            ct).ConfigureAwait(false);
        ApplicationQueries.ApplyJob(app, job as JsonObject);
        app.Session.Created.Add(app.JobId);
    }

    /// <summary>
    /// Runs a call on the job or the synchronization resources it replicates with (secrets, Test Connection), waiting
    /// out replication (404/403/409) only when this session created the job moments ago, and only for what is left of
    /// <see cref="Consistency.DefaultTimeout"/> since then: a new job answers 404 or 403 for a while (the sandbox's
    /// options.replicationDelayMs plays it). Otherwise the first answer stands: a 403 is then a real denial.
    /// </summary>
    internal static Task<T> OnJobAsync<T>(ScimApplication app, string what, Func<CancellationToken, Task<T>> action, CancellationToken ct) =>
        app.Session.Created.Remaining(app.JobId) is { } left ? Consistency.RetryAsync(what, action, ct, left) : action(ct);

    private static bool IsNewJob(ScimApplication app) => app.Session.Created.Remaining(app.JobId) is not null;

    private static async Task<JsonNode?> CreateJobOnceAsync(ScimApplication app, CancellationToken ct)
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

    private static async Task<JsonObject?> FindScimJobAsync(ScimApplication app, CancellationToken ct)
    {
        JsonNode? jobs = await app.Session.Graph.GetAsync($"{Sync(app)}/jobs", ct).ConfigureAwait(false);
        return (jobs?["value"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(j => string.Equals((string?)j["templateId"], ScimTemplateId, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Tests a Tenant URL and token against the SCIM endpoint (Test Connection), without saving anything.</summary>
    /// <returns>null when they work; otherwise Graph's answer.</returns>
    public static async Task<GraphRequestException?> ValidateAsync(ScimApplication app, string baseAddress, SecureString token, CancellationToken ct)
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
    public static Task<GraphRequestException?> ValidateSavedAsync(ScimApplication app, CancellationToken ct) =>
        SendValidationAsync(app, $"{Job(app)}/validateCredentials", new JsonObject { ["useSavedCredentials"] = true }, ct);

    private static async Task<GraphRequestException?> SendValidationAsync(ScimApplication app, string path, JsonObject body, CancellationToken ct)
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

    /// <summary>Replaces the secrets (PUT is a full replace; there is no PATCH).</summary>
    public static async Task PutSecretsAsync(ScimApplication app, byte[] body, CancellationToken ct)
    {
        try
        {
            await OnJobAsync(app, "Saving the credentials of the new job", c => app.Session.Graph.SendBytesCheckedAsync(HttpMethod.Put, $"{Sync(app)}/secrets", body, c), ct).ConfigureAwait(false);
        }
        finally
        {
            Array.Clear(body);
        }
    }

    /// <summary>Reads the job's schema.</summary>
    public static async Task<JsonObject> GetSchemaAsync(ScimApplication app, CancellationToken ct)
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
    public static async Task<JsonObject?> GetTemplateSchemaAsync(ScimApplication app, CancellationToken ct)
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

    /// <summary>Writes the whole schema with PUT (the service refuses the SDK's PATCH: graph-api.md gotcha 1).</summary>
    public static Task PutSchemaAsync(ScimApplication app, JsonObject schema, CancellationToken ct) =>
        OnJobAsync(app, "Writing the schema of the new job", c => app.Session.Graph.SendCheckedAsync(HttpMethod.Put, $"{Job(app)}/schema", schema, c), ct);

    /// <summary>Reads the job into <paramref name="app"/>.</summary>
    public static async Task RefreshJobAsync(ScimApplication app, CancellationToken ct)
    {
        JsonNode? job = await OnJobAsync(app, "Reading the new job", c => app.Session.Graph.GetAsync(Job(app), c), ct).ConfigureAwait(false);
        ApplicationQueries.ApplyJob(app, job as JsonObject);
    }

    public static Task StartAsync(ScimApplication app, CancellationToken ct) =>
        OnJobAsync(app, "Starting the new job", c => app.Session.Graph.SendBytesCheckedAsync(HttpMethod.Post, $"{Job(app)}/start", null, c), ct);

    public static Task PauseAsync(ScimApplication app, CancellationToken ct) =>
        app.Session.Graph.SendBytesCheckedAsync(HttpMethod.Post, $"{Job(app)}/pause", null, ct);

    public static Task RestartAsync(ScimApplication app, string? resetScope, CancellationToken ct) =>
        app.Session.Graph.SendCheckedAsync(
            HttpMethod.Post,
            $"{Job(app)}/restart",
            new JsonObject { ["criteria"] = resetScope is null ? new JsonObject() : new JsonObject { ["resetScope"] = resetScope } },
            ct);
}
