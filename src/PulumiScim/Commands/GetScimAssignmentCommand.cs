// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Lists the users and groups assigned to the enterprise app.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ScimAssignment", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ScimAssignment))]
public sealed class GetScimAssignmentCommand : ScimApplicationCmdletBase
{
    /// <summary>Only users or only groups.</summary>
    [Parameter]
    [ValidateSet("User", "Group")]
    public string? PrincipalType { get; set; }

    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app)
    {
        AppSnapshot snapshot = Read(app, AppParts.Assignments);
        var roles = AppRoleInfo.FromJson(snapshot.ServicePrincipal["appRoles"]);
        foreach (JsonObject a in snapshot.Assignments)
        {
            if (PrincipalType is not null && !string.Equals((string?)a["principalType"], PrincipalType, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string? roleName = roles.FirstOrDefault(r => string.Equals(r.Id.ToString(), (string?)a["appRoleId"], StringComparison.OrdinalIgnoreCase))?.Label
                ?? ((string?)a["appRoleId"] == Guid.Empty.ToString() ? "Default Access" : null);
            WriteObject(new ScimAssignment(a, app, roleName));
        }
    }
}
