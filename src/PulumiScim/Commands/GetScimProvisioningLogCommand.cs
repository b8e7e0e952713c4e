// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using PulumiScim.Graph;
using PulumiScim.Model;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Reads the provisioning logs (the guide's last step: "review the provisioning logs to ensure there were no errors").</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ScimProvisioningLog", DefaultParameterSetName = AllSet)]
[OutputType(typeof(ScimProvisioningLogEntry))]
public sealed class GetScimProvisioningLogCommand : ScimSessionCmdletBase
{
    private const string AllSet = "All";
    private const string ByApplicationSet = "ByApplication";
    private const string ByNameSet = "ByName";
    private const int PageSize = 1000;

    /// <summary>The app whose job's entries to read (from Get-ScimApplication); without it, every job's entries.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByApplicationSet)]
    [Alias("App", "InputObject")]
    public ScimApplication Application { get; set; } = null!;

    /// <summary>The app by display name.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ApplicationNameCompleter))]
    public string DisplayName { get; set; } = null!;

    /// <summary>Entries at or after this time.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>Entries at or before this time.</summary>
    [Parameter]
    public DateTime? Until { get; set; }

    /// <summary>Success, Failure, Skipped or Warning.</summary>
    [Parameter]
    [ValidateSet("Success", "Failure", "Skipped", "Warning")]
    public string? Status { get; set; }

    /// <summary>Create, Update, Delete, Disable, StagedDelete or Other.</summary>
    [Parameter]
    [ValidateSet("Create", "Update", "Delete", "Disable", "StagedDelete", "Other")]
    public string? Action { get; set; }

    /// <summary>Only entries about this Entra user or group: object id, user principal name or display name.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserCompleter))]
    public string? User { get; set; }

    /// <summary>Only entries of this provisioning cycle.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CycleId { get; set; }

    /// <summary>At most this many entries (newest first).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int First { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var session = ResolveSession(ParameterSetName == ByApplicationSet ? Application.Session : null);
        if (!TryResolveApplication(session, out ScimApplication? app))
        {
            return;
        }

        string? userId = null;
        if (User is not null && (userId = ResolveUserId(session)) is null)
        {
            return;
        }

        int top = First > 0 ? Math.Min(First, PageSize) : PageSize;
        string path = LogQueries.FirstPage(new LogQuery(app?.JobId, Since, Until, Status, Action, CycleId, userId, top));
        Stream(session.Graph, path);
    }

    /// <summary>The app asked for (null for every job's entries); false, with the error written, when it cannot be read from.</summary>
    private bool TryResolveApplication(PulumiScim.Session.ScimGraphSession session, out ScimApplication? app)
    {
        app = ParameterSetName switch
        {
            ByApplicationSet => Application,
            ByNameSet => FindOneApplication(session, DisplayName, null),
            _ => null,
        };
        if (ParameterSetName == ByNameSet && app is null)
        {
            return false;
        }

        if (app is not null && app.JobId is null)
        {
            WriteError(Error("NoProvisioningJob", ErrorCategory.InvalidOperation, app, $"The app '{app.DisplayName}' has no provisioning job, so it has no provisioning logs.", "Run Set-ScimTenant first."));
            return false;
        }

        return true;
    }

    /// <summary>Writes entries page by page; the next page is read and parsed while this one is written.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "Each page is disposed once written (using); a page read ahead when -First, an error or the pipeline stops the loop is disposed when it arrives (Abandon).")]
    private void Stream(GraphClient graph, string firstPath)
    {
        Task<LogPage>? pending = Begin(ct => LogQueries.ReadPageAsync(graph, firstPath, ct));
        long written = 0;
        int pages = 0;
        try
        {
            while (pending is not null)
            {
                using LogPage page = AwaitTask(pending);
                pages++;
                pending = page.NextLink is { } next && (First == 0 || written + page.Count < First)
                    ? Begin(ct => LogQueries.ReadPageAsync(graph, next, ct))
                    : null;
                if (!WriteEntries(page, ref written))
                {
                    return;
                }

                if (pending is not null)
                {
                    WriteProgress(new ProgressRecord(ProgressActivityId, "Reading provisioning logs", $"{written:N0} entries from {pages} pages") { PercentComplete = -1 });
                }
            }
        }
        catch (GraphRequestException ex)
        {
            WriteError(GraphErrorRecord(ex, "GetProvisioningLogFailed", firstPath, ex.StatusCode == System.Net.HttpStatusCode.Forbidden
                ? "Reading provisioning logs needs AuditLog.Read.All and Directory.Read.All (or ProvisioningLog.Read.All) and a Microsoft Entra ID P1 or P2 tenant."
                : null));
        }
        finally
        {
            Abandon(pending);
            if (pages > 1)
            {
                WriteProgress(new ProgressRecord(ProgressActivityId, "Reading provisioning logs", "Done") { RecordType = ProgressRecordType.Completed });
            }
        }
    }

    /// <summary>A page read ahead that will not be written: disposed when it arrives (its pooled buffer goes back to the pool), its failure observed.</summary>
    private static void Abandon(Task<LogPage>? pending) =>
        pending?.ContinueWith(
            static t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    t.Result.Dispose();
                }
                else
                {
                    _ = t.Exception;
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    /// <summary>Writes a page's entries; false once -First is satisfied.</summary>
    private bool WriteEntries(LogPage page, ref long written)
    {
        foreach (ScimProvisioningLogEntry entry in page.Entries())
        {
            WriteObject(entry);
            written++;
            if (First > 0 && written >= First)
            {
                return false;
            }
        }

        return true;
    }

    private string? ResolveUserId(PulumiScim.Session.ScimGraphSession session)
    {
        if (Guid.TryParse(User, out _))
        {
            return User;
        }

        var resolved = Await(ct => PrincipalQueries.ResolveUsersAsync(session.Graph, [User!], ct));
        if (resolved[0].Principal is { } p)
        {
            return p.Id;
        }

        WriteError(Error(resolved[0].ErrorId!, ErrorCategory.ObjectNotFound, User, resolved[0].Message!));
        return null;
    }
}
