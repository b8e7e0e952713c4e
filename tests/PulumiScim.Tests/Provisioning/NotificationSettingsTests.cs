// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using PulumiScim.Provisioning;

namespace PulumiScim.Tests.Provisioning;

public class NotificationSettingsTests
{
    [Fact]
    public void None_IsTheGuidesValue()
    {
        Assert.Equal("{\"Enabled\":false,\"DeleteThresholdEnabled\":false}", NotificationSettings.None.ToJson());
        Assert.Equal("no e-mail", NotificationSettings.None.Describe());
    }

    [Fact]
    public void Email_NormalizesTheRecipients()
    {
        var settings = NotificationSettings.Email(" ops@contoso.com , admin@contoso.com;");

        Assert.Equal("{\"Enabled\":true,\"Recipients\":\"ops@contoso.com;admin@contoso.com\",\"DeleteThresholdEnabled\":false}", settings.ToJson());
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ; ")]
    [InlineData("ops")]
    [InlineData("ops@contoso.com; not an address")]
    public void Email_RejectsWhatIsNotAnAddressList(string recipients)
    {
        Assert.Throws<ArgumentException>(() => NotificationSettings.Email(recipients));
    }

    [Fact]
    public void Threshold_IsWrittenOnlyWhenOn()
    {
        Assert.Equal(
            "{\"Enabled\":false,\"DeleteThresholdEnabled\":true,\"DeleteThresholdValue\":50}",
            new NotificationSettings(false, "ignored@contoso.com", true, 50).ToJson());
        Assert.Equal("{\"Enabled\":false,\"DeleteThresholdEnabled\":false}", new NotificationSettings(false, null, false, 50).ToJson());
    }

    [Theory]
    [InlineData("{\"Enabled\":true,\"Recipients\":\"foobar@xyz.com\",\"DeleteThresholdEnabled\":true,\"DeleteThresholdValue\":50}", true, "foobar@xyz.com", true, 50)]
    [InlineData("{\"Enabled\":false}", false, null, false, null)]
    public void Parse_ReadsTheSecret(string json, bool enabled, string? recipients, bool threshold, int? value)
    {
        Assert.Equal(new NotificationSettings(enabled, recipients, threshold, value), NotificationSettings.Parse(json));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("[]")]
    [InlineData("{\"Recipients\":\"x@y\"}")]
    [InlineData("{\"Enabled\":\"yes\"}")]
    public void Parse_OfAnythingElse_IsNull(string? json)
    {
        Assert.Null(NotificationSettings.Parse(json));
    }

    [Fact]
    public void SameEffect_IgnoresWhatIsSwitchedOff()
    {
        Assert.True(new NotificationSettings(false, "a@b").SameEffectAs(NotificationSettings.None));
        Assert.True(new NotificationSettings(false, null, false, 10).SameEffectAs(NotificationSettings.None));
        Assert.False(new NotificationSettings(false, null, true, 10).SameEffectAs(NotificationSettings.None));
        Assert.False(new NotificationSettings(false, null, true, 10).SameEffectAs(new NotificationSettings(false, null, true, 20)));
        Assert.False(NotificationSettings.Email("a@b").SameEffectAs(NotificationSettings.Email("c@d")));
        Assert.True(NotificationSettings.Email("a@b;c@d").SameEffectAs(NotificationSettings.Email("C@D,a@b")));
    }
}
