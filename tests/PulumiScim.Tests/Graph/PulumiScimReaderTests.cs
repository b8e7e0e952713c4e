// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Security;
using System.Text;
using PulumiScim.Pulumi;

namespace PulumiScim.Tests.Graph;

public class PulumiScimReaderTests
{
    private const string Secret = "scim-token-7f3e9c1a";

    private static SecureString Token()
    {
        var s = new SecureString();
        foreach (char c in Secret)
        {
            s.AppendChar(c);
        }

        return s;
    }

    /// <summary>Answers each request from a function and records what was asked.</summary>
    private sealed class Stub(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<(string Url, string? Authorization)> Seen { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen.Add((request.RequestUri!.ToString(), request.Headers.TryGetValues("Authorization", out var v) ? v.Single() : null));
            return Task.FromResult(answer(request));
        }
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/scim+json") };

    [Theory]
    [InlineData("https://scim.example.com/api/v2/Users")]
    [InlineData("http://api.pulumi.example.com/scim/v2/acme")]
    [InlineData("https://api.pulumi.com/scim/v2/Acme Corp")]
    [InlineData(null)]
    public void Create_RefusesATenantUrlThatIsNotPulumisShapeOrNotHttps(string? url)
    {
        var stub = new Stub(_ => throw new InvalidOperationException("no request may be sent"));
        Assert.Throws<ArgumentException>(() => PulumiScimReader.Create(url, Token(), stub));
        Assert.Empty(stub.Seen);
    }

    [Fact]
    public async Task ReadsAPageOfUsers_WithTheBearerToken_AtMost100()
    {
        var stub = new Stub(_ => Json(HttpStatusCode.OK, """
            {"totalResults":250,"Resources":[{"id":"p1","userName":"ada","displayName":"Ada","name":{"givenName":"Ada","familyName":"L"},
              "emails":[{"type":"work","value":"ada@contoso.example"}],"active":false}]}
            """));
        using PulumiScimReader reader = PulumiScimReader.Create("http://127.0.0.1:5000/pulumi/scim/v2/acme", Token(), stub);
        var (users, total) = await reader.GetUsersPageAsync(101, CancellationToken.None);
        Assert.Equal(250, total);
        var ada = Assert.Single(users);
        Assert.Equal(("ada", "Ada", "L", "ada@contoso.example", false), (ada.UserName, ada.GivenName, ada.FamilyName, ada.Email, ada.Active));
        Assert.Equal("http://127.0.0.1:5000/pulumi/scim/v2/acme/Users?startIndex=101&count=100", stub.Seen[0].Url);
        Assert.Equal("Bearer " + Secret, stub.Seen[0].Authorization);
    }

    [Fact]
    public async Task A401_IsAPulumiScimException_WithPulumisDetail_AndNotTheToken()
    {
        var stub = new Stub(_ => Json(HttpStatusCode.Unauthorized, """{"status":"401","detail":"Unauthorized: the SCIM bearer token is missing or invalid."}"""));
        using PulumiScimReader reader = PulumiScimReader.Create("https://api.pulumi.com/scim/v2/acme", Token(), stub);
        var ex = await Assert.ThrowsAsync<PulumiScimException>(() => reader.GetTeamsAsync(CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, ex.Status);
        Assert.Contains("bearer token is missing or invalid", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.ToString(), StringComparison.Ordinal);
        Assert.Single(stub.Seen);
    }

    [Fact]
    public async Task ReadsTeamsWithTheirMemberIds()
    {
        var stub = new Stub(_ => Json(HttpStatusCode.OK, """{"Resources":[{"id":"t1","displayName":"SRE","members":[{"value":"p1"},{"value":"p2"}]}]}"""));
        using PulumiScimReader reader = PulumiScimReader.Create("https://api.pulumi.com/scim/v2/acme", Token(), stub);
        var team = Assert.Single(await reader.GetTeamsAsync(CancellationToken.None));
        Assert.Equal(["p1", "p2"], team.MemberIds);
        Assert.EndsWith("/scim/v2/acme/Groups", stub.Seen[0].Url, StringComparison.Ordinal);
    }
}
