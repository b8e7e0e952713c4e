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
        router.Map("PATCH", "/_sandbox/users/{id}", req => PatchUser(ctx, req));
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
