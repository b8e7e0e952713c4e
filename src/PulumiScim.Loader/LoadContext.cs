// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Reflection;
using System.Runtime.Loader;

namespace PulumiScim.Loader;

/// <summary>
/// The module's private <see cref="AssemblyLoadContext"/>. The engine (PulumiScim.Engine, PulumiScim.Sandbox) and every
/// assembly beside it (Microsoft.Graph, Azure.Identity, Azure.Core, MSAL, Kiota) load here, so the module keeps its own copies even
/// when Az.Accounts or the Microsoft Graph PowerShell SDK already loaded other versions into the default context.
/// Anything not found in the module's folder (System.Management.Automation, the framework) falls back to Default, and so
/// does the cmdlet assembly (PulumiScim.dll, the root module PowerShell loaded there).
/// </summary>
public sealed class LoadContext : AssemblyLoadContext
{
    private static readonly object s_sync = new();
    private static readonly Assembly s_cmdletAssembly = typeof(LoadContext).Assembly;
    private static readonly HashSet<string> s_cmdletReferences = new(
        s_cmdletAssembly.GetReferencedAssemblies().Select(name => name.Name ?? string.Empty),
        StringComparer.OrdinalIgnoreCase);
    private static LoadContext? s_instance;
    private readonly string _assemblyDir;

    private LoadContext(string assemblyDir)
        : base(name: "PulumiScim", isCollectible: false)
    {
        _assemblyDir = assemblyDir;
    }

    /// <summary>Resolves an assembly from the module's folder, or returns null to let Default resolve it.</summary>
    /// <param name="assemblyName">The assembly asked for.</param>
    /// <returns>The assembly loaded in this context, or null.</returns>
    protected override Assembly? Load(AssemblyName assemblyName) =>
        IsOwn(assemblyName, out string path) ? LoadFromAssemblyPath(path) : null;

    /// <summary>
    /// Answers the default context for an assembly the cmdlet assembly references and this context owns: the engine
    /// (PulumiScim.Engine, PulumiScim.Sandbox) and the package copies the cmdlets share with it (System.Text.Json
    /// where the running .NET is older). Every other name, and every other requester's name, is left alone.
    /// </summary>
    /// <param name="assemblyName">The assembly the default context could not find.</param>
    /// <returns>The assembly loaded in this context, or null.</returns>
    public Assembly? ResolveForCmdlets(AssemblyName assemblyName) =>
        assemblyName.Name is not null && s_cmdletReferences.Contains(assemblyName.Name) && IsOwn(assemblyName, out _)
            ? LoadFromAssemblyName(assemblyName)
            : null;

    /// <summary>Whether the assembly is in the module's folder and not the cmdlet assembly nor one the runtime serves.</summary>
    private bool IsOwn(AssemblyName assemblyName, out string path)
    {
        path = string.Empty;
        if (assemblyName.Name is null || assemblyName.Name == s_cmdletAssembly.GetName().Name)
        {
            return false;
        }

        path = Path.Combine(_assemblyDir, assemblyName.Name + ".dll");
        return File.Exists(path) && !IsServedByRuntime(assemblyName);
    }

    /// <summary>
    /// Whether the running .NET ships this assembly at the requested version or newer (System.Text.Json,
    /// System.Diagnostics.DiagnosticSource, ...). Such framework assemblies are shared with Default: loading the
    /// module's older package copy would only cost time, and there is nothing to isolate.
    /// </summary>
    private static bool IsServedByRuntime(AssemblyName wanted)
    {
        string framework = Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, wanted.Name + ".dll");
        if (!File.Exists(framework))
        {
            return false;
        }

        try
        {
            Version? available = AssemblyName.GetAssemblyName(framework).Version;
            return available is not null && (wanted.Version is null || available >= wanted.Version);
        }
        catch (Exception ex) when (ex is BadImageFormatException or IOException)
        {
            return false;
        }
    }

    /// <summary>The module's load context, created on first use (once per process).</summary>
    public static LoadContext Instance
    {
        get
        {
            lock (s_sync)
            {
                return s_instance ??= new LoadContext(Path.GetDirectoryName(s_cmdletAssembly.Location)!);
            }
        }
    }
}
