// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Model;

namespace PulumiScim.Provisioning;

/// <summary>
/// Plans the guide's schema edits (Mappings steps 2-4 and group provisioning) as pure data over the job's schema JSON.
/// </summary>
/// <remarks>
/// Every planner edits a deep clone and leaves the input as it was; everything it does not edit keeps its value,
/// its unknown properties and its property order. Planning on a schema already in the guide's state yields an empty
/// plan. Parts are found by <see cref="SchemaParts"/>, never by display name.
/// <para>
/// Decisions beyond the guide's words: a kept user mapping that is missing is added with Entra's default source
/// (displayName &lt;- [displayName], name.givenName &lt;- [givenName], name.familyName &lt;- [surname],
/// emails &lt;- [mail], active &lt;- the <c>Switch([IsSoftDeleted], ...)</c> function); kept mappings that exist are
/// never rewritten except <c>userName</c>; a disabled User object mapping is enabled (nothing syncs otherwise); when
/// no kept mapping is used for matching any more, <c>userName</c> becomes the matching attribute. Enabling groups
/// likewise adds a missing group <c>displayName</c> (matching) or <c>members</c> mapping.
/// </para>
/// </remarks>
internal static class SchemaPlanner
{
    private const string ProvisionUsers = "Provision Users";
    private const string ProvisionGroups = "Provision Groups";
    private const string UnknownPathHint = "Pulumi rejects attributes it does not support (400 invalidPath \"Unknown path\"); the guide deletes every user mapping except userName, active, displayName, emails[type eq \"work\"].value, name.givenName and name.familyName.";

    /// <summary>
    /// Plans the guide's user mapping steps: <c>userName</c> sourced from <paramref name="source"/> and applied per
    /// <paramref name="flow"/>, every other user mapping deleted except the kept ones, and the work email required.
    /// </summary>
    /// <param name="schema">The job's schema as read by <c>GET .../jobs/{job}/schema</c>; not modified.</param>
    /// <param name="source">The <c>userName</c> source attribute.</param>
    /// <param name="flow">When the <c>userName</c> mapping is applied.</param>
    /// <returns>The plan; empty when the schema already is in that state.</returns>
    /// <exception cref="SchemaShapeException">The schema lacks the rule, mapping, directory, object or attribute to edit.</exception>
    public static SchemaPlan PlanUserMapping(JsonObject schema, UserNameSource source = UserNameSource.MailNickname, UserNameFlow flow = UserNameFlow.CreateOnly)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var edited = schema.DeepClone().AsObject();
        var parts = SchemaParts.Locate(edited);
        var directory = parts.RequireTargetDirectory(edited);
        var userObject = SchemaParts.RequireTargetObject(directory, parts.UserMapping);
        var emailAttribute = SchemaParts.RequireAttribute(directory, userObject, GuideMappings.WorkEmail);
        var recorder = new Recorder();

        SetEnabled(recorder, parts.UserMapping, ProvisionUsers, true, SchemaChangeKind.EnableUserObjectMapping,
            "Nothing is provisioned while the User object mapping is disabled.");

        var mappings = MappingArray(parts.UserMapping);
        var removed = mappings.OfType<JsonObject>().Where(mapping => !GuideMappings.IsKeptUserAttribute(Target(mapping))).ToList();
        var kept = mappings.OfType<JsonObject>().Except(removed).ToList();
        var hadMatching = kept.Any(IsMatching);

        var userName = PlanUserName(recorder, directory, userObject, mappings, kept, source, flow, hadMatching);
        PlanMatching(recorder, "matching attribute", "a kept mapping with matchingPriority > 0 (userName)",
            "Entra matches existing Pulumi users by the mapping with matching precedence; the guide matches on userName.",
            kept, userName, hadMatching, SchemaChangeKind.SetMatchingPriority, GuideMappings.UserName);
        foreach (var attribute in GuideMappings.KeptUserAttributes.Skip(1))
        {
            PlanNeededMapping(recorder, mappings, attribute, "mapping", SchemaChangeKind.AddMapping, $"Pulumi needs {attribute}; the guide keeps this mapping.",
                () => SchemaParts.RequireAttribute(directory, userObject, attribute), () => GuideMappings.DefaultUserSource(attribute), matchingPriority: 0);
        }

        PlanRemovals(recorder, mappings, removed, SchemaChangeKind.RemoveMapping, "mapping", "other user mappings", UnknownPathHint);
        PlanEmailRequired(recorder, emailAttribute);
        return recorder.ToPlan(edited);
    }

    /// <summary>
    /// Plans switching group provisioning on or off. Switching it on also removes the group <c>externalId</c>
    /// mapping (Pulumi's group schema has none) and adds a missing <c>displayName</c> or <c>members</c> mapping.
    /// </summary>
    /// <param name="schema">The job's schema as read by <c>GET .../jobs/{job}/schema</c>; not modified.</param>
    /// <param name="enable">Whether groups are provisioned to Pulumi teams.</param>
    /// <returns>The plan; empty when the schema already is in that state.</returns>
    /// <exception cref="SchemaShapeException">The schema lacks the rule or the Group object mapping, or an object or attribute a missing mapping needs.</exception>
    public static SchemaPlan PlanGroupProvisioning(JsonObject schema, bool enable)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var edited = schema.DeepClone().AsObject();
        var parts = SchemaParts.Locate(edited);
        var group = parts.RequireGroupMapping();
        var recorder = new Recorder();
        if (!enable)
        {
            SetEnabled(recorder, group, ProvisionGroups, false, SchemaChangeKind.DisableObjectMapping,
                "Group provisioning is switched off on request; Entra then stops updating Pulumi teams.");
            return recorder.ToPlan(edited);
        }

        SetEnabled(recorder, group, ProvisionGroups, true, SchemaChangeKind.EnableObjectMapping,
            "The guide enables group provisioning so that Entra groups assigned to the app become Pulumi teams.");
        var mappings = MappingArray(group);
        var removed = mappings.OfType<JsonObject>().Where(mapping => SchemaJson.SameName(Target(mapping), GuideMappings.ExternalId)).ToList();
        PlanRemovals(recorder, mappings, removed, SchemaChangeKind.RemoveGroupMapping, "group mapping", "group mapping externalId",
            "Pulumi's group schema has no externalId; the guide removes the objectId -> externalId group mapping.");

        var hadMatching = mappings.OfType<JsonObject>().Any(IsMatching);
        foreach (var attribute in GuideMappings.NeededGroupAttributes)
        {
            PlanNeededMapping(recorder, mappings, attribute, "group mapping", SchemaChangeKind.AddGroupMapping, "Pulumi teams need displayName and members.",
                () =>
                {
                    var directory = parts.RequireTargetDirectory(edited);
                    SchemaParts.RequireAttribute(directory, SchemaParts.RequireTargetObject(directory, group), attribute);
                },
                () => GuideMappings.AttributeSource(attribute),
                matchingPriority: attribute == GuideMappings.DisplayName && !hadMatching ? 1 : 0);
        }

        PlanMatching(recorder, "group matching attribute", "a group mapping with matchingPriority > 0",
            "Entra matches existing Pulumi teams by the group mapping with matching precedence; the guide matches on displayName.",
            mappings.OfType<JsonObject>(), FindMapping(mappings, GuideMappings.DisplayName)!, hadMatching, SchemaChangeKind.SetGroupMatchingPriority, "group displayName");
        return recorder.ToPlan(edited);
    }

    /// <summary>
    /// Plans the whole guide: the user mapping steps, then group provisioning on or off (or left alone), as one plan
    /// for one schema write.
    /// </summary>
    /// <param name="schema">The job's schema; not modified.</param>
    /// <param name="source">The <c>userName</c> source attribute.</param>
    /// <param name="flow">When the <c>userName</c> mapping is applied.</param>
    /// <param name="enableGroups">Whether groups are provisioned; <see langword="null"/> leaves group provisioning as it is.</param>
    /// <returns>The combined plan.</returns>
    /// <exception cref="SchemaShapeException">The schema lacks a part to edit.</exception>
    public static SchemaPlan PlanGuide(JsonObject schema, UserNameSource source = UserNameSource.MailNickname, UserNameFlow flow = UserNameFlow.CreateOnly, bool? enableGroups = true)
    {
        var plan = PlanUserMapping(schema, source, flow);
        return enableGroups is { } enable ? plan.Then(edited => PlanGroupProvisioning(edited, enable)) : plan;
    }

    private static JsonObject PlanUserName(Recorder recorder, JsonObject directory, JsonObject userObject, JsonArray mappings, List<JsonObject> kept,
        UserNameSource source, UserNameFlow flow, bool hadMatching)
    {
        var sourceName = source == UserNameSource.MailNickname ? "mailNickname" : "userPrincipalName";
        var sourceText = $"[{sourceName}]";
        var flowType = flow == UserNameFlow.CreateOnly ? "ObjectAddOnly" : "Always";
        var sourceHint = source == UserNameSource.MailNickname
            ? "The guide sources userName from mailNickname (Mappings > Provision Users > userName > Source attribute)."
            : "Pulumi's current guide sources userName from userPrincipalName.";
        var flowHint = flow == UserNameFlow.CreateOnly
            ? "Pulumi usernames are immutable: apply the userName mapping only during object creation (ObjectAddOnly), or Pulumi answers later changes with 400 mutability."
            : "The 2021 guide applies the userName mapping always; Pulumi rejects a changed userName with 400 mutability.";

        var userName = kept.FirstOrDefault(mapping => SchemaJson.SameName(Target(mapping), GuideMappings.UserName));
        if (userName is null)
        {
            SchemaParts.RequireAttribute(directory, userObject, GuideMappings.UserName);
            userName = GuideMappings.NewMapping(GuideMappings.UserName, GuideMappings.AttributeSource(sourceName), flowType, hadMatching ? 0 : 1);
            mappings.Insert(0, userName);
            kept.Insert(0, userName);
            var rendered = $"{SchemaJson.RenderMapping(userName)} (flowType {flowType}{(hadMatching ? string.Empty : ", matching")})";
            var add = new SchemaChange(SchemaChangeKind.AddMapping, GuideMappings.UserName, null, rendered, $"add mapping {rendered}");
            recorder.Fail("userName source", sourceText, "missing", sourceHint, add);
            recorder.Fail("userName flowType", flowType, "missing", flowHint);
            return userName;
        }

        var currentSource = userName["source"] as JsonObject;
        var currentText = SchemaJson.RenderSource(currentSource);
        if (SchemaJson.SameName(SchemaJson.GetString(currentSource, "type"), "Attribute") && SchemaJson.SameName(SchemaJson.GetString(currentSource, "name"), sourceName))
        {
            recorder.Pass("userName source", sourceText, currentText, sourceHint);
        }
        else
        {
            SetAttributeSource(userName, sourceName);
            recorder.Fail("userName source", sourceText, currentText, sourceHint,
                new SchemaChange(SchemaChangeKind.SetUserNameSource, GuideMappings.UserName, currentText, sourceText, $"userName: source {currentText} -> {sourceText}"));
        }

        var currentFlow = SchemaJson.GetString(userName, "flowType");
        if (SchemaJson.SameName(currentFlow, flowType))
        {
            recorder.Pass("userName flowType", flowType, currentFlow!, flowHint);
        }
        else
        {
            var before = currentFlow ?? "(unset)";
            userName["flowType"] = flowType;
            recorder.Fail("userName flowType", flowType, before, flowHint,
                new SchemaChange(SchemaChangeKind.SetFlowType, GuideMappings.UserName, before, flowType, $"userName: flowType {before} -> {flowType}"));
        }

        return userName;
    }

    /// <summary>
    /// Makes sure one of <paramref name="mappings"/> is used for matching: when none was, <paramref name="preferred"/>
    /// gets <c>matchingPriority</c> 1.
    /// </summary>
    private static void PlanMatching(Recorder recorder, string name, string expected, string hint, IEnumerable<JsonObject> mappings,
        JsonObject preferred, bool hadMatching, SchemaChangeKind kind, string label)
    {
        if (hadMatching)
        {
            recorder.Pass(name, expected, MatchingNames(mappings), hint);
        }
        else if (!IsMatching(preferred))
        {
            var before = SchemaJson.RenderValue(preferred["matchingPriority"]);
            preferred["matchingPriority"] = 1;
            recorder.Fail(name, expected, "none", hint,
                new SchemaChange(kind, Target(preferred) ?? label, before, "1", $"{label}: matchingPriority {before} -> 1"));
        }
        else
        {
            // The preferred mapping was just added as the matching one; its add change covers this check.
            recorder.Fail(name, expected, "none", hint);
        }
    }

    /// <summary>
    /// Checks that a mapping the guide needs exists; when it does not, adds it with <paramref name="newSource"/> after
    /// <paramref name="requireTarget"/> made sure its target attribute exists.
    /// </summary>
    private static void PlanNeededMapping(Recorder recorder, JsonArray mappings, string attribute, string noun, SchemaChangeKind kind, string hint,
        Action requireTarget, Func<JsonObject> newSource, int matchingPriority)
    {
        var name = $"keep {noun} {attribute}";
        var existing = FindMapping(mappings, attribute);
        if (existing is not null)
        {
            recorder.Pass(name, "present", SchemaJson.RenderMapping(existing), hint);
            return;
        }

        requireTarget();
        var added = GuideMappings.NewMapping(attribute, newSource(), matchingPriority: matchingPriority);
        mappings.Add(added);
        var rendered = SchemaJson.RenderMapping(added) + (matchingPriority > 0 ? " (matching)" : string.Empty);
        recorder.Fail(name, "present", "missing", hint, new SchemaChange(kind, attribute, null, rendered, $"add {noun} {rendered}"));
    }

    private static void PlanRemovals(Recorder recorder, JsonArray mappings, List<JsonObject> removed, SchemaChangeKind kind, string noun, string noneName, string hint)
    {
        if (removed.Count == 0)
        {
            recorder.Pass(noneName, "none", "none", hint);
            return;
        }

        foreach (var mapping in removed)
        {
            var target = Target(mapping) ?? "(no target)";
            var rendered = SchemaJson.RenderMapping(mapping);
            mappings.Remove(mapping);
            recorder.Fail($"remove {noun} {target}", "absent", rendered, hint,
                new SchemaChange(kind, target, rendered, null, $"remove {noun} {rendered}"));
        }
    }

    private static void PlanEmailRequired(Recorder recorder, JsonObject emailAttribute)
    {
        var name = $"{GuideMappings.WorkEmail} required";
        const string Hint = "The guide marks the work email as required (Edit attribute list for customappsso): users without mail then fail with a required-attribute error instead of reaching Pulumi without an email.";
        var required = SchemaJson.GetBool(emailAttribute, "required");
        if (required == true)
        {
            recorder.Pass(name, "true", "true", Hint);
            return;
        }

        var before = SchemaJson.RenderValue(emailAttribute["required"]);
        emailAttribute["required"] = true;
        recorder.Fail(name, "true", before, Hint,
            new SchemaChange(SchemaChangeKind.SetRequired, GuideMappings.WorkEmail, before, "true", $"{GuideMappings.WorkEmail}: required {before} -> true"));
    }

    private static void SetEnabled(Recorder recorder, JsonObject objectMapping, string label, bool wanted, SchemaChangeKind kind, string hint)
    {
        var wantedText = wanted ? "true" : "false";
        if (SchemaJson.GetBool(objectMapping, "enabled") == wanted)
        {
            recorder.Pass($"{label} enabled", wantedText, wantedText, hint);
            return;
        }

        var before = SchemaJson.RenderValue(objectMapping["enabled"]);
        objectMapping["enabled"] = wanted;
        recorder.Fail($"{label} enabled", wantedText, before, hint,
            new SchemaChange(kind, label, before, wantedText, $"{label}: enabled {before} -> {wantedText}"));
    }

    /// <summary>Makes a mapping's source the attribute <paramref name="name"/>, editing the source object in place.</summary>
    private static void SetAttributeSource(JsonObject mapping, string name)
    {
        if (mapping["source"] is not JsonObject source)
        {
            mapping["source"] = GuideMappings.AttributeSource(name);
            return;
        }

        source["expression"] = $"[{name}]";
        source["name"] = name;
        source["type"] = "Attribute";
        source["parameters"] = new JsonArray();
    }

    private static JsonArray MappingArray(JsonObject objectMapping)
    {
        switch (objectMapping["attributeMappings"])
        {
            case JsonArray array:
                return array;
            case null:
                var created = new JsonArray();
                objectMapping["attributeMappings"] = created;
                return created;
            default:
                throw new SchemaShapeException(
                    $"The {SchemaJson.GetString(objectMapping, "sourceObjectName")} object mapping's attributeMappings is not a JSON array. " +
                    "Recreate the provisioning job from the 'scim' template.");
        }
    }

    private static JsonObject? FindMapping(JsonArray mappings, string targetAttributeName)
        => mappings.OfType<JsonObject>().FirstOrDefault(mapping => SchemaJson.SameName(Target(mapping), targetAttributeName));

    private static string? Target(JsonObject mapping) => SchemaJson.GetString(mapping, "targetAttributeName");

    private static bool IsMatching(JsonObject mapping) => SchemaJson.GetNumber(mapping, "matchingPriority") > 0;

    private static string MatchingNames(IEnumerable<JsonObject> mappings)
        => string.Join(", ", mappings.Where(IsMatching).Select(mapping => Target(mapping) ?? "(no target)"));

    /// <summary>Collects a plan's changes and checks in order.</summary>
    private sealed class Recorder
    {
        private readonly List<SchemaChange> _changes = [];
        private readonly List<ScimConfigurationCheck> _checks = [];

        public void Pass(string name, string expected, string actual, string hint)
            => _checks.Add(new ScimConfigurationCheck(name, expected, actual, true, hint));

        public void Fail(string name, string expected, string actual, string hint, params SchemaChange[] changes)
        {
            _checks.Add(new ScimConfigurationCheck(name, expected, actual, false, hint));
            _changes.AddRange(changes);
        }

        public SchemaPlan ToPlan(JsonObject edited) => new(edited, _changes.ToArray(), _checks.ToArray());
    }
}
