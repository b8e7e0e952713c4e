// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Session;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Shows the current Microsoft Graph session: who, where and how (never a token).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ScimGraphSession")]
[OutputType(typeof(ScimGraphSession))]
public sealed class GetScimGraphSessionCommand : ScimCmdletBase
{
    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        if (SessionStore.Current is { } session)
        {
            WriteObject(session);
        }
    }
}
