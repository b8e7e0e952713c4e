// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.RegularExpressions;

namespace PulumiScim.Sandbox.Http;

/// <summary>Matches a method and path template (<c>/v1.0/servicePrincipals/{id}</c>) to a handler.</summary>
internal sealed class Router
{
    private readonly List<(string Method, Regex Pattern, string Template, Func<SandboxRequest, Task<SandboxResponse>> Handler)> _routes = [];

    /// <summary>Adds a synchronous handler.</summary>
    public void Map(string method, string template, Func<SandboxRequest, SandboxResponse> handler) =>
        MapAsync(method, template, req => Task.FromResult(handler(req)));

    /// <summary>Adds a handler that awaits (one that calls out over HTTP, such as validateCredentials).</summary>
    public void MapAsync(string method, string template, Func<SandboxRequest, Task<SandboxResponse>> handler)
    {
        string pattern = "^" + Regex.Replace(Regex.Escape(template).Replace("\\{", "{", StringComparison.Ordinal), "{([A-Za-z]+)}", "(?<$1>[^/]+)") + "/?$";
        _routes.Add((method, new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), template, handler));
    }

    /// <summary>Finds the handler; <paramref name="pathMatched"/> tells a wrong method from an unknown path.</summary>
    public Func<SandboxRequest, Task<SandboxResponse>>? Match(SandboxRequest request, out bool pathMatched)
    {
        pathMatched = false;
        foreach (var route in _routes)
        {
            Match m = route.Pattern.Match(request.Path);
            if (!m.Success)
            {
                continue;
            }

            pathMatched = true;
            if (!string.Equals(route.Method, request.Method, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            request.RouteValues.Clear();
            foreach (Group g in m.Groups)
            {
                if (!int.TryParse(g.Name, out _))
                {
                    request.RouteValues[g.Name] = g.Value;
                }
            }

            return route.Handler;
        }

        return null;
    }
}
