// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Storage;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Saves the provisioning job's whole mapping configuration (its synchronization schema) to a JSON file.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "ScimSchema", SupportsShouldProcess = true, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportScimSchemaCommand : ScimApplicationCmdletBase
{
    /// <summary>The file to write.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>Overwrites an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app)
    {
        AppSnapshot snapshot = Read(app, AppParts.Job | AppParts.Schema);
        if (!RequireJob(app, snapshot.JobId))
        {
            return;
        }

        string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (File.Exists(path) && !Force)
        {
            WriteError(Error("FileExists", ErrorCategory.ResourceExists, Path, $"'{path}' already exists.", "Pass -Force to overwrite it, or choose another -Path."));
            return;
        }

        JsonObject schema = snapshot.Schema!;
        if (ShouldProcess(path, $"Export the schema of '{app.DisplayName}'"))
        {
            SchemaFiles.Write(path, schema, overwrite: true);
            // The provider's item carries PSPath, so the output pipes into Get-Content, Copy-Item and the like.
            WriteObject(InvokeProvider.Item.Get(path), enumerateCollection: true);
        }
    }
}
