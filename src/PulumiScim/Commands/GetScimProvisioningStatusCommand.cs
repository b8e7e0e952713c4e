// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Graph;
using PulumiScim.Model;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Shows the provisioning job's state: last cycle, counts, errors, steady state, quarantine, and a one-line verdict.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ScimProvisioningStatus", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ScimProvisioningStatus))]
public sealed class GetScimProvisioningStatusCommand : ScimApplicationCmdletBase
{
    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app)
    {
        AppSnapshot snapshot = Read(app, AppParts.Job);
        if (!RequireJob(app, snapshot.JobId))
        {
            return;
        }

        // The status changes by itself as cycles run: read the job itself now, not a read made earlier in the pipeline.
        var job = Await(ct => SyncOperations.GetJobAsync(AppRef.Of(app.Session, snapshot), ct));
        WriteObject(new ScimProvisioningStatus(app, job ?? snapshot.Job!));
    }
}
