// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Session;

namespace PulumiScim.Commands;

/// <summary>A short-lived cache of completion candidates per session and kind, so Tab does not hit Graph every time.</summary>
internal static class CompletionCache
{
    private static readonly TimeSpan s_lifetime = TimeSpan.FromSeconds(60);
    private static readonly ConcurrentDictionary<(ScimGraphSession, string), (DateTime At, string[] Values)> s_cache = new();

    public static string[] Get(ScimGraphSession session, string kind, Func<CancellationToken, Task<string[]>> load)
    {
        if (s_cache.TryGetValue((session, kind), out var hit) && DateTime.UtcNow - hit.At < s_lifetime)
        {
            return hit.Values;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            string[] values = load(timeout.Token).GetAwaiter().GetResult();
            s_cache[(session, kind)] = (DateTime.UtcNow, values);
            return values;
        }
        catch (Exception)
        {
            // completion never fails loudly
            return [];
        }
    }

    public static IEnumerable<CompletionResult> Complete(IEnumerable<string> candidates, string wordToComplete)
    {
        string word = wordToComplete.Trim('\'', '"');
        var pattern = new WildcardPattern(word + "*", WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        foreach (string c in candidates.Where(pattern.IsMatch).Order(StringComparer.OrdinalIgnoreCase))
        {
            bool quote = c.Length == 0 || c[0] is '@' or '-' || c.IndexOfAny([' ', '\t', '\'', '"', '$', '`', '(', ')', ',', ';', '{', '}', '|', '&', '<', '>', '#']) >= 0;
            string text = quote ? "'" + c.Replace("'", "''", StringComparison.Ordinal) + "'" : c;
            yield return new CompletionResult(text, c, CompletionResultType.ParameterValue, c);
        }
    }
}

/// <summary>Completes enterprise application display names from the current session.</summary>
public sealed class ApplicationNameCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        if (SessionStore.Current is not { IsDisconnected: false } session)
        {
            return [];
        }

        string[] names = CompletionCache.Get(session, "apps", async ct =>
        {
            var list = new List<string>();
            await foreach (JsonObject sp in session.Graph.ListAsync(ApplicationQueries.WithQuery("servicePrincipals", ("$select", "id,displayName"), ("$top", "999")), ct).ConfigureAwait(false))
            {
                if ((string?)sp["displayName"] is { } n)
                {
                    list.Add(n);
                }
            }

            return list.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        });
        return CompletionCache.Complete(names, wordToComplete);
    }
}

/// <summary>Completes -User with user principal names from the current session.</summary>
public sealed class UserCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        DirectoryCompletion.Complete("users", "userPrincipalName", wordToComplete);
}

/// <summary>Completes -Group with group display names from the current session.</summary>
public sealed class GroupCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        DirectoryCompletion.Complete("groups", "displayName", wordToComplete);
}

/// <summary>Directory-backed completion: a startswith query per prefix, cached briefly.</summary>
internal static class DirectoryCompletion
{
    public static IEnumerable<CompletionResult> Complete(string collection, string property, string wordToComplete)
    {
        if (SessionStore.Current is not { IsDisconnected: false } session)
        {
            return [];
        }

        string prefix = wordToComplete.Trim('\'', '"');
        string[] values = CompletionCache.Get(session, $"{collection}:{prefix.ToLowerInvariant()}", async ct =>
        {
            string? filter = prefix.Length == 0 ? null : $"startswith({property},{ApplicationQueries.ODataLiteral(prefix)})";
            var list = new List<string>();
            await foreach (JsonObject o in session.Graph.ListAsync(ApplicationQueries.WithQuery(collection, ("$filter", filter), ("$select", "id," + property), ("$top", "100")), ct).ConfigureAwait(false))
            {
                if ((string?)o[property] is { } v)
                {
                    list.Add(v);
                }

                if (list.Count >= 100)
                {
                    break;
                }
            }

            return list.ToArray();
        });
        return CompletionCache.Complete(values, wordToComplete);
    }
}
