# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# The format views (module/PulumiScim.Format.ps1xml) rendered as a user sees them, at 80 and at 200 columns: what must
# show does, no line is wider than the window, and no word is split across lines. The objects come from the guide's
# pipeline run against the sandbox, with bob assigned (Pulumi refuses him: another account holds userName bob).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force

    function Get-Rendered {
        # The objects as Out-String renders them at $Width, with a Format-* command when one is given.
        param([Parameter(Mandatory)] [object[]] $InputObject, [Parameter(Mandatory)] [int] $Width, [string] $Format)
        if ($Format) { $InputObject | & $Format | Out-String -Width $Width } else { $InputObject | Out-String -Width $Width }
    }

    function Assert-Fits {
        # No line wider than the window, every phrase whole on one line (a split word would break the phrase).
        param([string] $Text, [int] $Width, [string[]] $Phrases)
        $lines = $Text -split "`r?`n"
        $wide = @($lines | Where-Object { $_.TrimEnd().Length -gt $Width })
        $wide | Should -BeNullOrEmpty -Because "every line fits $Width columns"
        foreach ($p in $Phrases) {
            @($lines | Where-Object { $_.Contains($p) }).Count | Should -BeGreaterThan 0 -Because "'$p' must show whole at $Width columns:`n$Text"
        }
    }

    $seed = Get-ExampleSeed
    $seedFile = Save-Seed $seed (Join-Path $TestDrive 'views-seed.json')
    $script:sb = Start-ScimSandbox -SeedPath $seedFile
    $script:sb | Connect-ScimGraph
    $token = $script:sb.Organizations[0].Token
    $backups = Join-Path $TestDrive 'backups'
    $script:app = Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -Token $token | Set-ScimUserMapping -BackupPath $backups |
        Enable-ScimGroupProvisioning -BackupPath $backups |
        Add-ScimAssignment -Group 'Platform Team', 'SRE' -User 'grace@contoso.example', 'bob@contoso.example' |
        Start-ScimProvisioning
    # The first cycle runs at once in the sandbox; wait (bounded) until its failure for bob is in the log.
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    do { $script:failures = @($script:app | Get-ScimProvisioningLog -Status Failure) } until ($script:failures.Count -gt 0 -or [DateTime]::UtcNow -gt $deadline)
}

AfterAll {
    Disconnect-ScimGraph
    $script:sb | Stop-ScimSandbox
}

Describe 'The view of <Name> at <Width> columns' -ForEach @(
    foreach ($w in 80, 200) {
        @{ Name = 'Get-ScimApplication'; Width = $w; Get = { Get-ScimApplication }; Format = $null
            Phrases = 'DisplayName', 'Pulumi Cloud', 'Job', 'Active', 'ServicePrincipalId', '59e94b18-3fb9-5227-b0d0-07d59b9acc4e' }
        @{ Name = 'Get-ScimAssignment'; Width = $w; Get = { $script:app | Get-ScimAssignment }; Format = $null
            Phrases = 'Principal', 'Platform Team', 'Grace Hopper', 'Bob Kahn', 'Group', 'User', '25168b6f-bdfb-5fcd-b211-0982b8e6b202' }
        @{ Name = 'the failure log'; Width = $w; Get = { $script:failures }; Format = $null
            Phrases = 'ErrorCode', 'Reason', 'Failure', 'Bob Kahn', 'ScimEntryConflict', 'User with userName bob', 'exists.' }
        @{ Name = 'a failure as a list'; Width = $w; Get = { $script:failures[0] }; Format = 'Format-List'
            Phrases = 'When  :', 'Who   : Bob Kahn (User 03af691d-dfa2-521c-a36e-805bfb1b3e9e)', 'What  : Create in Pulumi: Failure',
            'Why   : User with userName bob already exists.', 'Fix   : Pulumi usernames are unique', '5. export, failure: Failed to create User', '.RecordJson' }
        @{ Name = 'Get-ScimMapping'; Width = $w; Get = { $script:app | Get-ScimMapping }; Format = $null
            Phrases = 'Target', 'Source', 'FlowType', 'ObjectAddOnly', 'userName', '[mailNickname]', 'emails[type eq', 'Switch([IsSoftDeleted],', 'name.familyName' }
        @{ Name = 'Test-ScimConfiguration'; Width = $w; Get = { $script:app | Test-ScimConfiguration -IncludeUsers }; Format = $null
            Phrases = 'Hint', 'Actual', 'Secret Token', '(saved, validates)', 'FAIL', 'User', 'bob@contoso.example', 'See the User checks below.', '5 users checked, 1', 'Pulumi usernames are unique' }
        @{ Name = 'a configuration check as a list'; Width = $w; Get = { $script:app | Test-ScimConfiguration | Select-Object -First 3 }; Format = 'Format-List'
            Phrases = 'Check    : Pulumi Cloud: Provisioning job', 'Expected : a SCIM (templateId scim) job', 'Secret Token' }
        @{ Name = 'Get-ScimProvisioningStatus'; Width = $w; Get = { $script:app | Get-ScimProvisioningStatus }; Format = $null
            Phrases = 'Verdict', 'Get-ScimProvisioningLog -Status Failure', 'EntryLevelErrors' }
        @{ Name = 'the steps of a log entry'; Width = $w; Get = { $script:failures[0].Steps }; Format = $null
            Phrases = 'Description', 'export', 'failure', "Failed to create User 'bob@contoso.example'" }
        @{ Name = 'a schema change'; Width = $w; Format = $null
            Get = { [PulumiScim.Provisioning.SchemaChange]::new('RemoveMapping', 'emails[type eq "other"].value', '[mail]', $null, 'emails[type eq "other"].value: remove the mapping from [mail] (the guide keeps six user mappings)') }
            Phrases = 'Target', 'Change', 'the guide keeps six user mappings' }
    }
) {
    BeforeAll { $script:text = Get-Rendered -InputObject @(& $Get) -Width $Width -Format $Format }

    It 'shows what matters, whole, within the width' {
        Assert-Fits -Text $script:text -Width $Width -Phrases $Phrases
    }
}

Describe 'Raw JSON only on request' {
    It 'keeps the record''s JSON and the C# record text out of Format-List' {
        $text = $script:failures[0] | Format-List | Out-String -Width 200
        $text | Should -Not -Match '"provisioningSteps"'
        $text | Should -Not -Match 'ScimProvisioningStep \{'
        $text | Should -Not -Match 'HTTP response returned by the'
    }

    It 'hides RecordJson from Get-Member and Select-Object *, but gives it when asked by name' {
        $entry = $script:failures[0]
        ($entry | Get-Member -MemberType Property).Name | Should -Not -Contain 'RecordJson'
        ($entry | Get-Member -MemberType Property -Force).Name | Should -Contain 'RecordJson'
        ($entry.RecordJson | ConvertFrom-Json).provisioningStatusInfo.status | Should -Be 'failure'
        $entry.Reason | Should -Match 'HTTP response'
        $entry.Message | Should -Be 'User with userName bob already exists.'
    }
}

Describe 'ScimText' {
    It 'wraps at word boundaries and breaks a long id after a separator' {
        [PulumiScim.Model.ScimText]::Wrap('the saved Tenant URL and Secret Token work', 12) -split "`r?`n" |
            Should -Be @('the saved', 'Tenant URL', 'and Secret', 'Token work')
        [PulumiScim.Model.ScimText]::Wrap('scim.597f302a4a9a5cf280e44e7a0a0a9523.5e036e4d-74c0', 40) -split "`r?`n" |
            Should -Be @('scim.597f302a4a9a5cf280e44e7a0a0a9523.', '5e036e4d-74c0')
    }

    It 'counts in the right number' {
        [PulumiScim.Model.ScimText]::Count(1, 'problem') | Should -Be '1 problem'
        [PulumiScim.Model.ScimText]::Count(0, 'problem') | Should -Be '0 problems'
        [PulumiScim.Model.ScimText]::Count(2, 'user') | Should -Be '2 users'
    }

    It 'shortens the SCIM error codes only' {
        [PulumiScim.Model.ScimText]::ShortErrorCode('SystemForCrossDomainIdentityManagementEntryConflict') | Should -Be 'ScimEntryConflict'
        [PulumiScim.Model.ScimText]::ShortErrorCode('MandatoryFieldsMissing') | Should -Be 'MandatoryFieldsMissing'
    }
}
