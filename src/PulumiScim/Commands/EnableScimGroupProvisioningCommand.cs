// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Turns on "Provision Groups" and removes the group mapping objectId -> externalId, as the guide says.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "ScimGroupProvisioning", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByApplicationSet)]
[OutputType(typeof(ScimApplication))]
public sealed class EnableScimGroupProvisioningCommand : ScimSchemaCmdletBase
{
    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app) =>
        ApplySchemaPlan(app, "Enable group provisioning", schema => SchemaPlanner.PlanGroupProvisioning(schema, enable: true));
}

/// <summary>
/// <para type="synopsis">Turns off "Provision Groups": Entra stops creating and updating Pulumi teams.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Disable, "ScimGroupProvisioning", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByApplicationSet)]
[OutputType(typeof(ScimApplication))]
public sealed class DisableScimGroupProvisioningCommand : ScimSchemaCmdletBase
{
    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app) =>
        ApplySchemaPlan(app, "Disable group provisioning", schema => SchemaPlanner.PlanGroupProvisioning(schema, enable: false));
}
