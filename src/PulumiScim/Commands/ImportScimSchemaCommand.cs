// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Storage;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Restores a provisioning job's whole mapping configuration from a file written by Export-ScimSchema or by a backup.</para>
/// </summary>
[Cmdlet(VerbsData.Import, "ScimSchema", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByApplicationSet)]
[OutputType(typeof(ScimApplication))]
public sealed class ImportScimSchemaCommand : ScimApplicationCmdletBase
{
    private JsonObject _schema = null!;

    /// <summary>The schema file (an export or a backup).</summary>
    [Parameter(Mandatory = true, Position = 0)]
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
    protected override void ProcessApplication(ScimApplication app)
    {
        if (!RequireJob(app))
        {
            return;
        }

        JsonObject current = Await(ct => SyncOperations.GetSchemaAsync(app, ct));
        if (JsonNode.DeepEquals(current, _schema))
        {
            WriteVerbose($"The schema of '{app.DisplayName}' already equals '{Path}'; nothing to write.");
            WriteObject(app);
            return;
        }

        if (!ShouldProcessChanges(app, "Replace the provisioning schema", [$"replace the whole schema with '{Path}'"]))
        {
            WriteObject(app);
            return;
        }

        string? backupDir = BackupPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(BackupPath);
        string backup = SchemaFiles.SaveBackup(app, current, backupDir);
        WriteVerbose($"Saved the schema as it was to {backup}.");
        app.SchemaRead = null;
        Await(ct => SyncOperations.PutSchemaAsync(app, (JsonObject)_schema.DeepClone(), ct));
        app.PendingSchemaCheck = null; // the whole schema was replaced: an earlier step's read-back no longer applies
        app.MarkChanged();
        WriteVerbose($"Restored the schema of '{app.DisplayName}' from '{Path}'.");
        WriteObject(app);
    }
}
