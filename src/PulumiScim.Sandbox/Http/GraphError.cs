// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
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

    /// <summary>
    /// Graph's throttling answer, shaped as the sample in the Graph docs (concepts/throttling.md, "Sample response"): code TooManyRequests, an innerError that
    /// repeats the status, and a Retry-After header in seconds (fractional values allowed, e.g. 2.128).
    /// </summary>
    public static SandboxResponse TooManyRequests(double retryAfterSeconds)
    {
        string id = Guid.NewGuid().ToString();
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = "TooManyRequests",
                ["innerError"] = new JsonObject
                {
                    ["code"] = "429",
                    ["date"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
                    ["message"] = "Please retry after",
                    ["request-id"] = id,
                    ["status"] = "429",
                },
                ["message"] = "Please retry again later.",
            },
        };
        return SandboxResponse.Json(429, body)
            .WithHeader("request-id", id)
            .WithHeader("Retry-After", FormatSeconds(retryAfterSeconds));
    }

    /// <summary>
    /// A transient 503 or 504. Graph's error list (concepts/errors.md) names <c>serviceNotAvailable</c> for 503 ("Try the
    /// request again after a delay. There might be a Retry-After header"); it lists no code of its own for a gateway
    /// timeout, so 504 carries <c>UnknownError</c>, the code Graph uses when the backend gives none.
    /// </summary>
    public static SandboxResponse Transient(int status, double? retryAfterSeconds)
    {
        SandboxResponse r = status == 503
            ? Create(503, "serviceNotAvailable", "The service is temporarily unavailable. Try the request again after a delay.")
            : Create(504, "UnknownError", "The gateway timed out waiting for the backend service.");
        if (retryAfterSeconds is double s)
        {
            r.WithHeader("Retry-After", FormatSeconds(s));
        }

        return r;
    }

    /// <summary>Seconds as Retry-After carries them: an integer when whole, else up to three decimals.</summary>
    public static string FormatSeconds(double seconds) =>
        Math.Round(seconds, 3).ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>
    /// What syncfabric answers for a method it has no route for, e.g. PATCH on <c>.../jobs/{id}/schema</c>
    /// (msgraph-sdk-python#820, msgraph-sdk-powershell#1134):
    /// a 404 whose Graph code is UnknownError and whose message is syncfabric's own JSON.
    /// </summary>
    public static SandboxResponse SyncfabricNoResource(string syncfabricUri)
    {
        var inner = new JsonObject { ["Message"] = $"No HTTP resource was found that matches the request URI '{syncfabricUri}'." };
        return Create(404, "UnknownError", inner.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    /// <summary>The 401 Graph gives for a missing or invalid bearer token.</summary>
    public static SandboxResponse Unauthorized(bool missing) => missing
        ? Create(401, "InvalidAuthenticationToken", "Access token is empty.")
        : Create(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.");
}
