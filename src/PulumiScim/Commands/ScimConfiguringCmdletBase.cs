// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Security;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Commands;

/// <summary>
/// A cmdlet that configures an app the read-plan-apply way: read the parts its concern needs, plan (pure), ask
/// ShouldProcess with every change of the plan, apply them with the one applier, and write the refreshed app.
/// </summary>
public abstract class ScimConfiguringCmdletBase : ScimApplicationCmdletBase
{
    private readonly Dictionary<string, Guid> _names = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Configures every app the pipeline brings, even two that share a display name.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The ShouldProcess action, e.g. "Set the Pulumi tenant".</summary>
    private protected abstract string Action { get; }

    /// <summary>The parts of the app the planner needs.</summary>
    private protected abstract AppParts Needs { get; }

    /// <summary>The Pulumi SCIM token, for a plan that writes the secrets.</summary>
    private protected virtual SecureString? SecretToken => null;

    /// <summary>Where schema backups go (null: the default folder).</summary>
    private protected virtual string? BackupDirectory => null;

    /// <summary>Plans the cmdlet's concern; writes an error and returns null when it cannot.</summary>
    private protected abstract AppPlan? PlanFor(ScimApplication app, AppSnapshot snapshot);

    /// <summary>Reads what the planner needs (<see cref="Needs"/>); a cmdlet may read more alongside.</summary>
    private protected virtual AppSnapshot ReadFor(ScimApplication app) => Read(app, Needs);

    /// <summary>The verbose line when the plan is empty.</summary>
    private protected virtual string NothingToDo(ScimApplication app) => $"{Action}: '{app.DisplayName}' already is as asked; nothing to write.";

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        base.BeginProcessing();

        // Every command's BeginProcessing runs before the pipeline's first record: the reads made before this command
        // gets its app can bring what it needs along (AppReader, AppReadCache.Wanted).
        if (SessionAtStart is { IsDisconnected: false } session)
        {
            session.Reads.Want(HolderFor(session), Needs);
        }
    }

    /// <inheritdoc/>
    protected sealed override void ProcessApplication(ScimApplication app)
    {
        if (!IsOnlyAppNamed(app))
        {
            return;
        }

        AppSnapshot snapshot = ReadFor(app);
        AppPlan? plan = PlanFor(app, snapshot);
        if (plan is null)
        {
            return;
        }

        if (plan.IsEmpty)
        {
            WriteVerbose(NothingToDo(app));
            WriteObject(new ScimApplication(snapshot, app.Session, app));
            return;
        }

        if (!ShouldProcessChanges(app, Action, plan.Lines))
        {
            WriteObject(app);
            return;
        }

        Apply(app, plan);
    }

    private void Apply(ScimApplication app, AppPlan plan)
    {
        AppRef applied;
        List<ApplyFailure> failures;
        try
        {
            (applied, failures) = Await(ct => PlanApplier.ApplyAsync(AppRef.Of(app), plan, new ApplyContext(app, HolderFor(app.Session), SecretToken, BackupDirectory), ct));
        }
        catch (ReadBackException ex)
        {
            WriteError(Error("SchemaWriteNotApplied", ErrorCategory.InvalidResult, app, ex.Message,
                "Run the pipeline again; if this repeats, another process is editing the same app's mappings.", ex));
            return;
        }

        foreach (ApplyFailure failure in failures)
        {
            (string id, string target) = failure.Change switch
            {
                AddAssignmentChange add => ("AssignmentFailed", add.Change.PrincipalDisplayName),
                RemoveAssignmentChange remove => ("RemoveAssignmentFailed", remove.PrincipalName),
                _ => (FailureErrorId, app.DisplayName),
            };
            WriteError(GraphErrorRecord(failure.Error, id, target));
        }

        WriteObject(new ScimApplication(Read(applied, Needs | AppParts.Job), app.Session, app));
    }

    /// <summary>
    /// Whether the app is the only one of its display name this command has seen in the pipeline; writes
    /// AmbiguousApplication otherwise (unless -Force): two look-alike apps are rarely both meant.
    /// </summary>
    private bool IsOnlyAppNamed(ScimApplication app)
    {
        if (!_names.TryGetValue(app.DisplayName, out Guid first))
        {
            _names[app.DisplayName] = app.ServicePrincipalId;
            return true;
        }

        if (first == app.ServicePrincipalId || Force)
        {
            return true;
        }

        WriteError(Error(
            "AmbiguousApplication",
            ErrorCategory.InvalidArgument,
            app,
            $"A second enterprise application named '{app.DisplayName}' (service principal {app.ServicePrincipalId}) reached {MyInvocation.MyCommand.Name}; only the first ({first}) was configured.",
            "Pipe the one you mean (Get-ScimApplication -ServicePrincipalId), or add -Force to configure every app of that name."));
        return false;
    }
}
