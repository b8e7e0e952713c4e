// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

namespace PulumiScim.Model;

/// <summary>How much of the job's state a restart clears (Graph's synchronizationJobRestartCriteria.resetScope flags).</summary>
[Flags]
public enum ScimResetScope
{
    /// <summary>Nothing beyond a plain restart.</summary>
    None = 0,

    /// <summary>The connector data store (the record of what was provisioned).</summary>
    ConnectorDataStore = 1,

    /// <summary>Entries waiting to be retried.</summary>
    Escrows = 2,

    /// <summary>The delta watermark: the next cycle is a full one.</summary>
    Watermark = 4,

    /// <summary>The quarantine state.</summary>
    QuarantineState = 8,

    /// <summary>Everything.</summary>
    Full = 16,

    /// <summary>Lets deletions over the accidental-deletion threshold through.</summary>
    ForceDeletes = 32,
}
