// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace PulumiScim.Provisioning;

/// <summary>
/// The parts of a provisioning job's schema that the guide edits, found by the selection rules that survive the
/// "Azure Active Directory" to "Microsoft Entra ID" renaming: never by display name.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description>the outbound rule: the one synchronization rule with an object mapping whose <c>sourceObjectName</c> is <c>User</c>;</description></item>
/// <item><description>the User and Group object mappings: that rule's object mappings by <c>sourceObjectName</c>;</description></item>
/// <item><description>the target directory: <c>directories[].name</c> equal to the rule's <c>targetDirectoryName</c>;</description></item>
/// <item><description>the target User object: that directory's <c>objects[].name</c> equal to the User mapping's <c>targetObjectName</c>.</description></item>
/// </list>
/// </remarks>
internal sealed class SchemaParts
{
    private const string RecreateHint = "restore the default mappings (portal: Provisioning > Mappings > Restore default mappings) or recreate the provisioning job from the 'scim' template";

    private SchemaParts(JsonObject rule, JsonObject userMapping, JsonObject? groupMapping)
    {
        Rule = rule;
        UserMapping = userMapping;
        GroupMapping = groupMapping;
    }

    /// <summary>The outbound synchronization rule.</summary>
    public JsonObject Rule { get; }

    /// <summary>The rule's User object mapping ("Provision ... Users").</summary>
    public JsonObject UserMapping { get; }

    /// <summary>The rule's Group object mapping ("Provision ... Groups"), when it has one.</summary>
    public JsonObject? GroupMapping { get; }

    /// <summary>A short name of the rule for messages: its id, else its name.</summary>
    public string RuleLabel => SchemaJson.GetString(Rule, "id") ?? SchemaJson.GetString(Rule, "name") ?? "(unnamed)";

    /// <summary>Finds the outbound rule and its User and Group object mappings.</summary>
    /// <exception cref="SchemaShapeException">There is no such rule, or more than one, or more than one User or Group mapping.</exception>
    public static SchemaParts Locate(JsonObject schema)
    {
        var rules = SchemaJson.Objects(schema, "synchronizationRules")
            .Where(rule => MappingsFrom(rule, "User").Any())
            .ToList();
        if (rules.Count == 0)
        {
            throw new SchemaShapeException(
                "The job's schema has no synchronization rule with a User object mapping (an objectMappings entry with sourceObjectName 'User'); " +
                "is this a SCIM (templateId 'scim') job? Create the provisioning job from the 'scim' template, or " + RecreateHint + ".");
        }

        if (rules.Count > 1)
        {
            var ids = string.Join(", ", rules.Select(rule => SchemaJson.GetString(rule, "id") ?? "(no id)"));
            throw new SchemaShapeException(
                $"The job's schema has {rules.Count} synchronization rules with a User object mapping ({ids}); a SCIM job has one outbound rule. " +
                "Remove the extra rules or recreate the provisioning job from the 'scim' template.");
        }

        var rule = rules[0];
        var parts = new SchemaParts(rule, Single(rule, "User")!, Single(rule, "Group"));
        return parts;
    }

    /// <summary>The Group object mapping.</summary>
    /// <exception cref="SchemaShapeException">The rule has no Group object mapping.</exception>
    public JsonObject RequireGroupMapping()
        => GroupMapping ?? throw new SchemaShapeException(
            $"The synchronization rule {RuleLabel} has no Group object mapping (an objectMappings entry with sourceObjectName 'Group'), " +
            "so group provisioning cannot be switched. To get it back, " + RecreateHint + ".");

    /// <summary>The target directory: <c>directories[].name</c> equal to the rule's <c>targetDirectoryName</c>.</summary>
    /// <exception cref="SchemaShapeException">The rule names no target directory, or the schema has no directory of that name.</exception>
    public JsonObject RequireTargetDirectory(JsonObject schema)
    {
        var name = SchemaJson.GetString(Rule, "targetDirectoryName");
        if (string.IsNullOrEmpty(name))
        {
            throw new SchemaShapeException(
                $"The synchronization rule {RuleLabel} has no targetDirectoryName, so its target directory cannot be found. " +
                "Recreate the provisioning job from the 'scim' template.");
        }

        return SchemaJson.Objects(schema, "directories").FirstOrDefault(directory => SchemaJson.SameName(SchemaJson.GetString(directory, "name"), name))
            ?? throw new SchemaShapeException(
                $"The synchronization rule {RuleLabel} targets the directory '{name}', but the schema has no directory of that name " +
                $"(directories: {NameList(schema, "directories")}). Recreate the provisioning job from the 'scim' template.");
    }

    /// <summary>
    /// The object of the target directory that an object mapping targets: <c>objects[].name</c> equal to the mapping's
    /// <c>targetObjectName</c>.
    /// </summary>
    /// <exception cref="SchemaShapeException">The mapping names no target object, or the directory has no object of that name.</exception>
    public static JsonObject RequireTargetObject(JsonObject directory, JsonObject objectMapping)
    {
        var directoryName = SchemaJson.GetString(directory, "name");
        var mappingLabel = $"{SchemaJson.GetString(objectMapping, "sourceObjectName")} object mapping";
        var name = SchemaJson.GetString(objectMapping, "targetObjectName");
        if (string.IsNullOrEmpty(name))
        {
            throw new SchemaShapeException(
                $"The {mappingLabel} has no targetObjectName, so its target object in '{directoryName}' cannot be found. To fix it, " + RecreateHint + ".");
        }

        return SchemaJson.Objects(directory, "objects").FirstOrDefault(obj => SchemaJson.SameName(SchemaJson.GetString(obj, "name"), name))
            ?? throw new SchemaShapeException(
                $"The {mappingLabel} targets the object '{name}', but the directory '{directoryName}' has no object of that name " +
                $"(objects: {NameList(directory, "objects")}). To fix it, " + RecreateHint + ".");
    }

    /// <summary>The attribute definition of an object, by name.</summary>
    /// <exception cref="SchemaShapeException">The object has no attribute of that name.</exception>
    public static JsonObject RequireAttribute(JsonObject directory, JsonObject obj, string attributeName)
        => FindAttribute(obj, attributeName) ?? throw new SchemaShapeException(
            $"The object '{SchemaJson.GetString(obj, "name")}' of the directory '{SchemaJson.GetString(directory, "name")}' has no attribute " +
            $"'{attributeName}', which Pulumi needs. Add it back (portal: Mappings > Show advanced options > Edit attribute list for " +
            $"{SchemaJson.GetString(directory, "name")}) or recreate the provisioning job from the 'scim' template.");

    /// <summary>The attribute definition of an object, by name, or <see langword="null"/>.</summary>
    public static JsonObject? FindAttribute(JsonObject obj, string attributeName)
        => SchemaJson.Objects(obj, "attributes").FirstOrDefault(attribute => SchemaJson.SameName(SchemaJson.GetString(attribute, "name"), attributeName));

    private static IEnumerable<JsonObject> MappingsFrom(JsonObject rule, string sourceObjectName)
        => SchemaJson.Objects(rule, "objectMappings")
            .Where(mapping => SchemaJson.SameName(SchemaJson.GetString(mapping, "sourceObjectName"), sourceObjectName));

    private static JsonObject? Single(JsonObject rule, string sourceObjectName)
    {
        var mappings = MappingsFrom(rule, sourceObjectName).ToList();
        if (mappings.Count > 1)
        {
            throw new SchemaShapeException(
                $"The synchronization rule {SchemaJson.GetString(rule, "id") ?? "(no id)"} has {mappings.Count} object mappings with sourceObjectName " +
                $"'{sourceObjectName}'; the guide expects one. Remove the extra mappings or recreate the provisioning job from the 'scim' template.");
        }

        return mappings.FirstOrDefault();
    }

    private static string NameList(JsonObject parent, string property)
    {
        var names = SchemaJson.Objects(parent, property).Select(item => $"'{SchemaJson.GetString(item, "name")}'").ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }
}
