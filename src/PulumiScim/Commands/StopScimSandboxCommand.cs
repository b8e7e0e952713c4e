// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Model;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Stops a sandbox started by Start-ScimSandbox.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "ScimSandbox", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class StopScimSandboxCommand : ScimCmdletBase
{
    /// <summary>The sandbox to stop.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public ScimSandbox Sandbox { get; set; } = null!;

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        if (ShouldProcess(Sandbox.GraphUri.ToString(), "Stop the sandbox"))
        {
            Sandbox.Stop();
        }
    }
}
