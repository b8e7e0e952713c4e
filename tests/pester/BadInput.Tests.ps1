# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Bad input across the cmdlets. Every row asserts a stable FullyQualifiedErrorId, the ErrorCategory, the
# offending value as TargetObject, a message that says how to fix it, and that no write reached Graph.

BeforeDiscovery {
    $m = 'PulumiScim.Commands.'
    $app = { param($t) $t -is [PulumiScim.Model.ScimApplication] }
    $script:rows = @(
        # Organization names (Set-ScimTenant -OrganizationName).
        @{ Name = 'an empty org name'; Run = { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName '' -Token $script:token }
            Id = "InvalidOrganizationName,${m}SetScimTenantCommand"; Category = 'InvalidArgument'; Target = ''; Fix = 'login name \(the name in its SAML SSO URL\)' }
        @{ Name = 'a whitespace org name'; Run = { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName '   ' -Token $script:token }
            Id = "InvalidOrganizationName,${m}SetScimTenantCommand"; Category = 'InvalidArgument'; Target = '   '; Fix = 'login name' }
        @{ Name = 'an overlong org name'; Run = { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName ('a' * 101) -Token $script:token }
            Id = "InvalidOrganizationName,${m}SetScimTenantCommand"; Category = 'InvalidArgument'; Target = ('a' * 101); Fix = 'use 1 to 100 letters, digits' }
        @{ Name = 'an org display name with a space'; Run = { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName 'Acme Corp' -Token $script:token }
            Id = "InvalidOrganizationName,${m}SetScimTenantCommand"; Category = 'InvalidArgument'; Target = 'Acme Corp'; Fix = 'pass its login name' }
        @{ Name = 'an org name with a slash'; Run = { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName 'acme/corp' -Token $script:token }
            Id = "InvalidOrganizationName,${m}SetScimTenantCommand"; Category = 'InvalidArgument'; Target = 'acme/corp'; Fix = "letters, digits, '-', '_' or '\.'" }
        @{ Name = 'an org name with a non-ASCII letter'; Run = { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName 'acmé' -Token $script:token }
            Id = "InvalidOrganizationName,${m}SetScimTenantCommand"; Category = 'InvalidArgument'; Target = 'acmé'; Fix = "letters, digits, '-', '_' or '\.'" }
        @{ Name = 'an org name with a query character'; Run = { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName 'acme?x=1' -Token $script:token }
            Id = "InvalidOrganizationName,${m}SetScimTenantCommand"; Category = 'InvalidArgument'; Target = 'acme?x=1'; Fix = "letters, digits, '-', '_' or '\.'" }
        @{ Name = 'an org name made of dots'; Run = { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName '..' -Token $script:token }
            Id = "InvalidOrganizationName,${m}SetScimTenantCommand"; Category = 'InvalidArgument'; Target = '..'; Fix = 'login name' }
        @{ Name = 'an SSO URL passed as the org name'; Run = { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName 'https://api.pulumi.com/login/acme/sso/saml/acs' -Token $script:token }
            Id = "InvalidOrganizationName,${m}SetScimTenantCommand"; Category = 'InvalidArgument'; Target = 'https://api.pulumi.com/login/acme/sso/saml/acs'; Fix = "is a URL; pass the Pulumi organization's login name" }
        @{ Name = 'no org name and no SAML URL to read it from'; Run = { Get-ScimApplication 'Pulumi NoSaml' | Set-ScimTenant -Token $script:token }
            Id = "OrganizationNameNotFound,${m}SetScimTenantCommand"; Category = 'InvalidArgument'; Target = $app; Fix = 'Pass -OrganizationName' }

        # The Pulumi side of Set-ScimTenant.
        @{ Name = 'a token Pulumi rejects'; Run = { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token $script:wrongToken }
            Id = "CredentialsRejected,${m}SetScimTenantCommand"; Category = 'AuthenticationError'; Target = { param($t) $t -like '*/scim/v2/acme' }; Fix = 'Check the organization''s login name .* and the SCIM token' }
        @{ Name = 'an empty token'; Run = { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token ([securestring]::new()) }
            Id = "EmptyToken,${m}SetScimTenantCommand"; Category = 'InvalidArgument'; Target = 'Token'; Fix = 'Settings > Access Management > SCIM' }
        @{ Name = 'an http API URL'; Run = { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token $script:token -ApiUrl 'http://example.com' }
            Id = "InvalidApiUrl,${m}SetScimTenantCommand"; Category = 'InvalidArgument'; Target = 'http://example.com'; Fix = 'must use https' }
        @{ Name = 'the console URL as API URL'; Run = { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token $script:token -ApiUrl 'https://app.pulumi.com' }
            Id = "InvalidApiUrl,${m}SetScimTenantCommand"; Category = 'InvalidArgument'; Target = 'https://app.pulumi.com'; Fix = 'its API is https://api\.pulumi\.com' }
        @{ Name = 'a Tenant URL as API URL'; Run = { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token $script:token -ApiUrl 'https://api.pulumi.com/scim/v2/acme' }
            Id = "InvalidApiUrl,${m}SetScimTenantCommand"; Category = 'InvalidArgument'; Target = 'https://api.pulumi.com/scim/v2/acme'; Fix = 'organization name separately' }
        @{ Name = 'a notification address that is not one'; Run = { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token $script:token -NotificationEmail 'ops team' }
            Id = "InvalidNotificationEmail,${m}SetScimTenantCommand"; Category = 'InvalidArgument'; Target = 'ops team'; Fix = "separated by ';'" }

        # Which app.
        @{ Name = 'a display name matching no app'; Run = { Get-ScimApplication -DisplayName 'Pulumi Nowhere' }
            Id = "ApplicationNotFound,${m}GetScimApplicationCommand"; Category = 'ObjectNotFound'; Target = 'Pulumi Nowhere'; Fix = 'New-ScimApplication' }
        @{ Name = 'a display name matching no app, by name on a step'; Run = { Set-ScimUserMapping -DisplayName 'Pulumi Nowhere' }
            Id = "ApplicationNotFound,${m}SetScimUserMappingCommand"; Category = 'ObjectNotFound'; Target = 'Pulumi Nowhere'; Fix = 'List the apps with Get-ScimApplication' }
        @{ Name = 'a display name matching two apps'; Run = { Set-ScimTenant -DisplayName 'Pulumi Twin' -OrganizationName acme -Token $script:token }
            Id = "AmbiguousApplication,${m}SetScimTenantCommand"; Category = 'InvalidArgument'; Target = 'Pulumi Twin'; Fix = 'Pass -ServicePrincipalId' }
        @{ Name = 'a service principal id of no app'; Run = { Start-ScimProvisioning -ServicePrincipalId 00000000-0000-0000-0000-00000000beef }
            Id = "ApplicationNotFound,${m}StartScimProvisioningCommand"; Category = 'ObjectNotFound'; Target = [guid]'00000000-0000-0000-0000-00000000beef'; Fix = 'Get-ScimApplication' }
        @{ Name = 'a new app named like an existing one'; Run = { New-ScimApplication -DisplayName 'Pulumi Cloud' }
            Id = "ApplicationExists,${m}NewScimApplicationCommand"; Category = 'ResourceExists'; Target = 'Pulumi Cloud'; Fix = 'choose another -DisplayName' }

        # Who to assign.
        @{ Name = 'a user principal name that does not exist'; Run = { Get-ScimApplication 'Pulumi Cloud' | Add-ScimAssignment -User 'nobody@contoso.example' }
            Id = "PrincipalNotFound,${m}AddScimAssignmentCommand"; Category = 'ObjectNotFound'; Target = 'nobody@contoso.example'; Fix = 'user principal name \(name@domain\) or exact display name' }
        @{ Name = 'a user display name that does not exist'; Run = { Get-ScimApplication 'Pulumi Cloud' | Add-ScimAssignment -User 'Nobody At All' }
            Id = "PrincipalNotFound,${m}AddScimAssignmentCommand"; Category = 'ObjectNotFound'; Target = 'Nobody At All'; Fix = 'Pass a user''s object id' }
        @{ Name = 'a user object id that does not exist'; Run = { Get-ScimApplication 'Pulumi Cloud' | Add-ScimAssignment -User '00000000-0000-0000-0000-0000000000aa' }
            Id = "PrincipalNotFound,${m}AddScimAssignmentCommand"; Category = 'ObjectNotFound'; Target = '00000000-0000-0000-0000-0000000000aa'; Fix = 'Pass a user''s object id' }
        @{ Name = 'a group that does not exist'; Run = { Get-ScimApplication 'Pulumi Cloud' | Add-ScimAssignment -Group 'No Such Team' }
            Id = "PrincipalNotFound,${m}AddScimAssignmentCommand"; Category = 'ObjectNotFound'; Target = 'No Such Team'; Fix = 'exact display name' }
        @{ Name = 'a group that is not security-enabled'; Run = { Get-ScimApplication 'Pulumi Cloud' | Add-ScimAssignment -Group 'Newsletter' }
            Id = "GroupNotSecurityEnabled,${m}AddScimAssignmentCommand"; Category = 'InvalidType'; Target = 'Newsletter'; Fix = 'Assign a security group' }
        @{ Name = 'a display name two users share'; Run = { Get-ScimApplication 'Pulumi Cloud' | Add-ScimAssignment -User 'Alex Doe' }
            Id = "AmbiguousPrincipal,${m}AddScimAssignmentCommand"; Category = 'InvalidArgument'; Target = 'Alex Doe'; Fix = 'Pass the object id of the one you mean' }
        @{ Name = 'nobody to assign'; Run = { Get-ScimApplication 'Pulumi Cloud' | Add-ScimAssignment }
            Id = "NoPrincipal,${m}AddScimAssignmentCommand"; Category = 'InvalidArgument'; Target = $app; Fix = 'Pass -User and/or -Group' }

        # Steps in the wrong order.
        @{ Name = 'user mappings before Set-ScimTenant (no job)'; Run = { Get-ScimApplication 'Pulumi Cloud' | Set-ScimUserMapping }
            Id = "NoProvisioningJob,${m}SetScimUserMappingCommand"; Category = 'InvalidOperation'; Target = $app; Fix = 'Run Set-ScimTenant first' }
        @{ Name = 'group provisioning before Set-ScimTenant (no job)'; Run = { Get-ScimApplication 'Pulumi Cloud' | Enable-ScimGroupProvisioning }
            Id = "NoProvisioningJob,${m}EnableScimGroupProvisioningCommand"; Category = 'InvalidOperation'; Target = $app; Fix = 'Run Set-ScimTenant first' }
        @{ Name = 'starting before Set-ScimTenant (no job)'; Run = { Get-ScimApplication 'Pulumi Cloud' | Start-ScimProvisioning }
            Id = "NoProvisioningJob,${m}StartScimProvisioningCommand"; Category = 'InvalidOperation'; Target = $app; Fix = 'Run Set-ScimTenant first' }
        @{ Name = 'waiting for a cycle of a job that is off'; Run = { Get-ScimApplication 'Pulumi Jobbed' | Wait-ScimProvisioning -Timeout 5 }
            Id = "ProvisioningOff,${m}WaitScimProvisioningCommand"; Category = 'InvalidOperation'; Target = $app; Fix = 'Run Start-ScimProvisioning first' }
        @{ Name = '-ResetScope without -Restart'; Run = { Get-ScimApplication 'Pulumi Jobbed' | Start-ScimProvisioning -ResetScope Full }
            Id = "ResetScopeWithoutRestart,${m}StartScimProvisioningCommand"; Category = 'InvalidArgument'; Target = 'Full'; Fix = 'Add -Restart' }

        # Schema files.
        @{ Name = 'a schema file that is not JSON'; Run = { Get-ScimApplication 'Pulumi Jobbed' | Import-ScimSchema -Path $script:notJson -Confirm:$false }
            Id = "InvalidSchemaFile,${m}ImportScimSchemaCommand"; Category = 'InvalidData'; Target = { param($t) $t -eq $script:notJson }; Fix = 'Pass a file written by Export-ScimSchema' }
        @{ Name = 'a JSON file that is not a schema'; Run = { Get-ScimApplication 'Pulumi Jobbed' | Import-ScimSchema -Path $script:notSchema -Confirm:$false }
            Id = "InvalidSchemaFile,${m}ImportScimSchemaCommand"; Category = 'InvalidData'; Target = { param($t) $t -eq $script:notSchema }; Fix = 'Pass a file written by Export-ScimSchema' }
        @{ Name = 'a schema file that does not exist'; Run = { Get-ScimApplication 'Pulumi Jobbed' | Import-ScimSchema -Path $script:missing -Confirm:$false }
            Id = "SchemaFileUnreadable,${m}ImportScimSchemaCommand"; Category = 'ReadError'; Target = { param($t) $t -eq $script:missing }; Fix = 'Check the path' }
        @{ Name = 'an export over an existing file'; Run = { Get-ScimApplication 'Pulumi Jobbed' | Export-ScimSchema -Path $script:notJson }
            Id = "FileExists,${m}ExportScimSchemaCommand"; Category = 'ResourceExists'; Target = { param($t) $t -eq $script:notJson }; Fix = 'Pass -Force' }

        # Sessions and sandboxes.
        @{ Name = 'a session for the China cloud'; Run = { Connect-ScimGraph -Environment China -AccessToken $script:token }
            Id = "CloudNotSupported,${m}ConnectScimGraphCommand"; Category = 'InvalidArgument'; Target = 'China'; Fix = 'Use -Environment Global, USGov or USGovDoD' }
        @{ Name = 'a Graph endpoint with /v1.0'; Run = { Connect-ScimGraph -GraphEndpoint 'https://graph.microsoft.com/v1.0' -AccessToken $script:token }
            Id = "InvalidGraphEndpoint,${m}ConnectScimGraphCommand"; Category = 'InvalidArgument'; Target = [uri]'https://graph.microsoft.com/v1.0'; Fix = 'without /v1\.0' }
        @{ Name = 'an http Graph endpoint on another host'; Run = { Connect-ScimGraph -GraphEndpoint 'http://graph.example.com' -AccessToken $script:token }
            Id = "InvalidGraphEndpoint,${m}ConnectScimGraphCommand"; Category = 'InvalidArgument'; Target = [uri]'http://graph.example.com'; Fix = 'http is accepted only for 127\.0\.0\.1 or localhost' }
        @{ Name = 'a tenant id that is not one'; Run = { Connect-ScimGraph -TenantId 'contoso tenant!' -ClientId '11111111-1111-1111-1111-111111111111' -ClientSecret $script:token }
            Id = "InvalidTenantId,${m}ConnectScimGraphCommand"; Category = 'InvalidArgument'; Target = 'contoso tenant!'; Fix = 'Pass the directory \(tenant\) id' }
        @{ Name = 'a sandbox that was stopped'; Run = {
                $gone = Start-ScimSandbox -SeedPath $SeedPath
                $gone | Connect-ScimGraph -MaxRetryWait 2
                $gone | Stop-ScimSandbox
                Get-ScimApplication 'Pulumi Cloud' }
            Id = "GetApplicationFailed,${m}GetScimApplicationCommand"; Category = 'ConnectionError'; Target = 'Pulumi Cloud'; Fix = 'Start-ScimSandbox' }
        @{ Name = 'a Graph token Graph refuses'; Run = { Connect-ScimGraph -AccessToken $script:wrongToken -GraphEndpoint $script:sb.GraphUri; Get-ScimApplication 'Pulumi Cloud' }
            Id = "GetApplicationFailed,${m}GetScimApplicationCommand"; Category = 'AuthenticationError'; Target = 'Pulumi Cloud'; Fix = 'The Graph token was refused: run Connect-ScimGraph again' }
        @{ Name = 'a session closed by Disconnect-ScimGraph'; Run = { Disconnect-ScimGraph; Get-ScimApplication 'Pulumi Cloud' }
            Id = "NotConnected,${m}GetScimApplicationCommand"; Category = 'ConnectionError'; Target = $null; Fix = 'Run Connect-ScimGraph first' }
        @{ Name = 'a seed that is not JSON'; Run = { Start-ScimSandbox -SeedPath $script:notJson }
            Id = "InvalidSeed,${m}StartScimSandboxCommand"; Category = 'InvalidData'; Target = { param($t) $t -eq $script:notJson }; Fix = 'docs/sandbox\.md' }
        @{ Name = 'a seed without a tenant'; Run = { Start-ScimSandbox -SeedPath $script:notSchema }
            Id = "InvalidSeed,${m}StartScimSandboxCommand"; Category = 'InvalidData'; Target = { param($t) $t -eq $script:notSchema }; Fix = 'docs/sandbox\.md' }
        @{ Name = 'a seed file that does not exist'; Run = { Start-ScimSandbox -SeedPath $script:missing }
            Id = "SeedUnreadable,${m}StartScimSandboxCommand"; Category = 'ReadError'; Target = { param($t) $t -eq $script:missing }; Fix = 'Check the path' }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force

    # A tenant with the cases the rows need: two apps of one name, an app without SAML URLs, an app with a job, a group
    # that is not security-enabled, two users of one display name.
    $seed = Get-Content $SeedPath -Raw | ConvertFrom-Json -AsHashtable
    $seed.applications += @(
        @{ displayName = 'Pulumi Twin'; identifierUris = @(); replyUrls = @() }
        @{ displayName = 'Pulumi Twin'; identifierUris = @(); replyUrls = @() }
        @{ displayName = 'Pulumi NoSaml'; identifierUris = @(); replyUrls = @() }
        @{ displayName = 'Pulumi Jobbed'; identifierUris = @('https://api.pulumi.com/login/acme/sso/saml/metadata'); replyUrls = @('https://api.pulumi.com/login/acme/sso/saml/acs')
            synchronization = @{ jobs = @(@{ templateId = 'scim'; schema = 'template'; schedule = @{ state = 'Disabled'; interval = 'PT40M' } }); secrets = @() } }
    )
    $seed.groups += @{ id = '6a1e7d3c-0b5f-4c2e-9a41-3f7d2b8e5c01'; displayName = 'Newsletter'; securityEnabled = $false; mailEnabled = $true; members = @() }
    $seed.users += @(
        @{ id = '6a1e7d3c-0b5f-4c2e-9a41-3f7d2b8e5c02'; userPrincipalName = 'alex.doe@contoso.example'; mailNickname = 'alex.doe'; displayName = 'Alex Doe'; accountEnabled = $true }
        @{ id = '6a1e7d3c-0b5f-4c2e-9a41-3f7d2b8e5c03'; userPrincipalName = 'alex.doe2@contoso.example'; mailNickname = 'alex.doe2'; displayName = 'Alex Doe'; accountEnabled = $true }
    )
    $seedFile = Join-Path $TestDrive 'bad-input-seed.json'
    $seed | ConvertTo-Json -Depth 100 | Set-Content $seedFile
    $script:sb = Start-ScimSandbox -SeedPath $seedFile
    $script:token = ($script:sb.Organizations | Where-Object Name -eq 'acme').Token
    $script:wrongToken = ConvertTo-SecureString ('wrong-' + [guid]::NewGuid()) -AsPlainText -Force

    $script:notJson = Join-Path $TestDrive 'not-json.json'
    Set-Content $script:notJson 'this is { not JSON'
    $script:notSchema = Join-Path $TestDrive 'not-a-schema.json'
    Set-Content $script:notSchema '{ "value": [1, 2, 3] }'
    $script:missing = Join-Path $TestDrive 'missing.json'
}

AfterAll {
    Disconnect-ScimGraph -ErrorAction SilentlyContinue
    $script:sb | Stop-ScimSandbox
}

Describe 'Bad input: <Name>' -ForEach $script:rows {
    BeforeAll {
        $script:sb | Connect-ScimGraph -MaxRetryWait 5
        Clear-SandboxRequests $script:sb
        $script:records = Invoke-BadInput $Run
        $script:record = $script:records | Where-Object FullyQualifiedErrorId -eq $Id | Select-Object -First 1
        $script:writes = Get-GraphWrites $script:sb
    }

    It 'fails with <Id>' {
        $script:records.FullyQualifiedErrorId | Should -Contain $Id
        # No other error hides behind it (for example an unhandled exception after the expected one).
        $script:records | Where-Object FullyQualifiedErrorId -ne $Id | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" } | Should -BeNullOrEmpty
    }

    It 'is categorized <Category>' {
        $script:record.CategoryInfo.Category | Should -Be $Category
    }

    It 'names the offending value as TargetObject' {
        if ($Target -is [scriptblock]) {
            & $Target $script:record.TargetObject | Should -BeTrue -Because "TargetObject was '$($script:record.TargetObject)'"
        }
        else {
            $script:record.TargetObject | Should -Be $Target
        }
    }

    It 'says how to fix it' {
        $text = if ($script:record.ErrorDetails) { $script:record.ErrorDetails.Message } else { $script:record.Exception.Message }
        $text | Should -Match $Fix
    }

    It 'writes nothing' {
        $script:writes | ForEach-Object { "$($_.method) $($_.path) $($_.status)" } | Should -BeNullOrEmpty
    }
}

Describe 'A job in quarantine' {
    # Not an input error: the module reports the quarantine and how to leave it, and Start-ScimProvisioning clears it.
    BeforeAll {
        $status = Get-Content (Join-Path $PSScriptRoot '../PulumiScim.Sandbox.Tests/quarantined-status.json') -Raw | ConvertFrom-Json -AsHashtable
        $seed = Get-Content $SeedPath -Raw | ConvertFrom-Json -AsHashtable
        $seed.applications[0].synchronization = @{
            jobs    = @(@{ templateId = 'scim'; schema = 'template'; schedule = @{ state = 'Active'; interval = 'PT40M' }; status = $status })
            secrets = @(@{ key = 'BaseAddress'; value = 'https://api.pulumi.com/scim/v2/acme' })
        }
        $file = Join-Path $TestDrive 'quarantine-seed.json'
        $seed | ConvertTo-Json -Depth 100 | Set-Content $file
        $script:qsb = Start-ScimSandbox -SeedPath $file
        $script:qsb | Connect-ScimGraph
        Clear-SandboxRequests $script:qsb
    }

    AfterAll {
        Disconnect-ScimGraph -ErrorAction SilentlyContinue
        $script:qsb | Stop-ScimSandbox
    }

    It 'is reported by Get-ScimProvisioningStatus, without a write' {
        $s = Get-ScimApplication 'Pulumi Cloud' | Get-ScimProvisioningStatus
        $s.InQuarantine | Should -BeTrue
        Get-GraphWrites $script:qsb | Should -BeNullOrEmpty
    }

    It 'fails Test-ScimConfiguration''s status check with the way out' {
        $check = Get-ScimApplication 'Pulumi Cloud' | Test-ScimConfiguration -ErrorAction SilentlyContinue | Where-Object Name -eq 'Provisioning status'
        $check.Passed | Should -BeFalse
        $check.Hint | Should -Match 'Fix the cause shown by Get-ScimProvisioningStatus, then run Start-ScimProvisioning'
        Get-GraphWrites $script:qsb | Should -BeNullOrEmpty
    }

    It 'is cleared by Start-ScimProvisioning (one start)' {
        Clear-SandboxRequests $script:qsb
        $app = Get-ScimApplication 'Pulumi Cloud' | Start-ScimProvisioning
        $app.StatusCode | Should -Not -Be 'Quarantine'
        @(Get-GraphWrites $script:qsb | Where-Object path -match '/start$').Count | Should -Be 1
    }
}
