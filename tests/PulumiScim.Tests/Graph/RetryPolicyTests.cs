// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using PulumiScim.Graph;

namespace PulumiScim.Tests.Graph;

public sealed class RetryPolicyTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("3", 3000)]
    [InlineData("2.128", 2128)] // fractional seconds, as in the Graph throttling docs' sample (its "Sample response")
    [InlineData(" 0 ", 0)]
    [InlineData("Sun, 29 Nov 2026 12:00:10 GMT", 10000)]
    [InlineData("Sun, 29 Nov 2026 11:59:00 GMT", 0)]
    public void ParsesRetryAfter(string header, int expectedMs)
    {
        TimeSpan? d = RetryPolicy.ParseRetryAfter(header, s_now);
        Assert.NotNull(d);
        Assert.Equal(expectedMs, (int)Math.Round(d!.Value.TotalMilliseconds));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    public void IgnoresUnusableRetryAfter(string? header) => Assert.Null(RetryPolicy.ParseRetryAfter(header, s_now));

    [Fact]
    public void BackoffGrowsAndIsCapped()
    {
        var p = new RetryPolicy(baseDelay: TimeSpan.FromMilliseconds(100), maxDelay: TimeSpan.FromSeconds(1), seed: 42);
        TimeSpan first = p.Backoff(1);
        Assert.InRange(first.TotalMilliseconds, 50, 100);
        Assert.InRange(p.Backoff(3).TotalMilliseconds, 200, 400);
        Assert.InRange(p.Backoff(30).TotalMilliseconds, 500, 1000);
    }

    [Fact]
    public void NextDelayHonoursTheBudget()
    {
        var p = new RetryPolicy(maxTotalWait: TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(4), p.NextDelay(1, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5)));
        Assert.Null(p.NextDelay(1, TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData(429, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(500, false)]
    [InlineData(404, false)]
    public void RetriesOnlyTransientStatuses(int status, bool retry) => Assert.Equal(retry, RetryPolicy.IsRetryableStatus((HttpStatusCode)status));

    [Fact]
    public void OnlyIdempotentMethodsAreResentAfterABrokenConnection()
    {
        Assert.True(RetryPolicy.IsIdempotent(HttpMethod.Get));
        Assert.True(RetryPolicy.IsIdempotent(HttpMethod.Put));
        Assert.True(RetryPolicy.IsIdempotent(HttpMethod.Delete));
        Assert.False(RetryPolicy.IsIdempotent(HttpMethod.Post));
        Assert.False(RetryPolicy.IsIdempotent(HttpMethod.Patch));
    }

    [Theory]
    [InlineData("GET", "servicePrincipals", true)]
    [InlineData("PUT", "servicePrincipals/1/synchronization/secrets", true)]
    [InlineData("POST", "servicePrincipals/1/synchronization/jobs/validateCredentials", true)]
    [InlineData("POST", "servicePrincipals/1/synchronization/jobs/j/validateCredentials", true)]
    [InlineData("POST", "servicePrincipals/1/synchronization/jobs/j/schema/parseExpression", true)]
    [InlineData("POST", "servicePrincipals/1/synchronization/jobs/j/start", true)]
    [InlineData("POST", "servicePrincipals/1/synchronization/jobs/j/pause", true)]
    [InlineData("POST", "servicePrincipals/1/synchronization/jobs/j/restart", true)]
    [InlineData("POST", "servicePrincipals/1/synchronization/jobs", false)]
    [InlineData("POST", "servicePrincipals/1/appRoleAssignedTo", false)]
    [InlineData("POST", "applicationTemplates/t/instantiate", false)]
    [InlineData("POST", "servicePrincipals/1/synchronization/jobs/j/provisionOnDemand", false)]
    [InlineData("PATCH", "servicePrincipals/1", false)]
    public void ResendsOnlyWhatCannotBeAppliedTwice(string method, string path, bool resend) =>
        Assert.Equal(resend, RetryPolicy.IsSafeToResend(new HttpMethod(method), new Uri("https://graph.example.test/v1.0/" + path)));
}
