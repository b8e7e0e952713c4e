// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using PulumiScim.Graph;
using PulumiScim.Session;

namespace PulumiScim.Tests.Graph;

public sealed class ApplicationQueriesTests
{
    [Theory]
    [InlineData("Pulumi Cloud", "'Pulumi Cloud'")]
    [InlineData("O'Brien", "'O''Brien'")]
    public void QuotesODataLiterals(string value, string expected) => Assert.Equal(expected, ApplicationQueries.ODataLiteral(value));

    [Theory]
    [InlineData("Pulumi*", "Pulumi")]
    [InlineData("*Cloud", "")]
    [InlineData("Pul?mi", "Pul")]
    [InlineData("A`*B*", "A*B")]
    public void FindsTheLiteralPrefixOfAWildcard(string pattern, string prefix) => Assert.Equal(prefix, ApplicationQueries.LiteralPrefix(pattern));

    [Theory]
    [InlineData(null, "tags/any(t:t eq 'WindowsAzureActiveDirectoryIntegratedApp')")]
    [InlineData("Pulumi Cloud", "displayName eq 'Pulumi Cloud' and tags/any(t:t eq 'WindowsAzureActiveDirectoryIntegratedApp')")]
    [InlineData("Pulumi*", "startswith(displayName,'Pulumi') and tags/any(t:t eq 'WindowsAzureActiveDirectoryIntegratedApp')")]
    [InlineData("*Cloud", "tags/any(t:t eq 'WindowsAzureActiveDirectoryIntegratedApp')")]
    public void ListsOnlyEnterpriseApps_AsThePortalDoes(string? name, string filter)
    {
        Assert.Equal(filter, ApplicationQueries.EnterpriseAppFilter(name, out var pattern));
        Assert.Equal(name is not null && name.Contains('*', StringComparison.Ordinal), pattern is not null);
    }

    [Fact]
    public void EncodesQueries() =>
        Assert.Equal("servicePrincipals?$filter=displayName%20eq%20%27a%26b%27", ApplicationQueries.WithQuery("servicePrincipals", ("$filter", "displayName eq 'a&b'"), ("$select", null)));

    [Theory]
    [InlineData(ScimGraphEnvironment.Global, "https://graph.microsoft.com/", "https://login.microsoftonline.com/")]
    [InlineData(ScimGraphEnvironment.USGov, "https://graph.microsoft.us/", "https://login.microsoftonline.us/")]
    [InlineData(ScimGraphEnvironment.USGovDoD, "https://dod-graph.microsoft.us/", "https://login.microsoftonline.us/")]
    public void KnowsEachCloud(ScimGraphEnvironment env, string graph, string authority)
    {
        GraphCloud c = GraphCloud.For(env);
        Assert.Equal(graph, c.GraphRoot.ToString());
        Assert.Equal(authority, c.AuthorityHost.ToString());
    }

    [Fact]
    public void RefusesChinaWithAReason()
    {
        var ex = Assert.Throws<NotSupportedException>(() => GraphCloud.For(ScimGraphEnvironment.China));
        Assert.Contains("provisioning logs", ex.Message, StringComparison.Ordinal);
    }
}
