#!/usr/bin/env pwsh
# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
<#
.SYNOPSIS
    Benchmarks PulumiScim against hand-written Invoke-RestMethod peers and writes docs/benchmarks.md.
.DESCRIPTION
    Every measured run is a fresh pwsh process (-NoProfile), ours and the peer alternating (the order flips each
    pair). The sandbox (Microsoft Graph + Pulumi SCIM emulator on 127.0.0.1) runs in a separate pwsh process
    (bench/SandboxHost.ps1) and is stopped at the end. Reported: medians, min-max, and the ratio ours/peer as the
    median of the per-pair ratios. Targets are reported as met or missed; a miss does not fail the run (only an
    error in a case does).

    Cases: Import, FirstCall, Guide (whole guide and its re-run), Drift (Test-ScimConfiguration, with -IncludeUsers on a
    50-user scope), Logs, Tenants, LargeTenant (Get-ScimApplication on a tenant of 5,000 service principals), Size,
    Compare (Compare-ScimProvisioning on a large organization; run it alone with -Case Compare).

    Guide, Drift, Logs, Tenants and LargeTenant run at every latency of -LatencyMs (the sandbox's latency model,
    docs/sandbox.md): each reports the wall time, the requests and the round trips on the critical path (the longest
    chain of requests in which each one started after the previous one had ended) next to its peer's.
.PARAMETER LatencyMs
    The sandbox latencies to run the latency-sensitive cases at (default 0 and 100 ms).
.PARAMETER LatencyRuns
    Repetitions of each latency-sensitive case at a latency above 0 (fewer than at 0 ms: each run waits out its round trips).
.PARAMETER Quick
    One run of everything, no warm-up, smaller data (10,000 log entries, 4 tenants, 1,000 compare users): to check
    that the harness works, not to measure. The report says so.
.PARAMETER ModulePath
    The built module's manifest (out/PulumiScim/PulumiScim.psd1).
.PARAMETER OutputPath
    The markdown report to write.
.PARAMETER SeedPath
    The sandbox seed; by default the repository's docs/example-seed.json (the sandbox's built-in example tenant).
.PARAMETER Case
    Which cases to run (all by default).
.PARAMETER BudgetMinutes
    A case that would start after this much time is skipped (and reported as skipped). A whole run takes about 12-15
    minutes on a quiet 2-CPU machine; the budget is a cap, not the plan.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/Invoke-Benchmark.ps1 -ModulePath out/PulumiScim/PulumiScim.psd1 -OutputPath /tmp/b.md -Case Drift,LargeTenant -Quick
    Checks two cases' harness (one run each, at 0 and 100 ms) without touching docs/benchmarks.md.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/Invoke-Benchmark.ps1 -ModulePath out/PulumiScim/PulumiScim.psd1 -OutputPath docs/benchmarks.md
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $OutputPath = (Join-Path $PSScriptRoot '../docs/benchmarks.md'),
    [string] $SeedPath,
    [string[]] $Case = @('Import', 'FirstCall', 'Guide', 'Drift', 'Logs', 'Tenants', 'LargeTenant', 'Size', 'Compare'),
    [ValidateRange(0, 10000)] [int[]] $LatencyMs = @(0, 100),
    [ValidateRange(1, 50)] [int] $LatencyRuns = 2,
    [ValidateRange(1, 50)] [int] $DriftRuns = 3,
    [ValidateRange(1, 1000)] [int] $DriftUsers = 50,
    [ValidateRange(1, 20)] [int] $LargeTenantRuns = 2,
    [ValidateRange(1, 100000)] [int] $ServicePrincipals = 5000,
    [ValidateRange(1, 5000)] [int] $EnterpriseApps = 200,
    [switch] $Quick,
    [ValidateRange(1, 100)] [int] $ImportRuns = 15,
    [ValidateRange(1, 100)] [int] $FirstCallRuns = 5,
    [ValidateRange(1, 50)] [int] $GuideRuns = 5,
    [ValidateRange(1, 20)] [int] $LogRuns = 2,
    [ValidateRange(1, 10000000)] [int] $LogCount = 100000,
    [ValidateRange(1, 100)] [int] $TenantCount = 20,
    [ValidateRange(1, 1000000)] [int] $CompareUsers = 10000,
    [ValidateRange(1, 10000)] [int] $CompareTeams = 200,
    [ValidateRange(1, 20)] [int] $CompareRuns = 2,
    [ValidateRange(1, 20)] [int] $TenantRuns = 2,
    [ValidateRange(1, 64)] [int] $ThrottleLimit = 10,
    [ValidateRange(0, 10)] [int] $WarmupRuns = 1,
    [ValidateRange(10, 3600)] [int] $ChildTimeoutSeconds = 300,
    [ValidateRange(1, 600)] [double] $BudgetMinutes = 20
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$script:BenchWatch = [System.Diagnostics.Stopwatch]::StartNew()
# pwsh -File passes a list as one 'a,b' argument: split it, then check the names.
$Case = @($Case -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })
$script:CaseNames = 'Import', 'FirstCall', 'Guide', 'Drift', 'Logs', 'Tenants', 'LargeTenant', 'Size', 'Compare'
foreach ($name in $Case) {
    if ($name -notin $script:CaseNames) { throw "Unknown case '$name': use $($script:CaseNames -join ', ')." }
}
$LatencyMs = @($LatencyMs | ForEach-Object { $_ -split ',' } | ForEach-Object { [int]$_ } | Sort-Object -Unique)
if ($Quick) {
    # Checks the harness, measures nothing worth reporting.
    $ImportRuns = 1; $FirstCallRuns = 1; $GuideRuns = 1; $LogRuns = 1; $TenantRuns = 1; $CompareRuns = 1
    $LatencyRuns = 1; $DriftRuns = 1; $LargeTenantRuns = 1; $WarmupRuns = 0
    $LogCount = [math]::Min($LogCount, 10000); $TenantCount = [math]::Min($TenantCount, 4); $CompareUsers = [math]::Min($CompareUsers, 1000)
}
$script:Latency = 0
$script:ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
$script:ModuleFolder = Split-Path -Parent $script:ModulePath
$script:ChildFolder = Join-Path $PSScriptRoot 'child'
$script:Pwsh = Join-Path $PSHOME 'pwsh'
if ($IsWindows) { $script:Pwsh += '.exe' }
$script:Scratch = Join-Path ([System.IO.Path]::GetTempPath()) ('pulumiscim-bench-' + [guid]::NewGuid().ToString('n'))
$script:Hosts = [System.Collections.Generic.List[object]]::new()
$script:Targets = [System.Collections.Generic.List[object]]::new()
$script:Sections = [ordered]@{}
$script:Failed = $false
$script:Loads = [System.Collections.Generic.List[string]]::new()

#region Statistics and formatting

function Get-Median {
    param([Parameter(Mandatory)] [AllowEmptyCollection()] [double[]] $Values)
    if ($Values.Count -eq 0) { return [double]::NaN }
    $sorted = [double[]]($Values | Sort-Object)
    $mid = [math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { return $sorted[$mid] }
    ($sorted[$mid - 1] + $sorted[$mid]) / 2
}

function Get-Summary {
    # Median, min and max of a set of measurements.
    param([Parameter(Mandatory)] [AllowEmptyCollection()] [double[]] $Values)
    if ($Values.Count -eq 0) {
        return [pscustomobject]@{ Median = [double]::NaN; Min = [double]::NaN; Max = [double]::NaN; Count = 0 }
    }
    $measure = $Values | Measure-Object -Minimum -Maximum
    [pscustomobject]@{ Median = Get-Median $Values; Min = $measure.Minimum; Max = $measure.Maximum; Count = $Values.Count }
}

function Get-PairRatio {
    # The median of ours[i] / peer[i] over the pairs.
    param([Parameter(Mandatory)] [double[]] $Ours, [Parameter(Mandatory)] [double[]] $Peer)
    $ratios = for ($i = 0; $i -lt [math]::Min($Ours.Count, $Peer.Count); $i++) {
        if ($Peer[$i] -ne 0) { $Ours[$i] / $Peer[$i] }
    }
    Get-Median @($ratios)
}

function Format-Number {
    param([double] $Value, [string] $Unit = '', [int] $Decimals = 0)
    if ([double]::IsNaN($Value)) { return 'n/a' }
    $text = $Value.ToString("N$Decimals", [System.Globalization.CultureInfo]::InvariantCulture)
    if ($Unit) { "$text $Unit" } else { $text }
}

function Format-Summary {
    # "median (min–max) unit"; one value when all runs agree.
    param([Parameter(Mandatory)] $Summary, [string] $Unit = '', [int] $Decimals = 0)
    if ($Summary.Count -eq 0) { return 'n/a' }
    $median = Format-Number $Summary.Median -Decimals $Decimals
    $min = Format-Number $Summary.Min -Decimals $Decimals
    $max = Format-Number $Summary.Max -Decimals $Decimals
    $range = if ($min -eq $max) { '' } else { " ($min–$max)" }
    $suffix = if ($Unit) { " $Unit" } else { '' }
    "$median$suffix$range"
}

function Format-Ratio {
    param([double] $Ratio)
    if ([double]::IsNaN($Ratio)) { return 'n/a' }
    $Ratio.ToString('0.00', [System.Globalization.CultureInfo]::InvariantCulture) + '×'
}

function Format-CodeList {
    # `a`, `b`, `c` (markdown code spans).
    param([AllowNull()] [AllowEmptyCollection()] [object[]] $Items)
    $tick = [char]0x60
    (@($Items) | Where-Object { $_ } | ForEach-Object { "$tick$_$tick" }) -join ', '
}

function Add-Target {
    # One row of the targets table. $Met: $true, $false, $null (not measured) or a word such as 'reported'.
    param(
        [Parameter(Mandatory)] [string] $Target,
        [Parameter(Mandatory)] [string] $Measured,
        [AllowNull()] [object] $Met,
        [string] $Note = ''
    )
    # $Met 'reported': a figure the issue asks for without a bar to meet.
    $status = if ($null -eq $Met) { 'not measured' } elseif ($Met -is [string]) { $Met } elseif ($Met) { '**met**' } else { '**missed**' }
    $script:Targets.Add([pscustomobject]@{ Target = $Target; Measured = $Measured; Status = $status; Note = $Note })
}

function ConvertTo-MarkdownTable {
    param([Parameter(Mandatory)] [string[]] $Header, [Parameter(Mandatory)] [AllowEmptyCollection()] [object[]] $Rows)
    '| ' + ($Header -join ' | ') + ' |'
    '|' + (($Header | ForEach-Object { '---' }) -join '|') + '|'
    foreach ($row in $Rows) { '| ' + (@($row) -join ' | ') + ' |' }
}

#endregion

#region Processes

function Invoke-Pwsh {
    # Runs a fresh pwsh with the arguments, bounded by the child timeout; returns the wall time measured here, the
    # exit code, the output, and the parsed BENCH-RESULT line when there is one.
    param([Parameter(Mandatory)] [string[]] $Arguments, [switch] $NoResult)
    $info = [System.Diagnostics.ProcessStartInfo]::new($script:Pwsh)
    foreach ($argument in $Arguments) { $info.ArgumentList.Add($argument) }
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.Environment['POWERSHELL_TELEMETRY_OPTOUT'] = '1'
    $info.Environment['POWERSHELL_UPDATECHECK'] = 'Off'
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $process = [System.Diagnostics.Process]::Start($info)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($ChildTimeoutSeconds * 1000)) {
            $process.Kill($true)
            throw "A child pwsh ran longer than $ChildTimeoutSeconds s: $($Arguments -join ' ')"
        }
        $wallMs = $watch.Elapsed.TotalMilliseconds
        $process.WaitForExit()
        $out = $stdout.GetAwaiter().GetResult()
        $err = $stderr.GetAwaiter().GetResult()
        $exit = $process.ExitCode
    }
    finally {
        if (-not $process.HasExited) { $process.Kill($true) }
        $process.Dispose()
    }
    $lines = @($out -split "`r?`n")
    $resultLine = $lines | Where-Object { $_.StartsWith('BENCH-RESULT ') } | Select-Object -Last 1
    if ($exit -ne 0 -or (-not $NoResult -and -not $resultLine)) {
        $tail = (($err + "`n" + $out).Trim() -split "`r?`n" | Select-Object -Last 15) -join "`n"
        throw "A child pwsh failed (exit $exit): $($Arguments -join ' ')`n$tail"
    }
    $result = if ($resultLine) { $resultLine.Substring('BENCH-RESULT '.Length) | ConvertFrom-Json } else { $null }
    [pscustomobject]@{ WallMs = $wallMs; ExitCode = $exit; Result = $result }
}

function Invoke-Child {
    # Runs one of bench/child/*.ps1 in a fresh pwsh.
    param([Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [hashtable] $Parameters)
    $arguments = [System.Collections.Generic.List[string]]::new()
    $arguments.AddRange([string[]]@('-NoProfile', '-NonInteractive', '-File', (Join-Path $script:ChildFolder $Name)))
    foreach ($key in $Parameters.Keys) {
        # A switch: $true passes it alone, $false leaves it out.
        if ($Parameters[$key] -is [bool]) {
            if ($Parameters[$key]) { $arguments.Add("-$key") }
            continue
        }
        $arguments.Add("-$key")
        $arguments.Add([string]$Parameters[$key])
    }
    Invoke-Pwsh -Arguments $arguments.ToArray()
}

function Start-SandboxHost {
    # Starts bench/SandboxHost.ps1 in its own pwsh and waits until every sandbox answers.
    param([Parameter(Mandatory)] [string] $Name, [string] $Seed, [int] $Count = 1)
    $infoPath = Join-Path $script:Scratch "$Name.info.json"
    $info = [System.Diagnostics.ProcessStartInfo]::new($script:Pwsh)
    $arguments = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'SandboxHost.ps1'),
        '-ModulePath', $script:ModulePath, '-InfoPath', $infoPath, '-Count', [string]$Count,
        '-ParentId', [string]$PID, '-MaxSeconds', [string][int]([math]::Max(600, $BudgetMinutes * 120)))
    if ($Seed) { $arguments += @('-SeedPath', $Seed) }
    foreach ($argument in $arguments) { $info.ArgumentList.Add($argument) }
    $info.UseShellExecute = $false
    $info.Environment['POWERSHELL_TELEMETRY_OPTOUT'] = '1'
    $info.Environment['POWERSHELL_UPDATECHECK'] = 'Off'
    $process = [System.Diagnostics.Process]::Start($info)
    $sandboxHost = [pscustomobject]@{ Name = $Name; Process = $process; InfoPath = $infoPath; Info = $null }
    $script:Hosts.Add($sandboxHost)
    $deadline = [DateTime]::UtcNow.AddSeconds(120)
    while (-not (Test-Path -LiteralPath $infoPath)) {
        if ($process.HasExited) { throw "The sandbox host '$Name' exited ($($process.ExitCode)) before it was ready." }
        if ([DateTime]::UtcNow -gt $deadline) { throw "The sandbox host '$Name' was not ready within 120 s." }
        Start-Sleep -Milliseconds 100
    }
    $sandboxHost.Info = Get-Content -LiteralPath $infoPath -Raw | ConvertFrom-Json
    foreach ($sandbox in $sandboxHost.Info.sandboxes) {
        $answered = $false
        while (-not $answered) {
            try {
                $null = Invoke-RestMethod -Uri (Get-ControlUri $sandbox 'requests') -TimeoutSec 5
                $answered = $true
            }
            catch {
                if ([DateTime]::UtcNow -gt $deadline) { throw "The sandbox on $($sandbox.graphUri) did not answer within 120 s." }
                Start-Sleep -Milliseconds 100
            }
        }
    }
    $sandboxHost
}

function Stop-SandboxHost {
    param([Parameter(Mandatory)] $SandboxHost)
    $process = $SandboxHost.Process
    if (-not $process.HasExited) {
        $process.Kill($true)
        $null = $process.WaitForExit(15000)
    }
    $process.Dispose()
    $null = $script:Hosts.Remove($SandboxHost)
}

function Get-ControlUri {
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string] $Name)
    $Sandbox.graphUri.TrimEnd('/') + "/_sandbox/$Name"
}

function Reset-Sandbox {
    # Restores the seed (POST /_sandbox/state, which also resets the options), sets the current latency again and
    # clears the request log.
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string] $SeedBody)
    $null = Invoke-RestMethod -Method Post -Uri (Get-ControlUri $Sandbox 'state') -Body $SeedBody -ContentType 'application/json'
    Set-SandboxLatency $Sandbox
    Clear-RequestLog $Sandbox
}

function Set-SandboxLatency {
    # Applies $script:Latency to a sandbox (PATCH /_sandbox/options): every Graph and SCIM answer waits that long.
    param([Parameter(Mandatory)] $Sandbox)
    $body = @{ latencyMs = $script:Latency } | ConvertTo-Json -Compress
    $null = Invoke-RestMethod -Method Patch -Uri (Get-ControlUri $Sandbox 'options') -Body $body -ContentType 'application/json'
}

function Get-LatencyRuns {
    # Repetitions at the current latency: $Runs at 0 ms, at most -LatencyRuns above (each run waits out its round trips).
    param([Parameter(Mandatory)] [int] $Runs)
    if ($script:Latency -gt 0) { [math]::Min($Runs, $LatencyRuns) } else { $Runs }
}

function Get-CriticalPath {
    # Round trips on the critical path of request-log entries (docs/sandbox.md): the longest chain of requests in
    # which each one started after the previous one had ended, found by taking the request that ends first, again and
    # again. The sandbox's GET /_sandbox/requests/summary computes the same for one sandbox; this merges several (the
    # sandboxes of one host share one clock). Inner requests of a batch (roundTrip false) are left out.
    param([Parameter(Mandatory)] [AllowEmptyCollection()] [object[]] $Entries)
    $chain = 0
    $lastEnd = [double]::NegativeInfinity
    foreach ($entry in @($Entries | Where-Object { -not ($_.PSObject.Properties['roundTrip'] -and $_.roundTrip -eq $false) } | Sort-Object { [double]$_.endMs })) {
        if ([double]$entry.startMs -ge $lastEnd) {
            $chain++
            $lastEnd = [double]$entry.endMs
        }
    }
    $chain
}

function Clear-RequestLog {
    param([Parameter(Mandatory)] $Sandbox)
    $null = Invoke-RestMethod -Method Delete -Uri (Get-ControlUri $Sandbox 'requests')
}

function Get-GuideProblem {
    # What is not as the guide leaves it (nothing when the run did its job): job active, 6 user mappings with
    # userName <- [mailNickname], group provisioning on without externalId, 3 assignments.
    param([Parameter(Mandatory)] $Sandbox)
    try {
        $state = (Invoke-WebRequest -Uri (Get-ControlUri $Sandbox 'state')).Content | ConvertFrom-Json -Depth 100
        $app = $state.applications | Where-Object displayName -eq 'Pulumi Cloud' | Select-Object -First 1
        $job = @($app.synchronization.jobs)[0]
        $rule = $job.schema.synchronizationRules | Where-Object { $_.objectMappings.sourceObjectName -contains 'User' } | Select-Object -First 1
        $user = $rule.objectMappings | Where-Object sourceObjectName -eq 'User'
        $group = $rule.objectMappings | Where-Object sourceObjectName -eq 'Group'
        $userName = $user.attributeMappings | Where-Object targetAttributeName -eq 'userName'
        $groupTargets = @(foreach ($mapping in $group.attributeMappings) { $mapping.targetAttributeName })
        $assignments = @(if ($app.PSObject.Properties['assignments']) { $app.assignments })
        @(
            if ($job.schedule.state -ne 'Active') { "job $($job.schedule.state)" }
            if (@($user.attributeMappings).Count -ne 6) { "$(@($user.attributeMappings).Count) user mappings" }
            if ($userName.source.expression -ne '[mailNickname]') { "userName <- $($userName.source.expression)" }
            if (-not $group.enabled) { 'group provisioning off' }
            if ($groupTargets -contains 'externalId') { 'group externalId kept' }
            if ($assignments.Count -ne 3) { "$($assignments.Count) assignments" }
        )
    }
    catch {
        @("state unreadable: $($_.Exception.Message)")
    }
}

function Invoke-Pair {
    # Runs $Runs measured pairs (after $Warmup unmeasured ones), alternating which side goes first.
    param(
        [Parameter(Mandatory)] [int] $Runs,
        [int] $Warmup = 0,
        [Parameter(Mandatory)] [scriptblock] $Ours,
        [Parameter(Mandatory)] [scriptblock] $Peer
    )
    $lastPair = [TimeSpan]::Zero
    for ($i = -$Warmup; $i -lt $Runs; $i++) {
        # Stop after the first measured pair when another one like the last would end past the time budget (the
        # report says how many pairs ran).
        if ($i -gt 0 -and ($script:BenchWatch.Elapsed + $lastPair).TotalMinutes -ge $BudgetMinutes) {
            Write-Warning "Time budget: $i of $Runs pairs."
            break
        }
        $pairStart = $script:BenchWatch.Elapsed
        $oursFirst = (($i + $Warmup) % 2) -eq 0
        if ($oursFirst) { $o = & $Ours; $p = & $Peer } else { $p = & $Peer; $o = & $Ours }
        $lastPair = $script:BenchWatch.Elapsed - $pairStart
        if ($i -ge 0) { [pscustomobject]@{ Ours = $o; Peer = $p } }
    }
}

function Get-LoadAverage {
    # The 1-minute load average (other work on the machine skews every number here); n/a off Linux.
    if (-not (Test-Path -LiteralPath '/proc/loadavg')) { return 'n/a' }
    ((Get-Content -LiteralPath '/proc/loadavg' -Raw) -split ' ')[0]
}

function Test-Budget {
    param([Parameter(Mandatory)] [string] $Name)
    if ($script:BenchWatch.Elapsed.TotalMinutes -lt $BudgetMinutes) { return $true }
    $script:Sections[$Name] = @("Skipped: the run had used $([math]::Round($script:BenchWatch.Elapsed.TotalMinutes, 1)) of its $BudgetMinutes minutes.")
    $false
}

#endregion

#region Cases

function Publish-FloorModule {
    # bench/floor built as PulumiScim is (same SDK, net8.0, Release, dotnet publish) into the scratch folder; returns
    # its manifest.
    $folder = Join-Path $script:Scratch 'BenchFloor'
    $project = Join-Path $PSScriptRoot 'floor/BenchFloor.csproj'
    & dotnet publish $project -c Release -o (Join-Path $folder 'bin') --nologo --verbosity quiet | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "dotnet publish $project failed with exit code $LASTEXITCODE." }
    Copy-Item -LiteralPath (Join-Path $PSScriptRoot 'floor/BenchFloor.psd1') -Destination $folder
    Join-Path $folder 'BenchFloor.psd1'
}

function Measure-ImportCase {
    # Against the floor (bench/floor: a one-cmdlet binary module with no dependencies, built the same way), and, in the
    # peer's turn, a bare pwsh: each a fresh pwsh -NoProfile, the per-pair differences reported.
    $floor = Publish-FloorModule
    # Each child also reports its own CPU time at the end (written with [Console], so no output formatting runs): on a
    # loaded machine CPU time is disturbed far less than wall time by the other processes.
    $cpu = "[Console]::Out.WriteLine('BENCH-RESULT {""cpuMs"":' + [System.Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalMilliseconds.ToString([cultureinfo]::InvariantCulture) + '}')"
    $run = {
        param([string] $Path)
        $command = if ($Path) { "Import-Module '$($Path.Replace("'", "''"))'; $cpu" } else { $cpu }
        $child = Invoke-Pwsh -Arguments @('-NoProfile', '-c', $command)
        [pscustomobject]@{ WallMs = $child.WallMs; CpuMs = [double]$child.Result.cpuMs }
    }
    $pairs = @(Invoke-Pair -Runs $ImportRuns -Warmup $WarmupRuns `
            -Ours { & $run $script:ModulePath } `
            -Peer { [pscustomobject]@{ Floor = & $run $floor; Exit = & $run '' } })
    $ours = [double[]]$pairs.Ours.WallMs
    $peer = [double[]]$pairs.Peer.Exit.WallMs
    $reference = [double[]]$pairs.Peer.Floor.WallMs
    $diffs = [double[]]@(for ($i = 0; $i -lt $pairs.Count; $i++) { $ours[$i] - $peer[$i] })
    $overFloor = [double[]]@(for ($i = 0; $i -lt $pairs.Count; $i++) { $ours[$i] - $reference[$i] })
    $floorAdds = [double[]]@(for ($i = 0; $i -lt $pairs.Count; $i++) { $reference[$i] - $peer[$i] })
    $cpuOverFloor = Get-Summary ([double[]]@(for ($i = 0; $i -lt $pairs.Count; $i++) { $pairs[$i].Ours.CpuMs - $pairs[$i].Peer.Floor.CpuMs }))
    $cpuFloorAdds = Get-Summary ([double[]]@(for ($i = 0; $i -lt $pairs.Count; $i++) { $pairs[$i].Peer.Floor.CpuMs - $pairs[$i].Peer.Exit.CpuMs }))
    $added = Get-Median $diffs
    $aboveFloor = Get-Summary $overFloor
    $ratio = Get-PairRatio $ours $peer
    $facts = (Invoke-Child 'Get-ImportFacts.ps1' @{ ModulePath = $script:ModulePath; ScratchPath = $script:Scratch }).Result
    $heavy = @($facts.graphAzureAssemblies)
    $inContext = if ($facts.contextFound) { Format-CodeList $facts.contextAssemblies } else { 'no such context' }

    Add-Target 'Import ≤ floor + 50 ms' (Format-Summary $aboveFloor 'ms') ($aboveFloor.Median -le 50) "median (min–max) of $($pairs.Count) per-pair differences of wall time against bench/floor (CPU time: $(Format-Summary $cpuOverFloor 'ms')); the floor adds $(Format-Number (Get-Median $floorAdds) 'ms') to a bare pwsh"
    Add-Target 'Import adds ≤ 100 ms' (Format-Number $added 'ms') ($added -le 100) "median of per-pair differences; $(Format-Ratio $ratio) of a bare pwsh"
    Add-Target 'No Graph/Azure/Kiota/MSAL assembly loaded at import' $(if ($heavy.Count) { $heavy -join ', ' } else { 'none' }) ($heavy.Count -eq 0)

    $script:Sections['1. Import'] = @(
        "``pwsh -NoProfile -c 'Import-Module <psd1>'`` against the floor (bench/floor: a binary module with one cmdlet and no dependencies, built as PulumiScim is, imported the same way) and ``pwsh -NoProfile -c exit``, $($pairs.Count) pairs after $WarmupRuns warm-up pair(s); wall time of the whole process, and the CPU time each process reports at its end."
        ''
        ConvertTo-MarkdownTable -Header 'process', 'median (min–max)' -Rows @(
            , @('Import-Module PulumiScim', (Format-Summary (Get-Summary $ours) 'ms'))
            , @('Import-Module BenchFloor (the floor)', (Format-Summary (Get-Summary $reference) 'ms'))
            , @('exit (bare pwsh)', (Format-Summary (Get-Summary $peer) 'ms'))
            , @('**PulumiScim − floor** (per-pair differences)', (Format-Summary $aboveFloor 'ms'))
            , @('floor − bare (per-pair differences)', (Format-Summary (Get-Summary $floorAdds) 'ms'))
            , @('PulumiScim − bare (per-pair differences)', (Format-Summary (Get-Summary $diffs) 'ms'))
            , @('CPU time: PulumiScim − floor (per-pair differences)', (Format-Summary $cpuOverFloor 'ms'))
            , @('CPU time: floor − bare (per-pair differences)', (Format-Summary $cpuFloorAdds 'ms'))
            , @('ratio PulumiScim/bare (median of per-pair ratios)', (Format-Ratio $ratio))
        )
        ''
        "Once, inside a fresh pwsh (bench/child/Get-ImportFacts.ps1), after a trivial script module was imported first so that PowerShell's own first-import cost is not counted:"
        ''
        "- ``Import-Module`` of PulumiScim: $(Format-Number $facts.moduleImportMs 'ms') (the trivial module before it: $(Format-Number $facts.trivialImportMs 'ms')); JIT compiled $(Format-Number $facts.jitMethods) methods in $(Format-Number $facts.jitMs 'ms') during the import."
        "- Assemblies in the ``PulumiScim`` AssemblyLoadContext right after import: $inContext."
        "- Assemblies the import loaded (name, version, load context): $(Format-CodeList $facts.newAssemblies)."
        "- Graph/Azure/Kiota/MSAL/IdentityModel assemblies loaded at import: $(if ($heavy.Count) { Format-CodeList $heavy } else { '**none**' })."
    )
    $script:Commands = @($facts.commands)
}

function Measure-FirstCallCase {
    param([Parameter(Mandatory)] $SandboxHost)
    $parameters = @{ ModulePath = $script:ModulePath; InfoPath = $SandboxHost.InfoPath }
    $pairs = @(Invoke-Pair -Runs $FirstCallRuns -Warmup $WarmupRuns `
            -Ours { (Invoke-Child 'Invoke-FirstCall.ps1' ($parameters + @{ Mode = 'Ours' })).Result.firstResultMs } `
            -Peer { (Invoke-Child 'Invoke-FirstCall.ps1' ($parameters + @{ Mode = 'Peer' })).Result.firstResultMs })
    $ours = [double[]]$pairs.Ours
    $peer = [double[]]$pairs.Peer
    $script:Sections['2. First call'] = @(
        "Time from the process start (its OS start time) to the first application written, measured inside the child; $($pairs.Count) pairs after $WarmupRuns warm-up pair(s). Ours: ``Import-Module``, ``Connect-ScimGraph -AccessToken -GraphEndpoint``, ``Get-ScimApplication``. Peer: ``Invoke-RestMethod`` on ``GET /v1.0/servicePrincipals`` (bench/peer/Get-ApplicationPeer.ps1)."
        ''
        ConvertTo-MarkdownTable -Header 'first result after process start', 'median (min–max)' -Rows @(
            , @('ours', (Format-Summary (Get-Summary $ours) 'ms'))
            , @('peer', (Format-Summary (Get-Summary $peer) 'ms'))
            , @('**ratio** ours/peer', (Format-Ratio (Get-PairRatio $ours $peer)))
        )
    )
}

function Invoke-GuideRun {
    # One side of a guide pair: reset the sandbox, the first run (ours: with one warm re-run in the same process), a
    # check of the outcome, then a re-run in a fresh process on the configured app and its check.
    param([Parameter(Mandatory)] $SandboxHost, [Parameter(Mandatory)] [ValidateSet('Ours', 'Peer')] [string] $Mode, [Parameter(Mandatory)] [string] $SeedBody)
    $sandbox = $SandboxHost.Info.sandboxes[0]
    $backup = Join-Path $script:Scratch ('backup-' + [guid]::NewGuid().ToString('n'))
    $parameters = @{ Mode = $Mode; ModulePath = $script:ModulePath; InfoPath = $SandboxHost.InfoPath; BackupPath = $backup }
    Reset-Sandbox $sandbox $SeedBody
    # The warm re-run and the steady-state runs in the same process: at 0 ms only (at a latency they measure nothing new).
    $extra = if ($Mode -eq 'Ours' -and $script:Latency -eq 0) { @{ WarmRuns = 1; SeedPath = $script:GuideSeed } } else { @{ WarmRuns = 0 } }
    $first = Invoke-Child 'Invoke-Guide.ps1' ($parameters + $extra)
    $firstProblems = @(Get-GuideProblem $sandbox)
    Clear-RequestLog $sandbox
    $rerun = Invoke-Child 'Invoke-Guide.ps1' ($parameters + @{ WarmRuns = 0 })
    $rerunProblems = @(Get-GuideProblem $sandbox)
    [pscustomobject]@{ First = $first; FirstProblems = $firstProblems; Rerun = $rerun; RerunProblems = $rerunProblems }
}

function Get-GuideRows {
    # Table rows comparing ours and the peer over one kind of run (First or Rerun).
    param([Parameter(Mandatory)] [object[]] $Pairs, [Parameter(Mandatory)] [string] $Kind)
    $metrics = @(
        @{ Label = '**wall time**: process start to the pipeline''s end'; Unit = 'ms'; Get = { param($r) $r.Result.endMs }; Decimals = 0 }
        @{ Label = 'work time (ours: import + connect + pipeline; peer: the script)'; Unit = 'ms'; Get = { param($r) $r.Result.workMs }; Decimals = 0 }
        @{ Label = 'Graph requests (/v1.0)'; Unit = ''; Get = { param($r) $r.Result.graphRequests }; Decimals = 0 }
        @{ Label = '**round trips on the critical path**'; Unit = ''; Get = { param($r) $r.Result.criticalPath }; Decimals = 0 }
        @{ Label = 'writes (PUT/PATCH/DELETE, POST but validateCredentials/parseExpression)'; Unit = ''; Get = { param($r) $r.Result.writes }; Decimals = 0 }
        @{ Label = 'SCIM requests (credential tests)'; Unit = ''; Get = { param($r) $r.Result.otherRequests }; Decimals = 0 }
        @{ Label = 'peak RSS (VmHWM)'; Unit = 'MB'; Get = { param($r) $r.Result.peakRssKb / 1024 }; Decimals = 0 }
    )
    foreach ($metric in $metrics) {
        $ours = [double[]]@(foreach ($pair in $Pairs) { & $metric.Get $pair.Ours.$Kind })
        $peer = [double[]]@(foreach ($pair in $Pairs) { & $metric.Get $pair.Peer.$Kind })
        , @($metric.Label, (Format-Summary (Get-Summary $ours) $metric.Unit $metric.Decimals), (Format-Summary (Get-Summary $peer) $metric.Unit $metric.Decimals), (Format-Ratio (Get-PairRatio $ours $peer)))
    }
}

function Get-PhaseRows {
    # Ours only: how long each step took, from the marks the child took as the pipeline's object passed.
    param([Parameter(Mandatory)] [object[]] $Runs)
    $names = @($Runs[0].Result.marks.PSObject.Properties.Name)
    for ($n = 0; $n -lt $names.Count; $n++) {
        $values = [double[]]@(foreach ($run in $Runs) {
                $marks = $run.Result.marks
                $end = [double]$marks.($names[$n])
                $start = if ($n -eq 0) { 0.0 } else { [double]$marks.($names[$n - 1]) }
                $end - $start
            })
        , @("``$($names[$n])``", (Format-Summary (Get-Summary $values) 'ms'))
    }
}

function Measure-GuideCase {
    param([Parameter(Mandatory)] $SandboxHost, [Parameter(Mandatory)] [string] $SeedBody)
    $script:GuideSeed = Join-Path $script:Scratch 'guide-seed.json'
    Set-Content -LiteralPath $script:GuideSeed -Value $SeedBody -Encoding utf8NoBOM
    $ms = "$($script:Latency) ms"
    $pairs = @(Invoke-Pair -Runs (Get-LatencyRuns $GuideRuns) `
            -Ours { Invoke-GuideRun -SandboxHost $SandboxHost -Mode Ours -SeedBody $SeedBody } `
            -Peer { Invoke-GuideRun -SandboxHost $SandboxHost -Mode Peer -SeedBody $SeedBody })
    $problems = @(foreach ($pair in $pairs) {
            foreach ($side in 'Ours', 'Peer') {
                foreach ($kind in 'First', 'Rerun') {
                    $list = @($pair.$side."${kind}Problems")
                    if ($list.Count) { "$side $kind`: $($list -join '; ')" }
                }
            }
        })
    $oursFirst = @($pairs.Ours.First)
    $oursRerun = @($pairs.Ours.Rerun)
    $wallOurs = [double[]]@($oursFirst.Result.endMs)
    $wallPeer = [double[]]@($pairs.Peer.First.Result.endMs)
    $wallRatio = Get-PairRatio $wallOurs $wallPeer
    $requestsOurs = Get-Median ([double[]]@($oursFirst.Result.graphRequests))
    $requestsPeer = Get-Median ([double[]]@($pairs.Peer.First.Result.graphRequests))
    $peakOurs = Get-Summary ([double[]]@(foreach ($run in $oursFirst) { $run.Result.peakRssKb / 1024 }))
    $pipelineFirst = [double[]]@(foreach ($run in $oursFirst) { $run.Result.marks.'Start-ScimProvisioning' - $run.Result.marks.'Connect-ScimGraph' })
    $pipelineRerun = [double[]]@(foreach ($run in $oursRerun) { $run.Result.marks.'Start-ScimProvisioning' - $run.Result.marks.'Connect-ScimGraph' })
    $warm = [double[]]@(foreach ($run in $oursFirst) { @($run.Result.warmMs) })
    $rerunSpeedup = Get-PairRatio $pipelineFirst $pipelineRerun
    $wallRerun = [double[]]@($oursRerun.Result.endMs)
    $processSpeedup = Get-PairRatio $wallOurs $wallRerun
    $warmSpeedup = if ($warm.Count) { (Get-Median $pipelineFirst) / (Get-Median $warm) } else { [double]::NaN }
    $steadyFirst = [double[]]@(foreach ($run in $oursFirst) { if ($run.Result.steady.PSObject.Properties['firstMs']) { $run.Result.steady.firstMs } })
    $steadyRerun = [double[]]@(foreach ($run in $oursFirst) { if ($run.Result.steady.PSObject.Properties['rerunMs']) { $run.Result.steady.rerunMs } })
    $steadySpeedup = if ($steadyFirst.Count) { Get-PairRatio $steadyFirst $steadyRerun } else { [double]::NaN }
    $rerunWrites = [double[]]@($oursRerun.Result.writes)
    $maxRerunWrites = ($rerunWrites | Measure-Object -Maximum).Maximum

    $workRatio = Get-PairRatio ([double[]]@($oursFirst.Result.workMs)) ([double[]]@($pairs.Peer.First.Result.workMs))
    $rerunRatio = Get-PairRatio $wallRerun ([double[]]@($pairs.Peer.Rerun.Result.endMs))
    $rerunWorkRatio = Get-PairRatio ([double[]]@($oursRerun.Result.workMs)) ([double[]]@($pairs.Peer.Rerun.Result.workMs))
    $trips = Get-Summary ([double[]]@($oursFirst.Result.criticalPath))
    $peerTrips = Get-Summary ([double[]]@($pairs.Peer.First.Result.criticalPath))
    $rerunTrips = Get-Summary ([double[]]@($oursRerun.Result.criticalPath))
    $peerRerunTrips = Get-Summary ([double[]]@($pairs.Peer.Rerun.Result.criticalPath))
    if ($script:Latency -eq 0) {
        Add-Target 'Whole guide ≤ 1.2× peer wall time (0 ms)' (Format-Ratio $wallRatio) ($wallRatio -le 1.2) 'process start to the pipeline''s end, median of per-pair ratios'
        Add-Target 'Whole guide ≤ peer''s Graph requests' "$(Format-Number $requestsOurs) vs $(Format-Number $requestsPeer)" ($requestsOurs -le $requestsPeer)
        Add-Target 'Whole guide peak RSS < 250 MB' (Format-Summary $peakOurs 'MB') ($peakOurs.Max -lt 250) 'max over runs'
        Add-Target 'Re-run ≥ 3× faster than the first run (0 ms)' "$(Format-Ratio $rerunSpeedup) (pipeline, fresh process)" ($rerunSpeedup -ge 3) "each in a fresh process; wall time from process start: $(Format-Ratio $processSpeedup); in a warm process (first run and re-run both after a warm-up): $(Format-Ratio $steadySpeedup)"
        Add-Target 'Re-run writes = 0' (Format-Number $maxRerunWrites) ($maxRerunWrites -eq 0) 'max over runs'
    }
    else {
        # Judged on work time: ours from before Import-Module to the pipeline's end, the peer's script from its start,
        # each in a fresh pwsh. The ~1.4 s pwsh start both sides pay before that is not the module's cost; the ratio
        # from process start is reported beside it.
        Add-Target "Whole guide (app without a job) ≤ 0.6× peer time at $ms" (Format-Ratio $workRatio) ($workRatio -le 0.6) "work time (ours: import + connect + pipeline; peer: its script), median of per-pair ratios over $($pairs.Count) pair(s); from process start: $(Format-Ratio $wallRatio); round trips $(Format-Summary $trips) vs the peer's $(Format-Summary $peerTrips)"
        Add-Target "Re-run ≤ 0.5× peer time at $ms" (Format-Ratio $rerunWorkRatio) ($rerunWorkRatio -le 0.5) "work time, as above; from process start: $(Format-Ratio $rerunRatio); round trips $(Format-Summary $rerunTrips) vs the peer's $(Format-Summary $peerRerunTrips); writes $(Format-Number $maxRerunWrites) (max)"
    }

    $script:Sections["3. Whole guide ($ms)"] = @(
        "The guide's pipeline (``Get-ScimApplication -DisplayName 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token `$token | Set-ScimUserMapping -BackupPath `$tmp | Enable-ScimGroupProvisioning -BackupPath `$tmp | Add-ScimAssignment -Group 'Platform Team','SRE' -User 'grace@contoso.example' | Start-ScimProvisioning``) against bench/peer/Invoke-GuidePeer.ps1, $($pairs.Count) pairs at a sandbox latency of $ms, each run in a fresh pwsh on a fresh seed (``POST /_sandbox/state``). Wall time runs from the child's process start (``Process.StartTime``) to the pipeline's last result, measured in the child; work time leaves out pwsh's own start-up. Requests are counted from the sandbox's request log (cleared before each run) and peak RSS is the child's own VmHWM, both right after the pipeline's end."
        ''
        ConvertTo-MarkdownTable -Header 'first run', 'ours', 'peer', 'ratio ours/peer' -Rows @(Get-GuideRows $pairs 'First')
        ''
        "Ours, where the time goes (first run; each step ends when it wrote the app to the next one):"
        ''
        ConvertTo-MarkdownTable -Header 'step', 'median (min–max)' -Rows @(Get-PhaseRows $oursFirst)
        ''
        "The outcome was checked in the sandbox's state after every run (job active, 6 user mappings, userName <- [mailNickname], group provisioning on without externalId, 3 assignments): $(if ($problems.Count) { 'problems: ' + ($problems -join '; ') } else { 'all runs of both sides left the app as the guide says.' })"
    )
    $script:Sections["4. Re-run ($ms)"] = @(
        "The same pipeline again on the app the first run configured, in a new fresh pwsh ($($pairs.Count) pairs). The peer re-creates nothing it can see exists (the job, the assignments) but, as a hand-written script does, writes the secrets and the schema again and starts the job."
        ''
        ConvertTo-MarkdownTable -Header 're-run', 'ours', 'peer', 'ratio ours/peer' -Rows @(Get-GuideRows $pairs 'Rerun')
        ''
        ConvertTo-MarkdownTable -Header 'ours: first run vs re-run', 'first run', 're-run', 'speed-up' -Rows @(
            , @('pipeline in a fresh process (after import + connect)', (Format-Summary (Get-Summary $pipelineFirst) 'ms'), (Format-Summary (Get-Summary $pipelineRerun) 'ms'), (Format-Ratio $rerunSpeedup))
            , @('wall time: process start to the pipeline''s end', (Format-Summary (Get-Summary $wallOurs) 'ms'), (Format-Summary (Get-Summary $wallRerun) 'ms'), (Format-Ratio $processSpeedup))
            if ($warm.Count) {
                , @('re-run in the same process right after the cold first run', (Format-Summary (Get-Summary $pipelineFirst) 'ms'), (Format-Summary (Get-Summary $warm) 'ms'), (Format-Ratio $warmSpeedup))
                , @('steady state: fresh seed restored in that warm process, first run then re-run', (Format-Summary (Get-Summary $steadyFirst) 'ms'), (Format-Summary (Get-Summary $steadyRerun) 'ms'), (Format-Ratio $steadySpeedup))
            }
        )
        ''
        "Ours, where the time goes on the re-run in a fresh process:"
        ''
        ConvertTo-MarkdownTable -Header 'step', 'median (min–max)' -Rows @(Get-PhaseRows $oursRerun)
    )
}

function New-LogSeed {
    # The example seed with a scim job for 'Pulumi Cloud' and $LogCount generated provisioning log entries.
    param([Parameter(Mandatory)] [string] $SeedBody)
    $seed = $SeedBody | ConvertFrom-Json -AsHashtable -Depth 100
    $app = $seed['applications'] | Where-Object { $_['displayName'] -eq 'Pulumi Cloud' } | Select-Object -First 1
    if (-not $app) { throw "The seed has no 'Pulumi Cloud' application." }
    $app['synchronization'] = @{ jobs = @(@{ templateId = 'scim'; schema = 'template' }) }
    $seed['provisioningLogs'] = @{ generate = @{ count = $LogCount; failureRatio = 0.1; from = '2026-11-01T00:00:00Z'; seed = 7 } }
    $path = Join-Path $script:Scratch 'logs-seed.json'
    Set-Content -LiteralPath $path -Value ($seed | ConvertTo-Json -Depth 100) -Encoding utf8NoBOM
    $path
}

function Invoke-LogRun {
    param([Parameter(Mandatory)] $SandboxHost, [Parameter(Mandatory)] [ValidateSet('Ours', 'Peer')] [string] $Mode)
    $sandbox = $SandboxHost.Info.sandboxes[0]
    Clear-RequestLog $sandbox
    $run = Invoke-Child 'Invoke-Logs.ps1' @{ Mode = $Mode; ModulePath = $script:ModulePath; InfoPath = $SandboxHost.InfoPath }
    $log = Invoke-RestMethod -Uri (Get-ControlUri $sandbox 'requests')
    $graph = 0
    foreach ($entry in $log) { if ($entry.path -like '/v1.0/*') { $graph++ } }
    Add-Member -InputObject $run -NotePropertyName Requests -NotePropertyValue $graph
    Add-Member -InputObject $run -NotePropertyName CriticalPath -NotePropertyValue (Get-CriticalPath @($log))
    $run
}

function Measure-LogsCase {
    param([Parameter(Mandatory)] $SandboxHost)
    # Once ours reports that Get-ScimProvisioningLog is missing, the remaining runs are the peer's only.
    $availability = @{ Ours = $true }
    $ms = "$($script:Latency) ms"
    Set-SandboxLatency $SandboxHost.Info.sandboxes[0]
    $pairs = @(Invoke-Pair -Runs (Get-LatencyRuns $LogRuns) `
            -Ours { if ($availability.Ours) { $run = Invoke-LogRun $SandboxHost Ours; $availability.Ours = [bool]$run.Result.available; $run } } `
            -Peer { Invoke-LogRun $SandboxHost Peer })
    $peerRuns = @($pairs.Peer)
    $oursRuns = @($pairs | Where-Object { $_.Ours -and $_.Ours.Result.available } | ForEach-Object { $_.Ours })
    $rate = { param($r) $r.Result.entries / ($r.Result.totalMs / 1000) }
    $rows = [System.Collections.Generic.List[object]]::new()
    $metrics = @(
        @{ Label = 'entries'; Unit = ''; Get = { param($r) $r.Result.entries } }
        @{ Label = 'entries/s'; Unit = ''; Get = $rate }
        @{ Label = 'time to all entries (command start to count)'; Unit = 'ms'; Get = { param($r) $r.Result.totalMs } }
        @{ Label = 'time to first entry (from the command''s start)'; Unit = 'ms'; Get = { param($r) $r.Result.firstEntryMs } }
        @{ Label = 'time to first entry (from process start)'; Unit = 'ms'; Get = { param($r) $r.Result.firstSinceStart } }
        @{ Label = 'Graph requests'; Unit = ''; Get = { param($r) $r.Requests } }
        @{ Label = '**round trips on the critical path**'; Unit = ''; Get = { param($r) $r.CriticalPath } }
        @{ Label = 'peak RSS (VmHWM)'; Unit = 'MB'; Get = { param($r) $r.Result.peakRssKb / 1024 } }
        @{ Label = 'process wall time (start to exit, measured by the benchmark)'; Unit = 'ms'; Get = { param($r) $r.WallMs } }
    )
    foreach ($metric in $metrics) {
        $peer = [double[]]@(foreach ($run in $peerRuns) { & $metric.Get $run })
        if ($oursRuns.Count) {
            $ours = [double[]]@(foreach ($run in $oursRuns) { & $metric.Get $run })
            $rows.Add(@($metric.Label, (Format-Summary (Get-Summary $ours) $metric.Unit), (Format-Summary (Get-Summary $peer) $metric.Unit), (Format-Ratio (Get-PairRatio $ours $peer))))
        }
        else {
            $rows.Add(@($metric.Label, 'not available', (Format-Summary (Get-Summary $peer) $metric.Unit), 'n/a'))
        }
    }
    $intro = "``Get-ScimProvisioningLog -DisplayName 'Pulumi Cloud' | Measure-Object`` against bench/peer/Get-LogsPeer.ps1 (``Invoke-RestMethod`` following ``@odata.nextLink`` over ``GET /v1.0/auditLogs/provisioning?`$filter=jobId eq '<job>'&`$top=1000``), on a sandbox seeded with $(Format-Number $LogCount) generated entries for the app's job, at a sandbox latency of $ms; $($peerRuns.Count) run(s) of the peer and $($oursRuns.Count) of ours, each in a fresh process."
    if ($oursRuns.Count) {
        $oursRate = Get-PairRatio ([double[]]@(foreach ($run in $oursRuns) { & $rate $run })) ([double[]]@(foreach ($run in $peerRuns) { & $rate $run }))
        $firstEntry = Get-Summary ([double[]]@(foreach ($run in $oursRuns) { $run.Result.firstEntryMs }))
        $peak = Get-Summary ([double[]]@(foreach ($run in $oursRuns) { $run.Result.peakRssKb / 1024 }))
        if ($script:Latency -eq 0) {
            Add-Target 'Logs ≥ 2× peer entries/s (0 ms)' (Format-Ratio $oursRate) ($oursRate -ge 2)
            Add-Target 'Logs: first entry < 1 s (0 ms)' (Format-Summary $firstEntry 'ms') ($firstEntry.Max -lt 1000) 'from the command''s start, max over runs'
            Add-Target "Logs: peak RSS < 250 MB at $(Format-Number $LogCount)" (Format-Summary $peak 'MB') ($peak.Max -lt 250) 'max over runs'
        }
        else {
            Add-Target "Logs over $(Format-Number $LogCount) entries ≥ 3× peer entries/s at $ms" (Format-Ratio $oursRate) ($oursRate -ge 3) "median of per-pair ratios over $($oursRuns.Count) run(s)"
        }
    }
    else {
        $intro += ' **Get-ScimProvisioningLog is not in the module yet: ours is not available; the peer''s numbers are the baseline.**'
        Add-Target "Logs ≥ peer entries/s target ($ms)" 'not available' $null 'Get-ScimProvisioningLog is not in the module yet'
    }
    $script:Sections["5. Provisioning logs ($ms)"] = @(
        $intro
        ''
        ConvertTo-MarkdownTable -Header 'logs', 'ours', 'peer', 'ratio ours/peer' -Rows $rows.ToArray()
    )
}

function Measure-TenantsCase {
    param([Parameter(Mandatory)] $SandboxHost, [Parameter(Mandatory)] [string] $SeedBody)
    $sandboxes = @($SandboxHost.Info.sandboxes)
    $ms = "$($script:Latency) ms"
    $run = {
        param([string] $Mode)
        foreach ($sandbox in $sandboxes) { Reset-Sandbox $sandbox $SeedBody }
        $backup = Join-Path $script:Scratch ('tenants-' + [guid]::NewGuid().ToString('n'))
        $child = Invoke-Child 'Invoke-Tenants.ps1' @{ Mode = $Mode; ModulePath = $script:ModulePath; InfoPath = $SandboxHost.InfoPath; BackupPath = $backup; ThrottleLimit = $ThrottleLimit }
        # The sandboxes of one host share one clock: their logs merge into one critical path.
        # Invoke-RestMethod writes a JSON array as one object: enumerate each log into one list.
        $log = @(foreach ($sandbox in $sandboxes) { Invoke-RestMethod -Uri (Get-ControlUri $sandbox 'requests') | ForEach-Object { $_ } })
        Add-Member -InputObject $child -NotePropertyName Requests -NotePropertyValue $log.Count
        Add-Member -InputObject $child -NotePropertyName CriticalPath -NotePropertyValue (Get-CriticalPath $log)
        $child
    }
    $pairs = @(Invoke-Pair -Runs (Get-LatencyRuns $TenantRuns) -Ours { & $run 'Parallel' } -Peer { & $run 'Sequential' })
    $parallel = [double[]]@($pairs.Ours.Result.workMs)
    $sequential = [double[]]@($pairs.Peer.Result.workMs)
    $parallelEnd = [double[]]@($pairs.Ours.Result.endMs)
    $sequentialEnd = [double[]]@($pairs.Peer.Result.endMs)
    $speedup = Get-PairRatio $sequential $parallel
    $perHour = $sandboxes.Count * 3600000 / (Get-Median $parallel)
    $perHourSequential = $sandboxes.Count * 3600000 / (Get-Median $sequential)
    $active = @(foreach ($pair in $pairs) { "$($pair.Ours.Result.active)/$($pair.Ours.Result.tenants) and $($pair.Peer.Result.active)/$($pair.Peer.Result.tenants)" })
    if ($script:Latency -gt 0) {
        Add-Target "Many tenants: parallel ≥ 4× faster than sequential at $ms" (Format-Ratio $speedup) ($speedup -ge 4) "$($sandboxes.Count) tenants, ThrottleLimit $ThrottleLimit, work time, median of per-pair ratios sequential/parallel over $($pairs.Count) pair(s)"
        Add-Target "Tenants per worker-hour at $ms (reported)" "$(Format-Number $perHour) parallel, $(Format-Number $perHourSequential) sequential" 'reported' "one pwsh process running the guide's pipeline per tenant; $($sandboxes.Count) tenants × 3,600 s / work time"
    }
    $script:Sections["6. Many tenants ($ms)"] = @(
        "$($sandboxes.Count) sandbox tenants (one host process, each seeded with the example seed, reset before each run) at a sandbox latency of $ms. ``ForEach-Object -Parallel -ThrottleLimit $ThrottleLimit`` (each runspace imports the module, connects to its own sandbox and runs the guide's pipeline) against one tenant after another in one runspace (import once, then connect and run per tenant); $($pairs.Count) run(s) each, alternating. Work time is measured in the child from before the first import to the last result; wall time adds pwsh's own start-up. Round trips on the critical path are counted over the merged request logs of all the tenants."
        ''
        ConvertTo-MarkdownTable -Header "$($sandboxes.Count) tenants", 'parallel', 'one after another', 'ratio parallel/sequential' -Rows @(
            , @('work time in the child', (Format-Summary (Get-Summary $parallel) 'ms'), (Format-Summary (Get-Summary $sequential) 'ms'), (Format-Ratio (Get-PairRatio $parallel $sequential)))
            , @('wall time: process start to the last result', (Format-Summary (Get-Summary $parallelEnd) 'ms'), (Format-Summary (Get-Summary $sequentialEnd) 'ms'), (Format-Ratio (Get-PairRatio $parallelEnd $sequentialEnd)))
            , @('per tenant (work time / tenants)', (Format-Number ((Get-Median $parallel) / $sandboxes.Count) 'ms'), (Format-Number ((Get-Median $sequential) / $sandboxes.Count) 'ms'), '')
            , @('requests (all tenants)', (Format-Summary (Get-Summary ([double[]]@($pairs.Ours.Requests)))), (Format-Summary (Get-Summary ([double[]]@($pairs.Peer.Requests)))), '')
            , @('**round trips on the critical path** (all tenants)', (Format-Summary (Get-Summary ([double[]]@($pairs.Ours.CriticalPath)))), (Format-Summary (Get-Summary ([double[]]@($pairs.Peer.CriticalPath)))), (Format-Ratio (Get-PairRatio ([double[]]@($pairs.Ours.CriticalPath)) ([double[]]@($pairs.Peer.CriticalPath)))))
            , @('tenants per worker-hour (one process)', (Format-Number $perHour), (Format-Number $perHourSequential), '')
        )
        ''
        "Tenants whose job ended Active (parallel and sequential, per run): $($active -join '; ')."
    )
}

function Get-SideRows {
    # Rows ours | peer | ratio for the usual metrics of a child run that counted its requests.
    param([Parameter(Mandatory)] [object[]] $Pairs)
    $metrics = @(
        @{ Label = '**wall time**: process start to the result'; Unit = 'ms'; Get = { param($r) $r.Result.endMs } }
        @{ Label = 'work time (ours: the command alone, after import and connect)'; Unit = 'ms'; Get = { param($r) $r.Result.workMs } }
        @{ Label = 'requests'; Unit = ''; Get = { param($r) $r.Result.requests } }
        @{ Label = '**round trips on the critical path**'; Unit = ''; Get = { param($r) $r.Result.criticalPath } }
    )
    foreach ($metric in $metrics) {
        $ours = [double[]]@(foreach ($pair in $Pairs) { & $metric.Get $pair.Ours })
        $peer = [double[]]@(foreach ($pair in $Pairs) { & $metric.Get $pair.Peer })
        , @($metric.Label, (Format-Summary (Get-Summary $ours) $metric.Unit), (Format-Summary (Get-Summary $peer) $metric.Unit), (Format-Ratio (Get-PairRatio $ours $peer)))
    }
}

function New-DriftSeed {
    # The example seed with $DriftUsers - 4 more users in 'Platform Team': after the guide's pipeline (groups 'Platform
    # Team' and 'SRE', grace directly) the app's scope holds $DriftUsers users.
    param([Parameter(Mandatory)] [string] $SeedBody)
    $seed = $SeedBody | ConvertFrom-Json -AsHashtable -Depth 100
    $team = $seed['groups'] | Where-Object { $_['displayName'] -eq 'Platform Team' } | Select-Object -First 1
    if (-not $team) { throw "The seed has no 'Platform Team' group." }
    $members = [System.Collections.Generic.List[object]]::new()
    $members.AddRange([object[]]@($team['members']))
    for ($i = 0; $i -lt [math]::Max(0, $DriftUsers - 4); $i++) {
        $id = [guid]::new($i + 1, 5, 5, [byte[]](1, 2, 3, 4, 5, 6, 7, 8)).ToString()
        $nick = "drift$i"
        $seed['users'] += @{ id = $id; userPrincipalName = "$nick@contoso.example"; mailNickname = $nick; mail = "$nick@contoso.example"; displayName = "Drift $i"; givenName = 'Drift'; surname = "$i"; accountEnabled = $true }
        $members.Add($id)
    }
    $team['members'] = $members
    $path = Join-Path $script:Scratch 'drift-seed.json'
    Set-Content -LiteralPath $path -Value ($seed | ConvertTo-Json -Depth 100 -Compress) -Encoding utf8NoBOM
    $path
}

function Get-ScopeSize {
    # Users in the app's scope in the sandbox's state: assigned directly or members of an assigned group.
    param([Parameter(Mandatory)] $Sandbox)
    $state = (Invoke-WebRequest -Uri (Get-ControlUri $Sandbox 'state')).Content | ConvertFrom-Json -Depth 100
    $app = $state.applications | Where-Object displayName -eq 'Pulumi Cloud' | Select-Object -First 1
    $ids = [System.Collections.Generic.HashSet[string]]::new()
    foreach ($assignment in @($app.assignments)) {
        $group = $state.groups | Where-Object id -eq $assignment.principalId | Select-Object -First 1
        if ($group) { foreach ($member in @($group.members)) { $null = $ids.Add($member) } } else { $null = $ids.Add($assignment.principalId) }
    }
    $ids.Count
}

function Initialize-DriftHost {
    # Configures the drift host's app with the guide's pipeline (untimed, at 0 ms) and returns the size of its scope.
    param([Parameter(Mandatory)] $SandboxHost)
    $sandbox = $SandboxHost.Info.sandboxes[0]
    $backup = Join-Path $script:Scratch ('drift-' + [guid]::NewGuid().ToString('n'))
    $null = Invoke-Child 'Invoke-Guide.ps1' @{ Mode = 'Ours'; ModulePath = $script:ModulePath; InfoPath = $SandboxHost.InfoPath; BackupPath = $backup }
    $problems = @(Get-GuideProblem $sandbox)
    if ($problems.Count) { throw "The guide did not configure the drift tenant: $($problems -join '; ')" }
    Get-ScopeSize $sandbox
}

function Measure-DriftCase {
    param([Parameter(Mandatory)] $SandboxHost, [Parameter(Mandatory)] [int] $ScopeSize)
    $sandbox = $SandboxHost.Info.sandboxes[0]
    $ms = "$($script:Latency) ms"
    Set-SandboxLatency $sandbox
    $parameters = @{ ModulePath = $script:ModulePath; InfoPath = $SandboxHost.InfoPath }
    $lines = [System.Collections.Generic.List[object]]::new()
    foreach ($form in 'plain', 'IncludeUsers') {
        $extra = @{ IncludeUsers = ($form -eq 'IncludeUsers') }
        $pairs = @(Invoke-Pair -Runs (Get-LatencyRuns $DriftRuns) `
                -Ours { Clear-RequestLog $sandbox; Invoke-Child 'Invoke-Drift.ps1' ($parameters + $extra + @{ Mode = 'Ours' }) } `
                -Peer { Clear-RequestLog $sandbox; Invoke-Child 'Invoke-Drift.ps1' ($parameters + $extra + @{ Mode = 'Peer' }) })
        $label = if ($form -eq 'IncludeUsers') { "``Test-ScimConfiguration 'Pulumi Cloud' -IncludeUsers`` ($ScopeSize users in scope)" } else { "``Test-ScimConfiguration 'Pulumi Cloud'``" }
        $lines.Add("$label, $($pairs.Count) pair(s):")
        $lines.Add('')
        foreach ($line in (ConvertTo-MarkdownTable -Header 'drift test', 'ours', 'peer', 'ratio ours/peer' -Rows @(Get-SideRows $pairs))) { $lines.Add($line) }
        $lines.Add('')
        $trips = Get-Summary ([double[]]@($pairs.Ours.Result.criticalPath))
        if ($form -eq 'IncludeUsers' -and $script:Latency -gt 0) {
            Add-Target "Test-ScimConfiguration -IncludeUsers on a $ScopeSize-user scope ≤ 6 round trips at $ms" (Format-Summary $trips) ($trips.Max -le 6) "max over $($pairs.Count) run(s); the peer: $(Format-Summary (Get-Summary ([double[]]@($pairs.Peer.Result.criticalPath))))"
        }
    }
    $script:Sections["9. Drift test ($ms)"] = @(
        "The drift test on the app the guide's pipeline configured (run once, untimed, before the measured runs), at a sandbox latency of $ms, against bench/peer/Test-ConfigurationPeer.ps1 (the same reads, one after another with Invoke-RestMethod; with -IncludeUsers, the members of each assigned group and then each user in scope). Each run is a fresh pwsh; ours is timed and counted from after import and connect."
        ''
        $lines.ToArray()
    )
}

function New-LargeTenantSeed {
    # The example seed grown to a tenant of real size: $EnterpriseApps enterprise apps ('Pulumi Cloud', 9 more whose
    # names start with 'Pulumi', the rest 'Contoso App nnn'; every fourth with a scim job and a Tenant URL) and
    # Microsoft's own service principals (options.firstPartyServicePrincipals) up to $ServicePrincipals in all.
    param([Parameter(Mandatory)] [string] $SeedBody)
    $seed = $SeedBody | ConvertFrom-Json -AsHashtable -Depth 100
    $apps = [System.Collections.Generic.List[object]]::new()
    $apps.AddRange([object[]]@($seed['applications']))
    for ($i = 1; $i -lt $EnterpriseApps; $i++) {
        $name = if ($i -lt 10) { "Pulumi Cloud Team $i" } else { 'Contoso App {0:D3}' -f $i }
        $app = @{ displayName = $name }
        if ($i % 4 -eq 0) {
            $app['synchronization'] = @{ jobs = @(@{ templateId = 'scim'; schema = 'template' }); secrets = @(@{ key = 'BaseAddress'; value = "https://api.pulumi.com/scim/v2/org$i" }) }
        }
        $apps.Add($app)
    }
    $seed['applications'] = $apps
    if (-not $seed.ContainsKey('options') -or -not $seed['options']) { $seed['options'] = @{} }
    $seed['options']['firstPartyServicePrincipals'] = [math]::Max(0, $ServicePrincipals - $EnterpriseApps)
    $path = Join-Path $script:Scratch 'large-tenant-seed.json'
    Set-Content -LiteralPath $path -Value ($seed | ConvertTo-Json -Depth 100 -Compress) -Encoding utf8NoBOM
    $path
}

function Measure-LargeTenantCase {
    param([Parameter(Mandatory)] $SandboxHost)
    $sandbox = $SandboxHost.Info.sandboxes[0]
    $ms = "$($script:Latency) ms"
    Set-SandboxLatency $sandbox
    $parameters = @{ ModulePath = $script:ModulePath; InfoPath = $SandboxHost.InfoPath }
    $lines = [System.Collections.Generic.List[object]]::new()
    foreach ($name in '', 'Pulumi*') {
        $extra = if ($name) { @{ Name = $name } } else { @{} }
        $pairs = @(Invoke-Pair -Runs (Get-LatencyRuns $LargeTenantRuns) `
                -Ours { Clear-RequestLog $sandbox; Invoke-Child 'Invoke-LargeTenant.ps1' ($parameters + $extra + @{ Mode = 'Ours' }) } `
                -Peer { Clear-RequestLog $sandbox; Invoke-Child 'Invoke-LargeTenant.ps1' ($parameters + $extra + @{ Mode = 'Peer' }) })
        $command = if ($name) { "Get-ScimApplication '$name'" } else { 'Get-ScimApplication' }
        $apps = "$(Format-Number (Get-Median ([double[]]@($pairs.Ours.Result.apps)))) apps (peer: $(Format-Number (Get-Median ([double[]]@($pairs.Peer.Result.apps)))))"
        $lines.Add("``$command``, $($pairs.Count) pair(s), ${apps}:")
        $lines.Add('')
        foreach ($line in (ConvertTo-MarkdownTable -Header $command, 'ours', 'peer', 'ratio ours/peer' -Rows @(Get-SideRows $pairs))) { $lines.Add($line) }
        $lines.Add('')
        if ($script:Latency -gt 0) {
            $trips = Get-Summary ([double[]]@($pairs.Ours.Result.criticalPath))
            Add-Target "``$command`` ≤ 15 round trips ($(Format-Number $ServicePrincipals) service principals, $EnterpriseApps enterprise apps, $ms)" (Format-Summary $trips) ($trips.Max -le 15) "max over $($pairs.Count) run(s); $(Format-Number (Get-Median ([double[]]@($pairs.Ours.Result.requests)))) requests; wall time $(Format-Ratio (Get-PairRatio ([double[]]@($pairs.Ours.Result.endMs)) ([double[]]@($pairs.Peer.Result.endMs)))) of the peer's"
        }
    }
    $script:Sections["10. Tenant of real size ($ms)"] = @(
        "A tenant of $(Format-Number $ServicePrincipals) service principals: $EnterpriseApps enterprise apps (tagged ``WindowsAzureActiveDirectoryIntegratedApp``; 10 named ``Pulumi*``, every fourth with a provisioning job) and $(Format-Number ([math]::Max(0, $ServicePrincipals - $EnterpriseApps))) of Microsoft's own (the seed option ``firstPartyServicePrincipals``), at a sandbox latency of $ms. Ours lists in a fresh pwsh, timed and counted from after import and connect; the peer is bench/peer/Get-ApplicationPeer.ps1 ``-Details``: the same enterprise-app filter, then each app's job and secrets one after another."
        ''
        $lines.ToArray()
    )
}

function Measure-SizeCase {
    $files = @(Get-ChildItem -LiteralPath $script:ModuleFolder -Recurse -File)
    $folderBytes = ($files | Measure-Object -Property Length -Sum).Sum
    $pdbBytes = ($files | Where-Object Extension -eq '.pdb' | Measure-Object -Property Length -Sum).Sum
    $largest = @($files | Sort-Object Length -Descending | Select-Object -First 5 | ForEach-Object { "$(Format-CodeList $_.Name) $(Format-Number ($_.Length / 1KB) 'KB')" })
    $outFolder = Split-Path -Parent $script:ModuleFolder
    $package = Get-ChildItem -Path (Join-Path $outFolder '*.nupkg') -File -ErrorAction SilentlyContinue | Sort-Object LastWriteTime -Descending | Select-Object -First 1
    if ($package) {
        $packageMb = $package.Length / 1MB
        $packageText = "$(Format-Number $packageMb 'MB' 2) (``$($package.Name)``, written $($package.LastWriteTimeUtc.ToString('u')))"
        $note = ''
    }
    else {
        $zip = Join-Path $script:Scratch 'PulumiScim.zip'
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        [System.IO.Compression.ZipFile]::CreateFromDirectory($script:ModuleFolder, $zip, [System.IO.Compression.CompressionLevel]::Optimal, $false)
        $packageMb = (Get-Item -LiteralPath $zip).Length / 1MB
        $packageText = "$(Format-Number $packageMb 'MB' 2) (**estimate**: a zip of the module folder; no ``out/*.nupkg`` exists: run ``build.ps1 Package`` before the bench to measure the package itself)"
        $note = 'estimated from a zip of the module folder'
    }
    Add-Target '.nupkg < 25 MB' (Format-Number $packageMb 'MB' 2) ($packageMb -lt 25) $note
    $script:Sections['7. Size'] = @(
        ConvertTo-MarkdownTable -Header 'what', 'size' -Rows @(
            , @('module folder (out/PulumiScim)', "$(Format-Number ($folderBytes / 1MB) 'MB' 2) in $($files.Count) files, of which .pdb $(Format-Number ($pdbBytes / 1MB) 'MB' 2)")
            , @('package', $packageText)
        )
        ''
        "Largest files: $($largest -join ', ')."
    )
}

function New-CompareSeed {
    # The example seed's app with a scim job, $CompareUsers Entra users in $CompareTeams assigned groups (direct members,
    # a group each), and a Pulumi organization already holding every one of them and every team, as a cycle leaves it;
    # then hand-made drift on 1 in 500 users (display name changed in Pulumi) and one user made in Pulumi by hand.
    param([Parameter(Mandatory)] [string] $SeedBody)
    $seed = $SeedBody | ConvertFrom-Json -AsHashtable -Depth 100
    $app = $seed['applications'] | Where-Object { $_['displayName'] -eq 'Pulumi Cloud' } | Select-Object -First 1
    $app['synchronization'] = @{ jobs = @(@{ templateId = 'scim'; schema = 'template' }) }
    $users = [System.Collections.Generic.List[object]]::new()
    $pulumiUsers = [System.Collections.Generic.List[object]]::new()
    $groups = [System.Collections.Generic.List[object]]::new()
    $teams = [System.Collections.Generic.List[object]]::new()
    $members = @{}
    for ($i = 0; $i -lt $CompareUsers; $i++) {
        $id = [guid]::new($i + 1, 7, 7, [byte[]](1, 2, 3, 4, 5, 6, 7, 8)).ToString()
        $pulumiId = [guid]::new($i + 1, 9, 9, [byte[]](1, 2, 3, 4, 5, 6, 7, 8)).ToString()
        $nick = "user$i"
        $users.Add(@{ id = $id; userPrincipalName = "$nick@contoso.example"; mailNickname = $nick; mail = "$nick@contoso.example"; displayName = "User $i"; givenName = 'User'; surname = "$i"; accountEnabled = $true })
        $shown = if ($i % 500 -eq 0) { "User $i (renamed in Pulumi)" } else { "User $i" }
        $pulumiUsers.Add(@{ id = $pulumiId; userName = $nick; displayName = $shown; name = @{ givenName = 'User'; familyName = "$i" }; emails = @(@{ type = 'work'; value = "$nick@contoso.example"; primary = $true }); active = $true })
        $g = $i % $CompareTeams
        if (-not $members[$g]) { $members[$g] = @([System.Collections.Generic.List[string]]::new(), [System.Collections.Generic.List[string]]::new()) }
        $members[$g][0].Add($id); $members[$g][1].Add($pulumiId)
    }
    $pulumiUsers.Add(@{ userName = 'made-by-hand'; displayName = 'Made By Hand'; emails = @(@{ type = 'work'; value = 'hand@elsewhere.example'; primary = $true }); active = $true })
    for ($g = 0; $g -lt $CompareTeams; $g++) {
        $gid = [guid]::new($g + 1, 8, 8, [byte[]](1, 2, 3, 4, 5, 6, 7, 8)).ToString()
        $groups.Add(@{ id = $gid; displayName = "Team $g"; securityEnabled = $true; members = @($members[$g][0]) })
        $teams.Add(@{ displayName = "Team $g"; members = @($members[$g][1]) })
    }
    $seed['users'] = $users
    $seed['groups'] = $groups
    $app['assignments'] = @(foreach ($group in $groups) { @{ principalId = $group.id } })
    $seed['pulumi']['organizations'][0]['users'] = $pulumiUsers
    $seed['pulumi']['organizations'][0]['groups'] = $teams
    $path = Join-Path $script:Scratch 'compare-seed.json'
    Set-Content -LiteralPath $path -Value ($seed | ConvertTo-Json -Depth 100 -Compress) -Encoding utf8NoBOM
    $path
}

function Measure-CompareCase {
    param([Parameter(Mandatory)] $SandboxHost)
    $runs = @(for ($i = 0; $i -lt $CompareRuns; $i++) {
            $run = Invoke-Child 'Invoke-Compare.ps1' @{ ModulePath = $script:ModulePath; InfoPath = $SandboxHost.InfoPath }
            $run.Result
        })
    $total = Get-Summary ([double[]]@($runs | ForEach-Object totalMs))
    $first = Get-Summary ([double[]]@($runs | ForEach-Object firstMs))
    $peak = Get-Summary ([double[]]@($runs | ForEach-Object { $_.peakRssKb / 1024 }))
    $writes = ($runs | Measure-Object writes -Maximum).Maximum
    Add-Target "Compare: $(Format-Number $CompareUsers) users and $CompareTeams teams < 30 s" (Format-Summary $total 'ms') ($total.Max -lt 30000) 'max over runs'
    Add-Target 'Compare: peak RSS < 300 MB' (Format-Summary $peak 'MB') ($peak.Max -lt 300) 'max over runs'
    Add-Target 'Compare: zero writes' ([string]$writes) ($writes -eq 0)
    $script:Sections['8. Compare at scale'] = @(
        "``Compare-ScimProvisioning -IncludeInSync | ForEach-Object`` (every user and team written) on a sandbox seeded with $(Format-Number $CompareUsers) Entra users, direct members of $CompareTeams assigned groups, and a Pulumi organization holding all of them and their teams, with a display name changed in Pulumi for 1 user in 500 and one user made by hand; $($runs.Count) run(s), each in a fresh process after an untimed Set-ScimTenant, Set-ScimUserMapping and Enable-ScimGroupProvisioning."
        ''
        ConvertTo-MarkdownTable -Header 'compare', 'median (min–max)' -Rows @(
            , @('time to the last object (command start)', (Format-Summary $total 'ms'))
            , @('time to the first object', (Format-Summary $first 'ms'))
            , @('peak RSS (VmHWM)', (Format-Summary $peak 'MB'))
            , @('Graph requests / Pulumi SCIM requests / writes', "$($runs[0].graph) / $($runs[0].scim) / $writes")
        )
        ''
        "Objects by kind and state (first run): $($runs[0].states)."
    )
}

#endregion

#region Report

function Get-MachineRow {
    $cpu = 'unknown'
    $memory = 'unknown'
    $os = [System.Runtime.InteropServices.RuntimeInformation]::OSDescription
    if (Test-Path -LiteralPath '/proc/cpuinfo') {
        $line = Select-String -LiteralPath '/proc/cpuinfo' -Pattern '^model name\s*:\s*(.+)$' | Select-Object -First 1
        if ($line) { $cpu = $line.Matches[0].Groups[1].Value.Trim() }
    }
    if (Test-Path -LiteralPath '/proc/meminfo') {
        $line = Select-String -LiteralPath '/proc/meminfo' -Pattern '^MemTotal:\s+(\d+)\s+kB' | Select-Object -First 1
        if ($line) { $memory = Format-Number ([double]$line.Matches[0].Groups[1].Value / 1MB) 'GiB' 1 }
    }
    if (Test-Path -LiteralPath '/etc/os-release') {
        $line = Select-String -LiteralPath '/etc/os-release' -Pattern '^PRETTY_NAME="?([^"]+)"?' | Select-Object -First 1
        if ($line) { $os = $line.Matches[0].Groups[1].Value }
    }
    if (Test-Path -LiteralPath '/proc/sys/kernel/osrelease') {
        $os += ', kernel ' + (Get-Content -LiteralPath '/proc/sys/kernel/osrelease' -Raw).Trim()
    }
    $cpus = [string][System.Environment]::ProcessorCount
    $nproc = Get-Command -Name nproc -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($nproc) { $cpus = [string](& $nproc.Source) }
    $commit = 'unknown'
    $git = Get-Command -Name git -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($git) {
        $head = & $git.Source -C $PSScriptRoot rev-parse --short HEAD 2>$null
        if ($LASTEXITCODE -eq 0 -and $head) {
            $dirty = & $git.Source -C $PSScriptRoot status --porcelain --untracked-files=no 2>$null
            $commit = "$head$(if ($dirty) { ' (with uncommitted changes)' })"
        }
    }
    $version = (Import-PowerShellDataFile -LiteralPath $script:ModulePath).ModuleVersion
    @(
        , @('date (UTC)', [DateTime]::UtcNow.ToString('yyyy-MM-dd HH:mm'))
        , @('CPUs (nproc)', $cpus)
        , @('CPU model', $cpu)
        , @('memory', $memory)
        , @('OS', $os)
        , @('pwsh', "$($PSVersionTable.PSVersion) ($script:Pwsh)")
        , @('.NET', [System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription)
        , @('module', "PulumiScim $version, commit $commit")
    )
}

function Write-Report {
    param([Parameter(Mandatory)] [object[]] $MachineRows)
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add('# Benchmarks')
    $lines.Add('')
    $lines.Add("Written by bench/Invoke-Benchmark.ps1 (the ``Bench`` task of build.ps1) in $(Format-Number $script:BenchWatch.Elapsed.TotalSeconds 's'). Every measured run is a fresh ``pwsh -NoProfile`` process; ours and the peer alternate (the order flips every pair). The sandbox runs in a separate pwsh process on 127.0.0.1. Each cell is the median with min–max in parentheses; a ratio ours/peer is the median of the per-pair ratios. Peers are hand-written Invoke-RestMethod scripts in bench/peer. Targets are reported, not enforced.")
    $lines.Add('')
    $lines.Add('## Machine')
    $lines.Add('')
    foreach ($line in (ConvertTo-MarkdownTable -Header 'machine', 'value' -Rows $MachineRows)) { $lines.Add($line) }
    $lines.Add('')
    $lines.Add("1-minute load average ($(Get-LoadAverage) at the end; when each case started: $($script:Loads -join ', ')). A load above the CPU count means other processes competed for the CPUs during the run, which widens the ranges and inflates cold-start times on both sides.")
    $lines.Add('')
    $lines.Add("Repetitions: import $ImportRuns, first call $FirstCallRuns (each after $WarmupRuns warm-up pair(s)), guide $GuideRuns, drift test $DriftRuns, tenant of real size $LargeTenantRuns, logs $LogRuns, tenants $TenantRuns; at a latency above 0 ms each of these at most $LatencyRuns.$(if ($Quick) { ' **-Quick run: one repetition and smaller data, to check the harness; not figures to report.**' })")
    $lines.Add('')
    $lines.Add("Latency: the guide, re-run, drift-test, tenant-of-real-size, logs and many-tenants cases run at sandbox latencies of $(($LatencyMs | ForEach-Object { "$_ ms" }) -join ' and ') (``options.latencyMs``: every Graph and SCIM answer is held that long, server-side, each request on its own, so requests sent together overlap; docs/sandbox.md). **Round trips on the critical path**: the length of the longest chain of requests in the sandbox's request log in which each request arrived after the previous one's answer was ready (``startMs`` ≥ the previous ``endMs``); requests that overlap count once, a JSON batch counts once. It is what a run costs at a network latency L: about L × round trips. It is read at a latency above the sandbox's own serving time (at 0 ms, requests sent together can be served one after another and count as a chain).")
    $lines.Add('')
    $lines.Add('## Targets')
    $lines.Add('')
    $rows = @(foreach ($target in $script:Targets) { , @($target.Target, $target.Measured, $target.Status, $target.Note) })
    foreach ($line in (ConvertTo-MarkdownTable -Header 'target', 'measured', 'status', 'note' -Rows $rows)) { $lines.Add($line) }
    foreach ($name in @($script:Sections.Keys | Sort-Object { [int]($_ -replace '^(\d+)\..*$', '$1') }, { $_ -replace '\((\d+) ms\)', { '({0:D6} ms)' -f [int]$_.Groups[1].Value } })) {
        $lines.Add('')
        $lines.Add("## $name")
        $lines.Add('')
        foreach ($line in $script:Sections[$name]) { $lines.Add([string]$line) }
    }
    $folder = Split-Path -Parent $OutputPath
    if ($folder -and -not (Test-Path -LiteralPath $folder)) { $null = New-Item -ItemType Directory -Path $folder }
    Set-Content -LiteralPath $OutputPath -Value $lines -Encoding utf8NoBOM
}

function Invoke-AtLatencies {
    # Runs a case's body once per latency of -LatencyMs ($script:Latency tells the body which), then back to 0 ms.
    param([Parameter(Mandatory)] [scriptblock] $Body)
    try {
        foreach ($latency in $LatencyMs) {
            $script:Latency = $latency
            Write-Host "[$([math]::Round($script:BenchWatch.Elapsed.TotalSeconds))s]   at $latency ms"
            & $Body
        }
    }
    finally { $script:Latency = 0 }
}

function Invoke-Case {
    # Runs one case; an error is written into its section (and fails the run) instead of stopping the others.
    param([Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [string] $Section, [Parameter(Mandatory)] [scriptblock] $Body)
    if ($Name -notin $Case) { return }
    if (-not (Test-Budget $Section)) { return }
    $script:Loads.Add("$Section $(Get-LoadAverage)")
    Write-Host "[$([math]::Round($script:BenchWatch.Elapsed.TotalSeconds))s] $Section (load $(Get-LoadAverage))"
    try {
        & $Body
    }
    catch {
        $script:Failed = $true
        Write-Warning "$Section failed: $($_.Exception.Message)"
        $script:Sections[$Section] = @("**Error**: $($_.Exception.Message -replace '\r?\n', ' ')")
    }
}

#endregion

$null = New-Item -ItemType Directory -Path $script:Scratch
try {
    if (-not $SeedPath) {
        $example = Join-Path $PSScriptRoot '../docs/example-seed.json'
        if (Test-Path -LiteralPath $example) { $SeedPath = (Resolve-Path -LiteralPath $example).Path }
    }
    $machine = Get-MachineRow

    Invoke-Case 'Import' '1. Import' { Measure-ImportCase }

    # The seed restored before each run: the seed file, or the built-in tenant as a fresh sandbox exports it.
    $seedBody = if ($SeedPath) { Get-Content -LiteralPath $SeedPath -Raw } else { $null }
    $mainHost = $null
    if ('FirstCall' -in $Case -or 'Guide' -in $Case -or (-not $seedBody -and @($Case | Where-Object { $_ -in 'Logs', 'Tenants', 'Drift', 'LargeTenant' }).Count)) {
        $mainHost = Start-SandboxHost -Name 'main' -Seed $SeedPath
        if (-not $seedBody) { $seedBody = (Invoke-WebRequest -Uri (Get-ControlUri $mainHost.Info.sandboxes[0] 'state')).Content }
    }
    Invoke-Case 'FirstCall' '2. First call' { Measure-FirstCallCase -SandboxHost $mainHost }
    Invoke-Case 'Guide' '3. Whole guide' { Invoke-AtLatencies { Measure-GuideCase -SandboxHost $mainHost -SeedBody $seedBody } }
    if ($mainHost) { Stop-SandboxHost $mainHost }

    Invoke-Case 'Drift' '9. Drift test' {
        $driftHost = Start-SandboxHost -Name 'drift' -Seed (New-DriftSeed -SeedBody $seedBody)
        try {
            $scope = Initialize-DriftHost -SandboxHost $driftHost
            Invoke-AtLatencies { Measure-DriftCase -SandboxHost $driftHost -ScopeSize $scope }
        }
        finally { Stop-SandboxHost $driftHost }
    }
    Invoke-Case 'LargeTenant' '10. Tenant of real size' {
        $largeHost = Start-SandboxHost -Name 'large-tenant' -Seed (New-LargeTenantSeed -SeedBody $seedBody)
        try { Invoke-AtLatencies { Measure-LargeTenantCase -SandboxHost $largeHost } } finally { Stop-SandboxHost $largeHost }
    }
    Invoke-Case 'Tenants' '6. Many tenants' {
        $seedFile = Join-Path $script:Scratch 'tenant-seed.json'
        Set-Content -LiteralPath $seedFile -Value $seedBody -Encoding utf8NoBOM
        $tenantHost = Start-SandboxHost -Name 'tenants' -Seed $seedFile -Count $TenantCount
        try { Invoke-AtLatencies { Measure-TenantsCase -SandboxHost $tenantHost -SeedBody $seedBody } } finally { Stop-SandboxHost $tenantHost }
    }
    Invoke-Case 'Size' '7. Size' { Measure-SizeCase }
    Invoke-Case 'Compare' '8. Compare at scale' {
        if (-not $seedBody) {
            $seedHost = Start-SandboxHost -Name 'compare-seed'
            try { $seedBody = (Invoke-WebRequest -Uri (Get-ControlUri $seedHost.Info.sandboxes[0] 'state')).Content } finally { Stop-SandboxHost $seedHost }
        }
        $compareHost = Start-SandboxHost -Name 'compare' -Seed (New-CompareSeed -SeedBody $seedBody)
        try { Measure-CompareCase -SandboxHost $compareHost } finally { Stop-SandboxHost $compareHost }
    }
    # The longest case last: if the budget runs out, it is the one cut short.
    Invoke-Case 'Logs' '5. Provisioning logs' {
        $logHost = Start-SandboxHost -Name 'logs' -Seed (New-LogSeed -SeedBody $seedBody)
        try { Invoke-AtLatencies { Measure-LogsCase -SandboxHost $logHost } } finally { Stop-SandboxHost $logHost }
    }

    Write-Report -MachineRows $machine
    Write-Host "Wrote $OutputPath in $([math]::Round($script:BenchWatch.Elapsed.TotalSeconds)) s."
    foreach ($target in $script:Targets) { Write-Host ("{0,-14} {1}: {2}" -f ($target.Status -replace '\*', ''), $target.Target, $target.Measured) }
}
finally {
    foreach ($sandboxHost in @($script:Hosts)) { Stop-SandboxHost $sandboxHost }
    Remove-Item -LiteralPath $script:Scratch -Recurse -Force -ErrorAction SilentlyContinue
}
if ($script:Failed) { exit 1 }
