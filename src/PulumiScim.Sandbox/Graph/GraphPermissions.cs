// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using PulumiScim.Sandbox.Http;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Graph;

/// <summary>
/// What each Graph route the sandbox serves requires: the "Least privileged" and "Higher privileged" permissions of
/// that API's Permissions table in the Graph v1.0 docs (api-reference/v1.0/api/*.md), the doc's title next to each row.
/// A cell reads "A | B+C": any one of the alternatives separated by '|', where an alternative joined by '+' needs all
/// its permissions ("AppRoleAssignment.ReadWrite.All and Application.Read.All" in the docs).
/// Application.ReadWrite.OwnedBy counts only on a service principal the caller owns (the permission reference:
/// "cannot update any apps that it is not an owner of"), and for creating one (the caller becomes its owner).
/// </summary>
internal static class GraphPermissions
{
    /// <summary>Application.ReadWrite.OwnedBy: valid only on objects the caller owns.</summary>
    public const string OwnedBy = "Application.ReadWrite.OwnedBy";

    private const string SyncReadApp = OwnedBy + " | Synchronization.Read.All | Synchronization.ReadWrite.All";
    private const string SyncReadDelegated = "Synchronization.Read.All | Synchronization.ReadWrite.All";
    private const string SyncWriteApp = OwnedBy + " | Synchronization.ReadWrite.All";
    private const string SyncWriteDelegated = "Synchronization.ReadWrite.All";
    private const string SpReadApp = "Application.Read.All | " + OwnedBy + " | Application.ReadWrite.All | Directory.Read.All";
    private const string SpReadDelegated = "Application.Read.All | Application.ReadWrite.All | Directory.Read.All | Directory.ReadWrite.All";
    private const string Sync = "/servicePrincipals/{id}/synchronization";

    /// <summary>The table: method, route template (under /v1.0), doc title, delegated cell, application cell.</summary>
    private static readonly RoutePermission[] s_table =
    [
        new("GET", "/servicePrincipals", "List servicePrincipals", SpReadDelegated, SpReadApp),
        new("GET", "/servicePrincipals/{id}", "Get servicePrincipal", SpReadDelegated, SpReadApp),
        new("GET", "/servicePrincipals(appId='{appId}')", "Get servicePrincipal", SpReadDelegated, SpReadApp),
        new("GET", "/applications", "List applications", "Application.Read.All | Application.ReadWrite.All | Directory.ReadWrite.All | Directory.Read.All", "Application.Read.All | " + OwnedBy + " | Application.ReadWrite.All | Directory.Read.All"),
        new("GET", "/applications/{id}", "Get application", "Application.Read.All | Application.ReadWrite.All | Directory.Read.All", "Application.Read.All | " + OwnedBy + " | Application.ReadWrite.All"),
        new("GET", "/applications(appId='{appId}')", "Get application", "Application.Read.All | Application.ReadWrite.All | Directory.Read.All", "Application.Read.All | " + OwnedBy + " | Application.ReadWrite.All"),
        new("POST", "/applicationTemplates/{templateId}/instantiate", "applicationTemplate: instantiate", "Application.ReadWrite.All | Directory.ReadWrite.All", OwnedBy + " | Application.ReadWrite.All | Directory.ReadWrite.All"),
        new("GET", "/servicePrincipals/{id}/appRoleAssignedTo", "List appRoleAssignments granted for a service principal", "Application.Read.All | Directory.Read.All | Application.ReadWrite.All | Directory.ReadWrite.All", "Application.Read.All | " + OwnedBy + " | Directory.Read.All | Application.ReadWrite.All | Directory.ReadWrite.All"),
        new("POST", "/servicePrincipals/{id}/appRoleAssignedTo", "Grant an appRoleAssignment for a service principal", "AppRoleAssignment.ReadWrite.All+Application.Read.All | AppRoleAssignment.ReadWrite.All+Directory.Read.All", "AppRoleAssignment.ReadWrite.All+Application.Read.All | AppRoleAssignment.ReadWrite.All+Directory.Read.All"),
        new("DELETE", "/servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}", "Delete appRoleAssignedTo", "AppRoleAssignment.ReadWrite.All", "AppRoleAssignment.ReadWrite.All"),
        new("GET", "/users", "List users", "User.ReadBasic.All | User.Read.All | Directory.Read.All | User.ReadWrite.All | Directory.ReadWrite.All", "User.Read.All | User.ReadWrite.All | Directory.Read.All | Directory.ReadWrite.All"),
        new("GET", "/users/{id}", "Get user", "User.ReadBasic.All | User.Read.All | Directory.Read.All | User.ReadWrite.All | Directory.ReadWrite.All", "User.Read.All | User.ReadWrite.All | Directory.Read.All | Directory.ReadWrite.All"),
        new("GET", "/groups", "List groups", "Group-NestingSupport.ReadWrite.All | Directory.Read.All | Directory.ReadWrite.All | Group.ManageProtection.All | Group.Read.All | Group.ReadWrite.All | GroupMember.Read.All", "Group-NestingSupport.ReadWrite.All | Directory.Read.All | Directory.ReadWrite.All | Group.ManageProtection.All | Group.Read.All | Group.ReadWrite.All | GroupMember.Read.All"),
        new("GET", "/groups/{id}", "Get group", "GroupMember.Read.All | Group.ReadWrite.All | Directory.Read.All | Directory.ReadWrite.All | Group.Read.All", "GroupMember.Read.All | Group.ReadWrite.All | Directory.Read.All | Directory.ReadWrite.All | Group.Read.All"),
        new("GET", "/groups/{id}/members", "List group members", "GroupMember.Read.All | Directory.Read.All | Group.Read.All | Group.ReadWrite.All | GroupMember.ReadWrite.All", "GroupMember.Read.All | Directory.Read.All | Group.Read.All | Group.ReadWrite.All | GroupMember.ReadWrite.All"),
        new("GET", "/auditLogs/provisioning", "List provisioningObjectSummary", "AuditLog.Read.All+Directory.Read.All", "AuditLog.Read.All+Directory.Read.All"),
        new("GET", Sync + "/templates", "List existing synchronization templates", SyncReadDelegated, SyncReadApp),
        new("GET", Sync + "/templates/{templateId}", "Get synchronizationTemplate", SyncReadDelegated, SyncReadApp),
        new("GET", Sync + "/templates/{templateId}/schema", "Get synchronizationSchema", SyncReadDelegated, SyncReadApp),
        new("GET", Sync + "/jobs", "List synchronization jobs", SyncReadDelegated, SyncReadApp),
        new("POST", Sync + "/jobs", "Create synchronizationJob", SyncWriteDelegated, SyncWriteApp),
        new("POST", Sync + "/jobs/validateCredentials", "synchronizationJob: validateCredentials", SyncWriteDelegated, SyncWriteApp),
        new("GET", Sync + "/jobs/{jobId}", "Get synchronizationJob", SyncReadDelegated, SyncReadApp),
        new("DELETE", Sync + "/jobs/{jobId}", "Delete synchronizationJob", SyncWriteDelegated, SyncWriteApp),
        new("POST", Sync + "/jobs/{jobId}/validateCredentials", "synchronizationJob: validateCredentials", SyncWriteDelegated, SyncWriteApp),
        new("POST", Sync + "/jobs/{jobId}/start", "Start synchronizationJob", SyncWriteDelegated, SyncWriteApp),
        new("POST", Sync + "/jobs/{jobId}/pause", "Pause synchronizationJob", SyncWriteDelegated, SyncWriteApp),
        new("POST", Sync + "/jobs/{jobId}/restart", "synchronizationJob: restart", SyncWriteDelegated, SyncWriteApp),
        new("POST", Sync + "/jobs/{jobId}/provisionOnDemand", "synchronizationJob: provisionOnDemand", SyncWriteDelegated, SyncWriteApp),
        new("GET", Sync + "/jobs/{jobId}/schema", "Get synchronizationSchema", SyncReadDelegated, SyncReadApp),
        new("PUT", Sync + "/jobs/{jobId}/schema", "Update synchronizationSchema", "Synchronization.ReadWrite.All", OwnedBy + " | CustomSecAttributeProvisioning.ReadWrite.All | Synchronization.ReadWrite.All"),
        new("PATCH", Sync + "/jobs/{jobId}/schema", "Update synchronizationSchema (PATCH is not a route of syncfabric)", SyncWriteDelegated, SyncWriteApp),
        new("POST", Sync + "/jobs/{jobId}/schema/parseExpression", "synchronizationSchema: parseExpression", SyncWriteDelegated, SyncWriteApp),
        new("PUT", Sync + "/secrets", "Add synchronization secrets", SyncWriteDelegated, SyncWriteApp),

        // No v1.0 page documents reading the secrets back; the stricter choice: as for writing them.
        new("GET", Sync + "/secrets", "(undocumented) read synchronization secrets: as Add synchronization secrets", SyncWriteDelegated, SyncWriteApp),
    ];

    /// <summary>Every permission some route accepts: what the sandbox's default token carries.</summary>
    public static IReadOnlyList<string> All { get; } = s_table
        .SelectMany(r => r.Application.Concat(r.Delegated))
        .SelectMany(alternative => alternative)
        .Distinct(StringComparer.OrdinalIgnoreCase)
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>The row of a route; throws for a route with none, so a route cannot be served unguarded.</summary>
    public static RoutePermission For(string method, string template) =>
        s_table.FirstOrDefault(r => r.Method == method && r.Template == template)
        ?? throw new InvalidOperationException($"The sandbox's Graph permission table has no row for {method} {template}.");

    /// <summary>Whether <paramref name="caller"/> may call the route; the 403 to send otherwise.</summary>
    public static SandboxResponse? Check(SandboxContext ctx, SandboxRequest req, RoutePermission row, GraphCaller caller)
    {
        IReadOnlyList<string[]> alternatives = caller.IsDelegated ? row.Delegated : row.Application;
        foreach (string[] alternative in alternatives)
        {
            if (alternative.All(p => caller.Granted.Contains(p, StringComparer.OrdinalIgnoreCase))
                && (!alternative.Contains(OwnedBy, StringComparer.OrdinalIgnoreCase) || Owns(ctx, req, caller)))
            {
                return null;
            }
        }

        return GraphError.Create(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    }

    /// <summary>
    /// Whether the route's object is one the caller owns: a service principal named by <c>{id}</c> or an application
    /// by <c>{id}</c> or <c>{appId}</c>; instantiate creates one the caller will own. Lists name no object: OwnedBy
    /// grants them nothing here (Graph would list the owned objects only; the sandbox refuses instead).
    /// </summary>
    private static bool Owns(SandboxContext ctx, SandboxRequest req, GraphCaller caller)
    {
        if (req.Path.EndsWith("/instantiate", StringComparison.Ordinal))
        {
            return true;
        }

        req.RouteValues.TryGetValue("id", out string? id);
        req.RouteValues.TryGetValue("appId", out string? appId);
        lock (ctx.State.Sync)
        {
            AppState? app = ctx.State.Applications.FirstOrDefault(a =>
                (id is not null && (string.Equals(a.ServicePrincipalId, id, StringComparison.OrdinalIgnoreCase)
                    || string.Equals((string?)a.Application["id"], id, StringComparison.OrdinalIgnoreCase)))
                || (appId is not null && string.Equals(a.AppId, appId, StringComparison.OrdinalIgnoreCase)));
            return app is not null && app.Owners.Contains(caller.ObjectId, StringComparer.OrdinalIgnoreCase);
        }
    }
}

/// <summary>One row of <see cref="GraphPermissions"/>'s table.</summary>
internal sealed class RoutePermission
{
    public RoutePermission(string method, string template, string docTitle, string delegated, string application)
    {
        Method = method;
        Template = template;
        DocTitle = docTitle;
        Delegated = Parse(delegated);
        Application = Parse(application);
    }

    public string Method { get; }

    public string Template { get; }

    /// <summary>The title of the Graph v1.0 doc page whose Permissions table the row copies.</summary>
    public string DocTitle { get; }

    /// <summary>The delegated alternatives (any one; each needs all of its permissions).</summary>
    public IReadOnlyList<string[]> Delegated { get; }

    /// <summary>The application alternatives (any one; each needs all of its permissions).</summary>
    public IReadOnlyList<string[]> Application { get; }

    private static string[][] Parse(string cell) => cell
        .Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(a => a.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        .ToArray();
}
