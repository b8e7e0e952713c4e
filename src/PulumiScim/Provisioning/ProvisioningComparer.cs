// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using PulumiScim.Model;

namespace PulumiScim.Provisioning;

/// <summary>
/// Compares what Entra says Pulumi should hold with what Pulumi holds. Pure: no I/O. It knows the Entra users in scope
/// first, then takes Pulumi's users page by page (<see cref="AddPulumiUsers"/>) and returns every result a page
/// decides, so results stream; <see cref="FinishUsers"/> decides the rest when the pages end, and
/// <see cref="CompareTeam"/> compares the teams after that. <see cref="Compare"/> runs it all over one snapshot.
/// </summary>
/// <remarks>
/// A user matches the Pulumi user whose userName equals the value of the userName mapping's source (Entra matches the
/// same way: the mapping with matchingPriority 1); failing that, the first Pulumi user with the same work email that
/// no Entra user matched by userName or before it (so a user whose userName source changed after creation shows as
/// Drift on userName, not as Missing). A page decides each Entra user its userNames match; the email fallback waits
/// for the last page, and so does a Pulumi user whose email an undecided Entra user expects.
/// </remarks>
internal sealed class ProvisioningComparer
{
    /// <summary>Pulumi refuses team names longer than this (Pulumi's "Display name is too long. It must be 100 characters or less").</summary>
    public const int MaxTeamNameLength = 100;

    private readonly ComparisonRules _rules;
    private readonly List<EntraUser> _inScope;
    private readonly Dictionary<string, List<EntraUser>> _entraByKey = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _undecidedEmails = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _decided = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, PulumiUser> _byUserName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, PulumiUser> _byEmail = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string?> _userNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, PulumiTeam> _teams = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Pulumi users held until the last page: an undecided Entra user may still match them by email.</summary>
    private readonly List<PulumiUser> _held = [];

    /// <summary>Entra user id to the Pulumi user it matched.</summary>
    private readonly Dictionary<string, PulumiUser> _matched = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _matchedPulumiIds = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Entra users that are Missing in Pulumi, by id (a team with such a member cannot be complete).</summary>
    private readonly Dictionary<string, EntraUser> _missing = new(StringComparer.OrdinalIgnoreCase);

    public ProvisioningComparer(ComparisonRules rules, IEnumerable<EntraUser> inScope)
    {
        _rules = rules;
        _inScope = inScope.ToList();
        foreach (EntraUser u in _inScope)
        {
            if (MatchingValue(u) is { Length: > 0 } key)
            {
                (_entraByKey.TryGetValue(key, out List<EntraUser>? same) ? same : _entraByKey[key] = []).Add(u);
            }

            if (ExpectedValue(u, GuideMappings.WorkEmail) is { Length: > 0 } email)
            {
                _undecidedEmails[email] = _undecidedEmails.GetValueOrDefault(email) + 1;
            }
        }
    }

    /// <summary>Runs the whole comparison over one snapshot: users, then Pulumi users no Entra user in scope matched, then teams.</summary>
    public static IEnumerable<ScimDifference> Compare(ComparisonSnapshot snapshot)
    {
        var comparer = new ProvisioningComparer(snapshot.Rules, snapshot.InScopeUsers);
        var unmatched = new List<PulumiUser>();
        var results = comparer.AddPulumiUsers(snapshot.PulumiUsers, unmatched).ToList();
        results.AddRange(comparer.FinishUsers(unmatched));
        var others = snapshot.OutOfScopeUsers;
        foreach (PulumiUser p in unmatched)
        {
            EntraUser? found = others.FirstOrDefault(e => comparer.MatchingValue(e) is { } v && string.Equals(v, p.UserName, StringComparison.OrdinalIgnoreCase));
            results.Add(CompareUnmatched(p, found));
        }

        if (snapshot.Rules.GroupsEnabled)
        {
            comparer.AddTeams(snapshot.PulumiTeams);
            results.AddRange(snapshot.Groups.Select(comparer.CompareTeam));
        }

        foreach (ScimDifference d in results)
        {
            Explain(d, snapshot.Failures);
        }

        return results;
    }

    /// <summary>The value Entra matches a Pulumi userName with (the userName mapping's source), or null.</summary>
    public string? MatchingValue(EntraUser user) =>
        _rules.Matching is { SourceAttribute: { } source } ? user.Get(source) : null;

    /// <summary>
    /// Takes one page of Pulumi users: returns the results of the Entra users they decide (matched by userName), and
    /// adds to <paramref name="unmatched"/> the active Pulumi users that can no longer match an Entra user in scope.
    /// </summary>
    public List<ScimDifference> AddPulumiUsers(IEnumerable<PulumiUser> page, List<PulumiUser> unmatched)
    {
        var results = new List<ScimDifference>();
        foreach (PulumiUser p in page)
        {
            _userNames[p.Id] = p.UserName;
            bool emailTarget = !string.IsNullOrEmpty(p.Email) && _byEmail.TryAdd(p.Email, p);
            if (!string.IsNullOrEmpty(p.UserName) && _byUserName.TryAdd(p.UserName, p) && _entraByKey.TryGetValue(p.UserName, out List<EntraUser>? entra))
            {
                results.AddRange(entra.Where(u => !_decided.Contains(u.Id)).Select(u => Decide(u, p)));
            }

            if (_matchedPulumiIds.Contains(p.Id))
            {
                continue;
            }

            if (emailTarget && _undecidedEmails.GetValueOrDefault(p.Email!) > 0)
            {
                _held.Add(p);
            }
            else if (p.Active)
            {
                unmatched.Add(p);
            }
        }

        return results;
    }

    /// <summary>
    /// After the last page: decides the Entra users no userName matched (by email, else Missing), in Entra's order, and
    /// adds the held Pulumi users that stay unmatched and active to <paramref name="unmatched"/>.
    /// </summary>
    public List<ScimDifference> FinishUsers(List<PulumiUser> unmatched)
    {
        var results = new List<ScimDifference>();
        foreach (EntraUser u in _inScope.Where(u => !_decided.Contains(u.Id)))
        {
            string? email = ExpectedValue(u, GuideMappings.WorkEmail);
            PulumiUser? p = email is not null && _byEmail.TryGetValue(email, out PulumiUser? byMail) && !_matchedPulumiIds.Contains(byMail.Id) ? byMail : null;
            results.Add(Decide(u, p));
        }

        unmatched.AddRange(_held.Where(p => p.Active && !_matchedPulumiIds.Contains(p.Id)));
        _held.Clear();
        return results;
    }

    /// <summary>Compares one in-scope Entra user with the Pulumi user it matched, or with none.</summary>
    private ScimDifference Decide(EntraUser user, PulumiUser? p)
    {
        _decided.Add(user.Id);
        string? key = MatchingValue(user);
        string? email = ExpectedValue(user, GuideMappings.WorkEmail);
        if (email is { Length: > 0 })
        {
            _undecidedEmails[email]--;
        }

        var d = new ScimDifference(ScimDifferenceKind.User, p?.UserName ?? key ?? user.Label, ScimDifferenceState.InSync) { EntraId = user.Id, PulumiId = p?.Id };
        if (p is null)
        {
            if (user.Enabled)
            {
                d.State = ScimDifferenceState.Missing;
                (d.Reason, d.Fix) = OwnMissingReason(user, key, email);
                _missing[user.Id] = user;
            }

            return d;
        }

        _matched[user.Id] = p;
        _matchedPulumiIds.Add(p.Id);
        if (!user.Enabled)
        {
            if (p.Active)
            {
                d.State = ScimDifferenceState.ShouldBeInactive;
                d.Reason = "The user is disabled in Entra; Pulumi still has it active (no provisioning cycle has deactivated it yet).";
                d.Fix = "Wait for the next provisioning cycle (Wait-ScimProvisioning), or run Invoke-ScimProvisioningOnDemand for this user.";
            }

            return d;
        }

        CompareAttributes(user, p, d);
        return d;
    }

    private void CompareAttributes(EntraUser user, PulumiUser p, ScimDifference d)
    {
        var details = new List<ScimDifferenceDetail>();
        bool userNameChanged = false;
        if (!p.Active)
        {
            details.Add(new ScimDifferenceDetail("active", "True", "False"));
        }

        foreach (ComparedMapping m in _rules.UserMappings)
        {
            string? expected = user.Get(m.SourceAttribute!);
            string? actual = p.Get(m.Target);
            if (!string.IsNullOrEmpty(expected) && !Same(m.Target, expected, actual))
            {
                details.Add(new ScimDifferenceDetail(m.Target, expected, actual));
                userNameChanged |= m.Target == GuideMappings.UserName;
            }
        }

        int differing = details.Count;
        details.AddRange(_rules.NotCompared.Select(m => new ScimDifferenceDetail(m.Target, $"not compared: {m.Expression}", p.Get(m.Target))));
        d.Details = details;
        if (differing == 0)
        {
            return;
        }

        d.State = ScimDifferenceState.Drift;
        d.Reason = userNameChanged
            ? "The userName mapping's source gives another value than the userName Pulumi holds (the source or the mapping changed after the user was created); Pulumi usernames are immutable."
            : "A mapped attribute differs: it was changed in Pulumi, or in Entra since the last provisioning cycle.";
        d.Fix = userNameChanged
            ? "Pulumi cannot change a username: map userName 'Only during object creation' (Set-ScimUserMapping does) so the other attributes keep flowing, or restore the source attribute's old value in Entra."
            : "The next provisioning cycle writes Entra's values (Wait-ScimProvisioning), or run Invoke-ScimProvisioningOnDemand for this user; change the value in Entra if Pulumi's is the right one.";
    }

    private static bool Same(string target, string? expected, string? actual) =>
        string.Equals(expected ?? string.Empty, actual ?? string.Empty,
            target is GuideMappings.UserName or GuideMappings.WorkEmail ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    private string? ExpectedValue(EntraUser user, string target) =>
        _rules.UserMappings.FirstOrDefault(m => m.Target == target) is { } m ? user.Get(m.SourceAttribute!) : null;

    private (string Reason, string Fix) OwnMissingReason(EntraUser user, string? key, string? email)
    {
        string source = _rules.Matching?.SourceAttribute ?? "the userName mapping's source";
        if (string.IsNullOrWhiteSpace(key))
        {
            return ($"The user has no {source}, the value Pulumi's userName comes from, so Entra skips it.",
                $"Give the user a {source} in Entra, or map userName from another attribute (Set-ScimUserMapping -UserNameSource).");
        }

        if (email is null && _rules.UserMappings.Any(m => m.Target == GuideMappings.WorkEmail))
        {
            return ("The user has no mail; Pulumi requires a work email, so Entra does not send the user.",
                "Give the user a mail address in Entra, then run Invoke-ScimProvisioningOnDemand for the user.");
        }

        return ("Not provisioned yet: no provisioning cycle has reported a failure for this user.",
            "Wait for the next provisioning cycle (Wait-ScimProvisioning), or run Invoke-ScimProvisioningOnDemand for this user.");
    }

    /// <summary>Takes Pulumi's teams (after the last page of users), for <see cref="CompareTeam"/>.</summary>
    public void AddTeams(IEnumerable<PulumiTeam> teams)
    {
        foreach (PulumiTeam t in teams)
        {
            _teams.TryAdd(t.DisplayName, t);
        }
    }

    /// <summary>An active Pulumi user no in-scope Entra user matched: the Entra user it matches outside the scope, or none.</summary>
    public static ScimDifference CompareUnmatched(PulumiUser p, EntraUser? found)
    {
        var d = new ScimDifference(ScimDifferenceKind.User, p.UserName ?? p.Id, ScimDifferenceState.Unexpected) { PulumiId = p.Id, EntraId = found?.Id };
        if (found is null)
        {
            d.Reason = "Active in Pulumi and matching no Entra user: made outside Entra (by hand, or before SCIM).";
            d.Fix = "Assign the person's Entra user to the app (Add-ScimAssignment) if they should have access, or deactivate the user in Pulumi Cloud (Settings > Members).";
            return d;
        }

        d.State = ScimDifferenceState.ShouldBeInactive;
        d.Reason = found.Enabled
            ? $"The Entra user {found.Label} is out of scope: neither assigned to the app nor a direct member of an assigned group (nested groups do not count)."
            : $"The Entra user {found.Label} is disabled and out of scope.";
        d.Fix = "Assign the user (Add-ScimAssignment) if they should keep access; otherwise the next provisioning cycle deactivates them (unless 'Skip out of scope deletions' is on).";
        return d;
    }

    /// <summary>Compares one assigned group with its team: present, and with the group's members that exist in Pulumi.</summary>
    public ScimDifference CompareTeam(EntraGroup group)
    {
        string name = group.DisplayName;
        var d = new ScimDifference(ScimDifferenceKind.Team, name, ScimDifferenceState.InSync) { EntraId = group.Id };
        if (!_teams.TryGetValue(name, out PulumiTeam? team))
        {
            d.State = ScimDifferenceState.Missing;
            (d.Reason, d.Fix) = OwnMissingTeamReason(group);
            return d;
        }

        d.PulumiId = team.Id;
        var expected = group.MemberIds.Where(id => _matched.TryGetValue(id, out PulumiUser? p) && p.Active)
            .Select(id => _matched[id].Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var actual = team.MemberIds.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var details = new List<ScimDifferenceDetail>();
        details.AddRange(expected.Where(id => !actual.Contains(id)).Select(id => new ScimDifferenceDetail("members", UserNameOf(id), null)));
        details.AddRange(actual.Where(id => !expected.Contains(id)).Select(id => new ScimDifferenceDetail("members", null, UserNameOf(id))));
        d.Details = details.OrderBy(x => x.Expected ?? x.Actual, StringComparer.OrdinalIgnoreCase).ToList();
        if (details.Count > 0)
        {
            d.State = ScimDifferenceState.Drift;
            d.Reason = $"The team's members differ from the group's ({Count(details, missing: true)} missing in Pulumi, {Count(details, missing: false)} not in the group): changed in Pulumi, or in Entra since the last cycle.";
            d.Fix = "The next provisioning cycle sets the team's members to the group's (Wait-ScimProvisioning); change the group in Entra if the team is right.";
        }

        return d;
    }

    private static int Count(List<ScimDifferenceDetail> details, bool missing) => details.Count(x => (x.Expected is not null) == missing);

    private string UserNameOf(string pulumiId) => _userNames.TryGetValue(pulumiId, out string? name) ? name ?? pulumiId : pulumiId;

    private (string Reason, string Fix) OwnMissingTeamReason(EntraGroup group)
    {
        if (group.DisplayName.Length > MaxTeamNameLength)
        {
            return ($"The group's name has {group.DisplayName.Length} characters; Pulumi refuses team names longer than {MaxTeamNameLength}.",
                "Rename the group in Entra (or map a shorter team name), then provision again.");
        }

        var missing = group.MemberIds.Where(_missing.ContainsKey).Select(id => _missing[id].Label).ToList();
        if (missing.Count > 0)
        {
            return ($"Members not in Pulumi ({string.Join(", ", missing)}): Pulumi refuses a whole team when one member is not a provisioned user.",
                "Fix those users first (see their own rows); the team follows on the next cycle.");
        }

        return ("Not provisioned yet: no provisioning cycle has reported a failure for this group.",
            "Wait for the next provisioning cycle (Wait-ScimProvisioning), or run Invoke-ScimProvisioningOnDemand for the group.");
    }

    /// <summary>Sets the reason and fix of a differing object from its latest failed provisioning log entry, when there is one.</summary>
    public static void Explain(ScimDifference d, IReadOnlyDictionary<string, LoggedFailure> failures)
    {
        if (d.State == ScimDifferenceState.InSync || d.EntraId is null || !failures.TryGetValue(d.EntraId, out LoggedFailure? failure))
        {
            return;
        }

        d.Reason = $"{PulumiDetail(failure.Reason)} (last failed {failure.Time:yyyy-MM-dd HH:mm} UTC{(failure.ErrorCode is null ? string.Empty : ", " + failure.ErrorCode)})";
        d.Fix = FixFor(failure.Reason) ?? d.Fix;
    }

    /// <summary>Pulumi's own error text (<c>"detail":"..."</c>) when Entra's reason quotes the response, else the whole reason.</summary>
    internal static string PulumiDetail(string reason)
    {
        const string Marker = "\"detail\":\"";
        int i = reason.IndexOf(Marker, StringComparison.Ordinal);
        if (i < 0)
        {
            return reason;
        }

        int start = i + Marker.Length;
        int end = reason.IndexOf('"', start);
        return end < 0 ? reason : reason[start..end];
    }

    /// <summary>The fix for the failures Pulumi's SCIM FAQ and troubleshooting pages list.</summary>
    internal static string? FixFor(string reason)
    {
        bool Has(string text) => reason.Contains(text, StringComparison.OrdinalIgnoreCase);
        if (Has("already in use by another Pulumi account"))
        {
            return "The email belongs to another Pulumi account: its owner can delete that account, change its email, or connect SAML SSO to it (Pulumi Cloud: Account Settings > Connect SAML SSO); or give the user another mail in Entra.";
        }

        if (Has("User with userName") && Has("already exists"))
        {
            return "Pulumi usernames are unique across all Pulumi accounts: change the user's userName source attribute in Entra, or map userName from another attribute (Set-ScimUserMapping -UserNameSource UserPrincipalName), then run Invoke-ScimProvisioningOnDemand.";
        }

        if (Has("is immutable"))
        {
            return "Pulumi usernames are immutable: map userName 'Only during object creation' (Set-ScimUserMapping does).";
        }

        if (Has("Cannot add invalid members"))
        {
            return "A member of the group is not a provisioned, active Pulumi user (never provisioned, or disabled in Entra and so inactive in Pulumi), and Pulumi refuses the whole member change: fix those users or take them out of the group; the team follows on the next cycle.";
        }

        if (Has("Display name is too long"))
        {
            return "Rename the group in Entra to at most 100 characters, then provision again.";
        }

        if (Has("Unknown path"))
        {
            return "A mapping targets an attribute Pulumi does not support: run Set-ScimUserMapping (or Enable-ScimGroupProvisioning for groups) to keep only the supported ones.";
        }

        return Has("MandatoryFieldsMissing") || Has("required")
            ? "Give the user the missing attribute in Entra (a mail address for emails), then run Invoke-ScimProvisioningOnDemand."
            : null;
    }
}
