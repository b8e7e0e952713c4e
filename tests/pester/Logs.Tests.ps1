# Copyright (c) PulumiScim contributors. Licensed under the MIT License.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
    $script:sb = Start-ScimSandbox -SeedPath (New-LogSeed 2500 $TestDrive)
    $script:sb | Connect-ScimGraph
    $script:app = Get-ScimApplication 'Pulumi Cloud'
}

AfterAll {
    Disconnect-ScimGraph
    $script:sb | Stop-ScimSandbox
}

Describe 'Get-ScimProvisioningLog' {
    It 'reads every entry of the app''s job, newest first' {
        $all = $script:app | Get-ScimProvisioningLog
        $all.Count | Should -Be 2500
        $all[0].Time | Should -BeGreaterOrEqual $all[-1].Time
        $all | Where-Object JobId -ne $script:app.JobId | Should -BeNullOrEmpty
    }

    It 'sends the filters to Graph: <Name>' -ForEach @(
        @{ Name = 'status'; Params = @{ Status = 'Failure' }; Clause = "provisioningStatusInfo/status eq 'failure'"; Check = { $_.Status -eq 'Failure' } }
        @{ Name = 'action'; Params = @{ Action = 'Create' }; Clause = "provisioningAction eq 'create'"; Check = { $_.Action -eq 'Create' } }
    ) {
        Clear-SandboxRequests $script:sb
        $entries = $script:app | Get-ScimProvisioningLog @Params
        $entries | Should -Not -BeNullOrEmpty
        $entries | Where-Object { -not (& $Check) } | Should -BeNullOrEmpty
        $q = [uri]::UnescapeDataString((Get-GraphRequests $script:sb | Where-Object path -eq '/v1.0/auditLogs/provisioning')[0].query)
        $q | Should -Match ([regex]::Escape($Clause))
        $q | Should -Match ([regex]::Escape("jobId eq '$($script:app.JobId)'"))
    }

    It 'sends -Since and -Until to Graph as an activityDateTime window' {
        $all = $script:app | Get-ScimProvisioningLog
        $from = $all[1800].Time.UtcDateTime
        $to = $all[700].Time.UtcDateTime
        Clear-SandboxRequests $script:sb
        $window = $script:app | Get-ScimProvisioningLog -Since $from -Until $to
        $window.Count | Should -Be ($all | Where-Object { $_.Time -ge $from -and $_.Time -le $to }).Count
        $window.Count | Should -BeGreaterThan 0
        $q = [uri]::UnescapeDataString((Get-GraphRequests $script:sb | Where-Object path -eq '/v1.0/auditLogs/provisioning')[0].query)
        # Only the operators the docs give for activityDateTime (eq, gt, lt), one tick outside the inclusive bounds.
        $q | Should -Match ('activityDateTime gt ' + [regex]::Escape($from.AddTicks(-1).ToString('yyyy-MM-ddTHH:mm:ss.fffffffZ')))
        $q | Should -Match ('activityDateTime lt ' + [regex]::Escape($to.AddTicks(1).ToString('yyyy-MM-ddTHH:mm:ss.fffffffZ')))
        $window | Where-Object { $_.Time -eq $from } | Should -Not -BeNullOrEmpty -Because 'the bounds are inclusive'
        $window | Where-Object { $_.Time -eq $to } | Should -Not -BeNullOrEmpty -Because 'the bounds are inclusive' 
    }

    It 'filters by user, resolving a user principal name to its id' {
        $grace = '99c90126-e9a4-5b66-a055-54eb16771e93'
        $entries = $script:app | Get-ScimProvisioningLog -User 'grace@contoso.example'
        $entries | Should -Not -BeNullOrEmpty
        $entries.SourceId | Sort-Object -Unique | Should -Be $grace
    }

    It 'stops reading when -First is satisfied' {
        Clear-SandboxRequests $script:sb
        $e = $script:app | Get-ScimProvisioningLog -First 3
        $e.Count | Should -Be 3
        @(Get-GraphRequests $script:sb | Where-Object path -eq '/v1.0/auditLogs/provisioning').Count | Should -Be 1
    }

    It 'streams: the first entry reaches the pipeline before the last page is fetched' {
        Clear-SandboxRequests $script:sb
        $script:app | Get-ScimProvisioningLog | Select-Object -First 1 | Out-Null
        @(Get-GraphRequests $script:sb | Where-Object path -eq '/v1.0/auditLogs/provisioning').Count | Should -BeLessThan 3
    }

    It 'reads every entry, in order, when Graph throttles, fails or drops some page reads' {
        $clean = @($script:app | Get-ScimProvisioningLog).Id
        Clear-SandboxRequests $script:sb
        Set-SandboxFault $script:sb -Ratio 0.4 -Kinds '429', '503', 'reset' -Paths '^/v1\.0/auditLogs/provisioning$' -Seed 3
        try {
            $faulted = @($script:app | Get-ScimProvisioningLog).Id
        }
        finally {
            Set-SandboxFault $script:sb -Ratio 0
        }
        $faulted.Count | Should -Be 2500
        $faulted | Should -Be $clean
        @(Get-GraphRequests $script:sb | Where-Object { $_.path -eq '/v1.0/auditLogs/provisioning' -and $_.status -ne 200 }).Count | Should -BeGreaterThan 0
    }

    It 'reads every job''s entries without an app' {
        (Get-ScimProvisioningLog -First 10).Count | Should -Be 10
    }

    It 'carries the full record and the steps' {
        $e = $script:app | Get-ScimProvisioningLog -Status Failure -First 1
        ($e.RecordJson | ConvertFrom-Json).provisioningStatusInfo.status | Should -Be 'failure'
        $e.ErrorCode | Should -Not -BeNullOrEmpty
        $e.Steps | Should -Not -BeNullOrEmpty
    }

    It 'formats as a table with time, status, user, error and Pulumi''s reason (action and target in Format-List)' {
        $text = $script:app | Get-ScimProvisioningLog -Status Failure -First 2 | Out-String -Width 80
        $text | Should -Match 'Time\s+Status\s+User\s+ErrorCode\s+Reason'
        $text | Should -Match 'Failure'
    }

    It 'says when the app has no job' {
        $other = Start-ScimSandbox -SeedPath $SeedPath
        try {
            $s = $other | Connect-ScimGraph -PassThru
            $err = $null
            Get-ScimApplication 'Pulumi Cloud' -Session $s | Get-ScimProvisioningLog -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'NoProvisioningJob,*'
        }
        finally {
            $other | Stop-ScimSandbox
            $script:sb | Connect-ScimGraph
        }
    }

    It 'keeps memory flat: 100,000 entries peak less than 100 MB above 10,000' {
        $small = Start-ScimSandbox -SeedPath (New-LogSeed 10000 $TestDrive)
        $large = Start-ScimSandbox -SeedPath (New-LogSeed 100000 $TestDrive)
        try {
            $peak = foreach ($s in $small, $large) {
                $env:PULUMISCIM_TEST_TOKEN = [System.Net.NetworkCredential]::new('', $s.AccessToken).Password
                try {
                    $out = Invoke-Pwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
Connect-ScimGraph -AccessToken (ConvertTo-SecureString `$env:PULUMISCIM_TEST_TOKEN -AsPlainText -Force) -GraphEndpoint '$($s.GraphUri)'
(Get-ScimProvisioningLog -DisplayName 'Pulumi Cloud' | Measure-Object).Count
(Get-Content /proc/self/status | Where-Object { `$_ -like 'VmHWM:*' }) -replace '\D', ''
"@
                }
                finally {
                    Remove-Item Env:\PULUMISCIM_TEST_TOKEN
                }
                [pscustomobject]@{ Count = [int]$out[-2]; PeakKb = [long]$out[-1] }
            }
            $peak[0].Count | Should -Be 10000
            $peak[1].Count | Should -Be 100000
            Write-Host "peak RSS: 10,000 entries $([math]::Round($peak[0].PeakKb / 1024)) MB; 100,000 entries $([math]::Round($peak[1].PeakKb / 1024)) MB"
            ($peak[1].PeakKb - $peak[0].PeakKb) / 1024 | Should -BeLessThan 100
        }
        finally {
            $small, $large | Stop-ScimSandbox
        }
    }
}
