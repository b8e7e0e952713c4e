// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using PulumiScim.Graph;
using PulumiScim.Model;

namespace PulumiScim.Provisioning;

/// <summary>Plans the job's lifecycle: start ("Provisioning Status: On"), pause (Off) and restart.</summary>
internal static class JobPlanner
{
    /// <summary>The guide's last step: provisioning on, and out of quarantine.</summary>
    /// <param name="app">The app, read with its job.</param>
    /// <param name="jobPlanned">Whether an earlier step of the pipeline would create the job (-WhatIf).</param>
    public static AppPlan PlanStart(AppSnapshot app, bool jobPlanned = false)
    {
        if (app.JobId is null)
        {
            return jobPlanned
                ? new AppPlan([], [new StartJobChange("(new job)")])
                : AppPlan.Failed("Provisioning status", "On (job Active, not in quarantine)", "no job", "Run Set-ScimTenant first: it creates the job.");
        }

        string? state = app.ScheduleState;
        string? code = app.StatusCode;
        bool quarantined = string.Equals(code, "Quarantine", StringComparison.OrdinalIgnoreCase);
        bool on = string.Equals(state, "Active", StringComparison.OrdinalIgnoreCase) && !quarantined;
        var check = new ScimConfigurationCheck("Provisioning status", "On (job Active, not in quarantine)", $"{state} ({code})", on,
            quarantined ? "Fix the cause shown by Get-ScimProvisioningStatus, then run Start-ScimProvisioning." : "Run Start-ScimProvisioning.");
        return new AppPlan([check], on ? [] : [new StartJobChange(state ?? "Disabled")]);
    }

    /// <summary>Provisioning off: pauses an active job.</summary>
    public static AppPlan PlanStop(AppSnapshot app)
    {
        bool active = string.Equals(app.ScheduleState, "Active", StringComparison.OrdinalIgnoreCase);
        var check = new ScimConfigurationCheck("Provisioning status", "Off (job not Active)", app.ScheduleState ?? "(none)", !active, "Run Stop-ScimProvisioning.");
        return new AppPlan([check], active ? [new PauseJobChange()] : []);
    }

    /// <summary>A restart, always planned: it starts a new cycle.</summary>
    public static AppPlan PlanRestart(string? resetScope) => new([], [new RestartJobChange(resetScope)]);
}
