# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# The main job, against the sandbox: the guide's whole pipeline, then what it produced.
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$backups = Join-Path ([System.IO.Path]::GetTempPath()) "pulumiscim-demo-$PID"
$sandbox = Start-ScimSandbox
try {
    $sandbox | Connect-ScimGraph
    $token = ($sandbox.Organizations | Where-Object Name -eq 'acme').Token
    Write-Host "`nEnterprise apps in the sandbox tenant $($sandbox.TenantId):" -ForegroundColor Cyan
    Get-ScimApplication | Format-Table | Out-Host

    Write-Host "The guide, as one pipeline:" -ForegroundColor Cyan
    Write-Host "  Get-ScimApplication 'Pulumi Cloud' |"
    Write-Host "      Set-ScimTenant -OrganizationName acme -Token `$token |"
    Write-Host "      Set-ScimUserMapping | Enable-ScimGroupProvisioning |"
    Write-Host "      Add-ScimAssignment -Group 'Platform Team','SRE' ``"
    Write-Host "          -User 'grace@contoso.example' |"
    Write-Host "      Start-ScimProvisioning"
    Invoke-RestMethod -Method Delete ([uri]::new($sandbox.GraphUri, '/_sandbox/requests')) | Out-Null
    $app = Get-ScimApplication -DisplayName 'Pulumi Cloud' |
        Set-ScimTenant -OrganizationName acme -Token $token |
        Set-ScimUserMapping -BackupPath $backups |
        Enable-ScimGroupProvisioning -BackupPath $backups |
        Add-ScimAssignment -Group 'Platform Team', 'SRE' -User 'grace@contoso.example' |
        Start-ScimProvisioning
    $requests = Invoke-RestMethod ([uri]::new($sandbox.GraphUri, '/_sandbox/requests'))
    $graph = @($requests | ForEach-Object { $_ } | Where-Object path -like '/v1.0/*')
    $app | Format-Table | Out-Host
    Write-Host "Graph requests: $($graph.Count)" -ForegroundColor Cyan

    Write-Host "`nThe resulting attribute mappings:" -ForegroundColor Cyan
    $app | Get-ScimMapping | Out-Host

    Write-Host "Two more users, one without mail and one whose mailNickname another`nPulumi account holds:" -ForegroundColor Cyan
    $app = $app | Add-ScimAssignment -User 'bob@contoso.example', 'katherine@contoso.example'
    $app | Get-ScimAssignment | Out-Host

    Write-Host "Checked against the guide:" -ForegroundColor Cyan
    $app | Test-ScimConfiguration -IncludeUsers |
        Format-Table @{ n = 'Ok'; e = { if ($_.Passed) { 'ok' } else { 'FAIL' } }; width = 4 }, @{ n = 'Name'; e = 'Name'; width = 41 }, @{ n = 'Actual'; e = 'Actual'; width = 32 } | Out-Host
    Write-Host "  (Pulumi's SCIM API cannot show another account's usernames: bob is caught`n   by the logs, and by the pre-flight after that.)"

    Write-Host "Running the pipeline again (it should write nothing):" -ForegroundColor Cyan
    Invoke-RestMethod -Method Delete ([uri]::new($sandbox.GraphUri, '/_sandbox/requests')) | Out-Null
    Get-ScimApplication -DisplayName 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token $token | Set-ScimUserMapping -BackupPath $backups |
        Enable-ScimGroupProvisioning -BackupPath $backups | Add-ScimAssignment -Group 'Platform Team', 'SRE' -User 'grace@contoso.example' | Start-ScimProvisioning | Out-Null
    $again = @(Invoke-RestMethod ([uri]::new($sandbox.GraphUri, '/_sandbox/requests')) | ForEach-Object { $_ } | Where-Object path -like '/v1.0/*')
    $writes = @($again | Where-Object { $_.method -in 'PUT', 'PATCH', 'DELETE' -or ($_.method -eq 'POST' -and $_.path -notmatch '/validateCredentials$') })
    Write-Host "  $($again.Count) Graph requests, $($writes.Count) writes"

    if (Get-Command Wait-ScimProvisioning -ErrorAction SilentlyContinue) {
        Write-Host "`nRestarting provisioning so a cycle runs now (the portal's 'Restart`nprovisioning'), and waiting for it:" -ForegroundColor Cyan
        $status = $app | Start-ScimProvisioning -Restart | Wait-ScimProvisioning -Timeout 60 -ErrorAction Continue
        if ($status) {
            $status | Format-List Health, Verdict, LastCycleState, Exported, Escrowed | Out-Host
            Write-Host "The provisioning logs' failures (the guide's last step):" -ForegroundColor Cyan
            $app | Get-ScimProvisioningLog -Status Failure | Out-Host   # the module's 80-column view: Pulumi's own words
            Write-Host "And now the pre-flight knows about bob too:" -ForegroundColor Cyan
            $app | Test-ScimConfiguration -IncludeUsers | Where-Object { -not $_.Passed } | Out-Host
        }
    }
}
finally {
    $sandbox | Stop-ScimSandbox
    Remove-Item $backups -Recurse -Force -ErrorAction SilentlyContinue
}
