# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# After the guide's pipeline and a provisioning cycle, the right users and teams are in Pulumi.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
    $script:ids = @{
        ada = 'bc0958cf-3a83-5957-b570-e0833948591c'; alan = '3d2ed5fc-dc1d-5187-b890-8c45d0f28769'
        grace = '99c90126-e9a4-5b66-a055-54eb16771e93'; bob = '03af691d-dfa2-521c-a36e-805bfb1b3e9e'
        katherine = '90fb8577-b795-5df4-b54d-c0441d752e84'; edsger = '5f8f08bf-345d-5b77-a3ca-d57f5833da05'
        barbara = '19cf9546-593d-5b53-801f-b54ec3931e3b'; linus = '5671c68a-e935-5e08-923d-a1297f7a65ce'
    }
    $script:sb = Start-ScimSandbox -SeedPath $SeedPath
    $script:sb | Connect-ScimGraph
    $script:backups = Join-Path $TestDrive 'backups'
    $token = $script:sb.Organizations[0].Token
    # The guide's pipeline, up to the start, then a pre-flight before any cycle runs.
    $script:app = Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token $token |
        Set-ScimUserMapping -BackupPath $script:backups | Enable-ScimGroupProvisioning -BackupPath $script:backups |
        Add-ScimAssignment -Group 'Platform Team', 'SRE' -User 'grace@contoso.example', 'bob@contoso.example', 'katherine@contoso.example', 'edsger@contoso.example'
    $script:preflight = $script:app | Test-ScimConfiguration -IncludeUsers
    $script:status = $script:app | Start-ScimProvisioning | Wait-ScimProvisioning -Timeout 120
    $script:failures = $script:app | Get-ScimProvisioningLog -Status Failure
}

AfterAll {
    Disconnect-ScimGraph
    $script:sb | Stop-ScimSandbox
}

Describe 'A provisioning cycle after the guide' {
    It 'flags the user without mail before the first cycle' {
        $k = $script:preflight | Where-Object Name -eq 'User katherine@contoso.example'
        $k.Passed | Should -BeFalse
        $k.Actual | Should -Be 'no mail'
        ($script:preflight | Where-Object Name -eq 'Assigned users pre-flight').Passed | Should -BeFalse
    }

    It 'finishes a cycle with entry-level errors and says so' {
        $script:status.LastCycleState | Should -Be 'EntryLevelErrors'
        $script:status.Health | Should -Be 'Warning'
        $script:status.Verdict | Should -Match 'Get-ScimProvisioningLog -Status Failure'
    }

    It 'creates exactly the assigned, enabled users, with userName = mailNickname' {
        $active = (Get-PulumiOrg $script:sb).users | Where-Object active -eq $true
        $active.userName | Sort-Object | Should -Be @('ada', 'alan', 'barbara', 'grace')
    }

    It 'sends the six attributes and nothing else' {
        $ada = Get-PulumiUser $script:sb 'ada'
        $ada.displayName | Should -Be 'Ada Lovelace'
        $ada.name.givenName | Should -Be 'Ada'
        $ada.name.familyName | Should -Be 'Lovelace'
        ($ada.emails | Where-Object type -eq 'work').value | Should -Be 'ada@contoso.example'
        $ada.PSObject.Properties.Name | Should -Not -Contain 'title'
    }

    It 'provisions the disabled user as inactive' {
        (Get-PulumiUser $script:sb 'edsger').active | Should -BeFalse
    }

    It 'leaves the unassigned user out' {
        Get-PulumiUser $script:sb 'linus' | Should -BeNullOrEmpty
    }

    It 'makes teams of the assigned groups with their provisioned members' {
        $org = Get-PulumiOrg $script:sb
        $byId = @{}; foreach ($u in $org.users) { $byId[$u.id] = $u.userName }
        $platform = $org.groups | Where-Object displayName -eq 'Platform Team'
        ($platform.members.value | ForEach-Object { $byId[$_] }) | Sort-Object | Should -Be @('ada', 'alan', 'barbara')
        $sre = $org.groups | Where-Object displayName -eq 'SRE'
        ($sre.members.value | ForEach-Object { $byId[$_] }) | Sort-Object | Should -Be @('alan', 'grace')
    }

    It 'logs the user whose mailNickname another Pulumi account holds, with Pulumi''s reason' {
        $bob = $script:failures | Where-Object SourceId -eq $script:ids.bob
        $bob | Should -Not -BeNullOrEmpty
        $bob[0].Reason | Should -Match 'User with userName bob already exists'
        Get-PulumiUser $script:sb 'bob' | Should -BeNullOrEmpty
    }

    It 'logs the user without mail as a missing required attribute' {
        $k = $script:failures | Where-Object SourceId -eq $script:ids.katherine
        $k | Should -Not -BeNullOrEmpty
        $k[0].ErrorCode | Should -Not -BeNullOrEmpty
        Get-PulumiUser $script:sb 'katherine' | Should -BeNullOrEmpty
    }

    It 'flags the taken username in the pre-flight once Pulumi has refused it' {
        $b = $script:app | Test-ScimConfiguration -IncludeUsers | Where-Object Name -eq 'User bob@contoso.example'
        $b.Passed | Should -BeFalse
        $b.Actual | Should -Match 'already exists'
    }

    It 'updates a user in Pulumi when the surname changes and the job restarts' {
        Invoke-RestMethod -Method Patch -Uri ([uri]::new($script:sb.GraphUri, "/_sandbox/users/$($script:ids.ada)")) -ContentType 'application/json' -Body '{"surname":"King"}' | Out-Null
        $script:app | Start-ScimProvisioning -Restart | Wait-ScimProvisioning -Timeout 120 | Out-Null
        (Get-PulumiUser $script:sb 'ada').name.familyName | Should -Be 'King'
    }

    It 'deactivates users whose assignment goes' {
        $script:app | Remove-ScimAssignment -Group 'Platform Team' -Confirm:$false | Start-ScimProvisioning -Restart | Wait-ScimProvisioning -Timeout 120 | Out-Null
        (Get-PulumiUser $script:sb 'ada').active | Should -BeFalse
        (Get-PulumiUser $script:sb 'barbara').active | Should -BeFalse
        (Get-PulumiUser $script:sb 'alan').active | Should -BeTrue -Because 'alan is still in SRE'
    }

    It 'provisions one user on demand and shows the steps' {
        $r = $script:app | Invoke-ScimProvisioningOnDemand -User 'grace@contoso.example' -Confirm:$false
        $r.Principal | Should -Be 'Grace Hopper'
        $r.Result | Should -BeIn 'Success', 'Skipped'
        $r.Steps | Should -Not -BeNullOrEmpty
    }

    It 'reports a healthy-looking status shape' {
        $s = $script:app | Get-ScimProvisioningStatus
        $s.State | Should -Be 'Active'
        $s.LastCycleEnded | Should -Not -BeNullOrEmpty
        ($s | Out-String) | Should -Match 'Health'
    }
}
