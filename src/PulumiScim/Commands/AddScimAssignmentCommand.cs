// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Assigns users and groups to the enterprise app, so Entra provisions them to Pulumi (the guide's "Assign Users and/or Groups").</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "ScimAssignment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ScimApplication))]
public sealed class AddScimAssignmentCommand : ScimAssignmentCmdletBase
{
    /// <inheritdoc/>
    private protected override string Action => "Assign users and groups";

    /// <inheritdoc/>
    private protected override string NothingToDo(ScimApplication app) => $"Every user and group named is already assigned to '{app.DisplayName}'.";

    /// <inheritdoc/>
    private protected override AppPlan? PlanFor(ScimApplication app, AppSnapshot snapshot)
    {
        if (User is null && Group is null)
        {
            WriteError(Error("NoPrincipal", ErrorCategory.InvalidArgument, app, "Nothing to assign.", "Pass -User and/or -Group."));
            return null;
        }

        List<WantedPrincipal> wanted = Wanted(app);
        try
        {
            return AssignmentStepPlanner.PlanAdd(snapshot, wanted);
        }
        catch (ProvisioningPlanException ex)
        {
            WriteError(new ErrorRecord(ex, "NoAssignableRole", ErrorCategory.InvalidData, app));
            return null;
        }
    }
}
