// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary>Creating the enterprise app and assigning principals to it, replayed against the Microsoft docs examples.</summary>
public sealed class ContractApplicationTests : GraphTestClient
{
    /// <summary>
    /// Response of <c>POST /v1.0/applicationTemplates/8adf8e6e-67b2-4cf2-a259-e3dc5476c621/instantiate</c> from the Microsoft
    /// Graph tutorial "Configure Microsoft Entra Private Access using Microsoft Graph APIs" (microsoft-graph-docs-contrib,
    /// concepts/; CC BY 4.0).
    /// </summary>
    private const string InstantiateDocResponse = """
{
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.applicationServicePrincipal",
    "application": {
        "id": "bf21f7e9-9d25-4da2-82ab-7fdd85049f83",
        "appId": "32977d3b-ee0e-4614-9f50-f583a07842d2",
        "applicationTemplateId": "8adf8e6e-67b2-4cf2-a259-e3dc5476c621",
        "createdDateTime": "2024-02-22T16:48:09Z",
        "deletedDateTime": null,
        "displayName": "newPrivateApp",
        "description": null,
        "groupMembershipClaims": null,
        "identifierUris": [],
        "isFallbackPublicClient": false,
        "signInAudience": "AzureADMyOrg",
        "tags": [],
        "tokenEncryptionKeyId": null,
        "defaultRedirectUri": null,
        "samlMetadataUrl": null,
        "optionalClaims": null,
        "addIns": [],
        "api": {
            "acceptMappedClaims": null,
            "knownClientApplications": [],
            "requestedAccessTokenVersion": null,
            "oauth2PermissionScopes": [
                {
                    "adminConsentDescription": "Allow the application to access newPrivateApp on behalf of the signed-in user.",
                    "adminConsentDisplayName": "Access newPrivateApp",
                    "id": "5cda2e1e-d9fd-4f69-b981-48fbc8a16be1",
                    "isEnabled": true,
                    "type": "User",
                    "userConsentDescription": "Allow the application to access newPrivateApp on your behalf.",
                    "userConsentDisplayName": "Access newPrivateApp",
                    "value": "user_impersonation"
                }
            ],
            "preAuthorizedApplications": []
        },
        "appRoles": [
            {
                "allowedMemberTypes": [
                    "User"
                ],
                "displayName": "User",
                "id": "18d14569-c3bd-439b-9a66-3a2aee01d14f",
                "isEnabled": true,
                "description": "User",
                "value": null,
                "origin": "Application"
            },
            {
                "allowedMemberTypes": [
                    "User"
                ],
                "displayName": "msiam_access",
                "id": "b9632174-c057-4f7e-951b-be3adc52bfe6",
                "isEnabled": true,
                "description": "msiam_access",
                "value": null,
                "origin": "Application"
            }
        ],
        "info": {
            "logoUrl": null,
            "marketingUrl": null,
            "privacyStatementUrl": null,
            "supportUrl": null,
            "termsOfServiceUrl": null
        },
        "keyCredentials": [],
        "parentalControlSettings": {
            "countriesBlockedForMinors": [],
            "legalAgeGroupRule": "Allow"
        },
        "passwordCredentials": [],
        "publicClient": {
            "redirectUris": []
        },
        "requiredResourceAccess": [],
        "verifiedPublisher": {
            "displayName": null,
            "verifiedPublisherId": null,
            "addedDateTime": null
        },
        "web": {
            "homePageUrl": "https://account.activedirectory.windowsazure.com:444/applications/default.aspx?metadata=customappsso|ISV9.1|primary|z",
            "redirectUris": [],
            "logoutUrl": null
        }
    },
    "servicePrincipal": {
        "id": "a8cac399-cde5-4516-a674-819503c61313",
        "deletedDateTime": null,
        "accountEnabled": true,
        "appId": "32977d3b-ee0e-4614-9f50-f583a07842d2",
        "applicationTemplateId": "8adf8e6e-67b2-4cf2-a259-e3dc5476c621",
        "appDisplayName": "newPrivateApp",
        "alternativeNames": [],
        "appOwnerOrganizationId": "38d49456-54d4-455d-a8d6-c383c71e0a6d",
        "displayName": "newPrivateApp",
        "appRoleAssignmentRequired": true,
        "loginUrl": null,
        "logoutUrl": null,
        "homepage": "https://account.activedirectory.windowsazure.com:444/applications/default.aspx?metadata=customappsso|ISV9.1|primary|z",
        "notificationEmailAddresses": [],
        "preferredSingleSignOnMode": null,
        "preferredTokenSigningKeyThumbprint": null,
        "replyUrls": [],
        "servicePrincipalNames": [
            "32977d3b-ee0e-4614-9f50-f583a07842d2"
        ],
        "servicePrincipalType": "Application",
        "tags": [
            "WindowsAzureActiveDirectoryCustomSingleSignOnApplication",
            "WindowsAzureActiveDirectoryIntegratedApp"
        ],
        "tokenEncryptionKeyId": null,
        "samlSingleSignOnSettings": null,
        "addIns": [],
        "appRoles": [
            {
                "allowedMemberTypes": [
                    "User"
                ],
                "displayName": "User",
                "id": "18d14569-c3bd-439b-9a66-3a2aee01d14f",
                "isEnabled": true,
                "description": "User",
                "value": null,
                "origin": "Application"
            },
            {
                "allowedMemberTypes": [
                    "User"
                ],
                "displayName": "msiam_access",
                "id": "b9632174-c057-4f7e-951b-be3adc52bfe6",
                "isEnabled": true,
                "description": "msiam_access",
                "value": null,
                "origin": "Application"
            }
        ],
        "info": {
            "logoUrl": null,
            "marketingUrl": null,
            "privacyStatementUrl": null,
            "supportUrl": null,
            "termsOfServiceUrl": null
        },
        "keyCredentials": [],
        "oauth2PermissionScopes": [
            {
                "adminConsentDescription": "Allow the application to access newPrivateApp on behalf of the signed-in user.",
                "adminConsentDisplayName": "Access newPrivateApp",
                "id": "5cda2e1e-d9fd-4f69-b981-48fbc8a16be1",
                "isEnabled": true,
                "type": "User",
                "userConsentDescription": "Allow the application to access newPrivateApp on your behalf.",
                "userConsentDisplayName": "Access newPrivateApp",
                "value": "user_impersonation"
            }
        ],
        "passwordCredentials": [],
        "verifiedPublisher": {
            "displayName": null,
            "verifiedPublisherId": null,
            "addedDateTime": null
        }
    }
}
""";

    [Fact]
    public async Task Instantiate_CustomTemplate_Returns201WithTheDocumentedShape()
    {
        GraphAnswer a = await PostAsync("/v1.0/applicationTemplates/8adf8e6e-67b2-4cf2-a259-e3dc5476c621/instantiate", new { displayName = "Pulumi Cloud 2" });
        Assert.Equal(HttpStatusCode.Created, a.Status);
        JsonNode doc = JsonNode.Parse(InstantiateDocResponse)!;
        AssertShape(doc, a.Body);
        Assert.EndsWith("$metadata#microsoft.graph.applicationServicePrincipal", (string?)a.Body!["@odata.context"]);
        JsonNode sp = a.Body["servicePrincipal"]!;
        Assert.Equal("Pulumi Cloud 2", (string?)sp["displayName"]);
        Assert.True((bool)sp["appRoleAssignmentRequired"]!);
        Assert.Equal((string?)a.Body["application"]!["appId"], (string?)sp["appId"]);
        var roles = sp["appRoles"]!.AsArray().Select(r => ((string?)r!["id"], (string?)r["displayName"])).ToList();
        Assert.Contains(("18d14569-c3bd-439b-9a66-3a2aee01d14f", "User"), roles);
        Assert.Contains(("b9632174-c057-4f7e-951b-be3adc52bfe6", "msiam_access"), roles);
        Assert.Equal(TenantId, (string?)sp["appOwnerOrganizationId"]);

        GraphAnswer get = await GetAsync("/v1.0/servicePrincipals/" + (string?)sp["id"]);
        Assert.Equal(HttpStatusCode.OK, get.Status);
    }

    [Fact]
    public async Task Applications_ServeTheSamlEntityId()
    {
        GraphAnswer list = await GetAsync($"/v1.0/applications?$filter=appId eq '{AppId}'&$select=id,appId,identifierUris");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        JsonNode app = list.Body!["value"]!.AsArray().Single()!;
        Assert.Equal("https://api.pulumi.com/login/acme/sso/saml/metadata", (string?)app["identifierUris"]![0]);
        GraphAnswer byId = await GetAsync("/v1.0/applications/" + (string?)app["id"]);
        Assert.Equal(HttpStatusCode.OK, byId.Status);
        GraphAnswer byAppId = await GetAsync($"/v1.0/applications(appId='{AppId}')");
        Assert.Equal((string?)app["id"], (string?)byAppId.Body!["id"]);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/v1.0/applications/" + Guid.NewGuid())).Status);
    }

    [Fact]
    public async Task Instantiate_UnknownTemplate_Is404()
    {
        GraphAnswer a = await PostAsync($"/v1.0/applicationTemplates/{Guid.NewGuid()}/instantiate", new { displayName = "X" });
        Assert.Equal(HttpStatusCode.NotFound, a.Status);
        Assert.Equal("Request_ResourceNotFound", a.ErrorCode);
    }

    [Fact]
    public async Task Instantiate_WithoutDisplayName_Is400()
    {
        GraphAnswer a = await PostAsync("/v1.0/applicationTemplates/8adf8e6e-67b2-4cf2-a259-e3dc5476c621/instantiate", new { });
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
    }

    [Fact]
    public async Task Instantiate_HonoursReplicationDelay()
    {
        JsonObject seed = GraphSeeds.Default();
        seed["options"]!["replicationDelayMs"] = 3000;
        using var slow = new GraphTestClient(seed.ToJsonString());
        GraphAnswer a = await slow.PostAsync("/v1.0/applicationTemplates/8adf8e6e-67b2-4cf2-a259-e3dc5476c621/instantiate", new { displayName = "Late" });
        string spId = (string)a.Body!["servicePrincipal"]!["id"]!;
        GraphAnswer early = await slow.GetAsync("/v1.0/servicePrincipals/" + spId);
        Assert.Equal(HttpStatusCode.NotFound, early.Status);
        GraphAnswer earlyJobs = await slow.PostAsync($"/v1.0/servicePrincipals/{spId}/synchronization/jobs", new { templateId = "scim" });
        Assert.Equal(HttpStatusCode.NotFound, earlyJobs.Status);
        await Task.Delay(3100);
        GraphAnswer late = await slow.GetAsync("/v1.0/servicePrincipals/" + spId);
        Assert.Equal(HttpStatusCode.OK, late.Status);
    }

    [Fact]
    public async Task NewJob_AnswersItsSynchronizationEndpointsWith404Or403WhileItReplicates()
    {
        JsonObject seed = GraphSeeds.Default();
        seed["options"]!["replicationDelayMs"] = 600000;
        using var slow = new GraphTestClient(seed.ToJsonString());
        GraphAnswer created = await slow.PostAsync(SyncPath("/jobs"), new { templateId = "scim" });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        string job = SyncPath("/jobs/" + (string)created.Body!["id"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await slow.GetAsync(job)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await slow.GetAsync(job + "/schema")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await slow.PostAsync(job + "/start")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await slow.PostAsync(job + "/validateCredentials", new { useSavedCredentials = true })).Status);
        GraphAnswer secrets = await slow.SendAsync(HttpMethod.Put, SyncPath("/secrets"), new { value = new[] { new { key = "BaseAddress", value = "http://127.0.0.1:1/scim" } } });
        Assert.Equal(HttpStatusCode.Forbidden, secrets.Status);
        Assert.Equal("Authorization_RequestDenied", secrets.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await slow.GetAsync(SyncPath("/secrets"))).Status);
        Assert.Empty((await slow.GetAsync(SyncPath("/jobs"))).Body!["value"]!.AsArray());
    }

    [Fact]
    public async Task RemovedAssignment_StaysListedWhileItReplicates_AndASecondDeleteIs404()
    {
        JsonObject seed = GraphSeeds.Default();
        seed["options"]!["replicationDelayMs"] = 600000;
        seed["applications"]![0]!["assignments"] = new JsonArray(new JsonObject { ["principalId"] = AdaId });
        using var slow = new GraphTestClient(seed.ToJsonString());
        string id = (string)(await slow.GetAsync($"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo")).Body!["value"]![0]!["id"]!;
        Assert.Equal(HttpStatusCode.NoContent, (await slow.SendAsync(HttpMethod.Delete, $"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo/{id}")).Status);
        GraphAnswer listed = await slow.GetAsync($"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo");
        Assert.Equal(id, (string?)listed.Body!["value"]![0]!["id"]);
        Assert.Equal(HttpStatusCode.NotFound, (await slow.SendAsync(HttpMethod.Delete, $"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo/{id}")).Status);
        Assert.Empty(State.StateExporter.Export(slow.Sandbox.State)["applications"]![0]!["assignments"]!.AsArray());
    }

    [Fact]
    public async Task AppRoleAssignedTo_PostListDelete()
    {
        // Body as in api-reference/v1.0/api/serviceprincipal-post-approleassignedto.md (principalId, resourceId, appRoleId).
        GraphAnswer created = await PostAsync($"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo",
            new { principalId = AdaId, resourceId = SpId, appRoleId = UserRoleId });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        // appRoleAssignment resource (resources/approleassignment.md)
        AssertShape(JsonNode.Parse("""
            { "id": "x", "appRoleId": "x", "createdDateTime": "x", "deletedDateTime": null, "principalDisplayName": "x",
              "principalId": "x", "principalType": "x", "resourceDisplayName": "x", "resourceId": "x" }
            """), created.Body);
        Assert.Equal("User", (string?)created.Body!["principalType"]);
        Assert.Equal("Ada Lovelace", (string?)created.Body["principalDisplayName"]);
        Assert.Equal(43, ((string)created.Body["id"]!).Length);

        GraphAnswer group = await PostAsync($"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo",
            new { principalId = PlatformTeamId, resourceId = SpId, appRoleId = UserRoleId });
        Assert.Equal("Group", (string?)group.Body!["principalType"]);

        GraphAnswer list = await GetAsync($"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo?$top=1");
        Assert.Single(list.Body!["value"]!.AsArray());
        Assert.NotNull(list.Body["@odata.nextLink"]);
        GraphAnswer page2 = await GetAsync((string)list.Body["@odata.nextLink"]!);
        Assert.Single(page2.Body!["value"]!.AsArray());
        Assert.Null(page2.Body["@odata.nextLink"]);

        string id = (string)created.Body["id"]!;
        GraphAnswer deleted = await SendAsync(HttpMethod.Delete, $"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        GraphAnswer again = await SendAsync(HttpMethod.Delete, $"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo/{id}");
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
    }

    [Fact]
    public async Task AppRoleAssignedTo_Duplicate_Is400PermissionAlreadyExists()
    {
        var body = new { principalId = AdaId, resourceId = SpId, appRoleId = UserRoleId };
        Assert.Equal(HttpStatusCode.Created, (await PostAsync($"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo", body)).Status);
        GraphAnswer dup = await PostAsync($"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo", body);
        Assert.Equal(HttpStatusCode.BadRequest, dup.Status);
        Assert.Equal("Request_BadRequest", dup.ErrorCode);
        Assert.Equal("Permission being assigned already exists on the object.", dup.ErrorMessage);
    }

    [Fact]
    public async Task AppRoleAssignedTo_UndeclaredRole_Is400()
    {
        GraphAnswer a = await PostAsync($"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo",
            new { principalId = AdaId, resourceId = SpId, appRoleId = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
        Assert.StartsWith("Permission being assigned was not found on application", a.ErrorMessage);
    }

    [Fact]
    public async Task AppRoleAssignedTo_UnknownPrincipal_Is404()
    {
        GraphAnswer a = await PostAsync($"/v1.0/servicePrincipals/{SpId}/appRoleAssignedTo",
            new { principalId = Guid.NewGuid(), resourceId = SpId, appRoleId = UserRoleId });
        Assert.Equal(HttpStatusCode.NotFound, a.Status);
        Assert.Equal("Request_ResourceNotFound", a.ErrorCode);
    }
}
