# Copyright (c) PulumiScim contributors. Licensed under the MIT License.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
    $script:Manifest = Import-PowerShellDataFile $ModulePath
}

Describe 'The module' {
    It 'exports exactly the cmdlets the manifest lists' {
        $exported = (Get-Command -Module PulumiScim -CommandType Cmdlet).Name | Sort-Object
        $exported | Should -Be ($script:Manifest.CmdletsToExport | Sort-Object)
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        foreach ($c in Get-Command -Module PulumiScim) { $approved | Should -Contain $c.Verb -Because $c.Name }
    }

    It 'declares an output type on every cmdlet' {
        foreach ($c in Get-Command -Module PulumiScim) {
            $c.ImplementingType.GetCustomAttributes([System.Management.Automation.OutputTypeAttribute], $false) | Should -Not -BeNullOrEmpty -Because $c.Name
        }
    }

    It 'requires PowerShell 7.4' {
        $script:Manifest.PowerShellVersion | Should -Be '7.4'
    }

    It 'carries tags, licence and the release notes of CHANGELOG.md, and no project URI until the project has a real home' {
        $psData = $script:Manifest.PrivateData.PSData
        $psData.Tags | Should -Contain 'SCIM'
        $psData.ProjectUri | Should -BeNullOrEmpty
        $psData.LicenseUri | Should -Not -BeNullOrEmpty
        $psData.ReleaseNotes | Should -Match ('^v' + [regex]::Escape($script:Manifest.ModuleVersion))
    }

    It 'loads its cmdlet assembly in a private load context' {
        $type = (Get-Command Get-ScimApplication).ImplementingType
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($type.Assembly).Name | Should -Be 'PulumiScim'
    }

    It 'imports again with -Force and keeps its cmdlets' {
        $output = Invoke-Pwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
Import-Module '$ModulePath' -Force
(Get-Command -Module PulumiScim).Count
`$sb = Start-ScimSandbox
`$sb | Connect-ScimGraph
(Get-ScimApplication -DisplayName 'Pulumi Cloud').DisplayName
`$sb | Stop-ScimSandbox
"@
        [int]$output[0] | Should -Be $script:Manifest.CmdletsToExport.Count
        $output[1] | Should -Be 'Pulumi Cloud'
    }

    It 'loads no Graph or Azure assembly at import' {
        $output = Invoke-Pwsh @"
Import-Module '$ModulePath'
[System.AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { `$_.GetName().Name } | Where-Object { `$_ -match '^(Azure|Microsoft\.Graph|Microsoft\.Identity|Microsoft\.Kiota)' }
'done'
"@
        $output | Should -Be 'done'
    }
}

Describe 'Side by side with older copies of its dependencies' {
    It 'works when <Name> was loaded into the default context first' -ForEach @(
        @{ Name = 'Azure.Identity 1.10.2 + Azure.Core 1.36.0 + MSAL 4.55.0'; Paths = @('azure.core/1.36.0/lib/netstandard2.0/Azure.Core.dll', 'microsoft.identity.client/4.55.0/lib/netstandard2.0/Microsoft.Identity.Client.dll', 'azure.identity/1.10.2/lib/netstandard2.0/Azure.Identity.dll') }
        @{ Name = 'Microsoft.Graph.Core 3.2.4'; Paths = @('microsoft.graph.core/3.2.4/lib/netstandard2.0/Microsoft.Graph.Core.dll') }
    ) {
        $full = $Paths | ForEach-Object { Join-Path $NuGetRoot $_ }
        foreach ($p in $full) { Test-Path $p | Should -BeTrue -Because "tools/tools.proj downloads $p" }
        $load = ($full | ForEach-Object { "Add-Type -Path '$_'" }) -join "`n"
        $output = Invoke-Pwsh @"
`$ErrorActionPreference = 'Stop'
$load
Import-Module '$ModulePath'
`$sb = Start-ScimSandbox
`$sb | Connect-ScimGraph
(Get-ScimApplication -DisplayName 'Pulumi Cloud').ServicePrincipalId.ToString()
`$mine = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'PulumiScim'
(`$mine.Assemblies | ForEach-Object { `$_.GetName().Name }) -contains 'Microsoft.Graph.Core'
`$sb | Stop-ScimSandbox
"@
        $output[0] | Should -Be '59e94b18-3fb9-5227-b0d0-07d59b9acc4e'
        $output[1] | Should -Be 'True'
    }
}
