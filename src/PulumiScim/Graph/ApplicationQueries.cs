// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Text.Json.Nodes;
using PulumiScim.Model;
using PulumiScim.Session;

namespace PulumiScim.Graph;

/// <summary>Finding enterprise apps and reading their provisioning job and saved Tenant URL.</summary>
internal static class ApplicationQueries
{
    /// <summary>The service principal properties the module reads.</summary>
    public const string SpSelect = "id,appId,displayName,appRoles,appRoleAssignmentRequired,replyUrls,servicePrincipalNames,preferredSingleSignOnMode,applicationTemplateId,tags";

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

        string? filter = null;
        WildcardPattern? pattern = null;
        if (appId is { } a)
        {
            filter = $"appId eq {ODataLiteral(a.ToString())}";
        }
        else if (!string.IsNullOrEmpty(displayName))
        {
            if (WildcardPattern.ContainsWildcardCharacters(displayName))
            {
                pattern = new WildcardPattern(displayName, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
                string prefix = LiteralPrefix(displayName);
                filter = prefix.Length > 0 ? $"startswith(displayName,{ODataLiteral(prefix)})" : null;
            }
            else
            {
                filter = $"displayName eq {ODataLiteral(WildcardPattern.Unescape(displayName))}";
            }
        }

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
    internal static string LiteralPrefix(string pattern)
    {
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
                break;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>Reads the app's provisioning job (the <c>scim</c> one, else the first) and its saved Tenant URL and scope.</summary>
    public static async Task<ScimApplication> DescribeAsync(ScimGraphSession session, JsonObject sp, CancellationToken ct)
    {
        var app = new ScimApplication(sp, session);
        await RefreshJobAsync(app, ct).ConfigureAwait(false);
        if (app.JobId is not null)
        {
            await RefreshSecretsAsync(app, ct).ConfigureAwait(false);
        }

        return app;
    }

    /// <summary>Re-reads the job list into <paramref name="app"/>.</summary>
    public static async Task RefreshJobAsync(ScimApplication app, CancellationToken ct)
    {
        JsonNode? jobs = await app.Session.Graph.GetAsync($"servicePrincipals/{app.Sp}/synchronization/jobs", ct).ConfigureAwait(false);
        var list = (jobs?["value"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        JsonObject? job = list.FirstOrDefault(j => string.Equals((string?)j["templateId"], "scim", StringComparison.OrdinalIgnoreCase)) ?? list.FirstOrDefault();
        ApplyJob(app, job);
    }

    /// <summary>Copies a job's id, template and state onto <paramref name="app"/>.</summary>
    public static void ApplyJob(ScimApplication app, JsonObject? job)
    {
        app.Job = job;
        app.JobId = (string?)job?["id"];
        app.TemplateId = (string?)job?["templateId"];
        app.ProvisioningState = (string?)job?["schedule"]?["state"];
        app.StatusCode = (string?)job?["status"]?["code"];
    }

    /// <summary>Reads the saved secrets' readable values (BaseAddress, SyncAll) into <paramref name="app"/>.</summary>
    public static async Task<JsonArray> RefreshSecretsAsync(ScimApplication app, CancellationToken ct)
    {
        JsonNode? secrets = await SyncOperations.OnJobAsync(app, "Reading the credentials of the new job", c => app.Session.Graph.GetAsync($"servicePrincipals/{app.Sp}/synchronization/secrets", c), ct).ConfigureAwait(false);
        var values = secrets?["value"] as JsonArray ?? [];
        app.SecretsRead = (values, DateTime.UtcNow);
        string? Read(string key) => values.OfType<JsonObject>().Where(s => string.Equals((string?)s["key"], key, StringComparison.OrdinalIgnoreCase)).Select(s => (string?)s["value"]).FirstOrDefault();
        app.TenantUrl = Read("BaseAddress");
        string? syncAll = Read("SyncAll");
        app.Scope = syncAll is null ? null : string.Equals(syncAll, "true", StringComparison.OrdinalIgnoreCase) ? "All" : "AssignedOnly";
        return values;
    }
}
