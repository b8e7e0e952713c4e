// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Turns on "Provision Groups" and removes the group mapping objectId -> externalId, as the guide says.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "ScimGroupProvisioning", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ScimApplication))]
public sealed class EnableScimGroupProvisioningCommand : ScimSchemaCmdletBase
{
    /// <inheritdoc/>
    private protected override string Action => "Enable group provisioning";

    /// <inheritdoc/>
    private protected override SchemaPlan PlanSchema(JsonObject schema) => SchemaPlanner.PlanGroupProvisioning(schema, enable: true);
}
