// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Model;

namespace PulumiScim.Provisioning;

/// <summary>
/// The changes that take a provisioning job's schema to the guide's state, the schema with those changes made, and
/// the guide's checks as found before the changes. Applying an empty plan writes nothing.
/// </summary>
internal sealed class SchemaPlan
{
    private const int SummaryNameLimit = 6;

    /// <summary>Creates a plan.</summary>
    /// <param name="schema">The edited schema: a deep clone of the input, never the input itself.</param>
    /// <param name="changes">The changes, in the order they were made.</param>
    /// <param name="checks">The guide's checks, as found in the input.</param>
    public SchemaPlan(JsonObject schema, IReadOnlyList<SchemaChange> changes, IReadOnlyList<ScimConfigurationCheck> checks)
    {
        Schema = schema;
        Changes = changes;
        Checks = checks;
    }

    /// <summary>The whole schema with the changes made, ready for <c>PUT .../schema</c> (the input is left as it was).</summary>
    public JsonObject Schema { get; }

    /// <summary>The changes, in the order they were made.</summary>
    public IReadOnlyList<SchemaChange> Changes { get; }

    /// <summary>The guide's checks, as found before the changes; each failed check has at least one change.</summary>
    public IReadOnlyList<ScimConfigurationCheck> Checks { get; }

    /// <summary>Whether the schema already is in the guide's state: nothing to write.</summary>
    public bool IsEmpty => Changes.Count == 0;

    /// <summary>
    /// One line for humans: each change's description, with the removals folded into one part, e.g.
    /// <c>userName: source [userPrincipalName] -> [mailNickname]; remove 16 mappings: title, preferredLanguage, ...</c>.
    /// </summary>
    public string Summary => Summarize(Changes);

    /// <summary>Plans more changes on top of this plan's schema, and returns both plans as one.</summary>
    /// <param name="next">A planner, e.g. <c>s =&gt; SchemaPlanner.PlanGroupProvisioning(s, true)</c>.</param>
    /// <returns>A plan with this plan's changes and checks followed by the next plan's.</returns>
    public SchemaPlan Then(Func<JsonObject, SchemaPlan> next)
    {
        var following = next(Schema);
        return new SchemaPlan(following.Schema, [.. Changes, .. following.Changes], [.. Checks, .. following.Checks]);
    }

    /// <summary>Returns <see cref="Summary"/>.</summary>
    /// <returns>The one-line summary.</returns>
    public override string ToString() => Summary;

    private static string Summarize(IReadOnlyList<SchemaChange> changes)
    {
        if (changes.Count == 0)
        {
            return "no changes";
        }

        var parts = new List<string>();
        foreach (var change in changes)
        {
            var noun = change.Kind switch
            {
                SchemaChangeKind.RemoveMapping => "mappings",
                SchemaChangeKind.RemoveGroupMapping => "group mappings",
                _ => null,
            };
            var sameKind = noun is null ? [] : changes.Where(other => other.Kind == change.Kind).ToList();
            if (sameKind.Count <= 1)
            {
                parts.Add(change.Description);
            }
            else if (ReferenceEquals(sameKind[0], change))
            {
                var shown = string.Join(", ", sameKind.Take(SummaryNameLimit).Select(removal => removal.Target));
                var more = sameKind.Count > SummaryNameLimit ? $", ... ({sameKind.Count - SummaryNameLimit} more)" : string.Empty;
                parts.Add($"remove {sameKind.Count} {noun}: {shown}{more}");
            }
        }

        return string.Join("; ", parts);
    }
}
