// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Http;

namespace PulumiScim.Sandbox.Graph;

/// <summary>
/// "Test connection" as Entra does it: <c>GET {BaseAddress}/Users?filter=userName eq "&lt;random guid&gt;"</c>, then
/// <c>GET {BaseAddress}/Groups?excludedAttributes=members&amp;filter=displayName eq "&lt;random guid&gt;"</c>, with the
/// SecretToken as bearer, over real HTTP. The error codes are the ones Entra reports for this test
/// (SystemForCrossDomainIdentityManagementCredentialValidationFailure when the app rejects the request, e.g. 401;
/// ...CredentialValidationUnavailable when the app cannot be reached or answers with an unexpected status;
/// SystemForCrossDomainIdentityManagementInvalidCredentials with "Please provide a valid tenant URL" for a malformed
/// URL, as the quarantined job in Microsoft's tutorial "Configure provisioning using the Microsoft Graph API" shows), sent as Graph 400 errors. The token
/// never appears in an answer.
/// </summary>
internal static class CredentialValidator
{
    public const string FailureCode = "SystemForCrossDomainIdentityManagementCredentialValidationFailure";
    public const string UnavailableCode = "SystemForCrossDomainIdentityManagementCredentialValidationUnavailable";
    public const string InvalidCredentialsCode = "SystemForCrossDomainIdentityManagementInvalidCredentials";

    /// <summary>Runs the test; 204 when the SCIM endpoint accepted the token, else a Graph 400 saying why.</summary>
    public static async Task<SandboxResponse> ValidateAsync(SandboxContext ctx, string? baseAddress, string? secretToken)
    {
        if (string.IsNullOrWhiteSpace(baseAddress))
        {
            return GraphError.BadRequest("The credentials must include a BaseAddress (the Tenant URL).", InvalidCredentialsCode);
        }

        if (string.IsNullOrEmpty(secretToken))
        {
            return GraphError.BadRequest("The credentials must include a SecretToken.", InvalidCredentialsCode);
        }

        if (!Uri.TryCreate(baseAddress.Trim(), UriKind.Absolute, out Uri? tenantUrl) || (tenantUrl.Scheme != Uri.UriSchemeHttps && tenantUrl.Scheme != Uri.UriSchemeHttp))
        {
            return GraphError.BadRequest("Please provide a valid tenant URL for your application.", InvalidCredentialsCode);
        }

        // "Test Connection" queries for a random user and then a random group (Entra: "Tutorial: Develop and plan
        // provisioning for a SCIM endpoint", the compliance checks Entra runs); a failure of either fails the test.
        string baseUrl = tenantUrl.ToString().TrimEnd('/');
        string userFilter = $"userName eq \"{Guid.NewGuid()}\"";
        string groupFilter = $"displayName eq \"{Guid.NewGuid()}\"";
        return await ProbeAsync(ctx, $"{baseUrl}/Users?filter={Uri.EscapeDataString(userFilter)}", "Users", secretToken).ConfigureAwait(false)
            ?? await ProbeAsync(ctx, $"{baseUrl}/Groups?excludedAttributes=members&filter={Uri.EscapeDataString(groupFilter)}", "Groups", secretToken).ConfigureAwait(false)
            ?? SandboxResponse.NoContent();
    }

    /// <summary>One query of the test: null when the SCIM endpoint answered it with a ListResponse, else the Graph 400 saying why.</summary>
    private static async Task<SandboxResponse?> ProbeAsync(SandboxContext ctx, string resource, string collection, string secretToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, resource);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secretToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/scim+json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var timeout = new CancellationTokenSource(ctx.CredentialValidationTimeout);
        HttpStatusCode status;
        string content;
        try
        {
            using HttpResponseMessage response = await ctx.OutboundHttp.SendAsync(request, timeout.Token).ConfigureAwait(false);
            status = response.StatusCode;
            content = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            string why = ex is OperationCanceledException ? "The request timed out." : Redact(ex.Message, secretToken);
            return GraphError.BadRequest(
                "We are not able to connect to your application while attempting to validate our authorization to access your application. "
                + $"Please check that the Tenant URL is correct and reachable. Resource: {resource} Operation: GET Error: {why}",
                UnavailableCode);
        }

        content = Redact(content.Length > 500 ? content[..500] : content, secretToken);
        string received = $"Received response from Web resource. Resource: {resource} Operation: GET Response Status Code: {status} Response Content: {content}";
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return GraphError.BadRequest(
                "You appear to have entered invalid credentials. Please confirm you are using the correct information for an administrative account. "
                + "While attempting to validate our authorization to access your application, we received this unexpected response: " + received,
                FailureCode);
        }

        if ((int)status is < 200 or > 299)
        {
            return GraphError.BadRequest("We received this unexpected response from your application: " + received, UnavailableCode);
        }

        return IsScimListResponse(content)
            ? null
            : GraphError.BadRequest(
                $"The Tenant URL answered, but not as a SCIM 2.0 service (expected a ListResponse for the {collection} query): " + received,
                FailureCode);
    }

    private static bool IsScimListResponse(string content)
    {
        try
        {
            if (JsonNode.Parse(content) is not JsonObject o)
            {
                return false;
            }

            bool listSchema = (o["schemas"] as JsonArray ?? []).Any(s =>
                string.Equals((string?)s, "urn:ietf:params:scim:api:messages:2.0:ListResponse", StringComparison.OrdinalIgnoreCase));
            return listSchema || o["totalResults"] is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Redact(string text, string secret) =>
        secret.Length == 0 ? text : text.Replace(secret, "***", StringComparison.Ordinal);
}
