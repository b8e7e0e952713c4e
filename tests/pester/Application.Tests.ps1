# Copyright (c) PulumiScim contributors. Licensed under the MIT License.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
    $script:sb = Start-ScimSandbox -SeedPath $SeedPath
    $script:sb | Connect-ScimGraph
    $script:spId = '59e94b18-3fb9-5227-b0d0-07d59b9acc4e'
    $script:appId = '5e036e4d-74c0-5ada-aea1-7ee85f39f62d'
}

AfterAll {
    Disconnect-ScimGraph
    $script:sb | Stop-ScimSandbox
}

Describe 'Get-ScimApplication' {
    It 'finds the app by <By>' -ForEach @(
        @{ By = 'display name'; Params = @{ DisplayName = 'Pulumi Cloud' } }
        @{ By = 'a case-insensitive display name'; Params = @{ DisplayName = 'pulumi cloud' } }
        @{ By = 'wildcard'; Params = @{ DisplayName = 'Pul*Cl?ud' } }
        @{ By = 'leading wildcard'; Params = @{ DisplayName = '*Cloud' } }
        @{ By = 'app id'; Params = @{ AppId = '5e036e4d-74c0-5ada-aea1-7ee85f39f62d' } }
        @{ By = 'service principal id'; Params = @{ ServicePrincipalId = '59e94b18-3fb9-5227-b0d0-07d59b9acc4e' } }
    ) {
        $app = Get-ScimApplication @Params
        @($app).Count | Should -Be 1
        $app.ServicePrincipalId | Should -Be $script:spId
        $app.AppId | Should -Be $script:appId
        $app.DisplayName | Should -Be 'Pulumi Cloud'
        $app.JobId | Should -BeNullOrEmpty
    }

    It 'lists every app without arguments' {
        @(Get-ScimApplication).Count | Should -Be 1
    }

    It 'takes names and ids from the pipeline by property name' {
        ([pscustomobject]@{ DisplayName = 'Pulumi Cloud' } | Get-ScimApplication).ServicePrincipalId | Should -Be $script:spId
        ([pscustomobject]@{ AppId = $script:appId } | Get-ScimApplication).DisplayName | Should -Be 'Pulumi Cloud'
        ([pscustomobject]@{ ServicePrincipalId = $script:spId } | Get-ScimApplication).DisplayName | Should -Be 'Pulumi Cloud'
    }

    It 'writes ApplicationNotFound for an unknown name and nothing for an unmatched wildcard' {
        $err = $null
        $r = Get-ScimApplication -DisplayName 'No Such App' -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'ApplicationNotFound,PulumiScim.Commands.GetScimApplicationCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'No Such App'
        Get-ScimApplication -DisplayName 'No Such*' -ErrorVariable err2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err2 | Should -BeNullOrEmpty
    }

    It 'sends the name to Graph as a filter, not a full listing' {
        Clear-SandboxRequests $script:sb
        Get-ScimApplication -DisplayName "Pulumi Cloud" | Out-Null
        $r = Get-SandboxRequests $script:sb
        $r[0].path | Should -Be '/v1.0/servicePrincipals'
        [uri]::UnescapeDataString($r[0].query) | Should -Match "displayName eq 'Pulumi Cloud'"
        @($r | Where-Object roundTrip).Count | Should -Be 2 -Because 'the list, then the app''s reads in one batch'
    }

    It 'lists only enterprise apps, as the portal does, in a tenant full of Microsoft''s service principals' {
        $other = Start-ScimSandbox -SeedPath (New-SeedFile @{ firstPartyServicePrincipals = 300 } (Join-Path $TestDrive 'big.json'))
        try {
            $s = $other | Connect-ScimGraph -PassThru
            Clear-SandboxRequests $other
            @(Get-ScimApplication -Session $s).ServicePrincipalId | Should -Be @($script:spId)
            @(Get-ScimApplication 'Pulumi*' -Session $s).ServicePrincipalId | Should -Be @($script:spId)
            $lists = @(Get-LoggedRequests $other { $_.path -eq '/v1.0/servicePrincipals' })
            $lists.Count | Should -Be 2 -Because 'one page of enterprise apps each, not 301 service principals over pages'
            [uri]::UnescapeDataString($lists[0].query) | Should -Match "tags/any\(t:t eq 'WindowsAzureActiveDirectoryIntegratedApp'\)"
            [uri]::UnescapeDataString($lists[1].query) | Should -Match "startswith\(displayName,'Pulumi'\) and tags/any"
        }
        finally {
            $other | Stop-ScimSandbox
            $script:sb | Connect-ScimGraph
        }
    }

    It 'escapes quotes in names' {
        Get-ScimApplication -DisplayName "O'Brien's app" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $last = (Get-SandboxRequests $script:sb)[-1]
        [uri]::UnescapeDataString($last.query) | Should -Match "displayName eq 'O''Brien''s app'"
    }
}

Describe 'Start-ScimSandbox' {
    It 'answers requests without a bearer token with Graph''s 401 body' {
        $resp = Invoke-WebRequest -Uri ([uri]::new($script:sb.GraphUri, '/v1.0/servicePrincipals')) -SkipHttpErrorCheck
        $resp.StatusCode | Should -Be 401
        ($resp.Content | ConvertFrom-Json).error.code | Should -Be 'InvalidAuthenticationToken'
    }

    It 'runs two sandboxes with their own ports and state' {
        $other = Start-ScimSandbox
        try {
            $other.Port | Should -Not -Be $script:sb.Port
            $s = $other | Connect-ScimGraph -PassThru
            (Get-ScimApplication -Session $s).ServicePrincipalId | Should -Be $script:spId
        }
        finally {
            $other | Stop-ScimSandbox
            $script:sb | Connect-ScimGraph
        }
        $other.IsRunning | Should -BeFalse
    }

    It 'delays every Graph answer by -LatencyMs, server-side, and lets a script change it' {
        $slow = Start-ScimSandbox -LatencyMs 150
        try {
            $slow.LatencyMs | Should -Be 150
            $s = $slow | Connect-ScimGraph -PassThru
            Clear-SandboxRequests $slow
            Get-ScimApplication 'Pulumi Cloud' -Session $s | Out-Null
            $log = @(Get-SandboxRequests $slow)
            $log.Count | Should -BeGreaterThan 0
            # Every request the client sent waited; a batch's inner requests (roundTrip false) wait once, with the batch.
            $log | Where-Object roundTrip | ForEach-Object { $_.endMs - $_.startMs | Should -BeGreaterOrEqual 150 }
            $slow.LatencyMs = 0
            (Invoke-RestMethod -Uri ([Uri]::new($slow.GraphUri, '/_sandbox/options'))).latencyMs | Should -Be 0
        }
        finally {
            $slow | Stop-ScimSandbox
            $script:sb | Connect-ScimGraph
        }
    }

    It 'returns the seed''s organizations with their tokens as secure strings' {
        $org = $script:sb.Organizations | Where-Object Name -eq 'acme'
        $org.Token | Should -BeOfType [securestring]
        $org.TenantUrl | Should -Be "$($script:sb.PulumiApiUri)/scim/v2/acme"
    }

    It 'refuses a seed that is not JSON' {
        $bad = Join-Path $TestDrive 'bad.json'
        Set-Content $bad 'not json'
        { Start-ScimSandbox -SeedPath $bad } | Should -Throw -ErrorId 'InvalidSeed,PulumiScim.Commands.StartScimSandboxCommand'
    }

    It 'blocks with -Wait until stopped, in a process of its own' {
        $port = Get-Random -Minimum 20000 -Maximum 60000
        $p = Start-Process -FilePath $PwshExe -ArgumentList '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$ModulePath'; Start-ScimSandbox -Port $port -Wait | Out-Null" -PassThru
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            $status = $null
            while (-not $status -and [DateTime]::UtcNow -lt $deadline -and -not $p.HasExited) {
                try { $status = (Invoke-WebRequest "http://127.0.0.1:$port/v1.0/servicePrincipals" -SkipHttpErrorCheck).StatusCode } catch { Start-Sleep -Milliseconds 100 }
            }
            $status | Should -Be 401
            $p.HasExited | Should -BeFalse
        }
        finally {
            $p | Stop-Process -Force -ErrorAction SilentlyContinue
        }
    }
}
