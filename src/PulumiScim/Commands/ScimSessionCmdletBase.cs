// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Session;

namespace PulumiScim.Commands;

/// <summary>A cmdlet that talks to Graph: takes <c>-Session</c> or uses the runspace's current session.</summary>
public abstract class ScimSessionCmdletBase : ScimCmdletBase
{
    private readonly HashSet<ScimGraphSession> _held = new(ReferenceEqualityComparer.Instance);

    /// <summary>The session to use; defaults to the one the last Connect-ScimGraph made in this runspace.</summary>
    [Parameter]
    public ScimGraphSession? Session { get; set; }

    /// <summary>The session known before any input arrives: -Session, else the runspace's (null when neither).</summary>
    private protected ScimGraphSession? SessionAtStart => Session ?? SessionStore.Current;

    /// <inheritdoc/>
    protected override void BeginProcessing() => Permissions.PermissionCheck.Preflight(this, SessionAtStart);

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

    /// <summary>
    /// The one app an exact display name or a service principal id names, with its job; writes ApplicationNotFound,
    /// AmbiguousApplication or the Graph error and returns null otherwise.
    /// </summary>
    protected ScimApplication? FindOneApplication(ScimGraphSession session, string? displayName, Guid? servicePrincipalId)
    {
        object target = (object?)displayName ?? servicePrincipalId!;
        try
        {
            List<JsonObject> sps = Await(ct => ApplicationQueries.FindServicePrincipalsAsync(session.Graph, displayName is null ? null : WildcardPattern.Escape(displayName), null, servicePrincipalId, ct));
            if (sps.Count == 0)
            {
                WriteError(Error(
                    "ApplicationNotFound",
                    ErrorCategory.ObjectNotFound,
                    target,
                    $"No enterprise application matches '{target}'.",
                    "List the apps with Get-ScimApplication, or create one with New-ScimApplication -DisplayName."));
                return null;
            }

            if (sps.Count > 1)
            {
                string ids = string.Join(", ", sps.Select(s => (string?)s["id"]));
                WriteError(Error(
                    "AmbiguousApplication",
                    ErrorCategory.InvalidArgument,
                    target,
                    $"{sps.Count} enterprise applications are named '{target}' (service principal ids {ids}).",
                    "Pass -ServicePrincipalId, or pipe the one you mean from Get-ScimApplication."));
                return null;
            }

            return new ScimApplication(Await(ct => AppReader.ReadAsync(session, HolderFor(session), sps[0], AppParts.Job | AppParts.Secrets, ct)), session);
        }
        catch (GraphRequestException ex)
        {
            WriteError(GraphErrorRecord(ex, "GetApplicationFailed", target));
            return null;
        }
    }

    /// <summary>This command, as the holder of the reads it makes or reuses in <paramref name="session"/>'s cache.</summary>
    internal object HolderFor(ScimGraphSession session)
    {
        lock (_held)
        {
            _held.Add(session);
        }

        return this;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The pipeline ended: the reads it held must not stand in for the next pipeline's.
            lock (_held)
            {
                foreach (ScimGraphSession session in _held)
                {
                    session.Reads.Release(this);
                }

                _held.Clear();
            }
        }

        base.Dispose(disposing);
    }
}
