# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Case 2: from process start to the first application listed. Ours: import, Connect-ScimGraph, Get-ScimApplication.
# Peer: Invoke-RestMethod on GET /v1.0/servicePrincipals (bench/peer/Get-ApplicationPeer.ps1).
param(
    [Parameter(Mandatory)] [ValidateSet('Ours', 'Peer')] [string] $Mode,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $InfoPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
. (Join-Path $PSScriptRoot 'BenchChild.ps1')

$sandbox = (Read-SandboxInfo $InfoPath).sandboxes[0]
$graphToken = ConvertTo-TestSecret $sandbox.accessToken
if ($Mode -eq 'Ours') {
    Import-Module $ModulePath
    Connect-BenchSandbox $sandbox $graphToken
    $first = Get-ScimApplication | Select-Object -First 1
}
else {
    $first = & (Join-Path $PSScriptRoot '../peer/Get-ApplicationPeer.ps1') -GraphUri $sandbox.graphUri -AccessToken $graphToken | Select-Object -First 1
}
$firstMs = Get-SinceProcessStartMs
if (-not $first) { throw 'No application was listed.' }
Write-ChildResult ([ordered]@{ firstResultMs = $firstMs })
