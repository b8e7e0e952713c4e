// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.State;

/// <summary>Builds a <see cref="SandboxState"/> from a seed (shared/sandbox/seed-format.md).</summary>
internal static class SeedLoader
{
    /// <summary>The custom (non-gallery) application template's id (Graph docs, applicationtemplate-instantiate.md).</summary>
    public const string CustomTemplateId = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";

    /// <summary>The custom template's "User" app role.</summary>
    public const string UserRoleId = "18d14569-c3bd-439b-9a66-3a2aee01d14f";

    /// <summary>The custom template's "msiam_access" app role.</summary>
    public const string MsiamAccessRoleId = "b9632174-c057-4f7e-951b-be3adc52bfe6";

    public static SandboxState Load(string seedJson)
    {
        JsonObject seed;
        try
        {
            seed = JsonNode.Parse(seedJson, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })?.AsObject()
                ?? throw new InvalidDataException("The seed is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The seed is not valid JSON: {ex.Message}", ex);
        }

        var state = new SandboxState
        {
            TenantId = (string?)seed["tenantId"] ?? throw new InvalidDataException("The seed has no tenantId."),
            Options = SandboxOptions.From(seed["options"] as JsonObject),
        };

        foreach (JsonNode? u in seed["users"] as JsonArray ?? [])
        {
            var user = (JsonObject)u!.DeepClone();
            user["id"] ??= Guid.NewGuid().ToString();
            user["accountEnabled"] ??= true;
            state.Users.Add(user);
        }

        foreach (JsonNode? g in seed["groups"] as JsonArray ?? [])
        {
            var group = (JsonObject)g!.DeepClone();
            group["id"] ??= Guid.NewGuid().ToString();
            group["securityEnabled"] ??= true;
            group["mailEnabled"] ??= false;
            group["members"] ??= new JsonArray();
            state.Groups.Add(group);
        }

        foreach (JsonNode? a in seed["applications"] as JsonArray ?? [])
        {
            state.Applications.Add(LoadApplication((JsonObject)a!, state));
        }

        if (seed["pulumi"] is JsonObject pulumi)
        {
            foreach (JsonNode? o in pulumi["organizations"] as JsonArray ?? [])
            {
                var org = new PulumiOrgState((string)o!["name"]!, (string)o["token"]!);
                foreach (JsonNode? u in o["users"] as JsonArray ?? [])
                {
                    var user = (JsonObject)u!.DeepClone();
                    user["id"] ??= Guid.NewGuid().ToString();
                    org.Users.Add(user);
                }

                foreach (JsonNode? g in o["groups"] as JsonArray ?? [])
                {
                    var group = (JsonObject)g!.DeepClone();
                    group["id"] ??= Guid.NewGuid().ToString();
                    group["members"] ??= new JsonArray();
                    org.Groups.Add(group);
                }

                state.Organizations.Add(org);
            }

            foreach (JsonNode? n in pulumi["takenUserNames"] as JsonArray ?? [])
            {
                state.TakenUserNames.Add((string)n!);
            }

            foreach (JsonNode? n in pulumi["takenEmails"] as JsonArray ?? [])
            {
                state.TakenEmails.Add((string)n!);
            }
        }

        return state;
    }

    /// <summary>The custom template's app roles (as the instantiate response in the Graph docs lists them).</summary>
    public static JsonArray TemplateAppRoles() =>
    [
        AppRole(UserRoleId, "User"),
        AppRole(MsiamAccessRoleId, "msiam_access"),
    ];

    private static JsonObject AppRole(string id, string name) => new()
    {
        ["allowedMemberTypes"] = new JsonArray("User"),
        ["description"] = name,
        ["displayName"] = name,
        ["id"] = id,
        ["isEnabled"] = true,
        ["origin"] = "Application",
        ["value"] = null,
    };

    /// <summary>Creates the application and service principal objects as instantiate would.</summary>
    public static AppState NewApplication(string displayName, string? appId, string? applicationId, string? servicePrincipalId, JsonArray? appRoles, JsonArray? identifierUris, JsonArray? replyUrls)
    {
        appId ??= Guid.NewGuid().ToString();
        var roles = appRoles ?? TemplateAppRoles();
        var application = new JsonObject
        {
            ["id"] = applicationId ?? Guid.NewGuid().ToString(),
            ["appId"] = appId,
            ["applicationTemplateId"] = CustomTemplateId,
            ["createdDateTime"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["deletedDateTime"] = null,
            ["displayName"] = displayName,
            ["identifierUris"] = identifierUris ?? [],
            ["signInAudience"] = "AzureADMyOrg",
            ["tags"] = new JsonArray(),
            ["appRoles"] = roles.DeepClone(),
            ["web"] = new JsonObject { ["redirectUris"] = replyUrls?.DeepClone() ?? new JsonArray(), ["homePageUrl"] = "https://account.activedirectory.windowsazure.com:444/applications/default.aspx?metadata=customappsso|ISV9.1|primary|z" },
        };
        var sp = new JsonObject
        {
            ["id"] = servicePrincipalId ?? Guid.NewGuid().ToString(),
            ["accountEnabled"] = true,
            ["appDisplayName"] = displayName,
            ["appId"] = appId,
            ["applicationTemplateId"] = CustomTemplateId,
            ["appRoleAssignmentRequired"] = true,
            ["appRoles"] = roles.DeepClone(),
            ["displayName"] = displayName,
            ["homepage"] = "https://account.activedirectory.windowsazure.com:444/applications/default.aspx?metadata=customappsso|ISV9.1|primary|z",
            ["preferredSingleSignOnMode"] = replyUrls is { Count: > 0 } ? "saml" : null,
            ["replyUrls"] = replyUrls?.DeepClone() ?? new JsonArray(),
            ["servicePrincipalNames"] = new JsonArray(appId),
            ["servicePrincipalType"] = "Application",
            ["signInAudience"] = "AzureADMyOrg",
            ["tags"] = new JsonArray("WindowsAzureActiveDirectoryCustomSingleSignOnApplication", "WindowsAzureActiveDirectoryIntegratedApp"),
        };
        return new AppState(application, sp);
    }

    private static AppState LoadApplication(JsonObject a, SandboxState state)
    {
        AppState app = NewApplication(
            (string)a["displayName"]!,
            (string?)a["appId"],
            (string?)a["applicationId"],
            (string?)a["servicePrincipalId"],
            a["appRoles"] as JsonArray,
            a["identifierUris"]?.DeepClone() as JsonArray,
            a["replyUrls"] as JsonArray);

        foreach (JsonNode? asg in a["assignments"] as JsonArray ?? [])
        {
            string principalId = (string)asg!["principalId"]!;
            string roleId = (string?)asg["appRoleId"] ?? UserRoleId;
            app.Assignments.Add(NewAssignment(state, app, principalId, roleId));
        }

        if (a["synchronization"] is JsonObject sync)
        {
            foreach (JsonNode? j in sync["jobs"] as JsonArray ?? [])
            {
                app.Jobs.Add(NewJob(state, app, (JsonObject)j!));
            }

            foreach (JsonNode? s in sync["secrets"] as JsonArray ?? [])
            {
                app.Secrets.Add((JsonObject)s!.DeepClone());
            }
        }

        return app;
    }

    /// <summary>An appRoleAssignment as Graph returns it.</summary>
    public static JsonObject NewAssignment(SandboxState state, AppState app, string principalId, string appRoleId)
    {
        JsonObject? user = state.Users.FirstOrDefault(u => string.Equals((string?)u["id"], principalId, StringComparison.OrdinalIgnoreCase));
        JsonObject? group = user is null ? state.Groups.FirstOrDefault(g => string.Equals((string?)g["id"], principalId, StringComparison.OrdinalIgnoreCase)) : null;
        return new JsonObject
        {
            ["id"] = Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            ["appRoleId"] = appRoleId,
            ["createdDateTime"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ"),
            ["deletedDateTime"] = null,
            ["principalDisplayName"] = (string?)(user ?? group)?["displayName"],
            ["principalId"] = principalId,
            ["principalType"] = user is not null ? "User" : group is not null ? "Group" : "ServicePrincipal",
            ["resourceDisplayName"] = (string?)app.ServicePrincipal["displayName"],
            ["resourceId"] = app.ServicePrincipalId,
        };
    }

    /// <summary>A new synchronizationJob as <c>POST .../jobs</c> returns it (graph-examples/synchronizationJob.created.*).</summary>
    public static JobState NewJob(SandboxState state, AppState app, JsonObject? seedJob)
    {
        string templateId = (string?)seedJob?["templateId"] ?? "scim";
        string id = (string?)seedJob?["id"] ?? $"{templateId}.{state.TenantIdNoHyphens}.{app.AppId}";
        var schedule = seedJob?["schedule"] as JsonObject;
        var job = new JsonObject
        {
            ["id"] = id,
            ["templateId"] = templateId,
            ["schedule"] = new JsonObject
            {
                ["expiration"] = null,
                ["interval"] = (string?)schedule?["interval"] ?? "PT40M",
                ["state"] = (string?)schedule?["state"] ?? "Disabled",
            },
            ["status"] = new JsonObject
            {
                ["code"] = "Paused",
                ["countSuccessiveCompleteFailures"] = 0,
                ["escrowsPruned"] = false,
                ["lastExecution"] = null,
                ["lastSuccessfulExecution"] = null,
                ["lastSuccessfulExecutionWithExports"] = null,
                ["progress"] = new JsonArray(),
                ["quarantine"] = null,
                ["steadyStateFirstAchievedTime"] = "0001-01-01T00:00:00Z",
                ["steadyStateLastAchievedTime"] = "0001-01-01T00:00:00Z",
                ["synchronizedEntryCountByType"] = new JsonArray(),
                ["troubleshootingUrl"] = null,
            },
            ["synchronizationJobSettings"] = new JsonArray(
                new JsonObject { ["name"] = "AzureIngestionAttributeOptimization", ["value"] = "False" }),
        };
        if ((string?)job["schedule"]!["state"] == "Active")
        {
            job["status"]!["code"] = "NotRun";
        }

        JsonObject schema = seedJob?["schema"] is JsonObject s ? (JsonObject)s.DeepClone() : ScimTemplate.DefaultSchema(id);
        return new JobState(job, schema);
    }
}
