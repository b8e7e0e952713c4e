// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Model;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Gets the sandboxes running in this PowerShell process.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ScimSandbox")]
[OutputType(typeof(ScimSandbox))]
public sealed class GetScimSandboxCommand : ScimCmdletBase
{
    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        foreach (ScimSandbox sandbox in ScimSandbox.Running())
        {
            WriteObject(sandbox);
        }
    }
}
