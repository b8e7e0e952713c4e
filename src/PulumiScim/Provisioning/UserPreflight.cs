// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Model;

namespace PulumiScim.Provisioning;

/// <summary>What Pulumi would refuse among the assigned users and groups, found before a cycle runs (pure).</summary>
internal static class UserPreflight
{
    /// <summary>Pulumi's limit on team names.</summary>
    public const int MaxTeamNameLength = 100;

    /// <summary>A check for an assigned group whose name Pulumi would refuse as a team name, or null.</summary>
    public static ScimConfigurationCheck? GroupCheck(string name) => name.Length <= MaxTeamNameLength ? null :
        new ScimConfigurationCheck($"Group {name}", $"a name of at most {MaxTeamNameLength} characters (Pulumi team names)", $"{name.Length} characters", false,
            "Rename the group, or map a shorter team name: Pulumi answers 'Display name is too long. It must be 100 characters or less'.");

    /// <summary>The users' checks, with the summary check first.</summary>
    /// <param name="users">The assigned users and the users in assigned groups.</param>
    /// <param name="source">The userName source.</param>
    /// <param name="refusedBefore">Users Pulumi refused before for a username or email held by another account (id to reason).</param>
    /// <param name="unreadLogs">The failed check when the logs could not be read (refusals then unknown), or null.</param>
    public static List<ScimConfigurationCheck> Check(IReadOnlyCollection<JsonObject> users, UserNameSource source, IReadOnlyDictionary<string, string> refusedBefore, ScimConfigurationCheck? unreadLogs = null)
    {
        string sourceProperty = source == UserNameSource.MailNickname ? "mailNickname" : "userPrincipalName";
        var bySource = users.Where(u => !string.IsNullOrWhiteSpace((string?)u[sourceProperty]))
            .GroupBy(u => (string)u[sourceProperty]!, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
        var checks = unreadLogs is null ? new List<ScimConfigurationCheck>() : [unreadLogs];
        foreach (JsonObject u in users.OrderBy(u => (string?)u["userPrincipalName"], StringComparer.OrdinalIgnoreCase))
        {
            // Disabled users are deactivated in Pulumi (active=false), which Pulumi accepts.
            if (u["accountEnabled"] is not JsonValue v || !v.TryGetValue(out bool enabled) || enabled)
            {
                checks.AddRange(CheckUser(u, sourceProperty, bySource, refusedBefore));
            }
        }

        checks.Insert(0, new ScimConfigurationCheck("Assigned users pre-flight", "no user Pulumi would refuse",
            $"{ScimText.Count(users.Count, "user")} checked, {ScimText.Count(checks.Count, "problem")}", checks.Count == 0, "See the User checks below."));
        return checks;
    }

    private static IEnumerable<ScimConfigurationCheck> CheckUser(JsonObject u, string sourceProperty, Dictionary<string, List<JsonObject>> bySource, IReadOnlyDictionary<string, string> refusedBefore)
    {
        string who = (string?)u["userPrincipalName"] ?? (string?)u["id"] ?? "?";
        string? value = (string?)u[sourceProperty];
        ScimConfigurationCheck Fail(string expected, string actual, string hint) => new($"User {who}", expected, actual, false, hint);
        if (string.IsNullOrWhiteSpace(value))
        {
            yield return Fail($"a {sourceProperty} (Pulumi's userName)", "empty", $"Give the user a {sourceProperty}, or choose another source with Set-ScimUserMapping -UserNameSource.");
        }
        else if (bySource.TryGetValue(value, out var dupes))
        {
            yield return Fail($"a unique {sourceProperty}", $"'{value}' is shared with {string.Join(", ", dupes.Where(d => !ReferenceEquals(d, u)).Select(d => (string?)d["userPrincipalName"]))}",
                "Pulumi usernames are unique: change one of them, or use -UserNameSource UserPrincipalName.");
        }

        if (string.IsNullOrWhiteSpace((string?)u["mail"]))
        {
            yield return Fail("a mail address (emails[type eq \"work\"].value is required)", "no mail", "Give the user a mail address in Entra; without one Entra reports a missing required attribute and skips the user.");
        }

        if ((string?)u["id"] is { } id && refusedBefore.TryGetValue(id, out string? reason))
        {
            yield return Fail("Pulumi accepts the user", $"refused before: {ProvisioningComparer.PulumiDetail(reason)}",
                ProvisioningComparer.FixFor(reason) ?? "The username or email belongs to another Pulumi account: change the user's userName source or mail, or ask the other account's owner.");
        }
    }

    /// <summary>Users Pulumi refused for a username or email held by another Pulumi account (409 uniqueness), from failed log entries.</summary>
    public static Dictionary<string, string> UniquenessRefusals(IEnumerable<JsonObject> failures)
    {
        var refused = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonObject e in failures)
        {
            string? reason = (string?)e["provisioningStatusInfo"]?["errorInformation"]?["reason"];
            string? id = (string?)e["sourceIdentity"]?["id"];
            if (id is not null && reason is not null && (reason.Contains("already exists", StringComparison.OrdinalIgnoreCase) || reason.Contains("already in use", StringComparison.OrdinalIgnoreCase)))
            {
                refused.TryAdd(id, reason);
            }
        }

        return refused;
    }
}
