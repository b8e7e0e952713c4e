# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# The main job, against the sandbox: start it, connect, and run the guide.
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$sandbox = Start-ScimSandbox
try {
    $sandbox | Connect-ScimGraph
    Write-Host "`nEnterprise apps in the sandbox tenant $($sandbox.TenantId):" -ForegroundColor Cyan
    Get-ScimApplication | Format-Table | Out-Host
}
finally {
    $sandbox | Stop-ScimSandbox
}
