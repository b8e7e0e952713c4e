// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text;
using System.Text.Json;
using PulumiScim.Graph;
using PulumiScim.Permissions;

namespace PulumiScim.Session;

/// <summary>
/// A connection to Microsoft Graph made by <c>Connect-ScimGraph</c>: who, where and how. It never exposes a token.
/// </summary>
public sealed class ScimGraphSession : IDisposable
{
    internal ScimGraphSession(GraphClient graph, ITokenSource tokens, ScimGraphEnvironment environment, string? tenantId, string? clientId, Uri pulumiApiUrl, bool isSandbox)
    {
        Graph = graph;
        Tokens = tokens;
        Environment = environment;
        TenantId = tenantId;
        ClientId = clientId;
        PulumiApiUrl = pulumiApiUrl;
        IsSandbox = isSandbox;
        ConnectedAt = DateTimeOffset.Now;
    }

    /// <summary>The Entra tenant (directory) id, when known.</summary>
    public string? TenantId { get; internal set; }

    /// <summary>Who the session acts as (user principal name, app name or object id from the token), when known.</summary>
    public string? Account { get; internal set; }

    /// <summary>How the session authenticates: AccessToken, ClientSecret, Certificate, ManagedIdentity, DeviceCode, Interactive, AzureCli, WorkloadIdentity, Sandbox.</summary>
    public string AuthType => Tokens.AuthType;

    /// <summary>The application (client) id used to sign in, when one was given.</summary>
    public string? ClientId { get; }

    /// <summary>The national cloud.</summary>
    public ScimGraphEnvironment Environment { get; }

    /// <summary>The Graph root (without the version segment).</summary>
    public Uri GraphEndpoint => Graph.GraphRoot;

    /// <summary>The Pulumi API root used to build Tenant URLs (https://api.pulumi.com, or the sandbox's).</summary>
    public Uri PulumiApiUrl { get; }

    /// <summary>Whether the session talks to a PulumiScim sandbox.</summary>
    public bool IsSandbox { get; }

    /// <summary>When the session was made.</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>The bound on the total time one request may spend waiting out throttling and transient failures.</summary>
    public TimeSpan MaxRetryWait => Graph.Retry.MaxTotalWait;

    /// <summary>The Graph permissions the token grants (its roles; a signed-in user's scp scopes); null for an opaque token.</summary>
    public IReadOnlyList<string>? Permissions => Granted?.Granted;

    /// <summary>Whether <see cref="Permissions"/> are Application permissions or a user's Delegated ones; null for an opaque token.</summary>
    public string? PermissionType => Granted?.Kind;

    /// <summary>Whether <c>Disconnect-ScimGraph</c> closed this session.</summary>
    public bool IsDisconnected { get; private set; }

    internal GraphClient Graph { get; }

    /// <summary>The reads a pipeline reuses and the changes this session made, per app.</summary>
    internal AppReadCache Reads { get; } = new();

    internal ITokenSource Tokens { get; }

    /// <summary>The objects this session created (by id), with when: their first calls wait out replication.</summary>
    internal Consistency.CreatedObjects Created { get; } = new();

    /// <summary>What the token grants, as last read (at connect and by each cmdlet's permission pre-flight).</summary>
    internal GrantedPermissions? Granted { get; set; }

    /// <summary>Fills <see cref="Account"/> and <see cref="TenantId"/> from a JWT's claims (read only, never validated or shown).</summary>
    internal void ReadClaims(string token)
    {
        string[] parts = token.Split('.');
        if (parts.Length != 3)
        {
            return;
        }

        try
        {
            string b64 = parts[1].Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(b64)));
            JsonElement root = doc.RootElement;
            string? Claim(string name) => root.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            Account = Claim("upn") ?? Claim("unique_name") ?? Claim("preferred_username") ?? Claim("app_displayname") ?? Claim("appid") ?? Claim("oid");
            TenantId ??= Claim("tid");
            Granted = GrantedPermissions.FromToken(token);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
            // not a JWT we can read: leave Account empty
        }
    }

    /// <summary>Closes the session's HTTP connections.</summary>
    public void Dispose()
    {
        IsDisconnected = true;
        Graph.Dispose();
        (Tokens as IDisposable)?.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{AuthType} session to {GraphEndpoint} (tenant {TenantId ?? "unknown"})";
}
