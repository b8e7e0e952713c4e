// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;

namespace PulumiScim.Graph;

/// <summary>Finding enterprise apps and reading their provisioning job and saved Tenant URL.</summary>
internal static class ApplicationQueries
{
    /// <summary>The service principal properties the module reads.</summary>
    public const string SpSelect = "id,appId,displayName,appRoles,appRoleAssignmentRequired,replyUrls,servicePrincipalNames,preferredSingleSignOnMode,applicationTemplateId,tags";

    /// <summary>Graph's limit of values in one <c>in</c> clause on directory objects (docs/graph-facts.md, "Queries").</summary>
    public const int MaxInValues = 15;

    /// <summary>A <c>$filter</c> matching <paramref name="property"/> to one of at most <see cref="MaxInValues"/> values: <c>eq</c> for one, <c>in (...)</c> for more.</summary>
    public static string EqOrIn(string property, IReadOnlyList<string> values) => values.Count == 1
        ? $"{property} eq {ODataLiteral(values[0])}"
        : $"{property} in ({string.Join(",", values.Select(ODataLiteral))})";

    /// <summary>Quotes a string for an OData literal: <c>'O''Brien'</c>.</summary>
    public static string ODataLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Builds a path with a URL-encoded query.</summary>
    public static string WithQuery(string path, params (string Name, string? Value)[] query)
    {
        var parts = query.Where(q => q.Value is not null).Select(q => q.Name + "=" + Uri.EscapeDataString(q.Value!));
        string qs = string.Join("&", parts);
        return qs.Length == 0 ? path : path + "?" + qs;
    }

    /// <summary>Finds service principals by display name (wildcards allowed), app id or object id.</summary>
    public static async Task<List<JsonObject>> FindServicePrincipalsAsync(GraphClient graph, string? displayName, Guid? appId, Guid? servicePrincipalId, CancellationToken ct)
    {
        if (servicePrincipalId is { } id)
        {
            JsonObject? sp = await graph.GetOrNullAsync(WithQuery($"servicePrincipals/{id}", ("$select", SpSelect)), ct).ConfigureAwait(false);
            return sp is not null && Matches(sp, displayName, appId) ? [sp] : [];
        }

        WildcardPattern? pattern = null;
        string filter = appId is { } a ? $"appId eq {ODataLiteral(a.ToString())}" : EnterpriseAppFilter(displayName, out pattern);

        var result = new List<JsonObject>();
        string path = WithQuery("servicePrincipals", ("$filter", filter), ("$select", SpSelect), ("$top", "999"));
        await foreach (JsonObject sp in graph.ListAsync(path, ct).ConfigureAwait(false))
        {
            if (Matches(sp, displayName, appId, pattern))
            {
                result.Add(sp);
            }
        }

        return result;
    }

    /// <summary>The tag Entra gives the service principal of an enterprise app (applicationTemplate: instantiate sets it).</summary>
    public const string EnterpriseAppTag = "WindowsAzureActiveDirectoryIntegratedApp";

    /// <summary>
    /// The <c>$filter</c> that lists enterprise apps as the portal's Enterprise applications list does (by the
    /// <see cref="EnterpriseAppTag"/> tag; a tenant's thousands of Microsoft-owned service principals lack it), with
    /// the name: <c>displayName eq</c> for a plain name, <c>startswith</c> on the text before the first wildcard (the
    /// rest of the pattern is matched here, <paramref name="pattern"/>). Both work without advanced query parameters
    /// (Graph: resources/serviceprincipal.md, tags "Supports $filter (eq, ...)"; displayName eq and startsWith).
    /// </summary>
    internal static string EnterpriseAppFilter(string? displayName, out WildcardPattern? pattern)
    {
        pattern = null;
        string tag = $"tags/any(t:t eq {ODataLiteral(EnterpriseAppTag)})";
        if (string.IsNullOrEmpty(displayName))
        {
            return tag;
        }

        string prefix = LiteralPrefix(displayName, out bool wildcard);
        if (!wildcard)
        {
            return $"displayName eq {ODataLiteral(prefix)} and {tag}";
        }

        pattern = new WildcardPattern(displayName, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        return prefix.Length > 0 ? $"startswith(displayName,{ODataLiteral(prefix)}) and {tag}" : tag;
    }

    private static bool Matches(JsonObject sp, string? displayName, Guid? appId, WildcardPattern? pattern = null)
    {
        string name = (string?)sp["displayName"] ?? string.Empty;
        if (appId is { } a && !string.Equals((string?)sp["appId"], a.ToString(), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (string.IsNullOrEmpty(displayName))
        {
            return true;
        }

        pattern ??= new WildcardPattern(displayName, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        return pattern.IsMatch(name);
    }

    /// <summary>The text before the first wildcard character, unescaped.</summary>
    internal static string LiteralPrefix(string pattern) => LiteralPrefix(pattern, out _);

    /// <summary>
    /// The text before the first unescaped wildcard character (<c>*</c>, <c>?</c>, <c>[</c>), unescaped, and whether
    /// there is one: the whole name, unescaped, when there is none. PowerShell's own rules, without needing a runspace.
    /// </summary>
    internal static string LiteralPrefix(string pattern, out bool wildcard)
    {
        wildcard = false;
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '`' && i + 1 < pattern.Length)
            {
                sb.Append(pattern[++i]);
                continue;
            }

            if (c is '*' or '?' or '[')
            {
                wildcard = true;
                break;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>Instantiates an application template (a non-gallery app): the app and its service principal.</summary>
    public static Task<JsonNode?> InstantiateAsync(GraphClient graph, string templateId, string displayName, CancellationToken ct) =>
        graph.SendCheckedAsync(HttpMethod.Post, $"applicationTemplates/{templateId}/instantiate", new JsonObject { ["displayName"] = displayName }, ct);

    /// <summary>Reads a service principal made moments ago, waiting out replication.</summary>
    public static async Task<JsonObject> ReadNewServicePrincipalAsync(GraphClient graph, string servicePrincipalId, TimeSpan timeout, CancellationToken ct) =>
        await Consistency.RetryAsync(
            "Reading the new service principal",
            c => graph.GetAsync(WithQuery($"servicePrincipals/{servicePrincipalId}", ("$select", SpSelect)), c),
            ct,
            timeout).ConfigureAwait(false) as JsonObject ?? throw new InvalidDataException("Graph returned an empty service principal.");
}
