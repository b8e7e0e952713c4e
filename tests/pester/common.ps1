# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Shared by every Pester file: dot-source it in BeforeAll.

$script:ModulePath = if ($env:PULUMISCIM_MODULE_PATH) { $env:PULUMISCIM_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/PulumiScim/PulumiScim.psd1' }
$script:NuGetRoot = if ($env:PULUMISCIM_NUGET_ROOT) { $env:PULUMISCIM_NUGET_ROOT } else { Join-Path $HOME '.nuget/packages' }
# The example tenant: shared/sandbox/example-seed.json beside the checkout, else the sandbox's own copy of it.
$script:SeedPath = Join-Path $PSScriptRoot '../../../shared/sandbox/example-seed.json'
if (-not (Test-Path $script:SeedPath)) { $script:SeedPath = Join-Path $PSScriptRoot '../../src/PulumiScim.Sandbox/example-seed.json' }
$script:PwshExe = Join-Path $PSHOME 'pwsh'
if ($IsWindows) { $script:PwshExe += '.exe' }

Import-Module $script:ModulePath -Force

function Get-SandboxRequests {
    # One object per request (Invoke-RestMethod writes a JSON array as a single object; assigning it first enumerates it).
    param([Parameter(Mandatory)] $Sandbox)
    $requests = Invoke-RestMethod -Uri ([Uri]::new($Sandbox.GraphUri, '/_sandbox/requests'))
    $requests
}

function Clear-SandboxRequests {
    param([Parameter(Mandatory)] $Sandbox)
    Invoke-RestMethod -Method Delete -Uri ([Uri]::new($Sandbox.GraphUri, '/_sandbox/requests')) | Out-Null
}

function Get-SandboxState {
    param([Parameter(Mandatory)] $Sandbox)
    Invoke-RestMethod -Uri ([Uri]::new($Sandbox.GraphUri, '/_sandbox/state'))
}

function Get-WriteRequests {
    param([Parameter(Mandatory)] $Sandbox)
    @(Get-SandboxRequests $Sandbox | Where-Object { $_.method -ne 'GET' -and $_.path -like '/v1.0/*' })
}

function Invoke-Pwsh {
    # Runs a script in a fresh pwsh; returns its output lines; throws on a non-zero exit.
    param([Parameter(Mandatory)] [string] $Script)
    $file = Join-Path ([System.IO.Path]::GetTempPath()) ("pulumiscim-" + [guid]::NewGuid() + '.ps1')
    Set-Content -Path $file -Value $Script
    try {
        $output = & $script:PwshExe -NoProfile -NonInteractive -File $file 2>&1
        if ($LASTEXITCODE -ne 0) { throw "child pwsh failed ($LASTEXITCODE): $($output -join "`n")" }
        $output
    }
    finally {
        Remove-Item $file -ErrorAction SilentlyContinue
    }
}

function Test-IsWrite {
    # A write changes state: PUT, PATCH, DELETE, and POST except the read-only actions validateCredentials and parseExpression.
    param([Parameter(Mandatory, ValueFromPipeline)] $Request)
    process {
        $Request.path -like '/v1.0/*' -and (
            $Request.method -in 'PUT', 'PATCH', 'DELETE' -or
            ($Request.method -eq 'POST' -and $Request.path -notmatch '/(validateCredentials|parseExpression)$'))
    }
}

function Get-GraphWrites {
    param([Parameter(Mandatory)] $Sandbox)
    @(Get-SandboxRequests $Sandbox | Where-Object { $_ | Test-IsWrite })
}

function Get-GraphRequests {
    param([Parameter(Mandatory)] $Sandbox)
    @(Get-SandboxRequests $Sandbox | Where-Object { $_.path -like '/v1.0/*' })
}

function Get-SandboxSchema {
    # The job's schema as the sandbox holds it (the request is not logged: control endpoints are not).
    param([Parameter(Mandatory)] $Sandbox, [string] $ServicePrincipalId = '59e94b18-3fb9-5227-b0d0-07d59b9acc4e')
    $raw = Invoke-WebRequest -Uri ([Uri]::new($Sandbox.GraphUri, '/_sandbox/state'))
    $state = $raw.Content | ConvertFrom-Json -Depth 100
    ($state.applications | Where-Object servicePrincipalId -eq $ServicePrincipalId).synchronization.jobs[0].schema
}

function Invoke-GuidePipeline {
    # The guide's whole pipeline, as issue 4 writes it.
    param([Parameter(Mandatory)] $Sandbox, [string] $BackupPath, [switch] $WhatIf)
    $token = ($Sandbox.Organizations | Where-Object Name -eq 'acme').Token
    Get-ScimApplication -DisplayName 'Pulumi Cloud' |
        Set-ScimTenant -OrganizationName acme -Token $token -WhatIf:$WhatIf |
        Set-ScimUserMapping -BackupPath $BackupPath -WhatIf:$WhatIf |
        Enable-ScimGroupProvisioning -BackupPath $BackupPath -WhatIf:$WhatIf |
        Add-ScimAssignment -Group 'Platform Team', 'SRE' -User 'grace@contoso.example' -WhatIf:$WhatIf |
        Start-ScimProvisioning -WhatIf:$WhatIf
}
