// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Security;
using PulumiScim.Model;
using PulumiScim.Provisioning;
using PulumiScim.Storage;

namespace PulumiScim.Graph;

/// <summary>What the applier needs beside the plan.</summary>
/// <param name="App">The app as the pipeline carries it (names the backups).</param>
/// <param name="Holder">The command applying (holds the read-back in the session's cache).</param>
/// <param name="Token">The Pulumi SCIM token, for a secrets write.</param>
/// <param name="BackupDirectory">Where schema backups go (null: the default folder).</param>
internal sealed record ApplyContext(ScimApplication App, object Holder, SecureString? Token, string? BackupDirectory);

/// <summary>A change that failed while the others went on (assignments), with Graph's answer.</summary>
internal sealed record ApplyFailure(AppChange Change, GraphRequestException Error);

/// <summary>A write Graph accepted but does not show when read back.</summary>
internal sealed class ReadBackException(string message) : Exception(message);

/// <summary>
/// The one applier: carries out any plan's changes in order through the Graph door. The job is created before
/// anything that needs it; the schema is backed up before it is written and read back after; calls on a job this
/// session just created wait out replication (in the door).
/// </summary>
internal static class PlanApplier
{
    /// <summary>Applies <paramref name="plan"/>; returns the app's address (with the job it may have created) and the changes that failed.</summary>
    /// <exception cref="GraphRequestException">A write other than an assignment failed: the changes after it were not made.</exception>
    /// <exception cref="ReadBackException">A schema write does not show when read back.</exception>
    public static async Task<(AppRef App, List<ApplyFailure> Failures)> ApplyAsync(AppRef app, AppPlan plan, ApplyContext context, CancellationToken ct)
    {
        var failures = new List<ApplyFailure>();
        var changes = plan.Changes.ToList();
        for (int i = 0; i < changes.Count; i++)
        {
            // New assignments next to each other are independent: their POSTs go together in JSON batches.
            var adds = changes.Skip(i).TakeWhile(c => c is AddAssignmentChange).Cast<AddAssignmentChange>().ToList();
            if (adds.Count > 1)
            {
                failures.AddRange(await AddAssignmentsAsync(app, adds, context, ct).ConfigureAwait(false));
                i += adds.Count - 1;
                continue;
            }

            try
            {
                app = await ApplyOneAsync(app, changes[i], context, ct).ConfigureAwait(false);
            }
            catch (GraphRequestException ex) when (changes[i] is AddAssignmentChange or RemoveAssignmentChange)
            {
                failures.Add(new ApplyFailure(changes[i], ex));
            }
        }

        return (app, failures);
    }

    private static async Task<IEnumerable<ApplyFailure>> AddAssignmentsAsync(AppRef app, List<AddAssignmentChange> adds, ApplyContext context, CancellationToken ct)
    {
        var outcomes = await AssignmentWrites.AddManyAsync(app, adds.Select(a => a.Change).ToList(), ct).ConfigureAwait(false);
        var failures = new List<ApplyFailure>();
        for (int i = 0; i < adds.Count; i++)
        {
            (_, bool made, GraphRequestException? error) = outcomes[i];
            if (error is not null)
            {
                failures.Add(new ApplyFailure(adds[i], error));
                continue;
            }

            GraphEvents.Verbose(Assigned(adds[i], made, context));
        }

        return failures;
    }

    private static string Assigned(AddAssignmentChange add, bool made, ApplyContext context) => made
        ? $"Assigned {add.Change.PrincipalKind.ToString().ToLowerInvariant()} {add.Change.PrincipalDisplayName} to '{context.App.DisplayName}'."
        : $"{add.Change.PrincipalDisplayName} is already assigned to '{context.App.DisplayName}' (Graph says so; the assignment list does not show it yet).";

    private static async Task<AppRef> ApplyOneAsync(AppRef app, AppChange change, ApplyContext context, CancellationToken ct)
    {
        switch (change)
        {
            case CreateJobChange:
                var job = await SyncOperations.CreateJobAsync(app, ct).ConfigureAwait(false);
                app = app with { JobId = (string?)job?["id"] };
                GraphEvents.Verbose($"Created the provisioning job {app.JobId}.");
                break;
            case PutSecretsChange secrets:
                byte[] body = secrets.Plan.BuildPutBody(new NetworkCredential(string.Empty, context.Token ?? throw new InvalidOperationException(secrets.Plan.TokenRequiredMessage)).Password);
                await SyncOperations.PutSecretsAsync(app, body, secrets.Plan.Written, ct).ConfigureAwait(false);
                GraphEvents.Verbose($"Saved the Admin Credentials of '{context.App.DisplayName}': {secrets.Plan.Summary}.");
                break;
            case PutSchemaChange schema:
                await WriteSchemaAsync(app, schema, context, ct).ConfigureAwait(false);
                break;
            case StartJobChange:
                await SyncOperations.StartAsync(app, ct).ConfigureAwait(false);
                GraphEvents.Verbose($"Provisioning of '{context.App.DisplayName}' is on: Entra runs the first cycle shortly, then one about every 40 minutes.");
                break;
            case PauseJobChange:
                await SyncOperations.PauseAsync(app, ct).ConfigureAwait(false);
                break;
            case RestartJobChange restart:
                await SyncOperations.RestartAsync(app, restart.ResetScope, ct).ConfigureAwait(false);
                GraphEvents.Verbose($"Restarted provisioning of '{context.App.DisplayName}'.");
                break;
            case AddAssignmentChange add:
                GraphEvents.Verbose(Assigned(add, await AssignmentWrites.AddAsync(app, add.Change, ct).ConfigureAwait(false), context));
                break;
            case RemoveAssignmentChange remove:
                bool deleted = await AssignmentWrites.RemoveAsync(app, remove.AssignmentId, ct).ConfigureAwait(false);
                GraphEvents.Verbose(deleted
                    ? $"Unassigned {remove.PrincipalName} from '{context.App.DisplayName}'."
                    : $"Unassigned {remove.PrincipalName} from '{context.App.DisplayName}' (already removed: Graph still lists the assignment while the removal replicates).");
                break;
            default:
                throw new NotSupportedException($"No way to apply {change.GetType().Name}.");
        }

        return app;
    }

    /// <summary>Backs the schema up, writes it, and reads it back: the step's planner must find nothing left to do.</summary>
    private static async Task WriteSchemaAsync(AppRef app, PutSchemaChange change, ApplyContext context, CancellationToken ct)
    {
        string backup = SchemaFiles.SaveBackup(context.App, change.Before, context.BackupDirectory);
        GraphEvents.Verbose($"Saved the schema as it was to {backup} (restore it with Import-ScimSchema -Path).");
        // The read-back comes in the write's own batch when it can (else AppReader reads it): the cache holds it.
        await SyncOperations.PutSchemaAndReadAsync(app, change.After, ct).ConfigureAwait(false);
        AppSnapshot read = await AppReader.ReadAsync(app, context.Holder, AppParts.Schema, tolerant: false, ct).ConfigureAwait(false);
        string? left = read.Schema is null ? "no schema" : change.ReadBack is { } planner
            ? (planner(read.Schema) is { IsEmpty: false } again ? again.Summary : null)
            : null;
        if (left is not null)
        {
            throw new ReadBackException($"The schema read back from Graph does not hold what was written: {left}.");
        }

        GraphEvents.Verbose("Read back: the schema keeps what was written.");
    }
}
