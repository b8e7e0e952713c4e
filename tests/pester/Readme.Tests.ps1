# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# The README's five-minute tour, run line by line as a user types it (in a fresh pwsh, output not a terminal, objects
# rendered at 80 columns) and each line checked against what the README says it does. A line the README adds without
# a check here fails, so the README cannot promise what the code does not do.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
    $tour = @(Get-ReadmeTour)
    $Cases = for ($i = 0; $i -lt $tour.Count; $i++) { @{ Index = $i; Line = $tour[$i] } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $script:Tour = @(Get-ReadmeTour)

    # What each line must do, by the line's start. Each check gets the line's result: Output (objects rendered at 80
    # columns and host text, as the user sees them), Errors, Writes (Graph write requests it made), Running (the sandbox).
    $script:Checks = [ordered]@{
        'dotnet tool restore; dotnet pwsh ./build.ps1 Build; dotnet pwsh' = {
            param($r)
            # Not run here (the suite runs on that build): the build puts the module where the next line imports it.
            Test-Path (Join-Path $root 'out/PulumiScim/PulumiScim.psd1') | Should -BeTrue
        }
        'Import-Module ./out/PulumiScim/PulumiScim.psd1' = { param($r) $r.Errors | Should -BeNullOrEmpty }
        '$sb = Start-ScimSandbox' = { param($r) $r.Errors | Should -BeNullOrEmpty; $r.Running | Should -BeTrue }
        '$sb | Connect-ScimGraph' = { param($r) $r.Errors | Should -BeNullOrEmpty }
        'Get-ScimApplication  ' = {
            param($r)
            $r.Output | Should -Match "(?m)^Pulumi Cloud\s+\(none\)\s" -Because "'Pulumi Cloud' has no provisioning job yet"
        }
        '$token = $sb.Organizations[0].Token' = { param($r) $r.Errors | Should -BeNullOrEmpty; $r.Output.Trim() | Should -BeNullOrEmpty }
        "Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -Token `$token -WhatIf" = {
            param($r)
            $r.Output | Should -Match "What if: Set the Pulumi tenant for 'Pulumi Cloud"
            $r.Output | Should -Match 'create the provisioning job'
            $r.Writes | Should -Be 0 -Because 'nothing is written'
        }
        "Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -Token `$token -Verbose |" = {
            param($r)
            $r.Errors | Should -BeNullOrEmpty
            $r.Writes | Should -BeGreaterThan 0
            $r.Output | Should -Match '(?m)^Pulumi Cloud\s+Active\s' -Because 'the app comes out with its job Active'
        }
        "Get-ScimApplication 'Pulumi Cloud' | Get-ScimMapping" = {
            param($r)
            @($r.Output -split "`r?`n" | Where-Object { $_ -match '^User\s' }).Count | Should -Be 6 -Because 'the six user mappings'
            @($r.Output -split "`r?`n" | Where-Object { $_ -match '^Group\s' }).Count | Should -BeGreaterThan 0 -Because 'and the group mappings'
        }
        "Get-ScimApplication 'Pulumi Cloud' | Wait-ScimProvisioning -Timeout 60" = {
            param($r)
            $r.Errors | Should -BeNullOrEmpty
            $r.Seconds | Should -BeLessThan 60
        }
        "Get-ScimApplication 'Pulumi Cloud' | Test-ScimConfiguration -IncludeUsers" = {
            param($r)
            $r.Errors | Should -BeNullOrEmpty
            $failed = @($r.Output -split "`r?`n" | Where-Object { $_ -match '^FAIL\s' })
            $failed.Count | Should -Be 2 -Because 'all ok but the users pre-flight and bob'
            $failed[0] | Should -Match 'Assigned users'
            $failed[1] | Should -Match '^FAIL\s+User\s'
            $r.Output | Should -Match '(?m)^\s+bob@contoso\.example\s' -Because "bob's check is the failing user"
            # Pulumi's own message ("User with userName bob already exists."), wrapped in its column, not the HTTP wrapping.
            $r.Output | Should -Match 'refused before: User'
            $r.Output | Should -Match 'with userName bob'
            $r.Output | Should -Not -Match 'HTTP response'
        }
        'Get-ScimProvisioningLog -Status Failure  ' = {
            param($r)
            $r.Output | Should -Match 'Bob Kahn'
            $r.Output | Should -Match 'ScimEntryConflict'
            $r.Output | Should -Match 'User with userName bob'
            $r.Output | Should -Not -Match 'HTTP response'
        }
        'Get-ScimProvisioningLog -Status Failure | Format-List' = {
            param($r)
            foreach ($label in 'Who', 'What', 'When', 'Why', 'Fix') { $r.Output | Should -Match "(?m)^$label\s+: \S" }
            $r.Output | Should -Not -Match '"provisioningSteps"' -Because 'raw JSON only on request'
        }
        "Get-ScimApplication 'Pulumi Cloud' | Compare-ScimProvisioning -Token `$token -IncludeInSync" = {
            param($r)
            $r.Errors | Should -BeNullOrEmpty
            $r.Writes | Should -Be 0 -Because 'it only reads, on both sides'
            $r.Output | Should -Match '(?m)^User\s+Missing\s+bob\s' -Because 'Pulumi refused bob'
            $r.Output | Should -Match 'userName bob' -Because "the reason is Pulumi's own message"
            $r.Output | Should -Match '(?m)^User\s+InSync\s+grace\s' -Because '-IncludeInSync lists those that match'
        }
        "Invoke-RestMethod ([uri]::new(`$sb.GraphUri, '/_sandbox/requests')) | Format-Table method, status, path" = {
            param($r)
            # At 80 columns the long paths are cut: method and status come first so they always show.
            $r.Output | Should -Match '(?m)^method\s+status\s+path'
            $r.Output | Should -Match '(?m)^PUT\s+204\s+/v1\.0/servicePrincipals/'
            $r.Output | Should -Match '(?m)^POST\s+201\s+/pulumi/scim/v2/acme/Users'
        }
        'again: the pipeline' = { param($r) $r.Errors | Should -BeNullOrEmpty; $r.Writes | Should -Be 0 -Because 'run again, it writes nothing' }
        '$sb | Stop-ScimSandbox' = { param($r) $r.Errors | Should -BeNullOrEmpty; $r.Running | Should -BeFalse }
    }

    function Find-Check([string] $Line) {
        # The check whose key the line starts with (keys ending in two spaces match the line's command alone).
        $command = ($Line -replace '\s+#.*$', '').TrimEnd()
        foreach ($key in $script:Checks.Keys) {
            if ($key.EndsWith('  ')) { if ($command -eq $key.TrimEnd()) { return $key } }
            elseif ($command.StartsWith($key)) { return $key }
        }
    }

    # Run the tour in a fresh pwsh from the repository root, each statement fenced by markers; the pipeline runs once
    # more before the sandbox stops ("Run the pipeline again: it writes nothing").
    $statements = [System.Collections.Generic.List[string]]::new()
    foreach ($s in $script:Tour) { if ($s -notmatch '^dotnet ') { $statements.Add($s) } }
    $pipeline = $statements | Where-Object { $_ -match 'Set-ScimTenant -Token \$token -Verbose' }
    $statements.Insert($statements.Count - 1, $pipeline)
    $modulePath = (Resolve-Path $ModulePath).ProviderPath
    $file = Join-Path $TestDrive 'tour.json'
    ConvertTo-Json -InputObject @($statements) | Set-Content $file
    $script:Ran = @($statements)
    $output = Invoke-Pwsh @"
Set-Location '$root'
`$__statements = Get-Content -Raw '$file' | ConvertFrom-Json
function __Writes {
    if (-not (Get-Variable sb -Scope Script -ErrorAction SilentlyContinue) -or -not `$sb.IsRunning) { return `$script:__writes }
    @(Invoke-RestMethod ([uri]::new(`$sb.GraphUri, '/_sandbox/requests')) | ForEach-Object { `$_ } | Where-Object {
        `$_.path -like '/v1.0/*' -and `$_.path -ne '/v1.0/`$batch' -and (`$_.method -in 'PUT', 'PATCH', 'DELETE' -or (`$_.method -eq 'POST' -and `$_.path -notmatch '/(validateCredentials|parseExpression)$')) }).Count
}
`$script:__writes = 0
for (`$__i = 0; `$__i -lt `$__statements.Count; `$__i++) {
    `$__s = `$__statements[`$__i]
    # The module the suite tests, where the README imports ./out (the same file when the suite runs on ./build.ps1 Build).
    if (`$__s -like 'Import-Module ./out/*') { `$__s = "Import-Module '$modulePath'" }
    "<<<BEGIN `$__i>>>"
    `$__errors = `$Error.Count
    `$__clock = [System.Diagnostics.Stopwatch]::StartNew()
    `$__out = . ([scriptblock]::Create(`$__s)) *>&1
    `$__seconds = `$__clock.Elapsed.TotalSeconds
    `$__out | Where-Object { `$_ -isnot [System.Management.Automation.ErrorRecord] } | Out-String -Width 80
    `$__new = `$Error.Count - `$__errors
    for (`$__e = `$__new - 1; `$__e -ge 0; `$__e--) { "<<<ERROR `$(`$Error[`$__e].Exception.Message -replace '\s+', ' ')>>>" }
    `$__w = __Writes
    "<<<END writes=`$(`$__w - `$script:__writes) running=`$([bool](`$sb -and `$sb.IsRunning)) seconds=`$__seconds>>>"
    `$script:__writes = `$__w
}
"@
    $script:Results = @{}
    $current = $null
    foreach ($line in $output) {
        $text = "$line"
        if ($text -match '^<<<BEGIN (\d+)>>>$') { $current = [pscustomobject]@{ Output = ''; Errors = @(); Writes = 0; Running = $false; Seconds = 0 }; $script:Results[[int]$Matches[1]] = $current; continue }
        if ($null -eq $current) { continue }
        if ($text -match '^<<<ERROR (.*)>>>$') { $current.Errors += $Matches[1]; continue }
        if ($text -match '^<<<END writes=(-?\d+) running=(\w+) seconds=([\d.,]+)>>>$') {
            $current.Writes = [int]$Matches[1]; $current.Running = $Matches[2] -eq 'True'; $current.Seconds = [double]($Matches[3] -replace ',', '.'); continue
        }
        $current.Output += $text + "`n"
    }
}

Describe 'The README''s tour' {
    It 'has a check for every line' {
        $unchecked = @($script:Tour | Where-Object { -not (Find-Check $_) })
        $unchecked | Should -BeNullOrEmpty -Because 'a new tour line needs its documented result checked in Readme.Tests.ps1'
    }

    It 'runs every line' {
        $script:Results.Count | Should -Be $script:Ran.Count
    }
}

Describe 'Tour line <Index>: <Line>' -ForEach $Cases {
    It 'does what the README says' {
        $key = Find-Check $Line
        $key | Should -Not -BeNullOrEmpty
        $result = if ($Line -match '^dotnet ') { $null } else { $script:Results[$script:Ran.IndexOf($Line)] }
        & $script:Checks[$key] $result
    }
}

Describe 'The tour''s pipeline, run again' {
    It 'writes nothing' {
        # The second run of the pipeline statement: the last occurrence in the statements run.
        $index = [array]::LastIndexOf($script:Ran, ($script:Ran | Where-Object { $_ -match 'Set-ScimTenant -Token \$token -Verbose' } | Select-Object -First 1))
        & $script:Checks['again: the pipeline'] $script:Results[$index]
    }
}

Describe 'Logs that are not a terminal' {
    # build.ps1 and tools/PesterTest.ps1 set NO_COLOR when their output is redirected; a child pwsh then renders its
    # errors without ANSI colour codes (run from a terminal, the colours stay, so the case is skipped there).
    It 'carry no ANSI colour codes' -Skip:(-not [Console]::IsOutputRedirected) {
        $env:NO_COLOR | Should -Not -BeNullOrEmpty
        $text = (& $PwshExe -NoProfile -NonInteractive -Command 'Write-Error "a failure"; Write-Host "a line" -ForegroundColor Cyan' 2>&1) -join "`n"
        $text | Should -Match 'a failure'
        $text | Should -Not -Match "`e\["
        $script:Results.Values.Output -join "`n" | Should -Not -Match "`e\["
    }
}
