// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.State;

/// <summary>Builds a <see cref="SandboxState"/> from a seed (docs/sandbox.md).</summary>
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
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(seedJson, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The seed is not valid JSON: {ex.Message}", ex);
        }

        if (root is not JsonObject seed)
        {
            throw new InvalidDataException($"The seed is {(root is null ? "empty (null)" : root.GetValueKind().ToString().ToLowerInvariant())}: write one JSON object, {{ \"tenantId\": \"...\", \"users\": [ ... ], ... }}.");
        }

        IReadOnlyList<string> problems = SeedValidator.Validate(seed);
        if (problems.Count > 0)
        {
            throw new InvalidDataException(SeedValidator.Describe(problems));
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

        state.FirstPartyServicePrincipals.AddRange(FirstPartyServicePrincipals.Generate(state.Options.FirstPartyServicePrincipals));

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

        if (seed["provisioningLogs"] is JsonObject logs)
        {
            LoadProvisioningLogs(logs, state);
        }

        return state;
    }

    private static void LoadProvisioningLogs(JsonObject logs, SandboxState state)
    {
        foreach (JsonNode? entry in logs["entries"] as JsonArray ?? [])
        {
            state.ProvisioningLogs.Append((JsonObject)entry!.DeepClone());
        }

        if (logs["generate"] is not JsonObject gen)
        {
            return;
        }

        string? spId = (string?)gen["servicePrincipalId"];
        AppState? app = spId is not null
            ? state.FindApp(spId)
            : state.Applications.FirstOrDefault(a => a.Jobs.Count > 0) ?? state.Applications.FirstOrDefault();
        spId ??= app?.ServicePrincipalId ?? Guid.Empty.ToString();
        string appId = app?.AppId ?? Guid.Empty.ToString();
        string jobId = app?.Jobs.FirstOrDefault()?.Id ?? $"{ScimTemplate.TemplateId}.{state.TenantIdNoHyphens}.{appId}";
        LogIdentity[] identities = state.Users
            .Select(u => new LogIdentity((string)u["id"]!, (string?)u["displayName"] ?? string.Empty, (string?)u["userPrincipalName"] ?? string.Empty))
            .ToArray();
        if (identities.Length == 0)
        {
            identities = Enumerable.Range(0, 50)
                .Select(n => new LogIdentity(new Guid(n + 1, 0, 0, new byte[8]).ToString(), $"User {n}", $"user{n}@contoso.example"))
                .ToArray();
        }

        DateTimeOffset from = ProvisioningLogStore.ParseTime((string?)gen["from"])
            ?? throw new InvalidDataException("provisioningLogs.generate.from must be an ISO 8601 date and time.");
        state.ProvisioningLogs.Generator = new LogGenerator
        {
            Count = gen["count"]?.GetValue<int>() ?? 0,
            FailureRatio = gen["failureRatio"]?.GetValue<double>() ?? 0,
            From = from,
            Seed = gen["seed"]?.GetValue<int>() ?? 0,
            TenantId = state.TenantId,
            JobId = jobId,
            AppId = appId,
            ServicePrincipalId = spId,
            ServicePrincipalDisplayName = (string?)app?.ServicePrincipal["displayName"] ?? "Pulumi Cloud",
            Identities = identities,
            Spec = (JsonObject)gen.DeepClone(),
        };
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

    /// <summary>
    /// Creates the application and service principal objects as instantiate returns them for the custom template
    /// (the instantiate response in Graph's tutorial "Configure Microsoft Entra Private Access using Microsoft Graph APIs").
    /// </summary>
    public static AppState NewApplication(string tenantId, string displayName, string? appId, string? applicationId, string? servicePrincipalId, JsonArray? appRoles, JsonArray? identifierUris, JsonArray? replyUrls)
    {
        appId ??= Guid.NewGuid().ToString();
        var roles = appRoles ?? TemplateAppRoles();
        string created = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        const string homepage = "https://account.activedirectory.windowsazure.com:444/applications/default.aspx?metadata=customappsso|ISV9.1|primary|z";
        string scopeId = Guid.NewGuid().ToString();
        var application = new JsonObject
        {
            ["id"] = applicationId ?? Guid.NewGuid().ToString(),
            ["appId"] = appId,
            ["applicationTemplateId"] = CustomTemplateId,
            ["createdDateTime"] = created,
            ["deletedDateTime"] = null,
            ["displayName"] = displayName,
            ["description"] = null,
            ["groupMembershipClaims"] = null,
            ["identifierUris"] = identifierUris ?? [],
            ["isFallbackPublicClient"] = false,
            ["signInAudience"] = "AzureADMyOrg",
            ["tags"] = new JsonArray(),
            ["tokenEncryptionKeyId"] = null,
            ["defaultRedirectUri"] = null,
            ["samlMetadataUrl"] = null,
            ["optionalClaims"] = null,
            ["addIns"] = new JsonArray(),
            ["api"] = new JsonObject
            {
                ["acceptMappedClaims"] = null,
                ["knownClientApplications"] = new JsonArray(),
                ["requestedAccessTokenVersion"] = null,
                ["oauth2PermissionScopes"] = new JsonArray(PermissionScope(scopeId, displayName)),
                ["preAuthorizedApplications"] = new JsonArray(),
            },
            ["appRoles"] = roles.DeepClone(),
            ["info"] = Info(),
            ["keyCredentials"] = new JsonArray(),
            ["parentalControlSettings"] = new JsonObject { ["countriesBlockedForMinors"] = new JsonArray(), ["legalAgeGroupRule"] = "Allow" },
            ["passwordCredentials"] = new JsonArray(),
            ["publicClient"] = new JsonObject { ["redirectUris"] = new JsonArray() },
            ["requiredResourceAccess"] = new JsonArray(),
            ["verifiedPublisher"] = VerifiedPublisher(),
            ["web"] = new JsonObject
            {
                ["homePageUrl"] = homepage,
                ["redirectUris"] = replyUrls?.DeepClone() ?? new JsonArray(),
                ["logoutUrl"] = null,
            },
        };
        var sp = new JsonObject
        {
            ["id"] = servicePrincipalId ?? Guid.NewGuid().ToString(),
            ["deletedDateTime"] = null,
            ["accountEnabled"] = true,
            ["appId"] = appId,
            ["applicationTemplateId"] = CustomTemplateId,
            ["appDisplayName"] = displayName,
            ["alternativeNames"] = new JsonArray(),
            ["appOwnerOrganizationId"] = tenantId,
            ["displayName"] = displayName,
            ["appRoleAssignmentRequired"] = true,
            ["loginUrl"] = null,
            ["logoutUrl"] = null,
            ["homepage"] = homepage,
            ["notificationEmailAddresses"] = new JsonArray(),
            ["preferredSingleSignOnMode"] = replyUrls is { Count: > 0 } ? "saml" : null,
            ["preferredTokenSigningKeyThumbprint"] = null,
            ["replyUrls"] = replyUrls?.DeepClone() ?? new JsonArray(),
            // A service principal's names are its app id and its application's identifier URIs (Graph docs,
            // resources/serviceprincipal.md: servicePrincipalNames "contains the list of identifiersUris, copied over from the associated application").
            ["servicePrincipalNames"] = new JsonArray(new[] { appId }.Concat((identifierUris ?? []).Select(u => (string?)u)).Select(n => (JsonNode?)n).ToArray()),
            ["servicePrincipalType"] = "Application",
            ["signInAudience"] = "AzureADMyOrg",
            ["tags"] = new JsonArray("WindowsAzureActiveDirectoryCustomSingleSignOnApplication", "WindowsAzureActiveDirectoryIntegratedApp"),
            ["tokenEncryptionKeyId"] = null,
            ["samlSingleSignOnSettings"] = null,
            ["addIns"] = new JsonArray(),
            ["appRoles"] = roles.DeepClone(),
            ["info"] = Info(),
            ["keyCredentials"] = new JsonArray(),
            ["oauth2PermissionScopes"] = new JsonArray(PermissionScope(scopeId, displayName)),
            ["passwordCredentials"] = new JsonArray(),
            ["verifiedPublisher"] = VerifiedPublisher(),
        };
        return new AppState(application, sp);
    }

    private static JsonObject PermissionScope(string id, string displayName) => new()
    {
        ["adminConsentDescription"] = $"Allow the application to access {displayName} on behalf of the signed-in user.",
        ["adminConsentDisplayName"] = $"Access {displayName}",
        ["id"] = id,
        ["isEnabled"] = true,
        ["type"] = "User",
        ["userConsentDescription"] = $"Allow the application to access {displayName} on your behalf.",
        ["userConsentDisplayName"] = $"Access {displayName}",
        ["value"] = "user_impersonation",
    };

    private static JsonObject Info() => new()
    {
        ["logoUrl"] = null,
        ["marketingUrl"] = null,
        ["privacyStatementUrl"] = null,
        ["supportUrl"] = null,
        ["termsOfServiceUrl"] = null,
    };

    private static JsonObject VerifiedPublisher() => new()
    {
        ["displayName"] = null,
        ["verifiedPublisherId"] = null,
        ["addedDateTime"] = null,
    };

    private static AppState LoadApplication(JsonObject a, SandboxState state)
    {
        AppState app = NewApplication(
            state.TenantId,
            (string)a["displayName"]!,
            (string?)a["appId"],
            (string?)a["applicationId"],
            (string?)a["servicePrincipalId"],
            (a["appRoles"] as JsonArray)?.DeepClone() as JsonArray,
            a["identifierUris"]?.DeepClone() as JsonArray,
            a["replyUrls"]?.DeepClone() as JsonArray);

        // "owners": object ids of the app's owners (a managed identity with Application.ReadWrite.OwnedBy acts on these).
        foreach (JsonNode? owner in a["owners"] as JsonArray ?? [])
        {
            app.Owners.Add((string)owner!);
        }

        foreach (JsonNode? asg in a["assignments"] as JsonArray ?? [])
        {
            string principalId = (string)asg!["principalId"]!;
            string roleId = (string?)asg["appRoleId"] ?? UserRoleId;
            JsonObject assignment = NewAssignment(state, app, principalId, roleId);
            foreach (string keep in new[] { "id", "createdDateTime" })
            {
                if (asg[keep] is JsonValue v)
                {
                    assignment[keep] = v.DeepClone();
                }
            }

            app.Assignments.Add(assignment);
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
            // Graph's assignment ids are 43 base64url characters (32 bytes), e.g. "S8-44MyLhUKxf6jJa4RO3pRWQ1NbMWVEm5_T4YSdxlo".
            ["id"] = Convert.ToBase64String([.. (Guid.TryParse(principalId, out Guid p) ? p : Guid.NewGuid()).ToByteArray(), .. Guid.NewGuid().ToByteArray()])
                .TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            ["appRoleId"] = appRoleId,
            ["createdDateTime"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
            ["deletedDateTime"] = null,
            ["principalDisplayName"] = (string?)(user ?? group)?["displayName"],
            ["principalId"] = principalId,
            ["principalType"] = user is not null ? "User" : group is not null ? "Group" : "ServicePrincipal",
            ["resourceDisplayName"] = (string?)app.ServicePrincipal["displayName"],
            ["resourceId"] = app.ServicePrincipalId,
        };
    }

    /// <summary>A new synchronizationJob as <c>POST .../jobs</c> returns it (Graph docs, "Create synchronizationJob", response).</summary>
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

        // A seed (or a state export) may carry the job's full status and settings: they win over the defaults.
        foreach (var kv in seedJob ?? [])
        {
            if (kv.Key is "schema" or "id" or "templateId" or "schedule")
            {
                continue;
            }

            job[kv.Key] = kv.Value?.DeepClone();
        }

        if (schedule is not null)
        {
            foreach (var kv in schedule)
            {
                job["schedule"]![kv.Key] = kv.Value?.DeepClone();
            }
        }

        JsonObject schema = seedJob?["schema"] switch
        {
            JsonObject s => (JsonObject)s.DeepClone(),
            null => ScimTemplate.DefaultSchema(id),
            JsonValue v when v.TryGetValue(out string? text) && text == "template" => ScimTemplate.DefaultSchema(id),
            _ => throw new InvalidDataException($"The job '{id}' has a schema that is neither \"template\" nor a synchronizationSchema object."),
        };
        return new JobState(job, schema);
    }
}
