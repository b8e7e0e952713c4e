// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Lists the provisioning job's attribute mappings (what the portal shows under Mappings), users and groups.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ScimMapping", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ScimAttributeMapping))]
public sealed class GetScimMappingCommand : ScimApplicationCmdletBase
{
    /// <summary>Only the User or the Group object mapping.</summary>
    [Parameter]
    [ValidateSet("User", "Group")]
    public string? Object { get; set; }

    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app)
    {
        AppSnapshot snapshot = Read(app, AppParts.Job | AppParts.Schema);
        if (!RequireJob(app, snapshot.JobId))
        {
            return;
        }

        JsonObject schema = snapshot.Schema!;
        SchemaParts parts;
        try
        {
            parts = SchemaParts.Locate(schema);
        }
        catch (ProvisioningPlanException ex)
        {
            WriteError(new ErrorRecord(ex, "UnexpectedSchemaShape", ErrorCategory.InvalidData, app));
            return;
        }

        JsonObject? directory = schema["directories"] is JsonArray dirs
            ? dirs.OfType<JsonObject>().FirstOrDefault(d => SchemaJson.SameName((string?)d["name"], (string?)parts.Rule["targetDirectoryName"]))
            : null;
        foreach (JsonObject mapping in (parts.Rule["objectMappings"] as JsonArray ?? []).OfType<JsonObject>())
        {
            string? source = (string?)mapping["sourceObjectName"];
            if (source is not ("User" or "Group") || (Object is not null && !string.Equals(Object, source, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            JsonObject? target = directory?["objects"] is JsonArray objects
                ? objects.OfType<JsonObject>().FirstOrDefault(o => SchemaJson.SameName((string?)o["name"], (string?)mapping["targetObjectName"]))
                : null;
            bool enabled = (bool?)mapping["enabled"] ?? false;
            foreach (JsonObject m in (mapping["attributeMappings"] as JsonArray ?? []).OfType<JsonObject>())
            {
                string name = (string?)m["targetAttributeName"] ?? string.Empty;
                JsonObject? definition = target is null ? null : SchemaParts.FindAttribute(target, name);
                WriteObject(new ScimAttributeMapping(
                    app.DisplayName,
                    source,
                    enabled,
                    name,
                    SchemaJson.RenderSource(m["source"]),
                    (string?)m["flowType"],
                    (int?)SchemaJson.GetNumber(m, "matchingPriority") ?? 0,
                    (bool?)definition?["required"] ?? false));
            }
        }
    }
}
