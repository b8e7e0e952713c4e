#!/usr/bin/env pwsh
# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks PulumiScim.
.DESCRIPTION
    Tasks: Build (the importable module in out/PulumiScim), Test (xunit + Pester; ends with 'N passed, N failed'),
    Demo (the guide's pipeline against the sandbox), Bench (docs/benchmarks.md), Package (a .nupkg), Clean.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Package', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleOut = Join-Path $out 'PulumiScim'
$pwshExe = [System.Environment]::ProcessPath
if (-not $pwshExe -or (Split-Path -Leaf $pwshExe) -notmatch '^pwsh') { $pwshExe = Join-Path $PSHOME 'pwsh' }
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
# A log that is not a terminal gets no ANSI colour codes: pwsh and the Pester runner honour NO_COLOR.
if ([Console]::IsOutputRedirected -and -not $env:NO_COLOR) { $env:NO_COLOR = '1' }
if ($env:NO_COLOR) { $PSStyle.OutputRendering = 'PlainText' }

function Invoke-Native {
    param([string] $Exe, [string[]] $Arguments)
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "'$Exe $($Arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Assert-DotNet {
    if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
        throw 'The .NET SDK (dotnet) is not on PATH. Install the .NET 8 SDK or later from https://dotnet.microsoft.com/download.'
    }
}

function Get-ModuleVersion {
    (Import-PowerShellDataFile (Join-Path $root 'PulumiScim.psd1')).ModuleVersion
}

function Get-NuGetPackageRoot {
    $line = (& dotnet nuget locals global-packages --list) -join "`n"
    if ($line -match 'global-packages:\s*(.+)$') { return $Matches[1].Trim() }
    return (Join-Path $HOME '.nuget/packages')
}

function Restore-Tools {
    Invoke-Native dotnet @('restore', (Join-Path $root 'tools/tools.proj'), '--verbosity', 'quiet')
}

function Invoke-ReadyToRun {
    # Precompiled (ReadyToRun) copies of the hot assemblies for this host's OS/architecture and the .NET major this
    # PowerShell runs on, in bin/r2r/<os>-<arch>-net<major>/; the loader prefers them there and loads bin/ elsewhere.
    param([string] $Bin)
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    $arch = "$([System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture)".ToLowerInvariant()
    $major = [System.Environment]::Version.Major
    $folder = "$os-$arch-net$major"
    $project = Join-Path $root 'build/ReadyToRun/ReadyToRun.csproj'
    $hot = ([xml](Get-Content $project -Raw)).SelectNodes('/Project/ItemGroup/R2RAssembly') | ForEach-Object { $_.GetAttribute('Include') -split ';' }
    # Skip crossgen2 when the cached copies were made from these very IL files (by hash) for this folder.
    $cache = Join-Path $out "r2r-cache/$folder"
    $key = (@($folder) + ($hot | ForEach-Object { (Get-FileHash (Join-Path $Bin "$_.dll") -Algorithm SHA256).Hash })) -join "`n"
    $stamp = Join-Path $cache 'inputs.txt'
    if (-not ((Test-Path $stamp) -and (Get-Content $stamp -Raw) -eq $key)) {
        if (Test-Path $cache) { Remove-Item $cache -Recurse -Force }
        & dotnet publish $project -c Release -r "$os-$arch" "-p:TargetFramework=net$major.0" "-p:IlDir=$Bin" -o $cache --nologo --verbosity quiet | Out-Host
        if ($LASTEXITCODE -ne 0) {
            Write-Warning "No ReadyToRun copies for $folder (crossgen2 for net$major.0 could not be restored or failed); the module loads its IL assemblies."
            return
        }
        Set-Content -Path $stamp -Value $key -NoNewline
    }
    $target = New-Item -ItemType Directory -Force (Join-Path $Bin "r2r/$folder")
    foreach ($name in $hot) { Copy-Item (Join-Path $cache "$name.dll") $target }
}

function Invoke-Build {
    Assert-DotNet
    $version = Get-ModuleVersion
    if (Test-Path $moduleOut) { Remove-Item $moduleOut -Recurse -Force }
    $bin = Join-Path $moduleOut 'bin'
    $common = @('-c', $Configuration, '-o', $bin, "-p:Version=$version", '--nologo', '--verbosity', 'quiet')
    Invoke-Native dotnet (@('publish', (Join-Path $root 'src/PulumiScim.Loader/PulumiScim.Loader.csproj')) + $common)
    Invoke-Native dotnet (@('publish', (Join-Path $root 'src/PulumiScim/PulumiScim.csproj')) + $common)
    Copy-Item (Join-Path $root 'PulumiScim.psd1') $moduleOut
    # The manifest's release notes are the newest CHANGELOG.md section.
    $changelog = Get-Content (Join-Path $root 'CHANGELOG.md') -Raw
    $section = [regex]::Match($changelog, '(?ms)^## (v[^\r\n]+)\r?\n(.*?)(?=^## |\z)')
    if ($section.Success) {
        $notes = ("$($section.Groups[1].Value)`n$($section.Groups[2].Value.Trim())") -replace "'", "''"
        $manifestPath = Join-Path $moduleOut 'PulumiScim.psd1'
        $manifest = (Get-Content $manifestPath -Raw) -replace "ReleaseNotes\s*=\s*'[^']*'", { "ReleaseNotes = '$notes'" }
        Set-Content -Path $manifestPath -Value $manifest -NoNewline
    }
    Copy-Item (Join-Path $root 'module/*') $moduleOut
    Copy-Item (Join-Path $root 'LICENSE') $moduleOut
    # Keep only what runs: no pdb/xml/deps of the loader in the shipped folder beyond what the runtime needs.
    Get-ChildItem $bin -Filter '*.xml' | Where-Object Name -notlike '*-Help.xml' | Remove-Item
    $expected = 'PulumiScim.Loader.dll', 'PulumiScim.dll', 'PulumiScim.Sandbox.dll', 'Microsoft.Graph.Core.dll', 'Azure.Identity.dll', 'Azure.Core.dll', 'Microsoft.Identity.Client.dll', 'Microsoft.Kiota.Abstractions.dll'
    foreach ($dll in $expected) {
        if (-not (Test-Path (Join-Path $bin $dll))) { throw "The build did not produce bin/$dll." }
    }
    Invoke-ReadyToRun -Bin $bin
    # Help: MAML from docs/en-US, next to the cmdlet assembly (where PowerShell looks for a binary cmdlet's help file).
    Invoke-Native $pwshExe @('-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'tools/Build-Help.ps1'), '-DocsPath', (Join-Path $root 'docs/en-US'), '-ModulePath', (Join-Path $moduleOut 'PulumiScim.psd1'), '-OutputFile', (Join-Path $bin 'en-US/PulumiScim.dll-Help.xml'))
    Copy-Item (Join-Path $bin 'en-US') $moduleOut -Recurse -Force
    Write-Host "Built PulumiScim $version in $moduleOut"
}

function Invoke-UnitTests {
    $results = Join-Path $out 'test-results'
    New-Item -ItemType Directory -Force $results | Out-Null
    $passed = 0; $failed = 0
    foreach ($proj in 'tests/PulumiScim.Tests/PulumiScim.Tests.csproj', 'tests/PulumiScim.Sandbox.Tests/PulumiScim.Sandbox.Tests.csproj') {
        $name = [System.IO.Path]::GetFileNameWithoutExtension($proj)
        $trx = Join-Path $results "$name.trx"
        if (Test-Path $trx) { Remove-Item $trx }
        & dotnet test (Join-Path $root $proj) -c $Configuration --nologo --verbosity quiet --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' | Out-Host
        if (-not (Test-Path $trx)) { throw "dotnet test of $name produced no results (did it build?)." }
        [xml] $x = Get-Content $trx -Raw
        $c = $x.TestRun.ResultSummary.Counters
        $passed += [int]$c.passed
        $failed += [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
    }
    [pscustomobject]@{ Passed = $passed; Failed = $failed }
}

function Invoke-PesterTests {
    Restore-Tools
    $pester = Join-Path (Get-NuGetPackageRoot) 'pester/6.2.0/tools/Pester.psd1'
    if (-not (Test-Path $pester)) { throw "Pester 6.2.0 was not restored from NuGet ($pester)." }
    $summary = Join-Path $out 'test-results/pester-summary.json'
    if (Test-Path $summary) { Remove-Item $summary }
    & $pwshExe -NoProfile -NonInteractive -File (Join-Path $root 'tools/PesterTest.ps1') -PesterPath $pester -ModulePath (Join-Path $moduleOut 'PulumiScim.psd1') -TestPath (Join-Path $root 'tests/pester') -SummaryPath $summary -NuGetRoot (Get-NuGetPackageRoot) | Out-Host
    if (-not (Test-Path $summary)) { throw 'The Pester run ended without a summary (it crashed before finishing).' }
    $result = Get-Content $summary -Raw | ConvertFrom-Json
    if ($result.Passed -isnot [long] -and $result.Passed -isnot [int] -or $result.Failed -isnot [long] -and $result.Failed -isnot [int]) {
        throw "The Pester summary is incomplete ($((Get-Content $summary -Raw) -replace '\s+', ' ')): the run did not finish."
    }
    $result
}

switch ($Task) {
    'Clean' {
        foreach ($p in @($out) + (Get-ChildItem $root -Recurse -Directory -Include bin, obj | Where-Object FullName -notlike "$out*").FullName) {
            if ($p -and (Test-Path $p)) { Remove-Item $p -Recurse -Force }
        }
        Write-Host 'Cleaned.'
    }
    'Build' { Invoke-Build }
    'Test' {
        Invoke-Build
        $unit = Invoke-UnitTests
        $pester = Invoke-PesterTests
        $passed = $unit.Passed + $pester.Passed
        $failed = $unit.Failed + $pester.Failed
        Write-Host "xunit: $($unit.Passed) passed, $($unit.Failed) failed; Pester: $($pester.Passed) passed, $($pester.Failed) failed"
        Write-Host "$passed passed, $failed failed"
        if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
    }
    'Demo' {
        Invoke-Build
        & $pwshExe -NoProfile -NonInteractive -File (Join-Path $root 'tools/Demo.ps1') -ModulePath (Join-Path $moduleOut 'PulumiScim.psd1')
        if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    }
    'Bench' {
        $Configuration = 'Release'
        Invoke-Build
        & $pwshExe -NoProfile -NonInteractive -File (Join-Path $root 'bench/Invoke-Benchmark.ps1') -ModulePath (Join-Path $moduleOut 'PulumiScim.psd1') -OutputPath (Join-Path $root 'docs/benchmarks.md')
        if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    }
    'Package' {
        Invoke-Build
        & (Join-Path $root 'tools/New-Package.ps1') -ModulePath $moduleOut -OutputPath $out
    }
}
