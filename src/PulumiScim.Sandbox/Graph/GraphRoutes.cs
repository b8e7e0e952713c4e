// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Http;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Graph;

/// <summary>The Microsoft Graph v1.0 routes the sandbox serves.</summary>
internal static class GraphRoutes
{
    public static void Register(Router router, SandboxContext ctx)
    {
        void Map(string method, string template, Func<SandboxRequest, SandboxResponse> handler) =>
            router.Map(method, "/v1.0" + template, req => ctx.Authorize(req) ?? handler(req));

        Map("GET", "/servicePrincipals", req => ListServicePrincipals(ctx, req));
        Map("GET", "/servicePrincipals/{id}", req => WithApp(ctx, req, app => SandboxResponse.Json(200, WithContext(ctx, OData.Select(app.ServicePrincipal, req.Query["$select"]), "servicePrincipals/$entity"))));
        Map("GET", "/servicePrincipals/{id}/synchronization/jobs", req => WithApp(ctx, req, app =>
            SandboxResponse.Json(200, new JsonObject
            {
                ["@odata.context"] = $"{ctx.Server.GraphUri}v1.0/$metadata#servicePrincipals('{app.ServicePrincipalId}')/synchronization/jobs",
                ["value"] = new JsonArray(app.Jobs.Where(j => ctx.State.IsVisible(j.Id)).Select(j => (JsonNode)j.Job.DeepClone()).ToArray()),
            })));
    }

    private static JsonObject WithContext(SandboxContext ctx, JsonObject obj, string context)
    {
        var result = new JsonObject { ["@odata.context"] = $"{ctx.Server.GraphUri}v1.0/$metadata#{context}" };
        foreach (var kv in obj.ToList())
        {
            obj.Remove(kv.Key);
            result[kv.Key] = kv.Value;
        }

        return result;
    }

    /// <summary>Runs <paramref name="handler"/> on the app whose service principal id is the route's <c>{id}</c>, or answers 404.</summary>
    public static SandboxResponse WithApp(SandboxContext ctx, SandboxRequest req, Func<AppState, SandboxResponse> handler)
    {
        string id = req.Route("id");
        lock (ctx.State.Sync)
        {
            AppState? app = ctx.State.Applications.FirstOrDefault(a => string.Equals(a.ServicePrincipalId, id, StringComparison.OrdinalIgnoreCase));
            if (app is null || !ctx.State.IsVisible(app.ServicePrincipalId))
            {
                return GraphError.NotFound(id);
            }

            return handler(app);
        }
    }

    private static SandboxResponse ListServicePrincipals(SandboxContext ctx, SandboxRequest req)
    {
        var clauses = OData.ParseFilter(req.Query["$filter"], out string? error);
        if (clauses is null)
        {
            return GraphError.BadRequest(error!, "Request_UnsupportedQuery");
        }

        foreach (FilterClause c in clauses)
        {
            bool supported = c.Property.ToLowerInvariant() is "displayname" or "appid" or "id" or "serviceprincipaltype" or "preferredsinglesignonmode";
            if (!supported || c.Op is not ("eq" or "startswith" or "ne") || (c.Op == "ne"))
            {
                return GraphError.BadRequest($"Unsupported or invalid query filter clause specified for property '{c.Property}' of resource 'ServicePrincipal'.", "Request_UnsupportedQuery");
            }
        }

        List<JsonObject> items;
        lock (ctx.State.Sync)
        {
            items = ctx.State.Applications
                .Where(a => ctx.State.IsVisible(a.ServicePrincipalId))
                .Select(a => a.ServicePrincipal)
                .Where(sp => OData.Matches(sp, clauses))
                .Select(sp => (JsonObject)sp.DeepClone())
                .ToList();
        }

        return OData.Page(req, ctx.Server.GraphUri, "servicePrincipals", items, 100);
    }
}
