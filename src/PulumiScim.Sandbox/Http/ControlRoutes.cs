// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Http;

/// <summary>The sandbox's own control endpoints (<c>/_sandbox/*</c>, seed-format.md): not part of Graph.</summary>
internal static class ControlRoutes
{
    public static void Register(Router router, SandboxContext ctx)
    {
        router.Map("GET", "/_sandbox/state", _ => SandboxResponse.Json(200, StateExporter.Export(ctx.State)));
        router.Map("GET", "/_sandbox/requests", _ => SandboxResponse.Json(200, ctx.Requests.Snapshot()));
        router.Map("DELETE", "/_sandbox/requests", _ =>
        {
            ctx.Requests.Clear();
            return SandboxResponse.NoContent();
        });
    }
}
