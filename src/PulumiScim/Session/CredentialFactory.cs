// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Identity;

namespace PulumiScim.Session;

/// <summary>Builds the Azure.Identity credential of each Connect-ScimGraph parameter set (PSResourceGet: an explicit credential, never the full default chain).</summary>
internal static class CredentialFactory
{
    /// <summary>Microsoft Graph PowerShell's public client id, used for device code and interactive sign-in when no -ClientId is given.</summary>
    public const string DefaultPublicClientId = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

    public static T WithCloud<T>(T options, GraphCloud cloud)
        where T : TokenCredentialOptions
    {
        options.AuthorityHost = cloud.AuthorityHost;
        return options;
    }

    public static TokenCredential ClientSecret(string tenantId, string clientId, SecureString secret, GraphCloud cloud) =>
        new ClientSecretCredential(tenantId, clientId, new NetworkCredential(string.Empty, secret).Password, WithCloud(new ClientSecretCredentialOptions(), cloud));

    public static TokenCredential Certificate(string tenantId, string clientId, X509Certificate2 certificate, GraphCloud cloud) =>
        new ClientCertificateCredential(tenantId, clientId, certificate, WithCloud(new ClientCertificateCredentialOptions(), cloud));

    public static TokenCredential ManagedIdentity(string? clientId, GraphCloud cloud) =>
        clientId is null
            ? new ManagedIdentityCredential(new ManagedIdentityCredentialOptions(ManagedIdentityId.SystemAssigned) { AuthorityHost = cloud.AuthorityHost })
            : new ManagedIdentityCredential(new ManagedIdentityCredentialOptions(ManagedIdentityId.FromUserAssignedClientId(clientId)) { AuthorityHost = cloud.AuthorityHost });

    public static TokenCredential DeviceCode(string? tenantId, string? clientId, GraphCloud cloud, Func<DeviceCodeInfo, CancellationToken, Task> callback) =>
        new DeviceCodeCredential(WithCloud(
            new DeviceCodeCredentialOptions { TenantId = tenantId, ClientId = clientId ?? DefaultPublicClientId, DeviceCodeCallback = callback },
            cloud));

    public static TokenCredential Interactive(string? tenantId, string? clientId, GraphCloud cloud) =>
        new InteractiveBrowserCredential(WithCloud(
            new InteractiveBrowserCredentialOptions { TenantId = tenantId, ClientId = clientId ?? DefaultPublicClientId },
            cloud));

    public static TokenCredential AzureCli(string? tenantId) =>
        new AzureCliCredential(new AzureCliCredentialOptions { TenantId = tenantId });

    /// <summary>Workload identity federation: a token file (GitHub Actions, Kubernetes), or the AZURE_* environment when arguments are null.</summary>
    public static TokenCredential WorkloadIdentity(string? tenantId, string? clientId, string? tokenFile, GraphCloud cloud) =>
        new WorkloadIdentityCredential(WithCloud(
            new WorkloadIdentityCredentialOptions { TenantId = tenantId, ClientId = clientId, TokenFilePath = tokenFile },
            cloud));

    /// <summary>Finds a certificate with a private key by thumbprint in CurrentUser\My, then LocalMachine\My.</summary>
    public static X509Certificate2? FindCertificate(string thumbprint) =>
        Find(X509FindType.FindByThumbprint, thumbprint.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant());

    /// <summary>
    /// Finds a certificate with a private key by subject in CurrentUser\My, then LocalMachine\My, as Connect-MgGraph's
    /// -CertificateSubjectName does: a distinguished name ("CN=pulumi-scim") matches exactly, a bare name matches
    /// subjects containing it; of several, the one valid longest.
    /// </summary>
    public static X509Certificate2? FindCertificateBySubject(string subject) =>
        subject.Contains('=', StringComparison.Ordinal)
            ? Find(X509FindType.FindBySubjectDistinguishedName, subject)
            : Find(X509FindType.FindBySubjectName, subject);

    private static X509Certificate2? Find(X509FindType type, string value)
    {
        foreach (StoreLocation location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
        {
            try
            {
                using var store = new X509Store(StoreName.My, location);
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                X509Certificate2? found = store.Certificates.Find(type, value, validOnly: false)
                    .OfType<X509Certificate2>()
                    .Where(c => c.HasPrivateKey)
                    .OrderByDescending(c => c.NotAfter)
                    .FirstOrDefault();
                if (found is not null)
                {
                    return found;
                }
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // the store does not exist on this platform or for this user
            }
        }

        return null;
    }
}
