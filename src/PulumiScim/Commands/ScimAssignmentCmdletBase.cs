// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Graph;

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
}
