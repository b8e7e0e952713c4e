// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Turns provisioning on ("Provisioning Status: On"), or restarts it.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "ScimProvisioning", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ScimApplication))]
public sealed class StartScimProvisioningCommand : ScimConfiguringCmdletBase
{
    /// <summary>Restarts the job (a new full cycle) even when it is running.</summary>
    [Parameter]
    public SwitchParameter Restart { get; set; }

    /// <summary>With -Restart: what state to clear (Watermark, Escrows, QuarantineState, ConnectorDataStore, Full, ForceDeletes).</summary>
    [Parameter]
    public ScimResetScope ResetScope { get; set; }

    /// <inheritdoc/>
    private protected override string Action => Restart ? "Restart provisioning" : "Turn provisioning on";

    /// <inheritdoc/>
    private protected override AppParts Needs => AppParts.Job;

    /// <inheritdoc/>
    private protected override string NothingToDo(ScimApplication app) => $"Provisioning of '{app.DisplayName}' is already on; nothing to do.";

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (MyInvocation.BoundParameters.ContainsKey(nameof(ResetScope)) && !Restart)
        {
            ThrowTerminatingError(Error("ResetScopeWithoutRestart", ErrorCategory.InvalidArgument, ResetScope, "-ResetScope only applies to a restart.", "Add -Restart."));
        }
    }

    /// <inheritdoc/>
    private protected override AppPlan? PlanFor(ScimApplication app, AppSnapshot snapshot)
    {
        // -WhatIf down a pipeline whose Set-ScimTenant would create the job: the new job would be started.
        if (snapshot.JobId is null && (Restart || !IsWhatIf))
        {
            RequireJob(app, null);
            return null;
        }

        return Restart
            ? JobPlanner.PlanRestart(ResetScope == ScimResetScope.None ? null : ResetScope.ToString())
            : JobPlanner.PlanStart(snapshot, jobPlanned: true);
    }
}
