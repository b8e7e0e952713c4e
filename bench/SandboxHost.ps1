#!/usr/bin/env pwsh
# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
<#
.SYNOPSIS
    Runs one or more PulumiScim sandboxes in this process for the benchmark, then waits (bounded) to be stopped.
.DESCRIPTION
    Starts -Count sandboxes with Start-ScimSandbox (each seeded from -SeedPath), writes what a client needs to reach
    them (Graph root, Pulumi API root, the sandbox's test Graph token and its organizations' SCIM tokens) to -InfoPath
    as JSON, then sleeps until the benchmark kills this process, the parent process is gone, or -MaxSeconds pass.
    The tokens are the sandbox's own test tokens; the info file lives in the benchmark's temp folder and is deleted
    with it.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $InfoPath,
    [string] $SeedPath,
    [ValidateRange(1, 100)] [int] $Count = 1,
    [ValidateRange(0, 65535)] [int] $BasePort = 0,
    [ValidateRange(0, [int]::MaxValue)] [int] $ParentId = 0,
    [ValidateRange(1, 86400)] [int] $MaxSeconds = 1800
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $ModulePath

$sandboxes = [System.Collections.Generic.List[object]]::new()
try {
    $described = foreach ($i in 0..($Count - 1)) {
        $startArgs = @{}
        if ($SeedPath) { $startArgs['SeedPath'] = $SeedPath }
        if ($BasePort -gt 0) { $startArgs['Port'] = $BasePort + $i }
        $sandbox = Start-ScimSandbox @startArgs
        $sandboxes.Add($sandbox)
        [ordered]@{
            port          = $sandbox.Port
            graphUri      = $sandbox.GraphUri.ToString()
            pulumiApiUri  = $sandbox.PulumiApiUri.ToString()
            tenantId      = $sandbox.TenantId
            accessToken   = ConvertFrom-SecureString -SecureString $sandbox.AccessToken -AsPlainText
            organizations = @(foreach ($org in $sandbox.Organizations) {
                    [ordered]@{
                        name      = $org.Name
                        token     = ConvertFrom-SecureString -SecureString $org.Token -AsPlainText
                        tenantUrl = $org.TenantUrl.ToString()
                    }
                })
        }
    }
    $json = [ordered]@{ processId = $PID; sandboxes = @($described) } | ConvertTo-Json -Depth 5
    # Write then rename, so the benchmark never reads a half-written file.
    $partial = "$InfoPath.partial"
    Set-Content -LiteralPath $partial -Value $json -Encoding utf8NoBOM
    Move-Item -LiteralPath $partial -Destination $InfoPath -Force

    $deadline = [DateTime]::UtcNow.AddSeconds($MaxSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($ParentId -gt 0 -and -not (Get-Process -Id $ParentId -ErrorAction SilentlyContinue)) { break }
        Start-Sleep -Milliseconds 500
    }
}
finally {
    foreach ($sandbox in $sandboxes) { $sandbox | Stop-ScimSandbox }
}
