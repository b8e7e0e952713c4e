// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Graph;
using PulumiScim.Model;

namespace PulumiScim.Commands;

/// <summary>How much of the job's state a restart clears (Graph's synchronizationJobRestartCriteria.resetScope flags).</summary>
[Flags]
public enum ScimResetScope
{
    /// <summary>Nothing beyond a plain restart.</summary>
    None = 0,

    /// <summary>The connector data store (the record of what was provisioned).</summary>
    ConnectorDataStore = 1,

    /// <summary>Entries waiting to be retried.</summary>
    Escrows = 2,

    /// <summary>The delta watermark: the next cycle is a full one.</summary>
    Watermark = 4,

    /// <summary>The quarantine state.</summary>
    QuarantineState = 8,

    /// <summary>Everything.</summary>
    Full = 16,

    /// <summary>Lets deletions over the accidental-deletion threshold through.</summary>
    ForceDeletes = 32,
}

/// <summary>
/// <para type="synopsis">Turns provisioning on ("Provisioning Status: On"), or restarts it.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "ScimProvisioning", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByApplicationSet)]
[OutputType(typeof(ScimApplication))]
public sealed class StartScimProvisioningCommand : ScimApplicationCmdletBase
{
    /// <summary>Restarts the job (a new full cycle) even when it is running.</summary>
    [Parameter]
    public SwitchParameter Restart { get; set; }

    /// <summary>With -Restart: what state to clear (Watermark, Escrows, QuarantineState, ConnectorDataStore, Full, ForceDeletes).</summary>
    [Parameter]
    public ScimResetScope ResetScope { get; set; }

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
    protected override void ProcessApplication(ScimApplication app)
    {
        if (app.JobId is null && IsWhatIf && !Restart)
        {
            // -WhatIf down a pipeline whose Set-ScimTenant would create the job.
            ShouldProcessChanges(app, "Turn provisioning on", ["provisioning status: (new job) -> Active"]);
            WriteObject(app);
            return;
        }

        if (!RequireJob(app))
        {
            return;
        }

        if (Restart)
        {
            string? scope = ResetScope == ScimResetScope.None ? null : ResetScope.ToString();
            if (ShouldProcessChanges(app, "Restart provisioning", [$"restart the job{(scope is null ? string.Empty : " clearing " + scope)}"]))
            {
                // The cycle in progress or last run, read before the restart: Wait-ScimProvisioning waits for a newer one.
                Await(ct => SyncOperations.RefreshJobAsync(app, ct));
                app.MarkChanged();
                Await(ct => SyncOperations.RestartAsync(app, scope, ct));
                Await(ct => SyncOperations.RefreshJobAsync(app, ct));
                WriteVerbose($"Restarted provisioning of '{app.DisplayName}'.");
            }

            WriteObject(app);
            return;
        }

        if (string.Equals(app.ProvisioningState, "Active", StringComparison.OrdinalIgnoreCase) && !string.Equals(app.StatusCode, "Quarantine", StringComparison.OrdinalIgnoreCase))
        {
            WriteVerbose($"Provisioning of '{app.DisplayName}' is already on; nothing to do.");
            WriteObject(app);
            return;
        }

        if (ShouldProcessChanges(app, "Turn provisioning on", [$"provisioning status: {app.ProvisioningState ?? "Disabled"} -> Active"]))
        {
            app.MarkChanged();
            Await(ct => SyncOperations.StartAsync(app, ct));
            app.ProvisioningState = "Active";
            if (app.StatusCode is "Paused" or "NotConfigured" or "Quarantine" or null)
            {
                app.StatusCode = "NotRun";
            }

            WriteVerbose($"Provisioning of '{app.DisplayName}' is on: Entra runs the first cycle shortly, then one about every 40 minutes.");
        }

        WriteObject(app);
    }
}

/// <summary>
/// <para type="synopsis">Turns provisioning off ("Provisioning Status: Off"): the job pauses, nothing is deleted.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "ScimProvisioning", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByApplicationSet)]
[OutputType(typeof(ScimApplication))]
public sealed class StopScimProvisioningCommand : ScimApplicationCmdletBase
{
    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app)
    {
        if (!RequireJob(app))
        {
            return;
        }

        if (!string.Equals(app.ProvisioningState, "Active", StringComparison.OrdinalIgnoreCase))
        {
            WriteVerbose($"Provisioning of '{app.DisplayName}' is not on ({app.ProvisioningState}); nothing to do.");
            WriteObject(app);
            return;
        }

        if (ShouldProcessChanges(app, "Turn provisioning off", ["provisioning status: Active -> Paused"]))
        {
            Await(ct => SyncOperations.PauseAsync(app, ct));
            app.ProvisioningState = "Paused";
            app.StatusCode = "Paused";
        }

        WriteObject(app);
    }
}
