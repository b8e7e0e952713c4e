#!/usr/bin/env pwsh
# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
<#
.SYNOPSIS
    The benchmark's peer for the whole guide: the same Microsoft Graph calls, hand-written with Invoke-RestMethod.
.DESCRIPTION
    What an administrator would write from Pulumi's "SCIM provisioning from Microsoft Entra ID" guide and the Graph
    synchronization docs, without a module: find the service principal, create the scim job if there is none, test
    and save the Tenant URL and Secret Token (scope: assigned users and groups only), edit the schema as the guide
    says (keep six user mappings, userName from mailNickname on create only, the work email required), then enable
    group provisioning without the externalId mapping, assign the groups and users that are not assigned yet, and
    start the job. Responses are read with Invoke-RestMethod (ConvertFrom-Json) and bodies written with ConvertTo-Json.
    It is idempotent only where a hand-written script naturally is (the job and assignments); it always writes the
    secrets and the schema and starts the job.
.EXAMPLE
    ./Invoke-GuidePeer.ps1 -GraphUri http://127.0.0.1:5000 -AccessToken $graphToken -TenantUrl $url -SecretToken $scimToken -Group 'Platform Team','SRE' -User grace@contoso.example
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [Uri] $GraphUri,
    [Parameter(Mandatory)] [securestring] $AccessToken,
    [Parameter(Mandatory)] [string] $TenantUrl,
    [Parameter(Mandatory)] [securestring] $SecretToken,
    [string] $DisplayName = 'Pulumi Cloud',
    [string[]] $Group = @(),
    [string[]] $User = @()
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$graph = $GraphUri.ToString().TrimEnd('/') + '/v1.0'
$headers = @{ Authorization = 'Bearer ' + (ConvertFrom-SecureString -SecureString $AccessToken -AsPlainText) }
$json = 'application/json'

function Invoke-Graph {
    param(
        [Parameter(Mandatory)] [string] $Method,
        [Parameter(Mandatory)] [string] $Path,
        [object] $Body
    )
    $request = @{ Method = $Method; Uri = "$graph/$Path"; Headers = $headers }
    if ($PSBoundParameters.ContainsKey('Body')) {
        $request['ContentType'] = $json
        $request['Body'] = $Body | ConvertTo-Json -Depth 50
    }
    Invoke-RestMethod @request
}

# 1. The enterprise app's service principal.
$filter = [Uri]::EscapeDataString("displayName eq '$($DisplayName.Replace("'", "''"))'")
$sp = @((Invoke-Graph GET "servicePrincipals?`$filter=$filter").value)
if ($sp.Count -ne 1) { throw "Expected one service principal named '$DisplayName', found $($sp.Count)." }
$sp = $sp[0]
$sync = "servicePrincipals/$($sp.id)/synchronization"

# 2. Test the Tenant URL and token, create the job if needed, save the credentials and the scope.
$scimToken = ConvertFrom-SecureString -SecureString $SecretToken -AsPlainText
$credentials = @(
    @{ key = 'BaseAddress'; value = $TenantUrl }
    @{ key = 'SecretToken'; value = $scimToken }
)
$job = @((Invoke-Graph GET "$sync/jobs").value) | Where-Object templateId -eq 'scim' | Select-Object -First 1
Invoke-Graph POST "$sync/jobs/validateCredentials" @{ templateId = 'scim'; useSavedCredentials = $false; credentials = $credentials } | Out-Null
if (-not $job) {
    $job = Invoke-Graph POST "$sync/jobs" @{ templateId = 'scim' }
}
Invoke-Graph PUT "$sync/secrets" @{ value = $credentials + @(@{ key = 'SyncAll'; value = 'false' }) } | Out-Null

# 3. Attribute mappings: keep six user mappings, userName <- [mailNickname] on create only, the work email required.
$schemaPath = "$sync/jobs/$($job.id)/schema"
$workEmail = 'emails[type eq "work"].value'
$keep = 'userName', 'active', 'displayName', $workEmail, 'name.givenName', 'name.familyName'
$schema = Invoke-Graph GET $schemaPath
$rule = $schema.synchronizationRules | Where-Object { $_.objectMappings.sourceObjectName -contains 'User' } | Select-Object -First 1
$userMapping = $rule.objectMappings | Where-Object sourceObjectName -eq 'User'
$userMapping.attributeMappings = @($userMapping.attributeMappings | Where-Object targetAttributeName -in $keep)
$userName = $userMapping.attributeMappings | Where-Object targetAttributeName -eq 'userName'
$userName.source = [pscustomobject]@{ expression = '[mailNickname]'; name = 'mailNickname'; parameters = @(); type = 'Attribute' }
$userName.flowType = 'ObjectAddOnly'
$target = $schema.directories | Where-Object name -eq $rule.targetDirectoryName
$targetUser = $target.objects | Where-Object name -eq $userMapping.targetObjectName
($targetUser.attributes | Where-Object name -eq $workEmail).required = $true
Invoke-Graph PUT $schemaPath $schema | Out-Null

# 4. Group provisioning: enable the Group mapping, without objectId -> externalId.
$schema = Invoke-Graph GET $schemaPath
$rule = $schema.synchronizationRules | Where-Object { $_.objectMappings.sourceObjectName -contains 'Group' } | Select-Object -First 1
$groupMapping = $rule.objectMappings | Where-Object sourceObjectName -eq 'Group'
$groupMapping.enabled = $true
$groupMapping.attributeMappings = @($groupMapping.attributeMappings | Where-Object targetAttributeName -ne 'externalId')
Invoke-Graph PUT $schemaPath $schema | Out-Null

# 5. Assign the groups and users (role "User"), skipping the ones already assigned.
$role = $sp.appRoles | Where-Object { $_.displayName -eq 'User' -or $_.value -eq 'User' } | Select-Object -First 1
if (-not $role) { throw "The app has no 'User' role." }
$assigned = @(foreach ($assignment in (Invoke-Graph GET "servicePrincipals/$($sp.id)/appRoleAssignedTo").value) { $assignment.principalId })
$principals = @(
    foreach ($name in $Group) {
        $groupFilter = [Uri]::EscapeDataString("displayName eq '$($name.Replace("'", "''"))'")
        $found = @((Invoke-Graph GET "groups?`$filter=$groupFilter").value)
        if ($found.Count -ne 1) { throw "Expected one group named '$name', found $($found.Count)." }
        $found[0].id
    }
    foreach ($upn in $User) {
        (Invoke-Graph GET "users/$([Uri]::EscapeDataString($upn))").id
    }
)
foreach ($principalId in $principals) {
    if ($principalId -notin $assigned) {
        Invoke-Graph POST "servicePrincipals/$($sp.id)/appRoleAssignedTo" @{ principalId = $principalId; resourceId = $sp.id; appRoleId = $role.id } | Out-Null
    }
}

# 6. Start provisioning.
Invoke-Graph POST "$sync/jobs/$($job.id)/start" | Out-Null
[pscustomobject]@{ DisplayName = $sp.displayName; ServicePrincipalId = $sp.id; JobId = $job.id; TenantUrl = $TenantUrl }
