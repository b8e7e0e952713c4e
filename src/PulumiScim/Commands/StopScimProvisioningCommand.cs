// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Turns provisioning off ("Provisioning Status: Off"): the job pauses, nothing is deleted.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "ScimProvisioning", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ScimApplication))]
public sealed class StopScimProvisioningCommand : ScimConfiguringCmdletBase
{
    /// <inheritdoc/>
    private protected override string Action => "Turn provisioning off";

    /// <inheritdoc/>
    private protected override AppParts Needs => AppParts.Job;

    /// <inheritdoc/>
    private protected override string NothingToDo(ScimApplication app) => $"Provisioning of '{app.DisplayName}' is not on; nothing to do.";

    /// <inheritdoc/>
    private protected override AppPlan? PlanFor(ScimApplication app, AppSnapshot snapshot) =>
        RequireJob(app, snapshot.JobId) ? JobPlanner.PlanStop(snapshot) : null;
}
