// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using PulumiScim.Provisioning;
using PulumiScim.Pulumi;

namespace PulumiScim.Tests.Graph;

public class PulumiUserPagesTests
{
    private static (List<PulumiUser> Users, int Total) Page(int start, int count, int total) =>
        (Enumerable.Range(start, count).Select(i => new PulumiUser("p" + i, "u" + i, null, null, null, null, true)).ToList(), total);

    [Fact]
    public async Task RequestsAFewPagesAhead_InOrder_AndTheNextWhenOneIsRead()
    {
        var asked = new List<int>();
        var pages = new PulumiUserPages(Page(1, 100, 950), start =>
        {
            asked.Add(start);
            return Task.FromResult(Page(start, Math.Min(100, 951 - start), 950));
        });
        Assert.Equal([101, 201, 301, 401], asked);
        var read = new List<int>();
        while (pages.Next() is { } next)
        {
            var page = await next.Page;
            read.Add(next.Start);
            pages.Received(next.Start, page.Users.Count, page.Total);
            Assert.True(asked.Count - read.Count <= PulumiUserPages.Ahead);
        }

        Assert.Equal([101, 201, 301, 401, 501, 601, 701, 801, 901], read);
        Assert.Equal(read, asked);
        Assert.Equal(10, PulumiUserPages.CountPages(Page(1, 100, 950)));
    }

    [Fact]
    public async Task AShorterPage_ReplansFromWhereItEnded()
    {
        var asked = new List<int>();
        var pages = new PulumiUserPages(Page(1, 100, 300), start =>
        {
            asked.Add(start);
            return Task.FromResult(start == 101 ? Page(101, 50, 300) : Page(start, Math.Min(100, 301 - start), 300));
        });
        var read = new List<int>();
        while (pages.Next() is { } next)
        {
            var page = await next.Page;
            read.Add(next.Start);
            pages.Received(next.Start, page.Users.Count, page.Total);
        }

        Assert.Equal([101, 151, 251], read);
        Assert.Equal([101, 201, 151, 251], asked);
    }

    [Fact]
    public void NoUsers_NoMorePages()
    {
        var pages = new PulumiUserPages(Page(1, 0, 0), _ => throw new InvalidOperationException("no request may be sent"));
        Assert.Null(pages.Next());
    }
}
