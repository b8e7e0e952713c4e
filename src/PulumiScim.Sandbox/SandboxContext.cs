// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Graph;
using PulumiScim.Sandbox.Http;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox;

/// <summary>What every route handler shares: the state, the request log, the server and the hooks.</summary>
internal sealed class SandboxContext : IDisposable
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The HttpClient owns the handler (disposeHandler: true) and Dispose disposes the HttpClient.")]
    public SandboxContext(SandboxState state, RequestLog requests, SandboxServer server)
    {
        State = state;
        Requests = requests;
        Server = server;
        OutboundHttp = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }, disposeHandler: true)
        {
            Timeout = TimeSpan.FromSeconds(10),
        };

        // Marks the requests the sandbox's Entra side sends (validateCredentials, provisioning cycles): the request log
        // keeps them out of a client's round trips.
        OutboundHttp.DefaultRequestHeaders.Add(OutboundMarker, "entra");
    }

    /// <summary>The header on every request the sandbox sends itself (as Entra's provisioning service would).</summary>
    public const string OutboundMarker = "X-PulumiScim-Sandbox-Origin";

    public SandboxState State { get; }

    public RequestLog Requests { get; }

    public SandboxServer Server { get; }

    /// <summary>Transient faults injected into Graph requests (<c>POST /_sandbox/faults</c>).</summary>
    public FaultInjector Faults { get; } = new();

    /// <summary>The "identity and access reports" limit of <c>/auditLogs/provisioning</c> when the seed asks for it.</summary>
    public SlidingWindowLimiter ProvisioningLogLimiter { get; } = new(5, TimeSpan.FromSeconds(10));

    /// <summary>The client validateCredentials calls the SCIM endpoint with (as Entra does, over real HTTP).</summary>
    public HttpClient OutboundHttp { get; }

    /// <summary>How long validateCredentials waits for the SCIM endpoint.</summary>
    public TimeSpan CredentialValidationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Answers <c>POST .../jobs/{jobId}/provisionOnDemand</c> (throttling, validation and the provisioning itself). The
    /// provisioning engine sets it when the server starts.
    /// </summary>
    public Func<SandboxRequest, Task<SandboxResponse>> ProvisionOnDemandHandler { get; set; } = _ => throw NotAttached();

    /// <summary>Called (outside the state lock) after <c>POST .../jobs/{id}/start</c> succeeded. The provisioning engine sets it.</summary>
    public Action<AppState, JobState> OnJobStarted { get; set; } = (_, _) => throw NotAttached();

    /// <summary>Called (outside the state lock) after <c>POST .../jobs/{id}/restart</c> succeeded. The provisioning engine sets it.</summary>
    public Action<AppState, JobState> OnJobRestarted { get; set; } = (_, _) => throw NotAttached();

    /// <summary>
    /// Checks the Graph bearer token (401 when missing, forged, altered or expired) and the route's permissions (403);
    /// returns the answer to send, or null when the call may go ahead (the caller is then on <see cref="SandboxRequest.Caller"/>).
    /// </summary>
    public SandboxResponse? Authorize(SandboxRequest request, RoutePermission row)
    {
        string? auth = request.Headers["Authorization"];
        if (string.IsNullOrWhiteSpace(auth) || !auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return GraphError.Unauthorized(missing: true);
        }

        GraphCaller? caller = Server.Tokens.Validate(auth["Bearer ".Length..].Trim(), out string? failure);
        if (caller is null)
        {
            return GraphError.Create(401, "InvalidAuthenticationToken", failure!);
        }

        request.Caller = caller;
        return GraphPermissions.Check(this, request, row, caller);
    }

    /// <summary>Adds a provisioningObjectSummary to <c>/auditLogs/provisioning</c> (for the provisioning engine).</summary>
    public void AppendProvisioningLog(JsonObject entry)
    {
        lock (State.Sync)
        {
            State.ProvisioningLogs.Append(entry);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => OutboundHttp.Dispose();

    private static InvalidOperationException NotAttached() => new("The provisioning engine is not attached to this sandbox.");
}
