// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;
using PulumiScim.Storage;

namespace PulumiScim.Commands;

/// <summary>
/// A cmdlet that edits the provisioning job's schema the plan-then-apply way: GET, plan (pure), ShouldProcess with
/// every change, back up, PUT the whole document, and pass the app on.
/// </summary>
public abstract class ScimSchemaCmdletBase : ScimApplicationCmdletBase
{
    /// <summary>The folder for the backup written before each schema write (default: the user's data folder, PulumiScim/backups).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BackupPath { get; set; }

    /// <summary>Reads the schema, plans with <paramref name="planner"/>, and writes only when the plan has changes.</summary>
    internal void ApplySchemaPlan(ScimApplication app, string action, Func<JsonObject, SchemaPlan> planner)
    {
        JsonObject current;
        if (app.JobId is null && IsWhatIf)
        {
            // -WhatIf down a pipeline whose Set-ScimTenant would create the job: plan against the schema the new job
            // would get, the scim template's (GET .../synchronization/templates).
            JsonObject? template = Await(ct => SyncOperations.GetTemplateSchemaAsync(app, ct));
            if (template is null)
            {
                RequireJob(app);
                return;
            }

            current = template;
        }
        else if (!RequireJob(app))
        {
            return;
        }
        else if (app.PendingSchemaCheck is null && app.SchemaRead is { } read && DateTime.UtcNow - read.At < ScimApplication.ReuseWindow)
        {
            // The previous step read this schema moments ago and changed nothing: reuse that read.
            current = read.Schema;
        }
        else
        {
            current = Await(ct => SyncOperations.GetSchemaAsync(app, ct));
        }

        if (!VerifyPreviousWrite(app, current))
        {
            return;
        }

        SchemaPlan plan;
        try
        {
            plan = planner(current);
        }
        catch (ProvisioningPlanException ex)
        {
            WriteError(new ErrorRecord(ex, "UnexpectedSchemaShape", ErrorCategory.InvalidData, app));
            return;
        }

        if (plan.IsEmpty)
        {
            app.SchemaRead = app.JobId is null ? null : (current, app.SchemaRead is { } r && ReferenceEquals(r.Schema, current) ? r.At : DateTime.UtcNow);
            WriteVerbose($"{action}: the schema of '{app.DisplayName}' already is as the guide prescribes; nothing to write.");
            WriteObject(app);
            return;
        }

        if (!ShouldProcessChanges(app, action, plan.Changes.Select(c => c.Description).ToList()))
        {
            WriteObject(app);
            return;
        }

        string? backupDir = BackupPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(BackupPath);
        string backup = SchemaFiles.SaveBackup(app, current, backupDir);
        WriteVerbose($"Saved the schema as it was to {backup} (restore it with Import-ScimSchema -Path).");
        app.SchemaRead = null;
        Await(ct => SyncOperations.PutSchemaAsync(app, plan.Schema, ct));
        app.PendingSchemaCheck = (action, planner);
        app.MarkChanged();
        WriteVerbose($"{action}: saved ({plan.Summary}).");
        WriteObject(app);
    }

    /// <summary>
    /// The read-back of the previous schema step of the pipeline: its plan must be empty on the schema read now.
    /// </summary>
    private bool VerifyPreviousWrite(ScimApplication app, JsonObject current)
    {
        if (app.PendingSchemaCheck is not { } pending)
        {
            return true;
        }

        app.PendingSchemaCheck = null;
        SchemaPlan again = pending.Planner(current);
        if (again.IsEmpty)
        {
            WriteVerbose($"Read back: the schema keeps what '{pending.Action}' wrote.");
            return true;
        }

        WriteError(Error(
            "SchemaWriteNotApplied",
            ErrorCategory.InvalidResult,
            app,
            $"The schema read back from Graph does not hold what the previous step ('{pending.Action}') wrote: {again.Summary}.",
            "Run the pipeline again; if this repeats, another process is editing the same app's mappings."));
        return false;
    }
}
