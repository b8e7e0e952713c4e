# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Case 9: the drift test on an app the guide configured. Ours: Test-ScimConfiguration 'Pulumi Cloud' [-IncludeUsers].
# Peer: bench/peer/Test-ConfigurationPeer.ps1. Measures the command's work (ours: after import and connect, whose
# requests are cleared from the sandbox's request log) and the requests and round trips on the critical path.
param(
    [Parameter(Mandatory)] [ValidateSet('Ours', 'Peer')] [string] $Mode,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $InfoPath,
    [switch] $IncludeUsers
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
. (Join-Path $PSScriptRoot 'BenchChild.ps1')

$sandbox = (Read-SandboxInfo $InfoPath).sandboxes[0]
$graphToken = ConvertTo-TestSecret $sandbox.accessToken
if ($Mode -eq 'Ours') {
    Import-Module $ModulePath
    Connect-BenchSandbox $sandbox $graphToken
    Clear-SandboxRequestLog $sandbox.graphUri
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $result = @(Test-ScimConfiguration 'Pulumi Cloud' -IncludeUsers:$IncludeUsers)
}
else {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $result = @(& (Join-Path $PSScriptRoot '../peer/Test-ConfigurationPeer.ps1') -GraphUri $sandbox.graphUri -AccessToken $graphToken -IncludeUsers:$IncludeUsers)
}
$workMs = $watch.Elapsed.TotalMilliseconds
$endMs = Get-SinceProcessStartMs
if (-not $result.Count) { throw 'The drift test wrote no result.' }
$output = [ordered]@{ workMs = $workMs; endMs = $endMs; results = $result.Count }
$counts = Get-RequestCount $sandbox.graphUri
foreach ($key in $counts.Keys) { $output[$key] = $counts[$key] }
Write-ChildResult $output
