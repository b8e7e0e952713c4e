// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Model;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Stops a sandbox started by Start-ScimSandbox, or every sandbox of this process when none is given.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "ScimSandbox", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class StopScimSandboxCommand : ScimCmdletBase
{
    /// <summary>The sandbox to stop; without one (and without pipeline input), every sandbox Get-ScimSandbox lists.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    public ScimSandbox? Sandbox { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        if (Sandbox is not null)
        {
            StopOne(Sandbox);
        }
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        // Only a bare 'Stop-ScimSandbox' stops them all: an empty pipeline ('$none | Stop-ScimSandbox') stops nothing.
        if (!MyInvocation.BoundParameters.ContainsKey(nameof(Sandbox)) && !MyInvocation.ExpectingInput)
        {
            foreach (ScimSandbox sandbox in ScimSandbox.Running())
            {
                StopOne(sandbox);
            }
        }

        base.EndProcessing();
    }

    private void StopOne(ScimSandbox sandbox)
    {
        if (ShouldProcess(sandbox.GraphUri.ToString(), "Stop the sandbox"))
        {
            sandbox.Stop();
        }
    }
}
