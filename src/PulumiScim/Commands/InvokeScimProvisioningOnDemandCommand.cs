// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Provisions one user or group to Pulumi now, without waiting for the next cycle, and shows what happened step by step.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ScimProvisioningOnDemand", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ScimOnDemandResult))]
public sealed class InvokeScimProvisioningOnDemandCommand : ScimApplicationCmdletBase
{
    /// <summary>Users by object id, user principal name or exact display name.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("UserPrincipalName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserCompleter))]
    public string[]? User { get; set; }

    /// <summary>Security groups by object id or exact display name.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(GroupCompleter))]
    public string[]? Group { get; set; }

    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app)
    {
        AppSnapshot snapshot = Read(app, AppParts.Job | AppParts.Schema);
        if (!RequireJob(app, snapshot.JobId))
        {
            return;
        }

        if ((User?.Length ?? 0) + (Group?.Length ?? 0) == 0)
        {
            WriteError(Error("NoPrincipal", ErrorCategory.InvalidArgument, app, "Nothing to provision.", "Pass -User or -Group."));
            return;
        }

        List<WantedPrincipal> principals = ResolvePrincipals(app, User, Group);
        if (principals.Count == 0)
        {
            return;
        }

        string? ruleId;
        try
        {
            ruleId = SchemaParts.Locate(snapshot.Schema!).Rule["id"]?.GetValue<string>();
        }
        catch (ProvisioningPlanException ex)
        {
            WriteError(new ErrorRecord(ex, "UnexpectedSchemaShape", ErrorCategory.InvalidData, app));
            return;
        }

        foreach (WantedPrincipal p in principals)
        {
            string type = p.Kind == PrincipalKind.Group ? "Group" : "User";
            if (!ShouldProcess($"{type} {p.DisplayName}", $"Provision to Pulumi now through '{app.DisplayName}'"))
            {
                continue;
            }

            ProvisionOne(AppRef.Of(app.Session, snapshot), ruleId, p, type);
        }
    }

    private void ProvisionOne(AppRef app, string? ruleId, WantedPrincipal p, string type)
    {
        try
        {
            JsonNode? answer = Await(ct => SyncOperations.ProvisionOnDemandAsync(app, ruleId, p.Id, type, ct));
            JsonObject? key = ParseEmbedded((string?)answer?["key"]);
            JsonObject details = ParseEmbedded((string?)answer?["value"]) ?? [];
            var result = new ScimOnDemandResult(p.DisplayName, type, key, details);
            foreach (ScimProvisioningStep step in result.Steps)
            {
                WriteVerbose($"{step.Type} {step.Status}: {step.Description}");
            }

            WriteObject(result);
        }
        catch (GraphRequestException ex)
        {
            WriteError(GraphErrorRecord(ex, "ProvisionOnDemandFailed", p.DisplayName));
        }
    }

    /// <summary>provisionOnDemand answers key and value as JSON inside strings (docs/graph-facts.md).</summary>
    private static JsonObject? ParseEmbedded(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
