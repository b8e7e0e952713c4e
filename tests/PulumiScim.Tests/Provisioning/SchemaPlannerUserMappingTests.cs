// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Provisioning;
using static PulumiScim.Tests.Provisioning.Fixtures;

namespace PulumiScim.Tests.Provisioning;

public class SchemaPlannerUserMappingTests
{
    private static readonly string[] s_kept = ["userName", "active", "displayName", WorkEmail, "name.givenName", "name.familyName"];

    private static readonly string[] s_defaultRemovals =
    [
        "remove mapping title <- [jobTitle]",
        "remove mapping preferredLanguage <- [preferredLanguage]",
        "remove mapping name.formatted <- Join(\" \", [givenName], [surname])",
        "remove mapping addresses[type eq \"work\"].formatted <- [physicalDeliveryOfficeName]",
        "remove mapping addresses[type eq \"work\"].streetAddress <- [streetAddress]",
        "remove mapping addresses[type eq \"work\"].locality <- [city]",
        "remove mapping addresses[type eq \"work\"].region <- [state]",
        "remove mapping addresses[type eq \"work\"].postalCode <- [postalCode]",
        "remove mapping addresses[type eq \"work\"].country <- [country]",
        "remove mapping phoneNumbers[type eq \"work\"].value <- [telephoneNumber]",
        "remove mapping phoneNumbers[type eq \"mobile\"].value <- [mobile]",
        "remove mapping phoneNumbers[type eq \"fax\"].value <- [facsimileTelephoneNumber]",
        "remove mapping externalId <- [mailNickname]",
        $"remove mapping {EnterpriseUser}:employeeNumber <- [employeeId]",
        $"remove mapping {EnterpriseUser}:department <- [department]",
        $"remove mapping {EnterpriseUser}:manager <- [manager]",
    ];

    public static TheoryData<string> DefaultShapedSchemas => new() { "default", "entra" };

    public static TheoryData<string, UserNameSource, UserNameFlow> AllSchemasAndOptions()
    {
        var data = new TheoryData<string, UserNameSource, UserNameFlow>();
        foreach (var schema in new[] { "default", "entra", "custom" })
        {
            foreach (var source in Enum.GetValues<UserNameSource>())
            {
                foreach (var flow in Enum.GetValues<UserNameFlow>())
                {
                    data.Add(schema, source, flow);
                }
            }
        }

        return data;
    }

    internal static JsonObject Schema(string name) => name switch
    {
        "default" => DefaultSchema(),
        "entra" => EntraSchema(),
        "custom" => CustomSchema(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(DefaultShapedSchemas))]
    public void DefaultSchema_PlansTheGuidesSteps(string name)
    {
        var plan = SchemaPlanner.PlanUserMapping(Schema(name));

        string[] expected =
        [
            "userName: source [userPrincipalName] -> [mailNickname]",
            "userName: flowType Always -> ObjectAddOnly",
            .. s_defaultRemovals,
            "emails[type eq \"work\"].value: required false -> true",
        ];
        Assert.Equal(expected, Descriptions(plan));
        Assert.False(plan.IsEmpty);
        Assert.Equal(s_kept, Targets(plan.Schema, "User"));
    }

    [Fact]
    public void DefaultSchema_ChangesCarryKindTargetBeforeAndAfter()
    {
        var plan = SchemaPlanner.PlanUserMapping(DefaultSchema());

        Assert.Equal(new SchemaChange(SchemaChangeKind.SetUserNameSource, "userName", "[userPrincipalName]", "[mailNickname]",
            "userName: source [userPrincipalName] -> [mailNickname]"), plan.Changes[0]);
        Assert.Equal(new SchemaChange(SchemaChangeKind.SetFlowType, "userName", "Always", "ObjectAddOnly",
            "userName: flowType Always -> ObjectAddOnly"), plan.Changes[1]);
        var title = plan.Changes.Single(change => change.Target == "title");
        Assert.Equal(SchemaChangeKind.RemoveMapping, title.Kind);
        Assert.Equal("title <- [jobTitle]", title.Before);
        Assert.Null(title.After);
        var required = plan.Changes[^1];
        Assert.Equal(SchemaChangeKind.SetRequired, required.Kind);
        Assert.Equal((WorkEmail, "false", "true"), (required.Target, required.Before, required.After));
        Assert.Equal(16, plan.Changes.Count(change => change.Kind == SchemaChangeKind.RemoveMapping));
    }

    [Fact]
    public void UserNameMapping_GetsTheMailNicknameSourceAndKeepsMatchingFlowBehaviorAndDefault()
    {
        var input = DefaultSchema();
        var plan = SchemaPlanner.PlanUserMapping(input);

        var userName = Mapping(plan.Schema, "User", "userName")!;
        Assert.Equal("""{"expression":"[mailNickname]","name":"mailNickname","parameters":[],"type":"Attribute"}""", Json(userName["source"]));
        Assert.Equal(1, (int)userName["matchingPriority"]!);
        Assert.Equal("FlowWhenChanged", (string?)userName["flowBehavior"]);
        Assert.Null(userName["defaultValue"]);
        Assert.True(userName.ContainsKey("defaultValue"));
        Assert.Equal("ObjectAddOnly", (string?)userName["flowType"]);
        Assert.Equal(
            ["defaultValue", "exportMissingReferences", "flowBehavior", "flowType", "matchingPriority", "source", "targetAttributeName"],
            userName.Select(property => property.Key));
    }

    [Fact]
    public void UserPrincipalNameAlways_OnlyRemovesMappingsAndRequiresEmail()
    {
        var plan = SchemaPlanner.PlanUserMapping(DefaultSchema(), UserNameSource.UserPrincipalName, UserNameFlow.Always);

        Assert.Equal([.. s_defaultRemovals, "emails[type eq \"work\"].value: required false -> true"], Descriptions(plan));
        Assert.Equal(Json(Mapping(DefaultSchema(), "User", "userName")), Json(Mapping(plan.Schema, "User", "userName")));
    }

    [Fact]
    public void UserPrincipalNameCreateOnly_IsPulumisCurrentGuide()
    {
        var plan = SchemaPlanner.PlanUserMapping(DefaultSchema(), UserNameSource.UserPrincipalName, UserNameFlow.CreateOnly);

        Assert.Equal("userName: flowType Always -> ObjectAddOnly", plan.Changes[0].Description);
        Assert.DoesNotContain(plan.Changes, change => change.Kind == SchemaChangeKind.SetUserNameSource);
        Assert.Equal("[userPrincipalName]", (string?)Mapping(plan.Schema, "User", "userName")!["source"]!["expression"]);
    }

    [Theory]
    [MemberData(nameof(AllSchemasAndOptions))]
    public void PlanningTheEditedSchema_IsEmpty(string name, UserNameSource source, UserNameFlow flow)
    {
        var first = SchemaPlanner.PlanUserMapping(Schema(name), source, flow);
        var second = SchemaPlanner.PlanUserMapping(first.Schema, source, flow);

        Assert.True(second.IsEmpty, second.Summary);
        Assert.Equal("no changes", second.Summary);
        Assert.All(second.Checks, check => Assert.True(check.Passed, check.Name));
        Assert.Equal(Json(first.Schema), Json(second.Schema));
    }

    [Theory]
    [MemberData(nameof(AllSchemasAndOptions))]
    public void Planning_NeverMutatesTheInput(string name, UserNameSource source, UserNameFlow flow)
    {
        var input = Schema(name);
        var before = Json(input);

        var plan = SchemaPlanner.PlanUserMapping(input, source, flow);

        Assert.Equal(before, Json(input));
        Assert.NotSame(input, plan.Schema);
    }

    [Fact]
    public void KeptMappings_AreTheOriginalObjectsUntouched()
    {
        var input = DefaultSchema();
        var plan = SchemaPlanner.PlanUserMapping(input);

        foreach (var target in s_kept.Skip(1))
        {
            Assert.Equal(Json(Mapping(input, "User", target)), Json(Mapping(plan.Schema, "User", target)));
        }

        var active = Mapping(plan.Schema, "User", "active")!;
        Assert.Equal("Switch", (string?)active["source"]!["name"]);
        Assert.Equal(6, active["source"]!["parameters"]!.AsArray().Count);
    }

    [Fact]
    public void CustomSchema_PlansOnlyWhatIsLeft()
    {
        var plan = SchemaPlanner.PlanUserMapping(CustomSchema());

        string[] expected =
        [
            "userName: flowType Always -> ObjectAddOnly",
            .. s_defaultRemovals,
            "remove mapping urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter <- [extension_1234_costCenter]",
        ];
        Assert.Equal(expected, Descriptions(plan));
        Assert.Equal(s_kept, Targets(plan.Schema, "User"));
    }

    [Fact]
    public void SourceCompare_IgnoresCaseOfTheAttributeName()
    {
        var schema = DefaultSchema();
        var source = Mapping(schema, "User", "userName")!["source"]!.AsObject();
        source["expression"] = "[MailNickname]";
        source["name"] = "MailNickname";

        var plan = SchemaPlanner.PlanUserMapping(schema);

        Assert.DoesNotContain(plan.Changes, change => change.Kind == SchemaChangeKind.SetUserNameSource);
        Assert.Equal("[MailNickname]", (string?)Mapping(plan.Schema, "User", "userName")!["source"]!["expression"]);
    }

    [Fact]
    public void FunctionSource_IsReplacedByTheAttributeAndLosesItsParameters()
    {
        var schema = DefaultSchema();
        var userName = Mapping(schema, "User", "userName")!;
        userName["source"] = JsonNode.Parse("""
            {"expression":"ToLower([userPrincipalName], )","name":"ToLower","parameters":[{"key":"source","value":{"expression":"[userPrincipalName]","name":"userPrincipalName","parameters":[],"type":"Attribute"}}],"type":"Function"}
            """);

        var plan = SchemaPlanner.PlanUserMapping(schema);

        Assert.Equal("userName: source ToLower([userPrincipalName], ) -> [mailNickname]", plan.Changes[0].Description);
        Assert.Equal("""{"expression":"[mailNickname]","name":"mailNickname","parameters":[],"type":"Attribute"}""", Json(Mapping(plan.Schema, "User", "userName")!["source"]));
    }

    [Fact]
    public void MissingSource_GetsTheAttributeSource()
    {
        var schema = DefaultSchema();
        Mapping(schema, "User", "userName")!.Remove("source");

        var plan = SchemaPlanner.PlanUserMapping(schema);

        Assert.Equal("userName: source (no source) -> [mailNickname]", plan.Changes[0].Description);
        Assert.Equal("""{"expression":"[mailNickname]","name":"mailNickname","type":"Attribute","parameters":[]}""", Json(Mapping(plan.Schema, "User", "userName")!["source"]));
    }

    [Fact]
    public void MissingKeptMappings_AreAddedWithTheirDefaultSources()
    {
        var schema = DefaultSchema();
        var mappings = Mappings(schema, "User");
        foreach (var target in new[] { "active", "displayName", WorkEmail, "name.givenName", "name.familyName" })
        {
            mappings.Remove(Mapping(schema, "User", target));
        }

        var plan = SchemaPlanner.PlanUserMapping(schema);

        Assert.Equal(
            [
                "add mapping active <- " + "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")",
                "add mapping displayName <- [displayName]",
                "add mapping emails[type eq \"work\"].value <- [mail]",
                "add mapping name.givenName <- [givenName]",
                "add mapping name.familyName <- [surname]",
            ],
            plan.Changes.Where(change => change.Kind == SchemaChangeKind.AddMapping).Select(change => change.Description));
        Assert.Equal(
            """{"defaultValue":null,"exportMissingReferences":false,"flowBehavior":"FlowWhenChanged","flowType":"Always","matchingPriority":0,"source":{"expression":"[surname]","name":"surname","type":"Attribute","parameters":[]},"targetAttributeName":"name.familyName"}""",
            Json(Mapping(plan.Schema, "User", "name.familyName")));
        var active = Mapping(plan.Schema, "User", "active")!["source"]!;
        Assert.Equal("Function", (string?)active["type"]);
        Assert.Equal(["source", "defaultValue", "key", "value", "key", "value"], active["parameters"]!.AsArray().Select(parameter => (string)parameter!["key"]!));
        Assert.True(SchemaPlanner.PlanUserMapping(plan.Schema).IsEmpty);
        Assert.Contains(plan.Checks, check => check is { Name: "keep mapping displayName", Passed: false, Actual: "missing" });
    }

    [Fact]
    public void MissingUserNameMapping_IsAddedAsTheMatchingMapping()
    {
        var schema = DefaultSchema();
        Mappings(schema, "User").RemoveAt(0);

        var plan = SchemaPlanner.PlanUserMapping(schema);

        Assert.Equal("add mapping userName <- [mailNickname] (flowType ObjectAddOnly, matching)", plan.Changes[0].Description);
        var userName = Mapping(plan.Schema, "User", "userName")!;
        Assert.Equal(1, (int)userName["matchingPriority"]!);
        Assert.Equal("ObjectAddOnly", (string?)userName["flowType"]);
        Assert.Equal(s_kept, Targets(plan.Schema, "User"));
        Assert.True(SchemaPlanner.PlanUserMapping(plan.Schema).IsEmpty);
    }

    [Fact]
    public void MatchingOnARemovedMapping_MovesToUserName()
    {
        var schema = DefaultSchema();
        Mapping(schema, "User", "userName")!["matchingPriority"] = 0;
        Mapping(schema, "User", "externalId")!["matchingPriority"] = 1;

        var plan = SchemaPlanner.PlanUserMapping(schema);

        Assert.Contains("userName: matchingPriority 0 -> 1", Descriptions(plan));
        Assert.Equal(1, (int)Mapping(plan.Schema, "User", "userName")!["matchingPriority"]!);
        Assert.Contains(plan.Checks, check => check is { Name: "matching attribute", Passed: false });
    }

    [Fact]
    public void MatchingOnAnotherKeptMapping_IsLeftAlone()
    {
        var schema = DefaultSchema();
        Mapping(schema, "User", "userName")!["matchingPriority"] = 0;
        Mapping(schema, "User", "displayName")!["matchingPriority"] = 1;

        var plan = SchemaPlanner.PlanUserMapping(schema);

        Assert.DoesNotContain(plan.Changes, change => change.Kind == SchemaChangeKind.SetMatchingPriority);
        Assert.Contains(plan.Checks, check => check is { Name: "matching attribute", Passed: true, Actual: "displayName" });
    }

    [Fact]
    public void DisabledUserObjectMapping_IsEnabled()
    {
        var schema = DefaultSchema();
        ObjectMapping(schema, "User")["enabled"] = false;

        var plan = SchemaPlanner.PlanUserMapping(schema);

        Assert.Equal("Provision Users: enabled false -> true", plan.Changes[0].Description);
        Assert.Equal(SchemaChangeKind.EnableUserObjectMapping, plan.Changes[0].Kind);
        Assert.True((bool)ObjectMapping(plan.Schema, "User")["enabled"]!);
    }

    [Fact]
    public void RequiredMissingOnTheEmailAttribute_IsAddedAtTheEnd()
    {
        var schema = DefaultSchema();
        Attribute(UserObject(schema), WorkEmail).Remove("required");

        var plan = SchemaPlanner.PlanUserMapping(schema);

        Assert.Equal("emails[type eq \"work\"].value: required (unset) -> true", plan.Changes[^1].Description);
        var email = Attribute(UserObject(plan.Schema), WorkEmail);
        Assert.Equal("required", email.Last().Key);
        Assert.True((bool)email["required"]!);
    }

    [Fact]
    public void RequiredIsSetInPlace_KeepingThePropertyOrder()
    {
        var input = DefaultSchema();
        var plan = SchemaPlanner.PlanUserMapping(input);

        var before = Attribute(UserObject(input), WorkEmail);
        var after = Attribute(UserObject(plan.Schema), WorkEmail);
        Assert.Equal(before.Select(property => property.Key), after.Select(property => property.Key));
        Assert.Equal(Json(before).Replace("\"required\":false", "\"required\":true", StringComparison.Ordinal), Json(after));
    }

    [Fact]
    public void Checks_CoverEveryGuideStepAndFailExactlyWhereThereAreChanges()
    {
        var plan = SchemaPlanner.PlanUserMapping(DefaultSchema());

        Assert.Equal(
            [
                ("Provision Users enabled", true),
                ("userName source", false),
                ("userName flowType", false),
                ("matching attribute", true),
                ("keep mapping active", true),
                ("keep mapping displayName", true),
                ($"keep mapping {WorkEmail}", true),
                ("keep mapping name.givenName", true),
                ("keep mapping name.familyName", true),
                .. Enumerable.Repeat(false, 16).Select((passed, index) => ("remove mapping " + plan.Changes[index + 2].Target, passed)),
                ($"{WorkEmail} required", false),
            ],
            plan.Checks.Select(check => (check.Name, check.Passed)));
        var source = plan.Checks.Single(check => check.Name == "userName source");
        Assert.Equal(("[mailNickname]", "[userPrincipalName]"), (source.Expected, source.Actual));
        Assert.Contains("mailNickname", source.Hint, StringComparison.Ordinal);
        var title = plan.Checks.Single(check => check.Name == "remove mapping title");
        Assert.Equal(("absent", "title <- [jobTitle]"), (title.Expected, title.Actual));
        Assert.Contains("invalidPath", title.Hint, StringComparison.Ordinal);
        Assert.All(plan.Checks, check => Assert.False(string.IsNullOrWhiteSpace(check.Hint)));
    }

    [Fact]
    public void Checks_OfAConfiguredSchema_AllPassWithTheActualValues()
    {
        var configured = SchemaPlanner.PlanUserMapping(DefaultSchema()).Schema;

        var checks = SchemaPlanner.PlanUserMapping(configured).Checks;

        Assert.All(checks, check => Assert.True(check.Passed, check.Name));
        Assert.Contains(checks, check => check is { Name: "userName source", Actual: "[mailNickname]" });
        Assert.Contains(checks, check => check is { Name: "keep mapping displayName", Actual: "displayName <- [displayName]" });
        Assert.Contains(checks, check => check is { Name: "other user mappings", Expected: "none", Actual: "none" });
    }

    [Fact]
    public void Summary_FoldsTheRemovalsIntoOnePart()
    {
        var plan = SchemaPlanner.PlanUserMapping(DefaultSchema());

        Assert.Equal(
            "userName: source [userPrincipalName] -> [mailNickname]; userName: flowType Always -> ObjectAddOnly; " +
            "remove 16 mappings: title, preferredLanguage, name.formatted, addresses[type eq \"work\"].formatted, " +
            "addresses[type eq \"work\"].streetAddress, addresses[type eq \"work\"].locality, ... (10 more); " +
            "emails[type eq \"work\"].value: required false -> true",
            plan.Summary);
        Assert.Equal(plan.Summary, plan.ToString());
    }

    [Fact]
    public void Summary_OfASingleRemoval_IsItsDescription()
    {
        var schema = SchemaPlanner.PlanUserMapping(DefaultSchema()).Schema;
        Mappings(schema, "User").Add(JsonNode.Parse("""{"targetAttributeName":"title","source":{"expression":"[jobTitle]","name":"jobTitle","type":"Attribute","parameters":[]}}"""));

        var plan = SchemaPlanner.PlanUserMapping(schema);

        Assert.Equal("remove mapping title <- [jobTitle]", plan.Summary);
    }
}
