// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Text;
using PulumiScim.Graph;
using PulumiScim.Model;

namespace PulumiScim.Tests.Graph;

/// <summary>The provisioning-log page reader: pooled page bytes, entries over their exact bytes, retries of a broken body.</summary>
public sealed class LogPageTests
{
    private const string First = """{"id":"a1","activityDateTime":"2026-11-02T10:00:00Z","provisioningAction":"create","jobId":"scim.j1","provisioningStatusInfo":{"status":"failure","errorInformation":{"errorCode":"SystemForCrossDomainIdentityManagementBadRequest","reason":"Zo\u00eb's \"name\" was refused"}},"sourceIdentity":{"id":"u1","displayName":"Zoë","identityType":"User"},"provisioningSteps":[{"name":"EntryExportAdd","provisioningStepType":"export","status":"failure","description":"x"}]}""";
    private const string Second = """{ "id" : "a2", "activityDateTime" : "2026-11-02T09:00:00Z", "provisioningAction" : "update", "provisioningStatusInfo" : { "status" : "success" } }""";

    /// <summary>Answers every request with the next function of a script.</summary>
    private sealed class Answers(params Func<HttpResponseMessage>[] script) : HttpMessageHandler
    {
        public int Count { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(script[Math.Min(Count++, script.Length - 1)]());
    }

    /// <summary>A body that breaks off after its first bytes, as a reset connection does.</summary>
    private sealed class BrokenContent : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync("{\"value\":["u8.ToArray());
            throw new IOException("The connection was reset.");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private static string PageJson(string? nextLink) =>
        "{\"@odata.context\":\"x\",\"value\":[" + First + ", null ,\n" + Second + "]" + (nextLink is null ? string.Empty : ",\"@odata.nextLink\":\"" + nextLink + "\"") + "}";

    private static HttpResponseMessage Ok(string json) => new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static GraphClient Client(Answers answers) =>
        new(new Uri("https://graph.example.test"), TestTokens.Tokens(), new RetryPolicy(TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5)), answers);

    [Fact]
    public async Task ReadsEachEntryWithItsRecordAsTheExactTextGraphSentAndTheNextLinkAfterTheValues()
    {
        using var answers = new Answers(() => Ok(PageJson("https://graph.example.test/v1.0/auditLogs/provisioning?$skiptoken=2")));
        using GraphClient graph = Client(answers);
        using LogPage page = await LogQueries.ReadPageAsync(graph, "auditLogs/provisioning", CancellationToken.None);

        List<ScimProvisioningLogEntry> entries = page.Entries().ToList();

        Assert.Equal("https://graph.example.test/v1.0/auditLogs/provisioning?$skiptoken=2", page.NextLink);
        Assert.Equal(2, page.Count);
        Assert.Equal(["a1", "a2"], entries.Select(e => e.Id));
        Assert.Equal(First, entries[0].RecordJson);
        Assert.Equal(Second, entries[1].RecordJson);
        Assert.Equal("Zo\u00eb's \"name\" was refused", entries[0].Reason);
        Assert.Equal("Zoë", entries[0].User);
        Assert.Equal("EntryExportAdd", Assert.Single(entries[0].Steps).Name);
        Assert.Equal("Update", entries[1].Action);
    }

    [Fact]
    public async Task TheLastPageHasNoNextLinkAndAnEmptyPageNoEntries()
    {
        using var answers = new Answers(() => Ok(PageJson(null)), () => Ok("{\"value\":[]}"));
        using GraphClient graph = Client(answers);
        using LogPage last = await LogQueries.ReadPageAsync(graph, "auditLogs/provisioning", CancellationToken.None);
        using LogPage empty = await LogQueries.ReadPageAsync(graph, "auditLogs/provisioning", CancellationToken.None);

        Assert.Null(last.NextLink);
        Assert.Equal(2, last.Entries().Count());
        Assert.Empty(empty.Entries());
    }

    [Fact]
    public async Task ABodyThatBreaksOffIsReadAgain()
    {
        using var answers = new Answers(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new BrokenContent() }, () => Ok(PageJson(null)));
        using GraphClient graph = Client(answers);
        using LogPage page = await LogQueries.ReadPageAsync(graph, "auditLogs/provisioning", CancellationToken.None);

        Assert.Equal(2, answers.Count);
        Assert.Equal(2, page.Entries().Count());
    }

    [Fact]
    public async Task AGraphErrorIsThrownWithItsStatus()
    {
        using var answers = new Answers(() => new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            Content = new StringContent("{\"error\":{\"code\":\"Authorization_RequestDenied\",\"message\":\"Insufficient privileges\"}}", Encoding.UTF8, "application/json"),
        });
        using GraphClient graph = Client(answers);

        var ex = await Assert.ThrowsAsync<GraphRequestException>(() => LogQueries.ReadPageAsync(graph, "auditLogs/provisioning", CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Equal("Authorization_RequestDenied", ex.Code);
    }

    [Fact]
    public async Task PooledBytesGrowPastTheFirstRentWhenNoLengthIsSent()
    {
        byte[] body = Enumerable.Range(0, 300_000).Select(i => (byte)(i % 251)).ToArray();
        using var stream = new UnseekableStream(body);

        using PooledBytes bytes = await PooledBytes.ReadAsync(stream, null, CancellationToken.None);

        Assert.Equal(body.Length, bytes.Length);
        Assert.True(bytes.Memory.Span.SequenceEqual(body));
    }

    /// <summary>A stream that hands out at most 7,000 bytes a read and cannot say its length.</summary>
    private sealed class UnseekableStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, 7000), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
