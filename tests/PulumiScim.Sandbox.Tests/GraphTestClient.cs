// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary>An answer from the sandbox: status, parsed body (null when empty) and headers.</summary>
public sealed record GraphAnswer(HttpStatusCode Status, JsonNode? Body, HttpResponseHeaders Headers, string Text)
{
    public string? ErrorCode => (string?)Body?["error"]?["code"];

    public string? ErrorMessage => (string?)Body?["error"]?["message"];
}

/// <summary>A sandbox and an authenticated HTTP client for it; each test class gets its own.</summary>
public class GraphTestClient : IDisposable
{
    public const string SpId = "59e94b18-3fb9-5227-b0d0-07d59b9acc4e";
    public const string AppId = "5e036e4d-74c0-5ada-aea1-7ee85f39f62d";
    public const string TenantId = "597f302a-4a9a-5cf2-80e4-4e7a0a0a9523";
    public const string AdaId = "bc0958cf-3a83-5957-b570-e0833948591c";
    public const string PlatformTeamId = "25168b6f-bdfb-5fcd-b211-0982b8e6b202";
    public const string UserRoleId = "18d14569-c3bd-439b-9a66-3a2aee01d14f";

    public GraphTestClient(string? seed = null)
    {
        Sandbox = SandboxServer.Start(seed);
        Http = new HttpClient { BaseAddress = Sandbox.GraphUri };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Sandbox.AccessToken);
    }

    public SandboxServer Sandbox { get; }

    public HttpClient Http { get; }

    /// <summary>The job id the sandbox gives the seeded app's scim job.</summary>
    public static string JobId => $"scim.{TenantId.Replace("-", string.Empty, StringComparison.Ordinal)}.{AppId}";

    public static string SyncPath(string rest = "") => $"/v1.0/servicePrincipals/{SpId}/synchronization{rest}";

    public async Task<GraphAnswer> SendAsync(HttpMethod method, string pathAndQuery, object? body = null)
    {
        using var req = new HttpRequestMessage(method, pathAndQuery);
        if (body is not null)
        {
            string json = body switch
            {
                string s => s,
                JsonNode n => n.ToJsonString(),
                _ => System.Text.Json.JsonSerializer.Serialize(body),
            };
            req.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using HttpResponseMessage resp = await Http.SendAsync(req);
        string text = await resp.Content.ReadAsStringAsync();
        return new GraphAnswer(resp.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), resp.Headers, text);
    }

    public Task<GraphAnswer> GetAsync(string pathAndQuery) => SendAsync(HttpMethod.Get, pathAndQuery);

    public Task<GraphAnswer> PostAsync(string pathAndQuery, object? body = null) => SendAsync(HttpMethod.Post, pathAndQuery, body ?? "{}");

    /// <summary>Creates the scim job on the seeded app and returns its id.</summary>
    public async Task<string> CreateJobAsync()
    {
        GraphAnswer a = await PostAsync(SyncPath("/jobs"), new { templateId = "scim" });
        Assert.Equal(HttpStatusCode.Created, a.Status);
        return (string)a.Body!["id"]!;
    }

    /// <summary>
    /// Checks that <paramref name="actual"/> has every property of <paramref name="expected"/> (a Microsoft docs example)
    /// with a compatible JSON kind, recursively; a null in the example accepts any value.
    /// </summary>
    public static void AssertShape(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        switch (expected)
        {
            case null:
                return;
            case JsonObject eo:
                Assert.True(actual is JsonObject, $"{path}: expected an object, got {actual?.ToJsonString() ?? "null"}");
                var ao = (JsonObject)actual!;
                foreach (var kv in eo)
                {
                    Assert.True(ao.ContainsKey(kv.Key), $"{path}: property '{kv.Key}' is missing");
                    AssertShape(kv.Value, ao[kv.Key], $"{path}.{kv.Key}");
                }

                return;
            case JsonArray ea:
                Assert.True(actual is JsonArray, $"{path}: expected an array");
                var aa = (JsonArray)actual!;
                if (ea.Count > 0 && aa.Count > 0)
                {
                    AssertShape(ea[0], aa[0], path + "[0]");
                }

                return;
            case JsonValue ev:
                if (actual is null)
                {
                    return; // docs examples fill values that may legitimately be null
                }

                Assert.True(actual is JsonValue, $"{path}: expected a value, got {actual.ToJsonString()}");
                Assert.Equal(ev.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False ? "bool" : ev.GetValueKind().ToString(),
                    actual.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False ? "bool" : actual.GetValueKind().ToString());
                return;
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Http.Dispose();
            Sandbox.Dispose();
        }
    }
}
