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
        JsonObject body = Body(app, change);
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

    /// <summary>
    /// Assigns several principals with their POSTs in JSON batches (<see cref="GraphBatch"/>): one round trip for up to
    /// 80. Each change gets its own outcome, as <see cref="AddAsync"/> gives it: made, already there, or Graph's error for
    /// that principal. A batch whose connection broke may have been applied: its changes go the single way, which reads
    /// back before it sends again.
    /// </summary>
    public static async Task<List<(AssignmentChange Change, bool Made, GraphRequestException? Error)>> AddManyAsync(AppRef app, IReadOnlyList<AssignmentChange> changes, CancellationToken ct)
    {
        string path = $"servicePrincipals/{app.Sp}/appRoleAssignedTo";
        BatchResult[] results = changes.Count < 2
            ? []
            : await GraphBatch.SendAsync(app.Session.Graph, changes.Select(c => new BatchItem(HttpMethod.Post, path, Body(app, c))).ToList(), ct).ConfigureAwait(false);
        var outcomes = new List<(AssignmentChange, bool, GraphRequestException?)>();
        for (int i = 0; i < changes.Count; i++)
        {
            if (results.Length == 0 || results[i].Failure is { ConnectionFailed: true })
            {
                outcomes.Add(await AddOrErrorAsync(app, changes[i], ct).ConfigureAwait(false));
                continue;
            }

            GraphRequestException? error = results[i].Answer is { IsSuccess: true } ? null : results[i].Error();
            JsonObject? made = error is null ? results[i].Answer!.Body as JsonObject : null;
            made?.Remove("@odata.context");
            SyncOperations.Wrote(app, s => s.WithAssignment(made));
            outcomes.Add(error is not null && IsAlreadyAssigned(error) ? (changes[i], false, null) : (changes[i], error is null, error));
        }

        return outcomes;
    }

    private static async Task<(AssignmentChange, bool, GraphRequestException?)> AddOrErrorAsync(AppRef app, AssignmentChange change, CancellationToken ct)
    {
        try
        {
            return (change, await AddAsync(app, change, ct).ConfigureAwait(false), null);
        }
        catch (GraphRequestException ex)
        {
            return (change, false, ex);
        }
    }

    private static JsonObject Body(AppRef app, AssignmentChange change) => new()
    {
        ["principalId"] = change.PrincipalId,
        ["resourceId"] = app.Sp,
        ["appRoleId"] = change.AppRoleId.ToString(),
    };

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
