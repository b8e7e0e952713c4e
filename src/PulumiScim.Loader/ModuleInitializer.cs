// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace PulumiScim.Loader;

/// <summary>
/// From the moment this assembly is used, the default load context resolves the assemblies the cmdlet assembly
/// references from the module's folder (the engine, and what it shares with the engine) through the module's private
/// <see cref="LoadContext"/>, which resolves the engine's dependencies from the same folder. The cmdlet classes name
/// only the engine's types, never a dependency's (the "loader" pattern of "Resolving PowerShell module assembly
/// dependency conflicts" in PowerShell's documentation).
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    private static readonly object s_sync = new();
    private static bool s_registered;

    /// <summary>Registers the resolver at import, if nothing in this assembly ran before (then it is registered already).</summary>
    public void OnImport() => Register();

    /// <summary>
    /// Registers the resolver before any code of this assembly runs: PowerShell's import reads the cmdlet types, whose
    /// fields of the engine's enum types make the runtime load the engine before <see cref="OnImport"/> is called.
    /// </summary>
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "The resolver must be in place before PowerShell reads the cmdlet types.")]
    internal static void Register()
    {
        lock (s_sync)
        {
            if (!s_registered)
            {
                AssemblyLoadContext.Default.Resolving += ResolveEngine;
                s_registered = true;
            }
        }
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        LoadContext.Instance.ResolveForCmdlets(name);
}
