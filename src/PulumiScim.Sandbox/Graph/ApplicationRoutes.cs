// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Http;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Graph;

/// <summary>Creating the enterprise app (applicationTemplate instantiate) and assigning users and groups to it.</summary>
internal static class ApplicationRoutes
{
    public static void Register(Action<string, string, Func<SandboxRequest, SandboxResponse>> map, SandboxContext ctx)
    {
        map("POST", "/applicationTemplates/{templateId}/instantiate", req => Instantiate(ctx, req));
        map("GET", "/applications", req => ListApplications(ctx, req));
        map("GET", "/applications/{id}", req => GetApplication(ctx, req, a => string.Equals((string?)a.Application["id"], req.Route("id"), StringComparison.OrdinalIgnoreCase), req.Route("id")));
        map("GET", "/applications(appId='{appId}')", req => GetApplication(ctx, req, a => string.Equals(a.AppId, req.Route("appId"), StringComparison.OrdinalIgnoreCase), req.Route("appId")));
        map("GET", "/servicePrincipals/{id}/appRoleAssignedTo", req => GraphRoutes.WithApp(ctx, req, app =>
            OData.Page(
                req,
                ctx.Server.GraphUri,
                $"servicePrincipals('{app.ServicePrincipalId}')/appRoleAssignedTo",
                app.ListedAssignments(ctx.State),
                ctx.State.Options.PageSize)));
        map("POST", "/servicePrincipals/{id}/appRoleAssignedTo", req => Assign(ctx, req));
        map("DELETE", "/servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}", req => GraphRoutes.WithApp(ctx, req, app => Unassign(ctx, req, app)));
    }

    /// <summary>
    /// <c>DELETE /servicePrincipals/{id}/appRoleAssignedTo/{appRoleAssignment-id}</c>
    /// (api-reference/v1.0/api/serviceprincipal-delete-approleassignedto.md): 204, or 404 for an assignment that does not
    /// exist (any more). A deleted assignment stays listed for options.replicationDelayMs, as directory changes replicate
    /// (Graph: "Configure SAML-based single sign-on for your application using the Microsoft Graph API").
    /// </summary>
    private static SandboxResponse Unassign(SandboxContext ctx, SandboxRequest req, AppState app)
    {
        string assignmentId = req.Route("assignmentId");
        JsonObject? assignment = app.Assignments.FirstOrDefault(a => string.Equals((string?)a["id"], assignmentId, StringComparison.Ordinal));
        if (assignment is null)
        {
            return GraphError.NotFound(assignmentId);
        }

        app.Assignments.Remove(assignment);
        if (ctx.State.Options.ReplicationDelayMs > 0)
        {
            app.Departing.Add((assignment, DateTime.UtcNow.AddMilliseconds(ctx.State.Options.ReplicationDelayMs)));
        }

        return SandboxResponse.NoContent();
    }

    private static readonly string[] s_appEq = ["id", "appId", "displayName", "applicationTemplateId", "signInAudience"];

    private static readonly string[] s_appStartsWith = ["displayName"];

    /// <summary><c>GET /applications</c>: the application objects (identifierUris holds the SAML Entity ID).</summary>
    private static SandboxResponse ListApplications(SandboxContext ctx, SandboxRequest req)
    {
        var clauses = OData.ParseFilter(req.Query["$filter"], out string? parseError);
        if (clauses is null)
        {
            return GraphError.BadRequest(parseError!, "Request_UnsupportedQuery");
        }

        foreach (FilterClause c in clauses)
        {
            string[] allowed = c.Op switch { "eq" => s_appEq, "startswith" => s_appStartsWith, _ => [] };
            if (!allowed.Contains(c.Property, StringComparer.OrdinalIgnoreCase))
            {
                return GraphError.BadRequest($"Unsupported or invalid query filter clause specified for property '{c.Property}' of resource 'Application'.", "Request_UnsupportedQuery");
            }
        }

        lock (ctx.State.Sync)
        {
            var items = ctx.State.Applications
                .Where(a => ctx.State.IsVisible((string)a.Application["id"]!))
                .Select(a => a.Application)
                .Where(a => OData.Matches(a, clauses))
                .ToList();
            return OData.Page(req, ctx.Server.GraphUri, "applications", items, ctx.State.Options.PageSize);
        }
    }

    private static SandboxResponse GetApplication(SandboxContext ctx, SandboxRequest req, Func<AppState, bool> match, string key)
    {
        lock (ctx.State.Sync)
        {
            AppState? app = ctx.State.Applications.FirstOrDefault(match);
            if (app is null || !ctx.State.IsVisible((string)app.Application["id"]!))
            {
                return GraphError.NotFound(key);
            }

            return SandboxResponse.Json(200, GraphRoutes.WithContext(ctx, OData.Select(app.Application, req.Query["$select"]), "applications/$entity"));
        }
    }

    /// <summary>
    /// <c>POST /applicationTemplates/{id}/instantiate</c> (api-reference/v1.0/api/applicationtemplate-instantiate.md):
    /// only the custom (non-gallery) template is known here; 201 with an applicationServicePrincipal.
    /// </summary>
    private static SandboxResponse Instantiate(SandboxContext ctx, SandboxRequest req)
    {
        // Each cloud has its own non-gallery template id ("applicationTemplate: instantiate"); another cloud's is unknown here.
        string templateId = req.Route("templateId");
        string cloudTemplateId = SandboxClouds.NonGalleryTemplateId(ctx.State.Cloud);
        if (!string.Equals(templateId, cloudTemplateId, StringComparison.OrdinalIgnoreCase))
        {
            return GraphError.NotFound(templateId);
        }

        JsonObject? body = GraphRoutes.BodyObject(req, out SandboxResponse? error);
        if (body is null)
        {
            return error!;
        }

        string? displayName = GraphRoutes.String(body, "displayName");
        if (string.IsNullOrWhiteSpace(displayName))
        {
            return GraphError.BadRequest("Property 'displayName' is required and must be a non-empty string.", "Request_BadRequest");
        }

        lock (ctx.State.Sync)
        {
            AppState app = SeedLoader.NewApplication(ctx.State.TenantId, displayName, null, null, null, null, null, null);

            // The caller becomes the owner, as Entra makes it (applicationTemplate: instantiate, Application.ReadWrite.OwnedBy).
            if (req.Caller is { } caller)
            {
                app.Owners.Add(caller.ObjectId);
            }

            app.Application["applicationTemplateId"] = cloudTemplateId;
            app.ServicePrincipal["applicationTemplateId"] = cloudTemplateId;
            ctx.State.Applications.Add(app);
            ctx.State.MarkCreated(app.ServicePrincipalId);
            ctx.State.MarkCreated((string)app.Application["id"]!);
            return SandboxResponse.Json(201, new JsonObject
            {
                ["@odata.context"] = GraphRoutes.Context(ctx, "microsoft.graph.applicationServicePrincipal"),
                ["application"] = app.Application.DeepClone(),
                ["servicePrincipal"] = app.ServicePrincipal.DeepClone(),
            });
        }
    }

    /// <summary>
    /// <c>POST /servicePrincipals/{id}/appRoleAssignedTo</c> (api-reference/v1.0/api/serviceprincipal-post-approleassignedto.md).
    /// The error texts are Graph's own: "Permission being assigned already exists on the object." (400
    /// Request_BadRequest) for a duplicate and "Permission being assigned was not found on application" for a role the
    /// resource does not declare, as scripts and tools that handle these answers quote them.
    /// </summary>
    private static SandboxResponse Assign(SandboxContext ctx, SandboxRequest req)
    {
        JsonObject? body = GraphRoutes.BodyObject(req, out SandboxResponse? error);
        if (body is null)
        {
            return error!;
        }

        string? principalId = GraphRoutes.String(body, "principalId");
        string? resourceId = GraphRoutes.String(body, "resourceId");
        string? appRoleId = GraphRoutes.String(body, "appRoleId");
        if (!Guid.TryParse(principalId, out _))
        {
            return GraphError.BadRequest("Invalid value specified for property 'principalId' of resource 'AppRoleAssignment'.");
        }

        if (!Guid.TryParse(resourceId, out _))
        {
            return GraphError.BadRequest("Invalid value specified for property 'resourceId' of resource 'AppRoleAssignment'.");
        }

        if (!Guid.TryParse(appRoleId, out _))
        {
            return GraphError.BadRequest("Invalid value specified for property 'appRoleId' of resource 'AppRoleAssignment'.");
        }

        return GraphRoutes.WithApp(ctx, req, app =>
        {
            if (!string.Equals(resourceId, app.ServicePrincipalId, StringComparison.OrdinalIgnoreCase))
            {
                return GraphError.BadRequest("The resourceId of the assignment must be the service principal in the request URL.");
            }

            bool principalExists = (ctx.State.FindUser(principalId!) is JsonObject u && string.Equals((string?)u["id"], principalId, StringComparison.OrdinalIgnoreCase))
                || ctx.State.FindGroup(principalId!) is not null
                || ctx.State.FindApp(principalId!) is not null;
            if (!principalExists || !ctx.State.IsVisible(principalId!))
            {
                return GraphError.NotFound(principalId!);
            }

            bool declared = (app.ServicePrincipal["appRoles"] as JsonArray ?? [])
                .Any(r => string.Equals((string?)r?["id"], appRoleId, StringComparison.OrdinalIgnoreCase));
            if (!declared)
            {
                return GraphError.BadRequest($"Permission being assigned was not found on application '{app.AppId}'.");
            }

            bool duplicate = app.Assignments.Any(a =>
                string.Equals((string?)a["principalId"], principalId, StringComparison.OrdinalIgnoreCase)
                && string.Equals((string?)a["appRoleId"], appRoleId, StringComparison.OrdinalIgnoreCase));
            if (duplicate)
            {
                return GraphError.BadRequest("Permission being assigned already exists on the object.");
            }

            JsonObject assignment = SeedLoader.NewAssignment(ctx.State, app, principalId!.ToLowerInvariant(), appRoleId!.ToLowerInvariant());
            app.Assignments.Add(assignment);
            ctx.State.MarkCreated((string)assignment["id"]!);
            return SandboxResponse.Json(201, GraphRoutes.WithContext(ctx, assignment, $"servicePrincipals('{app.ServicePrincipalId}')/appRoleAssignedTo/$entity"));
        });
    }
}
