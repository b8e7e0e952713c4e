#!/usr/bin/env pwsh
# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
<#
.SYNOPSIS
    The benchmark's peer for listing apps: the tenant's service principals with Invoke-RestMethod.
.DESCRIPTION
    Without -Details: one GET /v1.0/servicePrincipals (the first call). With -Details, what Get-ScimApplication
    shows, hand-written: the enterprise apps (the portal's filter, tags/any(t:t eq
    'WindowsAzureActiveDirectoryIntegratedApp'), with startswith on -DisplayNamePrefix), every page, then for each
    app, one after another, its synchronization jobs and, when it has a job, its saved secrets (the Tenant URL).
.EXAMPLE
    ./Get-ApplicationPeer.ps1 -GraphUri http://127.0.0.1:5000 -AccessToken $graphToken | Select-Object -First 1
.EXAMPLE
    ./Get-ApplicationPeer.ps1 -GraphUri http://127.0.0.1:5000 -AccessToken $graphToken -Details -DisplayNamePrefix Pulumi
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [Uri] $GraphUri,
    [Parameter(Mandatory)] [securestring] $AccessToken,
    [switch] $Details,
    [string] $DisplayNamePrefix
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$graph = $GraphUri.ToString().TrimEnd('/') + '/v1.0'
$headers = @{ Authorization = 'Bearer ' + (ConvertFrom-SecureString -SecureString $AccessToken -AsPlainText) }
if (-not $Details) {
    (Invoke-RestMethod -Uri "$graph/servicePrincipals" -Headers $headers).value
    return
}

$filter = "tags/any(t:t eq 'WindowsAzureActiveDirectoryIntegratedApp')"
if ($DisplayNamePrefix) { $filter = "startswith(displayName,'$($DisplayNamePrefix.Replace("'", "''"))') and $filter" }
$uri = "$graph/servicePrincipals?`$filter=$([Uri]::EscapeDataString($filter))&`$select=id,appId,displayName&`$top=999"
$apps = [System.Collections.Generic.List[object]]::new()
while ($uri) {
    $page = Invoke-RestMethod -Uri $uri -Headers $headers
    $apps.AddRange(@($page.value))
    $uri = if ($page.PSObject.Properties['@odata.nextLink']) { $page.'@odata.nextLink' } else { $null }
}
foreach ($app in $apps) {
    $sync = "$graph/servicePrincipals/$($app.id)/synchronization"
    $job = @((Invoke-RestMethod -Uri "$sync/jobs" -Headers $headers).value) | Select-Object -First 1
    $tenantUrl = $null
    if ($job) {
        # The saved Tenant URL, for an app that has a job (there are no secrets without one).
        $secrets = @((Invoke-RestMethod -Uri "$sync/secrets" -Headers $headers).value)
        $tenantUrl = @($secrets | Where-Object key -eq 'BaseAddress' | ForEach-Object value) | Select-Object -First 1
    }
    [pscustomobject]@{ DisplayName = $app.displayName; Id = $app.id; Job = $(if ($job) { $job.id }); TenantUrl = $tenantUrl }
}
