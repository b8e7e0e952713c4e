// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace PulumiScim.Loader;

/// <summary>
/// The module's private <see cref="AssemblyLoadContext"/>. The cmdlet assembly and every assembly beside it
/// (Microsoft.Graph, Azure.Identity, Azure.Core, MSAL, Kiota) load here, so the module keeps its own copies even
/// when Az.Accounts or the Microsoft Graph PowerShell SDK already loaded other versions into the default context.
/// Anything not found in the module's folder (System.Management.Automation, the framework) falls back to Default.
/// </summary>
public sealed class LoadContext : AssemblyLoadContext
{
    private static readonly object s_sync = new();
    private static LoadContext? s_instance;
    private readonly string _assemblyDir;
    private readonly string _readyToRunDir;

    private LoadContext(string assemblyDir)
        : base(name: "PulumiScim", isCollectible: false)
    {
        _assemblyDir = assemblyDir;
        _readyToRunDir = Path.Combine(assemblyDir, "r2r", ReadyToRunFolderName());
    }

    /// <summary>
    /// The folder name of precompiled copies valid for this process: <c>{os}-{arch}-net{major}</c> (linux-x64-net10).
    /// ReadyToRun code is only used by the OS, architecture and .NET major it was compiled for, so build.ps1 writes
    /// one folder for the build host and every other platform keeps loading the IL copies.
    /// </summary>
    private static string ReadyToRunFolderName()
    {
        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : OperatingSystem.IsLinux() ? "linux" : "other";
        string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        return $"{os}-{arch}-net{Environment.Version.Major}";
    }

    /// <summary>Resolves an assembly from the module's folder, or returns null to let Default resolve it.</summary>
    /// <param name="assemblyName">The assembly asked for.</param>
    /// <returns>The assembly loaded in this context, or null.</returns>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null || assemblyName.Name == typeof(LoadContext).Assembly.GetName().Name)
        {
            return null;
        }

        string fileName = assemblyName.Name + ".dll";
        string path = Path.Combine(_assemblyDir, fileName);
        if (!File.Exists(path) || IsServedByRuntime(assemblyName))
        {
            return null;
        }

        // A precompiled copy for this OS, architecture and .NET major when the build made one; the IL copy otherwise.
        string precompiled = Path.Combine(_readyToRunDir, fileName);
        return LoadFromAssemblyPath(File.Exists(precompiled) ? precompiled : path);
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

    /// <summary>Whether <see cref="Initialize"/> ran before in this process: the module is being imported again.</summary>
    public static bool IsInitialized
    {
        get
        {
            lock (s_sync)
            {
                return s_instance is not null;
            }
        }
    }

    /// <summary>Loads the cmdlet assembly into the module's private load context (once per process).</summary>
    /// <returns>The PulumiScim cmdlet assembly, for <c>Import-Module -Assembly</c>.</returns>
    public static Assembly Initialize()
    {
        lock (s_sync)
        {
            s_instance ??= new LoadContext(Path.GetDirectoryName(typeof(LoadContext).Assembly.Location)!);
            return s_instance.LoadFromAssemblyName(new AssemblyName("PulumiScim"));
        }
    }
}
