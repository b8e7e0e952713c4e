// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Net;
using System.Text;
using System.Text.Json;
using PulumiScim.Graph;
using PulumiScim.Session;

namespace PulumiScim.Permissions;

/// <summary>The Graph permissions a token grants, read from its payload (never validated, never shown).</summary>
/// <param name="IsDelegated">Whether the token carries a user's scopes (<c>scp</c>) rather than application roles.</param>
/// <param name="Granted">The scopes or roles.</param>
public sealed record GrantedPermissions(bool IsDelegated, IReadOnlyList<string> Granted)
{
    /// <summary>"Application" or "Delegated".</summary>
    public string Kind => IsDelegated ? "Delegated" : "Application";

    /// <summary>Reads <c>roles</c> or <c>scp</c> from a JWT's payload; null for an opaque token.</summary>
    internal static GrantedPermissions? FromToken(string token)
    {
        string[] parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        byte[] payload = [];
        try
        {
            string b64 = parts[1].Replace('-', '+').Replace('_', '/');
            payload = Convert.FromBase64String(b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '='));
            using var doc = JsonDocument.Parse(payload);
            JsonElement root = doc.RootElement;
            if (root.TryGetProperty("scp", out JsonElement scp) && scp.ValueKind == JsonValueKind.String)
            {
                return new GrantedPermissions(true, (scp.GetString() ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }

            string[] roles = root.TryGetProperty("roles", out JsonElement r) && r.ValueKind == JsonValueKind.Array
                ? r.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray()
                : [];
            return new GrantedPermissions(false, roles);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
        finally
        {
            Array.Clear(payload);
        }
    }

    /// <summary>Whether any one alternative is wholly granted.</summary>
    internal bool SatisfiesAny(IReadOnlyList<string[]> alternatives) =>
        alternatives.Any(a => a.All(p => Granted.Contains(p, StringComparer.OrdinalIgnoreCase)));
}

/// <summary>
/// The permission pre-flight each Graph cmdlet runs in BeginProcessing (before any record flows through the pipeline),
/// and the error for a permission the token lacks or a 403 from Graph.
/// </summary>
internal static class PermissionCheck
{
    /// <summary>The ErrorId of a missing permission, before a call or from a 403.</summary>
    public const string ErrorId = "PermissionMissing";

    /// <summary>
    /// Stops <paramref name="cmdlet"/> with PermissionMissing when the session's token is a JWT lacking a permission
    /// the cmdlet needs with its bound options; opaque tokens and sessions not yet made are let through.
    /// </summary>
    public static void Preflight(PSCmdlet cmdlet, ScimGraphSession? session)
    {
        if (session is null || session.IsDisconnected)
        {
            return;
        }

        GrantedPermissions? granted = Read(session);
        if (granted is null)
        {
            return;
        }

        string name = cmdlet.MyInvocation.MyCommand.Name;
        var missing = CmdletPermissions.Applicable(name, cmdlet.MyInvocation.BoundParameters.Keys)
            .Where(n => !granted.SatisfiesAny(n.For(granted.IsDelegated)))
            .ToList();
        if (missing.Count > 0)
        {
            string needs = string.Join("; ", missing.Select(n => $"to {n.Name}: {GraphNeed.Describe(n.For(granted.IsDelegated))}"));
            cmdlet.ThrowTerminatingError(Record(
                $"{name} needs Microsoft Graph {granted.Kind.ToLowerInvariant()} permissions the session's token lacks ({needs}).",
                granted.IsDelegated,
                name));
        }
    }

    /// <summary>The session's current grants (read from its token now, so a refreshed token counts); null when opaque.</summary>
    public static GrantedPermissions? Read(ScimGraphSession session)
    {
        string token;
        try
        {
            token = session.Tokens.GetTokenAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null; // the first Graph call reports why no token came
        }

        GrantedPermissions? granted = GrantedPermissions.FromToken(token);
        session.Granted = granted;
        return granted;
    }

    /// <summary>A 403 from Graph as PermissionMissing, naming what the call needs; null for any other failure.</summary>
    public static ErrorRecord? FromForbidden(GraphRequestException ex, object? target)
    {
        if (ex.StatusCode != HttpStatusCode.Forbidden)
        {
            return null;
        }

        GraphNeed? need = CmdletPermissions.ForCall(ex.Method, ex.Path);
        string what = need is null
            ? "The signed-in identity lacks a Graph permission for this call."
            : $"To {need.Name} Graph needs the application permission {GraphNeed.Describe(need.Application)} (delegated: {GraphNeed.Describe(need.Delegated)}); with Application.ReadWrite.OwnedBy the identity must own the app.";
        var record = Record(ex.Message + " " + what, delegated: false, target, ex);
        return record;
    }

    private static ErrorRecord Record(string message, bool delegated, object? target, Exception? inner = null)
    {
        string fix = delegated
            ? "Consent to the delegated permissions (Entra admin center > Enterprise applications > the signing-in app > Permissions > Grant admin consent), then run Connect-ScimGraph again."
            : "Grant them as application permissions: an app role assignment of Microsoft Graph to the managed identity (New-MgServicePrincipalAppRoleAssignment) or admin consent for the app registration's API permissions; then get a new token (Connect-ScimGraph again; a managed identity's token can take a while to carry new roles).";
        var text = new StringBuilder(message).Append(' ').Append(fix).ToString();
        return new ErrorRecord(new UnauthorizedAccessException(text, inner), ErrorId, ErrorCategory.PermissionDenied, target)
        {
            ErrorDetails = new ErrorDetails(text) { RecommendedAction = fix },
        };
    }
}
