// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Session;

namespace PulumiScim.Commands;

/// <summary>A cmdlet that talks to Graph: takes <c>-Session</c> or uses the runspace's current session.</summary>
public abstract class ScimSessionCmdletBase : ScimCmdletBase
{
    /// <summary>The session to use; defaults to the one the last Connect-ScimGraph made in this runspace.</summary>
    [Parameter]
    public ScimGraphSession? Session { get; set; }

    /// <summary>The explicit session, else the runspace's; terminates the call when there is none.</summary>
    protected ScimGraphSession ResolveSession(ScimGraphSession? fromInput = null)
    {
        ScimGraphSession? session = Session ?? fromInput ?? SessionStore.Current;
        if (session is null)
        {
            ThrowTerminatingError(Error(
                "NotConnected",
                ErrorCategory.ConnectionError,
                null,
                "There is no Microsoft Graph session in this PowerShell session.",
                "Run Connect-ScimGraph first (for example Connect-ScimGraph -TenantId <tenant> -ManagedIdentity, or Start-ScimSandbox | Connect-ScimGraph), or pass -Session."));
        }

        if (session!.IsDisconnected)
        {
            ThrowTerminatingError(Error(
                "SessionDisconnected",
                ErrorCategory.ConnectionError,
                session,
                "The Microsoft Graph session was closed by Disconnect-ScimGraph.",
                "Run Connect-ScimGraph again."));
        }

        return session;
    }
}
