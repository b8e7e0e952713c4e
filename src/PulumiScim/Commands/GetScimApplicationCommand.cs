// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Gets Entra enterprise applications and their SCIM provisioning job: the head of every PulumiScim pipeline.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ScimApplication", DefaultParameterSetName = "ByName")]
[OutputType(typeof(ScimApplication))]
public sealed class GetScimApplicationCommand : ScimSessionCmdletBase
{
    /// <summary>The enterprise app's display name; wildcards (* ? []) work as in PowerShell.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = "ByName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ApplicationNameCompleter))]
    public string? DisplayName { get; set; }

    /// <summary>The application (client) id.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "ByAppId")]
    public Guid AppId { get; set; }

    /// <summary>The service principal's object id.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "ById")]
    [Alias("Id", "ObjectId")]
    public Guid ServicePrincipalId { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var session = ResolveSession();
        string? name = ParameterSetName == "ByName" ? DisplayName : null;
        Guid? appId = ParameterSetName == "ByAppId" ? AppId : null;
        Guid? spId = ParameterSetName == "ById" ? ServicePrincipalId : null;
        List<JsonObject> sps;
        try
        {
            sps = Await(ct => ApplicationQueries.FindServicePrincipalsAsync(session.Graph, name, appId, spId, ct));
        }
        catch (GraphRequestException ex)
        {
            WriteError(GraphErrorRecord(ex, "GetApplicationFailed", (object?)name ?? (object?)appId ?? spId));
            return;
        }

        if (sps.Count == 0)
        {
            bool wildcard = name is not null && WildcardPattern.ContainsWildcardCharacters(name);
            if (!wildcard && (name is not null || appId is not null || spId is not null))
            {
                object target = (object?)name ?? (object?)appId ?? spId!;
                WriteError(Error(
                    "ApplicationNotFound",
                    ErrorCategory.ObjectNotFound,
                    target,
                    $"No enterprise application matches '{target}'.",
                    "Check the name with Get-ScimApplication (no arguments lists every app), or create one with New-ScimApplication."));
            }

            return;
        }

        if (sps.Count > 1 && name is not null && !WildcardPattern.ContainsWildcardCharacters(name))
        {
            WriteWarning($"{sps.Count} enterprise applications are named '{name}' (service principal ids {string.Join(", ", sps.Select(s => (string?)s["id"]))}). " +
                "Configuring cmdlets take only the first of them per pipeline unless you add -Force; pick one with Get-ScimApplication -ServicePrincipalId.");
        }

        WriteApplications(session, sps);
    }

    /// <summary>Reads the apps' jobs and secrets (in JSON batches, several apps per round trip) and writes them in list order.</summary>
    private void WriteApplications(Session.ScimGraphSession session, List<JsonObject> sps)
    {
        if (sps.Count > 1)
        {
            WriteProgress(new ProgressRecord(ProgressActivityId, "Reading provisioning jobs", $"{sps.Count} applications") { PercentComplete = 0 });
        }

        var read = Await(ct => AppReader.ReadManyAsync(session, HolderFor(session), sps, AppParts.Job | AppParts.Secrets, ct));
        for (int i = 0; i < sps.Count; i++)
        {
            if (read[i].Snapshot is { } snapshot)
            {
                WriteObject(new ScimApplication(snapshot, session));
            }
            else
            {
                WriteError(GraphErrorRecord(read[i].Error!, "GetApplicationFailed", (string?)sps[i]["displayName"]));
            }
        }

        if (sps.Count > 1)
        {
            WriteProgress(new ProgressRecord(ProgressActivityId, "Reading provisioning jobs", "Done") { RecordType = ProgressRecordType.Completed });
        }
    }
}
