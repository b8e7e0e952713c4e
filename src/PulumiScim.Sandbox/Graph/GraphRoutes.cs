// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Http;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Graph;

/// <summary>The Microsoft Graph v1.0 routes the sandbox serves, and what they share.</summary>
internal static class GraphRoutes
{
    public static void Register(Router router, SandboxContext ctx)
    {
        // Each route checks the token and the permissions of its row in GraphPermissions (a route without one throws here).
        void Map(string method, string template, Func<SandboxRequest, SandboxResponse> handler)
        {
            RoutePermission row = GraphPermissions.For(method, template);
            router.Map(method, "/v1.0" + template, req => ctx.Authorize(req, row) ?? handler(req));
        }

        async Task<SandboxResponse> Guarded(SandboxRequest req, RoutePermission row, Func<SandboxRequest, Task<SandboxResponse>> handler) =>
            ctx.Authorize(req, row) ?? await handler(req).ConfigureAwait(false);

        void MapAsync(string method, string template, Func<SandboxRequest, Task<SandboxResponse>> handler)
        {
            RoutePermission row = GraphPermissions.For(method, template);
            router.MapAsync(method, "/v1.0" + template, req => Guarded(req, row, handler));
        }

        DirectoryRoutes.Register(Map, ctx);
        ApplicationRoutes.Register(Map, ctx);
        SynchronizationRoutes.Register(Map, MapAsync, ctx);
        AuditLogRoutes.Register(Map, ctx);
    }

    /// <summary>The <c>@odata.context</c> URL for a metadata fragment.</summary>
    public static string Context(SandboxContext ctx, string fragment) => $"{ctx.Server.GraphUri}v1.0/$metadata#{fragment}";

    /// <summary>A copy of <paramref name="obj"/> with <c>@odata.context</c> first.</summary>
    public static JsonObject WithContext(SandboxContext ctx, JsonObject obj, string fragment)
    {
        var result = new JsonObject { ["@odata.context"] = Context(ctx, fragment) };
        foreach (var kv in obj)
        {
            if (kv.Key != "@odata.context")
            {
                result[kv.Key] = kv.Value?.DeepClone();
            }
        }

        return result;
    }

    /// <summary>Parses the body as a JSON object, or gives the 400 Graph sends for an unreadable body.</summary>
    public static JsonObject? BodyObject(SandboxRequest req, out SandboxResponse? error)
    {
        error = null;
        if (req.TryJson() is JsonObject o)
        {
            return o;
        }

        error = GraphError.BadRequest(req.Body.Length == 0
            ? "Empty Payload. JSON content expected."
            : "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.", "BadRequest");
        return null;
    }

    /// <summary>Reads a string property, or null when it is absent or not a string.</summary>
    public static string? String(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// <summary>Runs <paramref name="handler"/> under the state lock on the app whose service principal id is <c>{id}</c>, or answers 404.</summary>
    public static SandboxResponse WithApp(SandboxContext ctx, SandboxRequest req, Func<AppState, SandboxResponse> handler)
    {
        string id = req.Route("id");
        lock (ctx.State.Sync)
        {
            AppState? app = ctx.State.FindApp(id);
            if (app is null || !ctx.State.IsVisible(app.ServicePrincipalId))
            {
                return GraphError.NotFound(id);
            }

            return handler(app);
        }
    }
}
