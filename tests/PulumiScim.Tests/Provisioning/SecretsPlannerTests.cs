// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using PulumiScim.Provisioning;

namespace PulumiScim.Tests.Provisioning;

public class SecretsPlannerTests
{
    private const string Url = "https://api.pulumi.com/scim/v2/acme";
    private const string Token = "pul-7c1e9f0d2b4a6e8c-TOKEN";
    private const string NoNotifications = "{\"Enabled\":false,\"DeleteThresholdEnabled\":false}";

    private static KeyValuePair<string, string?>[] Configured(string baseAddress = Url, string syncAll = "false", string notifications = NoNotifications) =>
    [
        new("BaseAddress", baseAddress),
        new("SecretToken", "*"),
        new("SyncNotificationSettings", notifications),
        new("SyncAll", syncAll),
    ];

    private static SecretsPlan Plan(IEnumerable<KeyValuePair<string, string?>> current, bool validates = true, bool syncAll = false, NotificationSettings? notifications = null)
        => SecretsPlanner.Plan(current, Url, syncAll, notifications ?? NotificationSettings.None, validates);

    private static string Body(SecretsPlan plan, string token = Token) => Encoding.UTF8.GetString(plan.BuildPutBody(token));

    [Fact]
    public void NewJob_WritesEverything()
    {
        var plan = Plan([], validates: false);

        Assert.Equal(
            [
                "BaseAddress: (none) -> https://api.pulumi.com/scim/v2/acme",
                "SecretToken: (none) -> (set)",
                "SyncAll (scope): (none) -> false",
                "SyncNotificationSettings: (none) -> no e-mail",
            ],
            plan.Changes.Select(change => change.Description));
        Assert.Equal(
            [SecretChangeKind.SetBaseAddress, SecretChangeKind.SetSecretToken, SecretChangeKind.SetSyncAll, SecretChangeKind.SetNotificationSettings],
            plan.Changes.Select(change => change.Kind));
        Assert.True(plan.RequiresSecretToken);
        Assert.All(plan.Checks, check => Assert.False(check.Passed));
    }

    [Fact]
    public void PutBody_IsTheGuidesFourSecretsInOrder()
    {
        var plan = Plan([], validates: false);

        Assert.Equal(
            "{\"value\":[" +
            "{\"key\":\"BaseAddress\",\"value\":\"https://api.pulumi.com/scim/v2/acme\"}," +
            "{\"key\":\"SecretToken\",\"value\":\"pul-7c1e9f0d2b4a6e8c-TOKEN\"}," +
            "{\"key\":\"SyncNotificationSettings\",\"value\":\"{\\\"Enabled\\\":false,\\\"DeleteThresholdEnabled\\\":false}\"}," +
            "{\"key\":\"SyncAll\",\"value\":\"false\"}]}",
            Body(plan));
    }

    [Fact]
    public void ConfiguredAndValidating_IsEmpty()
    {
        var plan = Plan(Configured());

        Assert.True(plan.IsEmpty);
        Assert.False(plan.RequiresSecretToken);
        Assert.Equal("no changes", plan.Summary);
        Assert.All(plan.Checks, check => Assert.True(check.Passed, check.Name));
        Assert.Equal(
            ["Tenant URL (BaseAddress)", "Secret Token", "Scope (SyncAll)", "Notifications (SyncNotificationSettings)"],
            plan.Checks.Select(check => check.Name));
    }

    [Fact]
    public void ScopeAlone_NeedsAWriteAndTheToken()
    {
        var plan = Plan(Configured(syncAll: "True"));

        Assert.Equal([new SecretChange(SecretChangeKind.SetSyncAll, "SyncAll", "True", "false", "SyncAll (scope): True -> false")], plan.Changes);
        Assert.True(plan.RequiresSecretToken);
        Assert.Contains("(SyncAll (scope): True -> false)", plan.TokenRequiredMessage, StringComparison.Ordinal);
        Assert.Contains("Settings > Access Management > SCIM", plan.TokenRequiredMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void SyncAllTrue_IsHonoured()
    {
        Assert.True(Plan(Configured(syncAll: "true"), syncAll: true).IsEmpty);
        Assert.Equal("SyncAll (scope): false -> true", Plan(Configured(), syncAll: true).Summary);
    }

    [Fact]
    public void OtherBaseAddress_IsChanged()
    {
        var plan = Plan(Configured(baseAddress: "https://api.pulumi.com/scim/v2/old-org"));

        Assert.Equal("BaseAddress: https://api.pulumi.com/scim/v2/old-org -> https://api.pulumi.com/scim/v2/acme", plan.Summary);
    }

    [Theory]
    [InlineData("https://api.pulumi.com/scim/v2/acme/")]
    [InlineData("https://API.PULUMI.com/scim/v2/acme")]
    [InlineData(" https://api.pulumi.com:443/scim/v2/acme ")]
    public void EquivalentBaseAddress_IsNotAChange(string saved)
    {
        Assert.True(Plan(Configured(baseAddress: saved)).IsEmpty);
    }

    [Theory]
    [InlineData("https://api.pulumi.com/scim/v2/Acme")]
    [InlineData("http://api.pulumi.com/scim/v2/acme")]
    [InlineData("https://api.pulumi.com/scim/v2/acme?x=1")]
    [InlineData("*")]
    [InlineData("")]
    public void DifferentOrUnreadableBaseAddress_IsAChange(string saved)
    {
        Assert.Contains(Plan(Configured(baseAddress: saved)).Changes, change => change.Kind == SecretChangeKind.SetBaseAddress);
    }

    [Fact]
    public void MaskedBaseAddress_IsShownAsMasked()
    {
        Assert.Equal("BaseAddress: (masked) -> https://api.pulumi.com/scim/v2/acme", Plan(Configured(baseAddress: "*")).Summary);
    }

    [Fact]
    public void SavedTokenThatDoesNotValidate_IsReplaced()
    {
        var plan = Plan(Configured(), validates: false);

        Assert.Equal([new SecretChange(SecretChangeKind.SetSecretToken, "SecretToken", "(saved, does not validate)", "(replaced)", "SecretToken: (replaced)")], plan.Changes);
        Assert.Contains(plan.Checks, check => check is { Name: "Secret Token", Passed: false, Actual: "(saved, does not validate)" });
    }

    [Fact]
    public void NotificationEmail_IsWrittenWithRecipients()
    {
        var plan = Plan(Configured(), notifications: NotificationSettings.Email("ops@contoso.com; Admin@Contoso.com"));

        Assert.Equal("SyncNotificationSettings: no e-mail -> e-mail ops@contoso.com;Admin@Contoso.com", plan.Summary);
        Assert.Contains(
            "{\"key\":\"SyncNotificationSettings\",\"value\":\"{\\\"Enabled\\\":true,\\\"Recipients\\\":\\\"ops@contoso.com;Admin@Contoso.com\\\",\\\"DeleteThresholdEnabled\\\":false}\"}",
            Body(plan),
            StringComparison.Ordinal);
    }

    [Fact]
    public void SameRecipientsInAnotherOrderOrCase_AreNotAChange()
    {
        var saved = "{\"Enabled\":true,\"Recipients\":\"admin@contoso.com,ops@contoso.com\",\"DeleteThresholdEnabled\":false}";

        Assert.True(Plan(Configured(notifications: saved), notifications: NotificationSettings.Email("OPS@contoso.com;admin@contoso.com")).IsEmpty);
    }

    [Theory]
    [InlineData("{\"Enabled\":true,\"Recipients\":\"ops@contoso.com\",\"DeleteThresholdEnabled\":false}", "e-mail ops@contoso.com")]
    [InlineData("{\"Enabled\":false,\"DeleteThresholdEnabled\":true,\"DeleteThresholdValue\":500}", "no e-mail, delete threshold 500")]
    [InlineData("not json", "not json")]
    [InlineData("*", "*")]
    public void OtherNotificationSettings_AreChangedToNone(string saved, string shown)
    {
        var plan = Plan(Configured(notifications: saved));

        Assert.Equal($"SyncNotificationSettings: {shown} -> no e-mail", plan.Summary);
    }

    [Fact]
    public void OtherReadableSecrets_AreResentAndMaskedOrOauthOnesDropped()
    {
        KeyValuePair<string, string?>[] current =
        [
            .. Configured(syncAll: "true"),
            new("SkipOutOfScopeDeletions", "true"),
            new("Oauth2ClientId", "client"),
            new("SomeFutureSecret", "****"),
            new("NullValued", null),
        ];

        var plan = Plan(current);

        Assert.Equal([new KeyValuePair<string, string>("SkipOutOfScopeDeletions", "true")], plan.Preserved);
        Assert.Equal(["Oauth2ClientId", "SomeFutureSecret", "NullValued"], plan.Dropped);
        Assert.EndsWith("{\"key\":\"SyncAll\",\"value\":\"false\"},{\"key\":\"SkipOutOfScopeDeletions\",\"value\":\"true\"}]}", Body(plan), StringComparison.Ordinal);
    }

    [Fact]
    public void KeysCompareWithoutRegardToCase()
    {
        KeyValuePair<string, string?>[] current =
        [
            new("baseaddress", Url), new("secrettoken", "*"), new("syncnotificationsettings", NoNotifications), new("syncall", "false"),
        ];

        Assert.True(Plan(current).IsEmpty);
    }

    [Fact]
    public void TheTokenIsInTheBodyOnlyAndNeverInThePlan()
    {
        var plan = Plan([new("SecretToken", "*"), new("SyncAll", "true")], validates: false);

        var body = Body(plan);

        Assert.Single(JsonNode.Parse(body)!["value"]!.AsArray(), pair => (string?)pair!["value"] == Token);
        var texts = new List<string> { plan.Summary, plan.ToString(), plan.TokenRequiredMessage };
        texts.AddRange(plan.Changes.SelectMany(change => new[] { change.Description, change.Before ?? string.Empty, change.After ?? string.Empty, change.ToString() }));
        texts.AddRange(plan.Checks.SelectMany(check => new[] { check.Expected, check.Actual, check.Hint, check.ToString() }));
        Assert.All(texts, text => Assert.DoesNotContain(Token, text, StringComparison.Ordinal));
        var fields = typeof(SecretsPlan).GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        Assert.All(fields, field => Assert.NotEqual(Token, field.GetValue(plan) as string));
        Assert.Contains("SecretToken: (replaced)", plan.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void TokenWithJsonSpecialCharacters_IsEscaped()
    {
        const string odd = "a\"b\\c\u00e9\u2603<>&+";
        var body = Body(Plan([], validates: false), odd);

        var token = JsonNode.Parse(body)!["value"]![1]!["value"]!.GetValue<string>();

        Assert.Equal(odd, token);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void BlankToken_IsRejected(string token)
    {
        var plan = Plan([], validates: false);

        Assert.Throws<ArgumentException>(() => plan.BuildPutBody(token));
    }

    [Fact]
    public void ReadSecrets_ReadsTheGetResponse()
    {
        var response = JsonNode.Parse("""
            {"value":[{"key":"BaseAddress","value":"https://api.pulumi.com/scim/v2/acme"},{"key":"SecretToken","value":"*"},
             {"key":"SyncAll","value":false},{"key":"Broken"},{"value":"no key"},"not an object"]}
            """);

        var secrets = SecretsPlanner.ReadSecrets(response);

        Assert.Equal(
            [new("BaseAddress", Url), new("SecretToken", "*"), new("SyncAll", "false"), new KeyValuePair<string, string?>("Broken", null)],
            secrets);
        Assert.Equal(secrets, SecretsPlanner.ReadSecrets(response!["value"]));
        Assert.Empty(SecretsPlanner.ReadSecrets(null));
        Assert.Empty(SecretsPlanner.ReadSecrets(JsonNode.Parse("{}")));
    }

    [Fact]
    public void ReadSecretsThenPlan_IsEmptyForAConfiguredJob()
    {
        var response = JsonNode.Parse("""
            {"value":[{"key":"BaseAddress","value":"https://api.pulumi.com/scim/v2/acme"},{"key":"SecretToken","value":"*"},
             {"key":"SyncNotificationSettings","value":"{\"Enabled\":false,\"DeleteThresholdEnabled\":false}"},{"key":"SyncAll","value":"false"}]}
            """);

        Assert.True(Plan(SecretsPlanner.ReadSecrets(response)).IsEmpty);
    }

    [Fact]
    public void BadArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => SecretsPlanner.Plan(null!, Url, false, NotificationSettings.None, true));
        Assert.Throws<ArgumentException>(() => SecretsPlanner.Plan([], " ", false, NotificationSettings.None, true));
        Assert.Throws<ArgumentNullException>(() => SecretsPlanner.Plan([], Url, false, null!, true));
    }
}
