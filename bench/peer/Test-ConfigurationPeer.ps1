#!/usr/bin/env pwsh
# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
<#
.SYNOPSIS
    The benchmark's peer for the drift test: the reads Test-ScimConfiguration makes, hand-written with Invoke-RestMethod.
.DESCRIPTION
    Reads, one after another, the app's service principal, its synchronization job, the job's schema, the saved
    secrets and the app role assignments; with -IncludeUsers also the members of every assigned group and then every
    user in scope (assigned directly or through a group), one GET each, as a script that checks each user would.
    Writes one object with what it read.
.EXAMPLE
    ./Test-ConfigurationPeer.ps1 -GraphUri http://127.0.0.1:5000 -AccessToken $graphToken -IncludeUsers
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [Uri] $GraphUri,
    [Parameter(Mandatory)] [securestring] $AccessToken,
    [string] $DisplayName = 'Pulumi Cloud',
    [switch] $IncludeUsers
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$graph = $GraphUri.ToString().TrimEnd('/') + '/v1.0'
$headers = @{ Authorization = 'Bearer ' + (ConvertFrom-SecureString -SecureString $AccessToken -AsPlainText) }

function Get-All {
    # Every item of a Graph list, following @odata.nextLink.
    param([Parameter(Mandatory)] [string] $Uri)
    while ($Uri) {
        $page = Invoke-RestMethod -Uri $Uri -Headers $headers
        $page.value
        $Uri = if ($page.PSObject.Properties['@odata.nextLink']) { $page.'@odata.nextLink' } else { $null }
    }
}

$filter = [Uri]::EscapeDataString("displayName eq '$($DisplayName.Replace("'", "''"))'")
$sp = @((Invoke-RestMethod -Uri "$graph/servicePrincipals?`$filter=$filter" -Headers $headers).value)[0]
$sync = "$graph/servicePrincipals/$($sp.id)/synchronization"
$job = @((Invoke-RestMethod -Uri "$sync/jobs" -Headers $headers).value)[0]
$schema = Invoke-RestMethod -Uri "$sync/jobs/$($job.id)/schema" -Headers $headers
$secrets = @((Invoke-RestMethod -Uri "$sync/secrets" -Headers $headers).value)
$assignments = @(Get-All "$graph/servicePrincipals/$($sp.id)/appRoleAssignedTo?`$top=999")
$users = @()
if ($IncludeUsers) {
    $ids = [System.Collections.Generic.HashSet[string]]::new()
    foreach ($assignment in $assignments) {
        if ($assignment.principalType -eq 'Group') {
            foreach ($member in Get-All "$graph/groups/$($assignment.principalId)/members?`$select=id") { $null = $ids.Add($member.id) }
        }
        elseif ($assignment.principalType -eq 'User') { $null = $ids.Add($assignment.principalId) }
    }
    $users = @(foreach ($id in $ids) {
            Invoke-RestMethod -Uri "$graph/users/$id`?`$select=id,userPrincipalName,mail,mailNickname,givenName,surname,displayName,accountEnabled" -Headers $headers
        })
}
[pscustomobject]@{
    Job         = $job.schedule.state
    Rules       = @($schema.synchronizationRules).Count
    Secrets     = $secrets.Count
    Assignments = $assignments.Count
    Users       = $users.Count
}
