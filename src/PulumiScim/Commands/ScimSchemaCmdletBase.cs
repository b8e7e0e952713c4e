// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Commands;

/// <summary>
/// A cmdlet that edits the provisioning job's schema: read it, plan a guide step (pure), and let the applier back it
/// up, write it and read it back.
/// </summary>
public abstract class ScimSchemaCmdletBase : ScimConfiguringCmdletBase
{
    /// <summary>The folder for the backup written before each schema write (default: the user's data folder, PulumiScim/backups).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BackupPath { get; set; }

    /// <inheritdoc/>
    private protected override AppParts Needs => AppParts.Job | AppParts.Schema;

    /// <inheritdoc/>
    private protected override string? BackupDirectory => BackupPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(BackupPath);

    /// <inheritdoc/>
    private protected override string NothingToDo(ScimApplication app) => $"{Action}: the schema of '{app.DisplayName}' already is as the guide prescribes; nothing to write.";

    /// <summary>The guide step's planner.</summary>
    private protected abstract SchemaPlan PlanSchema(JsonObject schema);

    /// <inheritdoc/>
    private protected override AppPlan? PlanFor(ScimApplication app, AppSnapshot snapshot)
    {
        JsonObject? schema = snapshot.Schema;
        if (snapshot.JobId is null && IsWhatIf)
        {
            // -WhatIf down a pipeline whose Set-ScimTenant would create the job: plan against the schema the new job
            // would get, the scim template's.
            schema = Await(ct => SyncOperations.GetTemplateSchemaAsync(AppRef.Of(app), ct));
        }

        if (schema is null)
        {
            RequireJob(app, null);
            return null;
        }

        try
        {
            return SchemaStepPlanner.Plan(schema, PlanSchema);
        }
        catch (ProvisioningPlanException ex)
        {
            WriteError(new ErrorRecord(ex, "UnexpectedSchemaShape", ErrorCategory.InvalidData, app));
            return null;
        }
    }
}
