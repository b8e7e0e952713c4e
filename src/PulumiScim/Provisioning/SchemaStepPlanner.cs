// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Model;

namespace PulumiScim.Provisioning;

/// <summary>Turns a schema planner's result into an <see cref="AppPlan"/>: its checks, and one schema write when it changes anything.</summary>
internal static class SchemaStepPlanner
{
    /// <summary>Plans a guide step on the schema as read.</summary>
    /// <exception cref="ProvisioningPlanException">The schema lacks a part the step edits.</exception>
    public static AppPlan Plan(JsonObject schema, Func<JsonObject, SchemaPlan> planner)
    {
        SchemaPlan plan = planner(schema);
        return new AppPlan(
            plan.Checks,
            plan.IsEmpty ? [] : [new PutSchemaChange(schema, plan.Schema, planner, plan.Changes.Select(c => c.Description).ToList())]);
    }

    /// <summary>Plans replacing the whole schema with a file's (Import-ScimSchema).</summary>
    public static AppPlan PlanReplace(JsonObject schema, JsonObject wanted, string path)
    {
        bool same = JsonNode.DeepEquals(schema, wanted);
        var check = new ScimConfigurationCheck("Schema", $"the schema in '{path}'", same ? "the same" : "different", same, "Run Import-ScimSchema.");
        return new AppPlan([check], same ? [] : [new PutSchemaChange(schema, (JsonObject)wanted.DeepClone(), null, [$"replace the whole schema with '{path}'"])]);
    }
}
