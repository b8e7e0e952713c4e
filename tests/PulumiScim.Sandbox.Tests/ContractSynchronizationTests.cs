// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Tests;

/// <summary>The synchronization API (templates, jobs, secrets, job control) replayed against the Microsoft docs examples.</summary>
public sealed class ContractSynchronizationTests : GraphTestClient
{
    /// <summary>
    /// Response of <c>POST /servicePrincipals/{id}/synchronization/jobs</c>: microsoft-graph-docs-contrib
    /// api-reference/v1.0/api/synchronization-synchronization-post-jobs.md @ 017e406a (CC BY 4.0).
    /// </summary>
    private const string CreatedJobV1Doc = """
{
    "id": "{jobId}",
    "templateId": "BoxOutDelta",
    "schedule": {
        "expiration": null,
        "interval": "P10675199DT2H48M5.4775807S",
        "state": "Disabled"
    },
    "status": {
        "countSuccessiveCompleteFailures": 0,
        "escrowsPruned": false,
        "synchronizedEntryCountByType": [],
        "code": "NotConfigured",
        "lastExecution": null,
        "lastSuccessfulExecution": null,
        "lastSuccessfulExecutionWithExports": null,
        "steadyStateFirstAchievedTime": "0001-01-01T00:00:00Z",
        "steadyStateLastAchievedTime": "0001-01-01T00:00:00Z",
        "quarantine": null,
        "troubleshootingUrl": null
    }
}
""";

    /// <summary>
    /// The created job in the tutorial "Configure provisioning using the Microsoft Graph API"
    /// (concepts/application-provisioning-configure-api.md, AWS revision; CC BY 4.0).
    /// </summary>
    private const string CreatedJobTutorial = """
{
    "@odata.context": "https://graph.microsoft.com/beta/$metadata#servicePrincipals('29f68db3-1000-46bf-a940-f5ea3ecc39e7')/synchronization/jobs/$entity",
    "id": "aWSSingleSignon.ff8bf889e03141ac8f7baedb059892ee.bfc8712e-0986-4d47-896b-6872713598c6",
    "templateId": "aWSSingleSignon",
    "schedule": {
        "expiration": null,
        "interval": "PT40M",
        "state": "Disabled"
    },
    "status": {
        "countSuccessiveCompleteFailures": 0,
        "escrowsPruned": false,
        "code": "Paused",
        "lastExecution": null,
        "lastSuccessfulExecution": null,
        "lastSuccessfulExecutionWithExports": null,
        "quarantine": null,
        "steadyStateFirstAchievedTime": "0001-01-01T00:00:00Z",
        "steadyStateLastAchievedTime": "0001-01-01T00:00:00Z",
        "troubleshootingUrl": null,
        "progress": [],
        "synchronizedEntryCountByType": []
    },
    "synchronizationJobSettings": [
        {
            "name": "AzureIngestionAttributeOptimization",
            "value": "False"
        }
    ]
}
""";

    /// <summary>A started job that has not run yet: MicrosoftDocs/azure-docs cross-tenant-synchronization-configure-graph.md @ ac0390f7 (CC BY 4.0).</summary>
    private const string StartedJobDoc = """
{
    "id": "{jobId}",
    "templateId": "Azure2Azure",
    "schedule": {
        "expiration": null,
        "interval": "PT40M",
        "state": "Active"
    },
    "status": {
        "countSuccessiveCompleteFailures": 0,
        "escrowsPruned": false,
        "code": "NotRun",
        "lastSuccessfulExecution": null,
        "lastSuccessfulExecutionWithExports": null,
        "quarantine": null,
        "steadyStateFirstAchievedTime": "0001-01-01T00:00:00Z",
        "steadyStateLastAchievedTime": "0001-01-01T00:00:00Z",
        "troubleshootingUrl": "",
        "lastExecution": {
            "activityIdentifier": null,
            "countEntitled": 0,
            "countEntitledForProvisioning": 0,
            "countEscrowed": 0,
            "countEscrowedRaw": 0,
            "countExported": 0,
            "countExports": 0,
            "countImported": 0,
            "countImportedDeltas": 0,
            "countImportedReferenceDeltas": 0,
            "state": "Failed",
            "timeBegan": "0001-01-01T00:00:00Z",
            "timeEnded": "0001-01-01T00:00:00Z",
            "error": {
                "code": "None",
                "message": "",
                "tenantActionable": false
            }
        },
        "progress": [],
        "synchronizedEntryCountByType": []
    },
    "synchronizationJobSettings": [
        {
            "name": "AzureIngestionAttributeOptimization",
            "value": "False"
        },
        {
            "name": "LookaheadQueryEnabled",
            "value": "False"
        }
    ]
}
""";

    /// <summary>Request body of <c>PUT .../synchronization/secrets</c>: api-reference/v1.0/api/synchronization-serviceprincipal-put-synchronization.md @ 073a3963 (CC BY 4.0).</summary>
    private const string SecretsPutDocBody = """
{
    "value": [
        {
            "key": "BaseAddress",
            "value": "user@domain.com"
        },
        {
            "key": "SecretToken",
            "value": "password-value"
        },
        {
            "key": "SyncNotificationSettings",
            "value": "{\"Enabled\":false,\"DeleteThresholdEnabled\":false}"
        },
        {
            "key": "SyncAll",
            "value": "false"
        }
    ]
}
""";

    /// <summary>The templates list from the same tutorial (a surplus brace removed, the tutorial's block has one too many).</summary>
    private const string TemplatesDoc = """
{
    "@odata.context": "https://graph.microsoft.com/beta/$metadata#servicePrincipals('29f68db3-1000-46bf-a940-f5ea3ecc39e7')/synchronization/templates",
    "value": [
        {
            "id": "aWSSingleSignon",
            "applicationId": "21ed01d2-ec13-4e9e-86c1-cd546719ebc4",
            "default": true,
            "description": null,
            "discoverable": true,
            "factoryTag": "aWSSingleSignon",
            "metadata": [
                {
                    "key": "AzureIngestionAttributeOptimization",
                    "value": "False"
                },
                {
                    "key": "AzureIngestionAttributeOptimization",
                    "value": "False"
                },
                {
                    "key": "galleryApplicationIdentifier",
                    "value": "21ed01d2-ec13-4e9e-86c1-cd546719ebc4"
                },
                {
                    "key": "galleryApplicationKey",
                    "value": "awssinglesignon"
                },
                {
                    "key": "isSynchronizationInPreview",
                    "value": "true"
                },
                {
                    "key": "configurationFields",
                    "value": "[{\"name\":\"baseaddress\"},{\"name\":\"secrettoken\",\"secret\":true}]"
                }
            ],
            "schema@odata.context": "https://graph.microsoft.com/beta/$metadata#servicePrincipals('29f68db3-1000-46bf-a940-f5ea3ecc39e7')/synchronization/templates('aWSSingleSignon')/schema/$entity",
            "schema": {
                "id": "aWSSingleSignon.00000000000000000000000000000000",
                "version": "6.0",
                "synchronizationRules": [
                    {
                        "editable": true,
                        "id": "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8",
                        "name": "USERGROUP_OUTBOUND_USERGROUP",
                        "priority": 1,
                        "sourceDirectoryName": "Azure Active Directory",
                        "targetDirectoryName": "AWSSingleSignon",
                        "metadata": [
                            {
                                "key": "defaultSourceObjectMappings",
                                "value": "[{\"AttributeMappings\":[{\"DefaultValue\":\"False\",...,\"Unsynchronized\":false}}]]"
                            },
                            {
                                "key": "supportsProvisionOnDemand",
                                "value": "true"
                            }
                        ],
                        "objectMappings": [
                            {
                                "enabled": true,
                                "flowTypes": "Add,Update,Delete",
                                "name": "Provision Azure Active Directory Groups",
                                "scope": null,
                                "sourceObjectName": "Group",
                                "targetObjectName": "urn:ietf:params:scim:schemas:core:2.0:Group",
                                "attributeMappings": [
                                    {
                                        "defaultValue": null,
                                        "exportMissingReferences": false,
                                        "flowBehavior": "FlowWhenChanged",
                                        "flowType": "Always",
                                        "matchingPriority": 0,
                                        "targetAttributeName": "members",
                                        "source": {
                                            "expression": "[members]",
                                            "name": "members",
                                            "type": "Attribute",
                                            "parameters": []
                                        }
                                    }
                                ],
                                "metadata": [
                                    {
                                        "key": "IsCustomerDefined",
                                        "value": "false"
                                    },
                                    {
                                        "key": "DisableMonitoringForChanges",
                                        "value": "false"
                                    },
                                    {
                                        "key": "Disposition",
                                        "value": "\"Normal\""
                                    },
                                    {
                                        "key": "ExcludeFromReporting",
                                        "value": "false"
                                    },
                                    {
                                        "key": "EscrowBehavior",
                                        "value": "\"Default\""
                                    },
                                    {
                                        "key": "Unsynchronized",
                                        "value": "false"
                                    },
                                    {
                                        "key": "OriginalJoiningProperty",
                                        "value": "displayName"
                                    }
                                ]
                            }
                        ]
                    }
                ]
            }
        }
    ]
}
""";

    [Fact]
    public async Task Templates_ListTheScimTemplateInTheDocumentedShape()
    {
        GraphAnswer a = await GetAsync(SyncPath("/templates"));
        Assert.Equal(HttpStatusCode.OK, a.Status);
        JsonNode doc = JsonNode.Parse(TemplatesDoc)!;
        JsonObject docTemplate = doc["value"]![0]!.AsObject();
        docTemplate.Remove("schema@odata.context");
        JsonObject template = a.Body!["value"]!.AsArray().Single()!.AsObject();
        AssertShape(docTemplate["metadata"], template["metadata"]);
        foreach (string key in new[] { "id", "applicationId", "default", "description", "discoverable", "factoryTag", "metadata", "schema" })
        {
            Assert.True(template.ContainsKey(key), key);
        }

        Assert.Equal("scim", (string?)template["id"]);
        Assert.Equal("scim", (string?)template["factoryTag"]);
        Assert.Equal("03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8", (string?)template["schema"]!["synchronizationRules"]![0]!["id"]);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(SyncPath("/templates/scim/schema"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(SyncPath("/templates/nope"))).Status);
    }

    [Fact]
    public async Task CreateJob_Returns201InTheDocumentedShape()
    {
        GraphAnswer a = await PostAsync(SyncPath("/jobs"), new { templateId = "scim" });
        Assert.Equal(HttpStatusCode.Created, a.Status);
        AssertShape(JsonNode.Parse(CreatedJobV1Doc), a.Body);
        AssertShape(JsonNode.Parse(CreatedJobTutorial), a.Body);
        Assert.Equal(JobId, (string?)a.Body!["id"]);
        Assert.Equal("scim", (string?)a.Body["templateId"]);
        Assert.Equal("Disabled", (string?)a.Body["schedule"]!["state"]);
        Assert.Contains((string?)a.Body["status"]!["code"], new[] { "Paused", "NotConfigured" });

        GraphAnswer list = await GetAsync(SyncPath("/jobs"));
        Assert.Equal(JobId, (string?)list.Body!["value"]![0]!["id"]);
        GraphAnswer one = await GetAsync(SyncPath("/jobs/" + JobId));
        Assert.Equal(HttpStatusCode.OK, one.Status);
    }

    [Fact]
    public async Task CreateJob_Twice_Is409()
    {
        await CreateJobAsync();
        GraphAnswer again = await PostAsync(SyncPath("/jobs"), new { templateId = "scim" });
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.NotNull(again.ErrorCode);
    }

    [Fact]
    public async Task CreateJob_UnknownTemplate_Is400()
    {
        GraphAnswer a = await PostAsync(SyncPath("/jobs"), new { templateId = "aWSSingleSignon" });
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
    }

    [Fact]
    public async Task DeleteJob_Is204Then404()
    {
        string job = await CreateJobAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, SyncPath("/jobs/" + job))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(SyncPath("/jobs/" + job))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, SyncPath("/jobs/" + job))).Status);
    }

    [Fact]
    public async Task StartPauseRestart_MoveScheduleAndStatus()
    {
        string job = await CreateJobAsync();
        var started = new List<string>();
        var restarted = new List<string>();
        Sandbox.Context.OnJobStarted = (_, j) => started.Add(j.Id);
        Sandbox.Context.OnJobRestarted = (_, j) => restarted.Add(j.Id + "|" + j.LastResetScope);

        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(SyncPath($"/jobs/{job}/start"), "")).Status);
        GraphAnswer afterStart = await GetAsync(SyncPath("/jobs/" + job));
        AssertShape(JsonNode.Parse(StartedJobDoc)!["schedule"], afterStart.Body!["schedule"]);
        Assert.Equal("Active", (string?)afterStart.Body["schedule"]!["state"]);
        Assert.Equal("NotRun", (string?)afterStart.Body["status"]!["code"]);
        Assert.Equal([job], started);

        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(SyncPath($"/jobs/{job}/pause"), "")).Status);
        GraphAnswer afterPause = await GetAsync(SyncPath("/jobs/" + job));
        Assert.Equal("Paused", (string?)afterPause.Body!["schedule"]!["state"]);
        Assert.Equal("Paused", (string?)afterPause.Body["status"]!["code"]);

        // Body as in api-reference/v1.0/api/synchronization-synchronizationjob-restart.md.
        GraphAnswer restart = await PostAsync(SyncPath($"/jobs/{job}/restart"), """{ "criteria": { "resetScope": "Watermark, Escrows, QuarantineState" } }""");
        Assert.Equal(HttpStatusCode.NoContent, restart.Status);
        GraphAnswer afterRestart = await GetAsync(SyncPath("/jobs/" + job));
        Assert.Equal("Active", (string?)afterRestart.Body!["schedule"]!["state"]);
        Assert.Equal([job + "|Watermark, Escrows, QuarantineState"], restarted);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Post, SyncPath($"/jobs/{job}/restart"))).Status);
    }

    [Fact]
    public async Task Start_ClearsQuarantine()
    {
        JsonObject seed = GraphSeeds.WithJob(s =>
        {
            var job = s["applications"]![0]!["synchronization"]!["jobs"]![0]!.AsObject();
            job["schedule"] = new JsonObject { ["state"] = "Active", ["interval"] = "PT40M" };
            job["status"] = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "quarantined-status.json")));
        });
        using var q = new GraphTestClient(seed.ToJsonString());
        GraphAnswer before = await q.GetAsync(SyncPath("/jobs/" + JobId));
        Assert.Equal("Quarantine", (string?)before.Body!["status"]!["code"]);
        Assert.NotNull(before.Body["status"]!["quarantine"]);
        await q.PostAsync(SyncPath($"/jobs/{JobId}/start"), "");
        GraphAnswer after = await q.GetAsync(SyncPath("/jobs/" + JobId));
        Assert.Null(after.Body!["status"]!["quarantine"]);
        Assert.Equal("NotRun", (string?)after.Body["status"]!["code"]);
    }

    [Theory]
    [InlineData("""{ "criteria": { "resetScope": "Watermark, Everything" } }""")]
    [InlineData("""{ "criteria": { "resetScope": 3 } }""")]
    [InlineData("""{ "criteria": "Full" }""")]
    [InlineData("not json")]
    public async Task Restart_InvalidCriteria_Is400(string body)
    {
        string job = await CreateJobAsync();
        GraphAnswer a = await PostAsync(SyncPath($"/jobs/{job}/restart"), body);
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
    }

    [Fact]
    public async Task JobControl_OnUnknownJob_Is404()
    {
        foreach (string verb in new[] { "start", "pause", "restart" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(SyncPath($"/jobs/nope/{verb}"), "")).Status);
        }
    }

    [Fact]
    public async Task Secrets_PutTheDocBody_ThenGetMasksTheToken()
    {
        GraphAnswer put = await SendAsync(HttpMethod.Put, SyncPath("/secrets"), SecretsPutDocBody);
        Assert.Equal(HttpStatusCode.NoContent, put.Status);
        Assert.Equal(string.Empty, put.Text);
        GraphAnswer get = await GetAsync(SyncPath("/secrets"));
        Assert.Equal(HttpStatusCode.OK, get.Status);
        var values = get.Body!["value"]!.AsArray().ToDictionary(s => (string)s!["key"]!, s => (string?)s!["value"]);
        Assert.Equal("user@domain.com", values["BaseAddress"]);
        Assert.Equal("*", values["SecretToken"]);
        Assert.Equal("false", values["SyncAll"]);
        Assert.Equal("{\"Enabled\":false,\"DeleteThresholdEnabled\":false}", values["SyncNotificationSettings"]);
        Assert.DoesNotContain("password-value", get.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_PutIsAFullReplace()
    {
        await SendAsync(HttpMethod.Put, SyncPath("/secrets"), SecretsPutDocBody);
        GraphAnswer put = await SendAsync(HttpMethod.Put, SyncPath("/secrets"), """{ "value": [ { "key": "SyncAll", "value": "true" } ] }""");
        Assert.Equal(HttpStatusCode.NoContent, put.Status);
        GraphAnswer get = await GetAsync(SyncPath("/secrets"));
        var only = get.Body!["value"]!.AsArray().Single()!;
        Assert.Equal("SyncAll", (string?)only["key"]);
        Assert.Equal("true", (string?)only["value"]);
    }

    [Theory]
    [InlineData("""{ "value": [ { "key": "TenantUrl", "value": "x" } ] }""")]
    [InlineData("""{ "value": [ { "key": "SyncAll", "value": false } ] }""")]
    [InlineData("""[ { "key": "SyncAll", "value": "false" } ]""")]
    public async Task Secrets_InvalidBodies_Are400(string body)
    {
        GraphAnswer a = await SendAsync(HttpMethod.Put, SyncPath("/secrets"), body);
        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
    }

    [Fact]
    public async Task Secrets_HaveNoPatch()
    {
        GraphAnswer a = await SendAsync(HttpMethod.Patch, SyncPath("/secrets"), SecretsPutDocBody);
        Assert.NotEqual(HttpStatusCode.NoContent, a.Status);
        Assert.True((int)a.Status >= 400);
    }

    [Fact]
    public async Task ParseExpression_ParsesWithTheSandboxEvaluator()
    {
        // Graph docs, synchronization-synchronizationschema-parseexpression.md: 200 parseExpressionResponse.
        string job = await CreateJobAsync();
        GraphAnswer ok = await PostAsync(SyncPath($"/jobs/{job}/schema/parseExpression"), new { expression = "[mailNickname]" });
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.True((bool)ok.Body!["parsingSucceeded"]!);
        Assert.Equal("Attribute", (string?)ok.Body["parsedExpression"]!["type"]);
        GraphAnswer bad = await PostAsync(SyncPath($"/jobs/{job}/schema/parseExpression"), new { expression = "Join(\"x\"" });
        Assert.Equal(HttpStatusCode.OK, bad.Status);
        Assert.False((bool)bad.Body!["parsingSucceeded"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(SyncPath("/jobs/nope/schema/parseExpression"), new { expression = "[x]" })).Status);
    }

    [Fact]
    public async Task SynchronizationCalls_OnUnknownServicePrincipal_Are404()
    {
        string sp = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/v1.0/servicePrincipals/{sp}/synchronization/templates")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync($"/v1.0/servicePrincipals/{sp}/synchronization/jobs", new { templateId = "scim" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/v1.0/servicePrincipals/{sp}/synchronization/secrets")).Status);
    }
}
