// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;
using PulumiScim.Provisioning;

namespace PulumiScim.Graph;

/// <summary>The Graph door's writes of app role assignments (appRoleAssignedTo).</summary>
internal static class AssignmentWrites
{
    /// <summary>
    /// Assigns a principal. After a broken connection the assignments are read back and the POST is resent only when
    /// this one is absent; an "already exists" answer means what was wanted is in place.
    /// </summary>
    /// <returns>False when Graph says the assignment exists already (made moments ago and not listed yet).</returns>
    public static async Task<bool> AddAsync(AppRef app, AssignmentChange change, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["principalId"] = change.PrincipalId,
            ["resourceId"] = app.Sp,
            ["appRoleId"] = change.AppRoleId.ToString(),
        };
        JsonObject? made = null;
        try
        {
            made = await CreateOnce.PostAsync(
                app.Session.Graph,
                $"servicePrincipals/{app.Sp}/appRoleAssignedTo",
                body,
                $"the assignment of {change.PrincipalDisplayName}",
                async c => (await PrincipalQueries.ListAssignmentsAsync(app.Session.Graph, app.Sp, c).ConfigureAwait(false)).FirstOrDefault(a =>
                    string.Equals((string?)a["principalId"], change.PrincipalId, StringComparison.OrdinalIgnoreCase)
                    && string.Equals((string?)a["appRoleId"], change.AppRoleId.ToString(), StringComparison.OrdinalIgnoreCase)),
                IsAlreadyAssigned,
                ct).ConfigureAwait(false) as JsonObject;
            made?.Remove("@odata.context");
            return true;
        }
        catch (GraphRequestException ex) when (IsAlreadyAssigned(ex))
        {
            return false;
        }
        finally
        {
            SyncOperations.Wrote(app, s => s.WithAssignment(made));
        }
    }

    /// <summary>Removes an assignment by its id; false when Graph says it is gone already (still listed while the removal replicates).</summary>
    public static async Task<bool> RemoveAsync(AppRef app, string assignmentId, CancellationToken ct)
    {
        bool done = false;
        try
        {
            bool deleted = await PrincipalQueries.RemoveAssignmentAsync(app.Session.Graph, app.Sp, assignmentId, ct).ConfigureAwait(false);
            done = true;
            return deleted;
        }
        finally
        {
            SyncOperations.Wrote(app, s => done ? s.WithoutAssignment(assignmentId) : s.Without(AppParts.Assignments));
        }
    }

    private static bool IsAlreadyAssigned(GraphRequestException ex) =>
        ex.StatusCode == HttpStatusCode.BadRequest && (ex.GraphMessage ?? string.Empty).Contains("already exists", StringComparison.OrdinalIgnoreCase);
}
