// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Net;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using PulumiScim.Graph;
using PulumiScim.Model;
using PulumiScim.Session;

namespace PulumiScim.Commands;

/// <summary>
/// <para type="synopsis">Connects to Microsoft Graph and makes the session the other PulumiScim cmdlets use.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "ScimGraph", DefaultParameterSetName = AccessTokenSet)]
[OutputType(typeof(ScimGraphSession))]
public sealed class ConnectScimGraphCommand : ScimCmdletBase
{
    private const string AccessTokenSet = "AccessToken";
    private const string ClientSecretSet = "ClientSecret";
    private const string ClientSecretCredentialSet = "ClientSecretCredential";
    private const string CertificateSubjectNameSet = "CertificateSubjectName";
    private const string CertificateThumbprintSet = "CertificateThumbprint";
    private const string CertificateSet = "Certificate";
    private const string CertificatePathSet = "CertificatePath";
    private const string ManagedIdentitySet = "ManagedIdentity";
    private const string DeviceCodeSet = "DeviceCode";
    private const string InteractiveSet = "Interactive";
    private const string AzureCliSet = "AzureCli";
    private const string WorkloadIdentitySet = "WorkloadIdentity";
    private const string SandboxSet = "Sandbox";

    /// <summary>A ready Graph access token (for example from Get-AzAccessToken -AsSecureString).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
    public SecureString AccessToken { get; set; } = null!;

    /// <summary>The Entra tenant (directory) id or domain.</summary>
    [Parameter(ParameterSetName = AccessTokenSet)]
    [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
    [Parameter(Mandatory = true, ParameterSetName = ClientSecretCredentialSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateThumbprintSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateSubjectNameSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificatePathSet)]
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = InteractiveSet)]
    [Parameter(ParameterSetName = AzureCliSet)]
    [Parameter(ParameterSetName = WorkloadIdentitySet)]
    [ValidateNotNullOrEmpty]
    public string? TenantId { get; set; }

    /// <summary>The application (client) id; for -ManagedIdentity, a user-assigned identity's client id.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateThumbprintSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateSubjectNameSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificatePathSet)]
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = InteractiveSet)]
    [Parameter(ParameterSetName = WorkloadIdentitySet)]
    [ValidateNotNullOrEmpty]
    public string? ClientId { get; set; }

    /// <summary>A client secret of the app registration.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
    public SecureString ClientSecret { get; set; } = null!;

    /// <summary>An app registration's client id (as the user name) and secret (as the password), as Connect-MgGraph takes them.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClientSecretCredentialSet)]
    [Credential]
    public PSCredential ClientSecretCredential { get; set; } = null!;

    /// <summary>The thumbprint of a certificate with a private key in CurrentUser\My or LocalMachine\My.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CertificateThumbprintSet)]
    [ValidateNotNullOrEmpty]
    public string CertificateThumbprint { get; set; } = null!;

    /// <summary>A certificate with a private key.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    public X509Certificate2 Certificate { get; set; } = null!;

    /// <summary>The subject of a certificate with a private key in CurrentUser\My or LocalMachine\My, e.g. <c>CN=pulumi-scim</c>.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CertificateSubjectNameSet)]
    [ValidateNotNullOrEmpty]
    public string CertificateSubjectName { get; set; } = null!;

    /// <summary>The path of a PFX file holding the certificate and its private key.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CertificatePathSet)]
    [ValidateNotNullOrEmpty]
    public string CertificatePath { get; set; } = null!;

    /// <summary>The PFX file's password.</summary>
    [Parameter(ParameterSetName = CertificatePathSet)]
    public SecureString? CertificatePassword { get; set; }

    /// <summary>Signs in as the managed identity of the Azure resource (Azure Automation, Functions, VMs).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ManagedIdentitySet)]
    [Alias("Identity")]
    public SwitchParameter ManagedIdentity { get; set; }

    /// <summary>Signs in a user with a device code shown on the warning stream.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
    [Alias("UseDeviceCode", "UseDeviceAuthentication")]
    public SwitchParameter DeviceCode { get; set; }

    /// <summary>Signs in a user in the system browser.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InteractiveSet)]
    public SwitchParameter Interactive { get; set; }

    /// <summary>Uses the Azure CLI's signed-in account (az login).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AzureCliSet)]
    public SwitchParameter AzureCli { get; set; }

    /// <summary>Workload identity federation: a file holding the federated token (GitHub Actions, Kubernetes).</summary>
    [Parameter(Mandatory = true, ParameterSetName = WorkloadIdentitySet)]
    [ValidateNotNullOrEmpty]
    public string FederatedTokenFile { get; set; } = null!;

    /// <summary>Connects to a sandbox started by Start-ScimSandbox.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SandboxSet, ValueFromPipeline = true, Position = 0)]
    public ScimSandbox Sandbox { get; set; } = null!;

    /// <summary>The national cloud: Global (default), USGov or USGovDoD.</summary>
    [Parameter]
    public ScimGraphEnvironment Environment { get; set; } = ScimGraphEnvironment.Global;

    /// <summary>Another Graph root, given without the version segment (https://graph.microsoft.com); the module adds /v1.0.</summary>
    [Parameter]
    public Uri? GraphEndpoint { get; set; }

    /// <summary>The Pulumi API root used to build Tenant URLs (default https://api.pulumi.com; self-hosted Pulumi Cloud: your API host).</summary>
    [Parameter]
    public Uri? PulumiApiUrl { get; set; }

    /// <summary>The most time one request may spend waiting out throttling and transient failures (default 5 minutes).</summary>
    [Parameter]
    [ValidateRange(0, 3600)]
    public double MaxRetryWait { get; set; } = RetryPolicy.DefaultMaxWait.TotalSeconds;

    /// <summary>Writes the session to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Accepted as Connect-MgGraph takes it; Connect-ScimGraph prints no welcome either way.</summary>
    [Parameter]
    public SwitchParameter NoWelcome { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        bool sandbox = ParameterSetName == SandboxSet;
        if (sandbox)
        {
            AdoptSandboxCloud();
        }

        GraphCloud cloud = ResolveCloud();
        Uri graphRoot = ValidateGraphRoot(sandbox ? Sandbox.GraphUri : GraphEndpoint ?? cloud.GraphRoot);
        string scope = new Uri(graphRoot, "/.default").ToString();
        if (sandbox && !Sandbox.IsRunning)
        {
            ThrowTerminatingError(Error("SandboxStopped", ErrorCategory.ResourceUnavailable, Sandbox, "The sandbox was stopped.", "Start a new one with Start-ScimSandbox."));
        }

        ITokenSource tokens = CreateTokenSource(cloud, scope);
        string? token = AcquireFirstToken(tokens, scope);
        Uri pulumiApi = sandbox ? Sandbox.PulumiApiUri : PulumiApiUrl ?? new Uri("https://api.pulumi.com");
        ScimGraphSession session = NewSession(graphRoot, tokens, pulumiApi, token);
        MakeCurrent(session);
        WriteVerbose($"Connected to {graphRoot} as {session.Account ?? session.AuthType} (tenant {session.TenantId ?? "unknown"}); Tenant URLs default to {pulumiApi}.");
        if (PassThru)
        {
            WriteObject(session);
        }
    }

    /// <summary>The national cloud -Environment names, or a terminating CloudNotSupported.</summary>
    private GraphCloud ResolveCloud()
    {
        try
        {
            return GraphCloud.For(Environment);
        }
        catch (NotSupportedException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "CloudNotSupported", ErrorCategory.InvalidArgument, Environment));
            return null!;
        }
    }

    /// <summary>The parameter set's token source; a credential parameter Azure.Identity refuses is a terminating error naming it.</summary>
    private ITokenSource CreateTokenSource(GraphCloud cloud, string scope)
    {
        try
        {
            return BuildTokenSource(cloud, scope);
        }
        catch (ArgumentException ex)
        {
            // Azure.Identity checks the tenant id's characters when the credential is built (Invalid tenant id provided).
            // (Some credential options check it in a setter, whose ParamName is "value": the message says which.)
            bool tenant = string.Equals(ex.ParamName, "tenantId", StringComparison.OrdinalIgnoreCase)
                || ex.Message.StartsWith("Invalid tenant id", StringComparison.OrdinalIgnoreCase);
            ThrowTerminatingError(Error(
                tenant ? "InvalidTenantId" : "InvalidCredentialParameter",
                ErrorCategory.InvalidArgument,
                tenant ? TenantId : ex.ParamName,
                tenant ? $"'{TenantId}' is not a tenant id: {ex.Message}" : ex.Message,
                tenant ? "Pass the directory (tenant) id, a GUID, or a domain such as contoso.onmicrosoft.com." : "Check the connection parameters.",
                ex));
            return null!;
        }
    }

    /// <summary>A credential's first token, got now so a wrong credential fails here; null for a given token.</summary>
    private string? AcquireFirstToken(ITokenSource tokens, string scope)
    {
        if (tokens is not CredentialTokenSource)
        {
            return null;
        }

        WriteVerbose($"Getting a Microsoft Graph token for {scope} through {tokens.AuthType}.");
        try
        {
            return Await(ct => tokens.GetTokenAsync(ct).AsTask());
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            ThrowTerminatingError(Error(
                "TokenAcquisitionFailed",
                ErrorCategory.AuthenticationError,
                ParameterSetName,
                $"Could not get a Microsoft Graph token through {tokens.AuthType}: {ex.Message}",
                "Check the tenant id, client id and credential, and that the identity has Graph application permissions (see the README).",
                ex));
            return null;
        }
    }

    /// <summary>The session over a new Graph client, with the claims of the token it was made with.</summary>
    private ScimGraphSession NewSession(Uri graphRoot, ITokenSource tokens, Uri pulumiApi, string? token)
    {
        var graph = new GraphClient(graphRoot, tokens, new RetryPolicy(TimeSpan.FromSeconds(MaxRetryWait)));
        var session = new ScimGraphSession(
            graph,
            tokens,
            Environment,
            ParameterSetName == SandboxSet ? Sandbox.TenantId : TenantId,
            ParameterSetName == ClientSecretCredentialSet ? ClientSecretCredential.UserName : ClientId,
            pulumiApi,
            ParameterSetName == SandboxSet);
        if (token is not null)
        {
            session.ReadClaims(token);
        }
        else if (ParameterSetName == AccessTokenSet)
        {
            session.ReadClaims(new NetworkCredential(string.Empty, AccessToken).Password);
        }

        return session;
    }

    /// <summary>Makes the session the current one and disposes the one it replaces.</summary>
    private static void MakeCurrent(ScimGraphSession session)
    {
        ScimGraphSession? previous = SessionStore.Current;
        SessionStore.Current = session;
        if (previous is not null && !ReferenceEquals(previous, session))
        {
            previous.Dispose();
        }
    }

    private Uri ValidateGraphRoot(Uri root)
    {
        bool loopback = root.IsLoopback;
        if (!root.IsAbsoluteUri || (root.Scheme != Uri.UriSchemeHttps && !(root.Scheme == Uri.UriSchemeHttp && loopback)))
        {
            ThrowTerminatingError(Error(
                "InvalidGraphEndpoint",
                ErrorCategory.InvalidArgument,
                root,
                $"The Graph endpoint '{root}' is not an absolute https URL.",
                "Give the Graph root like https://graph.microsoft.com (http is accepted only for 127.0.0.1 or localhost)."));
        }

        string path = root.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/v1.0", StringComparison.OrdinalIgnoreCase) || path.EndsWith("/beta", StringComparison.OrdinalIgnoreCase))
        {
            ThrowTerminatingError(Error(
                "InvalidGraphEndpoint",
                ErrorCategory.InvalidArgument,
                root,
                $"The Graph endpoint '{root}' includes a version segment.",
                "Give the Graph root without /v1.0 (for example https://graph.microsoft.com); the module adds /v1.0 itself."));
        }

        return new Uri(root.GetLeftPart(UriPartial.Authority) + path);
    }

    /// <summary>The certificate found in a store, or a terminating CertificateNotFound naming what was looked for.</summary>
    private X509Certificate2 Found(X509Certificate2? certificate, string wanted, string by)
    {
        if (certificate is null)
        {
            ThrowTerminatingError(Error(
                "CertificateNotFound",
                ErrorCategory.ObjectNotFound,
                wanted,
                $"No certificate with {by} {wanted} and a private key is in CurrentUser\\My or LocalMachine\\My.",
                "Import the certificate with its private key, or use -CertificatePath with a PFX file."));
        }

        return certificate!;
    }

    private ITokenSource BuildTokenSource(GraphCloud cloud, string scope)
    {
        switch (ParameterSetName)
        {
            case SandboxSet:
                return new SecureStringTokenSource(Sandbox.AccessToken, "Sandbox");
            case AccessTokenSet:
                return new SecureStringTokenSource(AccessToken);
        }

        (TokenCredential credential, string authType) = ParameterSetName switch
        {
            ClientSecretSet => (CredentialFactory.ClientSecret(TenantId!, ClientId!, ClientSecret, cloud), "ClientSecret"),
            ClientSecretCredentialSet => (CredentialFactory.ClientSecret(TenantId!, ClientSecretCredential.UserName, ClientSecretCredential.Password, cloud), "ClientSecret"),
            CertificateThumbprintSet or CertificateSubjectNameSet or CertificateSet or CertificatePathSet =>
                (CredentialFactory.Certificate(TenantId!, ClientId!, SelectCertificate(), cloud), "Certificate"),
            _ => (UserOrHostCredential(cloud), ParameterSetName),
        };

        return new CredentialTokenSource(credential, scope, authType, TenantId)
        {
            AcquireTimeout = ParameterSetName is DeviceCodeSet or InteractiveSet ? TimeSpan.FromMinutes(5) : TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>The certificate the certificate parameter sets name: found in a store, read from a PFX file, or given.</summary>
    private X509Certificate2 SelectCertificate() => ParameterSetName switch
    {
        CertificateThumbprintSet => Found(CredentialFactory.FindCertificate(CertificateThumbprint), CertificateThumbprint, "thumbprint"),
        CertificateSubjectNameSet => Found(CredentialFactory.FindCertificateBySubject(CertificateSubjectName), CertificateSubjectName, "subject"),
        CertificatePathSet => LoadPfx(),
        _ => Certificate,
    };

    /// <summary>The PFX file -CertificatePath names, or a terminating CertificateUnreadable.</summary>
    private X509Certificate2 LoadPfx()
    {
        string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(CertificatePath);
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, CertificatePassword is null ? null : new NetworkCredential(string.Empty, CertificatePassword).Password);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(Error("CertificateUnreadable", ErrorCategory.ReadError, CertificatePath, $"Could not read the PFX file '{path}': {ex.Message}", "Check the path and -CertificatePassword.", ex));
            return null!;
        }
    }

    /// <summary>The credentials that sign in a user or use the host's identity; their auth type is the parameter set's name.</summary>
    private TokenCredential UserOrHostCredential(GraphCloud cloud) => ParameterSetName switch
    {
        ManagedIdentitySet => CredentialFactory.ManagedIdentity(ClientId, cloud),
        DeviceCodeSet => CredentialFactory.DeviceCode(TenantId, ClientId, cloud, (info, _) =>
        {
            GraphEvents.Warning(info.Message);
            return Task.CompletedTask;
        }),
        InteractiveSet => CredentialFactory.Interactive(TenantId, ClientId, cloud),
        AzureCliSet => CredentialFactory.AzureCli(TenantId),
        WorkloadIdentitySet => CredentialFactory.WorkloadIdentity(TenantId, ClientId, SessionState.Path.GetUnresolvedProviderPathFromPSPath(FederatedTokenFile), cloud),
        _ => throw new PSNotSupportedException(ParameterSetName),
    };

    /// <summary>A sandbox session is the sandbox's cloud; an -Environment that says otherwise is an error.</summary>
    private void AdoptSandboxCloud()
    {
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Environment)) && Environment != Sandbox.Environment)
        {
            ThrowTerminatingError(Error(
                "SandboxEnvironmentMismatch",
                ErrorCategory.InvalidArgument,
                Environment,
                $"The sandbox plays the {Sandbox.Environment} cloud, not {Environment}.",
                $"Leave -Environment out (the session takes the sandbox's cloud), or start the sandbox with Start-ScimSandbox -Environment {Environment}."));
        }

        Environment = Sandbox.Environment;
    }
}
