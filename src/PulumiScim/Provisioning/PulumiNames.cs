// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Diagnostics.CodeAnalysis;

namespace PulumiScim.Provisioning;

/// <summary>Where an organization's login name was found: the name, the URL it came from, and that URL's Pulumi API root.</summary>
/// <param name="Name">The organization's login name.</param>
/// <param name="Source">Where it was found, e.g. <c>reply URL https://api.pulumi.com/login/acme/sso/saml/acs</c>.</param>
/// <param name="ApiUrl">The Pulumi API root of that URL (<c>https://api.pulumi.com</c>, or a self-hosted host).</param>
internal sealed record OrgNameInference(string Name, string Source, string ApiUrl);

/// <summary>
/// Pulumi organization login names and SCIM tenant URLs: validation, building <c>{apiUrl}/scim/v2/{org}</c>, and
/// inferring the organization from the SAML URLs of the enterprise app.
/// </summary>
/// <remarks>
/// Pulumi's docs publish no rule for organization login names. This module accepts the character set Pulumi uses for
/// stack and project names (letters, digits, <c>-</c>, <c>_</c> and <c>.</c>), 1 to 100 characters, not made of dots
/// only (a path segment of dots would change the URL). The check exists to catch a display name ("Acme Corp") or a
/// URL passed where the login name belongs, not to second-guess Pulumi.
/// </remarks>
internal static class PulumiNames
{
    /// <summary>The API root of the Pulumi Cloud SaaS.</summary>
    public const string DefaultApiUrl = "https://api.pulumi.com";

    /// <summary>The longest organization login name accepted.</summary>
    public const int MaxOrgNameLength = 100;

    private const string ScimPath = "/scim/v2/";
    private static readonly string[] s_loopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>Whether <paramref name="name"/> can be a Pulumi organization login name; if not, why.</summary>
    /// <param name="name">The candidate login name.</param>
    /// <param name="error">Why it is not, for the user; <see langword="null"/> when it is.</param>
    /// <returns><see langword="true"/> when the name is acceptable.</returns>
    public static bool IsValidOrgName([NotNullWhen(true)] string? name, [NotNullWhen(false)] out string? error)
    {
        error = Check(name);
        return error is null;

        static string? Check(string? name)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                return "The Pulumi organization name is empty. Pass the organization's login name (the name in its SAML SSO URL).";
            }

            if (name.Contains("://", StringComparison.Ordinal))
            {
                return $"'{name}' is a URL; pass the Pulumi organization's login name (e.g. 'acme' from https://api.pulumi.com/login/acme/sso/saml/acs).";
            }

            if (name.Any(char.IsWhiteSpace))
            {
                return $"'{name}' contains spaces, so it looks like the organization's display name; pass its login name, which is in the SSO URL of the organization's SAML settings.";
            }

            if (name.Length > MaxOrgNameLength || !name.All(IsOrgNameChar) || name.All(character => character == '.'))
            {
                return $"'{name}' is not a Pulumi organization login name: use 1 to {MaxOrgNameLength} letters, digits, '-', '_' or '.' (the name in the organization's SAML SSO URL).";
            }

            return null;
        }
    }

    /// <summary>Returns <paramref name="name"/> when it is a valid organization login name.</summary>
    /// <exception cref="ArgumentException">The name is not valid; the message says why.</exception>
    public static string ValidateOrgName(string? name)
        => IsValidOrgName(name, out var error) ? name : throw new ArgumentException(error, nameof(name));

    /// <summary>Validates a Pulumi API URL and returns it normalized: lower-case scheme and host, no trailing slash.</summary>
    /// <param name="apiUrl">The API root, e.g. <c>https://api.pulumi.com</c>; <see langword="null"/> or empty for that default.</param>
    /// <exception cref="ArgumentException">The URL is not absolute, not https (http only for loopback hosts), or has a query, fragment or user info.</exception>
    public static string NormalizeApiUrl(string? apiUrl)
    {
        if (string.IsNullOrWhiteSpace(apiUrl))
        {
            return DefaultApiUrl;
        }

        if (!Uri.TryCreate(apiUrl.Trim(), UriKind.Absolute, out var uri) || uri.IsFile || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"'{apiUrl}' is not an absolute URL; pass the Pulumi API URL, e.g. {DefaultApiUrl}.", nameof(apiUrl));
        }

        var isLoopback = s_loopbackHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase);
        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && isLoopback))
        {
            throw new ArgumentException($"'{apiUrl}' must use https (http is accepted only for localhost, 127.0.0.1 and [::1]).", nameof(apiUrl));
        }

        if (!string.IsNullOrEmpty(uri.UserInfo) || apiUrl.Contains('?', StringComparison.Ordinal) || apiUrl.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{apiUrl}' must not have user info, a query or a fragment; pass the Pulumi API URL, e.g. {DefaultApiUrl}.", nameof(apiUrl));
        }

        if (string.Equals(uri.Host, "app.pulumi.com", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{apiUrl}' is the Pulumi Cloud console; its API is {DefaultApiUrl}.", nameof(apiUrl));
        }

        if (uri.AbsolutePath.Contains(ScimPath, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{apiUrl}' is already a SCIM tenant URL; pass the Pulumi API URL ({DefaultApiUrl} or your self-hosted API host) and the organization name separately.", nameof(apiUrl));
        }

        return uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    /// <summary>Builds the SCIM tenant URL (the <c>BaseAddress</c> secret): <c>{apiUrl}/scim/v2/{org}</c>.</summary>
    /// <param name="orgName">The organization's login name.</param>
    /// <param name="apiUrl">The Pulumi API root; <see langword="null"/> for <see cref="DefaultApiUrl"/>.</param>
    /// <returns>The tenant URL, e.g. <c>https://api.pulumi.com/scim/v2/acme</c>.</returns>
    /// <exception cref="ArgumentException">The organization name or the API URL is not valid.</exception>
    public static string BuildTenantUrl(string orgName, string? apiUrl = null)
        => NormalizeApiUrl(apiUrl) + ScimPath + ValidateOrgName(orgName);

    /// <summary>Splits a SCIM tenant URL <c>{apiUrl}/scim/v2/{org}</c> into its API root and organization.</summary>
    /// <param name="tenantUrl">A saved <c>BaseAddress</c>.</param>
    /// <param name="apiUrl">The API root.</param>
    /// <param name="orgName">The organization's login name.</param>
    /// <returns><see langword="true"/> when the URL has that form and a valid organization name.</returns>
    public static bool TryParseTenantUrl(string? tenantUrl, [NotNullWhen(true)] out string? apiUrl, [NotNullWhen(true)] out string? orgName)
    {
        apiUrl = null;
        orgName = null;
        if (!Uri.TryCreate(tenantUrl, UriKind.Absolute, out var uri) || uri.IsFile)
        {
            return false;
        }

        var path = uri.AbsolutePath.TrimEnd('/');
        var index = path.LastIndexOf(ScimPath, StringComparison.OrdinalIgnoreCase);
        if (index < 0)
        {
            return false;
        }

        var org = Uri.UnescapeDataString(path[(index + ScimPath.Length)..]);
        if (!IsValidOrgName(org, out _))
        {
            return false;
        }

        apiUrl = uri.GetLeftPart(UriPartial.Authority) + path[..index];
        orgName = org;
        return true;
    }

    /// <summary>
    /// Infers the organization's login name from the app's SAML URLs: reply URLs
    /// <c>https://{host}/login/{org}/sso/saml/acs</c> and identifier URIs <c>https://{host}/login/{org}/sso/saml/metadata</c>
    /// (any host, so self-hosted Pulumi Cloud works too).
    /// </summary>
    /// <param name="replyUrls">The service principal's reply URLs; looked at first.</param>
    /// <param name="identifierUris">The application's identifier URIs (SAML Entity IDs).</param>
    /// <param name="result">The name, the URL it came from and that URL's API root (the first match).</param>
    /// <param name="error">Why no name can be inferred: none found, or two URLs disagree.</param>
    /// <returns><see langword="true"/> when exactly one name (compared without regard to case) was found.</returns>
    public static bool TryInferOrgName(IEnumerable<string?>? replyUrls, IEnumerable<string?>? identifierUris,
        [NotNullWhen(true)] out OrgNameInference? result, [NotNullWhen(false)] out string? error)
    {
        var found = new List<OrgNameInference>();
        Collect(replyUrls, "reply URL", "acs");
        Collect(identifierUris, "identifier URI", "metadata");

        result = null;
        var names = found.Select(candidate => candidate.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (names.Count == 0)
        {
            error = "None of the app's SAML reply URLs or identifier URIs has the form https://api.pulumi.com/login/{orgName}/sso/saml/acs " +
                "(or .../sso/saml/metadata), so the Pulumi organization cannot be inferred. Pass the organization's login name; it is in the SSO URL " +
                "of the organization's SAML settings in Pulumi Cloud.";
            return false;
        }

        if (names.Count > 1)
        {
            var seen = string.Join("; ", found.Select(candidate => $"'{candidate.Name}' from {candidate.Source}"));
            error = $"The app's SAML URLs name different Pulumi organizations ({seen}). Pass the organization's login name, and fix the SAML URLs that name the wrong one.";
            return false;
        }

        error = null;
        result = found[0];
        return true;

        void Collect(IEnumerable<string?>? urls, string kind, string endpoint)
        {
            foreach (var url in urls ?? [])
            {
                if (TryParseSamlUrl(url, endpoint, out var name, out var apiUrl))
                {
                    found.Add(new OrgNameInference(name, $"{kind} {url}", apiUrl));
                }
            }
        }
    }

    private static bool TryParseSamlUrl(string? url, string endpoint, [NotNullWhen(true)] out string? orgName, [NotNullWhen(true)] out string? apiUrl)
    {
        orgName = null;
        apiUrl = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return false;
        }

        // .../login/{org}/sso/saml/{endpoint}: the last five segments, after any path prefix of a self-hosted API.
        var segments = uri.AbsolutePath.Trim('/').Split('/');
        var count = segments.Length;
        if (count < 5
            || !Is(segments[count - 5], "login")
            || !Is(segments[count - 3], "sso")
            || !Is(segments[count - 2], "saml")
            || !Is(segments[count - 1], endpoint))
        {
            return false;
        }

        var name = Uri.UnescapeDataString(segments[count - 4]);
        if (!IsValidOrgName(name, out _))
        {
            return false;
        }

        var prefix = string.Concat(segments.Take(count - 5).Select(segment => "/" + segment));
        orgName = name;
        apiUrl = uri.GetLeftPart(UriPartial.Authority) + prefix;
        return true;

        static bool Is(string segment, string expected) => string.Equals(segment, expected, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsOrgNameChar(char character)
        => character is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.';
}
