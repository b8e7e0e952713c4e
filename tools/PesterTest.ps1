# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Runs the Pester suite in a fresh pwsh and writes {Passed, Failed} to -SummaryPath.
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    [string] $NuGetRoot
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$env:PULUMISCIM_MODULE_PATH = $ModulePath
$env:PULUMISCIM_NUGET_ROOT = $NuGetRoot
$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path (Split-Path $SummaryPath) 'pester.xml'
# A log that is not a terminal gets no ANSI colour codes, from Pester or from the child pwsh processes tests start.
if ([Console]::IsOutputRedirected -or $env:NO_COLOR) {
    $env:NO_COLOR = '1'
    $config.Output.RenderMode = 'Plaintext'
}
# The tests run with PowerShell's default error preference, as an admin's session has it.
$ErrorActionPreference = 'Continue'
$result = @(Invoke-Pester -Configuration $config) | Where-Object { $_.PSObject.Properties['PassedCount'] } | Select-Object -Last 1
if (-not $result) { throw 'Invoke-Pester returned no run result.' }
$failed = [int]$result.FailedCount + [int]$result.FailedBlocksCount + [int]$result.FailedContainersCount
[pscustomobject]@{ Passed = [int]$result.PassedCount; Failed = $failed } | ConvertTo-Json | Set-Content -Path $SummaryPath
