// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Graph;
using Microsoft.Graph.ApplicationTemplates.Item.Instantiate;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.ServicePrincipals.Item.Synchronization.Jobs.Item.ProvisionOnDemand;
using Microsoft.Graph.ServicePrincipals.Item.Synchronization.Jobs.Item.Restart;
using Microsoft.Graph.ServicePrincipals.Item.Synchronization.Jobs.Item.Schema.ParseExpression;
using Microsoft.Graph.ServicePrincipals.Item.Synchronization.Secrets;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;
using JobValidate = Microsoft.Graph.ServicePrincipals.Item.Synchronization.Jobs.Item.ValidateCredentials.ValidateCredentialsPostRequestBody;
using JobsValidate = Microsoft.Graph.ServicePrincipals.Item.Synchronization.Jobs.ValidateCredentials.ValidateCredentialsPostRequestBody;

namespace PulumiScim.Sandbox.Tests;

/// <summary>A bearer token for the sandbox, which the SDK sends only to the hosts it allows (here the loopback address).</summary>
internal sealed class StaticTokenProvider(string token) : IAccessTokenProvider
{
    public AllowedHostsValidator AllowedHostsValidator { get; } = new(["127.0.0.1", "localhost"]);

    public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
        => Task.FromResult(AllowedHostsValidator.IsUrlHostValid(uri) ? token : string.Empty);
}

/// <summary>Keeps the body of the last response, so a typed result can be compared with what the sandbox sent.</summary>
internal sealed class CaptureHandler : DelegatingHandler
{
    public string? LastBody { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        LastBody = null;
        if (response.Content is { } content)
        {
            byte[] bytes = await content.ReadAsByteArrayAsync(cancellationToken);
            LastBody = System.Text.Encoding.UTF8.GetString(bytes);
            var copy = new ByteArrayContent(bytes);
            foreach (var h in content.Headers)
            {
                copy.Headers.TryAddWithoutValidation(h.Key, h.Value);
            }

            response.Content = copy;
        }

        return response;
    }
}

/// <summary>
/// The Microsoft.Graph SDK's typed request builders against the sandbox: every response deserializes, the documented
/// properties are populated, and nothing lands in <c>AdditionalData</c> (where Kiota puts what it does not know) or
/// disappears (an enum value the SDK cannot parse comes back null).
/// </summary>
public abstract class SdkDeserializationBase : GraphTestClient
{
    public const string GraceId = EngineHarness.GraceId;
    public const string ScimToken = EngineHarness.ScimToken;
    public const string CustomTemplateId = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";

    private readonly CaptureHandler _capture;
    private readonly HttpClient _sdkHttp;

    protected SdkDeserializationBase(string? seed)
        : base(seed)
    {
        IList<DelegatingHandler> handlers = GraphClientFactory.CreateDefaultHandlers();
        _capture = new CaptureHandler();
        handlers.Add(_capture);
        _sdkHttp = GraphClientFactory.Create(handlers);
        var auth = new BaseBearerTokenAuthenticationProvider(new StaticTokenProvider(Sandbox.AccessToken));
        Client = new GraphServiceClient(_sdkHttp, auth, Sandbox.GraphUri.ToString().TrimEnd('/') + "/v1.0");
    }

    public GraphServiceClient Client { get; }

    public string ScimBase => $"{Sandbox.PulumiApiUri.ToString().TrimEnd('/')}/scim/v2/acme";

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Client.Dispose();
            _sdkHttp.Dispose();
            _capture.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Checks a typed result against the body the sandbox sent: no property Kiota did not know (AdditionalData keys
    /// other than OData annotations), and every non-null value of the body still non-null once the result is written
    /// back (what the SDK failed to parse, an unknown enum value above all, would be null).
    /// </summary>
    /// <param name="result">The typed result.</param>
    /// <param name="knownSdkLosses">
    /// Values the SDK is known to drop although the real service sends them (SDK findings, pinned here so that a change on
    /// either side shows): each a regular expression over the reported "path = value".
    /// </param>
    protected T Lossless<T>(T? result, params string[] knownSdkLosses)
        where T : class, IParsable
    {
        Assert.NotNull(result);
        var offenders = new List<string>();
        Walk(result, "$", offenders);
        Assert.True(offenders.Count == 0, "Properties the SDK did not know (AdditionalData): " + string.Join("; ", offenders));

        string? raw = _capture.LastBody;
        Assert.False(string.IsNullOrEmpty(raw), "no response body captured");
        using var writer = new JsonSerializationWriter();
        writer.WriteObjectValue(null, result);
        using var stream = writer.GetSerializedContent();
        JsonNode? written = JsonNode.Parse(stream);
        var lost = new List<string>();
        Compare(JsonNode.Parse(raw!), written, "$", lost);
        foreach (string known in knownSdkLosses)
        {
            Assert.True(lost.RemoveAll(l => System.Text.RegularExpressions.Regex.IsMatch(l, known)) > 0, $"the known SDK loss '{known}' no longer happens");
        }

        Assert.True(lost.Count == 0, "Values the SDK lost: " + string.Join("; ", lost));
        return result;
    }

    internal static void Walk(object? o, string path, List<string> offenders)
    {
        switch (o)
        {
            case null or string or ValueType:
                return;
            case UntypedNode:
                return; // an untyped value the model declares as such (e.g. a JSON object property); nothing is lost
            case IParsable parsable:
                // detailsInfo is an open type without declared properties: the SDK gives its content (the documented
                // ApplicationId, ServicePrincipalId… of targetSystem.details) only as AdditionalData.
                if (parsable is IAdditionalDataHolder holder and not DetailsInfo)
                {
                    foreach (KeyValuePair<string, object> kv in holder.AdditionalData)
                    {
                        if (!kv.Key.Contains("@odata.", StringComparison.Ordinal))
                        {
                            offenders.Add($"{path}.{kv.Key} ({o.GetType().Name})");
                        }
                    }
                }

                foreach (PropertyInfo p in o.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    if (p.GetIndexParameters().Length > 0 || p.Name is "AdditionalData" or "BackingStore")
                    {
                        continue;
                    }

                    Walk(p.GetValue(o), $"{path}.{p.Name}", offenders);
                }

                return;
            case IEnumerable items:
                int i = 0;
                foreach (object? item in items)
                {
                    Walk(item, $"{path}[{i++}]", offenders);
                }

                return;
        }
    }

    internal static void Compare(JsonNode? raw, JsonNode? written, string path, List<string> lost)
    {
        switch (raw)
        {
            case JsonObject ro:
                if (written is not JsonObject wo)
                {
                    lost.Add($"{path} (object became {written?.ToJsonString() ?? "null"})");
                    return;
                }

                foreach (KeyValuePair<string, JsonNode?> kv in ro)
                {
                    if (kv.Value is null || kv.Key.StartsWith('@'))
                    {
                        continue;
                    }

                    if (wo[kv.Key] is null)
                    {
                        lost.Add($"{path}.{kv.Key} = {kv.Value.ToJsonString()}");
                        continue;
                    }

                    Compare(kv.Value, wo[kv.Key], $"{path}.{kv.Key}", lost);
                }

                return;
            case JsonArray ra:
                if (written is not JsonArray wa || wa.Count != ra.Count)
                {
                    lost.Add($"{path} (array of {ra.Count} became {written?.ToJsonString() ?? "null"})");
                    return;
                }

                for (int i = 0; i < ra.Count; i++)
                {
                    if (ra[i] is not null && wa[i] is null)
                    {
                        lost.Add($"{path}[{i}] = {ra[i]!.ToJsonString()}");
                        continue;
                    }

                    Compare(ra[i], wa[i], $"{path}[{i}]", lost);
                }

                return;
        }
    }

    /// <summary>Creates the scim job with the SDK and returns it.</summary>
    protected async Task<SynchronizationJob> CreateSdkJobAsync()
    {
        SynchronizationJob job = Lossless(await Client.ServicePrincipals[SpId].Synchronization.Jobs.PostAsync(new SynchronizationJob { TemplateId = "scim" }));
        Assert.Equal(JobId, job.Id);
        return job;
    }

    protected async Task PutSecretsAsync()
    {
        var body = new SecretsPutRequestBody
        {
            Value =
            [
                new SynchronizationSecretKeyStringValuePair { Key = SynchronizationSecret.BaseAddress, Value = ScimBase },
                new SynchronizationSecretKeyStringValuePair { Key = SynchronizationSecret.SecretToken, Value = ScimToken },
                new SynchronizationSecretKeyStringValuePair { Key = SynchronizationSecret.SyncAll, Value = "false" },
            ],
        };
        SecretsPutResponse? answer = await Client.ServicePrincipals[SpId].Synchronization.Secrets.PutAsSecretsPutResponseAsync(body);
        Assert.Null(answer); // 204 No Content, as Graph answers
    }
}

/// <summary>The directory, application and synchronization requests of the SDK against the default seed.</summary>
public sealed class SdkDeserializationTests : SdkDeserializationBase
{
    public SdkDeserializationTests()
        : base(null)
    {
    }

    [Fact]
    public async Task TheChecks_CatchAnUnknownProperty_AndAnEnumTheSdkRefuses()
    {
        const string json = """{"id":"j","templateId":"scim","shoeSize":42,"schedule":{"state":"Sleeping","interval":"PT40M"},"status":{"code":"Paused"}}""";
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        SynchronizationJob job = (await new JsonParseNodeFactory().GetRootParseNodeAsync("application/json", stream)).GetObjectValue(SynchronizationJob.CreateFromDiscriminatorValue)!;
        var offenders = new List<string>();
        Walk(job, "$", offenders);
        Assert.Equal("$.shoeSize (SynchronizationJob)", Assert.Single(offenders));

        using var writer = new JsonSerializationWriter();
        writer.WriteObjectValue(null, job);
        using Stream written = writer.GetSerializedContent();
        var lost = new List<string>();
        Compare(JsonNode.Parse(json), JsonNode.Parse(written), "$", lost);
        Assert.Equal("$.schedule.state = \"Sleeping\"", Assert.Single(lost));
    }

    [Fact]
    public async Task ServicePrincipals_FilterSelectTop_AndItem()
    {
        ServicePrincipalCollectionResponse list = Lossless(await Client.ServicePrincipals.GetAsync(rc =>
        {
            rc.QueryParameters.Filter = "displayName eq 'Pulumi Cloud'";
            rc.QueryParameters.Select = ["id", "appId", "displayName", "appRoles", "appRoleAssignmentRequired", "servicePrincipalType"];
            rc.QueryParameters.Top = 5;
        }));
        ServicePrincipal sp = Assert.Single(list.Value!);
        Assert.Equal(SpId, sp.Id);
        Assert.Equal(AppId, sp.AppId);
        Assert.Equal("Pulumi Cloud", sp.DisplayName);
        Assert.NotNull(sp.AppRoles);

        ServicePrincipal item = Lossless(await Client.ServicePrincipals[SpId].GetAsync());
        Assert.Equal(SpId, item.Id);
        Assert.Equal(AppId, item.AppId);
        Assert.Equal("Pulumi Cloud", item.DisplayName);
        Assert.NotNull(item.ServicePrincipalType);

        ServicePrincipal byAppId = Lossless(await Client.ServicePrincipalsWithAppId(AppId).GetAsync());
        Assert.Equal(SpId, byAppId.Id);
    }

    [Fact]
    public async Task ServicePrincipals_PageThroughWithNextLink_AndPageIterator()
    {
        // Three more service principals from the custom template, then pages of one.
        for (int n = 0; n < 3; n++)
        {
            Lossless(await Client.ApplicationTemplates[CustomTemplateId].Instantiate.PostAsync(new InstantiatePostRequestBody { DisplayName = $"Paged {n}" }));
        }

        ServicePrincipalCollectionResponse page = Lossless(await Client.ServicePrincipals.GetAsync(rc => rc.QueryParameters.Top = 1));
        var ids = new List<string>();
        int pages = 0;
        while (true)
        {
            pages++;
            ids.AddRange(page.Value!.Select(s => s.Id!));
            if (page.OdataNextLink is null)
            {
                break;
            }

            page = Lossless(await Client.ServicePrincipals.WithUrl(page.OdataNextLink).GetAsync());
        }

        Assert.Equal(4, ids.Distinct().Count());
        Assert.Equal(4, pages);

        ServicePrincipalCollectionResponse first = Lossless(await Client.ServicePrincipals.GetAsync(rc => rc.QueryParameters.Top = 2));
        var iterated = new List<string>();
        PageIterator<ServicePrincipal, ServicePrincipalCollectionResponse> it = PageIterator<ServicePrincipal, ServicePrincipalCollectionResponse>
            .CreatePageIterator(Client, first, s =>
            {
                iterated.Add(s.Id!);
                return true;
            });
        await it.IterateAsync();
        Assert.Equal(ids.Order(), iterated.Order());
    }

    [Fact]
    public async Task Users_List_Item_AndSelect()
    {
        UserCollectionResponse users = Lossless(await Client.Users.GetAsync());
        Assert.Equal(8, users.Value!.Count);
        Assert.All(users.Value, u =>
        {
            Assert.NotNull(u.Id);
            Assert.NotNull(u.UserPrincipalName);
            Assert.NotNull(u.DisplayName);
            Assert.NotNull(u.BusinessPhones);
        });

        User ada = Lossless(await Client.Users["ada@contoso.example"].GetAsync(rc => rc.QueryParameters.Select = ["id", "userPrincipalName", "mailNickname", "accountEnabled", "mail"]));
        Assert.Equal(AdaId, ada.Id);
        Assert.Equal("ada", ada.MailNickname);
        Assert.True(ada.AccountEnabled);
        Assert.Equal("ada@contoso.example", ada.Mail);

        UserCollectionResponse selected = Lossless(await Client.Users.GetAsync(rc =>
        {
            rc.QueryParameters.Select = ["id", "mailNickname", "accountEnabled"];
            rc.QueryParameters.Filter = "accountEnabled eq false";
        }));
        User edsger = Assert.Single(selected.Value!);
        Assert.Equal("edsger", edsger.MailNickname);
        Assert.False(edsger.AccountEnabled);
    }

    [Fact]
    public async Task Groups_AndTheirMembers()
    {
        GroupCollectionResponse groups = Lossless(await Client.Groups.GetAsync());
        Assert.Equal(3, groups.Value!.Count);
        Group platform = groups.Value.Single(g => g.Id == PlatformTeamId);
        Assert.Equal("Platform Team", platform.DisplayName);
        Assert.True(platform.SecurityEnabled);

        DirectoryObjectCollectionResponse members = Lossless(await Client.Groups[PlatformTeamId].Members.GetAsync());
        Assert.Equal(3, members.Value!.Count);
        Assert.All(members.Value, m =>
        {
            User u = Assert.IsType<User>(m); // from "@odata.type": "#microsoft.graph.user"
            Assert.NotNull(u.Id);
            Assert.NotNull(u.UserPrincipalName);
        });
        Assert.Contains(members.Value, m => m.Id == AdaId);
    }

    [Fact]
    public async Task Instantiate_AndAppRoleAssignments()
    {
        ApplicationServicePrincipal created = Lossless(await Client.ApplicationTemplates[CustomTemplateId].Instantiate.PostAsync(new InstantiatePostRequestBody { DisplayName = "SDK app" }));
        Assert.NotNull(created.Application?.Id);
        Assert.Equal("SDK app", created.Application!.DisplayName);
        Assert.Equal(CustomTemplateId, created.Application.ApplicationTemplateId);
        ServicePrincipal sp = created.ServicePrincipal!;
        Assert.NotNull(sp.Id);
        Assert.Equal(created.Application.AppId, sp.AppId);
        Assert.True(sp.AppRoleAssignmentRequired);
        Assert.Contains(sp.AppRoles!, r => r.Id == Guid.Parse(UserRoleId) && r.DisplayName == "User");

        AppRoleAssignment assigned = Lossless(await Client.ServicePrincipals[SpId].AppRoleAssignedTo.PostAsync(new AppRoleAssignment
        {
            PrincipalId = Guid.Parse(AdaId),
            ResourceId = Guid.Parse(SpId),
            AppRoleId = Guid.Parse(UserRoleId),
        }));
        Assert.NotNull(assigned.Id);
        Assert.Equal(Guid.Parse(AdaId), assigned.PrincipalId);
        Assert.Equal("User", assigned.PrincipalType);
        Assert.Equal("Ada Lovelace", assigned.PrincipalDisplayName);
        Assert.Equal(Guid.Parse(SpId), assigned.ResourceId);
        Assert.NotNull(assigned.CreatedDateTime);

        AppRoleAssignmentCollectionResponse list = Lossless(await Client.ServicePrincipals[SpId].AppRoleAssignedTo.GetAsync());
        AppRoleAssignment only = Assert.Single(list.Value!);
        Assert.Equal(assigned.Id, only.Id);
        Assert.Equal(Guid.Parse(UserRoleId), only.AppRoleId);
    }

    [Fact]
    public async Task Templates_Jobs_AndSchema()
    {
        // SDK finding: the template's metadata key "AzureIngestionAttributeOptimization" (sent by the real service, see
        // the templates list in Microsoft's tutorial "Configure provisioning using the Microsoft Graph API") is not a member of the SDK's
        // synchronizationMetadata enum, so SynchronizationMetadataEntry.Key comes back null.
        SynchronizationTemplateCollectionResponse templates = Lossless(
            await Client.ServicePrincipals[SpId].Synchronization.Templates.GetAsync(),
            @"^\$\.value\[0\]\.metadata\[\d+\]\.key = ""AzureIngestionAttributeOptimization""$");
        SynchronizationTemplate template = Assert.Single(templates.Value!);
        Assert.Equal("scim", template.Id);
        Assert.NotNull(template.FactoryTag);
        AssertSchema(template.Schema!);

        AssertSchema(Lossless(await Client.ServicePrincipals[SpId].Synchronization.Templates["scim"].Schema.GetAsync()));

        SynchronizationJob job = await CreateSdkJobAsync();
        Assert.Equal("scim", job.TemplateId);
        Assert.Equal(SynchronizationScheduleState.Disabled, job.Schedule?.State);
        Assert.NotNull(job.Schedule!.Interval);
        Assert.Equal(SynchronizationStatusCode.Paused, job.Status?.Code);

        SynchronizationJobCollectionResponse jobs = Lossless(await Client.ServicePrincipals[SpId].Synchronization.Jobs.GetAsync());
        Assert.Equal(JobId, Assert.Single(jobs.Value!).Id);

        SynchronizationJob one = Lossless(await Client.ServicePrincipals[SpId].Synchronization.Jobs[JobId].GetAsync());
        Assert.Equal(JobId, one.Id);
        Assert.NotNull(one.Status);
        Assert.NotNull(one.Schedule);

        SynchronizationSchema schema = Lossless(await Client.ServicePrincipals[SpId].Synchronization.Jobs[JobId].Schema.GetAsync());
        AssertSchema(schema);
    }

    private static void AssertSchema(SynchronizationSchema schema)
    {
        Assert.NotEmpty(schema.Directories!);
        Assert.All(schema.Directories!, d =>
        {
            Assert.NotNull(d.Id);
            Assert.NotNull(d.Name);
            Assert.NotEmpty(d.Objects!);
            Assert.All(d.Objects!, o =>
            {
                Assert.NotNull(o.Name);
                Assert.NotEmpty(o.Attributes!);
                Assert.All(o.Attributes!, a =>
                {
                    Assert.NotNull(a.Name);
                    Assert.NotNull(a.Type);
                });
            });
        });
        SynchronizationRule rule = schema.SynchronizationRules![0];
        Assert.NotNull(rule.Id);
        Assert.NotNull(rule.SourceDirectoryName);
        Assert.NotNull(rule.TargetDirectoryName);
        Assert.NotEmpty(rule.ObjectMappings!);
        Assert.All(rule.ObjectMappings!, m =>
        {
            Assert.NotNull(m.SourceObjectName);
            Assert.NotNull(m.TargetObjectName);
            Assert.NotNull(m.Enabled);
            Assert.NotEmpty(m.AttributeMappings!);
            Assert.All(m.AttributeMappings!, am =>
            {
                Assert.NotNull(am.TargetAttributeName);
                Assert.NotNull(am.FlowType);
                Assert.NotNull(am.Source);
                Assert.NotNull(am.Source!.Type);
                Assert.NotNull(am.Source.Expression);
            });
        });
    }

    [Fact]
    public async Task ValidateCredentials_BothForms()
    {
        await Client.ServicePrincipals[SpId].Synchronization.Jobs.ValidateCredentials.PostAsync(new JobsValidate
        {
            TemplateId = "scim",
            Credentials =
            [
                new SynchronizationSecretKeyStringValuePair { Key = SynchronizationSecret.BaseAddress, Value = ScimBase },
                new SynchronizationSecretKeyStringValuePair { Key = SynchronizationSecret.SecretToken, Value = ScimToken },
            ],
        });

        await CreateSdkJobAsync();
        await Client.ServicePrincipals[SpId].Synchronization.Jobs[JobId].ValidateCredentials.PostAsync(new JobValidate
        {
            UseSavedCredentials = false,
            Credentials =
            [
                new SynchronizationSecretKeyStringValuePair { Key = SynchronizationSecret.BaseAddress, Value = ScimBase },
                new SynchronizationSecretKeyStringValuePair { Key = SynchronizationSecret.SecretToken, Value = ScimToken },
            ],
        });

        // A wrong token is the documented 400, which the SDK raises as an ODataError.
        ODataError bad = await Assert.ThrowsAsync<ODataError>(() => Client.ServicePrincipals[SpId].Synchronization.Jobs[JobId].ValidateCredentials.PostAsync(new JobValidate
        {
            UseSavedCredentials = false,
            Credentials =
            [
                new SynchronizationSecretKeyStringValuePair { Key = SynchronizationSecret.BaseAddress, Value = ScimBase },
                new SynchronizationSecretKeyStringValuePair { Key = SynchronizationSecret.SecretToken, Value = "wrong" },
            ],
        }));
        Assert.Equal(400, bad.ResponseStatusCode);
        Assert.Equal("SystemForCrossDomainIdentityManagementCredentialValidationFailure", bad.Error?.Code);
        Assert.NotNull(bad.Error?.Message);
        Assert.NotNull(bad.Error?.InnerError?.RequestId);
    }

    [Fact]
    public async Task Secrets_StartPauseRestart()
    {
        await CreateSdkJobAsync();
        await PutSecretsAsync();
        var jobs = Client.ServicePrincipals[SpId].Synchronization.Jobs;

        await jobs[JobId].Start.PostAsync();
        SynchronizationJob started = Lossless(await jobs[JobId].GetAsync());
        Assert.Equal(SynchronizationScheduleState.Active, started.Schedule?.State);

        await jobs[JobId].Pause.PostAsync();
        SynchronizationJob paused = Lossless(await jobs[JobId].GetAsync());
        Assert.Equal(SynchronizationScheduleState.Paused, paused.Schedule?.State);
        Assert.Equal(SynchronizationStatusCode.Paused, paused.Status?.Code);

        await jobs[JobId].Restart.PostAsync(new RestartPostRequestBody { Criteria = new SynchronizationJobRestartCriteria { ResetScope = SynchronizationJobRestartScope.Full } });
        SynchronizationJob restarted = Lossless(await jobs[JobId].GetAsync());
        Assert.Equal(SynchronizationScheduleState.Active, restarted.Schedule?.State);
        Assert.NotNull(restarted.Status?.Code);
    }

    [Fact]
    public async Task ProvisionOnDemand_AndParseExpression()
    {
        await CreateSdkJobAsync();
        await PutSecretsAsync();
        Lossless(await Client.ServicePrincipals[SpId].AppRoleAssignedTo.PostAsync(new AppRoleAssignment
        {
            PrincipalId = Guid.Parse(GraceId),
            ResourceId = Guid.Parse(SpId),
            AppRoleId = Guid.Parse(UserRoleId),
        }));
        var job = Client.ServicePrincipals[SpId].Synchronization.Jobs[JobId];
        SynchronizationSchema schema = Lossless(await job.Schema.GetAsync());
        string ruleId = schema.SynchronizationRules![0].Id!;

        StringKeyStringValuePair answer = Lossless(await job.ProvisionOnDemand.PostAsync(new ProvisionOnDemandPostRequestBody
        {
            Parameters =
            [
                new SynchronizationJobApplicationParameters
                {
                    RuleId = ruleId,
                    Subjects = [new SynchronizationJobSubject { ObjectId = GraceId, ObjectTypeName = "User" }],
                },
            ],
        }));
        JsonNode key = JsonNode.Parse(answer.Key!)!;
        JsonNode value = JsonNode.Parse(answer.Value!)!;
        Assert.NotNull((string?)key["result"]);
        Assert.NotNull((string?)value["statusInfo"]!["status"]);
        Assert.NotEmpty(value["provisioningSteps"]!.AsArray());

        var input = new StringKeyObjectValuePair { Key = "mailNickname" };
        input.AdditionalData["value"] = "grace";
        ParseExpressionResponse parsed = Lossless(await job.Schema.ParseExpression.PostAsync(new ParseExpressionPostRequestBody
        {
            Expression = "Append([mailNickname], \"@example.com\")",
            TestInputObject = new ExpressionInputObject { Properties = [input] },
        }));
        Assert.True(parsed.ParsingSucceeded);
        Assert.True(parsed.EvaluationSucceeded);
        Assert.Equal("grace@example.com", Assert.Single(parsed.EvaluationResult!));
        Assert.Equal(AttributeMappingSourceType.Function, parsed.ParsedExpression?.Type);
        Assert.Equal("Append", parsed.ParsedExpression!.Name);
        Assert.NotEmpty(parsed.ParsedExpression.Parameters!);
        Assert.All(parsed.ParsedExpression.Parameters!, p =>
        {
            Assert.NotNull(p.Key);
            Assert.NotNull(p.Value?.Type);
        });
    }

    [Fact]
    public async Task SchemaPatch_Is404_AsOnTheRealService()
    {
        await CreateSdkJobAsync();
        ApiExceptionCheck(await Assert.ThrowsAsync<ODataError>(() => Client.ServicePrincipals[SpId].Synchronization.Jobs[JobId].Schema.PatchAsync(new SynchronizationSchema())));
    }

    private static void ApiExceptionCheck(ODataError e)
    {
        Assert.Equal(404, e.ResponseStatusCode);
        Assert.Equal("UnknownError", e.Error?.Code);
        Assert.Contains("No HTTP resource was found", e.Error?.Message, StringComparison.Ordinal);
    }
}

/// <summary>The SDK's <c>AuditLogs.Provisioning</c> over a seeded job and 50 generated log entries.</summary>
public sealed class SdkDeserializationLogTests : SdkDeserializationBase
{
    public SdkDeserializationLogTests()
        : base(Seed())
    {
    }

    private static string Seed()
    {
        JsonObject seed = GraphSeeds.WithJob();
        seed["provisioningLogs"] = new JsonObject
        {
            ["generate"] = new JsonObject { ["count"] = 50, ["failureRatio"] = 0.3, ["from"] = "2026-11-01T00:00:00Z", ["seed"] = 11 },
        };
        return seed.ToJsonString();
    }

    [Fact]
    public async Task ProvisioningLogs_EveryEntry_Paged()
    {
        ProvisioningObjectSummaryCollectionResponse first = Lossless(await Client.AuditLogs.Provisioning.GetAsync(rc => rc.QueryParameters.Top = 20));
        Assert.Equal(20, first.Value!.Count);
        Assert.NotNull(first.OdataNextLink);

        var all = new List<ProvisioningObjectSummary>();
        ProvisioningObjectSummaryCollectionResponse page = first;
        while (true)
        {
            all.AddRange(page.Value!);
            if (page.OdataNextLink is null)
            {
                break;
            }

            page = Lossless(await Client.AuditLogs.Provisioning.WithUrl(page.OdataNextLink).GetAsync());
        }

        Assert.Equal(50, all.Count);
        Assert.Equal(50, all.Select(e => e.Id).Distinct().Count());
        Assert.All(all, e =>
        {
            Assert.NotNull(e.Id);
            Assert.NotNull(e.ActivityDateTime);
            Assert.Equal(JobId, e.JobId);
            Assert.NotNull(e.CycleId);
            Assert.NotNull(e.ChangeId);
            Assert.Equal(TenantId, e.TenantId);
            Assert.NotNull(e.ProvisioningAction);
            Assert.Equal(SpId, e.ServicePrincipal?.Id); // a single object, not a collection
            Assert.Equal("Pulumi Cloud", e.ServicePrincipal!.DisplayName);
            Assert.NotNull(e.ProvisioningStatusInfo?.Status);
            Assert.NotEmpty(e.ProvisioningSteps!);
            Assert.All(e.ProvisioningSteps!, s =>
            {
                Assert.NotNull(s.Name);
                Assert.NotNull(s.ProvisioningStepType);
                Assert.NotNull(s.Status);
            });
            Assert.NotNull(e.SourceIdentity?.Id);
            Assert.NotNull(e.SourceSystem?.DisplayName);
            Assert.NotNull(e.TargetSystem?.DisplayName);
            Assert.NotNull(e.InitiatedBy);
        });
        Assert.Contains(all, e => e.ProvisioningStatusInfo!.Status == ProvisioningResult.Failure);
        Assert.Contains(all, e => e.ProvisioningStatusInfo!.Status == ProvisioningResult.Success);

        ProvisioningObjectSummaryCollectionResponse failures = Lossless(await Client.AuditLogs.Provisioning.GetAsync(rc =>
        {
            rc.QueryParameters.Filter = "provisioningStatusInfo/status eq 'failure'";
            rc.QueryParameters.Top = 5;
        }));
        Assert.All(failures.Value!, f =>
        {
            Assert.Equal(ProvisioningResult.Failure, f.ProvisioningStatusInfo!.Status);
            Assert.NotNull(f.ProvisioningStatusInfo.ErrorInformation?.ErrorCode);
        });
    }

    [Fact]
    public async Task SeededJob_Deserializes()
    {
        SynchronizationJob job = Lossless(await Client.ServicePrincipals[SpId].Synchronization.Jobs[JobId].GetAsync());
        Assert.Equal(JobId, job.Id);
        Assert.NotNull(job.Schedule?.State);
        Assert.NotNull(job.Status?.Code);
    }
}
