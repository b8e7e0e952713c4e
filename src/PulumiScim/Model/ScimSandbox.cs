// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Security;
using PulumiScim.Sandbox;
using PulumiScim.Session;

namespace PulumiScim.Model;

/// <summary>A running sandbox (local Microsoft Graph + Pulumi SCIM service), as Start-ScimSandbox returns it.</summary>
public sealed class ScimSandbox : IDisposable
{
    private static readonly List<ScimSandbox> Started = [];

    internal ScimSandbox(SandboxServer server)
    {
        lock (Started)
        {
            Started.Add(this);
        }

        Server = server;
        AccessToken = ToSecure(server.AccessToken);
        Organizations = server.Organizations
            .Select(o => new ScimSandboxOrganization(o.Name, ToSecure(o.Token), o.ScimBaseUri))
            .ToList();
    }

    /// <summary>The Graph root, as for <c>Connect-ScimGraph -GraphEndpoint</c>.</summary>
    public Uri GraphUri => Server.GraphUri;

    /// <summary>The Pulumi API root; an organization's Tenant URL is <c>{PulumiApiUri}/scim/v2/{org}</c>.</summary>
    public Uri PulumiApiUri => Server.PulumiApiUri;

    /// <summary>The seeded tenant's id.</summary>
    public string TenantId => Server.TenantId;

    /// <summary>The national cloud the sandbox plays; <c>Connect-ScimGraph -Sandbox</c> makes the session that cloud.</summary>
    public ScimGraphEnvironment Environment => Server.Cloud switch
    {
        SandboxCloud.USGov => ScimGraphEnvironment.USGov,
        SandboxCloud.USGovDoD => ScimGraphEnvironment.USGovDoD,
        _ => ScimGraphEnvironment.Global,
    };

    /// <summary>A Graph bearer token the sandbox accepts.</summary>
    public SecureString AccessToken { get; }

    /// <summary>The managed-identity token endpoint, as for the <c>IDENTITY_ENDPOINT</c> variable of <c>Connect-ScimGraph -ManagedIdentity</c>.</summary>
    public Uri ManagedIdentityEndpoint => Server.ManagedIdentityEndpoint;

    /// <summary>The secret the managed-identity endpoint expects, as for the <c>IDENTITY_HEADER</c> variable.</summary>
    public SecureString IdentityHeader => ToSecure(Server.IdentityHeader);

    /// <summary>The seed's Pulumi organizations with their SCIM tokens.</summary>
    public IReadOnlyList<ScimSandboxOrganization> Organizations { get; }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port => Server.Port;

    /// <summary>Whether the sandbox is serving.</summary>
    public bool IsRunning => Server.IsRunning;

    /// <summary>
    /// How long the sandbox delays every Graph and SCIM answer, server-side and each request on its own, as a network
    /// round trip would (Start-ScimSandbox -LatencyMs or the seed's options.latencyMs); settable while it runs.
    /// </summary>
    public int LatencyMs
    {
        get => Server.LatencyMs;
        set => Server.LatencyMs = value;
    }

    internal SandboxServer Server { get; }

    /// <summary>Stops the sandbox.</summary>
    public void Stop()
    {
        Server.Stop();
        Forget();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Server.Dispose();
        Forget();
    }

    /// <summary>The sandboxes started in this process that are still serving, oldest first.</summary>
    internal static IReadOnlyList<ScimSandbox> Running()
    {
        lock (Started)
        {
            Started.RemoveAll(s => !s.IsRunning);
            return [.. Started];
        }
    }

    private void Forget()
    {
        lock (Started)
        {
            Started.Remove(this);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"PulumiScim sandbox on {GraphUri}";

    private static SecureString ToSecure(string value)
    {
        var s = new SecureString();
        foreach (char c in value)
        {
            s.AppendChar(c);
        }

        s.MakeReadOnly();
        return s;
    }
}

/// <summary>A Pulumi organization served by a sandbox.</summary>
/// <param name="Name">The organization's login name.</param>
/// <param name="Token">Its SCIM token.</param>
/// <param name="TenantUrl">The SCIM base URL (the guide's Tenant URL).</param>
public sealed record ScimSandboxOrganization(string Name, SecureString Token, Uri TenantUrl);
