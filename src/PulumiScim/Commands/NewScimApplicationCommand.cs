// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Session;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Creates a non-gallery enterprise application with a SCIM provisioning job, for tenants that have no Pulumi app yet.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "ScimApplication", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ScimApplication))]
public sealed class NewScimApplicationCommand : ScimSessionCmdletBase
{
    /// <summary>The new enterprise app's display name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ValidateLength(1, 256)]
    public string DisplayName { get; set; } = null!;

    /// <summary>How long to wait for Entra to replicate the new app before giving up (default 180 seconds).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int ReplicationTimeout { get; set; } = 180;

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var session = ResolveSession();
        try
        {
            List<JsonObject> existing = Await(ct => ApplicationQueries.FindServicePrincipalsAsync(session.Graph, WildcardPattern.Escape(DisplayName), null, null, ct));
            if (existing.Count > 0)
            {
                WriteError(Error(
                    "ApplicationExists",
                    ErrorCategory.ResourceExists,
                    DisplayName,
                    $"An enterprise application named '{DisplayName}' already exists (service principal {(string?)existing[0]["id"]}).",
                    "Use Get-ScimApplication to work on it, or choose another -DisplayName."));
                return;
            }

            if (!ShouldProcess(DisplayName, "Create a non-gallery enterprise application with a SCIM provisioning job"))
            {
                return;
            }

            string templateId = GraphCloud.NonGalleryTemplateId(session.Environment);
            WriteVerbose($"Creating the enterprise app '{DisplayName}' from the non-gallery template {templateId} ({session.Environment} cloud).");
            JsonNode? created = Instantiate(session, templateId);
            if (created is null)
            {
                return;
            }

            string spId = (string?)created?["servicePrincipal"]?["id"] ?? throw new InvalidDataException("Graph's instantiate answer has no servicePrincipal id.");
            var timeout = TimeSpan.FromSeconds(ReplicationTimeout);
            JsonObject sp = Await(ct => ApplicationQueries.ReadNewServicePrincipalAsync(session.Graph, spId, timeout, ct));
            var snapshot = new AppSnapshot(sp);
            JsonObject? job = Await(ct => SyncOperations.CreateJobAsync(AppRef.Of(session, snapshot), ct));
            snapshot = snapshot.WithJob(job).WithSecrets([]);
            session.Reads.Put(snapshot, HolderFor(session));
            var app = new ScimApplication(snapshot, session);
            WriteVerbose($"Created '{DisplayName}' (service principal {spId}) with the provisioning job {app.JobId}.");
            WriteObject(app);
        }
        catch (GraphRequestException ex)
        {
            WriteError(GraphErrorRecord(ex, "NewApplicationFailed", DisplayName));
        }
    }

    /// <summary>
    /// Instantiates the template; after a broken connection, looks for the app instead of sending again (a new app can
    /// stay invisible for minutes, so "not found" would not prove it was not created). Null when unsure (error written).
    /// </summary>
    private JsonNode? Instantiate(Session.ScimGraphSession session, string templateId)
    {
        try
        {
            return Await(ct => ApplicationQueries.InstantiateAsync(session.Graph, templateId, DisplayName, ct));
        }
        catch (GraphRequestException ex) when (ex.ConnectionFailed)
        {
            WriteVerbose($"The connection broke while creating '{DisplayName}'; looking whether Graph created it.");
            List<JsonObject> found = Await(ct => ApplicationQueries.FindServicePrincipalsAsync(session.Graph, WildcardPattern.Escape(DisplayName), null, null, ct));
            if (found.Count == 1)
            {
                return new JsonObject { ["servicePrincipal"] = found[0].DeepClone() };
            }

            WriteError(Error(
                "NewApplicationUncertain",
                ErrorCategory.ConnectionError,
                DisplayName,
                $"The connection broke while creating '{DisplayName}', and the app is not visible (yet); Entra may still have created it.",
                $"Wait a few minutes and run Get-ScimApplication -DisplayName '{DisplayName}'; run New-ScimApplication again only if it is not there.",
                ex));
            return null;
        }
    }
}
