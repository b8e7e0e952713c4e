# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Sandboxes you lost: Get-ScimSandbox lists those running in this process, Stop-ScimSandbox alone stops them all; and
# the seed errors Start-ScimSandbox gives point at docs/sandbox.md and name the JSON path. Each case runs in a fresh pwsh
# so the other test files' sandboxes are not in the way.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
}

Describe 'Get-ScimSandbox and Stop-ScimSandbox' {
    It 'finds sandboxes whose result was not kept, and stops them all when given none' {
        $report = @(Invoke-Pwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
Start-ScimSandbox | Out-Null
`$kept = Start-ScimSandbox
`$before = @(Get-ScimSandbox)
`$kept | Stop-ScimSandbox
`$afterOne = @(Get-ScimSandbox)
Start-ScimSandbox | Out-Null
@() | Stop-ScimSandbox
`$afterEmptyPipe = @(Get-ScimSandbox).Count
Stop-ScimSandbox -WhatIf
`$afterWhatIf = @(Get-ScimSandbox).Count
Stop-ScimSandbox
[pscustomobject]@{
    Before = `$before.Count; BeforePorts = @(`$before.Port); KeptPort = `$kept.Port
    AfterOne = `$afterOne.Count; AfterEmptyPipe = `$afterEmptyPipe; AfterWhatIf = `$afterWhatIf
    AfterAll = @(Get-ScimSandbox).Count; StillServing = @(`$before | Where-Object IsRunning).Count
} | ConvertTo-Json -Compress
"@)[-1] | ConvertFrom-Json
        $report.Before | Should -Be 2
        $report.BeforePorts | Should -Contain $report.KeptPort
        $report.AfterOne | Should -Be 1 -Because 'the stopped one is no longer listed'
        $report.AfterEmptyPipe | Should -Be 2 -Because 'an empty pipeline stops nothing'
        $report.AfterWhatIf | Should -Be 2 -Because '-WhatIf stops nothing'
        $report.AfterAll | Should -Be 0
        $report.StillServing | Should -Be 0
    }
}

Describe 'Start-ScimSandbox''s seed errors' {
    It 'names the JSON path, the fix and docs/sandbox.md' {
        $seed = Get-ExampleSeed
        $seed.pulumi.organizations[0].Remove('token')
        $seed.groups[0].members += '0f0f0f0f-0000-4000-8000-000000000001'
        $file = Save-Seed $seed (Join-Path $TestDrive 'broken.json')
        $err = { Start-ScimSandbox -SeedPath $file } | Should -Throw -ErrorId 'InvalidSeed,PulumiScim.Commands.StartScimSandboxCommand' -PassThru
        $err.Exception.Message | Should -Match '2 problems in the seed'
        $err.Exception.Message | Should -Match 'pulumi\.organizations\[0\]\.token is missing: give every organization the SCIM token'
        $err.Exception.Message | Should -Match "groups\[0\]\.members\[3\] names '0f0f0f0f-0000-4000-8000-000000000001', which is no user or group"
        $err.Exception.Message | Should -Not -Match 'Object reference'
        "$($err.ErrorDetails.RecommendedAction) $($err.Exception.Message)" | Should -Match 'docs/sandbox\.md'
    }

    It 'ships the example seed the docs name, and it is the built-in tenant' {
        $docs = Get-Content (Join-Path $PSScriptRoot '../../docs/sandbox.md') -Raw
        $docs | Should -Match 'docs/example-seed\.json'
        $sb = Start-ScimSandbox
        try {
            $builtIn = Get-SandboxState $sb
            $builtIn.tenantId | Should -Be (Get-ExampleSeed).tenantId
            @($builtIn.users).Count | Should -Be @((Get-ExampleSeed).users).Count
        }
        finally {
            $sb | Stop-ScimSandbox
        }
    }
}
