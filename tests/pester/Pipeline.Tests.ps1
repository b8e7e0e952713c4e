# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# The guide's pipeline against the sandbox seeded with docs/example-seed.json.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
    $script:keep = 'userName', 'active', 'displayName', 'emails[type eq "work"].value', 'name.givenName', 'name.familyName'
}

Describe 'The guide''s pipeline on the example seed' {
    BeforeAll {
        $script:sb = Start-ScimSandbox -SeedPath $SeedPath
        $script:sb | Connect-ScimGraph
        $script:backups = Join-Path $TestDrive 'backups'
        Clear-SandboxRequests $script:sb
        $script:out = Invoke-GuidePipeline -Sandbox $script:sb -BackupPath $script:backups
        $script:firstRun = Get-GraphRequests $script:sb
        $script:schema = Get-SandboxSchema $script:sb
        $script:state = Get-SandboxState $script:sb
        $script:app = $script:state.applications | Where-Object displayName -eq 'Pulumi Cloud'
    }

    AfterAll {
        Disconnect-ScimGraph
        $script:sb | Stop-ScimSandbox
    }

    It 'writes the updated application to the end of the pipeline' {
        $script:out.DisplayName | Should -Be 'Pulumi Cloud'
        $script:out.JobId | Should -Match '^scim\.'
        $script:out.ProvisioningState | Should -Be 'Active'
    }

    It 'keeps exactly the six user mappings' {
        $names = (Get-UserMapping $script:schema).attributeMappings.targetAttributeName | Sort-Object
        $names | Should -Be ($script:keep | Sort-Object)
    }

    It 'sources userName from mailNickname, applied only at creation' {
        $userName = (Get-UserMapping $script:schema).attributeMappings | Where-Object targetAttributeName -eq 'userName'
        $userName.source.expression | Should -Be '[mailNickname]'
        $userName.source.name | Should -Be 'mailNickname'
        $userName.flowType | Should -Be 'ObjectAddOnly'
        $userName.matchingPriority | Should -Be 1
    }

    It 'keeps active''s function source intact' {
        $active = (Get-UserMapping $script:schema).attributeMappings | Where-Object targetAttributeName -eq 'active'
        $active.source.type | Should -Be 'Function'
        $active.source.name | Should -Be 'Switch'
    }

    It 'makes the work email required in the customappsso attribute list' {
        $emails = (Get-TargetUserObject $script:schema).attributes | Where-Object name -eq 'emails[type eq "work"].value'
        $emails.required | Should -BeTrue
    }

    It 'enables group provisioning without the objectId -> externalId mapping' {
        $group = Get-GroupMapping $script:schema
        $group.enabled | Should -BeTrue
        $group.attributeMappings.targetAttributeName | Should -Not -Contain 'externalId'
        $group.attributeMappings.targetAttributeName | Should -Contain 'displayName'
        $group.attributeMappings.targetAttributeName | Should -Contain 'members'
    }

    It 'leaves every other part of the schema exactly as it was' {
        $before = Get-ChildItem $script:backups -Filter '*.schema.json' | Sort-Object Name | Select-Object -First 1
        $before | Should -Not -BeNullOrEmpty
        $afterJson = $script:schema | ConvertTo-Json -Depth 100
        Remove-GuideParts (Get-Content $before.FullName -Raw) | Should -BeExactly (Remove-GuideParts $afterJson)
    }

    It 'saves the Tenant URL and scope "Sync only assigned users and groups"' {
        $secrets = $script:app.synchronization.secrets
        ($secrets | Where-Object key -eq 'BaseAddress').value | Should -Be "$($script:sb.PulumiApiUri)/scim/v2/acme"
        ($secrets | Where-Object key -eq 'SyncAll').value | Should -Be 'false'
    }

    It 'starts the job' {
        $script:app.synchronization.jobs[0].schedule.state | Should -Be 'Active'
    }

    It 'assigns the two groups and the user with the User role' {
        $a = $script:app.assignments
        @($a).Count | Should -Be 3
        $a.appRoleId | Sort-Object -Unique | Should -Be '18d14569-c3bd-439b-9a66-3a2aee01d14f'
        $a.principalDisplayName | Sort-Object | Should -Be @('Grace Hopper', 'Platform Team', 'SRE')
    }

    It 'sends at most 11 HTTP requests to Graph on an app without a job' {
        # 8 writes; the reads each step needs once (reused along the pipeline), and the read-back of each schema write.
        # Independent ones travel in JSON batches: a batch is one HTTP request (roundTrip), its inner requests are not;
        # each schema write and its read-back are one batch too (the GET depends on the PUT).
        @($script:firstRun | Where-Object roundTrip).Count | Should -BeLessOrEqual 11
    }

    It 'writes each schema and reads it back in one batch, the read after the write' {
        $schema = @($script:firstRun | Where-Object { $_.path -like '*/schema' -and $_.method -in 'PUT', 'GET' -and $_.inBatch })
        @($schema | Where-Object method -eq 'PUT').Count | Should -Be 2
        @($schema | Where-Object method -eq 'GET').Count | Should -Be 2
        $schema.method | Should -Be 'PUT', 'GET', 'PUT', 'GET'
    }

    It 'makes zero writes on the second run' {
        Clear-SandboxRequests $script:sb
        $again = Invoke-GuidePipeline -Sandbox $script:sb -BackupPath $script:backups
        $again.ProvisioningState | Should -Be 'Active'
        Get-GraphWrites $script:sb | Should -BeNullOrEmpty
    }

    It 'makes zero writes with -WhatIf and says what would change' {
        $fresh = Start-ScimSandbox -SeedPath $SeedPath
        try {
            Clear-SandboxRequests $fresh
            # Without a host, so the What if: lines (the next Describe reads them) stay out of the test log.
            $out = Invoke-Hostless -Arguments $fresh, (Join-Path $TestDrive 'whatif') -Script {
                param($sb, $backups)
                $sb | Connect-ScimGraph
                Invoke-GuidePipeline -Sandbox $sb -BackupPath $backups -WhatIf
            }
            $out.DisplayName | Should -Be 'Pulumi Cloud'
            Get-GraphWrites $fresh | Should -BeNullOrEmpty
            Test-Path (Join-Path $TestDrive 'whatif') | Should -BeFalse
        }
        finally {
            $fresh | Stop-ScimSandbox
        }
    }

    It 'restores the original schema exactly from the backup' {
        $first = Get-ChildItem $script:backups -Filter '*.schema.json' | Sort-Object Name | Select-Object -First 1
        Get-ScimApplication -DisplayName 'Pulumi Cloud' | Import-ScimSchema -Path $first.FullName -BackupPath $script:backups -Confirm:$false | Out-Null
        $restored = Get-SandboxSchema $script:sb | ConvertTo-Json -Depth 100 -Compress
        $original = Get-Content $first.FullName -Raw | ConvertFrom-Json -Depth 100 | ConvertTo-Json -Depth 100 -Compress
        $restored | Should -BeExactly $original
    }
}

Describe 'Round trips of the guide''s pipeline at a network latency' {
    BeforeAll {
        # Each request waits 200 ms in the sandbox: requests sent together overlap, and a request that had to wait for
        # another's answer starts after it ended. The summary's criticalPath counts the longest chain of the latter.
        $script:slow = Start-ScimSandbox -SeedPath $SeedPath -LatencyMs 200
        $script:slow | Connect-ScimGraph
        $script:slowBackups = Join-Path $TestDrive 'slow'
        function Get-CriticalPath {
            (Invoke-RestMethod -Uri ([Uri]::new($script:slow.GraphUri, '/_sandbox/requests/summary'))).criticalPath
        }
    }

    AfterAll {
        Disconnect-ScimGraph
        $script:slow | Stop-ScimSandbox
    }

    It 'takes at most 9 round trips one after another on an app without a job' {
        # The app and its parts with the assignments (1, 2) while -User/-Group resolve; Test Connection (3); the job
        # (4); the secrets while the new job's schema is read (5); two schema writes, each with its read-back (6, 7);
        # the assignments (8); the start (9).
        Clear-SandboxRequests $script:slow
        (Invoke-GuidePipeline -Sandbox $script:slow -BackupPath $script:slowBackups).ProvisioningState | Should -Be 'Active'
        Get-CriticalPath | Should -BeLessOrEqual 9
    }

    It 'takes at most 3 on a re-run' {
        # The app (1); its parts with the assignments (2); Test Connection with the saved and the given token at once,
        # while the schema is read (3). Names resolve while the app is found; nothing is written.
        Clear-SandboxRequests $script:slow
        (Invoke-GuidePipeline -Sandbox $script:slow -BackupPath $script:slowBackups).ProvisioningState | Should -Be 'Active'
        Get-CriticalPath | Should -BeLessOrEqual 3
        Get-GraphWrites $script:slow | Should -BeNullOrEmpty
    }
}

Describe 'What -WhatIf prints' {
    It 'lists each change of the user mapping step' {
        # What-if text goes to the host, so the pipeline runs in a child pwsh whose output is read.
        $text = (Invoke-Pwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$sb = Start-ScimSandbox
try {
    `$sb | Connect-ScimGraph
    Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -Token `$sb.Organizations[0].Token | Set-ScimUserMapping -WhatIf | Out-Null
    `$writes = @(Invoke-RestMethod ([uri]::new(`$sb.GraphUri, '/_sandbox/requests')) | ForEach-Object { `$_ } | Where-Object { `$_.method -eq 'PUT' -and `$_.path -like '*/schema' })
    "schema writes: `$(`$writes.Count)"
}
finally { `$sb | Stop-ScimSandbox }
"@) -join "`n"
        $text | Should -Match 'What if: Set the user attribute mappings for .Pulumi Cloud'
        $text | Should -Match 'userName: source \[userPrincipalName\] -> \[mailNickname\]'
        $text | Should -Match 'remove mapping title'
        $text | Should -Match 'required false -> true'
        $text | Should -Match 'schema writes: 0'
    }
}

Describe 'A schema with custom directories, objects and mappings' {
    BeforeAll {
        # Build a seed whose job carries extra parts the guide must not touch.
        $first = Start-ScimSandbox -SeedPath $SeedPath
        try {
            $first | Connect-ScimGraph
            Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -Token $first.Organizations[0].Token | Out-Null
            $state = (Invoke-WebRequest ([Uri]::new($first.GraphUri, '/_sandbox/state'))).Content | ConvertFrom-Json -Depth 100 -AsHashtable
        }
        finally {
            $first | Stop-ScimSandbox
        }
        $app = $state.applications | Where-Object { $_.displayName -eq 'Pulumi Cloud' }
        $job = $app.synchronization.jobs[0]
        $schema = $job.schema
        $schema['x-contoso-note'] = @{ owner = 'identity-team'; ticket = 42 }
        $rule = $schema.synchronizationRules | Where-Object { $_.objectMappings.sourceObjectName -contains 'User' }
        $rule['x-rule-extra'] = 'keep me'
        $target = $schema.directories | Where-Object { $_.name -eq $rule.targetDirectoryName }
        $target.objects += @{ name = 'urn:contoso:Device'; attributes = @(@{ name = 'serial'; type = 'String'; required = $false; multivalued = $false; mutability = 'ReadWrite'; anchor = $false; caseExact = $false; flowNullValues = $false; metadata = @(); referencedObjects = @(); apiExpressions = @() }); metadata = @(); supportedApis = @() }
        $rule.objectMappings += @{ name = 'Provision Devices'; enabled = $true; flowTypes = 'Add, Update'; sourceObjectName = 'Device'; targetObjectName = 'urn:contoso:Device'; metadata = @(); scope = $null; attributeMappings = @(@{ targetAttributeName = 'serial'; source = @{ expression = '[deviceId]'; name = 'deviceId'; type = 'Attribute'; parameters = @() }; defaultValue = $null; exportMissingReferences = $false; flowBehavior = 'FlowWhenChanged'; flowType = 'Always'; matchingPriority = 1 }) }
        $schema.directories += @{ id = 'contoso-hr'; name = 'Contoso HR'; objects = @(@{ name = 'Employee'; attributes = @(); metadata = @(); supportedApis = @() }); discoverabilities = 'None'; readOnly = $true; version = 'x' }
        $userMapping = $rule.objectMappings | Where-Object { $_.sourceObjectName -eq 'User' }
        ($userMapping.attributeMappings | Where-Object { $_.targetAttributeName -eq 'displayName' })['x-mapping-extra'] = @(1, 2, 3)
        $state.applications = @($app)
        $script:customSeed = Join-Path $TestDrive 'custom-seed.json'
        $state | ConvertTo-Json -Depth 100 | Set-Content $script:customSeed
        $script:sb2 = Start-ScimSandbox -SeedPath $script:customSeed
        $script:sb2 | Connect-ScimGraph
        Invoke-GuidePipeline -Sandbox $script:sb2 -BackupPath (Join-Path $TestDrive 'b2') | Out-Null
        $script:after = Get-SandboxSchema $script:sb2
    }

    AfterAll {
        Disconnect-ScimGraph
        $script:sb2 | Stop-ScimSandbox
    }

    It 'keeps the custom directory' {
        ($script:after.directories | Where-Object name -eq 'Contoso HR').objects.name | Should -Be 'Employee'
    }

    It 'keeps the custom object and its mapping' {
        $rule = $script:after.synchronizationRules | Where-Object { $_.objectMappings.sourceObjectName -contains 'User' }
        $device = $rule.objectMappings | Where-Object sourceObjectName -eq 'Device'
        $device.attributeMappings.targetAttributeName | Should -Be 'serial'
        $rule.'x-rule-extra' | Should -Be 'keep me'
    }

    It 'keeps unknown properties at the root and on kept mappings' {
        $script:after.'x-contoso-note'.ticket | Should -Be 42
        $display = (Get-UserMapping $script:after).attributeMappings | Where-Object targetAttributeName -eq 'displayName'
        $display.'x-mapping-extra' | Should -Be @(1, 2, 3)
    }

    It 'still applies the guide' {
        (Get-UserMapping $script:after).attributeMappings.targetAttributeName.Count | Should -Be 6
        (Get-GroupMapping $script:after).enabled | Should -BeTrue
    }
}
