# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Case 5: every provisioning log entry of the app through Measure-Object. Ours: Get-ScimProvisioningLog. Peer:
# bench/peer/Get-LogsPeer.ps1 (the @odata.nextLink loop). Measures from the command's start: the time to the first
# entry and to the count; and the peak RSS at the end.
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
$watch = [System.Diagnostics.Stopwatch]::new()
$first = @{ ms = -1.0; sinceStartMs = -1.0 }

filter Watch-FirstEntry {
    # Notes when the first entry arrives; passes every entry on.
    if ($first.ms -lt 0) {
        $first.ms = $watch.Elapsed.TotalMilliseconds
        $first.sinceStartMs = Get-SinceProcessStartMs
    }
    $_
}

if ($Mode -eq 'Ours') {
    Import-Module $ModulePath
    if (-not (Get-Command -Name Get-ScimProvisioningLog -Module PulumiScim -ErrorAction SilentlyContinue)) {
        Write-ChildResult ([ordered]@{ available = $false })
        return
    }
    Connect-BenchSandbox $sandbox $graphToken
    $watch.Start()
    $measure = Get-ScimProvisioningLog -DisplayName 'Pulumi Cloud' | Watch-FirstEntry | Measure-Object
}
else {
    $peer = Join-Path $PSScriptRoot '../peer/Get-LogsPeer.ps1'
    $watch.Start()
    $measure = & $peer -GraphUri $sandbox.graphUri -AccessToken $graphToken | Watch-FirstEntry | Measure-Object
}
$totalMs = $watch.Elapsed.TotalMilliseconds
Write-ChildResult ([ordered]@{
        available       = $true
        entries         = $measure.Count
        totalMs         = $totalMs
        firstEntryMs    = $first.ms
        firstSinceStart = $first.sinceStartMs
    })
