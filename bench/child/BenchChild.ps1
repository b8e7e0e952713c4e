# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Dot-sourced by every benchmark child script: reading the sandbox info, the request log, the peak RSS, and writing the
# one result line the benchmark parses (always the last line of the child's output).

$script:ProcessStart = [System.Diagnostics.Process]::GetCurrentProcess().StartTime

function Get-SinceProcessStartMs {
    # Milliseconds since this process started (the OS's start time of the pwsh process).
    ([DateTime]::Now - $script:ProcessStart).TotalMilliseconds
}

function Get-PeakRssKb {
    # VmHWM ("high water mark" of the resident set) from /proc/self/status, in kB; 0 where /proc is missing.
    $status = '/proc/self/status'
    if (-not (Test-Path -LiteralPath $status)) { return 0 }
    foreach ($line in [System.IO.File]::ReadAllLines($status)) {
        if ($line -match '^VmHWM:\s+(\d+)\s+kB') { return [long]$Matches[1] }
    }
    return 0
}

function Read-SandboxInfo {
    # The sandbox host's info file (bench/SandboxHost.ps1): every sandbox's URIs and test tokens.
    param([Parameter(Mandatory)] [string] $InfoPath)
    Get-Content -LiteralPath $InfoPath -Raw | ConvertFrom-Json
}

function ConvertTo-TestSecret {
    # The sandbox's own test tokens arrive as text in the info file; the cmdlets take SecureString.
    param([Parameter(Mandatory)] [string] $Value)
    ConvertTo-SecureString -String $Value -AsPlainText -Force
}

function Get-SandboxOrganizationToken {
    param([Parameter(Mandatory)] $Sandbox, [string] $Name = 'acme')
    $org = $Sandbox.organizations | Where-Object name -eq $Name | Select-Object -First 1
    if (-not $org) { throw "The sandbox has no organization '$Name'." }
    $org
}

function Test-GraphWrite {
    # A write changes state: PUT, PATCH, DELETE, and POST other than the read-only validateCredentials and parseExpression.
    # A JSON batch (POST /v1.0/$batch) is not one itself: the sandbox logs each request inside it, and those count.
    param([Parameter(Mandatory)] $Request)
    $Request.path -like '/v1.0/*' -and $Request.path -ne '/v1.0/$batch' -and (
        $Request.method -in 'PUT', 'PATCH', 'DELETE' -or
        ($Request.method -eq 'POST' -and $Request.path -notmatch '/(validateCredentials|parseExpression)$'))
}

function Get-RequestLogUri {
    # The sandbox's request log: GET reads it, DELETE clears it (docs/sandbox.md).
    param([Parameter(Mandatory)] [string] $GraphUri)
    $GraphUri.TrimEnd('/') + '/_sandbox/requests'
}

function Clear-SandboxRequestLog {
    # Forgets the requests logged so far (e.g. import and connect's), so a count covers the measured work alone.
    param([Parameter(Mandatory)] [string] $GraphUri)
    $null = Invoke-RestMethod -Method Delete -Uri (Get-RequestLogUri $GraphUri)
}

function Connect-BenchSandbox {
    # Connect-ScimGraph to the sandbox with its Graph token (the module imported first).
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [securestring] $AccessToken)
    Connect-ScimGraph -AccessToken $AccessToken -GraphEndpoint $Sandbox.graphUri -PulumiApiUrl $Sandbox.pulumiApiUri
}

function Get-RequestCount {
    # Counts the sandbox's request log (control endpoints are not logged): Graph /v1.0 requests, writes, SCIM requests,
    # every request logged, and the round trips on the critical path (GET /_sandbox/requests/summary, docs/sandbox.md).
    param([Parameter(Mandatory)] [string] $GraphUri)
    # The sandbox may log a request just after answering it: read until two reads 50 ms apart agree (at most 20).
    $uri = Get-RequestLogUri $GraphUri
    # Invoke-RestMethod writes a JSON array as one object: assign it, then count its items.
    $log = Invoke-RestMethod -Uri $uri
    for ($i = 0; $i -lt 20; $i++) {
        Start-Sleep -Milliseconds 50
        $again = Invoke-RestMethod -Uri $uri
        if (@($again).Count -eq @($log).Count) { break }
        $log = $again
    }
    $graph = 0; $writes = 0; $other = 0
    foreach ($request in $log) {
        if ($request.path -like '/v1.0/*') {
            $graph++
            if (Test-GraphWrite $request) { $writes++ }
        }
        else { $other++ }
    }
    $summary = Invoke-RestMethod -Uri ((Get-RequestLogUri $GraphUri) + '/summary')
    [ordered]@{ graphRequests = $graph; writes = $writes; otherRequests = $other; requests = $summary.requests; criticalPath = $summary.criticalPath }
}

function Write-ChildResult {
    # The last line of output: BENCH-RESULT {json}. Adds the peak RSS unless the caller measured it already.
    param([Parameter(Mandatory)] [System.Collections.IDictionary] $Result)
    if (-not $Result.Contains('peakRssKb')) { $Result['peakRssKb'] = Get-PeakRssKb }
    [Console]::Out.WriteLine('BENCH-RESULT ' + ($Result | ConvertTo-Json -Depth 5 -Compress))
}
