// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

namespace PulumiScim.Model;

/// <summary>Which users and groups Entra provisions (the secret SyncAll).</summary>
public enum ScimScope
{
    /// <summary>"Sync only assigned users and groups" (SyncAll = false): the guide's choice.</summary>
    AssignedOnly,

    /// <summary>"Sync all users and groups" (SyncAll = true).</summary>
    All,
}
