# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Once, in a fresh pwsh: what importing the module costs and loads. A trivial script module is imported first, so the
# one-time cost of PowerShell's own module machinery is not charged to PulumiScim.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ScratchPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
. (Join-Path $PSScriptRoot 'BenchChild.ps1')

$trivial = Join-Path $ScratchPath 'BenchTrivial.psm1'
Set-Content -LiteralPath $trivial -Value 'function Get-BenchTrivial { 1 }'
$watch = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module $trivial
$trivialMs = $watch.Elapsed.TotalMilliseconds

$before = [System.Collections.Generic.HashSet[System.Reflection.Assembly]]::new([AppDomain]::CurrentDomain.GetAssemblies())
$jitMethods = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
$jitTime = [System.Runtime.JitInfo]::GetCompilationTime($false)
$watch.Restart()
Import-Module $ModulePath
$moduleMs = $watch.Elapsed.TotalMilliseconds
$jitMethods = [System.Runtime.JitInfo]::GetCompiledMethodCount($false) - $jitMethods
$jitMs = ([System.Runtime.JitInfo]::GetCompilationTime($false) - $jitTime).TotalMilliseconds

$context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'PulumiScim'
$inContext = @(if ($context) { foreach ($assembly in $context.Assemblies) { $assembly.GetName().Name } })
$after = [AppDomain]::CurrentDomain.GetAssemblies()
# Every assembly the import loaded, with its version and load context (a private copy of a framework assembly shows as such).
$new = @(foreach ($assembly in $after) {
        if (-not $before.Contains($assembly)) {
            $name = $assembly.GetName()
            $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly)
            "$($name.Name) $($name.Version) ($(if ($context) { $context.Name } else { 'none' }))"
        }
    }) | Sort-Object
$heavy = @($after | ForEach-Object { $_.GetName().Name } | Where-Object { $_ -match '^(Microsoft\.Graph|Azure\.|Microsoft\.Kiota|Microsoft\.Identity\.Client|Microsoft\.IdentityModel)' } | Sort-Object -Unique)
Write-ChildResult ([ordered]@{
        trivialImportMs      = $trivialMs
        moduleImportMs       = $moduleMs
        jitMethods           = $jitMethods
        jitMs                = $jitMs
        contextFound         = [bool]$context
        contextAssemblies    = @($inContext | Sort-Object)
        newAssemblies        = $new
        graphAzureAssemblies = $heavy
        commands             = @((Get-Command -Module PulumiScim).Name | Sort-Object)
    })
