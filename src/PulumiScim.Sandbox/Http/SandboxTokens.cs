// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Http;

/// <summary>
/// Who a Graph token speaks for and what it may do: the claims of an Entra access token for Graph that the sandbox
/// reads (Microsoft identity platform docs, "Access token claims reference": <c>oid</c>, <c>appid</c>, <c>tid</c>,
/// <c>roles</c> for application permissions, <c>scp</c> for delegated ones).
/// </summary>
/// <param name="ObjectId">The caller's object id (<c>oid</c>): the service principal of an app-only token.</param>
/// <param name="AppId">The client's application id (<c>appid</c>).</param>
/// <param name="IsDelegated">Whether a user signed in (the token carries <c>scp</c>) rather than an app alone (<c>roles</c>).</param>
/// <param name="Granted">The permissions the token grants: its <c>scp</c> scopes or its <c>roles</c>.</param>
internal sealed record GraphCaller(string ObjectId, string AppId, bool IsDelegated, IReadOnlyList<string> Granted);

/// <summary>
/// Mints and checks the sandbox's Graph tokens: JWTs shaped like Entra's access tokens for Microsoft Graph
/// (<c>aud</c>, <c>iss</c>, <c>tid</c>, <c>oid</c>, <c>appid</c>, <c>idtyp</c>, <c>roles</c> or <c>scp</c>, <c>iat</c>,
/// <c>nbf</c>, <c>exp</c>), signed HS256 (RFC 7518 section 3.2) with a key that lives only in this sandbox, so a
/// forged or altered token is refused. Entra signs RS256 with published keys; clients never check a Graph token's
/// signature (Graph's docs: treat access tokens as opaque), so the algorithm is not observable to the module.
/// Microsoft.IdentityModel.JsonWebTokens reaches the module's bin only as a transitive dependency of
/// Microsoft.Graph.Core; the sandbox does not reference it for one fixed HS256 header, which the framework's
/// HMACSHA256 and System.Text.Json sign and check in a few lines (header compared byte for byte: no "alg" games).
/// </summary>
internal sealed class SandboxTokens
{
    /// <summary>Graph's audience in access tokens for it (the v1 resource URI).</summary>
    public const string Audience = "https://graph.microsoft.com";

    private static readonly byte[] s_header = Encoding.UTF8.GetBytes("{\"typ\":\"JWT\",\"alg\":\"HS256\"}");
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly Func<string> _tenantId;

    public SandboxTokens(Func<string> tenantId) => _tenantId = tenantId;

    /// <summary>Mints a token for <paramref name="caller"/>, valid for <paramref name="lifetime"/>.</summary>
    public string Issue(GraphCaller caller, TimeSpan lifetime)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string tid = _tenantId();
        var payload = new JsonObject
        {
            ["aud"] = Audience,
            ["iss"] = $"https://sts.windows.net/{tid}/",
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + (long)lifetime.TotalSeconds,
            ["appid"] = caller.AppId,
            ["idtyp"] = caller.IsDelegated ? "user" : "app",
            ["oid"] = caller.ObjectId,
            ["sub"] = caller.ObjectId,
            ["tid"] = tid,
            ["ver"] = "1.0",
        };
        if (caller.IsDelegated)
        {
            payload["scp"] = string.Join(' ', caller.Granted);
        }
        else
        {
            payload["roles"] = new JsonArray(caller.Granted.Select(r => (JsonNode)r).ToArray());
        }

        string signingInput = Base64Url(s_header) + "." + Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        return signingInput + "." + Base64Url(Sign(signingInput));
    }

    /// <summary>Checks the signature, algorithm, audience and lifetime; returns the caller, or null with Graph's reason.</summary>
    public GraphCaller? Validate(string token, out string? failure)
    {
        failure = "Access token validation failure.";
        string[] parts = token.Split('.');
        if (parts.Length != 3 || !TryDecode(parts[0], out byte[] header) || !TryDecode(parts[2], out byte[] signature))
        {
            failure = "Invalid JWT token. The token is not in JWS Compact Serialization Format.";
            return null;
        }

        if (!header.AsSpan().SequenceEqual(s_header) || !CryptographicOperations.FixedTimeEquals(signature, Sign(parts[0] + "." + parts[1])))
        {
            failure = "Access token validation failure. Invalid signature.";
            return null;
        }

        if (!TryDecode(parts[1], out byte[] body) || JsonNode.Parse(body) is not JsonObject claims)
        {
            return null;
        }

        if (!string.Equals((string?)claims["aud"], Audience, StringComparison.Ordinal))
        {
            failure = "Access token validation failure. Invalid audience.";
            return null;
        }

        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if ((long?)claims["exp"] is not long exp || exp <= now)
        {
            failure = "Lifetime validation failed, the token is expired.";
            return null;
        }

        failure = null;
        string oid = (string?)claims["oid"] ?? string.Empty;
        string appId = (string?)claims["appid"] ?? string.Empty;
        return claims["scp"] is JsonValue scp
            ? new GraphCaller(oid, appId, true, ((string?)scp ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            : new GraphCaller(oid, appId, false, (claims["roles"] as JsonArray ?? []).Select(r => (string?)r).OfType<string>().ToArray());
    }

    private byte[] Sign(string signingInput) => HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signingInput));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecode(string part, out byte[] bytes)
    {
        string b64 = part.Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
        try
        {
            bytes = Convert.FromBase64String(b64);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
