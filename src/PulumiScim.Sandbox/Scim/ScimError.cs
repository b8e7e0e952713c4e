// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Http;

namespace PulumiScim.Sandbox.Scim;

/// <summary>
/// A SCIM error (RFC 7644 §3.12): <c>{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"], "status":"400",
/// "scimType":"...", "detail":"..."}</c> as <c>application/scim+json</c>. Handlers throw it; the route wrapper answers it.
/// </summary>
internal sealed class ScimError : Exception
{
    public const string ErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";

    /// <summary>
    /// The scimType Pulumi's troubleshooting page shows for a changed userName ("400 immutability",
    /// pulumi/docs content/docs/administration/guides/scim/troubleshooting.md and concepts/scim.md). RFC 7644 would
    /// say "mutability"; the sandbox answers what Pulumi documents.
    /// </summary>
    public const string Immutability = "immutability";

    public ScimError(int status, string? scimType, string detail)
        : base(detail)
    {
        Status = status;
        ScimType = scimType;
    }

    public int Status { get; }

    public string? ScimType { get; }

    public static ScimError InvalidPath(string path) => new(400, "invalidPath", $"Unknown path: {path}.");

    public static ScimError InvalidValue(string detail) => new(400, "invalidValue", detail);

    public static ScimError InvalidSyntax(string detail) => new(400, "invalidSyntax", detail);

    public static ScimError InvalidFilter(string detail) => new(400, "invalidFilter", detail);

    public static ScimError UserNameImmutable() => new(400, Immutability, "Attribute 'userName' is immutable.");

    public static ScimError NotFound(string detail) => new(404, null, detail);

    public SandboxResponse ToResponse()
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(ErrorSchema),
            ["status"] = Status.ToString(CultureInfo.InvariantCulture),
        };
        if (ScimType is not null)
        {
            body["scimType"] = ScimType;
        }

        body["detail"] = Message;
        return SandboxResponse.ScimJson(Status, body);
    }
}
