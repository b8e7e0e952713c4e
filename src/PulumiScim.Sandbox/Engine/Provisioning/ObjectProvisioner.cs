// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Engine.Expressions;
using PulumiScim.Sandbox.Graph;

namespace PulumiScim.Sandbox.Engine.Provisioning;

/// <summary>What one cycle or on-demand request works with.</summary>
internal sealed class ProvisioningRun
{
    public ProvisioningRun(JobSnapshot snapshot, MappingPlan plan, ScimClient scim, ConnectorDataStore store, string cycleId)
    {
        Snapshot = snapshot;
        Plan = plan;
        Scim = scim;
        Store = store;
        CycleId = cycleId;
        LogContext = new LogContext(
            snapshot.TenantId,
            snapshot.JobId,
            cycleId,
            snapshot.ServicePrincipalId,
            snapshot.ServicePrincipalDisplayName,
            snapshot.AppId,
            plan.SourceDirectoryName,
            plan.SourceDirectoryId,
            plan.TargetDirectoryName,
            plan.TargetDirectoryId);
    }

    public JobSnapshot Snapshot { get; }

    public MappingPlan Plan { get; }

    public ScimClient Scim { get; }

    public ConnectorDataStore Store { get; }

    public string CycleId { get; }

    public LogContext LogContext { get; }
}

/// <summary>
/// Provisions one user or group the way entra-docs app-provisioning/how-provisioning-works.md describes a cycle: import
/// the source object, evaluate scope, match it in the target (by the cached target id, else by the matching attribute),
/// then create it, update only what changed, disable it (active=false) when it is soft-deleted or out of scope, or do
/// nothing. Requests are the ones Entra's SCIM client sends (app-provisioning/use-scim-to-provision-users-and-groups.md):
/// <c>GET /Users?filter=userName eq "…"</c>, <c>POST /Users</c>, <c>PATCH /Users/{id}</c> with PatchOp operations, and for
/// groups <c>POST /Groups</c> followed by <c>PATCH</c> operations that add or remove members.
/// </summary>
internal sealed class ObjectProvisioner
{
    private const string Scim = "SystemForCrossDomainIdentityManagement";
    private const string PatchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private const string CoreUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string EnterpriseUserSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private const string CoreGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";

    /// <summary>
    /// Entra reads groups without their members ("Get Group" and "Get Group by displayName" requests of the Entra SCIM
    /// tutorial, "Tutorial: Develop and plan provisioning for a SCIM endpoint", carry <c>excludedAttributes=members</c>).
    /// </summary>
    private const string ExcludeMembers = "?excludedAttributes=members";

    private readonly ProvisioningRun _run;

    public ObjectProvisioner(ProvisioningRun run) => _run = run;

    private string SourceName => _run.Plan.SourceDirectoryName;

    private string TargetName => _run.Plan.TargetDirectoryName;

    /// <summary>Provisions one user. The outcome is <see cref="ProvisioningOutcome.Quiet"/> when there was nothing to do.</summary>
    public async Task<ProvisioningOutcome> ProvisionUserAsync(JsonObject user)
    {
        ObjectMappingPlan map = _run.Plan.Users!;
        string id = (string?)user["id"] ?? string.Empty;
        string upn = (string?)user["userPrincipalName"] ?? (string?)user["displayName"] ?? id;
        var o = new ProvisioningOutcome("User", id, (string?)user["displayName"], upn, map.TargetObjectName);

        bool assigned = _run.Snapshot.IsUserInScope(id);
        bool enabled = user["accountEnabled"] is not JsonValue e || !e.TryGetValue(out bool on) || on;
        bool deleted = user["deletedDateTime"] is JsonValue;

        // "A user is soft-deleted in Microsoft Entra ID (sent to the recycle bin / AccountEnabled property set to false)",
        // unassigned, or out of scope: IsSoftDeleted is true and the active mapping yields False (how-provisioning-works.md).
        bool softDeleted = !assigned || !enabled || deleted;
        LinkedObject? link = _run.Store.Find(id);
        IReadOnlyList<string> roles = _run.Snapshot.RolesOf(id);
        ExpressionSource source = ExpressionSource.FromGraphObject(user, softDeleted, new Dictionary<string, object?>
        {
            ["appRoleAssignments"] = roles.Count == 0 ? null : roles.Count == 1 ? roles[0] : roles,
        });

        o.Step("EntryImport", "import", "success", $"Retrieved User '{upn}' from {SourceName}",
            AttributeFlow.ImportDetails(map, source, ["objectId", "accountEnabled", "displayName", "mailNickname", "userPrincipalName", "IsSoftDeleted", "appRoleAssignments"]));
        var scoping = new JsonObject
        {
            ["IsActive"] = enabled && !deleted ? "True" : "False",
            ["Assigned"] = assigned ? "True" : "False",
            ["IsEffectivelyEntitledForProvisioning"] = assigned ? "True" : "False",
            ["ScopeEvaluationResult"] = "{}",
        };
        if (!assigned && link is null)
        {
            o.Step("EntrySynchronizationScoping", "scoping", "skipped", "Determine if User in scope by evaluating against each scoping filter", scoping);
            o.Skip("NotEffectivelyEntitled", $"User '{upn}' is not assigned to the application and was never provisioned to {TargetName}.", quiet: true);
            return o;
        }

        if (!assigned && _run.Snapshot.SkipOutOfScopeDeletions)
        {
            o.Step("EntrySynchronizationScoping", "scoping", "skipped", "Determine if User in scope by evaluating against each scoping filter", scoping);
            o.Skip("SkipOutOfScopeDeletions", $"User '{upn}' went out of scope; SkipOutOfScopeDeletions is set, so it is left as it is in {TargetName}.", quiet: true);
            return o;
        }

        o.Step("EntrySynchronizationScoping", "scoping", "success", "Determine if User in scope by evaluating against each scoping filter", scoping);

        List<FlowValue> flows;
        try
        {
            flows = AttributeFlow.Evaluate(map, source);
        }
        catch (ProvisioningException ex)
        {
            return FailProcessing(o, ex, "EntrySynchronizationError");
        }

        flows = ResolveReferences(flows);
        (JsonObject? target, ProvisioningOutcome? done) = await MatchAsync(o, map, flows, link, "User", upn).ConfigureAwait(false);
        if (done is not null)
        {
            return done;
        }

        if (target is null)
        {
            o.Step("EntryImport", "matching", "success", $"No User matching '{upn}' was found in {TargetName}");
            return await CreateUserAsync(o, map, flows, upn, softDeleted).ConfigureAwait(false);
        }

        string targetId = (string?)target["id"] ?? string.Empty;
        o.TargetId = targetId;
        o.TargetDisplayName = (string?)target["userName"];
        o.Step("EntryImport", "matching", "success", $"Retrieved '{upn}' from {TargetName}", TargetDetails(target, map));
        link ??= _run.Store.Link(id, "User", targetId);
        return await UpdateUserAsync(o, map, flows, target, link, upn, softDeleted).ConfigureAwait(false);
    }

    /// <summary>
    /// Provisions one group (a Pulumi team): created or matched by its matching attribute (displayName), then its
    /// members set to the target ids of the members this job has provisioned. "When a group is in scope and a member is
    /// out of scope, the group will be provisioned. The out-of-scope user won't be provisioned" (known-issues.md).
    /// </summary>
    /// <param name="group">The Entra group.</param>
    /// <param name="memberFilter">For provisionOnDemand: only these members are added; null for a cycle.</param>
    public async Task<ProvisioningOutcome> ProvisionGroupAsync(JsonObject group, IReadOnlySet<string>? memberFilter = null)
    {
        ObjectMappingPlan map = _run.Plan.Groups!;
        string id = (string?)group["id"] ?? string.Empty;
        string name = (string?)group["displayName"] ?? id;
        var o = new ProvisioningOutcome("Group", id, name, name, map.TargetObjectName);
        bool inScope = _run.Snapshot.IsGroupInScope(id);
        LinkedObject? link = _run.Store.Find(id);
        ExpressionSource source = ExpressionSource.FromGraphObject(group, !inScope);
        o.Step("EntryImport", "import", "success", $"Retrieved Group '{name}' from {SourceName}", AttributeFlow.ImportDetails(map, source, ["objectId", "IsSoftDeleted"]));
        var scoping = new JsonObject
        {
            ["Assigned"] = inScope ? "True" : "False",
            ["IsEffectivelyEntitledForProvisioning"] = inScope ? "True" : "False",
            ["ScopeEvaluationResult"] = "{}",
        };

        if (!inScope)
        {
            if (link is null || _run.Snapshot.SkipOutOfScopeDeletions)
            {
                o.Step("EntrySynchronizationScoping", "scoping", "skipped", "Determine if Group in scope by evaluating against each scoping filter", scoping);
                o.Skip("NotEffectivelyEntitled", $"Group '{name}' is not assigned to the application.", quiet: true);
                return o;
            }

            // A group that leaves the scope is deleted in the target: for Pulumi, "Deleting a group deletes the team".
            o.Step("EntrySynchronizationScoping", "scoping", "success", "Determine if Group in scope by evaluating against each scoping filter", scoping);
            o.TargetId = link.TargetId;
            o.TargetDisplayName = name;
            o.Step("EntrySynchronizationDelete", "processing", "success", $"Group '{name}' will be deleted in {TargetName} (Group is no longer assigned in {SourceName})");
            o.ExportAttempted = true;
            ScimResult deleted = await _run.Scim.SendAsync(HttpMethod.Delete, "/Groups/" + Uri.EscapeDataString(link.TargetId)).ConfigureAwait(false);
            if (deleted.IsSuccess || deleted.Status == 404)
            {
                _run.Store.Unlink(id);
                _run.Store.RecordSuccess(id);
                o.Step("EntryExportDelete", "export", "success", $"Group '{name}' was deleted in {TargetName}");
                o.Succeed("delete");
                return o;
            }

            return FailScim(o, deleted, "delete", "EntryExportDelete", "export", $"Failed to delete Group '{name}' in {TargetName}", collection: false);
        }

        o.Step("EntrySynchronizationScoping", "scoping", "success", "Determine if Group in scope by evaluating against each scoping filter", scoping);
        List<FlowValue> flows;
        try
        {
            flows = AttributeFlow.Evaluate(map, source);
        }
        catch (ProvisioningException ex)
        {
            return FailProcessing(o, ex, "EntrySynchronizationError");
        }

        // Reference attributes (members) flow as the target ids of provisioned objects; the rest as values.
        List<FlowValue> references = flows.Where(f => f.Mapping.IsReference).ToList();
        flows = flows.Where(f => !f.Mapping.IsReference).ToList();
        var desiredMembers = new List<string>();
        foreach (FlowValue reference in references)
        {
            foreach (string memberId in reference.Value.Values)
            {
                if (memberFilter is not null && !memberFilter.Contains(memberId))
                {
                    continue;
                }

                if (_run.Store.Find(memberId) is { ObjectType: "User" } member && !desiredMembers.Contains(member.TargetId, StringComparer.OrdinalIgnoreCase))
                {
                    desiredMembers.Add(member.TargetId);
                }
            }
        }

        (JsonObject? target, ProvisioningOutcome? done) = await MatchAsync(o, map, flows, link, "Group", name).ConfigureAwait(false);
        if (done is not null)
        {
            return done;
        }

        if (target is null)
        {
            o.Step("EntryImport", "matching", "success", $"No Group matching '{name}' was found in {TargetName}");
            return await CreateGroupAsync(o, map, flows, desiredMembers, name).ConfigureAwait(false);
        }

        string targetId = (string?)target["id"] ?? string.Empty;
        o.TargetId = targetId;
        o.TargetDisplayName = (string?)target["displayName"];
        o.Step("EntryImport", "matching", "success", $"Retrieved '{name}' from {TargetName}", new JsonObject { ["id"] = targetId, ["displayName"] = (string?)target["displayName"] });
        link ??= _run.Store.Link(id, "Group", targetId);
        return await UpdateGroupAsync(o, flows, desiredMembers, target, link, name, removeMembers: memberFilter is null).ConfigureAwait(false);
    }

    /// <summary>
    /// Finds the object in the target, as Entra's matching step does: by the target id the job cached for it, else by
    /// its matching attribute (<c>GET /Users?filter=userName eq "…"</c>; groups are read without their members).
    /// Returns the target (null when none matches), or the outcome when matching ended the object's turn (an anchor
    /// that is gone, a failed request, no matching value, more than one match).
    /// </summary>
    private async Task<(JsonObject? Target, ProvisioningOutcome? Done)> MatchAsync(
        ProvisioningOutcome o, ObjectMappingPlan map, List<FlowValue> flows, LinkedObject? link, string type, string name)
    {
        string collection = "/" + type + "s";
        string read = type == "Group" ? ExcludeMembers : string.Empty;
        if (link is not null)
        {
            ScimResult found = await _run.Scim.SendAsync(HttpMethod.Get, collection + "/" + Uri.EscapeDataString(link.TargetId) + read).ConfigureAwait(false);
            if (found.Status == 404)
            {
                return (null, FailAnchor(o, link, type, name));
            }

            return !found.IsSuccess || found.Body is not JsonObject existing
                ? (null, FailScim(o, found, "other", "EntryImport", "matching", $"Failed to retrieve {type} '{name}' from {TargetName}", collection: false))
                : (existing, null);
        }

        FlowValue? match = map.Matching is null ? null : flows.FirstOrDefault(f => ReferenceEquals(f.Mapping, map.Matching));
        if (match?.Text is not string matchValue)
        {
            // ImportSkipped: "the user who's being imported is missing the matching property defined in your attribute
            // mappings" (monitoring-health/howto-analyze-provisioning-logs.md).
            string attribute = map.Matching?.SourceText ?? "(no matching attribute)";
            o.Step("EntryImport", "matching", "skipped", $"{type} '{name}' has no value for the matching attribute {attribute}");
            o.Skip("ImportSkipped", $"{type} '{name}' has no value for the matching attribute {attribute}.", quiet: false,
                new OutcomeError("ImportSkipped", $"The {type.ToLowerInvariant()} has no value for the matching property {attribute} (mapped to {map.Matching?.TargetAttributeName}), so it cannot be matched in {TargetName}.", "nonServiceFailure"));
            return (null, o);
        }

        string filter = $"{map.Matching!.TargetAttributeName} eq {ScimClient.Quote(matchValue)}";
        ScimResult query = await _run.Scim.SendAsync(HttpMethod.Get, collection + (read.Length == 0 ? "?" : read + "&") + "filter=" + Uri.EscapeDataString(filter)).ConfigureAwait(false);
        if (!query.IsSuccess)
        {
            return (null, FailScim(o, query, "other", "EntryImport", "matching", $"Failed to query {TargetName} for {type} '{name}'", collection: true));
        }

        List<JsonObject> resources = (query.Body?["Resources"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        return resources.Count > 1 ? (null, FailMultiple(o, type, name, resources.Count)) : (resources.FirstOrDefault(), null);
    }

    private async Task<ProvisioningOutcome> CreateUserAsync(ProvisioningOutcome o, ObjectMappingPlan map, List<FlowValue> flows, string upn, bool softDeleted)
    {
        o.Action = "create";
        JsonObject resource;
        try
        {
            CheckRequired(map, flows);
            resource = BuildResource(flows, ScimPathSchemas(flows, CoreUserSchema, map.TargetObjectName), "User");
        }
        catch (ProvisioningException ex)
        {
            AddModified(o, flows);
            return FailProcessing(o, ex, "EntrySynchronizationAdd");
        }

        string state = softDeleted ? "inactive" : "active";
        o.Step("EntrySynchronizationAdd", "processing", "success",
            $"User '{upn}' will be created in {TargetName} (User is {state} and assigned in {SourceName}, but no matching User was found in {TargetName})");
        AddModified(o, flows);
        o.ExportAttempted = true;
        ScimResult created = await _run.Scim.SendAsync(HttpMethod.Post, "/Users", resource).ConfigureAwait(false);
        if (!created.IsSuccess || (string?)created.Body?["id"] is not string targetId)
        {
            return FailScim(o, created, "create", "EntryExportAdd", "export", $"Failed to create User '{upn}' in {TargetName}", collection: false);
        }

        o.TargetId = targetId;
        o.TargetDisplayName = (string?)created.Body?["userName"];
        LinkedObject link = _run.Store.Link(o.SourceId, "User", targetId);
        foreach (FlowValue f in flows)
        {
            link.Exported[f.Path] = f.Text;
        }

        _run.Store.RecordSuccess(o.SourceId);
        o.Step("EntryExportAdd", "export", "success", $"User '{upn}' was created in {TargetName}", new JsonObject { ["ReportableIdentifier"] = upn });
        o.Succeed("create");
        return o;
    }

    private async Task<ProvisioningOutcome> UpdateUserAsync(
        ProvisioningOutcome o, ObjectMappingPlan map, List<FlowValue> flows, JsonObject target, LinkedObject link, string upn, bool softDeleted)
    {
        var changes = new List<(FlowValue Flow, string? Old)>();
        foreach (FlowValue f in flows)
        {
            // "Only during object creation" (ObjectAddOnly) mappings never flow on update.
            if (f.Mapping.IsAddOnly)
            {
                continue;
            }

            string? current = ScimPath.Text(ScimPath.Get(target, f.Path));
            if (string.Equals(f.Mapping.FlowType, "AttributeAddOnly", StringComparison.OrdinalIgnoreCase) && current is not null)
            {
                continue;
            }

            // The target may not return an attribute it accepted (Pulumi never stores externalId): then what was last
            // exported stands for the target's value.
            current ??= link.Exported.TryGetValue(f.Path, out string? exported) ? exported : null;
            if (!ScimPath.SameValue(f.Mapping, f.Text, current))
            {
                changes.Add((f, current));
            }
        }

        if (changes.Count == 0)
        {
            o.Step("EntrySynchronizationSkip", "export", "skipped",
                $"The state of the user in both the source and target systems already match. No change to the User '{upn}' currently needs to be made.",
                new JsonObject { ["SkipReason"] = "RedundantExport" });
            o.Skip("RedundantExport", "The state of the user in both the source and target systems already match.", quiet: true);
            return o;
        }

        bool disabling = changes.Any(c => string.Equals(c.Flow.Path, "active", StringComparison.OrdinalIgnoreCase)
            && string.Equals(c.Flow.Text, "False", StringComparison.OrdinalIgnoreCase));
        o.Action = disabling ? "disable" : "update";
        var operations = new JsonArray();
        try
        {
            foreach ((FlowValue f, string? old) in changes)
            {
                operations.Add(new JsonObject { ["op"] = old is null ? "Add" : "Replace", ["path"] = f.Path, ["value"] = ScimPath.ToJson(f.Mapping, f.Value) });
                o.Modified.Add(new ModifiedProperty(f.Path, old, f.Text));
            }
        }
        catch (ProvisioningException ex)
        {
            return FailProcessing(o, ex, "EntrySynchronizationUpdate");
        }

        string why = disabling
            ? $"User is {(softDeleted ? "soft-deleted, disabled or no longer assigned" : "inactive")} in {SourceName}"
            : $"User is active and assigned in {SourceName}, and the attributes differ in {TargetName}";
        o.Step(disabling ? "EntrySynchronizationSoftDelete" : "EntrySynchronizationUpdate", "processing", "success",
            $"User '{upn}' will be {(disabling ? "disabled" : "updated")} in {TargetName} ({why})");
        o.ExportAttempted = true;
        ScimResult patched = await _run.Scim.SendAsync(HttpMethod.Patch, "/Users/" + Uri.EscapeDataString(link.TargetId), new JsonObject
        {
            ["schemas"] = new JsonArray(PatchOpSchema),
            ["Operations"] = operations,
        }).ConfigureAwait(false);
        string exportStep = disabling ? "EntryExportUpdateSoftDelete" : "EntryExportUpdate";
        if (!patched.IsSuccess)
        {
            return FailScim(o, patched, o.Action, exportStep, "export", $"Failed to {(disabling ? "disable" : "update")} User '{upn}' in {TargetName}", collection: false);
        }

        foreach ((FlowValue f, _) in changes)
        {
            link.Exported[f.Path] = f.Text;
        }

        _run.Store.RecordSuccess(o.SourceId);
        o.Step(exportStep, "export", "success", $"User '{upn}' was {(disabling ? "disabled" : "updated")} in {TargetName}", new JsonObject { ["ReportableIdentifier"] = upn });
        o.Succeed(o.Action);
        return o;
    }

    private async Task<ProvisioningOutcome> CreateGroupAsync(ProvisioningOutcome o, ObjectMappingPlan map, List<FlowValue> flows, List<string> members, string name)
    {
        o.Action = "create";
        JsonObject resource;
        try
        {
            CheckRequired(map, flows);
            resource = BuildResource(flows, [CoreGroupSchema], "Group");
        }
        catch (ProvisioningException ex)
        {
            AddModified(o, flows);
            return FailProcessing(o, ex, "EntrySynchronizationAdd");
        }

        o.Step("EntrySynchronizationAdd", "processing", "success",
            $"Group '{name}' will be created in {TargetName} (Group is active and assigned in {SourceName}, but no matching Group was found in {TargetName})");
        AddModified(o, flows);
        o.ExportAttempted = true;
        ScimResult created = await _run.Scim.SendAsync(HttpMethod.Post, "/Groups", resource).ConfigureAwait(false);
        if (!created.IsSuccess || (string?)created.Body?["id"] is not string targetId)
        {
            return FailScim(o, created, "create", "EntryExportAdd", "export", $"Failed to create Group '{name}' in {TargetName}", collection: false);
        }

        o.TargetId = targetId;
        o.TargetDisplayName = (string?)created.Body?["displayName"];
        LinkedObject link = _run.Store.Link(o.SourceId, "Group", targetId);
        foreach (FlowValue f in flows)
        {
            link.Exported[f.Path] = f.Text;
        }

        o.Step("EntryExportAdd", "export", "success", $"Group '{name}' was created in {TargetName}", new JsonObject { ["ReportableIdentifier"] = name });
        if (members.Count > 0)
        {
            // Entra creates the group, then adds its members with a PATCH ("Update Group [Add Members]").
            o.Modified.Add(new ModifiedProperty("members", null, string.Join(", ", members)));
            ScimResult added = await _run.Scim.SendAsync(HttpMethod.Patch, "/Groups/" + Uri.EscapeDataString(targetId), MembersPatch(members, [])).ConfigureAwait(false);
            if (!added.IsSuccess)
            {
                return FailScim(o, added, "create", "EntryExportUpdate", "export", $"Failed to add members to Group '{name}' in {TargetName}", collection: false);
            }

            o.Step("EntryExportUpdate", "export", "success", $"{members.Count} member(s) were added to Group '{name}' in {TargetName}");
            link.Members.UnionWith(members);
        }

        _run.Store.RecordSuccess(o.SourceId);
        o.Succeed("create");
        return o;
    }

    private async Task<ProvisioningOutcome> UpdateGroupAsync(
        ProvisioningOutcome o, List<FlowValue> flows, List<string> desired, JsonObject target, LinkedObject link, string name, bool removeMembers)
    {
        var operations = new JsonArray();
        var changed = new List<FlowValue>();
        try
        {
            foreach (FlowValue f in flows)
            {
                if (f.Mapping.IsAddOnly)
                {
                    continue;
                }

                string? now = ScimPath.Text(ScimPath.Get(target, f.Path));
                now ??= link.Exported.TryGetValue(f.Path, out string? exported) ? exported : null;
                if (!ScimPath.SameValue(f.Mapping, f.Text, now))
                {
                    operations.Add(new JsonObject { ["op"] = now is null ? "Add" : "Replace", ["path"] = f.Path, ["value"] = ScimPath.ToJson(f.Mapping, f.Value) });
                    o.Modified.Add(new ModifiedProperty(f.Path, now, f.Text));
                    changed.Add(f);
                }
            }
        }
        catch (ProvisioningException ex)
        {
            return FailProcessing(o, ex, "EntrySynchronizationUpdate");
        }

        // The group was read without its members: what this job added stands for them.
        HashSet<string> current = link.Members;

        // Only members this job provisioned are removed: the service knows nothing of users added to the team in Pulumi.
        // On demand, only the linked members are added and none removed.
        HashSet<string> known = _run.Store.TargetIds("User");
        List<string> add = desired.Where(m => !current.Contains(m)).ToList();
        List<string> remove = removeMembers
            ? current.Where(m => known.Contains(m) && !desired.Contains(m, StringComparer.OrdinalIgnoreCase)).ToList()
            : [];
        if (add.Count > 0)
        {
            operations.Add(new JsonObject { ["op"] = "Add", ["path"] = "members", ["value"] = MemberValues(add) });
            o.Modified.Add(new ModifiedProperty("members", null, string.Join(", ", add)));
        }

        if (remove.Count > 0)
        {
            operations.Add(new JsonObject { ["op"] = "Remove", ["path"] = "members", ["value"] = MemberValues(remove) });
            o.Modified.Add(new ModifiedProperty("members", string.Join(", ", remove), null));
        }

        if (operations.Count == 0)
        {
            o.Step("EntrySynchronizationSkip", "export", "skipped",
                $"The state of the group in both the source and target systems already match. No change to the Group '{name}' currently needs to be made.",
                new JsonObject { ["SkipReason"] = "RedundantExport" });
            o.Skip("RedundantExport", "The state of the group in both the source and target systems already match.", quiet: true);
            return o;
        }

        o.Action = "update";
        o.Step("EntrySynchronizationUpdate", "processing", "success", $"Group '{name}' will be updated in {TargetName}");
        o.ExportAttempted = true;
        ScimResult patched = await _run.Scim.SendAsync(HttpMethod.Patch, "/Groups/" + Uri.EscapeDataString(link.TargetId), new JsonObject
        {
            ["schemas"] = new JsonArray(PatchOpSchema),
            ["Operations"] = operations,
        }).ConfigureAwait(false);
        if (!patched.IsSuccess)
        {
            return FailScim(o, patched, "update", "EntryExportUpdate", "export", $"Failed to update Group '{name}' in {TargetName}", collection: false);
        }

        foreach (FlowValue f in changed)
        {
            link.Exported[f.Path] = f.Text;
        }

        link.Members.UnionWith(add);
        link.Members.ExceptWith(remove);
        _run.Store.RecordSuccess(o.SourceId);
        o.Step("EntryExportUpdate", "export", "success", $"Group '{name}' was updated in {TargetName}", new JsonObject { ["ReportableIdentifier"] = name });
        o.Succeed("update");
        return o;
    }

    /// <summary>
    /// A user's reference attributes (manager) flow as the target id of the referenced object, and only when that object
    /// was provisioned ("we'll provision the user without the manager reference": known-issues.md).
    /// </summary>
    private List<FlowValue> ResolveReferences(List<FlowValue> flows)
    {
        var result = new List<FlowValue>();
        foreach (FlowValue f in flows)
        {
            if (!f.Mapping.IsReference)
            {
                result.Add(f);
                continue;
            }

            List<string> targets = f.Value.Values.Select(v => _run.Store.Find(v)?.TargetId).OfType<string>().ToList();
            if (targets.Count > 0)
            {
                result.Add(new FlowValue(f.Mapping, targets.Count == 1 ? ExpressionValue.From(targets[0]) : ExpressionValue.FromMany(targets)));
            }
        }

        return result;
    }

    /// <summary>
    /// A required target attribute without a value fails the object before any write ("MandatoryFieldsMissing, MissingValues:
    /// The user couldn't be created because required values are missing", howto-analyze-provisioning-logs.md).
    /// </summary>
    private static void CheckRequired(ObjectMappingPlan map, List<FlowValue> flows)
    {
        List<string> missing = map.RequiredTargetAttributes
            .Where(r => !flows.Any(f => string.Equals(f.Path, r, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        if (missing.Count > 0)
        {
            string sources = string.Join(", ", missing.Select(r =>
                map.Attributes.FirstOrDefault(a => string.Equals(a.TargetAttributeName, r, StringComparison.OrdinalIgnoreCase)) is { } m
                    ? $"{r} (mapped from {m.SourceText}, which has no value)"
                    : $"{r} (not mapped)"));
            throw new ProvisioningException("MandatoryFieldsMissing", $"The object cannot be created because required attributes have no value: {sources}.");
        }
    }

    private static List<string> ScimPathSchemas(List<FlowValue> flows, string core, string targetObjectName)
    {
        var schemas = new List<string> { core };
        if (string.Equals(targetObjectName, EnterpriseUserSchema, StringComparison.Ordinal) || flows.Any(f => ScimPath.IsEnterprise(f.Path)))
        {
            schemas.Add(EnterpriseUserSchema);
        }

        return schemas;
    }

    private static JsonObject BuildResource(List<FlowValue> flows, IEnumerable<string> schemas, string resourceType)
    {
        var resource = new JsonObject { ["schemas"] = new JsonArray(schemas.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()) };
        foreach (FlowValue f in flows)
        {
            ScimPath.Set(resource, f.Path, ScimPath.ToJson(f.Mapping, f.Value));
        }

        resource["meta"] = new JsonObject { ["resourceType"] = resourceType };
        return resource;
    }

    private static JsonObject MembersPatch(List<string> add, List<string> remove)
    {
        var operations = new JsonArray();
        if (add.Count > 0)
        {
            operations.Add(new JsonObject { ["op"] = "Add", ["path"] = "members", ["value"] = MemberValues(add) });
        }

        if (remove.Count > 0)
        {
            operations.Add(new JsonObject { ["op"] = "Remove", ["path"] = "members", ["value"] = MemberValues(remove) });
        }

        return new JsonObject { ["schemas"] = new JsonArray(PatchOpSchema), ["Operations"] = operations };
    }

    private static JsonArray MemberValues(IEnumerable<string> ids) =>
        new(ids.Select(id => (JsonNode)new JsonObject { ["value"] = id }).ToArray());

    private static JsonObject TargetDetails(JsonObject target, ObjectMappingPlan map)
    {
        var details = new JsonObject { ["id"] = (string?)target["id"] };
        foreach (AttributeMappingPlan a in map.Attributes)
        {
            if (!a.IsReference)
            {
                details[a.TargetAttributeName] = ScimPath.Text(ScimPath.Get(target, a.TargetAttributeName));
            }
        }

        return details;
    }

    private static void AddModified(ProvisioningOutcome o, List<FlowValue> flows)
    {
        o.Modified.Add(new ModifiedProperty("objectId", null, o.SourceId));
        foreach (FlowValue f in flows.Where(f => !f.Mapping.IsReference))
        {
            o.Modified.Add(new ModifiedProperty(f.Path, null, f.Text));
        }
    }

    private ProvisioningOutcome FailProcessing(ProvisioningOutcome o, ProvisioningException ex, string stepName)
    {
        o.Step(stepName, "processing", "failure", ex.Message);
        _run.Store.RecordFailure(o.SourceId);
        o.Fail(new OutcomeError(ex.Code, ex.Message, "nonServiceFailure",
            ex.Code == "MandatoryFieldsMissing" ? "Give the object a value for each required attribute in the source, or set a default value on the mapping." : null));
        return o;
    }

    private ProvisioningOutcome FailAnchor(ProvisioningOutcome o, LinkedObject link, string type, string name)
    {
        // InvalidAnchor: "A user that was previously created or matched by the provisioning service no longer exists"
        // (howto-analyze-provisioning-logs.md). A restart with resetScope Full breaks the links.
        o.TargetId = link.TargetId;
        o.Step("EntryImport", "matching", "failure", $"{type} '{name}' was provisioned as {link.TargetId}, which no longer exists in {TargetName}");
        _run.Store.RecordFailure(o.SourceId);
        o.Fail(new OutcomeError("InvalidAnchor", $"The {type.ToLowerInvariant()} previously provisioned to {TargetName} as '{link.TargetId}' no longer exists there.", "nonServiceFailure",
            "Restart the job with resetScope Full to match the object again."));
        return o;
    }

    private ProvisioningOutcome FailMultiple(ProvisioningOutcome o, string type, string name, int count)
    {
        o.Step("EntryImport", "matching", "failure", $"{count} {type}s in {TargetName} match '{name}'");
        _run.Store.RecordFailure(o.SourceId);
        o.Fail(new OutcomeError(Scim + "MultipleEntriesInResponse",
            $"A GET request to retrieve the {type.ToLowerInvariant()} '{name}' received {count} {type.ToLowerInvariant()}s in the response; exactly one was expected.", "nonServiceFailure"));
        return o;
    }

    /// <summary>
    /// A failed SCIM request as a log entry. The reason quotes the response the way Entra's SCIM connector does
    /// ("StatusCode: Conflict Message: Processing of the HTTP request resulted in an exception. ... Web Response: {...}.
    /// This operation was retried 0 times. It will be retried again after this date: ... UTC", as in the Microsoft Q&amp;A
    /// thread learn.microsoft.com/answers/questions/1185756), so Pulumi's detail text appears verbatim. Codes follow the
    /// connector-prefixed form of the docs example ("ContosoEntryConflict" for target "Contoso"). A refused token, an
    /// endpoint that does not answer and a 404 on the collection (a wrong Tenant URL) fail the whole cycle, as Entra's
    /// quarantine reasons describe (app-provisioning/application-provisioning-quarantine-status.md).
    /// </summary>
    private ProvisioningOutcome FailScim(ProvisioningOutcome o, ScimResult r, string action, string stepName, string stepType, string description, bool collection)
    {
        o.Action = action;
        int retried = _run.Store.FailureCount(o.SourceId);
        _run.Store.RecordFailure(o.SourceId);
        string next = DateTime.UtcNow.Add(_run.Snapshot.Interval).ToString("o", CultureInfo.InvariantCulture);
        OutcomeError error;
        if (r.NoAnswer)
        {
            string why = r.TimedOut ? "The request timed out." : r.TransportError!;
            string message = "We are not able to connect to your application. Please check that the Tenant URL is correct and reachable. "
                + $"Resource: {r.Url} Operation: {r.Method} Error: {why}";
            error = new OutcomeError(r.TimedOut ? "Timeout" : "WebExceptionProtocolError", message, "failure");
            o.Abort = new CycleError(CredentialValidator.UnavailableCode, message);
        }
        else
        {
            string statusName = Enum.IsDefined(typeof(HttpStatusCode), r.Status) ? ((HttpStatusCode)r.Status).ToString() : r.Status.ToString(CultureInfo.InvariantCulture);
            string reason = $"StatusCode: {statusName} Message: Processing of the HTTP request resulted in an exception. Please see the HTTP response returned by the 'Response' property of this exception for details. "
                + $"Web Response: {r.QuotedBody}. This operation was retried {retried} times. It will be retried again after this date: {next} UTC";
            string code = r.Status switch
            {
                400 => Scim + "BadRequest",
                401 => Scim + "Unauthorized",
                403 => Scim + "Forbidden",
                404 when collection => Scim + "ServiceIncompatible",
                404 => Scim + "NotFound",
                409 => Scim + "EntryConflict",
                429 => Scim + "TooManyRequests",
                >= 500 => Scim + "InternalServerError",
                _ => Scim + "ServiceIncompatible",
            };
            error = new OutcomeError(code, reason, r.Status >= 500 ? "failure" : "nonServiceFailure");
            if (r.Status is 401 or 403)
            {
                o.Abort = new CycleError(CredentialValidator.FailureCode,
                    "You appear to have entered invalid credentials. Please confirm you are using the correct information for an administrative account. "
                    + $"Received response from Web resource. Resource: {r.Url} Operation: {r.Method} Response Status Code: {statusName} Response Content: {r.QuotedBody}");
            }
            else if (r.Status == 404 && collection)
            {
                o.Abort = new CycleError(Scim + "ServiceIncompatible",
                    $"An HTTP/404 Not Found response was returned rather than the expected HTTP/200 OK response. Resource: {r.Url} Operation: {r.Method} Response Content: {r.QuotedBody}");
            }
        }

        o.Step(stepName, stepType, "failure", description, new JsonObject { ["ReportableIdentifier"] = o.ReportableIdentifier });
        o.Fail(error);
        return o;
    }
}
