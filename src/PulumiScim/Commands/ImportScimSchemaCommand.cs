// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;
using PulumiScim.Storage;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Restores a provisioning job's whole mapping configuration from a file written by Export-ScimSchema or by a backup.</para>
/// </summary>
[Cmdlet(VerbsData.Import, "ScimSchema", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ScimApplication))]
public sealed class ImportScimSchemaCommand : ScimConfiguringCmdletBase
{
    private JsonObject _schema = null!;

    /// <summary>The schema file (an export or a backup).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>The folder for the backup of the schema being replaced (default: the user's data folder, PulumiScim/backups).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BackupPath { get; set; }

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            _schema = SchemaFiles.Read(path);
        }
        catch (InvalidDataException ex)
        {
            ThrowTerminatingError(Error("InvalidSchemaFile", ErrorCategory.InvalidData, Path, ex.Message, "Pass a file written by Export-ScimSchema or a schema backup.", ex));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(Error("SchemaFileUnreadable", ErrorCategory.ReadError, Path, $"Could not read '{path}': {ex.Message}", "Check the path.", ex));
        }
    }

    /// <inheritdoc/>
    private protected override string Action => "Replace the provisioning schema";

    /// <inheritdoc/>
    private protected override AppParts Needs => AppParts.Job | AppParts.Schema;

    /// <inheritdoc/>
    private protected override string? BackupDirectory => BackupPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(BackupPath);

    /// <inheritdoc/>
    private protected override string NothingToDo(ScimApplication app) => $"The schema of '{app.DisplayName}' already equals '{Path}'; nothing to write.";

    /// <inheritdoc/>
    private protected override AppPlan? PlanFor(ScimApplication app, AppSnapshot snapshot) =>
        RequireJob(app, snapshot.JobId) ? SchemaStepPlanner.PlanReplace(snapshot.Schema!, _schema, Path) : null;
}
