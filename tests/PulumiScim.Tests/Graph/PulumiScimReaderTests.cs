// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Security;
using System.Text;
using PulumiScim.Graph;
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

    /// <summary>The module's retry policy with short waits (the budget bounds the total wait).</summary>
    private static RetryPolicy Fast(double budgetSeconds = 5) =>
        new(TimeSpan.FromSeconds(budgetSeconds), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), seed: 1);

    private const string OnePage = """{"totalResults":1,"Resources":[{"id":"p1","userName":"ada","active":true}]}""";

    /// <summary>Answers with each of <paramref name="answers"/> in turn, then with the last one.</summary>
    private static Stub InTurn(params Func<HttpResponseMessage>[] answers)
    {
        int i = 0;
        return new Stub(_ => answers[Math.Min(i++, answers.Length - 1)]());
    }

    private static HttpResponseMessage Throttled(string retryAfter)
    {
        var r = Json(HttpStatusCode.TooManyRequests, """{"status":"429","detail":"Too many requests."}""");
        r.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        return r;
    }

    [Theory]
    [InlineData("https://scim.example.com/api/v2/Users")]
    [InlineData("http://api.pulumi.example.com/scim/v2/acme")]
    [InlineData("https://api.pulumi.com/scim/v2/Acme Corp")]
    [InlineData(null)]
    public void Create_RefusesATenantUrlThatIsNotPulumisShapeOrNotHttps(string? url)
    {
        using var stub = new Stub(_ => throw new InvalidOperationException("no request may be sent"));
        using SecureString token = Token();
        Assert.Throws<ArgumentException>(() => PulumiScimReader.Create(url, token, Fast(), stub));
        Assert.Empty(stub.Seen);
    }

    [Fact]
    public async Task ReadsAPageOfUsers_WithTheBearerToken_AtMost100()
    {
        using var stub = new Stub(_ => Json(HttpStatusCode.OK, """
            {"totalResults":250,"Resources":[{"id":"p1","userName":"ada","displayName":"Ada","name":{"givenName":"Ada","familyName":"L"},
              "emails":[{"type":"work","value":"ada@contoso.example"}],"active":false}]}
            """));
        using SecureString token = Token();
        using PulumiScimReader reader = PulumiScimReader.Create("http://127.0.0.1:5000/pulumi/scim/v2/acme", token, Fast(), stub);
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
        using var stub = new Stub(_ => Json(HttpStatusCode.Unauthorized, """{"status":"401","detail":"Unauthorized: the SCIM bearer token is missing or invalid."}"""));
        using SecureString token = Token();
        using PulumiScimReader reader = PulumiScimReader.Create("https://api.pulumi.com/scim/v2/acme", token, Fast(), stub);
        var ex = await Assert.ThrowsAsync<PulumiScimException>(() => reader.GetTeamsAsync(CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, ex.Status);
        Assert.Contains("bearer token is missing or invalid", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.ToString(), StringComparison.Ordinal);
        Assert.Single(stub.Seen);
    }

    [Fact]
    public async Task ReadsTeamsWithTheirMemberIds()
    {
        using var stub = new Stub(_ => Json(HttpStatusCode.OK, """{"Resources":[{"id":"t1","displayName":"SRE","members":[{"value":"p1"},{"value":"p2"}]}]}"""));
        using SecureString token = Token();
        using PulumiScimReader reader = PulumiScimReader.Create("https://api.pulumi.com/scim/v2/acme", token, Fast(), stub);
        var team = Assert.Single(await reader.GetTeamsAsync(CancellationToken.None));
        Assert.Equal(["p1", "p2"], team.MemberIds);
        Assert.EndsWith("/scim/v2/acme/Groups", stub.Seen[0].Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A429WithRetryAfter_AndA503And504_AreRetried_AndThePageIsRight()
    {
        using var stub = InTurn(
            () => Throttled("0.2"),
            () => Json(HttpStatusCode.ServiceUnavailable, """{"status":"503","detail":"Service unavailable."}"""),
            () => Json(HttpStatusCode.GatewayTimeout, "upstream timed out"),
            () => Json(HttpStatusCode.OK, OnePage));
        using SecureString token = Token();
        using PulumiScimReader reader = PulumiScimReader.Create("https://api.pulumi.com/scim/v2/acme", token, Fast(), stub);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (users, total) = await reader.GetUsersPageAsync(1, CancellationToken.None);
        Assert.Equal((1, "ada"), (total, Assert.Single(users).UserName));
        Assert.Equal(4, stub.Seen.Count);
        Assert.All(stub.Seen, s => Assert.Equal("Bearer " + Secret, s.Authorization));
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(200), "Retry-After: 0.2 is waited out before the next attempt");
    }

    [Fact]
    public async Task ABrokenConnection_IsRetried_ForAGet()
    {
        using var stub = InTurn(() => throw new HttpRequestException("The response ended prematurely."), () => Json(HttpStatusCode.OK, OnePage));
        using SecureString token = Token();
        using PulumiScimReader reader = PulumiScimReader.Create("https://api.pulumi.com/scim/v2/acme", token, Fast(), stub);
        Assert.Equal("ada", Assert.Single((await reader.GetUsersPageAsync(1, CancellationToken.None)).Users).UserName);
        Assert.Equal(2, stub.Seen.Count);
    }

    [Fact]
    public async Task APersistent503_IsASpecificError_AfterTheRetryBudget_NeverTheToken()
    {
        using var stub = InTurn(() => Json(HttpStatusCode.ServiceUnavailable, """{"status":"503","detail":"Service unavailable."}"""));
        using SecureString token = Token();
        using PulumiScimReader reader = PulumiScimReader.Create("https://api.pulumi.com/scim/v2/acme", token, Fast(budgetSeconds: 0.3), stub);
        var ex = await Assert.ThrowsAsync<PulumiScimException>(() => reader.GetUsersPageAsync(1, CancellationToken.None));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.Status);
        Assert.Contains("still failed with 503 ServiceUnavailable after", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-MaxRetryWait", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Service unavailable.", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.ToString(), StringComparison.Ordinal);
        Assert.True(stub.Seen.Count > 2, "retried until the budget ran out");
    }

    [Fact]
    public async Task OtherFailures_AreNotRetried()
    {
        using var stub = InTurn(() => Json(HttpStatusCode.InternalServerError, """{"status":"500","detail":"internal error"}"""));
        using SecureString token = Token();
        using PulumiScimReader reader = PulumiScimReader.Create("https://api.pulumi.com/scim/v2/acme", token, Fast(), stub);
        var ex = await Assert.ThrowsAsync<PulumiScimException>(() => reader.GetTeamsAsync(CancellationToken.None));
        Assert.Equal(HttpStatusCode.InternalServerError, ex.Status);
        Assert.Single(stub.Seen);
    }
}
