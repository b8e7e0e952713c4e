// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Http;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Scim;

/// <summary>
/// Pulumi Cloud's SCIM 2.0 endpoint at <c>/pulumi/scim/v2/{org}</c> (docs/graph-facts.md, "Pulumi's SCIM API", and Pulumi's
/// docs: administration/concepts/scim.md, guides/scim/troubleshooting.md), over RFC 7643/7644.
/// </summary>
internal static class ScimRoutes
{
    public const string Prefix = "/pulumi/scim/v2/{org}";

    private static readonly string[] s_methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>The methods each resource endpoint answers (for 405 and its Allow header).</summary>
    private static readonly Dictionary<string, (string Collection, string Item)> s_allowed = new(StringComparer.OrdinalIgnoreCase)
    {
        // Users have no DELETE: "Pulumi has no endpoint for deleting a user through SCIM. Deprovisioning sets active to
        // false" (concepts/scim.md, "Deprovisioning never deletes a user"), so DELETE /Users/{id} answers 405.
        ["Users"] = ("GET, POST", "GET, PUT, PATCH"),
        ["Groups"] = ("GET, POST", "GET, PUT, PATCH, DELETE"),
        ["ServiceProviderConfig"] = ("GET", string.Empty),
        ["Schemas"] = ("GET", "GET"),
        ["ResourceTypes"] = ("GET", "GET"),
    };

    public static void Register(Router router, SandboxContext ctx)
    {
        lock (ctx.State.Sync)
        {
            foreach (PulumiOrgState org in ctx.State.Organizations)
            {
                ScimUsers.Normalize(org);
                ScimGroups.Normalize(org);
            }
        }

        void Map(string method, string template, Func<ScimCall, SandboxResponse> handler) =>
            router.Map(method, Prefix + template, req => Run(ctx, req, handler));

        Map("GET", "/Users", ScimUsers.List);
        Map("POST", "/Users", ScimUsers.Create);
        Map("GET", "/Users/{id}", ScimUsers.Get);
        Map("PUT", "/Users/{id}", ScimUsers.Replace);
        Map("PATCH", "/Users/{id}", ScimUsers.Patch);

        Map("GET", "/Groups", ScimGroups.List);
        Map("POST", "/Groups", ScimGroups.Create);
        Map("GET", "/Groups/{id}", ScimGroups.Get);
        Map("PUT", "/Groups/{id}", ScimGroups.Replace);
        Map("PATCH", "/Groups/{id}", ScimGroups.Patch);
        Map("DELETE", "/Groups/{id}", ScimGroups.Delete);

        Map("GET", "/ServiceProviderConfig", ScimDiscovery.ServiceProviderConfig);
        Map("GET", "/Schemas", ScimDiscovery.Schemas);
        Map("GET", "/Schemas/{id}", ScimDiscovery.Schema);
        Map("GET", "/ResourceTypes", ScimDiscovery.ResourceTypes);
        Map("GET", "/ResourceTypes/{id}", ScimDiscovery.ResourceType);

        // Everything else under the SCIM base answers a SCIM error rather than a Graph one: 405 for a known endpoint
        // and the wrong method, 404 otherwise. Registered last, so the routes above win.
        foreach (string method in s_methods)
        {
            Map(method, string.Empty, call => throw ScimError.NotFound($"No SCIM endpoint at {call.Request.Path}."));
            Map(method, "/{resource}", call => NoRoute(call, item: false));
            Map(method, "/{resource}/{id}", call => NoRoute(call, item: true));
            Map(method, "/{resource}/{id}/{more}", call => throw ScimError.NotFound($"No SCIM endpoint at {call.Request.Path}."));
        }
    }

    private static SandboxResponse NoRoute(ScimCall call, bool item)
    {
        string resource = call.Route("resource");
        if (s_allowed.TryGetValue(resource, out var allowed))
        {
            string allow = item ? allowed.Item : allowed.Collection;
            if (allow.Length > 0)
            {
                string detail = string.Equals(resource, "Users", StringComparison.OrdinalIgnoreCase) && call.Request.Method == "DELETE"
                    ? "Pulumi does not delete users through SCIM. Deprovision a user by setting active to false."
                    : $"The method {call.Request.Method} is not supported for {call.Request.Path}.";
                return new ScimError(405, null, detail).ToResponse().WithHeader("Allow", allow);
            }
        }

        throw ScimError.NotFound($"No SCIM endpoint at {call.Request.Path}.");
    }

    private static SandboxResponse Run(SandboxContext ctx, SandboxRequest req, Func<ScimCall, SandboxResponse> handler)
    {
        try
        {
            lock (ctx.State.Sync)
            {
                string orgName = req.Route("org");
                PulumiOrgState? org = ctx.State.Organizations.FirstOrDefault(o => string.Equals(o.Name, orgName, StringComparison.Ordinal))
                    ?? throw ScimError.NotFound($"Organization '{orgName}' not found.");
                if (!IsAuthorized(req, org))
                {
                    return new ScimError(401, null, "Unauthorized: the SCIM bearer token is missing or invalid.").ToResponse()
                        .WithHeader("WWW-Authenticate", "Bearer");
                }

                return handler(new ScimCall(ctx, org, req));
            }
        }
        catch (ScimError e)
        {
            return e.ToResponse();
        }
        catch (Exception e)
        {
            return new ScimError(500, null, "The sandbox failed: " + e.GetType().Name).ToResponse();
        }
    }

    private static bool IsAuthorized(SandboxRequest req, PulumiOrgState org)
    {
        string? auth = req.Headers["Authorization"];
        if (string.IsNullOrWhiteSpace(auth) || !auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(org.Token))
        {
            return false;
        }

        byte[] given = Encoding.UTF8.GetBytes(auth["Bearer ".Length..].Trim());
        byte[] expected = Encoding.UTF8.GetBytes(org.Token);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    /// <summary>Reads <c>startIndex</c> and <c>count</c> (RFC 7644 §3.4.2.4).</summary>
    public static (int StartIndex, int Count) Paging(ScimCall call, int maxCount)
    {
        static int? Read(ScimCall call, string name)
        {
            string? text = call.Request.Query[name];
            if (text is null)
            {
                return null;
            }

            return int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int v)
                ? v
                : throw ScimError.InvalidValue($"The query parameter '{name}' must be an integer.");
        }

        int start = Math.Max(1, Read(call, "startIndex") ?? 1);
        int count = Math.Max(0, Read(call, "count") ?? maxCount);
        if (count > maxCount)
        {
            throw ScimError.InvalidValue($"The count {count} is too large. It must be {maxCount} or less.");
        }

        return (start, count);
    }

    /// <summary>
    /// Parses the only filter Pulumi supports on a resource: <c>{attribute} eq "value"</c>. Anything else (another
    /// attribute, another operator, and/or, a malformed filter) is 400 invalidFilter. Null when there is no filter.
    /// </summary>
    public static string? EqualityFilter(ScimCall call, string attribute)
    {
        string? filter = call.Request.Query["filter"];
        if (filter is null)
        {
            return null;
        }

        var m = System.Text.RegularExpressions.Regex.Match(
            filter,
            "^\\s*(?<attr>[A-Za-z][A-Za-z0-9_.:-]*)\\s+(?<op>[A-Za-z]{2})\\s+(?<value>\"(?:[^\"\\\\]|\\\\.)*\")\\s*$",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1));
        if (!m.Success || !string.Equals(m.Groups["attr"].Value, attribute, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(m.Groups["op"].Value, "eq", StringComparison.OrdinalIgnoreCase))
        {
            throw ScimError.InvalidFilter($"Unsupported filter: {filter}. Only {attribute} eq \"value\" is supported.");
        }

        try
        {
            return JsonNode.Parse(m.Groups["value"].Value)!.GetValue<string>();
        }
        catch (System.Text.Json.JsonException)
        {
            throw ScimError.InvalidFilter($"Unsupported filter: {filter}. The value is not a valid string.");
        }
    }
}
