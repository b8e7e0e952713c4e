// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using PulumiScim.Sandbox.Http;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox;

/// <summary>What every route handler shares: the state, the request log and the server.</summary>
internal sealed class SandboxContext
{
    public SandboxContext(SandboxState state, RequestLog requests, SandboxServer server)
    {
        State = state;
        Requests = requests;
        Server = server;
    }

    public SandboxState State { get; }

    public RequestLog Requests { get; }

    public SandboxServer Server { get; }

    /// <summary>Checks the Graph bearer token; returns the 401 to send, or null when the token is good.</summary>
    public SandboxResponse? Authorize(SandboxRequest request)
    {
        string? auth = request.Headers["Authorization"];
        if (string.IsNullOrWhiteSpace(auth) || !auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return GraphError.Unauthorized(missing: true);
        }

        return Server.IsValidGraphToken(auth["Bearer ".Length..].Trim()) ? null : GraphError.Unauthorized(missing: false);
    }
}
