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
            return PulumiScimReader.Create(_tenantUrl, Token);
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
            refused ? ErrorCategory.AuthenticationError : ErrorCategory.ConnectionError,
            app,
            ex.Message,
            refused
                ? "Pass the organization's current SCIM token (Pulumi Cloud: Settings > Access Management > SCIM; regenerating it invalidates the old one, so save the new one with Set-ScimTenant too)."
                : "Check that Pulumi's SCIM API is reachable and run the command again.",
            ex));
    }

    private void Compare(ScimApplication app, ComparisonRules rules, PulumiScimReader reader)
    {
        var progress = new ComparisonProgress();
        WriteVerbose($"Reading Pulumi's users and teams at {reader.BaseUrl}, and the app's assignments in Entra.");

        // Pulumi's first page first: a refused token stops the call before any other read.
        var first = Await(ct => reader.GetUsersPageAsync(1, ct));
        using var pulumiCancel = CancellationTokenSource.CreateLinkedTokenSource(CancelToken);
        Task<PulumiSide> pulumiTask = Begin(_ => PulumiSide.ReadAsync(reader, first, progress, pulumiCancel.Token));
        EntraSide entra;
        try
        {
            entra = Await(ct => EntraSide.ReadAsync(app, rules, progress, ct));
        }
        catch
        {
            pulumiCancel.Cancel();
            ((IAsyncResult)pulumiTask).AsyncWaitHandle.WaitOne();
            throw;
        }

        PulumiSide pulumi = AwaitTask(pulumiTask);
        WriteProgress(new ProgressRecord(ProgressActivityId, ProgressActivity, "Comparing") { RecordType = ProgressRecordType.Completed });
        WriteVerbose($"Entra: {entra.Users.Count} users in scope, {entra.Groups.Count} assigned groups. Pulumi: {pulumi.Users.Count} users, {pulumi.Teams.Count} teams.");
        var results = new ResultWriter(this, app);
        var comparer = new ProvisioningComparer(rules, pulumi.Users, pulumi.Teams);
        var differing = new List<ScimDifference>();
        foreach (EntraUser user in entra.Users.Values)
        {
            results.WriteOrHold(comparer.CompareUser(user), differing);
        }

        foreach (ScimDifference d in CompareUnmatched(app, rules, comparer))
        {
            results.WriteOrHold(d, differing);
        }

        CompareTeams(rules, entra, comparer, results, differing);
        ExplainAndWrite(app, differing, results);
        results.WriteSummary();
    }

    private IEnumerable<ScimDifference> CompareUnmatched(ScimApplication app, ComparisonRules rules, ProvisioningComparer comparer)
    {
        List<PulumiUser> unmatched = comparer.UnmatchedUsers().ToList();
        if (unmatched.Count == 0)
        {
            return [];
        }

        if (rules.Matching?.SourceAttribute is not { } source)
        {
            WriteWarning("The userName mapping's source is an expression, so Pulumi users that match no assigned Entra user are not looked up in Entra (never guessed); they are not reported.");
            return [];
        }

        var keys = unmatched.Select(p => p.UserName).OfType<string>().ToList();
        List<JsonObject> found = Await(ct => ComparisonQueries.FindUsersAsync(app.Session.Graph, source, keys, rules.UserProperties, ct));
        var bySource = found.Select(EntraUser.FromGraph).Where(u => u.Get(source) is not null)
            .GroupBy(u => u.Get(source)!, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        return unmatched.Select(p => ProvisioningComparer.CompareUnmatched(p, p.UserName is null ? null : bySource.GetValueOrDefault(p.UserName))).ToList();
    }

    private void CompareTeams(ComparisonRules rules, EntraSide entra, ProvisioningComparer comparer, ResultWriter results, List<ScimDifference> differing)
    {
        if (!rules.GroupsEnabled || entra.Groups.Count == 0)
        {
            return;
        }

        if (!string.Equals(rules.TeamNameSource, "displayName", StringComparison.OrdinalIgnoreCase))
        {
            WriteWarning("The Group mapping's displayName does not come from the group's displayName, so teams are not compared (never guessed).");
            return;
        }

        foreach (EntraGroup g in entra.Groups)
        {
            results.WriteOrHold(comparer.CompareTeam(g), differing);
        }
    }

    /// <summary>Reads the latest failures of the differing objects from the provisioning logs, then writes them.</summary>
    private void ExplainAndWrite(ScimApplication app, List<ScimDifference> differing, ResultWriter results)
    {
        var ids = differing.Select(d => d.EntraId).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (ids.Count > 0)
        {
            try
            {
                Dictionary<string, LoggedFailure> failures = Await(ct => ComparisonQueries.LatestFailuresAsync(app.Session.Graph, _jobId!, ids, ct));
                differing.ForEach(d => ProvisioningComparer.Explain(d, failures));
            }
            catch (GraphRequestException ex)
            {
                WriteWarning($"The provisioning logs could not be read ({ex.GraphMessage ?? ex.Message}), so the reasons below are the module's own, not Entra's. " +
                    "Reading them needs AuditLog.Read.All and Directory.Read.All, and an Entra ID P1 or P2 tenant.");
            }
        }

        foreach (ScimDifference d in differing)
        {
            results.Write(d);
        }
    }

    /// <summary>Writes objects (or counts them for -Summary).</summary>
    private sealed class ResultWriter(CompareScimProvisioningCommand cmdlet, ScimApplication app)
    {
        private readonly Dictionary<(ScimDifferenceKind, ScimDifferenceState), int> _counts = [];

        public void WriteOrHold(ScimDifference d, List<ScimDifference> differing)
        {
            if (d.State == ScimDifferenceState.InSync)
            {
                Write(d);
            }
            else
            {
                differing.Add(d);
            }
        }

        public void Write(ScimDifference d)
        {
            d.ApplicationName = app.DisplayName;
            _counts[(d.Kind, d.State)] = _counts.GetValueOrDefault((d.Kind, d.State)) + 1;
            if (!cmdlet.Summary && (d.State != ScimDifferenceState.InSync || cmdlet.IncludeInSync))
            {
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
