// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Graph;
using PulumiScim.Sandbox.Http;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Engine.Provisioning;

/// <summary>
/// <c>POST /servicePrincipals/{id}/synchronization/jobs/{jobId}/provisionOnDemand</c>
/// (api-reference/v1.0/api/synchronization-synchronizationjob-provisionondemand.md): provisions one user, or one group
/// with the members the request links, right away, with the cycle's logic; answers 200 with a stringKeyStringValuePair
/// whose key and value are JSON documents in strings. "The rate limit for this API is 5 requests per 10 seconds."
/// The job need not be started (the cross-tenant tutorial provisions on demand before it starts the job).
/// </summary>
internal sealed class ProvisionOnDemandService
{
    /// <summary>provisionOnDemand of a group provisions at most this many linked members (the portal's limit).</summary>
    public const int MaxGroupMembers = 5;

    private readonly ProvisioningEngine _engine;
    private readonly Dictionary<string, SlidingWindowLimiter> _limiters = new(StringComparer.OrdinalIgnoreCase);

    public ProvisionOnDemandService(ProvisioningEngine engine) => _engine = engine;

    public async Task<SandboxResponse> HandleAsync(SandboxRequest req)
    {
        string spId = req.Route("id");
        SlidingWindowLimiter limiter;
        lock (_limiters)
        {
            if (!_limiters.TryGetValue(spId, out limiter!))
            {
                limiter = new SlidingWindowLimiter(5, TimeSpan.FromSeconds(10));
                _limiters[spId] = limiter;
            }
        }

        if (limiter.TryAcquire() is TimeSpan wait)
        {
            return GraphError.TooManyRequests(Math.Max(0.001, wait.TotalSeconds));
        }

        JsonObject? body = GraphRoutes.BodyObject(req, out SandboxResponse? error);
        if (body is null)
        {
            return error!;
        }

        if (body["parameters"] is not JsonArray parameters || parameters.Count == 0 || parameters[0] is not JsonObject parameter)
        {
            return GraphError.BadRequest("The request must have 'parameters': a synchronizationJobApplicationParameters collection with one item.", "BadRequest");
        }

        if (parameters.Count > 1 || parameter["subjects"] is not JsonArray subjects || subjects.Count != 1 || subjects[0] is not JsonObject subject)
        {
            return GraphError.BadRequest("provisionOnDemand provisions one subject: 'parameters' must hold one item whose 'subjects' holds one synchronizationJobSubject.", "BadRequest");
        }

        string? ruleId = GraphRoutes.String(parameter, "ruleId");
        string? objectId = GraphRoutes.String(subject, "objectId");
        string? typeName = GraphRoutes.String(subject, "objectTypeName");
        if (string.IsNullOrEmpty(ruleId) || string.IsNullOrEmpty(objectId) || string.IsNullOrEmpty(typeName))
        {
            return GraphError.BadRequest("Each parameter needs a 'ruleId', and its subject an 'objectId' and an 'objectTypeName'.", "BadRequest");
        }

        bool isGroup = string.Equals(typeName, "Group", StringComparison.OrdinalIgnoreCase);
        if (!isGroup && !string.Equals(typeName, "User", StringComparison.OrdinalIgnoreCase))
        {
            return GraphError.BadRequest($"The objectTypeName '{typeName}' is not provisioned by this job; use 'User' or 'Group'.", "BadRequest");
        }

        var memberIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonObject member in ((subject["links"] as JsonObject)?["members"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (GraphRoutes.String(member, "objectId") is string memberId)
            {
                memberIds.Add(memberId);
            }
        }

        if (!isGroup && memberIds.Count > 0)
        {
            return GraphError.BadRequest("Only a Group subject can link members.", "BadRequest");
        }

        if (memberIds.Count > MaxGroupMembers)
        {
            return GraphError.BadRequest($"provisionOnDemand of a group links at most {MaxGroupMembers} members.", "BadRequest");
        }

        string jobId = req.Route("jobId");
        AppState? app;
        JobState? job;
        lock (_engine.Context.State.Sync)
        {
            app = _engine.Context.State.FindApp(spId);
            if (app is null || !_engine.Context.State.IsVisible(app.ServicePrincipalId))
            {
                return GraphError.NotFound(spId);
            }

            job = app.Jobs.FirstOrDefault(j => string.Equals(j.Id, jobId, StringComparison.OrdinalIgnoreCase));
            if (job is null || !_engine.Context.State.IsVisible(job.Id))
            {
                return GraphError.NotFound(jobId);
            }

            if (!MappingPlan.RuleIds(job.Schema).Contains(ruleId, StringComparer.OrdinalIgnoreCase))
            {
                return GraphError.BadRequest($"The synchronization rule '{ruleId}' does not exist in the job's schema. Use the id of one of schema.synchronizationRules.", "BadRequest");
            }

            bool exists = isGroup ? _engine.Context.State.FindGroup(objectId) is not null : _engine.Context.State.Users.Any(u => string.Equals((string?)u["id"], objectId, StringComparison.OrdinalIgnoreCase));
            if (!exists)
            {
                return GraphError.NotFound(objectId);
            }
        }

        JobRunner runner = _engine.Find(spId, jobId) ?? throw new InvalidOperationException("The job disappeared.");
        await runner.Gate.WaitAsync(_engine.Stopping).ConfigureAwait(false);
        try
        {
            JsonObject? pair = await ProvisionAsync(app, job, ruleId, objectId, isGroup, memberIds).ConfigureAwait(false);
            return pair is null
                ? GraphError.NotFound(jobId)
                : SandboxResponse.Json(200, GraphRoutes.WithContext(_engine.Context, pair, "microsoft.graph.stringKeyStringValuePair"));
        }
        finally
        {
            runner.Gate.Release();
        }
    }

    private async Task<JsonObject?> ProvisionAsync(AppState app, JobState job, string ruleId, string objectId, bool isGroup, HashSet<string> memberIds)
    {
        JobSnapshot snapshot;
        lock (_engine.Context.State.Sync)
        {
            if (!ProvisioningCycle.IsLive(_engine.Context.State, app, job))
            {
                return null;
            }

            snapshot = JobSnapshot.Take(_engine.Context.State, app, job);
        }

        MappingPlan? plan = MappingPlan.From(snapshot.Schema, ruleId);
        ObjectMappingPlan? mapping = isGroup ? plan?.Groups : plan?.Users;
        string cycleId = Guid.NewGuid().ToString();
        var context = new LogContext(snapshot.TenantId, snapshot.JobId, cycleId, snapshot.ServicePrincipalId, snapshot.ServicePrincipalDisplayName, snapshot.AppId,
            plan?.SourceDirectoryName ?? "Azure Active Directory", plan?.SourceDirectoryId, plan?.TargetDirectoryName ?? "customappsso", plan?.TargetDirectoryId);
        JsonObject source = (isGroup ? snapshot.FindGroup(objectId) : snapshot.FindUser(objectId))!;
        string name = (string?)source["userPrincipalName"] ?? (string?)source["displayName"] ?? objectId;
        string type = isGroup ? "Group" : "User";

        ProvisioningOutcome outcome;
        Uri? baseUri = ScimClient.ParseBaseAddress(snapshot.BaseAddress);
        if (plan is null || mapping is null)
        {
            outcome = Refused(type, objectId, source, name, "urn:ietf:params:scim:schemas:core:2.0:" + type, "ObjectMappingDisabled",
                $"The rule '{ruleId}' has no enabled mapping for {type} objects: enable the {type} object mapping to provision it.");
        }
        else if (baseUri is null || string.IsNullOrEmpty(snapshot.SecretToken))
        {
            outcome = Refused(type, objectId, source, name, mapping.TargetObjectName, CredentialValidator.InvalidCredentialsCode,
                "Please provide a valid tenant URL and secret token for your application.");
        }
        else
        {
            var scim = new ScimClient(_engine.Context.OutboundHttp, baseUri, snapshot.SecretToken, _engine.ScimTimeout, _engine.Stopping);
            var run = new ProvisioningRun(snapshot, plan, scim, _engine.StoreOf(job), cycleId);
            var provisioner = new ObjectProvisioner(run);
            if (isGroup)
            {
                // The linked members first (if in scope), then the group with them.
                if (plan.Users is not null)
                {
                    foreach (string memberId in memberIds)
                    {
                        if (snapshot.FindUser(memberId) is JsonObject member && IsMemberOf(source, memberId))
                        {
                            ProvisioningOutcome m = await provisioner.ProvisionUserAsync(member).ConfigureAwait(false);
                            _engine.Context.AppendProvisioningLog(m.ToSummary(run.LogContext));
                        }
                    }
                }

                outcome = await provisioner.ProvisionGroupAsync(source, memberIds).ConfigureAwait(false);
            }
            else
            {
                outcome = await provisioner.ProvisionUserAsync(source).ConfigureAwait(false);
            }
        }

        _engine.Context.AppendProvisioningLog(outcome.ToSummary(context));
        return outcome.ToOnDemandPair(context);
    }

    private static bool IsMemberOf(JsonObject group, string userId) =>
        (group["members"] as JsonArray ?? []).Select(AttributeMappingPlan.Text).Contains(userId, StringComparer.OrdinalIgnoreCase);

    private static ProvisioningOutcome Refused(string type, string id, JsonObject source, string name, string targetObject, string code, string message)
    {
        var o = new ProvisioningOutcome(type, id, (string?)source["displayName"], name, targetObject);
        o.Step("EntryImport", "import", "failure", message);
        o.Fail(new OutcomeError(code, message, "nonServiceFailure"));
        return o;
    }
}
