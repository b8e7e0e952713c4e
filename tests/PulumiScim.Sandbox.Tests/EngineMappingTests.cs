// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Engine.Expressions;
using PulumiScim.Sandbox.Engine.Provisioning;
using PulumiScim.Sandbox.State;

namespace PulumiScim.Sandbox.Tests;

/// <summary>The engine's pure parts: target attribute paths in SCIM resources, and reading the template's mappings.</summary>
public sealed class EngineMappingTests
{
    [Theory]
    [InlineData("userName", """{"userName":"v"}""")]
    [InlineData("name.givenName", """{"name":{"givenName":"v"}}""")]
    [InlineData("emails[type eq \"work\"].value", """{"emails":[{"type":"work","primary":true,"value":"v"}]}""")]
    [InlineData("addresses[type eq \"work\"].locality", """{"addresses":[{"type":"work","locality":"v"}]}""")]
    [InlineData("phoneNumbers[type eq \"mobile\"].value", """{"phoneNumbers":[{"type":"mobile","value":"v"}]}""")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", """{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"v"}}""")]
    public void Paths_AreWrittenAsEntraWritesThem_AndReadBack(string path, string expected)
    {
        var resource = new JsonObject();
        ScimPath.Set(resource, path, "v");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), resource), resource.ToJsonString());
        Assert.Equal("v", ScimPath.Text(ScimPath.Get(resource, path)));
    }

    [Fact]
    public void TwoElementsOfOneMultiValuedAttribute_StaySeparate()
    {
        var resource = new JsonObject();
        ScimPath.Set(resource, "phoneNumbers[type eq \"work\"].value", "1");
        ScimPath.Set(resource, "phoneNumbers[type eq \"mobile\"].value", "2");
        Assert.Equal(2, resource["phoneNumbers"]!.AsArray().Count);
        Assert.Equal("2", ScimPath.Text(ScimPath.Get(resource, "phoneNumbers[type eq \"mobile\"].value")));
    }

    [Fact]
    public void TheTemplatesActiveMapping_IsReadFromItsExpressionText()
    {
        // Its parameter list repeats the keys "key" and "value" and cannot say that Switch's default is empty.
        MappingPlan plan = MappingPlan.From(ScimTemplate.DefaultSchema("scim.x"))!;
        AttributeMappingPlan active = plan.Users!.Attributes.Single(a => a.TargetAttributeName == "active");
        Assert.Null(active.ParseError);
        Assert.Equal("Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")", active.Expression!.ToString());
        Assert.Equal("False", active.Expression.Evaluate(ExpressionSource.FromGraphObject(new JsonObject { ["id"] = "1" }, isSoftDeleted: true)).AsString);
        Assert.Equal("True", active.Expression.Evaluate(ExpressionSource.FromGraphObject(new JsonObject { ["id"] = "1" }, isSoftDeleted: false)).AsString);
        Assert.True(active.IsBoolean);
        Assert.Equal("userName", plan.Users.Matching!.TargetAttributeName);
        Assert.Null(plan.Groups); // groups start disabled in the template
    }

    [Theory]
    [InlineData("PT40M", 2400)]
    [InlineData("PT1S", 1)]
    [InlineData("P1DT2H", 93600)]
    [InlineData("nonsense", 2400)]
    [InlineData(null, 2400)]
    public void Intervals_AreIso8601Durations(string? text, double seconds) =>
        Assert.Equal(seconds, JobSnapshot.ParseInterval(text).TotalSeconds);

    [Fact]
    public void TheDotNetMaxValuePlaceholder_IsAnIntervalThatNeverComes() =>
        Assert.True(JobSnapshot.ParseInterval("P10675199DT2H48M5.4775807S") > TimeSpan.FromDays(10000));

    [Fact]
    public void QuarantinedJobs_BackOffToOnceADay()
    {
        var now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal(now.AddMinutes(40), JobStatusWriter.NextAttempt(now, TimeSpan.FromMinutes(40), 1));
        Assert.Equal(now.AddMinutes(80), JobStatusWriter.NextAttempt(now, TimeSpan.FromMinutes(40), 2));
        Assert.Equal(now.AddDays(1), JobStatusWriter.NextAttempt(now, TimeSpan.FromMinutes(40), 12));
    }
}
