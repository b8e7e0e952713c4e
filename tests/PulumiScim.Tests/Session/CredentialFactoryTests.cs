// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Reflection;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Azure.Core;
using Azure.Identity;
using PulumiScim.Sandbox;
using PulumiScim.Session;

namespace PulumiScim.Tests.Session;

/// <summary>
/// Each Connect-ScimGraph parameter set, up to the credential it builds. Azure.Identity keeps a credential's settings
/// internal, so <see cref="Internal"/> reads them by name; the names are those of the pinned Azure.Identity 1.21.0
/// (whose types live in Azure.Core 1.53.0) and a renamed member fails the test with MissingMemberException rather than
/// passing silently. Managed identity is exercised for real against the sandbox's token endpoint.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class CredentialFactoryTests
{
    private const string Tenant = "0b5d3f3e-7e0a-4c7b-9f55-5c7bb0e3d0a1";
    private const string Client = "6a1f0c43-93a4-4b6b-8f3e-2c0f9d1e7b55";

    public static TheoryData<ScimGraphEnvironment, string> Clouds => new()
    {
        { ScimGraphEnvironment.Global, "https://login.microsoftonline.com/" },
        { ScimGraphEnvironment.USGov, "https://login.microsoftonline.us/" },
        { ScimGraphEnvironment.USGovDoD, "https://login.microsoftonline.us/" },
    };

    [Theory]
    [MemberData(nameof(Clouds))]
    public void ClientSecret_builds_a_ClientSecretCredential_with_the_clouds_authority(ScimGraphEnvironment environment, string authority)
    {
        using SecureString secretText = Secure("s3cr3t");
        TokenCredential credential = CredentialFactory.ClientSecret(Tenant, Client, secretText, GraphCloud.For(environment));

        var secret = Assert.IsType<ClientSecretCredential>(credential);
        Assert.Equal(Tenant, Internal(secret, "TenantId"));
        Assert.Equal(Client, Internal(secret, "ClientId"));
        Assert.Equal("s3cr3t", Internal(secret, "ClientSecret"));
        Assert.Equal(new Uri(authority), AuthorityOf(secret));
    }

    [Theory]
    [MemberData(nameof(Clouds))]
    public void Certificate_builds_a_ClientCertificateCredential_with_the_clouds_authority(ScimGraphEnvironment environment, string authority)
    {
        using X509Certificate2 cert = SelfSigned();

        TokenCredential credential = CredentialFactory.Certificate(Tenant, Client, cert, GraphCloud.For(environment));

        var certificate = Assert.IsType<ClientCertificateCredential>(credential);
        Assert.Equal(Tenant, Internal(certificate, "TenantId"));
        Assert.Equal(Client, Internal(certificate, "ClientId"));
        Assert.Equal(new Uri(authority), AuthorityOf(certificate));
        Assert.NotNull(Internal(certificate, "ClientCertificateProvider"));
    }

    [Fact]
    public void FindCertificate_returns_null_for_a_thumbprint_in_no_store()
    {
        using X509Certificate2 cert = SelfSigned();

        Assert.Null(CredentialFactory.FindCertificate(cert.Thumbprint));
    }

    [Fact]
    public void FindCertificate_finds_a_certificate_with_its_key_in_CurrentUser_My_ignoring_spaces_and_case()
    {
        using X509Certificate2 created = SelfSigned();

        // Through a PFX so the key is persisted with the certificate (an ephemeral key would not be stored).
        using X509Certificate2 cert = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable | X509KeyStorageFlags.PersistKeySet);
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(cert);
        try
        {
            string spaced = string.Join(' ', cert.Thumbprint.ToLowerInvariant().Chunk(2).Select(c => new string(c)));

            using X509Certificate2? found = CredentialFactory.FindCertificate(spaced);

            Assert.NotNull(found);
            Assert.Equal(cert.Thumbprint, found.Thumbprint);
            Assert.True(found.HasPrivateKey);
        }
        finally
        {
            store.Remove(cert);
        }
    }

    [Theory]
    [MemberData(nameof(Clouds))]
    public void DeviceCode_builds_a_DeviceCodeCredential_with_the_callback_and_the_clouds_authority(ScimGraphEnvironment environment, string authority)
    {
        Func<DeviceCodeInfo, CancellationToken, Task> callback = (_, _) => Task.CompletedTask;

        TokenCredential credential = CredentialFactory.DeviceCode(Tenant, Client, GraphCloud.For(environment), callback);

        var deviceCode = Assert.IsType<DeviceCodeCredential>(credential);
        Assert.Equal(Client, Internal(deviceCode, "ClientId"));
        Assert.Equal(Tenant, Internal(Internal(deviceCode, "Client")!, "TenantId"));
        Assert.Same(callback, Internal(deviceCode, "DeviceCodeCallback"));
        Assert.Equal(new Uri(authority), AuthorityOf(deviceCode));
    }

    [Fact]
    public void DeviceCode_without_a_client_id_uses_the_Microsoft_Graph_PowerShell_public_client()
    {
        TokenCredential credential = CredentialFactory.DeviceCode(null, null, GraphCloud.For(ScimGraphEnvironment.Global), (_, _) => Task.CompletedTask);

        Assert.Equal(CredentialFactory.DefaultPublicClientId, Internal(credential, "ClientId"));
    }

    [Theory]
    [MemberData(nameof(Clouds))]
    public void Interactive_builds_an_InteractiveBrowserCredential_with_the_clouds_authority(ScimGraphEnvironment environment, string authority)
    {
        TokenCredential credential = CredentialFactory.Interactive(Tenant, Client, GraphCloud.For(environment));

        var interactive = Assert.IsType<InteractiveBrowserCredential>(credential);
        Assert.Equal(Tenant, Internal(interactive, "TenantId"));
        Assert.Equal(Client, Internal(interactive, "ClientId"));
        Assert.Equal(new Uri(authority), AuthorityOf(interactive));
    }

    [Fact]
    public void Interactive_without_a_client_id_uses_the_Microsoft_Graph_PowerShell_public_client()
    {
        TokenCredential credential = CredentialFactory.Interactive(null, null, GraphCloud.For(ScimGraphEnvironment.Global));

        Assert.Equal(CredentialFactory.DefaultPublicClientId, Internal(credential, "ClientId"));
        Assert.Null(Internal(credential, "TenantId"));
    }

    [Theory]
    [InlineData(Tenant)]
    [InlineData(null)]
    public void AzureCli_builds_an_AzureCliCredential_for_the_tenant(string? tenantId)
    {
        TokenCredential credential = CredentialFactory.AzureCli(tenantId);

        Assert.IsType<AzureCliCredential>(credential);
        Assert.Equal(tenantId, Internal(credential, "TenantId"));
    }

    [Theory]
    [MemberData(nameof(Clouds))]
    public void WorkloadIdentity_builds_a_WorkloadIdentityCredential_reading_the_token_file(ScimGraphEnvironment environment, string authority)
    {
        string tokenFile = Path.Combine(Path.GetTempPath(), "pulumiscim-federated-" + Guid.NewGuid().ToString("n"));
        File.WriteAllText(tokenFile, "header.payload.signature");
        try
        {
            TokenCredential credential = CredentialFactory.WorkloadIdentity(Tenant, Client, tokenFile, GraphCloud.For(environment));

            var workload = Assert.IsType<WorkloadIdentityCredential>(credential);
            object client = Internal(workload, "Client")!;
            Assert.Equal(Tenant, Internal(client, "TenantId"));
            Assert.Equal(Client, Internal(client, "ClientId"));
            Assert.Equal(new Uri(authority), Internal(client, "AuthorityHost"));
            Assert.Equal(tokenFile, Internal(Internal(workload, "_tokenFileCache")!, "_tokenFilePath"));
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    [Fact]
    public async Task WorkloadIdentity_without_tenant_client_or_file_is_unavailable_before_any_request()
    {
        using var env = new EnvironmentScope("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE");

        TokenCredential credential = CredentialFactory.WorkloadIdentity(null, null, null, GraphCloud.For(ScimGraphEnvironment.Global));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ex = await Assert.ThrowsAsync<CredentialUnavailableException>(
            () => credential.GetTokenAsync(new TokenRequestContext(["https://graph.microsoft.com/.default"]), timeout.Token).AsTask());
        Assert.Contains("WorkloadIdentityCredential", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ManagedIdentity_without_a_client_id_is_system_assigned()
    {
        TokenCredential credential = CredentialFactory.ManagedIdentity(null, GraphCloud.For(ScimGraphEnvironment.Global));

        var managed = Assert.IsType<ManagedIdentityCredential>(credential);
        var id = Assert.IsType<ManagedIdentityId>(Internal(Internal(managed, "Client")!, "ManagedIdentityId"));
        Assert.Equal(ManagedIdentityId.SystemAssigned.ToString(), id.ToString());
    }

    [Fact]
    public void ManagedIdentity_with_a_client_id_is_that_user_assigned_identity()
    {
        TokenCredential credential = CredentialFactory.ManagedIdentity(Client, GraphCloud.For(ScimGraphEnvironment.Global));

        var managed = Assert.IsType<ManagedIdentityCredential>(credential);
        var id = Assert.IsType<ManagedIdentityId>(Internal(Internal(managed, "Client")!, "ManagedIdentityId"));
        Assert.Equal(ManagedIdentityId.FromUserAssignedClientId(Client).ToString(), id.ToString());
        Assert.NotEqual(ManagedIdentityId.SystemAssigned.ToString(), id.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData(Client)]
    public async Task ManagedIdentity_gets_the_sandboxs_token_from_an_App_Service_endpoint(string? clientId)
    {
        using SandboxServer sandbox = SandboxServer.Start();
        using var env = new EnvironmentScope("IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET", "IDENTITY_SERVER_THUMBPRINT", "IMDS_ENDPOINT");
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", sandbox.ManagedIdentityEndpoint.AbsoluteUri);
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", sandbox.IdentityHeader);
        string scope = new Uri(sandbox.GraphUri, "/.default").ToString();

        // Azure.Identity reads the variables when the credential is created.
        TokenCredential credential = CredentialFactory.ManagedIdentity(clientId, GraphCloud.For(ScimGraphEnvironment.Global));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        AccessToken token = await credential.GetTokenAsync(new TokenRequestContext([scope]), timeout.Token);

        Assert.True(token.Token == sandbox.AccessToken, "the endpoint's token is the sandbox's Graph token");
        Assert.InRange(token.ExpiresOn, DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow.AddDays(2));

        JsonElement request = Assert.Single(await TokenRequestsAsync(sandbox));
        Assert.Equal(200, request.GetProperty("status").GetInt32());
        string query = request.GetProperty("query").GetString()!;
        Assert.Contains("api-version=2019-08-01", query, StringComparison.Ordinal);
        Assert.Contains("resource=" + sandbox.GraphUri.GetLeftPart(UriPartial.Authority), Uri.UnescapeDataString(query), StringComparison.Ordinal);
        if (clientId is null)
        {
            Assert.DoesNotContain("client_id=", query, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("client_id=" + clientId, query, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ManagedIdentity_with_the_wrong_identity_header_fails_authentication()
    {
        using SandboxServer sandbox = SandboxServer.Start();
        using var env = new EnvironmentScope("IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET", "IDENTITY_SERVER_THUMBPRINT", "IMDS_ENDPOINT");
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", sandbox.ManagedIdentityEndpoint.AbsoluteUri);
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", "msi.wrong");

        TokenCredential credential = CredentialFactory.ManagedIdentity(null, GraphCloud.For(ScimGraphEnvironment.Global));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await Assert.ThrowsAsync<AuthenticationFailedException>(
            () => credential.GetTokenAsync(new TokenRequestContext([new Uri(sandbox.GraphUri, "/.default").ToString()]), timeout.Token).AsTask());
    }

    [Theory]
    [MemberData(nameof(Clouds))]
    public void WithCloud_sets_the_authority_host(ScimGraphEnvironment environment, string authority)
    {
        var options = CredentialFactory.WithCloud(new ClientSecretCredentialOptions(), GraphCloud.For(environment));

        Assert.Equal(new Uri(authority), options.AuthorityHost);
    }

    [Fact]
    public void GraphCloud_refuses_China()
    {
        Assert.Throws<NotSupportedException>(() => GraphCloud.For(ScimGraphEnvironment.China));
    }

    /// <summary>The token endpoint's entries in the sandbox's request log (polled: an entry may land just after the answer).</summary>
    private static async Task<List<JsonElement>> TokenRequestsAsync(SandboxServer sandbox)
    {
        using var http = new HttpClient();
        for (int attempt = 0; ; attempt++)
        {
            using JsonDocument log = JsonDocument.Parse(await http.GetStringAsync(new Uri(sandbox.GraphUri, "/_sandbox/requests")));
            List<JsonElement> found = log.RootElement.EnumerateArray()
                .Where(e => e.GetProperty("path").GetString() == "/msi/token")
                .Select(e => e.Clone())
                .ToList();
            if (found.Count > 0 || attempt >= 40)
            {
                return found;
            }

            await Task.Delay(50);
        }
    }

    private static Uri? AuthorityOf(TokenCredential credential) => (Uri?)Internal(Internal(credential, "Client")!, "AuthorityHost");

    /// <summary>Reads a non-public property or field by name, searching base types too.</summary>
    private static object? Internal(object target, string name)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        for (Type? t = target.GetType(); t is not null; t = t.BaseType)
        {
            if (t.GetProperty(name, flags) is PropertyInfo p)
            {
                return p.GetValue(target);
            }

            if (t.GetField(name, flags) is FieldInfo f)
            {
                return f.GetValue(target);
            }
        }

        throw new MissingMemberException(target.GetType().FullName, name);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=PulumiScim test " + Guid.NewGuid().ToString("n"), rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static SecureString Secure(string s)
    {
        var ss = new SecureString();
        foreach (char c in s)
        {
            ss.AppendChar(c);
        }

        ss.MakeReadOnly();
        return ss;
    }

    /// <summary>Clears environment variables for a test and puts back what they were.</summary>
    private sealed class EnvironmentScope : IDisposable
    {
        private readonly Dictionary<string, string?> _saved = [];

        public EnvironmentScope(params string[] names)
        {
            foreach (string name in names)
            {
                _saved[name] = Environment.GetEnvironmentVariable(name);
                Environment.SetEnvironmentVariable(name, null);
            }
        }

        public void Dispose()
        {
            foreach (var kv in _saved)
            {
                Environment.SetEnvironmentVariable(kv.Key, kv.Value);
            }
        }
    }
}

/// <summary>Tests that change process-wide environment variables run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Process environment";
}
