// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary><c>GET /auditLogs/provisioning</c>: shape, filters, order, paging over generated entries, throttling.</summary>
public sealed class ContractProvisioningLogTests : GraphTestClient
{
    /// <summary>
    /// "Example 2: Error response" of api-reference/v1.0/api/provisioningobjectsummary-list.md @ 028b8e35
    /// (microsoft-graph-docs-contrib, CC BY 4.0): a failed entry with errorInformation.
    /// </summary>
    private const string ListFailureDoc = """
{
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/provisioning",
    "value": [
        {
            "id": "gc532ff9-r265-ec76-861e-42e2970a8218",
            "activityDateTime": "2019-06-24T20:53:08Z",
            "tenantId": "7928d5b5-7442-4a97-ne2d-66f9j9972ecn",
            "jobId": "ContosoOutDelta.7928d5b574424a97ne2d66f9j9972ecn",
            "cycleId": "44576n58-v14b-70fj-8404-3d22tt46ed93",
            "changeId": "eaad2f8b-e6e3-409b-83bd-e4e2e57177d5",
            "provisioningAction": "create",
            "durationInMilliseconds": 2785,
            "sourceSystem": {
                "id": "0404601d-a9c0-4ec7-bbcd-02660120d8c9",
                "displayName": "Azure Active Directory",
                "details": {}
            },
            "targetSystem": {
                "id": "cd22f60b-5f2d-1adg-adb4-76ef31db996b",
                "displayName": "Contoso",
                "details": {
                    "ApplicationId": "f2764360-e0ec-5676-711e-cd6fc0d4dd61",
                    "ServicePrincipalId": "chc46a42-966b-47d7-9774-576b1c8bd0b8",
                    "ServicePrincipalDisplayName": "Contoso"
                }
            },
            "initiatedBy": {
                "id": "",
                "displayName": "Azure AD Provisioning Service",
                "initiatorType": "system"
            },
            "servicePrincipal": {
                "id": "chc46a42-966b-47d7-9774-576b1c8bd0b8",
                "displayName": "Contoso"
            },
            "sourceIdentity": {
                "id": "5e6c9rae-ab4d-5239-8ad0-174391d110eb",
                "displayName": "Self-service Pilot",
                "identityType": "Group",
                "details": {}
            },
            "targetIdentity": {
                "id": "",
                "displayName": "",
                "identityType": "Group",
                "details": {}
            },
            "provisioningStatusInfo": {
                "status": "failure",
                "errorInformation": {
                    "errorCode": "ContosoEntryConflict",
                    "reason": "Message: Contoso returned an error response with the HTTP status code 409.  This response indicates that a user or a group already exisits with the same name. This can be avoided by identifying and removing the conflicting user from Contoso via the Contoso administrative user interface, or removing the current user from the scope of provisioning either by removing their assignment to the Contoso application in Azure Active Directory or adding a scoping filter to exclude the user.",
                    "additionalDetails": null,
                    "errorCategory": "nonServiceFailure",
                    "recommendedAction": null
                }
            },
            "provisioningSteps": [
                {
                    "name": "EntryImportAdd",
                    "provisioningStepType": "import",
                    "status": "success",
                    "description": "Received Group 'Self-service Pilot' change of type (Add) from Azure Active Directory",
                    "details": {}
                },
                {
                    "name": "EntrySynchronizationAdd",
                    "provisioningStepType": "matching",
                    "status": "success",
                    "description": "Group 'Self-service Pilot' will be created in Contoso (Group is active and assigned in Azure Active Directory, but no matching Group was found in Contoso)",
                    "details": {}
                },
                {
                    "name": "EntryExportAdd",
                    "provisioningStepType": "export",
                    "status": "failure",
                    "description": "Failed to create Group 'Self-service Pilot' in Contoso",
                    "details": {
                        "ReportableIdentifier": "Self-service Pilot"
                    }
                }
            ],
            "modifiedProperties": [
                {
                    "displayName": "objectId",
                    "oldValue": null,
                    "newValue": "5e0c9eae-ad3d-4139-5ad0-174391d110eb"
                },
                {
                    "displayName": "displayName",
                    "oldValue": null,
                    "newValue": "Self-service Pilot"
                },
                {
                    "displayName": "mailEnabled",
                    "oldValue": null,
                    "newValue": "False"
                },
                {
                    "displayName": "mailNickname",
                    "oldValue": null,
                    "newValue": "5ce25n9a-4c5f-45c9-8362-ef3da29c66c5"
                },
                {
                    "displayName": "securityEnabled",
                    "oldValue": null,
                    "newValue": "True"
                },
                {
                    "displayName": "Name",
                    "oldValue": null,
                    "newValue": "Self-service Pilot"
                }
            ]
        }
    ]
}
""";

    /// <summary>The throttling sample response of concepts/throttling.md (microsoft-graph-docs-contrib, CC BY 4.0).</summary>
    private const string ThrottledDocBody = """
{
  "error": {
    "code": "TooManyRequests",
    "innerError": {
      "code": "429",
      "date": "2020-08-18T12:51:51",
      "message": "Please retry after",
      "request-id": "94fb3b52-452a-4535-a601-69e0a90e3aa2",
      "status": "429"
    },
    "message": "Please retry again later."
  }
}

""";

    public ContractProvisioningLogTests()
        : base(Seed(count: 2000, failureRatio: 0.25, throttle: false).ToJsonString())
    {
    }

    internal static JsonObject Seed(int count, double failureRatio, bool throttle, JsonArray? entries = null)
    {
        JsonObject seed = GraphSeeds.WithJob();
        seed["provisioningLogs"] = new JsonObject
        {
            ["generate"] = new JsonObject
            {
                ["count"] = count,
                ["failureRatio"] = failureRatio,
                ["from"] = "2026-11-01T00:00:00Z",
                ["seed"] = 7,
            },
            ["entries"] = entries ?? [],
        };
        seed["options"]!["throttleProvisioningLogs"] = throttle;
        return seed;
    }

    [Fact]
    public async Task Entries_HaveTheDocumentedShape()
    {
        GraphAnswer a = await GetAsync("/v1.0/auditLogs/provisioning?$filter=provisioningStatusInfo/status eq 'failure'&$top=1");
        Assert.Equal(HttpStatusCode.OK, a.Status);
        JsonNode doc = JsonNode.Parse(ListFailureDoc)!;
        AssertShape(doc, a.Body);
        Assert.EndsWith("$metadata#auditLogs/provisioning", (string?)a.Body!["@odata.context"]);
        JsonNode e = a.Body["value"]![0]!;
        Assert.IsType<JsonObject>(e["servicePrincipal"]); // one object on the wire (docs/graph-facts.md)
        Assert.Equal(SpId, (string?)e["servicePrincipal"]!["id"]);
        Assert.Equal(JobId, (string?)e["jobId"]);
        Assert.Equal("failure", (string?)e["provisioningStatusInfo"]!["status"]);
        Assert.NotNull(e["provisioningStatusInfo"]!["errorInformation"]!["errorCode"]);

        GraphAnswer ok = await GetAsync("/v1.0/auditLogs/provisioning?$filter=provisioningStatusInfo/status eq 'success'&$top=1");
        Assert.Null(ok.Body!["value"]![0]!["provisioningStatusInfo"]!["errorInformation"]);
    }

    [Fact]
    public async Task DefaultOrder_IsNewestFirst_AndAscIsTheReverse()
    {
        GraphAnswer desc = await GetAsync("/v1.0/auditLogs/provisioning?$top=5");
        var times = desc.Body!["value"]!.AsArray().Select(e => DateTimeOffset.Parse((string)e!["activityDateTime"]!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
        GraphAnswer asc = await GetAsync("/v1.0/auditLogs/provisioning?$top=5&$orderby=activityDateTime asc");
        Assert.Equal("2026-11-01T00:00:00Z", (string?)asc.Body!["value"]![0]!["activityDateTime"]);
        GraphAnswer explicitDesc = await GetAsync("/v1.0/auditLogs/provisioning?$top=5&$orderby=activityDateTime desc");
        Assert.Equal(desc.Body["value"]![0]!["id"]!.ToJsonString(), explicitDesc.Body!["value"]![0]!["id"]!.ToJsonString());
    }

    [Fact]
    public async Task Generation_IsDeterministic()
    {
        using var twin = new GraphTestClient(Seed(count: 2000, failureRatio: 0.25, throttle: false).ToJsonString());
        GraphAnswer a = await GetAsync("/v1.0/auditLogs/provisioning?$top=50");
        GraphAnswer b = await twin.GetAsync("/v1.0/auditLogs/provisioning?$top=50");
        Assert.Equal(a.Body!["value"]!.ToJsonString(), b.Body!["value"]!.ToJsonString());
    }

    [Fact]
    public async Task Filters_CombineWithAnd()
    {
        string filter = $"jobId eq '{JobId}' and activityDateTime gt 2026-11-01T00:59:59Z and activityDateTime lt 2026-11-01T02:00:00Z and provisioningStatusInfo/status eq 'failure'";
        var all = await ReadAllAsync(this, "/v1.0/auditLogs/provisioning?$top=7&$filter=" + Uri.EscapeDataString(filter));
        Assert.NotEmpty(all);
        Assert.InRange(all.Count, 10, 110); // 120 entries in that hour, a quarter of them failures
        Assert.All(all, e =>
        {
            Assert.Equal("failure", (string?)e["provisioningStatusInfo"]!["status"]);
            var t = DateTimeOffset.Parse((string)e["activityDateTime"]!, CultureInfo.InvariantCulture);
            Assert.InRange(t, DateTimeOffset.Parse("2026-11-01T01:00:00Z", CultureInfo.InvariantCulture), DateTimeOffset.Parse("2026-11-01T01:59:59Z", CultureInfo.InvariantCulture));
        });

        JsonObject one = all[3];
        string bySource = $"sourceIdentity/id eq '{(string?)one["sourceIdentity"]!["id"]}' and provisioningAction eq '{(string?)one["provisioningAction"]}' and cycleId eq '{(string?)one["cycleId"]}'";
        var matches = await ReadAllAsync(this, "/v1.0/auditLogs/provisioning?$top=100&$filter=" + Uri.EscapeDataString(bySource));
        Assert.Contains(matches, m => (string?)m["id"] == (string?)one["id"]);
        Assert.All(matches, m => Assert.Equal((string?)one["sourceIdentity"]!["id"], (string?)m["sourceIdentity"]!["id"]));
    }

    [Fact]
    public async Task Filters_TakeContainsWhereTheDocsGiveIt()
    {
        // jobId, provisioningStatusInfo/status: "Supports $filter (eq, contains)".
        string filter = "contains(jobId,'scim.') and contains(provisioningStatusInfo/status,'fail')";
        var all = await ReadAllAsync(this, "/v1.0/auditLogs/provisioning?$top=500&$filter=" + Uri.EscapeDataString(filter));
        Assert.NotEmpty(all);
        Assert.All(all, e => Assert.Equal("failure", (string?)e["provisioningStatusInfo"]!["status"]));
    }

    [Fact]
    public async Task Filters_AreCaseSensitiveOnValues()
    {
        GraphAnswer a = await GetAsync("/v1.0/auditLogs/provisioning?$filter=provisioningStatusInfo/status eq 'Failure'");
        Assert.Equal(HttpStatusCode.OK, a.Status);
        Assert.Empty(a.Body!["value"]!.AsArray());
    }

    [Theory]
    [InlineData("$filter=targetSystem/displayName eq 'x'")]
    [InlineData("$filter=jobId ne 'x'")]
    [InlineData("$filter=activityDateTime ge yesterday")]
    [InlineData("$filter=activityDateTime ge 2026-11-01T01:00:00Z")]
    [InlineData("$filter=activityDateTime le 2026-11-01T01:00:00Z")]
    [InlineData("$filter=servicePrincipal/id ne 'x'")]
    [InlineData("$filter=contains(servicePrincipal/id,'x')")]
    [InlineData("$filter=startswith(jobId,'scim')")]
    [InlineData("$filter=jobId eq 'x' or cycleId eq 'y'")]
    [InlineData("$orderby=id")]
    [InlineData("$top=1001")]
    [InlineData("$skiptoken=garbage")]
    public async Task UnsupportedQueries_Are400(string query)
    {
        GraphAnswer a = await GetAsync("/v1.0/auditLogs/provisioning?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
        Assert.NotNull(a.ErrorCode);
    }

    [Fact]
    public async Task SeededAndAppendedEntries_MergeIntoTheTimeline()
    {
        var entries = new JsonArray(JsonNode.Parse(ListFailureDoc)!["value"]![0]!.DeepClone());
        entries[0]!["activityDateTime"] = "2026-11-01T00:00:45Z";
        using var c = new GraphTestClient(Seed(count: 10, failureRatio: 0, throttle: false, entries).ToJsonString());
        var asc = await ReadAllAsync(c, "/v1.0/auditLogs/provisioning?$orderby=activityDateTime asc&$top=3");
        Assert.Equal(11, asc.Count);
        Assert.Equal("gc532ff9-r265-ec76-861e-42e2970a8218", (string?)asc[2]["id"]); // between 00:00:30 and 00:01:00

        c.Sandbox.Context.AppendProvisioningLog(new JsonObject { ["id"] = "engine-1", ["activityDateTime"] = "2030-01-01T00:00:00Z", ["jobId"] = JobId });
        GraphAnswer newest = await c.GetAsync("/v1.0/auditLogs/provisioning?$top=1");
        Assert.Equal("engine-1", (string?)newest.Body!["value"]![0]!["id"]);
        GraphAnswer seeded = await c.GetAsync("/v1.0/auditLogs/provisioning?$filter=jobId eq 'ContosoOutDelta.7928d5b574424a97ne2d66f9j9972ecn'");
        Assert.Single(seeded.Body!["value"]!.AsArray());
    }

    [Fact]
    public async Task HundredThousandEntries_AreServedPageByPage()
    {
        using var big = new GraphTestClient(Seed(count: 100_000, failureRatio: 0.1, throttle: false).ToJsonString());
        var sw = Stopwatch.StartNew();
        long count = 0;
        long failures = 0;
        int pages = 0;
        string? last = null;
        string? next = "/v1.0/auditLogs/provisioning?$top=1000";
        var ids = new HashSet<string>();
        while (next is not null)
        {
            GraphAnswer a = await big.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, a.Status);
            foreach (JsonNode? e in a.Body!["value"]!.AsArray())
            {
                string t = (string)e!["activityDateTime"]!;
                Assert.True(last is null || string.CompareOrdinal(t, last) <= 0);
                last = t;
                count++;
                failures += (string?)e["provisioningStatusInfo"]!["status"] == "failure" ? 1 : 0;
                ids.Add((string)e["id"]!);
            }

            next = (string?)a.Body["@odata.nextLink"];
            pages++;
        }

        sw.Stop();
        Assert.Equal(100_000, count);
        Assert.Equal(100_000, ids.Count);
        Assert.Equal(100, pages);
        Assert.InRange(failures, 9_000, 11_000);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), $"took {sw.Elapsed}");
        Console.WriteLine($"100,000 provisioning log entries in {pages} pages: {sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Throttled_AfterFiveRequestsInTenSeconds_With429AndRetryAfter()
    {
        using var t = new GraphTestClient(Seed(count: 10, failureRatio: 0, throttle: true).ToJsonString());
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await t.GetAsync("/v1.0/auditLogs/provisioning?$top=1")).Status);
        }

        GraphAnswer sixth = await t.GetAsync("/v1.0/auditLogs/provisioning?$top=1");
        Assert.Equal((HttpStatusCode)429, sixth.Status);
        AssertShape(JsonNode.Parse(ThrottledDocBody), sixth.Body);
        Assert.Equal("TooManyRequests", sixth.ErrorCode);
        Assert.True(sixth.Headers.TryGetValues("Retry-After", out var retry));
        double seconds = double.Parse(retry.Single(), CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 10);

        // Other Graph calls are not limited by the reports limit.
        Assert.Equal(HttpStatusCode.OK, (await t.GetAsync("/v1.0/users?$top=1")).Status);
    }

    internal static async Task<List<JsonObject>> ReadAllAsync(GraphTestClient client, string first)
    {
        var all = new List<JsonObject>();
        string? next = first;
        while (next is not null)
        {
            GraphAnswer a = await client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, a.Status);
            all.AddRange(a.Body!["value"]!.AsArray().Select(e => e!.AsObject()));
            next = (string?)a.Body["@odata.nextLink"];
        }

        return all;
    }
}
