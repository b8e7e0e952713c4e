// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Http;

/// <summary>
/// Microsoft Graph's error body: <c>{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}</c>
/// (Graph docs, concepts/errors.md "Error resource type").
/// </summary>
internal static class GraphError
{
    public static SandboxResponse Create(int status, string code, string message, string? requestId = null)
    {
        string id = requestId ?? Guid.NewGuid().ToString();
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = code,
                ["message"] = message,
                ["innerError"] = new JsonObject
                {
                    ["date"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
                    ["request-id"] = id,
                    ["client-request-id"] = id,
                },
            },
        };
        return SandboxResponse.Json(status, body).WithHeader("request-id", id);
    }

    /// <summary>The 404 Graph gives for an id that names no object.</summary>
    public static SandboxResponse NotFound(string id) =>
        Create(404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");

    public static SandboxResponse BadRequest(string message, string code = "Request_BadRequest") => Create(400, code, message);

    /// <summary>The 401 Graph gives for a missing or invalid bearer token.</summary>
    public static SandboxResponse Unauthorized(bool missing) => missing
        ? Create(401, "InvalidAuthenticationToken", "Access token is empty.")
        : Create(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.");
}
