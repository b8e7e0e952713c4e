// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Session;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Closes the current (or the given) Microsoft Graph session.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "ScimGraph")]
[OutputType(typeof(void))]
public sealed class DisconnectScimGraphCommand : ScimCmdletBase
{
    /// <summary>The session to close; defaults to the runspace's current session.</summary>
    [Parameter(ValueFromPipeline = true, Position = 0)]
    public ScimGraphSession? Session { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        ScimGraphSession? current = SessionStore.Current;
        ScimGraphSession? target = Session ?? current;
        if (target is null)
        {
            WriteVerbose("No Microsoft Graph session is open in this runspace.");
            return;
        }

        target.Dispose();
        if (ReferenceEquals(target, current))
        {
            SessionStore.Current = null;
        }

        WriteVerbose($"Disconnected from {target.GraphEndpoint}.");
    }
}
