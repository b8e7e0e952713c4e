// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Removes users and groups from the enterprise app; Entra then deactivates them in Pulumi on its next cycle.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ScimAssignment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ScimApplication))]
public sealed class RemoveScimAssignmentCommand : ScimAssignmentCmdletBase
{
    /// <summary>Object ids of assigned principals (for example from Get-ScimAssignment).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? PrincipalId { get; set; }

    /// <inheritdoc/>
    private protected override string Action => "Remove assignments";

    /// <inheritdoc/>
    private protected override string NothingToDo(ScimApplication app) => $"None of the users and groups named is assigned to '{app.DisplayName}'; nothing to remove.";

    /// <inheritdoc/>
    private protected override AppPlan? PlanFor(ScimApplication app, AppSnapshot snapshot)
    {
        if (User is null && Group is null && PrincipalId is null)
        {
            WriteError(Error("NoPrincipal", ErrorCategory.InvalidArgument, app, "Nothing to remove.", "Pass -User, -Group or -PrincipalId."));
            return null;
        }

        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (WantedPrincipal p in Wanted(app))
        {
            ids[p.Id] = p.DisplayName;
        }

        foreach (string id in PrincipalId ?? [])
        {
            ids[id] = id;
        }

        AppPlan plan = AssignmentStepPlanner.PlanRemove(snapshot, ids.Keys);
        foreach (var (id, name) in ids.Where(kv => !snapshot.Assignments.Any(a => string.Equals((string?)a["principalId"], kv.Key, StringComparison.OrdinalIgnoreCase))))
        {
            WriteVerbose($"{name} is not assigned to '{app.DisplayName}'; nothing to remove.");
        }

        return plan;
    }
}
