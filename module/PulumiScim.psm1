# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Loads the cmdlet assembly and its dependencies into the module's private AssemblyLoadContext (the loader pattern),
# so PulumiScim keeps its own Microsoft.Graph.Core, Azure.Identity, Azure.Core and MSAL beside Az.Accounts or the
# Microsoft Graph PowerShell SDK. Kept short: every line here runs in every fresh runbook process (docs/benchmarks.md,
# "1. Import", says what import costs against a one-cmdlet binary module).

try {
    # LoadFrom of the same path returns the assembly already loaded; no '-as [type]' probe first (a type name that does
    # not resolve yet makes PowerShell search every loaded assembly: measured 60-110 ms).
    $null = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($PSScriptRoot, 'bin', 'PulumiScim.Loader.dll'))
}
catch [System.IO.FileLoadException] {
    # Another copy of the module loaded its loader into this process first: that one serves (as before).
    $null = [PulumiScim.Loader.LoadContext]
}

$reimport = [PulumiScim.Loader.LoadContext]::IsInitialized
$innerMod = Import-Module -Assembly ([PulumiScim.Loader.LoadContext]::Initialize()) -PassThru

# PowerShell/PowerShell#20710: on a second import in one process ('Import-Module -Force', or after Remove-Module) the
# cmdlets of a nested binary module imported this way are not re-exported from the parent; add them to this module's
# exports explicitly. The first import needs no help, and skips this reflection (measured: 30-50 ms of CPU).
if ($reimport -and $innerMod) {
    $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod(
        'AddExportedCmdlet',
        [System.Reflection.BindingFlags]'Instance, NonPublic')
    foreach ($cmd in $innerMod.ExportedCmdlets.Values) {
        $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $cmd))
    }
}
