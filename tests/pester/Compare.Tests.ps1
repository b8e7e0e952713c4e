# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Compare-ScimProvisioning against a tenant seeded with the failures Pulumi's SCIM FAQ and troubleshooting pages list
# (username held by another Pulumi account, email in use, a required attribute without a value, a team name Pulumi
# refuses, a team with a member Pulumi does not hold as an active user), plus drift made by hand on the Pulumi side
# after a cycle; and userName immutability after a mapping change.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
    $seed = Get-Content $SeedPath -Raw | ConvertFrom-Json -Depth 100 -AsHashtable
    $seed.pulumi.takenEmails = @('barbara@contoso.example')            # barbara: 409 "Email ... already in use"
    # bob: 409 "User with userName bob already exists" (the seed's takenUserNames); katherine: no mail.
    $script:longName = 'Long ' + ('L' * 100)
    $seed.groups += @{ id = '7a1c7e0e-0000-4000-8000-000000000101'; displayName = $script:longName; securityEnabled = $true; members = @('99c90126-e9a4-5b66-a055-54eb16771e93') }
    # Contractors: ada and edsger, who is disabled (so inactive in Pulumi): Pulumi refuses the team's whole member change.
    $seed.groups += @{ id = '7a1c7e0e-0000-4000-8000-000000000102'; displayName = 'Contractors'; securityEnabled = $true; members = @('bc0958cf-3a83-5957-b570-e0833948591c', '5f8f08bf-345d-5b77-a3ca-d57f5833da05') }
    # linus is in Pulumi from before SCIM, and his Entra user is not assigned (only in the unassigned group Finance).
    $seed.pulumi.organizations[0].users = @(@{ userName = 'linus'; displayName = 'Linus Torvalds'; emails = @(@{ type = 'work'; value = 'linus@contoso.example'; primary = $true }); active = $true })
    # Apps for the bad-input cases: no job; a job without saved credentials; a Tenant URL that is not Pulumi's.
    $seed.applications += @{ displayName = 'Pulumi NoJob' }
    $seed.applications += @{ displayName = 'Pulumi NoCreds'; synchronization = @{ jobs = @(@{ templateId = 'scim'; schema = 'template' }) } }
    $seed.applications += @{ displayName = 'Pulumi Elsewhere'; synchronization = @{ jobs = @(@{ templateId = 'scim'; schema = 'template' }); secrets = @(@{ key = 'BaseAddress'; value = 'https://scim.example.com/api/v2/Users' }) } }
    $path = Join-Path $TestDrive 'compare-seed.json'
    $seed | ConvertTo-Json -Depth 100 | Set-Content $path
    $script:sb = Start-ScimSandbox -SeedPath $path
    $script:sb | Connect-ScimGraph
    $script:org = $script:sb.Organizations | Where-Object Name -eq 'acme'
    $script:token = $script:org.Token
    $script:app = Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token $script:token | Set-ScimUserMapping |
        Enable-ScimGroupProvisioning | Add-ScimAssignment -Group 'Platform Team', 'SRE', $script:longName, 'Contractors' -User 'bob@contoso.example', 'katherine@contoso.example', 'edsger@contoso.example'
    $script:app | Start-ScimProvisioning | Wait-ScimProvisioning -Timeout 120 | Out-Null

    # Drift made by hand in Pulumi: a user created outside Entra, a display name changed, a team member removed.
    $plain = [System.Net.NetworkCredential]::new('', $script:token).Password
    $script:scim = @{ Headers = @{ Authorization = "Bearer $plain" }; ContentType = 'application/scim+json' }
    Remove-Variable plain
    $script:base = $script:org.TenantUrl.ToString().TrimEnd('/')
    function Find-Scim([string] $Resource, [string] $Filter) { (Invoke-RestMethod -Uri "$script:base/${Resource}?filter=$([uri]::EscapeDataString($Filter))" @script:scim).Resources[0] }
    function Send-Patch([string] $Uri, [hashtable] $Operation) {
        $body = @{ schemas = @('urn:ietf:params:scim:api:messages:2.0:PatchOp'); Operations = @($Operation) } | ConvertTo-Json -Depth 5
        Invoke-RestMethod -Method Patch -Uri $Uri -Body $body @script:scim | Out-Null
    }
    $mallory = @{ schemas = @('urn:ietf:params:scim:schemas:core:2.0:User'); userName = 'mallory'; displayName = 'Mallory'; emails = @(@{ type = 'work'; value = 'mallory@elsewhere.example'; primary = $true }) }
    Invoke-RestMethod -Method Post -Uri "$script:base/Users" -Body ($mallory | ConvertTo-Json -Depth 5) @script:scim | Out-Null
    $alan = Find-Scim Users 'userName eq "alan"'
    Send-Patch "$script:base/Users/$($alan.id)" @{ op = 'replace'; path = 'displayName'; value = 'Alan M. Turing' }
    $grace = Find-Scim Users 'userName eq "grace"'
    $sre = Find-Scim Groups 'displayName eq "SRE"'
    Send-Patch "$script:base/Groups/$($sre.id)" @{ op = 'remove'; path = "members[value eq `"$($grace.id)`"]" }

    Clear-SandboxRequests $script:sb
    $script:all = @(Get-ScimApplication 'Pulumi Cloud' | Compare-ScimProvisioning -Token $script:token -IncludeInSync)
    $script:requests = @(Get-SandboxRequests $script:sb)
    $script:differences = @($script:all | Where-Object State -ne 'InSync')
}

AfterAll {
    Disconnect-ScimGraph
    $script:sb | Stop-ScimSandbox
}

Describe 'Compare-ScimProvisioning after a cycle with every documented failure and hand-made drift' {
    It 'reports exactly the differences, each with its state' {
        $found = $script:differences | ForEach-Object { "$($_.Kind) $($_.Name) $($_.State)" } | Sort-Object
        $found | Should -Be (@(
                'User barbara Missing'
                'User bob Missing'
                'User katherine Missing'
                'User alan Drift'
                'User linus ShouldBeInactive'
                'User mallory Unexpected'
                'Team SRE Drift'
                'Team Contractors Drift'
                "Team $script:longName Missing"
            ) | Sort-Object)
    }

    It 'gives <Name> the reason <Reason>' -ForEach @(
        @{ Name = 'bob'; Reason = 'User with userName bob already exists.'; Fix = 'unique across all Pulumi accounts' }
        @{ Name = 'barbara'; Reason = 'Email barbara@contoso.example already in use by another Pulumi account.'; Fix = 'Connect SAML SSO' }
        @{ Name = 'katherine'; Reason = 'required attributes have no value'; Fix = 'mail address' }
        @{ Name = 'linus'; Reason = 'out of scope'; Fix = 'Add-ScimAssignment' }
        @{ Name = 'Contractors'; Reason = 'Cannot add invalid members to team.'; Fix = 'provisioned, active Pulumi user' }
        @{ Name = 'mallory'; Reason = 'made outside Entra'; Fix = 'deactivate the user in Pulumi' }
    ) {
        $d = $script:differences | Where-Object Name -eq $Name
        $d.Reason | Should -Match ([regex]::Escape($Reason))
        $d.Fix | Should -Match ([regex]::Escape($Fix))
    }

    It 'names the attribute and both values of a drift, and each team member missing' {
        ($script:differences | Where-Object Name -eq 'alan').Details | Should -Be @([PulumiScim.Model.ScimDifferenceDetail]::new('displayName', 'Alan Turing', 'Alan M. Turing'))
        $sre = $script:differences | Where-Object { $_.Kind -eq 'Team' -and $_.Name -eq 'SRE' }
        $sre.Details | Should -HaveCount 1
        $sre.Details[0].Attribute, $sre.Details[0].Expected | Should -Be @('members', 'grace')
        $sre.Details[0].Actual | Should -BeNullOrEmpty
        ($script:differences | Where-Object Name -eq $script:longName).Reason | Should -Match 'Display name is too long'
        ($script:differences | Where-Object Name -eq 'Contractors').Details.Expected | Should -Be 'ada'
    }

    It 'lists the users and teams in sync only with -IncludeInSync, with both ids' {
        $inSync = $script:all | Where-Object State -eq 'InSync'
        $inSync | Where-Object Kind -eq 'User' | ForEach-Object Name | Sort-Object | Should -Be @('ada', 'edsger', 'grace')
        $inSync | Where-Object Kind -eq 'Team' | ForEach-Object Name | Should -Be @('Platform Team')
        $inSync | Where-Object { -not $_.EntraId -or -not $_.PulumiId } | Should -BeNullOrEmpty
        @(Get-ScimApplication 'Pulumi Cloud' | Compare-ScimProvisioning -Token $script:token | Where-Object State -eq 'InSync') | Should -BeNullOrEmpty
    }

    It 'counts per kind and state with -Summary' {
        $summary = Get-ScimApplication 'Pulumi Cloud' | Compare-ScimProvisioning -Token $script:token -Summary
        ($summary | Where-Object { $_.Kind -eq 'User' -and $_.State -eq 'Missing' }).Count | Should -Be 3
        ($summary | Where-Object { $_.Kind -eq 'Team' -and $_.State -eq 'InSync' }).Count | Should -Be 1
        ($summary | Measure-Object Count -Sum).Sum | Should -Be $script:all.Count
    }

    It 'only reads: no write on either side, Pulumi''s users paged at most 100' {
        # A JSON batch is a POST; its inner requests are logged on their own (inBatch), each with its own method.
        $script:requests | Where-Object { $_.method -ne 'GET' -and $_.path -ne '/v1.0/$batch' } | Should -BeNullOrEmpty
        $users = @($script:requests | Where-Object path -eq '/pulumi/scim/v2/acme/Users')
        $users.Count | Should -BeGreaterThan 0
        $users | ForEach-Object { [uri]::UnescapeDataString($_.query) } | Should -Match 'count=100'
        $script:requests | Where-Object path -eq '/v1.0/auditLogs/provisioning' | Should -HaveCount 1
    }

    It 'fits 80 columns in its table view' {
        $lines = ($script:differences | Format-Table | Out-String -Width 80) -split "`n"
        $lines | Where-Object { $_.TrimEnd().Length -gt 80 } | Should -BeNullOrEmpty
        $lines -join "`n" | Should -Match 'Kind State\s+Name\s+Why'
    }
}

Describe 'Compare-ScimProvisioning after a userName mapping change' {
    It 'shows userName drift with Pulumi''s immutability error and says Pulumi cannot fix it' {
        Get-ScimApplication 'Pulumi Cloud' | Set-ScimUserMapping -UserNameSource UserPrincipalName -UserNameFlow Always |
            Start-ScimProvisioning -Restart | Wait-ScimProvisioning -Timeout 120 | Out-Null
        $ada = Get-ScimApplication 'Pulumi Cloud' | Compare-ScimProvisioning -Token $script:token | Where-Object Name -eq 'ada'
        $ada.State | Should -Be 'Drift'
        $ada.Details | Where-Object Attribute -eq 'userName' | ForEach-Object Expected | Should -Be 'ada@contoso.example'
        $ada.Reason | Should -Match ([regex]::Escape("Attribute 'userName' is immutable."))
        $ada.Fix | Should -Match 'Only during object creation'
    }
}

Describe 'Compare-ScimProvisioning streams over Pulumi''s pages' {
    BeforeAll {
        # 1,000 more Pulumi users made outside Entra: 11 pages of at most 100.
        $state = (Invoke-WebRequest -Uri ([Uri]::new($script:sb.GraphUri, '/_sandbox/state'))).Content | ConvertFrom-Json -Depth 100 -AsHashtable
        $acme = $state.pulumi.organizations | Where-Object { $_.name -eq 'acme' }
        $acme.users += @(1..1000 | ForEach-Object { @{ userName = "extra$_"; displayName = "Extra $_"; emails = @(@{ type = 'work'; value = "extra$_@elsewhere.example"; primary = $true }); active = $true } })
        Invoke-RestMethod -Method Post -Uri ([Uri]::new($script:sb.GraphUri, '/_sandbox/state')) -Body ($state | ConvertTo-Json -Depth 100) -ContentType 'application/json' | Out-Null
    }

    It 'writes its first object before it has asked for Pulumi''s last page, and every object when read to the end' {
        Clear-SandboxRequests $script:sb
        $first = @(Get-ScimApplication 'Pulumi Cloud' | Compare-ScimProvisioning -Token $script:token | Select-Object -First 1)
        $first | Should -HaveCount 1
        $pages = @(Get-SandboxRequests $script:sb | Where-Object path -eq '/pulumi/scim/v2/acme/Users')
        $pages.Count | Should -BeLessThan 11
        $all = @(Get-ScimApplication 'Pulumi Cloud' | Compare-ScimProvisioning -Token $script:token)
        @($all | Where-Object { $_.State -eq 'Unexpected' -and $_.Name -like 'extra*' }).Count | Should -Be 1000
    }
}

Describe 'Compare-ScimProvisioning refuses bad input before sending anything to the wrong place' {
    It '<Name>: <Id>, no request to Pulumi' -ForEach @(
        @{ Name = 'an app whose job does not exist'; App = 'Pulumi NoJob'; Id = 'NoProvisioningJob'; Fix = 'Set-ScimTenant' }
        @{ Name = 'an app without saved credentials'; App = 'Pulumi NoCreds'; Id = 'NoSavedCredentials'; Fix = 'Set-ScimTenant' }
        @{ Name = 'a Tenant URL that is not Pulumi''s shape'; App = 'Pulumi Elsewhere'; Id = 'InvalidTenantUrl'; Fix = 'scim/v2/<organization login name>' }
    ) {
        Clear-SandboxRequests $script:sb
        $out = Get-ScimApplication $App | Compare-ScimProvisioning -Token $script:token -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "$Id,PulumiScim.Commands.CompareScimProvisioningCommand"
        $err[0].Exception.Message | Should -Match ([regex]::Escape($Fix))
        Get-SandboxRequests $script:sb | Where-Object { $_.path -notlike '/v1.0/*' } | Should -BeNullOrEmpty
    }

    It 'a wrong token: Pulumi''s 401 as PulumiTokenRejected, after one request and nothing else' {
        $wrong = ConvertTo-SecureString ('wrong-' + [guid]::NewGuid()) -AsPlainText -Force
        Clear-SandboxRequests $script:sb
        $out = Get-ScimApplication 'Pulumi Cloud' | Compare-ScimProvisioning -Token $wrong -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'PulumiTokenRejected,PulumiScim.Commands.CompareScimProvisioningCommand'
        $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err[0].Exception.Message | Should -Match '401'
        $scim = @(Get-SandboxRequests $script:sb | Where-Object { $_.path -notlike '/v1.0/*' })
        $scim.Count | Should -Be 1
        $scim[0].status | Should -Be 401
    }

    It 'an empty token ends the call' {
        { Get-ScimApplication 'Pulumi Cloud' | Compare-ScimProvisioning -Token ([securestring]::new()) -ErrorAction Stop } |
            Should -Throw -ErrorId 'EmptyToken,PulumiScim.Commands.CompareScimProvisioningCommand'
    }
}
