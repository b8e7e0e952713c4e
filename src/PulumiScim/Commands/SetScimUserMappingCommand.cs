// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Applies the guide's user attribute mappings: userName from mailNickname, only the six attributes Pulumi accepts, emails required.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "ScimUserMapping", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ScimApplication))]
public sealed class SetScimUserMappingCommand : ScimSchemaCmdletBase
{
    /// <summary>The source of Pulumi's userName: MailNickname (the guide) or UserPrincipalName (Pulumi's guide since 2024).</summary>
    [Parameter]
    public UserNameSource UserNameSource { get; set; } = UserNameSource.MailNickname;

    /// <summary>When userName flows: CreateOnly ("Only during object creation", because Pulumi usernames are immutable) or Always.</summary>
    [Parameter]
    public UserNameFlow UserNameFlow { get; set; } = UserNameFlow.CreateOnly;

    /// <inheritdoc/>
    private protected override string Action => "Set the user attribute mappings";

    /// <inheritdoc/>
    private protected override SchemaPlan PlanSchema(JsonObject schema) => SchemaPlanner.PlanUserMapping(schema, UserNameSource, UserNameFlow);
}
