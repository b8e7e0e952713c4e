# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Case 8: Compare-ScimProvisioning on a large organization. Untimed set-up in this process: the Tenant URL and token,
# the guide's mappings and group provisioning (the seed's job has the template schema). Timed: the comparison with
# -IncludeInSync through Measure-Object (every user and team is written), then the peak RSS of this process.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $InfoPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
. (Join-Path $PSScriptRoot 'BenchChild.ps1')

$sandbox = (Read-SandboxInfo $InfoPath).sandboxes[0]
$org = Get-SandboxOrganizationToken $sandbox
$token = ConvertTo-TestSecret $org.token
Import-Module $ModulePath
Connect-BenchSandbox $sandbox (ConvertTo-TestSecret $sandbox.accessToken)
$backup = Join-Path ([System.IO.Path]::GetTempPath()) ('pulumiscim-bench-compare-' + [guid]::NewGuid().ToString('n'))
$app = Get-ScimApplication -DisplayName 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token $token |
    Set-ScimUserMapping -BackupPath $backup | Enable-ScimGroupProvisioning -BackupPath $backup
Remove-Item -LiteralPath $backup -Recurse -Force -ErrorAction SilentlyContinue
Clear-SandboxRequestLog $sandbox.graphUri

$watch = [System.Diagnostics.Stopwatch]::StartNew()
$first = -1.0
$states = @{}
$app | Compare-ScimProvisioning -Token $token -IncludeInSync | ForEach-Object {
    if ($first -lt 0) { $first = $watch.Elapsed.TotalMilliseconds }
    $key = "$($_.Kind) $($_.State)"
    $states[$key] = 1 + [int]$states[$key]
}
$totalMs = $watch.Elapsed.TotalMilliseconds
$requests = Get-RequestCount -GraphUri $sandbox.graphUri
# Writes on both sides: Graph's by the bench's one rule (Test-GraphWrite, via Get-RequestCount), Pulumi's as any non-GET.
$log = Invoke-RestMethod -Uri (Get-RequestLogUri $sandbox.graphUri)
$scimWrites = @($log | Where-Object { $_.path -notlike '/v1.0/*' -and $_.method -ne 'GET' }).Count
Write-ChildResult ([ordered]@{
        totalMs      = $totalMs
        firstMs      = $first
        objects      = ($states.Values | Measure-Object -Sum).Sum
        states       = (($states.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name) $($_.Value)" }) -join ', ')
        graph        = $requests.graphRequests
        scim         = $requests.otherRequests
        writes       = $requests.writes + $scimWrites
        peakRssKb    = Get-PeakRssKb
    })
