# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Case 6: the guide's pipeline on every sandbox of the host, with ForEach-Object -Parallel (each runspace imports the
# module, connects to its own sandbox and runs the pipeline) or one tenant after another in this runspace.
param(
    [Parameter(Mandatory)] [ValidateSet('Parallel', 'Sequential')] [string] $Mode,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $InfoPath,
    [Parameter(Mandatory)] [string] $BackupPath,
    [ValidateRange(1, 64)] [int] $ThrottleLimit = 5
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
. (Join-Path $PSScriptRoot 'BenchChild.ps1')

$sandboxes = @((Read-SandboxInfo $InfoPath).sandboxes)
$watch = [System.Diagnostics.Stopwatch]::StartNew()
if ($Mode -eq 'Parallel') {
    $results = @($sandboxes | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
            $ErrorActionPreference = 'Stop'
            $sandbox = $_
            $org = $sandbox.organizations | Where-Object name -eq 'acme' | Select-Object -First 1
            Import-Module $using:ModulePath
            $graphToken = ConvertTo-SecureString -String $sandbox.accessToken -AsPlainText -Force
            $scimToken = ConvertTo-SecureString -String $org.token -AsPlainText -Force
            Connect-ScimGraph -AccessToken $graphToken -GraphEndpoint $sandbox.graphUri -PulumiApiUrl $sandbox.pulumiApiUri
            $backup = Join-Path $using:BackupPath ([string]$sandbox.port)
            Get-ScimApplication -DisplayName 'Pulumi Cloud' |
                Set-ScimTenant -OrganizationName acme -Token $scimToken |
                Set-ScimUserMapping -BackupPath $backup |
                Enable-ScimGroupProvisioning -BackupPath $backup |
                Add-ScimAssignment -Group 'Platform Team', 'SRE' -User 'grace@contoso.example' |
                Start-ScimProvisioning
        })
}
else {
    Import-Module $ModulePath
    $results = @(foreach ($sandbox in $sandboxes) {
            $org = Get-SandboxOrganizationToken $sandbox
            Connect-BenchSandbox $sandbox (ConvertTo-TestSecret $sandbox.accessToken)
            $backup = Join-Path $BackupPath ([string]$sandbox.port)
            Get-ScimApplication -DisplayName 'Pulumi Cloud' |
                Set-ScimTenant -OrganizationName acme -Token (ConvertTo-TestSecret $org.token) |
                Set-ScimUserMapping -BackupPath $backup |
                Enable-ScimGroupProvisioning -BackupPath $backup |
                Add-ScimAssignment -Group 'Platform Team', 'SRE' -User 'grace@contoso.example' |
                Start-ScimProvisioning
        })
}
$workMs = $watch.Elapsed.TotalMilliseconds
$endMs = Get-SinceProcessStartMs
$active = @($results | Where-Object ProvisioningState -eq 'Active').Count
Write-ChildResult ([ordered]@{ tenants = $sandboxes.Count; active = $active; workMs = $workMs; endMs = $endMs })
