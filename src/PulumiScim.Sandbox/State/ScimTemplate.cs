// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.State;

/// <summary>
/// The <c>scim</c> synchronization template of a non-gallery app: its id, metadata and default schema. The schema lives
/// in the embedded resource <c>scim-default-schema.json</c>, assembled from public evidence (docs/graph-facts.md, schema shape)
/// (no verbatim capture of a scim job's schema is public): an "Azure Active Directory" source directory, a
/// "customappsso" target directory with the enterprise User and core Group objects, and the outbound rule
/// 03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8 (USERGROUP_OUTBOUND_USERGROUP) with the default user and group mappings
/// (Entra docs: use-scim-to-provision-users-and-groups.md attribute tables). Groups start disabled.
/// </summary>
internal static class ScimTemplate
{
    /// <summary>The template id new non-gallery jobs use (entra-docs application-provisioning-config-problem-scim-compatibility.md).</summary>
    public const string TemplateId = "scim";

    /// <summary>The outbound rule id observed on SCIM-style templates (docs/graph-facts.md, schema shape).</summary>
    public const string RuleId = "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8";

    private static readonly Lazy<string> s_schemaText = new(() =>
    {
        using Stream s = typeof(ScimTemplate).Assembly.GetManifestResourceStream("PulumiScim.Sandbox.scim-default-schema.json")
            ?? throw new InvalidOperationException("The default scim schema is missing from the assembly.");
        using var reader = new StreamReader(s);
        return reader.ReadToEnd();
    });

    /// <summary>A fresh copy of the default schema for the job <paramref name="jobId"/>.</summary>
    public static JsonObject DefaultSchema(string jobId)
    {
        var schema = JsonNode.Parse(s_schemaText.Value)!.AsObject();
        schema["id"] = jobId;
        return schema;
    }

    /// <summary>The synchronizationTemplate as <c>GET .../synchronization/templates</c> lists it.</summary>
    public static JsonObject Template(string applicationId, bool includeSchema)
    {
        // Shape of the templates list in Microsoft's tutorial "Configure provisioning using the Microsoft Graph API", for the scim factory.
        var template = new JsonObject
        {
            ["id"] = TemplateId,
            ["applicationId"] = applicationId,
            ["default"] = true,
            ["description"] = null,
            ["discoverable"] = true,
            ["factoryTag"] = TemplateId,
            ["metadata"] = new JsonArray(
                new JsonObject { ["key"] = "AzureIngestionAttributeOptimization", ["value"] = "False" },
                new JsonObject { ["key"] = "galleryApplicationIdentifier", ["value"] = applicationId },
                new JsonObject { ["key"] = "galleryApplicationKey", ["value"] = "scim" },
                new JsonObject { ["key"] = "configurationFields", ["value"] = "[{\"name\":\"baseaddress\"},{\"name\":\"secrettoken\",\"secret\":true}]" }),
        };
        if (includeSchema)
        {
            template["schema"] = DefaultSchema(TemplateId + ".00000000000000000000000000000000");
        }

        return template;
    }
}
