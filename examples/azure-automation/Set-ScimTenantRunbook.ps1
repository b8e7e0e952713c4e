# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
<#
.SYNOPSIS
    Azure Automation runbook (PowerShell 7.4): one tenant's Pulumi SCIM app brought to the guide's state, then checked.
.DESCRIPTION
    Start it once per tenant: each start is one job with its own parameters, its own process and its own output
    (docs/at-scale.md). The job connects as the Automation account's managed identity (Connect-ScimGraph
    -ManagedIdentity; Azure Automation gives a cloud job IDENTITY_ENDPOINT and IDENTITY_HEADER), runs the guide's
    pipeline (a re-run writes nothing when the app is already as the guide leaves it), and writes
    Test-ScimConfiguration's result as its output: one line per check, then a summary line. A failed check ends the job
    as Failed, so an alert on failed jobs covers every tenant.

    The Pulumi SCIM token comes from an Automation credential (its password; Get-AutomationPSCredential) or from a Key
    Vault secret (Get-AzKeyVaultSecret, after Connect-AzAccount -Identity). Those two are Azure Automation's and Az's
    commands: Get-ScimToken below is the only place that calls them, so a test (or another engine) supplies its own.
    With -CheckOnly $true the job writes nothing and needs no token.
.PARAMETER OrganizationName
    The Pulumi organization's login name (the name in the app's SAML SSO URL).
.PARAMETER ApplicationName
    The enterprise app's display name.
.PARAMETER Group
    Groups to assign to the app (the guide assigns groups, so that their members are provisioned).
.PARAMETER TokenCredentialName
    The Automation credential whose password is the Pulumi SCIM token (its user name is not used).
.PARAMETER KeyVaultName
    The Key Vault holding the token as a secret (instead of a credential); the identity needs the Key Vault Secrets
    User role on it.
.PARAMETER TokenSecretName
    The secret's name in -KeyVaultName.
.PARAMETER ManagedIdentityClientId
    A user-assigned identity's client id; empty for the account's system-assigned identity.
.PARAMETER CheckOnly
    $true: only Test-ScimConfiguration (no writes, no token).
.PARAMETER GraphEndpoint
    Empty in Azure. The tests point it (and -PulumiApiUrl) at the sandbox.
.PARAMETER PulumiApiUrl
    Empty in Azure: the Pulumi API the Tenant URL names (https://api.pulumi.com).
#>
param(
    [Parameter(Mandatory)] [string] $OrganizationName,
    [string] $ApplicationName = 'Pulumi Cloud',
    [string[]] $Group = @(),
    [string] $TokenCredentialName,
    [string] $KeyVaultName,
    [string] $TokenSecretName,
    [string] $ManagedIdentityClientId,
    [bool] $CheckOnly = $false,
    [string] $GraphEndpoint,
    [string] $PulumiApiUrl
)

$ErrorActionPreference = 'Stop'

function Get-ScimToken {
    # The Pulumi SCIM token as a SecureString, from an Automation credential or a Key Vault secret.
    if ($TokenCredentialName) {
        return (Get-AutomationPSCredential -Name $TokenCredentialName).Password
    }
    if ($KeyVaultName -and $TokenSecretName) {
        $null = Connect-AzAccount -Identity
        return (Get-AzKeyVaultSecret -VaultName $KeyVaultName -Name $TokenSecretName).SecretValue
    }
    throw 'No Pulumi SCIM token: name an Automation credential (-TokenCredentialName) or a Key Vault secret (-KeyVaultName and -TokenSecretName), or run with -CheckOnly $true.'
}

$connect = @{ ManagedIdentity = $true }
if ($ManagedIdentityClientId) { $connect.ClientId = $ManagedIdentityClientId }
if ($GraphEndpoint) { $connect.GraphEndpoint = $GraphEndpoint }
if ($PulumiApiUrl) { $connect.PulumiApiUrl = $PulumiApiUrl }
Connect-ScimGraph @connect

$app = Get-ScimApplication -DisplayName $ApplicationName
if (-not $app) { throw "No enterprise app named '$ApplicationName' in this tenant." }
if (-not $CheckOnly) {
    $backups = Join-Path ([System.IO.Path]::GetTempPath()) "pulumiscim-backups-$PID"
    $app = $app | Set-ScimTenant -OrganizationName $OrganizationName -Token (Get-ScimToken) |
        Set-ScimUserMapping -BackupPath $backups |
        Enable-ScimGroupProvisioning -BackupPath $backups
    if ($Group) { $app = $app | Add-ScimAssignment -Group $Group }
    $app = $app | Start-ScimProvisioning
}

# The job's output: one line per check, then the summary (Azure Automation keeps the Output stream as the job's output).
$checks = @($app | Test-ScimConfiguration -OrganizationName $OrganizationName)
$failed = @($checks | Where-Object { -not $_.Passed })
foreach ($check in $checks) {
    $mark = if ($check.Passed) { 'ok  ' } else { 'FAIL' }
    $fix = if ($check.Passed) { '' } else { " (fix: $($check.Hint))" }
    Write-Output "$mark $($check.Name): $($check.Actual)$fix"
}
Write-Output "$($app.DisplayName) for $($OrganizationName): $($checks.Count - $failed.Count) of $($checks.Count) checks passed."
if ($failed.Count) {
    throw "$($failed.Count) of $($checks.Count) checks failed for $($OrganizationName): $(($failed.Name) -join ', ')."
}
