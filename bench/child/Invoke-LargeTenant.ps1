# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Case 10: listing the enterprise apps of a tenant of real size (thousands of Microsoft service principals, hundreds of
# enterprise apps). Ours: Get-ScimApplication [-DisplayName <pattern>]. Peer: bench/peer/Get-ApplicationPeer.ps1
# -Details (the same list, then each app's job and secrets one after another). Measures the work (ours: after import
# and connect, so the listing alone), the apps written, and the requests and round trips on the critical path.
param(
    [Parameter(Mandatory)] [ValidateSet('Ours', 'Peer')] [string] $Mode,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $InfoPath,
    [string] $Name
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
    $apps = @(if ($Name) { Get-ScimApplication -DisplayName $Name } else { Get-ScimApplication })
}
else {
    $prefix = if ($Name) { $Name.TrimEnd('*') } else { $null }
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $apps = @(& (Join-Path $PSScriptRoot '../peer/Get-ApplicationPeer.ps1') -GraphUri $sandbox.graphUri -AccessToken $graphToken -Details -DisplayNamePrefix $prefix)
}
$workMs = $watch.Elapsed.TotalMilliseconds
$endMs = Get-SinceProcessStartMs
$output = [ordered]@{ workMs = $workMs; endMs = $endMs; apps = $apps.Count }
$counts = Get-RequestCount $sandbox.graphUri
foreach ($key in $counts.Keys) { $output[$key] = $counts[$key] }
Write-ChildResult $output
