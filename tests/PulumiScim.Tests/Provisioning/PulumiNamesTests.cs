// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using PulumiScim.Provisioning;

namespace PulumiScim.Tests.Provisioning;

public class PulumiNamesTests
{
    [Theory]
    [InlineData("acme")]
    [InlineData("Acme-Corp_2.0")]
    [InlineData("a")]
    [InlineData("0rg")]
    [InlineData(".acme")]
    public void ValidOrgNames_AreAccepted(string name)
    {
        Assert.True(PulumiNames.IsValidOrgName(name, out var error));
        Assert.Null(error);
        Assert.Equal(name, PulumiNames.ValidateOrgName(name));
    }

    [Fact]
    public void OrgName_OfTheLongestLength_IsAccepted()
    {
        Assert.True(PulumiNames.IsValidOrgName(new string('a', PulumiNames.MaxOrgNameLength), out _));
        Assert.False(PulumiNames.IsValidOrgName(new string('a', PulumiNames.MaxOrgNameLength + 1), out _));
    }

    [Theory]
    [InlineData(null, "is empty")]
    [InlineData("", "is empty")]
    [InlineData("   ", "is empty")]
    [InlineData("Acme Corp", "display name")]
    [InlineData("https://api.pulumi.com/login/acme/sso/saml/acs", "is a URL")]
    [InlineData("acme/team", "not a Pulumi organization login name")]
    [InlineData("acme?x", "not a Pulumi organization login name")]
    [InlineData("ac%6De", "not a Pulumi organization login name")]
    [InlineData("ácme", "not a Pulumi organization login name")]
    [InlineData("..", "not a Pulumi organization login name")]
    [InlineData(".", "not a Pulumi organization login name")]
    public void InvalidOrgNames_SayWhy(string? name, string reason)
    {
        Assert.False(PulumiNames.IsValidOrgName(name, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        var thrown = Assert.Throws<ArgumentException>(() => PulumiNames.ValidateOrgName(name));
        Assert.StartsWith(error, thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "https://api.pulumi.com/scim/v2/acme")]
    [InlineData("", "https://api.pulumi.com/scim/v2/acme")]
    [InlineData("https://api.pulumi.com", "https://api.pulumi.com/scim/v2/acme")]
    [InlineData("https://api.pulumi.com/", "https://api.pulumi.com/scim/v2/acme")]
    [InlineData("https://API.Pulumi.COM//", "https://api.pulumi.com/scim/v2/acme")]
    [InlineData("https://pulumi.example.com:8443/api/", "https://pulumi.example.com:8443/api/scim/v2/acme")]
    [InlineData("https://api.pulumi.com:443", "https://api.pulumi.com/scim/v2/acme")]
    [InlineData("http://localhost:8080", "http://localhost:8080/scim/v2/acme")]
    [InlineData("http://127.0.0.1:5000/", "http://127.0.0.1:5000/scim/v2/acme")]
    [InlineData("http://[::1]:5000", "http://[::1]:5000/scim/v2/acme")]
    public void TenantUrl_IsBuiltFromTheApiUrl(string? apiUrl, string expected)
    {
        Assert.Equal(expected, PulumiNames.BuildTenantUrl("acme", apiUrl));
    }

    [Theory]
    [InlineData("api.pulumi.com", "not an absolute URL")]
    [InlineData("/relative", "not an absolute URL")]
    [InlineData("file:///tmp/x", "not an absolute URL")]
    [InlineData("http://api.pulumi.com", "must use https")]
    [InlineData("http://10.0.0.1", "must use https")]
    [InlineData("ftp://api.pulumi.com", "must use https")]
    [InlineData("https://user:pw@api.pulumi.com", "user info, a query or a fragment")]
    [InlineData("https://api.pulumi.com/?x=1", "user info, a query or a fragment")]
    [InlineData("https://api.pulumi.com/?", "user info, a query or a fragment")]
    [InlineData("https://api.pulumi.com/#top", "user info, a query or a fragment")]
    [InlineData("https://app.pulumi.com", "console")]
    [InlineData("https://api.pulumi.com/scim/v2/acme", "already a SCIM tenant URL")]
    public void BadApiUrls_AreRejected(string apiUrl, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => PulumiNames.BuildTenantUrl("acme", apiUrl));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal("apiUrl", error.ParamName);
    }

    [Fact]
    public void BadOrgName_IsRejectedByBuildTenantUrl()
    {
        var error = Assert.Throws<ArgumentException>(() => PulumiNames.BuildTenantUrl("Acme Corp"));

        Assert.Contains("display name", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://api.pulumi.com/scim/v2/acme", "https://api.pulumi.com", "acme")]
    [InlineData("https://api.pulumi.com/scim/v2/acme/", "https://api.pulumi.com", "acme")]
    [InlineData("https://pulumi.example.com/api/scim/v2/acme", "https://pulumi.example.com/api", "acme")]
    [InlineData("http://localhost:8080/scim/v2/test-org", "http://localhost:8080", "test-org")]
    public void TenantUrl_ParsesBackIntoApiUrlAndOrg(string tenantUrl, string apiUrl, string org)
    {
        Assert.True(PulumiNames.TryParseTenantUrl(tenantUrl, out var parsedApi, out var parsedOrg));
        Assert.Equal((apiUrl, org), (parsedApi, parsedOrg));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("user@domain.com")]
    [InlineData("https://api.pulumi.com/scim/v2/")]
    [InlineData("https://api.pulumi.com/scim/v2/a%20b")]
    [InlineData("https://example.com/other")]
    public void NonTenantUrls_DoNotParse(string? tenantUrl)
    {
        Assert.False(PulumiNames.TryParseTenantUrl(tenantUrl, out _, out _));
    }

    [Fact]
    public void OrgName_IsInferredFromTheReplyUrl()
    {
        Assert.True(PulumiNames.TryInferOrgName(["https://api.pulumi.com/login/acme/sso/saml/acs"], [], out var result, out var error));

        Assert.Null(error);
        Assert.Equal(new OrgNameInference("acme", "reply URL https://api.pulumi.com/login/acme/sso/saml/acs", "https://api.pulumi.com"), result);
    }

    [Fact]
    public void OrgName_IsInferredFromTheIdentifierUriOfASelfHostedApi()
    {
        Assert.True(PulumiNames.TryInferOrgName(
            ["https://sso.example.com/unrelated"],
            ["urn:not-a-url", "https://pulumi.example.com/api/login/Acme-Corp/sso/saml/metadata/"],
            out var result,
            out _));

        Assert.Equal("Acme-Corp", result.Name);
        Assert.Equal("https://pulumi.example.com/api", result.ApiUrl);
        Assert.StartsWith("identifier URI ", result.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void AgreeingUrls_GiveTheReplyUrlFirst()
    {
        Assert.True(PulumiNames.TryInferOrgName(
            ["https://api.pulumi.com/login/acme/sso/saml/acs"],
            ["https://api.pulumi.com/login/ACME/sso/saml/metadata"],
            out var result,
            out _));

        Assert.Equal("acme", result.Name);
        Assert.StartsWith("reply URL", result.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void DisagreeingUrls_AreAnErrorNamingBoth()
    {
        Assert.False(PulumiNames.TryInferOrgName(
            ["https://api.pulumi.com/login/acme/sso/saml/acs"],
            ["https://api.pulumi.com/login/other/sso/saml/metadata"],
            out var result,
            out var error));

        Assert.Null(result);
        Assert.Contains("'acme' from reply URL https://api.pulumi.com/login/acme/sso/saml/acs", error, StringComparison.Ordinal);
        Assert.Contains("'other' from identifier URI https://api.pulumi.com/login/other/sso/saml/metadata", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://api.pulumi.com/login/acme/sso/saml/metadata", "")]
    [InlineData("", "https://api.pulumi.com/login/acme/sso/saml/acs")]
    [InlineData("https://api.pulumi.com/login/Acme Corp/sso/saml/acs", "")]
    [InlineData("https://api.pulumi.com/login//sso/saml/acs", "")]
    [InlineData("https://api.pulumi.com/sso/saml/acs", "")]
    [InlineData("https://login.microsoftonline.com/tenant/saml2", "https://api.pulumi.com")]
    public void NoPulumiSamlUrl_IsAnErrorThatSaysWhereToLook(string replyUrl, string identifierUri)
    {
        Assert.False(PulumiNames.TryInferOrgName([replyUrl], [identifierUri], out _, out var error));

        Assert.Contains("cannot be inferred", error, StringComparison.Ordinal);
        Assert.Contains("SAML settings", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NoUrlsAtAll_IsTheSameError()
    {
        Assert.False(PulumiNames.TryInferOrgName(null, null, out _, out var error));
        Assert.Contains("cannot be inferred", error, StringComparison.Ordinal);
    }
}
