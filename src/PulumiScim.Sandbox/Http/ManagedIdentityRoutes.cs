// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Http;

/// <summary>
/// A managed-identity token endpoint of the App Service and Azure Automation shape (api-version 2019-08-01):
/// <c>GET /msi/token?api-version=2019-08-01&amp;resource=...[&amp;client_id=...]</c> with the header
/// <c>X-IDENTITY-HEADER</c>. Point <c>IDENTITY_ENDPOINT</c> at <see cref="SandboxServer.ManagedIdentityEndpoint"/> and
/// <c>IDENTITY_HEADER</c> at <see cref="SandboxServer.IdentityHeader"/>, and Azure.Identity's ManagedIdentityCredential
/// gets the sandbox's Graph token from here.
/// </summary>
internal static class ManagedIdentityRoutes
{
    /// <summary>The path of the token endpoint.</summary>
    public const string TokenPath = "/msi/token";

    /// <summary>The client id of the sandbox's system-assigned identity (returned when no client_id is asked for).</summary>
    public const string SystemAssignedClientId = "5a1d7e39-0c4b-4f6e-8d2a-93b7c1e0f5a4";

    /// <summary>The object id of the sandbox's system-assigned identity (its service principal): the default token's <c>oid</c>.</summary>
    public const string SystemAssignedObjectId = "7d3f1c2a-5b8e-4f60-9a1d-2c4e6b8f0a13";

    private const string ApiVersion = "2019-08-01";

    /// <summary>How long an issued token lives; real managed-identity tokens last about a day.</summary>
    private static readonly TimeSpan s_lifetime = TimeSpan.FromHours(24);

    public static void Register(Router router, SandboxContext ctx) =>
        router.Map("GET", TokenPath, req => Token(ctx, req));

    private static SandboxResponse Token(SandboxContext ctx, SandboxRequest req)
    {
        // The secret first, as the real endpoint does: nothing is said about the rest of the request without it.
        string? header = req.Headers["X-IDENTITY-HEADER"];
        if (string.IsNullOrEmpty(header))
        {
            return Error(401, "The X-IDENTITY-HEADER header is missing.");
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes(ctx.Server.IdentityHeader)))
        {
            return Error(401, "The X-IDENTITY-HEADER header is not valid.");
        }

        string? version = req.Query["api-version"];
        if (string.IsNullOrEmpty(version))
        {
            return Error(400, "The api-version query parameter is required.");
        }

        if (version != ApiVersion)
        {
            return Error(400, $"The api-version '{version}' is not supported; use {ApiVersion}.");
        }

        string? resource = req.Query["resource"];
        if (string.IsNullOrEmpty(resource))
        {
            return Error(400, "The resource query parameter is required.");
        }

        // A user-assigned identity may be named by client id, principal (object) id or resource id; any is accepted.
        string clientId = req.Query["client_id"] ?? SystemAssignedClientId;
        long expiresOn = DateTimeOffset.UtcNow.Add(s_lifetime).ToUnixTimeSeconds();
        var body = new JsonObject
        {
            ["access_token"] = ctx.Server.AccessToken,
            ["expires_on"] = expiresOn.ToString(CultureInfo.InvariantCulture),
            ["resource"] = resource,
            ["token_type"] = "Bearer",
            ["client_id"] = clientId,
        };
        return SandboxResponse.Json(200, body);
    }

    private static SandboxResponse Error(int status, string message) =>
        SandboxResponse.Json(status, new JsonObject { ["statusCode"] = status, ["message"] = message });
}
