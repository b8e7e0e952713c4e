# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# The .nupkg that './build.ps1 Package' writes (tools/New-Package.ps1) installs from a local repository and
# imports by name. Installs run in child pwsh processes whose HOME is a test folder (on Windows: Save-PSResource into
# a test folder), so neither the user's modules nor their registered repositories are touched.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
    Add-Type -AssemblyName System.IO.Compression.FileSystem

    $script:ModuleFolder = Split-Path (Resolve-Path $ModulePath).ProviderPath
    $script:Manifest = Import-PowerShellDataFile $ModulePath
    $script:Version = [string]$script:Manifest.ModuleVersion
    $packageName = "PulumiScim.$script:Version.nupkg"

    # The package step's output when it is newer than the module it packs; else pack the module folder now.
    $outFolder = Split-Path $script:ModuleFolder
    $built = Join-Path $outFolder $packageName
    $moduleDll = Get-Item (Join-Path $script:ModuleFolder 'bin/PulumiScim.dll')
    if ((Test-Path $built) -and (Get-Item $built).LastWriteTimeUtc -ge $moduleDll.LastWriteTimeUtc) {
        $script:Package = Get-Item $built
    }
    else {
        $script:Package = & (Join-Path $PSScriptRoot '../../tools/New-Package.ps1') -ModulePath $script:ModuleFolder -OutputPath (Join-Path $TestDrive 'package')
    }

    # A local folder repository holding only this package.
    $script:RepoPath = Join-Path $TestDrive 'repo'
    New-Item -ItemType Directory -Path $script:RepoPath | Out-Null
    Copy-Item $script:Package.FullName $script:RepoPath

    # What a child runs after installing: PulumiScim by name from $Modules only, then the sandbox round trip.
    $script:ImportByName = @'
$env:PSModulePath = $Modules + [System.IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
Import-Module PulumiScim
$m = Get-Module PulumiScim
$sb = Start-ScimSandbox
$sb | Connect-ScimGraph
$app = Get-ScimApplication -DisplayName 'Pulumi Cloud'
$alc = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext((Get-Command Get-ScimApplication).ImplementingType.Assembly).Name
$sb | Stop-ScimSandbox
[pscustomobject]@{ Version = $m.Version.ToString(); ModuleBase = $m.ModuleBase; Cmdlets = $m.ExportedCmdlets.Count; App = $app.DisplayName; Alc = $alc } | ConvertTo-Json -Compress
'@
}

Describe 'The package' {
    BeforeAll {
        $zip = [System.IO.Compression.ZipFile]::OpenRead($script:Package.FullName)
        try {
            $script:Entries = @($zip.Entries | ForEach-Object { $_.FullName -replace '\\', '/' })
            $nuspec = $zip.Entries | Where-Object FullName -eq 'PulumiScim.nuspec'
            $reader = [System.IO.StreamReader]::new($nuspec.Open())
            try { [xml] $script:Nuspec = $reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        finally {
            $zip.Dispose()
        }
    }

    It 'is named PulumiScim.<version>.nupkg after the manifest' {
        $script:Package.Name | Should -Be "PulumiScim.$script:Version.nupkg"
        $script:Package.Length | Should -BeGreaterThan 100KB
    }

    It 'carries the manifest''s id, version, tags and licence, and no project URL' {
        $meta = $script:Nuspec.package.metadata
        $meta.id | Should -Be 'PulumiScim'
        $meta.version | Should -Be $script:Version
        $meta.projectUrl | Should -BeNullOrEmpty
        $meta.licenseUrl | Should -Be $script:Manifest.PrivateData.PSData.LicenseUri
        $tags = $meta.tags -split ' '
        $tags | Should -Contain 'PSModule'
        foreach ($t in $script:Manifest.PrivateData.PSData.Tags) { $tags | Should -Contain $t }
    }

    It 'holds every file of the built module folder at the same relative path' {
        $files = Get-ChildItem $script:ModuleFolder -Recurse -File | ForEach-Object {
            [System.IO.Path]::GetRelativePath($script:ModuleFolder, $_.FullName) -replace '\\', '/'
        }
        $missing = $files | Where-Object { $_ -notin $script:Entries }
        $missing | Should -BeNullOrEmpty
    }

    It 'holds the loader, the cmdlet assembly and the private dependencies under bin' {
        foreach ($f in 'PulumiScim.psd1', 'PulumiScim.psm1', 'PulumiScim.Format.ps1xml', 'LICENSE', 'bin/PulumiScim.Loader.dll', 'bin/PulumiScim.dll', 'bin/PulumiScim.Sandbox.dll', 'bin/Azure.Identity.dll', 'bin/Azure.Core.dll', 'bin/Microsoft.Identity.Client.dll', 'bin/Microsoft.Graph.Core.dll') {
            $script:Entries | Should -Contain $f
        }
    }

    It 'carries the precompiled copies of bin/r2r beside the IL copy of each, which every other platform loads' {
        # Deliberately included: the loader only looks in bin/r2r/<os>-<arch>-net<major> of the running process, so a
        # package built on linux-x64 speeds up .NET 10 on linux-x64 and changes nothing on Windows, macOS or .NET 8.
        $copies = @($script:Entries | Where-Object { $_ -match '^bin/r2r/[a-z]+-[a-z0-9]+-net\d+/[^/]+\.dll$' })
        $copies.Count | Should -BeGreaterThan 0
        foreach ($c in $copies) { $script:Entries | Should -Contain ('bin/' + (Split-Path $c -Leaf)) }
    }
}

Describe 'Installing the package from a local repository' {
    It 'installs with Install-PSResource and imports by name in a fresh pwsh' {
        $home1 = Join-Path $TestDrive 'home-psresourceget'
        $modules = Join-Path $home1 $(if ($IsWindows) { 'Modules' } else { '.local/share/powershell/Modules' })
        $install = if ($IsWindows) {
            "Save-PSResource -Name PulumiScim -Repository `$repo -TrustRepository -Path '$modules'"
        }
        else {
            "Install-PSResource -Name PulumiScim -Repository `$repo -Scope CurrentUser -TrustRepository"
        }
        $installed = Invoke-IsolatedPwsh $home1 @"
`$ErrorActionPreference = 'Stop'
`$repo = 'PulumiScimTest' + [guid]::NewGuid().ToString('n').Substring(0, 8)
New-Item -ItemType Directory -Force -Path '$modules' | Out-Null
Register-PSResourceRepository -Name `$repo -Uri '$($script:RepoPath)' -Trusted
try {
    `$found = Find-PSResource -Name PulumiScim -Repository `$repo
    $install
}
finally {
    Unregister-PSResourceRepository -Name `$repo
}
[pscustomobject]@{ Found = `$found.Version.ToString(); Manifest = (Test-Path (Join-Path '$modules' 'PulumiScim/$($script:Version)/PulumiScim.psd1')) } | ConvertTo-Json -Compress
"@
        $i = @($installed)[-1] | ConvertFrom-Json
        $i.Found | Should -Be $script:Version
        $i.Manifest | Should -BeTrue

        $output = Invoke-IsolatedPwsh $home1 ("`$ErrorActionPreference = 'Stop'`n`$Modules = '$modules'`n" + $script:ImportByName)
        $r = @($output)[-1] | ConvertFrom-Json
        $r.Version | Should -Be $script:Version
        $r.ModuleBase | Should -BeLike "$modules*"
        $r.Cmdlets | Should -Be $script:Manifest.CmdletsToExport.Count
        $r.App | Should -Be 'Pulumi Cloud'
        $r.Alc | Should -Be 'PulumiScim'
    }

    It 'installs with Install-Module (PowerShellGet 2) from the same folder' -Skip:($IsWindows -or -not (Get-Module -ListAvailable PowerShellGet | Where-Object { $_.Version.Major -eq 2 })) {
        $home2 = Join-Path $TestDrive 'home-powershellget'
        $modules = Join-Path $home2 '.local/share/powershell/Modules'
        $output = Invoke-IsolatedPwsh $home2 @"
`$ErrorActionPreference = 'Stop'
Import-Module PowerShellGet -MaximumVersion 2.99
`$repo = 'PulumiScimTest' + [guid]::NewGuid().ToString('n').Substring(0, 8)
Register-PSRepository -Name `$repo -SourceLocation '$($script:RepoPath)' -InstallationPolicy Trusted
try {
    Install-Module -Name PulumiScim -Repository `$repo -Scope CurrentUser
}
finally {
    Unregister-PSRepository -Name `$repo
}
`$Modules = '$modules'
$($script:ImportByName)
"@
        $r = @($output)[-1] | ConvertFrom-Json
        $r.Version | Should -Be $script:Version
        $r.ModuleBase | Should -BeLike "$modules*"
        $r.App | Should -Be 'Pulumi Cloud'
    }
}
