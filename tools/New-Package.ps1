#!/usr/bin/env pwsh
# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
<#
.SYNOPSIS
    Packs the built module folder into PulumiScim.<version>.nupkg, the package Install-PSResource and Install-Module take.
.DESCRIPTION
    Publishes the module folder with Publish-PSResource (Microsoft.PowerShell.PSResourceGet, shipped with PowerShell
    7.4 and later) to a temporary local folder repository, copies the .nupkg it wrote to -OutputPath and removes the
    repository again. No network is used: the manifest must be valid (Publish-PSResource checks it) and list no
    required modules that are not installed.
.PARAMETER ModulePath
    The built module folder (out/PulumiScim), or its PulumiScim.psd1.
.PARAMETER OutputPath
    The folder that receives the .nupkg; created when missing. An older package of the same version is replaced.
.OUTPUTS
    System.IO.FileInfo: the package.
.EXAMPLE
    ./tools/New-Package.ps1 -ModulePath out/PulumiScim -OutputPath out
#>
[CmdletBinding()]
[OutputType([System.IO.FileInfo])]
param(
    [Parameter(Mandatory)]
    [string] $ModulePath,

    [Parameter(Mandatory)]
    [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$moduleName = 'PulumiScim'
$resolved = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
if (Test-Path -LiteralPath $resolved -PathType Leaf) { $resolved = Split-Path $resolved }
$manifestPath = Join-Path $resolved "$moduleName.psd1"
if (-not (Test-Path -LiteralPath $manifestPath)) {
    throw "'$resolved' holds no $moduleName.psd1: give the built module folder (run 'dotnet pwsh ./build.ps1 Build' first)."
}
# Publish-PSResource takes the package id from the folder name, so the folder must be named after the module.
if ((Split-Path -Leaf $resolved) -ne $moduleName) {
    throw "The module folder must be named '$moduleName' (Publish-PSResource names the package after it), not '$(Split-Path -Leaf $resolved)'."
}
if (-not (Test-Path -LiteralPath (Join-Path $resolved 'bin/PulumiScim.dll'))) {
    throw "'$resolved' is not a built module: bin/PulumiScim.dll is missing (run 'dotnet pwsh ./build.ps1 Build' first)."
}

$manifest = Import-PowerShellDataFile -LiteralPath $manifestPath
$version = [string]$manifest.ModuleVersion
$prerelease = $manifest.PrivateData.PSData['Prerelease']
$packageVersion = if ($prerelease) { "$version-$prerelease" } else { $version }

if (-not (Get-Module -ListAvailable Microsoft.PowerShell.PSResourceGet)) {
    throw 'Microsoft.PowerShell.PSResourceGet is not available; it ships with PowerShell 7.4 and later (run this script in pwsh 7.4+).'
}
Import-Module Microsoft.PowerShell.PSResourceGet -ErrorAction Stop -Verbose:$false

New-Item -ItemType Directory -Force -Path $OutputPath | Out-Null
$outputFull = (Resolve-Path -LiteralPath $OutputPath).ProviderPath
$repoPath = Join-Path ([System.IO.Path]::GetTempPath()) ("pulumiscim-repo-" + [guid]::NewGuid().ToString('n'))
$repoName = "PulumiScimPackage-" + [guid]::NewGuid().ToString('n').Substring(0, 12)
New-Item -ItemType Directory -Path $repoPath | Out-Null
try {
    Register-PSResourceRepository -Name $repoName -Uri $repoPath -Trusted
    try {
        Publish-PSResource -Path $resolved -Repository $repoName
    }
    finally {
        Unregister-PSResourceRepository -Name $repoName -ErrorAction SilentlyContinue
    }

    $built = @(Get-ChildItem -LiteralPath $repoPath -Filter "$moduleName.*.nupkg")
    if ($built.Count -ne 1) {
        throw "Publish-PSResource wrote $($built.Count) packages to the temporary repository; expected one $moduleName.$packageVersion.nupkg."
    }
    $target = Join-Path $outputFull "$moduleName.$packageVersion.nupkg"
    Copy-Item -LiteralPath $built[0].FullName -Destination $target -Force
}
finally {
    Remove-Item -LiteralPath $repoPath -Recurse -Force -ErrorAction SilentlyContinue
}

$package = Get-Item -LiteralPath $target
Write-Verbose ("Packed {0} ({1:N0} bytes)." -f $package.FullName, $package.Length)
$package
