#!/usr/bin/env pwsh
# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
<#
.SYNOPSIS
    The benchmark's peer for provisioning logs: the @odata.nextLink loop an administrator writes with Invoke-RestMethod.
.DESCRIPTION
    Finds the app's service principal and its scim job, then reads GET /v1.0/auditLogs/provisioning filtered on the
    job, $top entries a page, following @odata.nextLink, and writes every provisioningObjectSummary to the pipeline
    as soon as its page arrives.
.EXAMPLE
    ./Get-LogsPeer.ps1 -GraphUri http://127.0.0.1:5000 -AccessToken $graphToken | Measure-Object
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [Uri] $GraphUri,
    [Parameter(Mandatory)] [securestring] $AccessToken,
    [string] $DisplayName = 'Pulumi Cloud',
    [ValidateRange(1, 1000)] [int] $Top = 1000,
    [ValidateRange(1, 1000000)] [int] $MaxPages = 100000
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$graph = $GraphUri.ToString().TrimEnd('/') + '/v1.0'
$headers = @{ Authorization = 'Bearer ' + (ConvertFrom-SecureString -SecureString $AccessToken -AsPlainText) }

$filter = [Uri]::EscapeDataString("displayName eq '$($DisplayName.Replace("'", "''"))'")
$sp = @((Invoke-RestMethod -Uri "$graph/servicePrincipals?`$filter=$filter" -Headers $headers).value)
if ($sp.Count -ne 1) { throw "Expected one service principal named '$DisplayName', found $($sp.Count)." }
$job = @((Invoke-RestMethod -Uri "$graph/servicePrincipals/$($sp[0].id)/synchronization/jobs" -Headers $headers).value) |
    Where-Object templateId -eq 'scim' | Select-Object -First 1
if (-not $job) { throw "'$DisplayName' has no provisioning job." }

$jobFilter = [Uri]::EscapeDataString("jobId eq '$($job.id)'")
$next = "$graph/auditLogs/provisioning?`$filter=$jobFilter&`$top=$Top"
$pages = 0
while ($next -and $pages -lt $MaxPages) {
    $page = Invoke-RestMethod -Uri $next -Headers $headers
    $pages++
    $page.value
    $next = if ($page.PSObject.Properties['@odata.nextLink']) { $page.'@odata.nextLink' } else { $null }
}
