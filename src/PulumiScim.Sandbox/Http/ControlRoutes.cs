// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Http;

/// <summary>The sandbox's own control endpoints (<c>/_sandbox/*</c>, docs/sandbox.md): not part of Graph.</summary>
internal static class ControlRoutes
{
    public static void Register(Router router, SandboxContext ctx)
    {
        router.Map("GET", "/_sandbox/state", _ => SandboxResponse.Json(200, StateExporter.Export(ctx.State)));
        router.Map("POST", "/_sandbox/state", req => ReplaceState(ctx, req));
        router.Map("GET", "/_sandbox/requests", _ => SandboxResponse.Json(200, ctx.Requests.Snapshot()));
        router.Map("GET", "/_sandbox/requests/summary", _ => SandboxResponse.Json(200, ctx.Requests.Summary()));
        router.Map("DELETE", "/_sandbox/requests", _ =>
        {
            ctx.Requests.Clear();
            return SandboxResponse.NoContent();
        });
        router.Map("GET", "/_sandbox/faults", _ => SandboxResponse.Json(200, ctx.Faults.Describe()));
        router.Map("POST", "/_sandbox/faults", req =>
        {
            string? error = ctx.Faults.Configure(req.TryJson() as JsonObject);
            return error is null ? SandboxResponse.Json(200, ctx.Faults.Describe()) : ControlError(400, error);
        });
        router.Map("GET", "/_sandbox/options", _ => SandboxResponse.Json(200, new JsonObject { ["latencyMs"] = ctx.Server.LatencyMs }));
        router.Map("PATCH", "/_sandbox/options", req => PatchOptions(ctx, req));
        router.Map("PATCH", "/_sandbox/users/{id}", req => PatchUser(ctx, req));
        router.Map("POST", "/_sandbox/tokens", req => IssueToken(ctx, req));
    }

    /// <summary>
    /// <c>POST /_sandbox/tokens</c> with <c>{"roles": [...]}</c> (an app-only token) or <c>{"scopes": [...]}</c> (a delegated
    /// one), optionally <c>"objectId"</c> and <c>"appId"</c> (default: the sandbox's managed identity) and
    /// <c>"lifetimeSeconds"</c> (default a day): answers <c>{"token": "..."}</c>, a Graph token with exactly those permissions.
    /// </summary>
    private static SandboxResponse IssueToken(SandboxContext ctx, SandboxRequest req)
    {
        if (req.TryJson() is not JsonObject body || (body["roles"] is JsonArray) == (body["scopes"] is JsonArray))
        {
            return ControlError(400, "The body must be {\"roles\": [...]} for an app-only token or {\"scopes\": [...]} for a delegated one.");
        }

        bool delegated = body["scopes"] is JsonArray;
        var permissions = ((JsonArray)(body["roles"] ?? body["scopes"])!).Select(p => p is JsonValue v && v.TryGetValue(out string? s) ? s : null).ToList();
        if (permissions.Any(p => string.IsNullOrWhiteSpace(p) || p.Contains(' ', StringComparison.Ordinal)))
        {
            return ControlError(400, "Each permission must be a non-empty name without spaces, such as Application.Read.All.");
        }

        long seconds = body["lifetimeSeconds"] is JsonValue l && l.TryGetValue(out long n) ? n : (long)SandboxServer.DefaultTokenLifetime.TotalSeconds;
        var caller = new GraphCaller(
            (string?)body["objectId"] ?? ManagedIdentityRoutes.SystemAssignedObjectId,
            (string?)body["appId"] ?? ManagedIdentityRoutes.SystemAssignedClientId,
            delegated,
            permissions!);
        return SandboxResponse.Json(200, new JsonObject { ["token"] = ctx.Server.Tokens.Issue(caller, TimeSpan.FromSeconds(seconds)) });
    }

    /// <summary>A control-route error: <c>{"error":{"code","message"}}</c>.</summary>
    private static SandboxResponse ControlError(int status, string message) =>
        SandboxResponse.Json(status, new JsonObject { ["error"] = new JsonObject { ["code"] = "SandboxBadRequest", ["message"] = message } });

    private static SandboxResponse ReplaceState(SandboxContext ctx, SandboxRequest req)
    {
        SandboxState loaded;
        try
        {
            loaded = SeedLoader.Load(req.BodyText);
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException or FormatException or NullReferenceException or InvalidCastException)
        {
            return ControlError(400, "The body is not a valid seed: " + ex.Message);
        }

        lock (ctx.State.Sync)
        {
            ctx.State.ReplaceFrom(loaded);
        }

        ctx.ProvisioningLogLimiter.Reset();
        return SandboxResponse.NoContent();
    }

    /// <summary><c>PATCH /_sandbox/options</c> with <c>{"latencyMs": n}</c>: the options that may change while the sandbox runs.</summary>
    private static SandboxResponse PatchOptions(SandboxContext ctx, SandboxRequest req)
    {
        if (req.TryJson() is not JsonObject body || body.Count == 0 || body.Any(kv => kv.Key != "latencyMs"))
        {
            return ControlError(400, "The body must be {\"latencyMs\": n}: latencyMs is the option that can change while the sandbox runs (the others come with POST /_sandbox/state).");
        }

        if (body["latencyMs"] is not JsonValue v || !v.TryGetValue(out int latencyMs) || latencyMs < 0)
        {
            return ControlError(400, "latencyMs must be a whole number of at least 0 (milliseconds), without quotes.");
        }

        ctx.Server.LatencyMs = latencyMs;
        return SandboxResponse.Json(200, new JsonObject { ["latencyMs"] = latencyMs });
    }

    private static SandboxResponse PatchUser(SandboxContext ctx, SandboxRequest req)
    {
        if (req.TryJson() is not JsonObject patch)
        {
            return ControlError(400, "The body must be a JSON object of user properties to merge.");
        }

        string id = req.Route("id");
        lock (ctx.State.Sync)
        {
            JsonObject? user = ctx.State.FindUser(id);
            if (user is null)
            {
                return ControlError(404, $"No user '{id}'.");
            }

            foreach (var kv in patch)
            {
                if (kv.Key == "id")
                {
                    continue;
                }

                user[kv.Key] = kv.Value?.DeepClone();
            }

            return SandboxResponse.Json(200, (JsonObject)user.DeepClone());
        }
    }
}
