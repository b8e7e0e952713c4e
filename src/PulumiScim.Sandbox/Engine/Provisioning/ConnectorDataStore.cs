// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

namespace PulumiScim.Sandbox.Engine.Provisioning;

/// <summary>
/// A source object the provisioning service created or matched in the target: the link Entra keeps between them. "After
/// the user account is created, the provisioning service detects and caches the target system's ID for the new user. This
/// ID is used to run all future operations on that user" (entra-docs app-provisioning/how-provisioning-works.md).
/// </summary>
internal sealed class LinkedObject
{
    public LinkedObject(string sourceId, string objectType, string targetId)
    {
        SourceId = sourceId;
        ObjectType = objectType;
        TargetId = targetId;
    }

    /// <summary>The Entra object id.</summary>
    public string SourceId { get; }

    /// <summary>"User" or "Group".</summary>
    public string ObjectType { get; }

    /// <summary>The SCIM id in the target.</summary>
    public string TargetId { get; }

    /// <summary>
    /// The values last exported, by target attribute path. Used to tell a change when the target does not return an
    /// attribute it accepted (Pulumi accepts externalId on users but never stores it).
    /// </summary>
    public Dictionary<string, string?> Exported { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// For a group: the target ids of the members this job added and has not removed. Entra reads groups with
    /// <c>excludedAttributes=members</c>, so what it knows of a group's members is what it exported.
    /// </summary>
    public HashSet<string> Members { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// The engine's record of what a job provisioned (the "connector data store" a <c>restart</c> with resetScope
/// ConnectorDataStore or Full clears), plus how often each object's export failed in a row. Only touched by the job's
/// cycles and on-demand requests, which run one at a time per job.
/// </summary>
internal sealed class ConnectorDataStore
{
    private readonly Dictionary<string, LinkedObject> _links = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _failures = new(StringComparer.OrdinalIgnoreCase);

    public LinkedObject? Find(string sourceId) => _links.TryGetValue(sourceId, out LinkedObject? link) ? link : null;

    public LinkedObject Link(string sourceId, string objectType, string targetId)
    {
        var link = new LinkedObject(sourceId, objectType, targetId);
        _links[sourceId] = link;
        return link;
    }

    public void Unlink(string sourceId) => _links.Remove(sourceId);

    /// <summary>The linked objects of one type.</summary>
    public IEnumerable<LinkedObject> Linked(string objectType) =>
        _links.Values.Where(l => string.Equals(l.ObjectType, objectType, StringComparison.Ordinal));

    /// <summary>The target ids of every linked object (to tell the engine's members from others in a team).</summary>
    public HashSet<string> TargetIds(string objectType) =>
        new(Linked(objectType).Select(l => l.TargetId), StringComparer.OrdinalIgnoreCase);

    /// <summary>How many times the object's export failed in a row before this attempt.</summary>
    public int FailureCount(string sourceId) => _failures.TryGetValue(sourceId, out int n) ? n : 0;

    public void RecordFailure(string sourceId) => _failures[sourceId] = FailureCount(sourceId) + 1;

    public void RecordSuccess(string sourceId) => _failures.Remove(sourceId);

    public void Clear()
    {
        _links.Clear();
        _failures.Clear();
    }
}
