// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Net;
using System.Security;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Provisioning;
using PulumiScim.Pulumi;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Compares who Entra says should be in Pulumi with who is, and says why not: one object per user or team that differs.</para>
/// </summary>
[Cmdlet(VerbsData.Compare, "ScimProvisioning", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ScimDifference), typeof(ScimDifferenceSummary))]
public sealed class CompareScimProvisioningCommand : ScimApplicationCmdletBase
{
    private string? _tenantUrl;
    private string? _jobId;
    private bool _warnedUnmatched;
    private bool _logsUnreadable;

    /// <summary>The Pulumi SCIM token (Pulumi Cloud: Settings > Access Management > SCIM), as a SecureString or PSCredential; Graph masks the saved one.</summary>
    [Parameter(Mandatory = true)]
    [SecureStringTransformation]
    public SecureString Token { get; set; } = null!;

    /// <summary>Also writes the users and teams that are in sync.</summary>
    [Parameter]
    public SwitchParameter IncludeInSync { get; set; }

    /// <summary>Writes counts per kind and state instead of the objects.</summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        RequireToken(Token);
        base.BeginProcessing();
    }

    /// <inheritdoc/>
    protected override void ProcessApplication(ScimApplication app)
    {
        if (!RequireJob(app))
        {
            return;
        }

        ComparisonRules? rules = ReadRules(app);
        using PulumiScimReader? reader = rules is null ? null : OpenReader(app);
        if (reader is not null)
        {
            try
            {
                Compare(app, rules!, reader);
            }
            catch (PulumiScimException ex)
            {
                WritePulumiError(app, ex);
            }
        }
    }

    /// <summary>Reads the saved Tenant URL and the schema's mappings; writes the error and returns null when either is unusable.</summary>
    private ComparisonRules? ReadRules(ScimApplication app)
    {
        AppSnapshot snapshot = Read(app, AppParts.Job | AppParts.Secrets | AppParts.Schema);
        _tenantUrl = snapshot.TenantUrl;
        _jobId = snapshot.JobId;
        if (string.IsNullOrEmpty(_tenantUrl))
        {
            WriteError(Error("NoSavedCredentials", ErrorCategory.InvalidOperation, app,
                $"The app '{app.DisplayName}' has no saved Admin Credentials (Tenant URL), so there is no Pulumi organization to compare with; nothing was sent to Pulumi.",
                "Run Set-ScimTenant -OrganizationName <login name> -Token <SCIM token> first."));
            return null;
        }

        JsonObject schema = snapshot.Schema!;
        try
        {
            return ComparisonRules.FromSchema(schema);
        }
        catch (SchemaShapeException ex)
        {
            WriteError(Error("UnreadableSchema", ErrorCategory.InvalidData, app, ex.Message));
            return null;
        }
    }

    private PulumiScimReader? OpenReader(ScimApplication app)
    {
        try
        {
            return PulumiScimReader.Create(_tenantUrl, Token, app.Session.Graph.Retry);
        }
        catch (ArgumentException ex)
        {
            WriteError(Error("InvalidTenantUrl", ErrorCategory.InvalidData, _tenantUrl,
                $"{ex.Message} Nothing was sent to it.",
                "Save Pulumi's Tenant URL with Set-ScimTenant -OrganizationName <login name> (and -ApiUrl for a self-hosted Pulumi Cloud)."));
            return null;
        }
    }

    private void WritePulumiError(ScimApplication app, PulumiScimException ex)
    {
        bool refused = ex.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
        WriteError(Error(
            refused ? "PulumiTokenRejected" : "PulumiReadFailed",
            refused ? ErrorCategory.AuthenticationError : ex.Status == HttpStatusCode.TooManyRequests ? ErrorCategory.LimitsExceeded : ErrorCategory.ConnectionError,
            app,
            ex.Message,
            refused
                ? "Pass the organization's current SCIM token (Pulumi Cloud: Settings > Access Management > SCIM; regenerating it invalidates the old one, so save the new one with Set-ScimTenant too)."
                : "Check that Pulumi's SCIM API is reachable and run the command again.",
            ex));
    }

    /// <summary>
    /// Reads Pulumi's first page (a refused token stops the call there), then Entra's side while Pulumi's next pages
    /// are requested, then writes each result as soon as a page of Pulumi users decides it; the Entra users no page
    /// matched when the pages end; the teams last.
    /// </summary>
    private void Compare(ScimApplication app, ComparisonRules rules, PulumiScimReader reader)
    {
        var progress = new ComparisonProgress();
        (_warnedUnmatched, _logsUnreadable) = (false, false);
        WriteVerbose($"Reading Pulumi's users and teams at {reader.BaseUrl}, and the app's assignments in Entra.");
        var first = Await(ct => ReadPageAsync(reader, 1, progress, null, ct));
        using var pulumiCancel = CancellationTokenSource.CreateLinkedTokenSource(CancelToken);
        try
        {
            int pageCount = PulumiUserPages.CountPages(first);
            var pages = new PulumiUserPages(first, start => Begin(_ => ReadPageAsync(reader, start, progress, pageCount, pulumiCancel.Token)));
            EntraSide entra = Await(ct => EntraSide.ReadAsync(app, rules, progress, ct));
            WriteVerbose($"Entra: {entra.Users.Count} users in scope, {entra.Groups.Count} assigned groups. Pulumi: {first.Total} users on {pageCount} pages.");
            var results = new ResultWriter(this, app, new LoggedFailures(app.Session.Graph, _jobId!));
            var comparer = new ProvisioningComparer(rules, entra.Users.Values);
            var unmatched = new List<PulumiUser>();
            results.WriteAll(comparer.AddPulumiUsers(first.Users, unmatched));
            WriteUnmatched(app, rules, unmatched, results);
            while (pages.Next() is { } next)
            {
                var page = AwaitTask(next.Page);
                pages.Received(next.Start, page.Users.Count, page.Total);
                results.WriteAll(comparer.AddPulumiUsers(page.Users, unmatched));
                WriteUnmatched(app, rules, unmatched, results);
            }

            Task<List<PulumiTeam>>? teams = TeamsCompared(rules, entra) ? Begin(_ => reader.GetTeamsAsync(pulumiCancel.Token)) : null;
            results.WriteAll(comparer.FinishUsers(unmatched));
            WriteUnmatched(app, rules, unmatched, results);
            if (teams is not null)
            {
                comparer.AddTeams(AwaitTask(teams));
                entra.Groups.ForEach(g => results.Write(comparer.CompareTeam(g)));
            }

            WriteProgress(new ProgressRecord(ProgressActivityId, ProgressActivity, "Compared") { RecordType = ProgressRecordType.Completed });
            results.WriteSummary();
        }
        finally
        {
            pulumiCancel.Cancel();
        }
    }

    /// <summary>Reads one page of Pulumi users and counts it on the progress bar.</summary>
    private static async Task<(List<PulumiUser> Users, int Total)> ReadPageAsync(PulumiScimReader reader, int start, ComparisonProgress progress, int? pageCount, CancellationToken ct)
    {
        var page = await reader.GetUsersPageAsync(start, ct).ConfigureAwait(false);
        progress.PulumiPage(pageCount ?? PulumiUserPages.CountPages(page));
        return page;
    }

    /// <summary>Writes the Pulumi users that match no Entra user in scope, each with the Entra user it matches outside the scope, if any.</summary>
    private void WriteUnmatched(ScimApplication app, ComparisonRules rules, List<PulumiUser> unmatched, ResultWriter results)
    {
        if (unmatched.Count == 0)
        {
            return;
        }

        if (rules.Matching?.SourceAttribute is not { } source)
        {
            if (!_warnedUnmatched)
            {
                _warnedUnmatched = true;
                WriteWarning("The userName mapping's source is an expression, so Pulumi users that match no assigned Entra user are not looked up in Entra (never guessed); they are not reported.");
            }

            unmatched.Clear();
            return;
        }

        var keys = unmatched.Select(p => p.UserName).OfType<string>().ToList();
        List<JsonObject> found = keys.Count == 0 ? [] : Await(ct => ComparisonQueries.FindUsersAsync(app.Session.Graph, source, keys, rules.UserProperties, ct));
        var bySource = found.Select(EntraUser.FromGraph).Where(u => u.Get(source) is not null)
            .GroupBy(u => u.Get(source)!, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        foreach (PulumiUser p in unmatched.OrderBy(p => p.UserName, StringComparer.OrdinalIgnoreCase))
        {
            results.Write(ProvisioningComparer.CompareUnmatched(p, p.UserName is null ? null : bySource.GetValueOrDefault(p.UserName)));
        }

        unmatched.Clear();
    }

    /// <summary>Whether the teams are compared (group provisioning on, groups assigned, team names from the group's displayName).</summary>
    private bool TeamsCompared(ComparisonRules rules, EntraSide entra)
    {
        if (!rules.GroupsEnabled || entra.Groups.Count == 0)
        {
            return false;
        }

        if (!string.Equals(rules.TeamNameSource, "displayName", StringComparison.OrdinalIgnoreCase))
        {
            WriteWarning("The Group mapping's displayName does not come from the group's displayName, so teams are not compared (never guessed).");
            return false;
        }

        return true;
    }

    /// <summary>Sets a differing object's reason from its latest failed provisioning log entry, reading the log's next page only when needed.</summary>
    private void Explain(ScimDifference d, LoggedFailures failures)
    {
        if (d.State == ScimDifferenceState.InSync || d.EntraId is not { } id)
        {
            return;
        }

        while (!_logsUnreadable && failures.NeedsMoreFor(id))
        {
            try
            {
                Await(failures.ReadNextPageAsync);
            }
            catch (GraphRequestException ex)
            {
                _logsUnreadable = true;
                WriteWarning($"The provisioning logs could not be read ({ex.GraphMessage ?? ex.Message}), so the reasons given are the module's own, not Entra's. " +
                    "Reading them needs AuditLog.Read.All and Directory.Read.All, and an Entra ID P1 or P2 tenant.");
            }
        }

        ProvisioningComparer.Explain(d, failures.Found);
    }

    /// <summary>Writes objects (or counts them for -Summary), each differing one with its logged reason.</summary>
    private sealed class ResultWriter(CompareScimProvisioningCommand cmdlet, ScimApplication app, LoggedFailures failures)
    {
        private readonly Dictionary<(ScimDifferenceKind, ScimDifferenceState), int> _counts = [];

        public void WriteAll(IEnumerable<ScimDifference> results)
        {
            foreach (ScimDifference d in results)
            {
                Write(d);
            }
        }

        public void Write(ScimDifference d)
        {
            d.ApplicationName = app.DisplayName;
            _counts[(d.Kind, d.State)] = _counts.GetValueOrDefault((d.Kind, d.State)) + 1;
            if (!cmdlet.Summary && (d.State != ScimDifferenceState.InSync || cmdlet.IncludeInSync))
            {
                cmdlet.Explain(d, failures);
                cmdlet.WriteObject(d);
            }
        }

        public void WriteSummary()
        {
            if (!cmdlet.Summary)
            {
                return;
            }

            foreach (var kv in _counts.OrderBy(kv => kv.Key.Item1).ThenBy(kv => kv.Key.Item2))
            {
                cmdlet.WriteObject(new ScimDifferenceSummary(app.DisplayName, kv.Key.Item1, kv.Key.Item2, kv.Value));
            }
        }
    }
}
