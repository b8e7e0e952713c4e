// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Session;

namespace PulumiScim.Tests.Session;

/// <summary>The session's read cache: the parts a pipeline's commands want, and the schema read started ahead.</summary>
public sealed class AppReadCacheTests
{
    private static readonly Guid SpId = Guid.Parse("59e94b18-3fb9-5227-b0d0-07d59b9acc4e");

    private static AppSnapshot Snapshot() =>
        new AppSnapshot(new JsonObject { ["id"] = SpId.ToString() }).WithJob(new JsonObject { ["id"] = "scim.1" });

    private static Func<CancellationToken, Task<JsonObject>> Reads(List<CancellationToken> seen, TaskCompletionSource<JsonObject> answer) =>
        ct =>
        {
            seen.Add(ct);
            return answer.Task;
        };

    [Fact]
    public void Wanted_IsWhatTheLivingCommandsSaid_AndEndsWithThem()
    {
        var cache = new AppReadCache();
        object mapping = new(), assign = new();
        cache.Want(mapping, AppParts.Job | AppParts.Schema);
        cache.Want(assign, AppParts.Assignments);
        Assert.Equal(AppParts.Job | AppParts.Schema | AppParts.Assignments, cache.Wanted);
        cache.Release(assign);
        Assert.Equal(AppParts.Job | AppParts.Schema, cache.Wanted);
    }

    [Fact]
    public async Task SchemaRead_StartsOncePerJob_AndIsHandedOutOnceForThatJobOnly()
    {
        var cache = new AppReadCache();
        object holder = new();
        Assert.False(cache.StartSchemaRead(SpId, "scim.1", _ => Task.FromResult(new JsonObject())));
        cache.Put(Snapshot(), holder);
        var seen = new List<CancellationToken>();
        var answer = new TaskCompletionSource<JsonObject>();
        Assert.True(cache.StartSchemaRead(SpId, "scim.1", Reads(seen, answer)));
        Assert.False(cache.StartSchemaRead(SpId, "scim.1", Reads(seen, answer)));
        Assert.Single(seen);

        Assert.Null(cache.TakeSchemaRead(SpId, "scim.2"));
        Task<JsonObject>? read = cache.TakeSchemaRead(SpId, "scim.1")?.Read;
        Assert.NotNull(read);
        Assert.Null(cache.TakeSchemaRead(SpId, "scim.1"));
        answer.SetResult(new JsonObject { ["version"] = "v" });
        Assert.Equal("v", (string?)(await read!)["version"]);
    }

    [Fact]
    public void SchemaRead_IsDroppedAndCancelledByASchemaWrite_AndByTheEndOfThePipeline()
    {
        var cache = new AppReadCache();
        object holder = new();
        cache.Put(Snapshot(), holder);
        var seen = new List<CancellationToken>();
        cache.StartSchemaRead(SpId, "scim.1", Reads(seen, new TaskCompletionSource<JsonObject>()));
        cache.DropSchemaRead(SpId);
        Assert.True(seen[0].IsCancellationRequested);
        Assert.Null(cache.TakeSchemaRead(SpId, "scim.1"));

        cache.StartSchemaRead(SpId, "scim.1", Reads(seen, new TaskCompletionSource<JsonObject>()));
        cache.Release(holder);
        Assert.True(seen[1].IsCancellationRequested);
        Assert.Null(cache.TakeSchemaRead(SpId, "scim.1"));
    }
}
