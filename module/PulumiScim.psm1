# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Loads the cmdlet assembly and its dependencies into the module's private AssemblyLoadContext (the loader pattern),
# so PulumiScim keeps its own Microsoft.Graph.Core, Azure.Identity, Azure.Core and MSAL beside Az.Accounts or the
# Microsoft Graph PowerShell SDK.

$binPath = [System.IO.Path]::Combine($PSScriptRoot, 'bin')
if (-not ('PulumiScim.Loader.LoadContext' -as [type])) {
    # LoadFrom rather than Add-Type: same result, without Add-Type's start-up cost (measured: 200-570 ms under load).
    $null = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($binPath, 'PulumiScim.Loader.dll'))
}

$mainModule = [PulumiScim.Loader.LoadContext]::Initialize()
$innerMod = Import-Module -Assembly $mainModule -PassThru

# PowerShell/PowerShell#20710: on 'Import-Module -Force' the cmdlets of a nested binary module imported this way are
# not re-exported from the parent; add them to this module's exports explicitly.
if ($innerMod) {
    $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod(
        'AddExportedCmdlet',
        [System.Reflection.BindingFlags]'Instance, NonPublic')
    foreach ($cmd in $innerMod.ExportedCmdlets.Values) {
        $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $cmd))
    }
}
