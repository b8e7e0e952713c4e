# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# The read-plan-apply invariant: for any state of an app, `Test-ScimConfiguration <params> -Quiet` is $true exactly when
# the guide's pipeline with the same parameters makes zero write requests, and each failed check names a change the
# pipeline makes. Each drift is applied to a configured app by raw Graph requests (a quarantine, which Graph cannot
# cause, through the sandbox's state endpoint), alone and in random pairs (fixed seed).

BeforeDiscovery {
    $script:driftNames = @(
        'other org in the Tenant URL', 'another API host', 'scope All', 'notifications on', 'job paused',
        'job in quarantine', 'userName from UPN', 'userName flow Always', 'an extra user mapping',
        'a required mapping deleted', 'emails not required', 'group provisioning off', 'externalId group mapping back',
        'a group mapping missing', 'an expected assignment removed', 'an unexpected assignment added',
        'saved token no longer valid')
    $random = [System.Random]::new(11)
    $script:cases = @(@{ Drifts = @() })
    $script:cases += $script:driftNames | ForEach-Object { @{ Drifts = @($_) } }
    $script:cases += 1..12 | ForEach-Object {
        $a = $random.Next($script:driftNames.Count)
        $b = ($a + 1 + $random.Next($script:driftNames.Count - 1)) % $script:driftNames.Count
        @{ Drifts = @($script:driftNames[$a], $script:driftNames[$b]) }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
    $script:sb = Start-ScimSandbox -SeedPath $SeedPath
    $script:sb | Connect-ScimGraph
    Invoke-GuidePipeline -Sandbox $script:sb -BackupPath (Join-Path $TestDrive 'backups') | Out-Null
    $script:configured = (Invoke-WebRequest -Uri ([Uri]::new($script:sb.GraphUri, '/_sandbox/state'))).Content
    $script:app = Get-ScimApplication 'Pulumi Cloud'
    $script:sp = $script:app.ServicePrincipalId
    $script:graphToken = [System.Net.NetworkCredential]::new('', $script:sb.AccessToken).Password
    $script:scimToken = [System.Net.NetworkCredential]::new('', ($script:sb.Organizations | Where-Object Name -eq 'acme').Token).Password
    $script:params = @{ OrganizationName = 'acme'; User = 'grace@contoso.example'; Group = 'Platform Team', 'SRE' }

    function Invoke-Graph([string] $Method, [string] $Path, $Body) {
        $request = @{ Method = $Method; Uri = [Uri]::new($script:sb.GraphUri, "/v1.0/servicePrincipals/$script:sp/$Path"); Headers = @{ Authorization = "Bearer $script:graphToken" } }
        if ($null -ne $Body) { $request.Body = ($Body | ConvertTo-Json -Depth 100 -Compress); $request.ContentType = 'application/json' }
        Invoke-RestMethod @request
    }

    function Set-Secret([string] $Key, [string] $Value) {
        # Graph masks the token and replaces every secret on PUT: re-send the others with the token in clear.
        $secrets = @((Invoke-Graph GET 'synchronization/secrets').value | ForEach-Object {
                $v = if ($_.key -eq 'SecretToken') { $script:scimToken } else { $_.value }
                @{ key = $_.key; value = if ($_.key -eq $Key) { $Value } else { $v } }
            })
        Invoke-Graph PUT 'synchronization/secrets' @{ value = $secrets } | Out-Null
    }

    function Edit-Schema([scriptblock] $Edit) {
        $job = (Invoke-Graph GET 'synchronization/jobs').value[0].id
        $schema = Invoke-Graph GET "synchronization/jobs/$job/schema"
        $rule = $schema.synchronizationRules | Where-Object { $_.objectMappings.sourceObjectName -contains 'User' }
        & $Edit $schema ($rule.objectMappings | Where-Object sourceObjectName -eq 'User') ($rule.objectMappings | Where-Object sourceObjectName -eq 'Group')
        Invoke-Graph PUT "synchronization/jobs/$job/schema" $schema | Out-Null
    }

    function Set-JobStatus($Status) {
        # Graph has no request that quarantines a job: the sandbox's state endpoint stands in for the service.
        $state = (Invoke-WebRequest -Uri ([Uri]::new($script:sb.GraphUri, '/_sandbox/state'))).Content | ConvertFrom-Json -Depth 100 -AsHashtable
        $job = ($state.applications | Where-Object servicePrincipalId -eq "$script:sp").synchronization.jobs[0]
        $job.status = $Status
        Invoke-RestMethod -Method Post -Uri ([Uri]::new($script:sb.GraphUri, '/_sandbox/state')) -Body ($state | ConvertTo-Json -Depth 100) -ContentType 'application/json' | Out-Null
    }

    $script:drift = @{
        'other org in the Tenant URL'    = { Set-Secret BaseAddress "$($script:sb.PulumiApiUri.ToString().TrimEnd('/'))/scim/v2/other-org" }
        'another API host'               = { Set-Secret BaseAddress 'https://api.pulumi.example.com/scim/v2/acme' }
        'scope All'                      = { Set-Secret SyncAll 'true' }
        'notifications on'               = { Set-Secret SyncNotificationSettings '{"Enabled":true,"Recipients":"ops@contoso.example","DeleteThresholdEnabled":false,"HumanResourcesLookaheadQueryEnabled":false}' }
        'job paused'                     = { $job = (Invoke-Graph GET 'synchronization/jobs').value[0].id; Invoke-Graph POST "synchronization/jobs/$job/pause" | Out-Null }
        'job in quarantine'              = { Set-JobStatus (Get-Content (Join-Path $PSScriptRoot '../PulumiScim.Sandbox.Tests/quarantined-status.json') -Raw | ConvertFrom-Json -AsHashtable) }
        'userName from UPN'              = { Edit-Schema { param($s, $u) ($u.attributeMappings | Where-Object targetAttributeName -eq 'userName').source = @{ expression = '[userPrincipalName]'; name = 'userPrincipalName'; type = 'Attribute'; parameters = @() } } }
        'userName flow Always'           = { Edit-Schema { param($s, $u) ($u.attributeMappings | Where-Object targetAttributeName -eq 'userName').flowType = 'Always' } }
        'an extra user mapping'          = { Edit-Schema { param($s, $u) $u.attributeMappings += [pscustomobject]@{ defaultValue = $null; exportMissingReferences = $false; flowBehavior = 'FlowWhenChanged'; flowType = 'Always'; matchingPriority = 0; source = @{ expression = '[jobTitle]'; name = 'jobTitle'; type = 'Attribute'; parameters = @() }; targetAttributeName = 'title' } } }
        'a required mapping deleted'     = { Edit-Schema { param($s, $u) $u.attributeMappings = @($u.attributeMappings | Where-Object targetAttributeName -ne 'name.givenName') } }
        'emails not required'            = { Edit-Schema { param($s, $u) foreach ($o in $s.directories.objects) { foreach ($a in $o.attributes | Where-Object name -eq 'emails[type eq "work"].value') { $a.required = $false } } } }
        'group provisioning off'         = { Edit-Schema { param($s, $u, $g) $g.enabled = $false } }
        'externalId group mapping back'  = { Edit-Schema { param($s, $u, $g) $g.attributeMappings += [pscustomobject]@{ defaultValue = $null; exportMissingReferences = $false; flowBehavior = 'FlowWhenChanged'; flowType = 'Always'; matchingPriority = 0; source = @{ expression = '[objectId]'; name = 'objectId'; type = 'Attribute'; parameters = @() }; targetAttributeName = 'externalId' } } }
        'a group mapping missing'        = { Edit-Schema { param($s, $u, $g) $g.attributeMappings = @($g.attributeMappings | Where-Object targetAttributeName -ne 'members') } }
        'an expected assignment removed' = { $a = (Invoke-Graph GET 'appRoleAssignedTo').value | Where-Object principalDisplayName -eq 'SRE'; Invoke-Graph DELETE "appRoleAssignedTo/$($a.id)" | Out-Null }
        'an unexpected assignment added' = {
            $ada = Invoke-RestMethod -Uri ([Uri]::new($script:sb.GraphUri, '/v1.0/users/ada@contoso.example')) -Headers @{ Authorization = "Bearer $script:graphToken" }
            $role = ((Invoke-Graph GET 'appRoleAssignedTo').value | Select-Object -First 1).appRoleId
            Invoke-Graph POST 'appRoleAssignedTo' @{ principalId = $ada.id; resourceId = "$script:sp"; appRoleId = $role } | Out-Null
        }
        'saved token no longer valid'    = { $real = $script:scimToken; $script:scimToken = 'not-the-scim-token'; try { Set-Secret SecretToken $script:scimToken } finally { $script:scimToken = $real } }
    }

    function Get-WriteFor([string] $CheckName) {
        # The write a failed check asks for.
        switch -Wildcard ($CheckName) {
            'Provisioning job' { '/synchronization/jobs$' }
            'Tenant URL*' { '/synchronization/secrets$' }
            'Secret Token' { '/synchronization/secrets$' }
            'Scope*' { '/synchronization/secrets$' }
            'Notifications*' { '/synchronization/secrets$' }
            'Organization*' { '/synchronization/secrets$' }
            'Provisioning status' { '/(start|restart)$' }
            'Assignment*' { '/appRoleAssignedTo$' }
            default { '/schema$' }
        }
    }
}

AfterAll {
    Disconnect-ScimGraph -ErrorAction SilentlyContinue
    $script:sb | Stop-ScimSandbox
}

Describe 'Test-ScimConfiguration -Quiet is true exactly when the guide pipeline writes nothing' {
    It 'holds with drift: <Drifts>' -ForEach $script:cases {
        Invoke-RestMethod -Method Post -Uri ([Uri]::new($script:sb.GraphUri, '/_sandbox/state')) -Body $script:configured -ContentType 'application/json' | Out-Null
        foreach ($d in $Drifts) { & $script:drift[$d] }

        $quiet = Test-ScimConfiguration 'Pulumi Cloud' @script:params -Quiet
        $failed = @(Test-ScimConfiguration 'Pulumi Cloud' @script:params | Where-Object { -not $_.Passed })
        Clear-SandboxRequests $script:sb
        Invoke-GuidePipeline -Sandbox $script:sb -BackupPath (Join-Path $TestDrive 'backups') -ErrorAction SilentlyContinue | Out-Null
        $writes = @(Get-GraphWrites $script:sb)

        $quiet | Should -Be ($writes.Count -eq 0) -Because "failed checks: $($failed.Name -join ', '); writes: $(($writes | ForEach-Object { "$($_.method) $($_.path)" }) -join ', ')"
        foreach ($check in $failed) {
            @($writes | Where-Object path -match (Get-WriteFor $check.Name)).Count | Should -BeGreaterThan 0 -Because "the failed check '$($check.Name)' ($($check.Actual)) names a change"
        }

        if ($Drifts.Count -gt 0 -and $Drifts -notcontains 'an unexpected assignment added') {
            $quiet | Should -BeFalse -Because 'every drift but an extra assignment is one the pipeline repairs'
        }
    }
}
