// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;
using PulumiScim.Session;

namespace PulumiScim.Commands;

/// <summary>Shared by the assignment cmdlets: -User and -Group, planned on the app's assignments.</summary>
public abstract class ScimAssignmentCmdletBase : ScimConfiguringCmdletBase
{
    /// <summary>Users by object id, user principal name or exact display name.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("UserPrincipalName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserCompleter))]
    public string[]? User { get; set; }

    /// <summary>Security groups by object id or exact display name.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(GroupCompleter))]
    public string[]? Group { get; set; }

    /// <inheritdoc/>
    private protected override AppParts Needs => AppParts.Assignments;

    /// <summary>The principals resolved alongside the read of the assignments (see <see cref="ReadFor"/>).</summary>
    private List<PrincipalResolution>? _resolved;

    /// <summary>The resolution of the names given on the command line, started when the pipeline began.</summary>
    private (ScimGraphSession Session, string[]? User, string[]? Group, Task<List<PrincipalResolution>> Task)? _early;

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        base.BeginProcessing();

        // The names are known before any app arrives: resolve them while the commands before this one work.
        if ((User is not null || Group is not null) && SessionAtStart is { IsDisconnected: false } session)
        {
            string[]? user = User, group = Group;
            _early = (session, user, group, Begin(ct => PrincipalQueries.ResolveAsync(session.Graph, user ?? [], group ?? [], ct)));
        }
    }

    /// <summary>Reads the assignments and resolves -User and -Group at the same time: neither needs the other.</summary>
    private protected override AppSnapshot ReadFor(ScimApplication app)
    {
        _resolved = null;
        if (User is null && Group is null)
        {
            return base.ReadFor(app);
        }

        Task<List<PrincipalResolution>> resolving = TakeEarly(app) ?? Begin(ct => PrincipalQueries.ResolveAsync(app.Session.Graph, User ?? [], Group ?? [], ct));
        Task<AppSnapshot> read = Begin(ct => AppReader.ReadAsync(AppRef.Of(app), HolderFor(app.Session), Needs, tolerant: false, ct));
        List<PrincipalResolution> resolved = AwaitTask(resolving);
        AppSnapshot snapshot = AwaitTask(read);
        _resolved = resolved;
        return snapshot;
    }

    /// <summary>The early resolution, once, when it was made on this app's session for the names bound now.</summary>
    private Task<List<PrincipalResolution>>? TakeEarly(ScimApplication app)
    {
        var early = _early;
        _early = null;
        if (early is not { } e)
        {
            return null;
        }

        if (ReferenceEquals(e.Session, app.Session) && ReferenceEquals(e.User, User) && ReferenceEquals(e.Group, Group))
        {
            return e.Task;
        }

        e.Task.ObserveEnd();
        return null;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        // No app came for the early resolution (or none matched it): it stops with the command, its end observed.
        if (disposing && _early is { } e)
        {
            _early = null;
            e.Task.ObserveEnd();
        }

        base.Dispose(disposing);
    }

    /// <summary>The users and groups named, resolved (an error written for each that did not resolve).</summary>
    private protected List<WantedPrincipal> Wanted(ScimApplication app) =>
        _resolved is { } resolved ? ReportUnresolved(resolved) : ResolvePrincipals(app, User, Group);
}
