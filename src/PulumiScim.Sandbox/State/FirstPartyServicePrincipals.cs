// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.State;

/// <summary>
/// The Microsoft-owned service principals a real tenant holds by the thousand (options.firstPartyServicePrincipals):
/// owned by Microsoft's tenant, without the <c>WindowsAzureActiveDirectoryIntegratedApp</c> tag, so the portal's
/// Enterprise applications list (and the module) leaves them out.
/// </summary>
internal static class FirstPartyServicePrincipals
{
    /// <summary>The tenant that owns Microsoft's first-party apps (appOwnerOrganizationId of e.g. Microsoft Graph's service principal).</summary>
    public const string MicrosoftTenantId = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

    private static readonly string[] s_names =
    [
        "Microsoft Graph", "Office 365 Exchange Online", "Office 365 SharePoint Online", "Microsoft Teams Services",
        "Windows Azure Active Directory", "Azure Portal", "Microsoft Intune", "Power BI Service", "Microsoft Azure CLI",
        "Azure DevOps", "Microsoft Office 365 Portal", "Skype for Business Online", "Microsoft Forms", "Microsoft Stream Service",
        "Azure Key Vault", "Windows Azure Service Management API", "Microsoft Approval Management", "Office Online",
    ];

    /// <summary>Makes <paramref name="count"/> of them, with ids and app ids that are the same in every sandbox.</summary>
    /// <param name="count">How many.</param>
    /// <returns>The service principals, as Graph lists them.</returns>
    public static IEnumerable<JsonObject> Generate(int count)
    {
        for (int i = 0; i < count; i++)
        {
            string appId = new Guid(i + 1, 0x0f1f, 0x4a31, [0x93, 0xe4, 0x5f, 0x57, 0x1e, 0x91, 0x25, 0x5a]).ToString();
            string name = s_names[i % s_names.Length] + (i < s_names.Length ? string.Empty : " " + (i / s_names.Length).ToString(CultureInfo.InvariantCulture));
            yield return new JsonObject
            {
                ["id"] = new Guid(i + 1, 0x0f1f, 0x4b4a, [0x93, 0xe4, 0x5f, 0x57, 0x1e, 0x91, 0x25, 0x5b]).ToString(),
                ["deletedDateTime"] = null,
                ["accountEnabled"] = true,
                ["appId"] = appId,
                ["applicationTemplateId"] = null,
                ["appDisplayName"] = name,
                ["alternativeNames"] = new JsonArray(),
                ["appOwnerOrganizationId"] = MicrosoftTenantId,
                ["displayName"] = name,
                ["appRoleAssignmentRequired"] = false,
                ["homepage"] = null,
                ["preferredSingleSignOnMode"] = null,
                ["publisherName"] = "Microsoft Services",
                ["replyUrls"] = new JsonArray(),
                ["servicePrincipalNames"] = new JsonArray(appId),
                ["servicePrincipalType"] = "Application",
                ["signInAudience"] = "AzureADMultipleOrgs",
                ["tags"] = new JsonArray(),
                ["appRoles"] = new JsonArray(),
                ["keyCredentials"] = new JsonArray(),
                ["oauth2PermissionScopes"] = new JsonArray(),
                ["passwordCredentials"] = new JsonArray(),
            };
        }
    }
}
