// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Turns off "Provision Groups": Entra stops creating and updating Pulumi teams.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Disable, "ScimGroupProvisioning", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ScimApplication))]
public sealed class DisableScimGroupProvisioningCommand : ScimSchemaCmdletBase
{
    /// <inheritdoc/>
    private protected override string Action => "Disable group provisioning";

    /// <inheritdoc/>
    private protected override SchemaPlan PlanSchema(JsonObject schema) => SchemaPlanner.PlanGroupProvisioning(schema, enable: false);
}
