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

Describe 'Precompiled (ReadyToRun) copies' {
    BeforeAll {
        # The folder the loader looks in for this process: <os>-<arch>-net<major> (build.ps1 writes the build host's).
        $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
        $arch = "$([System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture)".ToLowerInvariant()
        $script:HostFolder = "$os-$arch-net$([System.Environment]::Version.Major)"
        $script:ModuleFolder = Split-Path (Resolve-Path $ModulePath).ProviderPath
        $script:R2R = Join-Path $script:ModuleFolder "bin/r2r/$script:HostFolder"
        # A guide read in a fresh pwsh; prints the loaded module assemblies that have a copy in bin/r2r/, name|path.
        $script:Probe = @'
$ErrorActionPreference = 'Stop'
Import-Module $args[0]
$sb = Start-ScimSandbox
$sb | Connect-ScimGraph
(Get-ScimApplication -DisplayName 'Pulumi Cloud').DisplayName
$sb | Stop-ScimSandbox
$hot = Get-ChildItem (Join-Path (Split-Path $args[0]) 'bin/r2r') -Recurse -Filter *.dll | ForEach-Object BaseName
$mine = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'PulumiScim'
$mine.Assemblies | Where-Object { $_.GetName().Name -in $hot } | ForEach-Object { $_.GetName().Name + '|' + $_.Location }
'@
    }

    It 'are built for this host into bin/r2r/<os>-<arch>-net<major>, one per hot assembly, with the IL copy kept in bin' {
        $copies = @(Get-ChildItem $script:R2R -Filter *.dll -ErrorAction SilentlyContinue)
        $copies.Name | Should -Be @('Azure.Core.dll', 'Microsoft.Graph.Core.dll', 'Microsoft.Kiota.Abstractions.dll', 'Microsoft.Kiota.Http.HttpClientLibrary.dll', 'Microsoft.Kiota.Serialization.Json.dll', 'PulumiScim.dll', 'Std.UriTemplate.dll', 'System.ClientModel.dll')
        foreach ($c in $copies) { Join-Path $script:ModuleFolder "bin/$($c.Name)" | Should -Exist }
    }

    It 'are the ones the module loads when the folder matches this process' {
        $file = Join-Path $TestDrive 'probe.ps1'
        Set-Content $file $script:Probe
        $output = & $PwshExe -NoProfile -NonInteractive -File $file $ModulePath 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $output[0] | Should -Be 'Pulumi Cloud'
        $loaded = @($output | Select-Object -Skip 1)
        ($loaded | ForEach-Object { ($_ -split '\|')[0] }) | Should -Contain 'PulumiScim'
        ($loaded | ForEach-Object { ($_ -split '\|')[0] }) | Should -Contain 'Microsoft.Graph.Core'
        foreach ($line in $loaded) {
            $name, $path = $line -split '\|'
            $path | Should -Be (Join-Path $script:R2R "$name.dll") -Because "$name has a precompiled copy for $script:HostFolder"
        }
    }

    It 'are ignored when the folder is for another OS or .NET: the module loads its IL copies and works' {
        $copy = Join-Path $TestDrive 'module/PulumiScim'
        New-Item -ItemType Directory (Split-Path $copy) | Out-Null
        Copy-Item $script:ModuleFolder $copy -Recurse
        $foreign = if ($IsWindows) { 'linux-x64-net10' } else { 'win-x64-net10' }
        Rename-Item (Join-Path $copy "bin/r2r/$script:HostFolder") $foreign
        Copy-Item (Join-Path $copy "bin/r2r/$foreign") (Join-Path $copy "bin/r2r/$($script:HostFolder -replace 'net\d+$', 'net99')") -Recurse
        $file = Join-Path $TestDrive 'probe.ps1'
        Set-Content $file $script:Probe
        $output = & $PwshExe -NoProfile -NonInteractive -File $file (Join-Path $copy 'PulumiScim.psd1') 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $output[0] | Should -Be 'Pulumi Cloud'
        $loaded = @($output | Select-Object -Skip 1)
        $loaded.Count | Should -BeGreaterThan 1
        foreach ($line in $loaded) {
            $name, $path = $line -split '\|'
            $path | Should -Be (Join-Path $copy "bin/$name.dll")
        }
    }

    It 'are not needed: with bin/r2r removed the module loads its IL copies and works' {
        $copy = Join-Path $TestDrive 'bare/PulumiScim'
        New-Item -ItemType Directory (Split-Path $copy) | Out-Null
        Copy-Item $script:ModuleFolder $copy -Recurse
        Remove-Item (Join-Path $copy 'bin/r2r') -Recurse
        $output = Invoke-Pwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Join-Path $copy 'PulumiScim.psd1')'
`$sb = Start-ScimSandbox
`$sb | Connect-ScimGraph
(Get-ScimApplication -DisplayName 'Pulumi Cloud').DisplayName
`$sb | Stop-ScimSandbox
`$mine = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'PulumiScim'
`$mine.Assemblies | Where-Object { `$_.GetName().Name -in 'PulumiScim', 'Microsoft.Graph.Core', 'Microsoft.Kiota.Abstractions' } | ForEach-Object { `$_.Location }
"@
        $output[0] | Should -Be 'Pulumi Cloud'
        $locations = @($output | Select-Object -Skip 1)
        $locations.Count | Should -Be 3
        foreach ($l in $locations) { Split-Path $l | Should -Be (Join-Path $copy 'bin') }
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
