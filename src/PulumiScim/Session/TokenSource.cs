// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Security;
using Azure.Core;

namespace PulumiScim.Session;

/// <summary>Supplies the bearer token for Graph requests. Implementations never expose the token in ToString.</summary>
internal interface ITokenSource
{
    /// <summary>How the session authenticates (for display): AccessToken, ManagedIdentity, ClientSecret, ...</summary>
    string AuthType { get; }

    /// <summary>Returns the current token, refreshing it when it is near expiry.</summary>
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);
}

/// <summary>A ready access token held as a <see cref="SecureString"/>; unwrapped only per request.</summary>
internal sealed class SecureStringTokenSource : ITokenSource
{
    private readonly SecureString _token;

    public SecureStringTokenSource(SecureString token, string authType = "AccessToken")
    {
        _token = token.Copy();
        _token.MakeReadOnly();
        AuthType = authType;
    }

    public string AuthType { get; }

    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(new NetworkCredential(string.Empty, _token).Password);

    public override string ToString() => AuthType;
}

/// <summary>An Azure.Identity credential; tokens are cached until five minutes before expiry.</summary>
internal sealed class CredentialTokenSource : ITokenSource, IDisposable
{
    private static readonly TimeSpan s_acquireTimeout = TimeSpan.FromSeconds(60);
    private readonly TokenCredential _credential;
    private readonly TokenRequestContext _context;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Releases the gate that serializes token requests.</summary>
    public void Dispose() => _gate.Dispose();
    private AccessToken _cached;

    public CredentialTokenSource(TokenCredential credential, string scope, string authType, string? tenantId)
    {
        _credential = credential;
        _context = new TokenRequestContext([scope], tenantId: tenantId);
        AuthType = authType;
    }

    public string AuthType { get; }

    /// <summary>How long one acquisition may take before it is abandoned (a hung credential never blocks forever).</summary>
    public TimeSpan AcquireTimeout { get; init; } = s_acquireTimeout;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_cached.Token is not null && _cached.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(5))
        {
            return _cached.Token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cached.Token is not null && _cached.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(5))
            {
                return _cached.Token;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(AcquireTimeout);
            try
            {
                _cached = await _credential.GetTokenAsync(_context, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Getting a Microsoft Graph token through {AuthType} took longer than {AcquireTimeout.TotalSeconds:0} seconds.");
            }

            return _cached.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    public override string ToString() => AuthType;
}
