# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Cases 3 and 4: the guide's whole pipeline (ours) or bench/peer/Invoke-GuidePeer.ps1 (peer) against one sandbox.
# Measures the work from before Import-Module (ours) or the peer script's start to the end of the pipeline, the Graph
# requests and writes it sent (from the sandbox's request log, cleared by the benchmark before this process started),
# and the peak RSS at that point. Ours also marks when each stage of the pipeline wrote its object, and with
# -WarmRuns re-runs the pipeline in this same process afterwards; with -SeedPath it then restores the seed and times a
# first run and a re-run in this now warm process (none of these count in requests or peak RSS).
param(
    [Parameter(Mandatory)] [ValidateSet('Ours', 'Peer')] [string] $Mode,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $InfoPath,
    [Parameter(Mandatory)] [string] $BackupPath,
    [ValidateRange(0, 10)] [int] $WarmRuns = 0,
    [string] $SeedPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
. (Join-Path $PSScriptRoot 'BenchChild.ps1')

$sandbox = (Read-SandboxInfo $InfoPath).sandboxes[0]
$org = Get-SandboxOrganizationToken $sandbox
$graphToken = ConvertTo-TestSecret $sandbox.accessToken
$scimToken = ConvertTo-TestSecret $org.token
$groups = 'Platform Team', 'SRE'
$users = 'grace@contoso.example'
$marks = [ordered]@{}
$watch = [System.Diagnostics.Stopwatch]::new()

function Add-Mark {
    # Passes the pipeline's object on and notes when it arrived (the stage before it has written its result).
    param([Parameter(Mandatory, ValueFromPipeline)] $InputObject, [Parameter(Mandatory)] [string] $Name)
    process {
        $marks[$Name] = $watch.Elapsed.TotalMilliseconds
        $InputObject
    }
}

function Invoke-OurGuide {
    Get-ScimApplication -DisplayName 'Pulumi Cloud' | Add-Mark -Name 'Get-ScimApplication' |
        Set-ScimTenant -OrganizationName acme -Token $scimToken | Add-Mark -Name 'Set-ScimTenant' |
        Set-ScimUserMapping -BackupPath $BackupPath | Add-Mark -Name 'Set-ScimUserMapping' |
        Enable-ScimGroupProvisioning -BackupPath $BackupPath | Add-Mark -Name 'Enable-ScimGroupProvisioning' |
        Add-ScimAssignment -Group $groups -User $users | Add-Mark -Name 'Add-ScimAssignment' |
        Start-ScimProvisioning | Add-Mark -Name 'Start-ScimProvisioning'
}

$startedMs = Get-SinceProcessStartMs
$watch.Start()
if ($Mode -eq 'Ours') {
    Import-Module $ModulePath
    $marks['Import-Module'] = $watch.Elapsed.TotalMilliseconds
    Connect-BenchSandbox $sandbox $graphToken
    $marks['Connect-ScimGraph'] = $watch.Elapsed.TotalMilliseconds
    $result = Invoke-OurGuide
}
else {
    $result = & (Join-Path $PSScriptRoot '../peer/Invoke-GuidePeer.ps1') -GraphUri $sandbox.graphUri -AccessToken $graphToken -TenantUrl $org.tenantUrl -SecretToken $scimToken -Group $groups -User $users
}
$workMs = $watch.Elapsed.TotalMilliseconds
$endMs = Get-SinceProcessStartMs
$peak = Get-PeakRssKb
if (-not $result) { throw 'The pipeline wrote no result.' }
$counts = Get-RequestCount $sandbox.graphUri
$coldMarks = [ordered]@{}
foreach ($key in $marks.Keys) { $coldMarks[$key] = $marks[$key] }

$warm = @(
    for ($i = 0; $i -lt $WarmRuns; $i++) {
        $watch.Restart()
        $null = Invoke-OurGuide
        $watch.Elapsed.TotalMilliseconds
    }
)
$steady = [ordered]@{}
if ($Mode -eq 'Ours' -and $SeedPath) {
    $seedBody = Get-Content -LiteralPath $SeedPath -Raw
    $null = Invoke-RestMethod -Method Post -Uri ($sandbox.graphUri.TrimEnd('/') + '/_sandbox/state') -Body $seedBody -ContentType 'application/json'
    foreach ($kind in 'firstMs', 'rerunMs') {
        $watch.Restart()
        $null = Invoke-OurGuide
        $steady[$kind] = $watch.Elapsed.TotalMilliseconds
    }
}
$output = [ordered]@{ startedMs = $startedMs; workMs = $workMs; endMs = $endMs; peakRssKb = $peak; marks = $coldMarks; warmMs = $warm; steady = $steady }
foreach ($key in $counts.Keys) { $output[$key] = $counts[$key] }
Write-ChildResult $output
