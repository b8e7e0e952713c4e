// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;

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

    /// <summary>Reads the assignments and resolves -User and -Group at the same time: neither needs the other.</summary>
    private protected override AppSnapshot ReadFor(ScimApplication app)
    {
        _resolved = null;
        if (User is null && Group is null)
        {
            return base.ReadFor(app);
        }

        Task<AppSnapshot> read = Begin(ct => AppReader.ReadAsync(AppRef.Of(app), HolderFor(app.Session), Needs, tolerant: false, ct));
        List<PrincipalResolution> resolved = Await(ct => PrincipalQueries.ResolveAsync(app.Session.Graph, User ?? [], Group ?? [], ct));
        AppSnapshot snapshot = AwaitTask(read);
        _resolved = resolved;
        return snapshot;
    }

    /// <summary>The users and groups named, resolved (an error written for each that did not resolve).</summary>
    private protected List<WantedPrincipal> Wanted(ScimApplication app) =>
        _resolved is { } resolved ? ReportUnresolved(resolved) : ResolvePrincipals(app, User, Group);
}
