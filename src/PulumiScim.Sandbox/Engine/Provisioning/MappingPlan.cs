// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Sandbox.Engine.Expressions;

namespace PulumiScim.Sandbox.Engine.Provisioning;

/// <summary>One attribute mapping of an object mapping, with its parsed expression and the target attribute it writes.</summary>
internal sealed class AttributeMappingPlan
{
    private AttributeMappingPlan(JsonObject mapping, JsonObject? targetDefinition)
    {
        Mapping = mapping;
        TargetDefinition = targetDefinition;
        TargetAttributeName = Text(mapping["targetAttributeName"]) ?? string.Empty;
        FlowType = Text(mapping["flowType"]) ?? "Always";
        DefaultValue = Text(mapping["defaultValue"]);
        MatchingPriority = mapping["matchingPriority"] is JsonValue p && p.TryGetValue(out int priority) ? priority : 0;
        SourceText = Text((mapping["source"] as JsonObject)?["expression"]) ?? Text((mapping["source"] as JsonObject)?["name"]) ?? string.Empty;
        (Expression, ParseError) = Read(mapping["source"] as JsonObject);
    }

    public JsonObject Mapping { get; }

    public string TargetAttributeName { get; }

    /// <summary>Always, ObjectAddOnly ("Only during object creation"), AttributeAddOnly, ...</summary>
    public string FlowType { get; }

    public string? DefaultValue { get; }

    public int MatchingPriority { get; }

    /// <summary>The expression as the mapping states it, for messages.</summary>
    public string SourceText { get; }

    public Expression? Expression { get; }

    /// <summary>Why the mapping's source is not a valid expression, when it is not.</summary>
    public ExpressionException? ParseError { get; }

    /// <summary>The target object's attributeDefinition for this attribute (type, required, caseExact, multivalued).</summary>
    public JsonObject? TargetDefinition { get; }

    public string TargetType => Text(TargetDefinition?["type"]) ?? "String";

    public bool IsReference => string.Equals(TargetType, "Reference", StringComparison.OrdinalIgnoreCase);

    public bool IsBoolean => string.Equals(TargetType, "Boolean", StringComparison.OrdinalIgnoreCase);

    public bool IsMultivalued => TargetDefinition?["multivalued"] is JsonValue m && m.TryGetValue(out bool b) && b;

    public bool CaseExact => TargetDefinition?["caseExact"] is JsonValue c && c.TryGetValue(out bool b) && b;

    public bool IsAddOnly => string.Equals(FlowType, "ObjectAddOnly", StringComparison.OrdinalIgnoreCase);

    public static AttributeMappingPlan From(JsonObject mapping, IReadOnlyDictionary<string, JsonObject> targetAttributes)
    {
        string target = Text(mapping["targetAttributeName"]) ?? string.Empty;
        return new AttributeMappingPlan(mapping, targetAttributes.TryGetValue(target, out JsonObject? def) ? def : null);
    }

    /// <summary>
    /// The mapping source's expression. Its <c>expression</c> text is read first: it is what the portal shows and
    /// parseExpression echoes, and it keeps what the parameter list cannot, such as Switch's empty default in
    /// <c>Switch([IsSoftDeleted], , "False", "True", "True", "False")</c>, whose parameters repeat the keys "key" and
    /// "value". The parameter tree is used when there is no text or the text does not parse.
    /// </summary>
    private static (Expression? Expression, ExpressionException? Error) Read(JsonObject? source)
    {
        if (source is null)
        {
            return (null, new ExpressionException(ExpressionErrorKind.InvalidMappingSource, "The mapping has no source."));
        }

        if (Text(source["expression"]) is { Length: > 0 } text && Expressions.Expression.TryParse(text, out Expression? parsed, out _))
        {
            return (parsed, null);
        }

        try
        {
            return (Expressions.Expression.FromAttributeMappingSource(source), null);
        }
        catch (ExpressionException ex)
        {
            return (null, ex);
        }
    }

    internal static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}

/// <summary>An enabled object mapping (users or groups) of the outbound rule, resolved against the target directory.</summary>
internal sealed class ObjectMappingPlan
{
    public ObjectMappingPlan(JsonObject mapping, IReadOnlyDictionary<string, JsonObject> targetAttributes)
    {
        SourceObjectName = AttributeMappingPlan.Text(mapping["sourceObjectName"]) ?? string.Empty;
        TargetObjectName = AttributeMappingPlan.Text(mapping["targetObjectName"]) ?? string.Empty;
        TargetAttributes = targetAttributes;
        Attributes = (mapping["attributeMappings"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(m => AttributeMappingPlan.From(m, targetAttributes))
            .ToList();

        // "matchingPriority: 0 = not used for matching; the lowest value above 0 is tried first" (attributeMapping doc; docs/graph-facts.md).
        Matching = Attributes.Where(a => a.MatchingPriority > 0).OrderBy(a => a.MatchingPriority).FirstOrDefault();
    }

    public string SourceObjectName { get; }

    public string TargetObjectName { get; }

    public IReadOnlyDictionary<string, JsonObject> TargetAttributes { get; }

    public List<AttributeMappingPlan> Attributes { get; }

    public AttributeMappingPlan? Matching { get; }

    /// <summary>The target attributes whose definition says <c>required: true</c>.</summary>
    public IEnumerable<string> RequiredTargetAttributes => TargetAttributes
        .Where(kv => kv.Value["required"] is JsonValue r && r.TryGetValue(out bool b) && b)
        .Select(kv => kv.Key);

    /// <summary>The key of <c>status.synchronizedEntryCountByType</c> ("user to User" in the Graph docs' AD example).</summary>
    public string EntryCountKey => $"{SourceObjectName} to {TargetObjectName}";
}

/// <summary>
/// What a cycle reads from the job's schema: the outbound rule whose object mappings have sourceObjectName "User" and
/// "Group" (matched by object name, never by display name: docs/graph-facts.md, display names drift), its directories' names and ids.
/// </summary>
internal sealed class MappingPlan
{
    private MappingPlan(string ruleId, string sourceDirectoryName, string targetDirectoryName)
    {
        RuleId = ruleId;
        SourceDirectoryName = sourceDirectoryName;
        TargetDirectoryName = targetDirectoryName;
    }

    public string RuleId { get; }

    public string SourceDirectoryName { get; }

    public string TargetDirectoryName { get; }

    public string? SourceDirectoryId { get; private set; }

    public string? TargetDirectoryId { get; private set; }

    /// <summary>The enabled user mapping, or null when users are not provisioned.</summary>
    public ObjectMappingPlan? Users { get; private set; }

    /// <summary>The enabled group mapping, or null when groups are not provisioned.</summary>
    public ObjectMappingPlan? Groups { get; private set; }

    /// <summary>The ids of every synchronization rule in the schema (provisionOnDemand's ruleId must be one).</summary>
    public static List<string> RuleIds(JsonObject schema) =>
        (schema["synchronizationRules"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(r => AttributeMappingPlan.Text(r["id"]))
            .Where(id => id is not null)
            .Select(id => id!)
            .ToList();

    /// <summary>Reads the plan from a schema; <paramref name="ruleId"/> picks a rule, else the first with a User mapping.</summary>
    public static MappingPlan? From(JsonObject schema, string? ruleId = null)
    {
        JsonObject? rule = (schema["synchronizationRules"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(r => ruleId is not null
                ? string.Equals(AttributeMappingPlan.Text(r["id"]), ruleId, StringComparison.OrdinalIgnoreCase)
                : (r["objectMappings"] as JsonArray ?? []).OfType<JsonObject>().Any(m => AttributeMappingPlan.Text(m["sourceObjectName"]) == "User"));
        if (rule is null)
        {
            return null;
        }

        var plan = new MappingPlan(
            AttributeMappingPlan.Text(rule["id"]) ?? string.Empty,
            AttributeMappingPlan.Text(rule["sourceDirectoryName"]) ?? "Azure Active Directory",
            AttributeMappingPlan.Text(rule["targetDirectoryName"]) ?? "customappsso");
        JsonObject? Directory(string name) => (schema["directories"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(d => string.Equals(AttributeMappingPlan.Text(d["name"]), name, StringComparison.Ordinal));
        JsonObject? targetDirectory = Directory(plan.TargetDirectoryName);
        plan.SourceDirectoryId = AttributeMappingPlan.Text(Directory(plan.SourceDirectoryName)?["id"]);
        plan.TargetDirectoryId = AttributeMappingPlan.Text(targetDirectory?["id"]);

        foreach (JsonObject mapping in (rule["objectMappings"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (mapping["enabled"] is not JsonValue e || !e.TryGetValue(out bool enabled) || !enabled)
            {
                continue;
            }

            string? target = AttributeMappingPlan.Text(mapping["targetObjectName"]);
            JsonObject? targetObject = (targetDirectory?["objects"] as JsonArray ?? []).OfType<JsonObject>()
                .FirstOrDefault(o => string.Equals(AttributeMappingPlan.Text(o["name"]), target, StringComparison.Ordinal));
            var attributes = new Dictionary<string, JsonObject>(StringComparer.OrdinalIgnoreCase);
            foreach (JsonObject a in (targetObject?["attributes"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (AttributeMappingPlan.Text(a["name"]) is string name)
                {
                    attributes[name] = a;
                }
            }

            switch (AttributeMappingPlan.Text(mapping["sourceObjectName"]))
            {
                case "User":
                    plan.Users ??= new ObjectMappingPlan(mapping, attributes);
                    break;
                case "Group":
                    plan.Groups ??= new ObjectMappingPlan(mapping, attributes);
                    break;
            }
        }

        return plan;
    }
}
