// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace PulumiScim.Session;

/// <summary>
/// The current session of each runspace, so that <c>ForEach-Object -Parallel</c> runspaces and hosted runspaces each
/// keep their own (the PSOpenAD "runspace specific storage" idea, on a weak table keyed by the runspace).
/// </summary>
internal static class SessionStore
{
    private static readonly ConditionalWeakTable<Runspace, StrongBox<ScimGraphSession?>> s_sessions = new();

    public static ScimGraphSession? Current
    {
        get => Runspace.DefaultRunspace is { } rs && s_sessions.TryGetValue(rs, out var box) ? box.Value : null;
        set
        {
            Runspace rs = Runspace.DefaultRunspace ?? throw new InvalidOperationException("No runspace is current on this thread.");
            s_sessions.GetValue(rs, _ => new StrongBox<ScimGraphSession?>()).Value = value;
        }
    }
}
