// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Http;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Graph;

/// <summary>
/// <c>/servicePrincipals/{id}/synchronization/*</c>: templates, jobs, secrets, schema, start/pause/restart,
/// validateCredentials and parseExpression (docs/graph-facts.md, "The guide's calls").
/// </summary>
internal static class SynchronizationRoutes
{
    /// <summary>The synchronizationSecret keys (resources/synchronization-synchronizationsecretkeystringvaluepair.md).</summary>
    public static readonly string[] SecretKeys =
    [
        "None", "UserName", "Password", "SecretToken", "AppKey", "BaseAddress", "ClientIdentifier", "ClientSecret",
        "SingleSignOnType", "Sandbox", "Url", "Domain", "ConsumerKey", "ConsumerSecret", "TokenKey", "TokenExpiration",
        "Oauth2AccessToken", "Oauth2AccessTokenCreationTime", "Oauth2RefreshToken", "SyncAll", "InstanceName",
        "Oauth2ClientId", "Oauth2ClientSecret", "CompanyId", "UpdateKeyOnSoftDelete", "SynchronizationSchedule",
        "SystemOfRecord", "SandboxName", "EnforceDomain", "SyncNotificationSettings", "SkipOutOfScopeDeletions",
        "Oauth2AuthorizationCode", "Oauth2RedirectUri", "ApplicationTemplateIdentifier", "Oauth2TokenExchangeUri",
        "Oauth2AuthorizationUri", "AuthenticationType", "Server", "PerformInboundEntitlementGrants", "HardDeletesEnabled",
        "SyncAgentCompatibilityKey", "SyncAgentADContainer", "ValidateDomain", "TestReferences", "ConnectionString",
    ];

    /// <summary>Keys whose values <c>GET .../secrets</c> masks as "*" (docs/graph-facts.md, secrets masking; Terraform azuread reads them back masked).</summary>
    public static readonly string[] MaskedSecretKeys =
    [
        "Password", "SecretToken", "AppKey", "ClientSecret", "ConsumerSecret", "TokenKey", "Oauth2AccessToken",
        "Oauth2RefreshToken", "Oauth2ClientSecret", "Oauth2AuthorizationCode", "ConnectionString",
    ];

    /// <summary>The synchronizationJobRestartCriteria.resetScope flags (resources/synchronization-synchronizationjobrestartcriteria.md).</summary>
    public static readonly string[] ResetScopes = ["None", "ConnectorDataStore", "Escrows", "Watermark", "QuarantineState", "Full", "ForceDeletes"];

    private const string Base = "/servicePrincipals/{id}/synchronization";

    public static void Register(
        Action<string, string, Func<SandboxRequest, SandboxResponse>> map,
        Action<string, string, Func<SandboxRequest, Task<SandboxResponse>>> mapAsync,
        SandboxContext ctx)
    {
        map("GET", Base + "/templates", req => GraphRoutes.WithApp(ctx, req, app => SandboxResponse.Json(200, new JsonObject
        {
            ["@odata.context"] = GraphRoutes.Context(ctx, $"servicePrincipals('{app.ServicePrincipalId}')/synchronization/templates"),
            ["value"] = new JsonArray(ScimTemplate.Template(app.AppId, includeSchema: true)),
        })));
        map("GET", Base + "/templates/{templateId}", req => WithTemplate(ctx, req, app =>
            ScimTemplate.Template(app.AppId, includeSchema: false)));
        map("GET", Base + "/templates/{templateId}/schema", req => WithTemplate(ctx, req, _ =>
            ScimTemplate.DefaultSchema(ScimTemplate.TemplateId + ".00000000000000000000000000000000")));

        map("GET", Base + "/jobs", req => GraphRoutes.WithApp(ctx, req, app => SandboxResponse.Json(200, new JsonObject
        {
            ["@odata.context"] = GraphRoutes.Context(ctx, $"servicePrincipals('{app.ServicePrincipalId}')/synchronization/jobs"),
            ["value"] = new JsonArray(app.Jobs.Where(j => ctx.State.IsVisible(j.Id)).Select(j => (JsonNode)j.Job.DeepClone()).ToArray()),
        })));
        map("POST", Base + "/jobs", req => CreateJob(ctx, req));
        mapAsync("POST", Base + "/jobs/validateCredentials", req => ValidateCredentialsAsync(ctx, req, jobLevel: false));
        map("GET", Base + "/jobs/{jobId}", req => WithJob(ctx, req, (app, job) =>
            SandboxResponse.Json(200, GraphRoutes.WithContext(ctx, job.Job, $"servicePrincipals('{app.ServicePrincipalId}')/synchronization/jobs/$entity"))));
        map("DELETE", Base + "/jobs/{jobId}", req => WithJob(ctx, req, (app, job) =>
        {
            app.Jobs.Remove(job);
            return SandboxResponse.NoContent();
        }));
        mapAsync("POST", Base + "/jobs/{jobId}/validateCredentials", req => ValidateCredentialsAsync(ctx, req, jobLevel: true));
        map("POST", Base + "/jobs/{jobId}/start", req => Start(ctx, req));
        map("POST", Base + "/jobs/{jobId}/pause", req => WithJob(ctx, req, (_, job) =>
        {
            job.Job["schedule"]!["state"] = "Paused";
            job.Job["status"]!["code"] = "Paused";
            return SandboxResponse.NoContent();
        }));
        map("POST", Base + "/jobs/{jobId}/restart", req => Restart(ctx, req));
        mapAsync("POST", Base + "/jobs/{jobId}/provisionOnDemand", req => ctx.ProvisionOnDemandHandler(req));

        map("GET", Base + "/jobs/{jobId}/schema", req => WithJob(ctx, req, (app, job) =>
            SandboxResponse.Json(200, GraphRoutes.WithContext(ctx, job.Schema, $"servicePrincipals('{app.ServicePrincipalId}')/synchronization/jobs('{job.Id}')/schema/$entity"))));
        map("PUT", Base + "/jobs/{jobId}/schema", req => PutSchema(ctx, req));
        map("PATCH", Base + "/jobs/{jobId}/schema", req => GraphError.SyncfabricNoResource(
            $"https://syncfabric.windowsazure.com/api/servicePrincipals('{req.Route("id")}')/synchronization/jobs('{req.Route("jobId")}')/schema?api-version=2.0"));
        map("POST", Base + "/jobs/{jobId}/schema/parseExpression", req => ParseExpression(ctx, req));

        map("PUT", Base + "/secrets", req => PutSecrets(ctx, req));
        map("GET", Base + "/secrets", req => WithSynchronization(ctx, req, app => SandboxResponse.Json(200, new JsonObject
        {
            ["@odata.context"] = GraphRoutes.Context(ctx, $"servicePrincipals('{app.ServicePrincipalId}')/synchronization/secrets"),
            ["value"] = new JsonArray(app.Secrets.Select(s => (JsonNode)MaskSecret(s)).ToArray()),
        })));
    }

    /// <summary>
    /// Runs <paramref name="handler"/> on the app <c>{id}</c> unless a job of it is still replicating: then the
    /// service principal's synchronization secrets answer 403 with Graph's
    /// Authorization_RequestDenied body until Entra has replicated the job (Graph: "Configure SAML-based single sign-on
    /// for your application using the Microsoft Graph API" asks to allow time for new objects to replicate; Terraform's
    /// azuread provider retries 403 and 409 on every synchronization call after creating a job). How long:
    /// options.replicationDelayMs. Which code each route answers is a strictness decision (docs/sandbox.md).
    /// </summary>
    private static SandboxResponse WithSynchronization(SandboxContext ctx, SandboxRequest req, Func<AppState, SandboxResponse> handler) =>
        GraphRoutes.WithApp(ctx, req, app => app.Jobs.Any(j => !ctx.State.IsVisible(j.Id))
            ? GraphError.Create(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
            : handler(app));

    /// <summary>The saved value of a secret key, or null.</summary>
    public static string? SavedSecret(AppState app, string key) =>
        app.Secrets.Where(s => string.Equals((string?)s["key"], key, StringComparison.OrdinalIgnoreCase)).Select(s => (string?)s["value"]).LastOrDefault();

    private static JsonObject MaskSecret(JsonObject secret)
    {
        var copy = (JsonObject)secret.DeepClone();
        if (MaskedSecretKeys.Contains((string?)secret["key"], StringComparer.OrdinalIgnoreCase))
        {
            copy["value"] = "*";
        }

        return copy;
    }

    private static SandboxResponse WithTemplate(SandboxContext ctx, SandboxRequest req, Func<AppState, JsonObject> build) =>
        GraphRoutes.WithApp(ctx, req, app =>
        {
            string templateId = req.Route("templateId");
            return string.Equals(templateId, ScimTemplate.TemplateId, StringComparison.Ordinal)
                ? SandboxResponse.Json(200, build(app))
                : GraphError.NotFound(templateId);
        });

    /// <summary>Runs <paramref name="handler"/> under the lock on the visible job <c>{jobId}</c> of the app <c>{id}</c>, or answers 404.</summary>
    private static SandboxResponse WithJob(SandboxContext ctx, SandboxRequest req, Func<AppState, JobState, SandboxResponse> handler) =>
        GraphRoutes.WithApp(ctx, req, app =>
        {
            string jobId = req.Route("jobId");
            JobState? job = app.Jobs.FirstOrDefault(j => string.Equals(j.Id, jobId, StringComparison.OrdinalIgnoreCase));
            return job is null || !ctx.State.IsVisible(job.Id) ? GraphError.NotFound(jobId) : handler(app, job);
        });

    private static SandboxResponse CreateJob(SandboxContext ctx, SandboxRequest req)
    {
        JsonObject? body = GraphRoutes.BodyObject(req, out SandboxResponse? error);
        if (body is null)
        {
            return error!;
        }

        string? templateId = GraphRoutes.String(body, "templateId");
        if (string.IsNullOrEmpty(templateId))
        {
            return GraphError.BadRequest("The property 'templateId' is required to create a synchronization job.", "BadRequest");
        }

        return GraphRoutes.WithApp(ctx, req, app =>
        {
            if (!string.Equals(templateId, ScimTemplate.TemplateId, StringComparison.Ordinal))
            {
                return GraphError.BadRequest($"The synchronization template '{templateId}' does not exist for this application. List the templates to see which exist.", "BadRequest");
            }

            if (app.Jobs.Any(j => string.Equals((string?)j.Job["templateId"], templateId, StringComparison.Ordinal)))
            {
                return GraphError.Create(409, "Conflict", $"A synchronization job with template '{templateId}' already exists for this service principal.");
            }

            JobState job = SeedLoader.NewJob(ctx.State, app, new JsonObject { ["templateId"] = templateId });
            app.Jobs.Add(job);
            ctx.State.MarkCreated(job.Id);
            return SandboxResponse.Json(201, GraphRoutes.WithContext(ctx, job.Job, $"servicePrincipals('{app.ServicePrincipalId}')/synchronization/jobs/$entity"));
        });
    }

    private static SandboxResponse Start(SandboxContext ctx, SandboxRequest req) => ChangeJob(ctx, req, job =>
    {
        job.Job["schedule"]!["state"] = "Active";
        JsonObject status = job.Job["status"]!.AsObject();
        status["code"] = "NotRun";
        status["quarantine"] = null; // start clears quarantine (synchronization-synchronizationjob-start.md)
    }, ctx.OnJobStarted);

    /// <summary>
    /// Changes the visible job <c>{jobId}</c> under the state lock, then (outside the lock, so the engine may take it)
    /// tells <paramref name="changed"/> about it; a job that is not there answers 404 and calls nothing.
    /// </summary>
    private static SandboxResponse ChangeJob(SandboxContext ctx, SandboxRequest req, Action<JobState> change, Action<AppState, JobState> changed)
    {
        (AppState App, JobState Job)? done = null;
        SandboxResponse response = WithJob(ctx, req, (app, job) =>
        {
            change(job);
            done = (app, job);
            return SandboxResponse.NoContent();
        });
        if (done is { } d)
        {
            changed(d.App, d.Job);
        }

        return response;
    }

    private static SandboxResponse Restart(SandboxContext ctx, SandboxRequest req)
    {
        string? resetScope = null;
        if (req.Body.Length > 0)
        {
            JsonObject? body = GraphRoutes.BodyObject(req, out SandboxResponse? error);
            if (body is null)
            {
                return error!;
            }

            if (body["criteria"] is JsonObject criteria)
            {
                if (criteria["resetScope"] is JsonNode scopeNode)
                {
                    resetScope = scopeNode is JsonValue v && v.TryGetValue(out string? s) ? s : null;
                    if (resetScope is null)
                    {
                        return GraphError.BadRequest("criteria.resetScope must be a string of comma-separated flags.", "BadRequest");
                    }
                }
            }
            else if (body["criteria"] is not null)
            {
                return GraphError.BadRequest("criteria must be a synchronizationJobRestartCriteria object.", "BadRequest");
            }
        }

        var flags = (resetScope ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string flag in flags)
        {
            if (!ResetScopes.Contains(flag, StringComparer.OrdinalIgnoreCase))
            {
                return GraphError.BadRequest($"The value '{flag}' is not valid for resetScope. Valid values: {string.Join(", ", ResetScopes)}.", "BadRequest");
            }
        }

        return ChangeJob(ctx, req, job =>
        {
            job.Job["schedule"]!["state"] = "Active";
            JsonObject status = job.Job["status"]!.AsObject();
            if (flags.Length == 0 || flags.Any(f => f.Equals("QuarantineState", StringComparison.OrdinalIgnoreCase) || f.Equals("Full", StringComparison.OrdinalIgnoreCase)))
            {
                status["quarantine"] = null;
            }

            // A quarantine the reset scope leaves in place keeps the job in quarantine.
            status["code"] = status["quarantine"] is JsonObject ? "Quarantine" : "NotRun";

            if (flags.Any(f => f.Equals("Escrows", StringComparison.OrdinalIgnoreCase) || f.Equals("Full", StringComparison.OrdinalIgnoreCase)))
            {
                status["escrowsPruned"] = true;
            }

            job.LastResetScope = string.Join(", ", flags);
        }, ctx.OnJobRestarted);
    }

    private static SandboxResponse PutSchema(SandboxContext ctx, SandboxRequest req)
    {
        if (req.TryJson() is not JsonObject schema)
        {
            return GraphError.BadRequest("The request body must be a synchronizationSchema JSON object.", "BadRequest");
        }

        string? invalid = SchemaValidator.Validate(schema);
        return WithJob(ctx, req, (_, job) =>
        {
            if (invalid is not null)
            {
                return GraphError.BadRequest(invalid, "BadRequest");
            }

            if (req.DropWrite)
            {
                // Fault dropSchemaWrite: Graph's 204 with the old schema kept (stricter than a write that shows late).
                return SandboxResponse.NoContent();
            }

            // Full replace, stored as sent: unknown properties survive (Update synchronizationSchema doc).
            schema.Remove("@odata.context");
            job.Schema = schema;
            return SandboxResponse.NoContent();
        });
    }

    private static SandboxResponse ParseExpression(SandboxContext ctx, SandboxRequest req)
    {
        JsonObject? body = GraphRoutes.BodyObject(req, out SandboxResponse? error);
        if (body is null)
        {
            return error!;
        }

        SandboxResponse? notFound = WithJob(ctx, req, (_, _) => SandboxResponse.NoContent());
        if (notFound.Status != 204)
        {
            return notFound;
        }

        JsonObject result;
        try
        {
            result = Engine.Expressions.ParseExpressionService.Handle(body);
        }
        catch (ArgumentException ex)
        {
            return GraphError.BadRequest(ex.Message, "BadRequest");
        }

        return SandboxResponse.Json(200, GraphRoutes.WithContext(ctx, result, "microsoft.graph.parseExpressionResponse"));
    }

    private static SandboxResponse PutSecrets(SandboxContext ctx, SandboxRequest req)
    {
        JsonObject? body = GraphRoutes.BodyObject(req, out SandboxResponse? error);
        if (body is null)
        {
            return error!;
        }

        if (body["value"] is not JsonArray values)
        {
            return GraphError.BadRequest("The body must be { \"value\": [ { \"key\": ..., \"value\": ... } ] }.", "BadRequest");
        }

        var secrets = new List<JsonObject>();
        foreach (JsonNode? node in values)
        {
            string? key = node is JsonObject o ? GraphRoutes.String(o, "key") : null;
            string? canonical = SecretKeys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
            if (canonical is null)
            {
                return GraphError.BadRequest($"'{key}' is not a valid synchronizationSecret key.", "BadRequest");
            }

            JsonNode? value = node!["value"];
            if (value is not null && (value is not JsonValue v || !v.TryGetValue(out string? _)))
            {
                return GraphError.BadRequest($"The value of secret '{canonical}' must be a string.", "BadRequest");
            }

            secrets.Add(new JsonObject { ["key"] = canonical, ["value"] = value?.DeepClone() });
        }

        return WithSynchronization(ctx, req, app =>
        {
            app.Secrets.Clear();
            app.Secrets.AddRange(secrets);
            return SandboxResponse.NoContent();
        });
    }

    private static async Task<SandboxResponse> ValidateCredentialsAsync(SandboxContext ctx, SandboxRequest req, bool jobLevel)
    {
        JsonObject? body = GraphRoutes.BodyObject(req, out SandboxResponse? error);
        if (body is null)
        {
            return error!;
        }

        bool useSaved = body["useSavedCredentials"] is JsonValue u && u.TryGetValue(out bool b) && b;
        string? templateId = GraphRoutes.String(body, "templateId");
        if (!jobLevel && templateId is not null && !string.Equals(templateId, ScimTemplate.TemplateId, StringComparison.Ordinal))
        {
            return GraphError.BadRequest($"The synchronization template '{templateId}' does not exist for this application.", "BadRequest");
        }

        string? baseAddress = null;
        string? token = null;
        SandboxResponse located = jobLevel
            ? WithJob(ctx, req, (app, _) => ReadSaved(app))
            : GraphRoutes.WithApp(ctx, req, ReadSaved);
        if (located.Status != 204)
        {
            return located;
        }

        if (!useSaved)
        {
            if (body["credentials"] is not JsonArray credentials)
            {
                return GraphError.BadRequest("credentials are required when useSavedCredentials is false.", "BadRequest");
            }

            baseAddress = null;
            token = null;
            foreach (JsonObject c in credentials.OfType<JsonObject>())
            {
                string? key = GraphRoutes.String(c, "key");
                if (string.Equals(key, "BaseAddress", StringComparison.OrdinalIgnoreCase))
                {
                    baseAddress = GraphRoutes.String(c, "value");
                }
                else if (string.Equals(key, "SecretToken", StringComparison.OrdinalIgnoreCase))
                {
                    token = GraphRoutes.String(c, "value");
                }
            }
        }

        return await CredentialValidator.ValidateAsync(ctx, baseAddress, token).ConfigureAwait(false);

        SandboxResponse ReadSaved(AppState app)
        {
            baseAddress = SavedSecret(app, "BaseAddress");
            token = SavedSecret(app, "SecretToken");
            return SandboxResponse.NoContent();
        }
    }
}
