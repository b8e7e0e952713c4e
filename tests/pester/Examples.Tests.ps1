# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# The examples of docs/at-scale.md run against the sandbox, so they cannot rot: the Azure Automation runbook as the
# sandbox's managed identity (Azure Automation's own commands, Get-AutomationPSCredential, Connect-AzAccount and
# Get-AzKeyVaultSecret, stood in for by functions of the same name), and the GitHub Actions job script under the
# wrapper GitHub puts around a pwsh step. Tokens travel to the child pwsh in environment variables only, and no
# assertion compares a token with Should -Be (its failure message would show it).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
    $script:examples = (Resolve-Path (Join-Path $PSScriptRoot '../../examples')).ProviderPath
    $script:runbook = Join-Path $script:examples 'azure-automation/Set-ScimTenantRunbook.ps1'
    $script:jobScript = Join-Path $script:examples 'github-actions/Test-ScimTenant.ps1'
    $script:workflow = Join-Path $script:examples 'github-actions/scim-tenants.yml'

    function Invoke-Runbook {
        # The runbook in a fresh pwsh as an Automation cloud job has it: the module imported, IDENTITY_ENDPOINT and
        # IDENTITY_HEADER set to the sandbox's, $Stubs defining Azure Automation's and Az's commands. $global:OrgToken
        # is acme's SCIM token (a SecureString) for the stubs to hand out.
        param([Parameter(Mandatory)] $Sandbox, [string] $Stubs = '', [Parameter(Mandatory)] [string] $Arguments)
        $env:PULUMISCIM_TEST_IDENTITY_HEADER = ConvertFrom-SecureText $Sandbox.IdentityHeader
        $env:PULUMISCIM_TEST_ORG_TOKEN = ConvertFrom-SecureText ($Sandbox.Organizations | Where-Object Name -eq 'acme').Token
        try {
            Invoke-PwshCommand @"
Import-Module '$ModulePath'
`$env:IDENTITY_ENDPOINT = '$($Sandbox.ManagedIdentityEndpoint)'
`$env:IDENTITY_HEADER = `$env:PULUMISCIM_TEST_IDENTITY_HEADER
`$global:OrgToken = ConvertTo-SecureString -String `$env:PULUMISCIM_TEST_ORG_TOKEN -AsPlainText -Force
Remove-Item Env:PULUMISCIM_TEST_IDENTITY_HEADER, Env:PULUMISCIM_TEST_ORG_TOKEN
$Stubs
& '$script:runbook' $Arguments -GraphEndpoint '$($Sandbox.GraphUri)' -PulumiApiUrl '$($Sandbox.PulumiApiUri)'
"@
        }
        finally {
            Remove-Item Env:PULUMISCIM_TEST_IDENTITY_HEADER, Env:PULUMISCIM_TEST_ORG_TOKEN -ErrorAction SilentlyContinue
        }
    }

    function Invoke-JobStep {
        # The job script as the workflow's step runs it: GitHub's pwsh wrapper ($ErrorActionPreference = 'stop'
        # before, exit $LASTEXITCODE after), TENANT and ORGANIZATION from the matrix in the environment. -Connect is the
        # sandbox's equivalent of the runner's azure/login session: its Graph token.
        param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string] $Tenant, [Parameter(Mandatory)] [string] $SummaryPath, [string] $GraphToken)
        $env:PULUMISCIM_TEST_GRAPH_TOKEN = if ($GraphToken) { $GraphToken } else { ConvertFrom-SecureText $Sandbox.AccessToken }
        $env:TENANT = $Tenant
        $env:ORGANIZATION = 'acme'
        try {
            Invoke-PwshCommand @"
`$ErrorActionPreference = 'stop'
Import-Module '$ModulePath'
`$connect = @{ AccessToken = (ConvertTo-SecureString -String `$env:PULUMISCIM_TEST_GRAPH_TOKEN -AsPlainText -Force); GraphEndpoint = '$($Sandbox.GraphUri)'; PulumiApiUrl = '$($Sandbox.PulumiApiUri)' }
Remove-Item Env:PULUMISCIM_TEST_GRAPH_TOKEN
& '$script:jobScript' -Tenant `$env:TENANT -OrganizationName `$env:ORGANIZATION -Connect `$connect -SummaryPath '$SummaryPath'
if ((Test-Path -LiteralPath variable:\LASTEXITCODE)) { exit `$LASTEXITCODE }
"@
        }
        finally {
            Remove-Item Env:PULUMISCIM_TEST_GRAPH_TOKEN, Env:TENANT, Env:ORGANIZATION -ErrorAction SilentlyContinue
        }
    }

    $script:credentialStub = @'
function Get-AutomationPSCredential { param([string] $Name) Write-Host "credential asked: $Name"; [pscredential]::new('pulumi-scim', $global:OrgToken) }
'@
}

Describe 'The Azure Automation runbook (examples/azure-automation)' {
    BeforeAll {
        $script:sb = Start-ScimSandbox
        $script:orgToken = ConvertFrom-SecureText ($script:sb.Organizations | Where-Object Name -eq 'acme').Token
        $script:first = Invoke-Runbook $script:sb -Stubs $script:credentialStub -Arguments "-OrganizationName acme -Group 'Platform Team' -TokenCredentialName PulumiScimToken"
    }

    AfterAll { $script:sb | Stop-ScimSandbox }

    It 'configures the app as the managed identity, with the token from an Automation credential' {
        $script:first.ExitCode | Should -Be 0 -Because ($script:first.Output -join "`n")
        $script:first.Output | Should -Contain 'credential asked: PulumiScimToken'
        $app = (Get-SandboxState $script:sb).applications | Where-Object displayName -eq 'Pulumi Cloud'
        $app.synchronization.jobs[0].schedule.state | Should -Be 'Active'
        $app.assignments.principalDisplayName | Should -Contain 'Platform Team'
        $msi = @(Get-MsiRequests $script:sb)
        $msi.Count | Should -BeGreaterThan 0
        @($msi | Where-Object status -ne 200).Count | Should -Be 0
    }

    It 'writes one line per check and a summary line, every check passed' {
        $checks = @($script:first.Output | Where-Object { $_ -match '^(ok  |FAIL) ' })
        $checks.Count | Should -BeGreaterThan 3
        @($checks | Where-Object { $_ -like 'FAIL*' }) | Should -BeNullOrEmpty
        $summary = [regex]::Match(($script:first.Output -join "`n"), '(?m)^Pulumi Cloud for acme: (\d+) of (\d+) checks passed\.$')
        $summary.Success | Should -BeTrue
        [int]$summary.Groups[1].Value | Should -Be $checks.Count
        [int]$summary.Groups[2].Value | Should -Be $checks.Count
    }

    It 'never writes the SCIM token' {
        ($script:first.Output -join "`n").Contains($script:orgToken) | Should -BeFalse
    }

    It 'passes again on a re-run, the job as it was' {
        $again = Invoke-Runbook $script:sb -Stubs $script:credentialStub -Arguments "-OrganizationName acme -Group 'Platform Team' -TokenCredentialName PulumiScimToken"
        $again.ExitCode | Should -Be 0 -Because ($again.Output -join "`n")
        ($again.Output -join "`n") | Should -Match '(?m)^Pulumi Cloud for acme: (\d+) of \1 checks passed\.$'
        $app = (Get-SandboxState $script:sb).applications | Where-Object displayName -eq 'Pulumi Cloud'
        @($app.synchronization.jobs).Count | Should -Be 1
        @($app.assignments | Where-Object principalDisplayName -eq 'Platform Team').Count | Should -Be 1
    }
}

Describe 'The runbook with the token in Key Vault' {
    BeforeAll { $script:sb = Start-ScimSandbox }
    AfterAll { $script:sb | Stop-ScimSandbox }

    It 'signs in to Az as the identity and reads the named secret' {
        $stubs = @'
function Connect-AzAccount { param([switch] $Identity) Write-Host "Connect-AzAccount -Identity:$Identity" }
function Get-AzKeyVaultSecret { param([string] $VaultName, [string] $Name) Write-Host "secret asked: $VaultName/$Name"; [pscustomobject]@{ SecretValue = $global:OrgToken } }
'@
        $run = Invoke-Runbook $script:sb -Stubs $stubs -Arguments "-OrganizationName acme -Group 'Platform Team' -KeyVaultName kv-scim -TokenSecretName pulumi-scim-token"
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        $run.Output | Should -Contain 'Connect-AzAccount -Identity:True'
        $run.Output | Should -Contain 'secret asked: kv-scim/pulumi-scim-token'
        ($run.Output -join "`n") | Should -Match '(?m)^Pulumi Cloud for acme: (\d+) of \1 checks passed\.$'
    }
}

Describe 'The runbook on a tenant that is not as the guide leaves it' {
    BeforeAll { $script:sb = Start-ScimSandbox }
    AfterAll { $script:sb | Stop-ScimSandbox }

    It 'with -CheckOnly: writes nothing, asks for no token, names the failed checks and ends the job failed' {
        Clear-SandboxRequests $script:sb
        $run = Invoke-Runbook $script:sb -Stubs $script:credentialStub -Arguments '-OrganizationName acme -CheckOnly $true'
        $run.ExitCode | Should -Not -Be 0
        $run.Output | Should -Not -Contain 'credential asked: PulumiScimToken'
        $failed = @($run.Output | Where-Object { $_ -like 'FAIL *(fix: *' })
        $failed.Count | Should -BeGreaterThan 0
        ($run.Output -join "`n") | Should -Match "\d+ of \d+ checks failed for acme: "
        @(Get-GraphWrites $script:sb).Count | Should -Be 0
    }

    It 'without a token source: ends failed and says where the token can come from' {
        $run = Invoke-Runbook $script:sb -Arguments '-OrganizationName acme'
        $run.ExitCode | Should -Not -Be 0
        ($run.Output -join "`n") | Should -Match 'TokenCredentialName'
    }
}

Describe 'The GitHub Actions job script (examples/github-actions)' {
    BeforeAll {
        $script:good = Start-ScimSandbox
        $script:bad = Start-ScimSandbox
        # The good tenant is as the guide leaves it; the bad one is untouched.
        $script:good | Connect-ScimGraph
        $null = Invoke-GuidePipeline -Sandbox $script:good -BackupPath (Join-Path $TestDrive 'backups')
        Disconnect-ScimGraph
        $script:summary = Join-Path $TestDrive 'step-summary.md'
        $script:goodRun = Invoke-JobStep $script:good -Tenant contoso -SummaryPath $script:summary
        $script:badRun = Invoke-JobStep $script:bad -Tenant fabrikam -SummaryPath $script:summary
        $script:text = Get-Content -LiteralPath $script:summary -Raw
    }

    AfterAll {
        $script:good | Stop-ScimSandbox
        $script:bad | Stop-ScimSandbox
    }

    It 'exits 0 for a tenant whose every check passed, and says so in the summary' {
        $script:goodRun.ExitCode | Should -Be 0 -Because ($script:goodRun.Output -join "`n")
        $heading = [regex]::Match($script:text, '(?m)^## :white_check_mark: contoso: all (\d+) checks passed\r?$')
        $heading.Success | Should -BeTrue -Because $script:text
        $section = ($script:text -split '(?m)^## ')[1]
        ([regex]::Matches($section, '(?m)^\| ok \|')).Count | Should -Be ([int]$heading.Groups[1].Value)
        $section | Should -Not -Match 'FAIL'
    }

    It 'exits 1 for a failing tenant and reports it failing, failed checks first with their fix' {
        $script:badRun.ExitCode | Should -Be 1
        $script:text | Should -Match '(?m)^## :x: fabrikam: \d+ of \d+ checks failed\r?$'
        $section = ($script:text -split '(?m)^## ')[2]
        $rows = @($section -split "`r?`n" | Where-Object { $_ -match '^\| (ok|\*\*FAIL\*\*) \|' })
        $rows[0] | Should -Match '^\| \*\*FAIL\*\* \| .+ \| .+ \| .+\S \|$'
        $firstOk = [array]::FindIndex([string[]]$rows, [Predicate[string]] { param($r) $r -like '| ok |*' })
        @($rows | Select-Object -Skip ([math]::Max($firstOk, 0)) | Where-Object { $_ -like '*FAIL*' }) | Should -BeNullOrEmpty
    }

    It 'keeps every table row on one line with four cells' {
        foreach ($row in @($script:text -split "`r?`n" | Where-Object { $_ -like '| *' })) {
            ($row -replace '\\\|', '').Split('|').Count | Should -Be 6 -Because $row
        }
    }

    It 'reports a tenant it cannot read as failing, with the error, not as having nothing to check' {
        $summary = Join-Path $TestDrive 'refused.md'
        $run = Invoke-JobStep $script:good -Tenant refused -SummaryPath $summary -GraphToken 'sbx.not-a-token'
        $run.ExitCode | Should -Be 1
        $text = Get-Content -LiteralPath $summary -Raw
        $text | Should -Match '(?m)^## :x: refused: could not be checked\r?$'
        $text | Should -Match '(?m)^\*\*Error\*\*: \S'
        $text | Should -Not -Match '\| ok \|'
    }

    It 'writes no Graph or SCIM token into the summary' {
        $script:text.Contains((ConvertFrom-SecureText $script:good.AccessToken)) | Should -BeFalse
        $script:text.Contains((ConvertFrom-SecureText ($script:good.Organizations | Where-Object Name -eq 'acme').Token)) | Should -BeFalse
    }
}

Describe 'The workflow (examples/github-actions/scim-tenants.yml)' {
    BeforeAll { $script:yaml = Get-Content -LiteralPath $script:workflow -Raw }

    It 'asks for the OIDC token and signs in with azure/login, per tenant of the matrix' {
        $script:yaml | Should -Match '(?m)^\s+id-token: write'
        $script:yaml | Should -Match '(?m)^\s+- uses: azure/login@v2$'
        $script:yaml | Should -Match '(?m)^\s+client-id: \$\{\{ matrix\.tenant\.client-id \}\}$'
        $script:yaml | Should -Match '(?m)^\s+tenant-id: \$\{\{ matrix\.tenant\.tenant-id \}\}$'
        $script:yaml | Should -Match '(?m)^\s+fail-fast: false'
    }

    It 'runs the job script with parameters it has, matrix values through the environment' {
        $run = [regex]::Match($script:yaml, '(?m)^\s+run: \./examples/github-actions/Test-ScimTenant\.ps1 (.+)$')
        $run.Success | Should -BeTrue
        $named = @([regex]::Matches($run.Groups[1].Value, '(?<=^|\s)-(\w+)') | ForEach-Object { $_.Groups[1].Value })
        $named.Count | Should -BeGreaterThan 0
        $parameters = (Get-Command $script:jobScript).Parameters.Keys
        foreach ($name in $named) { $parameters | Should -Contain $name }
        $run.Groups[1].Value | Should -Not -Match '\$\{\{' -Because 'matrix values reach the script through env, not pasted into it'
        foreach ($variable in [regex]::Matches($run.Groups[1].Value, '\$env:(\w+)') | ForEach-Object { $_.Groups[1].Value }) {
            $script:yaml | Should -Match "(?m)^\s+$($variable): \$\{\{ matrix\.tenant\.\w+ \}\}$"
        }
    }
}
