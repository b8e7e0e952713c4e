// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Security;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;

namespace PulumiScim.Session;

/// <summary>
/// What Connect-ScimGraph's parameters say about signing in through Azure.Identity, turned into a token source here.
/// The cmdlet assembly loads in the default load context and must name no Azure.Identity or Azure.Core type (such a
/// name would bind to whatever copy the default context holds); this engine assembly loads in the module's private
/// load context with its own copies.
/// </summary>
/// <param name="AuthType">ClientSecret, Certificate, ManagedIdentity, DeviceCode, Interactive, AzureCli or WorkloadIdentity.</param>
/// <param name="TenantId">The directory (tenant) id, when the parameters give one.</param>
/// <param name="ClientId">The application (client) id, when the parameters give one.</param>
/// <param name="Cloud">The national cloud signed in to.</param>
internal sealed record SignInRequest(string AuthType, string? TenantId, string? ClientId, GraphCloud Cloud)
{
    /// <summary>The client secret of ClientSecret.</summary>
    public SecureString? Secret { get; init; }

    /// <summary>The certificate of Certificate.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>The federated token file of WorkloadIdentity (null: the AZURE_* environment).</summary>
    public string? TokenFile { get; init; }

    /// <summary>Shows DeviceCode's sign-in message.</summary>
    public Action<string>? ShowDeviceCode { get; init; }

    /// <summary>How long one token acquisition may take (a user signing in needs longer than a service).</summary>
    public TimeSpan AcquireTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The token source of the request's credential; Azure.Identity's refusal of a parameter is an ArgumentException.</summary>
    /// <param name="scope">The Graph scope tokens are asked for.</param>
    /// <returns>A token source caching the credential's tokens.</returns>
    public ITokenSource ToTokenSource(string scope) =>
        new CredentialTokenSource(Credential(), scope, AuthType, TenantId) { AcquireTimeout = AcquireTimeout };

    private TokenCredential Credential() => AuthType switch
    {
        "ClientSecret" => CredentialFactory.ClientSecret(TenantId!, ClientId!, Secret!, Cloud),
        "Certificate" => CredentialFactory.Certificate(TenantId!, ClientId!, Certificate!, Cloud),
        "ManagedIdentity" => CredentialFactory.ManagedIdentity(ClientId, Cloud),
        "DeviceCode" => CredentialFactory.DeviceCode(TenantId, ClientId, Cloud, (info, _) =>
        {
            ShowDeviceCode?.Invoke(info.Message);
            return Task.CompletedTask;
        }),
        "Interactive" => CredentialFactory.Interactive(TenantId, ClientId, Cloud),
        "AzureCli" => CredentialFactory.AzureCli(TenantId),
        "WorkloadIdentity" => CredentialFactory.WorkloadIdentity(TenantId, ClientId, TokenFile, Cloud),
        _ => throw new NotSupportedException($"No sign-in of type '{AuthType}'."),
    };
}
