// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Model;
using PulumiScim.Provisioning;

namespace PulumiScim.Tests.Provisioning;

public class ProvisioningComparerTests
{
    private static readonly ComparisonRules s_rules = ComparisonRules.FromSchema(GuideSchema());

    /// <summary>The default schema with userName from mailNickname and group provisioning on.</summary>
    private static JsonObject GuideSchema(string userNameSource = "mailNickname", string? displayNameExpression = null)
    {
        JsonObject schema = Fixtures.DefaultSchema();
        var mappings = schema["synchronizationRules"]![0]!["objectMappings"]!.AsArray();
        foreach (JsonObject om in mappings.OfType<JsonObject>())
        {
            if ((string?)om["sourceObjectName"] == "Group")
            {
                om["enabled"] = true;
            }
        }

        var user = mappings.OfType<JsonObject>().First(m => (string?)m["sourceObjectName"] == "User");
        foreach (JsonObject m in user["attributeMappings"]!.AsArray().OfType<JsonObject>())
        {
            if ((string?)m["targetAttributeName"] == "userName")
            {
                m["source"] = GuideMappings.AttributeSource(userNameSource);
            }
            else if ((string?)m["targetAttributeName"] == "displayName" && displayNameExpression is not null)
            {
                m["source"] = new JsonObject { ["expression"] = displayNameExpression, ["name"] = "Join", ["type"] = "Function", ["parameters"] = new JsonArray() };
            }
        }

        return schema;
    }

    private static EntraUser Entra(string id, string nick, string? mail = "default", bool enabled = true, string? displayName = null) => new(
        id,
        new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = id,
            ["mailNickname"] = nick,
            ["userPrincipalName"] = nick + "@contoso.example",
            ["mail"] = mail == "default" ? nick + "@contoso.example" : mail,
            ["displayName"] = displayName ?? nick.ToUpperInvariant(),
            ["givenName"] = nick,
            ["surname"] = "S",
        },
        enabled);

    private static PulumiUser Pulumi(string id, string userName, bool active = true, string? displayName = null, string? email = null) =>
        new(id, userName, displayName ?? userName.ToUpperInvariant(), userName, "S", email ?? userName + "@contoso.example", active);

    private static ScimDifference Only(ComparisonSnapshot s, string name) => ProvisioningComparer.Compare(s).Single(d => d.Name == name);

    [Fact]
    public void Rules_ReadSourcesMatchingAndTeams()
    {
        Assert.Equal("mailNickname", s_rules.Matching!.SourceAttribute);
        Assert.True(s_rules.GroupsEnabled);
        Assert.Equal("displayName", s_rules.TeamNameSource);
        Assert.Contains(s_rules.UserMappings, m => m.Target == GuideMappings.WorkEmail && m.SourceAttribute == "mail");
        Assert.DoesNotContain(s_rules.UserMappings, m => m.Target == "active");
    }

    [Fact]
    public void SameOnBothSides_IsInSync()
    {
        var s = new ComparisonSnapshot { Rules = s_rules, InScopeUsers = [Entra("e1", "ada")], PulumiUsers = [Pulumi("p1", "ada")] };
        ScimDifference d = Only(s, "ada");
        Assert.Equal(ScimDifferenceState.InSync, d.State);
        Assert.Equal("p1", d.PulumiId);
        Assert.Equal("e1", d.EntraId);
    }

    [Fact]
    public void Absent_IsMissing_WithLoggedFailureAsReason()
    {
        var s = new ComparisonSnapshot
        {
            Rules = s_rules,
            InScopeUsers = [Entra("e1", "bob")],
            Failures = new(StringComparer.OrdinalIgnoreCase)
            {
                ["e1"] = new LoggedFailure("StatusCode: Conflict Web Response: {\"status\":\"409\",\"scimType\":\"uniqueness\",\"detail\":\"User with userName bob already exists.\"}", "SystemForCrossDomainIdentityManagementEntryConflict", DateTimeOffset.UnixEpoch),
            },
        };
        ScimDifference d = Only(s, "bob");
        Assert.Equal(ScimDifferenceState.Missing, d.State);
        Assert.StartsWith("User with userName bob already exists.", d.Reason, StringComparison.Ordinal);
        Assert.Contains("unique across all Pulumi accounts", d.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Absent_WithoutLogs_SaysNoMailOrNotProvisionedYet()
    {
        var s = new ComparisonSnapshot { Rules = s_rules, InScopeUsers = [Entra("e1", "kat", mail: null), Entra("e2", "new")] };
        Assert.Contains("no mail", Only(s, "kat").Reason, StringComparison.Ordinal);
        Assert.StartsWith("Not provisioned yet", Only(s, "new").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DisabledButActive_ShouldBeInactive_DisabledAndAbsent_IsInSync()
    {
        var s = new ComparisonSnapshot
        {
            Rules = s_rules,
            InScopeUsers = [Entra("e1", "ed", enabled: false), Entra("e2", "gone", enabled: false)],
            PulumiUsers = [Pulumi("p1", "ed")],
        };
        Assert.Equal(ScimDifferenceState.ShouldBeInactive, Only(s, "ed").State);
        Assert.Equal(ScimDifferenceState.InSync, Only(s, "gone").State);
    }

    [Fact]
    public void PulumiOnlyUsers_OutOfScopeOrUnknown()
    {
        var s = new ComparisonSnapshot
        {
            Rules = s_rules,
            OutOfScopeUsers = [Entra("e9", "linus")],
            PulumiUsers = [Pulumi("p1", "linus"), Pulumi("p2", "mallory"), Pulumi("p3", "old", active: false)],
        };
        var all = ProvisioningComparer.Compare(s).ToList();
        Assert.Equal(ScimDifferenceState.ShouldBeInactive, all.Single(d => d.Name == "linus").State);
        Assert.Equal("e9", all.Single(d => d.Name == "linus").EntraId);
        Assert.Equal(ScimDifferenceState.Unexpected, all.Single(d => d.Name == "mallory").State);
        Assert.DoesNotContain(all, d => d.Name == "old");
    }

    [Fact]
    public void ChangedDisplayName_IsDrift_NamingBothValues()
    {
        var s = new ComparisonSnapshot { Rules = s_rules, InScopeUsers = [Entra("e1", "alan", displayName: "Alan Turing")], PulumiUsers = [Pulumi("p1", "alan", displayName: "Alan M. Turing")] };
        ScimDifference d = Only(s, "alan");
        Assert.Equal(ScimDifferenceState.Drift, d.State);
        Assert.Equal(new ScimDifferenceDetail("displayName", "Alan Turing", "Alan M. Turing"), Assert.Single(d.Details));
    }

    [Fact]
    public void UserNameSourceChanged_IsDriftOnUserName_MatchedByEmail_AndSaysPulumiCannotFixIt()
    {
        var rules = ComparisonRules.FromSchema(GuideSchema(userNameSource: "userPrincipalName"));
        var s = new ComparisonSnapshot { Rules = rules, InScopeUsers = [Entra("e1", "ada")], PulumiUsers = [Pulumi("p1", "ada")] };
        ScimDifference d = ProvisioningComparer.Compare(s).Single();
        Assert.Equal(ScimDifferenceState.Drift, d.State);
        Assert.Equal("p1", d.PulumiId);
        Assert.Contains(d.Details, x => x.Attribute == "userName" && x.Expected == "ada@contoso.example" && x.Actual == "ada");
        Assert.Contains("cannot change a username", d.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpressionMappings_AreListedAsNotCompared_NeverGuessed()
    {
        var rules = ComparisonRules.FromSchema(GuideSchema(displayNameExpression: "Join(\" \", [givenName], [surname])"));
        var s = new ComparisonSnapshot { Rules = rules, InScopeUsers = [Entra("e1", "ada", displayName: "whatever")], PulumiUsers = [Pulumi("p1", "ada", displayName: "other")] };
        ScimDifference d = ProvisioningComparer.Compare(s).Single();
        Assert.Equal(ScimDifferenceState.InSync, d.State);
        Assert.Contains(d.Details, x => x.Attribute == "displayName" && x.Expected!.StartsWith("not compared", StringComparison.Ordinal));
    }

    [Fact]
    public void Teams_MissingOrMembersDiffer_NamingEachMember()
    {
        var s = new ComparisonSnapshot
        {
            Rules = s_rules,
            InScopeUsers = [Entra("e1", "ada"), Entra("e2", "alan"), Entra("e3", "bob")],
            Groups = [new EntraGroup("g1", "SRE", ["e1", "e2", "e3"]), new EntraGroup("g2", "Ops", ["e1"]), new EntraGroup("g3", new string('L', 101), ["e1"])],
            PulumiUsers = [Pulumi("p1", "ada"), Pulumi("p2", "alan"), Pulumi("p9", "eve")],
            PulumiTeams = [new PulumiTeam("t1", "SRE", ["p1", "p9"])],
        };
        var all = ProvisioningComparer.Compare(s).ToList();
        ScimDifference sre = all.Single(d => d.Kind == ScimDifferenceKind.Team && d.Name == "SRE");
        Assert.Equal(ScimDifferenceState.Drift, sre.State);
        Assert.Contains(new ScimDifferenceDetail("members", "alan", null), sre.Details);
        Assert.Contains(new ScimDifferenceDetail("members", null, "eve"), sre.Details);
        Assert.Equal(2, sre.Details.Count);
        Assert.Equal(ScimDifferenceState.Missing, all.Single(d => d.Name == "Ops").State);
        Assert.Contains("100", all.Single(d => d.Name.StartsWith('L')).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Teams_NotComparedWhenGroupProvisioningIsOff()
    {
        JsonObject schema = Fixtures.DefaultSchema();
        var s = new ComparisonSnapshot { Rules = ComparisonRules.FromSchema(schema), Groups = [new EntraGroup("g1", "SRE", [])] };
        Assert.Empty(ProvisioningComparer.Compare(s));
    }

    [Fact]
    public void APage_DecidesTheUsersItsUserNamesMatch_TheRestWhenThePagesEnd()
    {
        var comparer = new ProvisioningComparer(s_rules, [Entra("e1", "ada"), Entra("e2", "grace"), Entra("e3", "bob")]);
        var unmatched = new List<PulumiUser>();
        var first = comparer.AddPulumiUsers([Pulumi("p2", "grace"), Pulumi("p9", "mallory")], unmatched);
        Assert.Equal(("grace", ScimDifferenceState.InSync), Assert.Single(first.Select(d => (d.Name, d.State))));
        Assert.Equal("mallory", Assert.Single(unmatched).UserName);
        unmatched.Clear();
        var second = comparer.AddPulumiUsers([Pulumi("p1", "ada")], unmatched);
        Assert.Equal("ada", Assert.Single(second).Name);
        var last = comparer.FinishUsers(unmatched);
        Assert.Equal(("bob", ScimDifferenceState.Missing), Assert.Single(last.Select(d => (d.Name, d.State))));
        Assert.Empty(unmatched);
    }

    [Fact]
    public void APulumiUserWhoseEmailAnUndecidedUserExpects_IsHeldUntilThePagesEnd()
    {
        // ada's userName source changed: Pulumi holds her as ada.old; only the email can match her, and only at the end.
        var comparer = new ProvisioningComparer(s_rules, [Entra("e1", "ada"), Entra("e2", "grace", mail: "shared@contoso.example")]);
        var unmatched = new List<PulumiUser>();
        Assert.Empty(comparer.AddPulumiUsers([Pulumi("p1", "ada.old", email: "ada@contoso.example"), Pulumi("p8", "other", email: "shared@contoso.example")], unmatched));
        Assert.Empty(unmatched);
        Assert.Equal("grace", Assert.Single(comparer.AddPulumiUsers([Pulumi("p2", "grace", email: "grace@contoso.example")], unmatched)).Name);
        var last = comparer.FinishUsers(unmatched);
        ScimDifference ada = Assert.Single(last);
        Assert.Equal(("p1", ScimDifferenceState.Drift), (ada.PulumiId, ada.State));
        Assert.Equal("other", Assert.Single(unmatched).UserName);
    }

    [Theory]
    [InlineData("Email a@b.c already in use by another Pulumi account.", "Connect SAML SSO")]
    [InlineData("Attribute 'userName' is immutable.", "Only during object creation")]
    [InlineData("Cannot add invalid members to team. Invalid member ids: x", "provisioned, active")]
    [InlineData("Unknown path: title.", "Set-ScimUserMapping")]
    public void FixFor_CoversPulumisDocumentedErrors(string reason, string expected) =>
        Assert.Contains(expected, ProvisioningComparer.FixFor(reason), StringComparison.Ordinal);
}
