// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Model;
using PulumiScim.Sandbox;
using PulumiScim.Session;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Starts a local, stateful Microsoft Graph and Pulumi SCIM sandbox on 127.0.0.1.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "ScimSandbox")]
[OutputType(typeof(ScimSandbox))]
public sealed class StartScimSandboxCommand : ScimCmdletBase
{
    /// <summary>A seed file (docs/sandbox.md); without it the built-in example tenant is used.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? SeedPath { get; set; }

    /// <summary>The port on 127.0.0.1; by default a free one is picked.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    /// <summary>
    /// The national cloud the sandbox plays (default Global): it accepts only that cloud's non-gallery application
    /// template, and Connect-ScimGraph -Sandbox makes the session that cloud.
    /// </summary>
    [Parameter]
    [ValidateSet(nameof(ScimGraphEnvironment.Global), nameof(ScimGraphEnvironment.USGov), nameof(ScimGraphEnvironment.USGovDoD))]
    public ScimGraphEnvironment Environment { get; set; } = ScimGraphEnvironment.Global;

    /// <summary>
    /// Delays every Graph and SCIM answer by this many milliseconds, server-side and each request on its own
    /// (concurrent requests overlap), as a real network round trip would; overrides the seed's options.latencyMs.
    /// </summary>
    [Parameter]
    [ValidateRange(0, 60000)]
    public int LatencyMs { get; set; }

    /// <summary>Blocks until the sandbox is stopped (Ctrl+C stops it), so it can run in a process of its own.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <inheritdoc/>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The sandbox is the output: the caller owns it and stops it with Stop-ScimSandbox.")]
    protected override void ProcessRecord()
    {
        string? seed = null;
        if (SeedPath is not null)
        {
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(SeedPath);
            try
            {
                seed = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                ThrowTerminatingError(Error("SeedUnreadable", ErrorCategory.ReadError, SeedPath, $"Could not read the seed '{path}': {ex.Message}", "Check the path, or leave -SeedPath out to use the built-in example tenant.", ex));
            }
        }

        SandboxServer server;
        try
        {
            SandboxCloud cloud = Environment switch
            {
                ScimGraphEnvironment.USGov => SandboxCloud.USGov,
                ScimGraphEnvironment.USGovDoD => SandboxCloud.USGovDoD,
                _ => SandboxCloud.Global,
            };
            server = SandboxServer.Start(seed, Port, cloud);
        }
        catch (InvalidDataException ex)
        {
            ThrowTerminatingError(Error("InvalidSeed", ErrorCategory.InvalidData, SeedPath, $"The seed is not usable: {ex.Message}", "The seed format, with a complete example, is in docs/sandbox.md in the PulumiScim repository (Get-Help Start-ScimSandbox -Full).", ex));
            return;
        }
        catch (System.Net.HttpListenerException ex)
        {
            ThrowTerminatingError(Error("PortUnavailable", ErrorCategory.ResourceUnavailable, Port, $"Could not listen on 127.0.0.1:{Port}: {ex.Message}", "Pick another -Port, or leave it out to use a free one.", ex));
            return;
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(LatencyMs)))
        {
            server.LatencyMs = LatencyMs;
        }

        var sandbox = new ScimSandbox(server);
        WriteVerbose($"Sandbox listening on {sandbox.GraphUri} (tenant {sandbox.TenantId}, {sandbox.Environment} cloud); Pulumi SCIM at {sandbox.PulumiApiUri}/scim/v2/<org>.");
        WriteObject(sandbox);
        if (Wait)
        {
            try
            {
                Await(ct => server.WaitForStopAsync(ct));
            }
            finally
            {
                server.Stop();
            }
        }
    }
}
