// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using PulumiScim.Sandbox.Engine.Provisioning;
using PulumiScim.Sandbox.Graph;
using PulumiScim.Sandbox.Http;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox;

/// <summary>A Pulumi organization the sandbox serves, with the SCIM token it accepts.</summary>
/// <param name="Name">The organization's login name.</param>
/// <param name="Token">The SCIM bearer token the sandbox accepts for it.</param>
/// <param name="ScimBaseUri">The SCIM base URL (the Tenant URL an admin would enter).</param>
public sealed record SandboxOrganization(string Name, string Token, Uri ScimBaseUri);

/// <summary>
/// A local, stateful Microsoft Graph (v1.0) and Pulumi Cloud SCIM 2.0 service on 127.0.0.1, seeded from JSON
/// (docs/sandbox.md). Each instance has its own port and state.
/// </summary>
public sealed class SandboxServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly SandboxState _state;
    private readonly Router _router = new();
    private readonly RequestLog _requestLog = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _accessToken;
    private readonly SandboxContext _context;
    private readonly ProvisioningEngine _engine;
    private Task? _acceptLoop;

    private SandboxServer(SandboxState state, HttpListener listener, int port)
    {
        _state = state;
        _listener = listener;
        Port = port;
        Tokens = new SandboxTokens(() => _state.TenantId);
        _accessToken = Tokens.Issue(DefaultCaller, DefaultTokenLifetime);
        _context = new SandboxContext(state, _requestLog, this);
        BatchRoutes.Register(_router, _context, DispatchInnerAsync);
        GraphRoutes.Register(_router, _context);
        Scim.ScimRoutes.Register(_router, _context);
        ControlRoutes.Register(_router, _context);
        ManagedIdentityRoutes.Register(_router, _context);
        _engine = new ProvisioningEngine(_context);
    }

    /// <summary>The port the sandbox listens on.</summary>
    public int Port { get; }

    /// <summary>The Graph root, as for <c>-GraphEndpoint</c> (without the version segment).</summary>
    public Uri GraphUri => new($"http://127.0.0.1:{Port}");

    /// <summary>The Pulumi API root; the SCIM base of an organization is <c>{PulumiApiUri}/scim/v2/{org}</c>.</summary>
    public Uri PulumiApiUri => new($"http://127.0.0.1:{Port}/pulumi");

    /// <summary>The seeded tenant's id.</summary>
    public string TenantId => _state.TenantId;

    /// <summary>The national cloud the sandbox plays.</summary>
    public SandboxCloud Cloud => _state.Cloud;

    /// <summary>
    /// The sandbox's own Graph token: a JWT for its managed identity (<see cref="ManagedIdentityRoutes.SystemAssignedObjectId"/>)
    /// carrying every application permission the sandbox checks, valid for a day and signed with this sandbox's key.
    /// <c>POST /_sandbox/tokens</c> mints tokens with fewer permissions.
    /// </summary>
    public string AccessToken => _accessToken;

    /// <summary>How long the default token lives (a managed identity's token lasts about a day).</summary>
    internal static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromHours(24);

    /// <summary>The identity of the default token: the sandbox's managed identity with every permission.</summary>
    internal static GraphCaller DefaultCaller { get; } = new(
        ManagedIdentityRoutes.SystemAssignedObjectId, ManagedIdentityRoutes.SystemAssignedClientId, false, GraphPermissions.All);

    /// <summary>Mints and checks this sandbox's Graph tokens.</summary>
    internal SandboxTokens Tokens { get; }

    /// <summary>
    /// The managed-identity token endpoint (App Service shape, api-version 2019-08-01), as for <c>IDENTITY_ENDPOINT</c>;
    /// it issues <see cref="AccessToken"/> to a request that carries <see cref="IdentityHeader"/>.
    /// </summary>
    public Uri ManagedIdentityEndpoint => new($"http://127.0.0.1:{Port}{ManagedIdentityRoutes.TokenPath}");

    /// <summary>The secret the managed-identity endpoint expects in <c>X-IDENTITY-HEADER</c>, as for <c>IDENTITY_HEADER</c>.</summary>
    public string IdentityHeader { get; } = "msi." + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();

    /// <summary>
    /// How long every Graph and SCIM request is delayed, server-side and each on its own, as a network round trip to
    /// the real services would delay it (<c>options.latencyMs</c> of the seed; 0 by default). Setting it takes effect
    /// for the requests that arrive afterwards; <c>POST /_sandbox/state</c> sets it from the new seed's options.
    /// </summary>
    public int LatencyMs
    {
        get => _state.Options.LatencyMs;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _state.Options.LatencyMs = value;
        }
    }

    /// <summary>Whether the sandbox still serves requests.</summary>
    public bool IsRunning => !_stopping.IsCancellationRequested;

    /// <summary>The seeded Pulumi organizations and their tokens.</summary>
    public IReadOnlyList<SandboxOrganization> Organizations
    {
        get
        {
            lock (_state.Sync)
            {
                return _state.Organizations
                    .Select(o => new SandboxOrganization(o.Name, o.Token, new Uri($"{PulumiApiUri}/scim/v2/{o.Name}")))
                    .ToList();
            }
        }
    }

    internal SandboxState State => _state;

    internal RequestLog Requests => _requestLog;

    /// <summary>What the routes share: hooks for the provisioning engine and the expression parser live here.</summary>
    internal SandboxContext Context => _context;

    /// <summary>The provisioning engine: job cycles and provisionOnDemand.</summary>
    internal ProvisioningEngine Provisioning => _engine;

    /// <summary>The router, for the SCIM and engine parts to add their routes.</summary>
    internal Router Router => _router;

    /// <summary>The built-in seed (docs/example-seed.json), used when no seed is given.</summary>
    public static string DefaultSeed
    {
        get
        {
            using Stream s = typeof(SandboxServer).Assembly.GetManifestResourceStream("PulumiScim.Sandbox.example-seed.json")
                ?? throw new InvalidOperationException("The built-in seed is missing from the assembly.");
            using var reader = new StreamReader(s);
            return reader.ReadToEnd();
        }
    }

    /// <summary>Starts a sandbox.</summary>
    /// <param name="seedJson">The seed; null for the built-in example seed.</param>
    /// <param name="port">The port; 0 picks a free one.</param>
    /// <param name="cloud">The national cloud the sandbox plays: it accepts only that cloud's non-gallery template.</param>
    /// <returns>The running sandbox.</returns>
    public static SandboxServer Start(string? seedJson = null, int port = 0, SandboxCloud cloud = SandboxCloud.Global)
    {
        SandboxState state = SeedLoader.Load(seedJson ?? DefaultSeed);
        state.Cloud = cloud;
        for (int attempt = 0; ; attempt++)
        {
            int p = port != 0 ? port : FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{p}/");
            try
            {
                listener.Start();
            }
            catch (HttpListenerException) when (port == 0 && attempt < 10)
            {
                listener.Close();
                continue;
            }

            var server = new SandboxServer(state, listener, p);
            server._acceptLoop = Task.Run(server.AcceptLoopAsync);
            return server;
        }
    }

    /// <summary>Stops serving; pending requests are dropped.</summary>
    public void Stop()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _stopping.Cancel();
        _engine.Stop();
        try
        {
            _listener.Stop();
            _listener.Close();
        }
        catch (ObjectDisposedException)
        {
        }

        _stopped.TrySetResult();
    }

    /// <summary>Completes when the sandbox is stopped.</summary>
    /// <param name="cancellationToken">Stops the wait (not the sandbox).</param>
    /// <returns>A task that completes when <see cref="Stop"/> has run.</returns>
    public Task WaitForStopAsync(CancellationToken cancellationToken) => _stopped.Task.WaitAsync(cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        Stop();
        _engine.Dispose();
        _context.Dispose();
        _stopping.Dispose();
    }

    /// <summary>A port on 127.0.0.1 nothing listens on right now (the system picks it; the probe is closed first).</summary>
    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                continue;
            }

            // Each request on its own task: a handler that calls back into this sandbox (validateCredentials calling
            // the SCIM endpoint) must not block the accept loop.
            _ = Task.Run(() => ServeAsync(ctx));
        }
    }

    private async Task ServeAsync(HttpListenerContext ctx)
    {
        DateTime started = DateTime.UtcNow;
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        SandboxRequest? request = null;
        SandboxResponse response;
        try
        {
            request = await SandboxRequest.FromListenerAsync(ctx.Request).ConfigureAwait(false);
            response = await DispatchAsync(request).ConfigureAwait(false);
            await DelayAsNetworkAsync(request).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            response = GraphError.Create(500, "InternalServerError", "The sandbox failed: " + ex.GetType().Name);
        }

        // Logged before the answer is sent, so a client that reads the log right after its call sees the call.
        if (request is not null && !request.Path.StartsWith("/_sandbox", StringComparison.Ordinal))
        {
            // A request the sandbox's own Entra side sent (validateCredentials, a provisioning cycle) is no client's round trip.
            bool roundTrip = request.Headers[SandboxContext.OutboundMarker] is null;
            _requestLog.Add(request, response.Abort ? 0 : response.Status, started, t0, System.Diagnostics.Stopwatch.GetTimestamp(), roundTrip);
        }

        try
        {
            if (response.Abort)
            {
                // HttpListener's Abort alone still sends an empty 200 on Linux. Promise a body, send a fragment of
                // it, then drop the connection: the client sees the connection fail mid-response.
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = "application/json; charset=utf-8";
                ctx.Response.ContentLength64 = 1 << 20;
                await ctx.Response.OutputStream.WriteAsync("{\"value\":["u8.ToArray()).ConfigureAwait(false);
                await ctx.Response.OutputStream.FlushAsync().ConfigureAwait(false);
                ctx.Response.Abort();
            }
            else
            {
                ctx.Response.StatusCode = response.Status;
                foreach (var h in response.Headers)
                {
                    ctx.Response.Headers[h.Key] = h.Value;
                }

                if (response.Status != 204)
                {
                    ctx.Response.ContentType = response.ContentType;
                }

                // Always a known length: chunked responses cost ~40 ms each on Linux.
                ctx.Response.ContentLength64 = response.Body.Length;
                if (response.Body.Length > 0)
                {
                    await ctx.Response.OutputStream.WriteAsync(response.Body).ConfigureAwait(false);
                }

                ctx.Response.Close();
            }
        }
        catch (Exception)
        {
            // the client went away
        }
    }

    /// <summary>
    /// The latency model (<c>options.latencyMs</c>): THE one place a request is delayed as a network round trip would
    /// delay it, once per request that arrived over HTTP, after its handler ran and before its answer is sent. It
    /// awaits a timer and blocks no thread, so concurrent requests overlap as on a real network. Requests served
    /// inside another one (the inner requests of a JSON batch) must go through <see cref="DispatchAsync"/> only,
    /// never through <see cref="ServeAsync"/>: then the batch pays the latency once, as Graph's batching does.
    /// The sandbox's own control endpoints (<c>/_sandbox/*</c>) and the managed-identity endpoint (on a real host it
    /// is a local endpoint of the host, not a call across the internet) are not delayed.
    /// </summary>
    private async Task DelayAsNetworkAsync(SandboxRequest request)
    {
        int latencyMs = LatencyMs;
        if (latencyMs <= 0
            || request.Path.StartsWith("/_sandbox", StringComparison.Ordinal)
            || request.Path.StartsWith(ManagedIdentityRoutes.TokenPath, StringComparison.Ordinal))
        {
            return;
        }

        // A timer may fire a few milliseconds early: wait out the rest, so the delay is never shorter than asked.
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        TimeSpan latency = TimeSpan.FromMilliseconds(latencyMs);
        for (TimeSpan left = latency; left > TimeSpan.Zero; left = latency - System.Diagnostics.Stopwatch.GetElapsedTime(start))
        {
            await Task.Delay(left < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : left, _stopping.Token).ConfigureAwait(false);
        }
    }

    /// <summary>One request of a JSON batch: dispatched and logged like a direct request (no latency of its own).</summary>
    private async Task<SandboxResponse> DispatchInnerAsync(SandboxRequest request)
    {
        DateTime started = DateTime.UtcNow;
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        SandboxResponse response = await DispatchAsync(request).ConfigureAwait(false);

        // A connection cannot be dropped for one request of a batch: an injected reset answers (and is logged) as a gateway timeout.
        response = response.Abort ? GraphError.Transient(504, null) : response;
        _requestLog.Add(request, response.Status, started, t0, System.Diagnostics.Stopwatch.GetTimestamp(), roundTrip: false, inBatch: true);
        return response;
    }

    private async Task<SandboxResponse> DispatchAsync(SandboxRequest request)
    {
        // Faults come before routing and handlers, so a faulted write never takes effect.
        if (_context.Faults.Next(request) is SandboxResponse fault)
        {
            return fault;
        }

        var handler = _router.Match(request, out bool pathMatched);
        if (handler is null)
        {
            return pathMatched
                ? GraphError.Create(405, "Request_BadRequest", $"The HTTP method '{request.Method}' is not allowed for '{request.Path}'.")
                : GraphError.Create(400, "BadRequest", $"Resource not found for the segment '{request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()}'.");
        }

        return await handler(request).ConfigureAwait(false);
    }
}
