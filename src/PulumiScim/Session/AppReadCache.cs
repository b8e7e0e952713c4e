// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using PulumiScim.Graph;

namespace PulumiScim.Session;

/// <summary>
/// The session's memory of each app, keyed by service principal: the reads a pipeline may reuse, and the changes this
/// session made (for Wait-ScimProvisioning and for replication waits on a new job).
/// </summary>
/// <remarks>
/// A cached read lives as long as a command that made or used it is alive: PowerShell disposes every command of a
/// pipeline when the pipeline ends, so a read is reused along one pipeline and never by the next one. Every write
/// through the Graph door drops the parts it may have changed.
/// </remarks>
internal sealed class AppReadCache
{
    private readonly object _gate = new();
    private readonly Dictionary<Guid, Entry> _reads = [];
    private readonly Dictionary<Guid, AppChangeRecord> _changes = [];
    private readonly Dictionary<Guid, DateTimeOffset> _cyclesSeen = [];
    private readonly Dictionary<object, AppParts> _wanted = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// The parts that commands of a running pipeline said they will need (<see cref="Want"/>): a read of an app
    /// brings them along when it costs no round trip of its own (in the same batch, or a schema read started at once).
    /// </summary>
    public AppParts Wanted
    {
        get
        {
            lock (_gate)
            {
                return _wanted.Values.Aggregate(AppParts.None, (all, p) => all | p);
            }
        }
    }

    /// <summary>Records that <paramref name="holder"/> (a command whose pipeline is starting) will read <paramref name="parts"/> of the apps it gets.</summary>
    public void Want(object holder, AppParts parts)
    {
        lock (_gate)
        {
            _wanted[holder] = parts;
        }
    }

    /// <summary>Starts reading the schema of an app's job, once per job, for the next command that needs it; false when one is held already or nothing is cached of the app.</summary>
    public bool StartSchemaRead(Guid servicePrincipalId, string jobId, Func<CancellationToken, Task<System.Text.Json.Nodes.JsonObject>> read)
    {
        lock (_gate)
        {
            if (!_reads.TryGetValue(servicePrincipalId, out Entry? entry) || entry.SchemaRead?.JobId == jobId)
            {
                return false;
            }

            entry.DropSchemaRead();
#pragma warning disable CA2000 // Cancelled when the read is dropped; a source without a timer holds nothing to dispose, and disposing it could race the read still using its token.
            var cancel = new CancellationTokenSource();
#pragma warning restore CA2000
            entry.SchemaRead = new SchemaRead(jobId, read(cancel.Token), cancel);
            return true;
        }
    }

    /// <summary>Takes the schema read started for this job (null when there is none); it is not handed out twice.</summary>
    public SchemaRead? TakeSchemaRead(Guid servicePrincipalId, string? jobId)
    {
        lock (_gate)
        {
            if (jobId is null || !_reads.TryGetValue(servicePrincipalId, out Entry? entry) || entry.SchemaRead is not { } started || started.JobId != jobId)
            {
                return null;
            }

            entry.SchemaRead = null;
            return started;
        }
    }

    /// <summary>Forgets (and stops) a schema read started for the app: its schema was written.</summary>
    public void DropSchemaRead(Guid servicePrincipalId)
    {
        lock (_gate)
        {
            if (_reads.TryGetValue(servicePrincipalId, out Entry? entry))
            {
                entry.DropSchemaRead();
            }
        }
    }

    /// <summary>The cached snapshot of an app, registering <paramref name="holder"/> as one of its users.</summary>
    public AppSnapshot? Get(Guid servicePrincipalId, object holder)
    {
        lock (_gate)
        {
            if (!_reads.TryGetValue(servicePrincipalId, out Entry? entry))
            {
                return null;
            }

            entry.Holders.Add(holder);
            return entry.Snapshot;
        }
    }

    /// <summary>The cached snapshot of an app, without becoming one of its users.</summary>
    public AppSnapshot? Peek(Guid servicePrincipalId)
    {
        lock (_gate)
        {
            return _reads.TryGetValue(servicePrincipalId, out Entry? entry) ? entry.Snapshot : null;
        }
    }

    /// <summary>Stores a snapshot read by <paramref name="holder"/>.</summary>
    public void Put(AppSnapshot snapshot, object holder)
    {
        lock (_gate)
        {
            if (!_reads.TryGetValue(snapshot.ServicePrincipalId, out Entry? entry))
            {
                entry = new Entry(snapshot);
                _reads[snapshot.ServicePrincipalId] = entry;
            }

            entry.Snapshot = snapshot;
            entry.Holders.Add(holder);
            if (snapshot.LastCycleBegan is { } began)
            {
                _cyclesSeen[snapshot.ServicePrincipalId] = began;
            }
        }
    }

    /// <summary>After a write: replaces the cached snapshot with what the write left (parts it may have changed dropped, or set to what Graph accepted).</summary>
    public void AfterWrite(Guid servicePrincipalId, Func<AppSnapshot, AppSnapshot> update)
    {
        lock (_gate)
        {
            if (_reads.TryGetValue(servicePrincipalId, out Entry? entry))
            {
                entry.Snapshot = update(entry.Snapshot);
            }
        }
    }

    /// <summary>Forgets every read only <paramref name="holder"/> still used (the end of its pipeline).</summary>
    public void Release(object holder)
    {
        lock (_gate)
        {
            _wanted.Remove(holder);
            foreach (var (id, entry) in _reads.ToList())
            {
                if (entry.Holders.Remove(holder) && entry.Holders.Count == 0)
                {
                    entry.DropSchemaRead();
                    _reads.Remove(id);
                }
            }
        }
    }

    /// <summary>Records a configuration change made through this session, and the last cycle read before it.</summary>
    public void RecordChange(Guid servicePrincipalId, DateTimeOffset? at = null)
    {
        lock (_gate)
        {
            _changes[servicePrincipalId] = new AppChangeRecord(
                at ?? DateTimeOffset.UtcNow,
                _cyclesSeen.TryGetValue(servicePrincipalId, out DateTimeOffset began) ? began : null);
        }
    }

    /// <summary>The last configuration change this session made to an app, or null.</summary>
    public AppChangeRecord? LastChange(Guid servicePrincipalId)
    {
        lock (_gate)
        {
            return _changes.TryGetValue(servicePrincipalId, out AppChangeRecord? change) ? change : null;
        }
    }

    private sealed class Entry(AppSnapshot snapshot)
    {
        public AppSnapshot Snapshot { get; set; } = snapshot;

        public HashSet<object> Holders { get; } = new(ReferenceEqualityComparer.Instance);

        public SchemaRead? SchemaRead { get; set; }

        public void DropSchemaRead()
        {
            if (SchemaRead is { } started)
            {
                SchemaRead = null;
                started.Stop();
            }
        }
    }

    /// <summary>A schema read started ahead of the command that needs it.</summary>
    internal sealed record SchemaRead(string JobId, Task<System.Text.Json.Nodes.JsonObject> Read, CancellationTokenSource Cancel)
    {
        /// <summary>Stops the read nobody will wait for any more, and observes its end so a failure is not left unobserved.</summary>
        public void Stop()
        {
            Cancel.Cancel();
            Read.ObserveEnd();
        }
    }
}

/// <summary>A configuration change this session made: when, and when the last cycle known then began.</summary>
/// <param name="At">When the change was made (this machine's clock).</param>
/// <param name="LastCycleBegan">When the last cycle known at the change began: the cycle that answers the change began later.</param>
internal sealed record AppChangeRecord(DateTimeOffset At, DateTimeOffset? LastCycleBegan);
