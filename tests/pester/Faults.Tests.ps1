# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# The guide's pipeline under injected Graph faults (429 with fractional Retry-After, 503, 504, connection
# resets), under replication lag, with a schema write accepted and dropped, with a spent retry budget, and stopped
# with Ctrl+C. docs/failure-modes.md cites these.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force


    $script:faultStatuses = 0, 429, 503, 504
    $script:seen = [System.Collections.Generic.List[object]]::new()

    function Invoke-FaultedGuide {
        # The guide's pipeline on a fresh sandbox with the Graph faults $Fault (Set-SandboxFault's parameters). Leaves
        # its output, verbose text, errors, Graph request log and the app's state afterwards in script variables for the
        # tests, and adds the log to $script:seen.
        param([Parameter(Mandatory)] [hashtable] $Fault, [Parameter(Mandatory)] [string] $BackupName)
        $sb = Start-ScimSandbox -SeedPath $SeedPath
        try {
            $sb | Connect-ScimGraph -MaxRetryWait 30
            Set-SandboxFault $sb @Fault
            Clear-SandboxRequests $sb
            $VerbosePreference = 'Continue'
            $errs = $null
            $all = Invoke-GuidePipeline -Sandbox $sb -BackupPath (Join-Path $TestDrive $BackupName) -ErrorVariable errs -ErrorAction SilentlyContinue 4>&1
            $VerbosePreference = 'SilentlyContinue'
            Set-SandboxFault $sb -Ratio 0
            $script:out = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
            $script:verbose = ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
            $script:errs = @($errs)
            $script:log = @(Get-SandboxRequests $sb | Where-Object path -like '/v1.0/*')
            $script:app = Get-AppState $sb 'Pulumi Cloud'
            $script:seen.AddRange([object[]]$script:log)
        }
        finally {
            Disconnect-ScimGraph -ErrorAction SilentlyContinue
            $sb | Stop-ScimSandbox
        }
    }
}

Describe 'The guide''s pipeline with 20% of Graph requests faulted' {
    Context 'fault seed <_>' -ForEach (1..20) {
        BeforeAll {
            Invoke-FaultedGuide -BackupName "b$_" -Fault @{ Ratio = 0.2; Kinds = '429', '503', '504', 'reset'; RetryAfterSeconds = 0.05; Seed = $_ }
        }

        It 'completes without an error' {
            $script:errs | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" } | Should -BeNullOrEmpty
            $script:out.ProvisioningState | Should -Be 'Active'
        }

        It 'ends in the guide''s state' {
            Assert-GuideState $script:app
        }

        It 'made each write succeed exactly once and never repeated a write that succeeded' {
            $writes = @($script:log | Where-Object { $_ | Test-IsWrite })
            # Every write that did not succeed is an injected fault (no 400 duplicate, no 409 conflict).
            $writes | Where-Object { $_.status -notin $script:faultStatuses -and ($_.status -lt 200 -or $_.status -ge 300) } | Should -BeNullOrEmpty
            $ok = @($writes | Where-Object { $_.status -ge 200 -and $_.status -lt 300 })
            @($ok | Where-Object { $_.method -eq 'POST' -and $_.path -match '/synchronization/jobs$' }).Count | Should -Be 1
            @($ok | Where-Object { $_.method -eq 'PUT' -and $_.path -match '/synchronization/secrets$' }).Count | Should -Be 1
            @($ok | Where-Object { $_.method -eq 'PUT' -and $_.path -match '/schema$' }).Count | Should -Be 2
            @($ok | Where-Object { $_.method -eq 'POST' -and $_.path -match '/appRoleAssignedTo$' }).Count | Should -Be 3
            @($ok | Where-Object { $_.method -eq 'POST' -and $_.path -match '/start$' }).Count | Should -Be 1
            $ok.Count | Should -Be 8
        }

        It 'says in the verbose stream why it waited' {
            if ($script:log | Where-Object status -eq 429) { $script:verbose | Should -Match 'waiting 0\.05 s as Retry-After asks' }
            $createReset = $script:log | Where-Object { $_.status -eq 0 -and $_.method -eq 'POST' -and $_.path -match '/(jobs|appRoleAssignedTo)$' }
            if ($createReset) { $script:verbose | Should -Match 'reading back before sending it again' }
        }
    }

    Context 'connection resets of Test Connection, of the job''s creation and of start' {
        BeforeAll {
            # The pipeline sends some requests at once, so which request a random fault meets varies from run to run;
            # faults on these paths alone (drawn in a fixed order: the pipeline sends them one at a time) make sure the
            # resets of each are met.
            Invoke-FaultedGuide -BackupName 'resets' -Fault @{ Ratio = 0.5; Kinds = 'reset'; Seed = 1; Paths = '/(start|validateCredentials|jobs)$' }
        }

        It 'completes in the guide''s state, each sent again or read back' {
            $script:errs | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" } | Should -BeNullOrEmpty
            Assert-GuideState $script:app
            $resets = @($script:log | Where-Object { $_.status -eq 0 -and $_.method -eq 'POST' })
            @($resets | Where-Object path -match '/start$').Count | Should -BeGreaterThan 0
            @($resets | Where-Object path -match '/jobs$').Count | Should -BeGreaterThan 0
            @($script:log | Where-Object { $_.method -eq 'POST' -and $_.path -match '/jobs$' -and $_.status -eq 201 }).Count | Should -Be 1
            @($resets | Where-Object path -match '/validateCredentials$').Count | Should -BeGreaterThan 0
        }
    }

    It 'met every kind of fault, including resets of creates and of start' {
        $faults = $script:seen | Where-Object status -in $script:faultStatuses
        foreach ($status in $script:faultStatuses) { @($faults | Where-Object status -eq $status).Count | Should -BeGreaterThan 0 -Because "status $status" }
        $resetPosts = $faults | Where-Object { $_.status -eq 0 -and $_.method -eq 'POST' }
        @($resetPosts | Where-Object path -match '/(jobs|appRoleAssignedTo)$').Count | Should -BeGreaterThan 0
        @($resetPosts | Where-Object path -match '/(start|validateCredentials)$').Count | Should -BeGreaterThan 0
    }
}

Describe 'A new app on a tenant that takes 5 s to replicate' {
    BeforeAll {
        $seed = New-SeedFile -Options @{ replicationDelayMs = 5000 } -Path (Join-Path $TestDrive 'replicating.json')
        $script:sb = Start-ScimSandbox -SeedPath $seed
        $script:sb | Connect-ScimGraph
        $token = ($script:sb.Organizations | Where-Object Name -eq 'acme').Token
        # Errors of every step of the pipeline, not only the last one's.
        $all = & {
            New-ScimApplication -DisplayName 'Pulumi Fresh' |
                Set-ScimTenant -OrganizationName acme -Token $token |
                Set-ScimUserMapping -BackupPath (Join-Path $TestDrive 'fresh') |
                Enable-ScimGroupProvisioning -BackupPath (Join-Path $TestDrive 'fresh') |
                Add-ScimAssignment -Group 'Platform Team', 'SRE' -User 'grace@contoso.example' |
                Start-ScimProvisioning
        } 2>&1
        $script:errs = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $script:out = $all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] }
        $script:log = @(Get-SandboxRequests $script:sb | Where-Object path -like '/v1.0/*')
        $script:app = Get-AppState $script:sb 'Pulumi Fresh'
    }

    AfterAll {
        Disconnect-ScimGraph
        $script:sb | Stop-ScimSandbox
    }

    It 'completes with no manual wait' {
        $script:errs | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" } | Should -BeNullOrEmpty
        $script:out.DisplayName | Should -Be 'Pulumi Fresh'
        $script:out.ProvisioningState | Should -Be 'Active'
    }

    It 'really met the replication lag (404s on the new objects, 404s or 403s on the new job''s synchronization calls) and waited it out' {
        @($script:log | Where-Object { $_.status -eq 404 -and $_.path -match '/servicePrincipals/[^/]+$' }).Count | Should -BeGreaterThan 0
        @($script:log | Where-Object { $_.status -in 403, 404 -and $_.path -match '/synchronization/(secrets|jobs/)' }).Count | Should -BeGreaterThan 0
        @($script:log | Where-Object { $_.method -eq 'PUT' -and $_.path -match '/synchronization/secrets$' -and $_.status -eq 204 }).Count | Should -Be 1
    }

    It 'ends in the guide''s state' {
        Assert-GuideState $script:app
    }

    It 'created one app and one job' {
        @($script:log | Where-Object { $_.method -eq 'POST' -and $_.path -match '/instantiate$' -and $_.status -lt 300 }).Count | Should -Be 1
        @($script:log | Where-Object { $_.method -eq 'POST' -and $_.path -match '/synchronization/jobs$' -and $_.status -lt 300 }).Count | Should -Be 1
    }

    It 'runs again at once, while the new assignment is not listed yet, without an error or a duplicate' {
        $all = & {
            $VerbosePreference = 'Continue'
            # In one pipeline the session's read cache knows the assignment the step before made: nothing is sent.
            Get-ScimApplication 'Pulumi Cloud' | Add-ScimAssignment -User 'grace@contoso.example' | Add-ScimAssignment -User 'grace@contoso.example'
            # A second pipeline reads afresh and does not see it listed yet: Graph's "already exists" means it is in place.
            Get-ScimApplication 'Pulumi Cloud' | Add-ScimAssignment -User 'grace@contoso.example'
        } 2>&1 4>&1
        $errs = $all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }
        $text = $all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $errs | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" } | Should -BeNullOrEmpty
        $text -join "`n" | Should -Match 'Every user and group named is already assigned to .Pulumi Cloud.'
        $text -join "`n" | Should -Match 'is already assigned to .Pulumi Cloud. \(Graph says so'
        @((Get-AppState $script:sb 'Pulumi Cloud').assignments).Count | Should -Be 1
    }

    It 'runs Set-ScimTenant at once after an earlier run created the job, while the job is not listed yet, and uses that job' {
        $token = ($script:sb.Organizations | Where-Object Name -eq 'acme').Token
        # The earlier run stopped right after creating the job (its credentials wait out the job's replication).
        $sp = (Get-ScimApplication 'Pulumi Cloud').ServicePrincipalId
        $graphToken = ConvertFrom-SecureText $script:sb.AccessToken
        Invoke-RestMethod -Method Post -Uri ([Uri]::new($script:sb.GraphUri, "/v1.0/servicePrincipals/$sp/synchronization/jobs")) -Headers @{ Authorization = "Bearer $graphToken" } -Body '{"templateId":"scim"}' -ContentType 'application/json' | Out-Null
        $all = & {
            $VerbosePreference = 'Continue'
            Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token $token
        } 2>&1 4>&1
        $errs = $all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }
        $text = $all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $errs | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" } | Should -BeNullOrEmpty
        $text -join "`n" | Should -Match 'already has the provisioning job'
        @((Get-AppState $script:sb 'Pulumi Cloud').synchronization.jobs).Count | Should -Be 1
    }
}

Describe 'A schema write Graph answers 204 to and drops' {
    BeforeAll {
        $script:sb = Start-ScimSandbox -SeedPath $SeedPath
        $script:sb | Connect-ScimGraph
        Invoke-GuidePipeline -Sandbox $script:sb -BackupPath (Join-Path $TestDrive 'guide') | Out-Null
        $script:before = Get-SandboxSchema $script:sb | ConvertTo-Json -Depth 50 -Compress
        Set-SandboxFault $script:sb -Ratio 1 -Kinds 'dropSchemaWrite'
        Clear-SandboxRequests $script:sb
        $errs = $null
        $script:out = @(Get-ScimApplication 'Pulumi Cloud' |
                Set-ScimUserMapping -UserNameSource UserPrincipalName -BackupPath (Join-Path $TestDrive 'drop') -ErrorVariable errs -ErrorAction SilentlyContinue)
        $script:errs = @($errs)
        $script:log = @(Get-SandboxRequests $script:sb | Where-Object path -like '/v1.0/*')
        Set-SandboxFault $script:sb -Ratio 0
    }

    AfterAll {
        Disconnect-ScimGraph
        $script:sb | Stop-ScimSandbox
    }

    It 'really met the fault: Graph accepted the PUT with 204 and kept the old schema' {
        @($script:log | Where-Object { $_.method -eq 'PUT' -and $_.path -match '/schema$' -and $_.status -eq 204 }).Count | Should -Be 1
        Get-SandboxSchema $script:sb | ConvertTo-Json -Depth 50 -Compress | Should -Be $script:before
    }

    It 'reads the schema back and reports SchemaWriteNotApplied on the app, saying what is missing' {
        $script:errs.Count | Should -Be 1
        $script:errs[0].FullyQualifiedErrorId | Should -Be 'SchemaWriteNotApplied,PulumiScim.Commands.SetScimUserMappingCommand'
        $script:errs[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $script:errs[0].TargetObject.DisplayName | Should -Be 'Pulumi Cloud'
        $script:errs[0].Exception.Message | Should -Match 'does not hold what was written: .*userName'
        $script:errs[0].Exception.Message | Should -Match 'Run the pipeline again'
    }

    It 'does not claim success: no app goes down the pipeline' {
        $script:out | Should -BeNullOrEmpty
    }

    It 'leaves a drift Test-ScimConfiguration reports: the userName source check alone fails' {
        $app = Get-ScimApplication 'Pulumi Cloud'
        $failed = @($app | Test-ScimConfiguration -OrganizationName acme -UserNameSource UserPrincipalName | Where-Object { -not $_.Passed })
        $failed.Name | Should -Be 'userName source'
        $failed[0].Expected | Should -Match 'userPrincipalName'
        $app | Test-ScimConfiguration -OrganizationName acme -UserNameSource UserPrincipalName -Quiet | Should -BeFalse
        $app | Test-ScimConfiguration -OrganizationName acme -Quiet | Should -BeTrue
    }
}

Describe 'The retry budget' {
    BeforeAll {
        $script:sb = Start-ScimSandbox -SeedPath $SeedPath
    }

    AfterAll {
        Disconnect-ScimGraph -ErrorAction SilentlyContinue
        $script:sb | Stop-ScimSandbox
    }

    It 'gives up on a throttled call once -MaxRetryWait is spent, and says how to raise it' {
        $script:sb | Connect-ScimGraph -MaxRetryWait 1
        Set-SandboxFault $script:sb -Ratio 1 -Kinds '429' -RetryAfterSeconds 0.3
        Clear-SandboxRequests $script:sb
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        $err = $null
        Get-ScimApplication -DisplayName 'Pulumi Cloud' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 5
        Set-SandboxFault $script:sb -Ratio 0
        $err[0].FullyQualifiedErrorId | Should -Be 'GetApplicationFailed,PulumiScim.Commands.GetScimApplicationCommand'
        $err[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $err[0].Exception.Message | Should -Match 'after 4 attempts'
        $err[0].Exception.Message | Should -Match 'Connect-ScimGraph -MaxRetryWait'
        # 3 waits of 0.3 s fit in 1 s; a 4th would not.
        @(Get-SandboxRequests $script:sb | Where-Object path -like '/v1.0/*').Count | Should -Be 4
    }
}

Describe 'Ctrl+C' {

    It 'stops a wait for Retry-After at once' {
        $sb = Start-ScimSandbox -SeedPath $SeedPath
        try {
            $session = $sb | Connect-ScimGraph -PassThru
            Set-SandboxFault $sb -Ratio 1 -Kinds '429' -RetryAfterSeconds 60
            Clear-SandboxRequests $sb
            $took = Stop-WhileWaiting $sb -Script { param($s) Get-ScimApplication 'Pulumi Cloud' -Session $s } -Arguments $session -Until {
                @(Get-SandboxRequests $sb | Where-Object status -eq 429).Count -gt 0
            }
            $took.TotalSeconds | Should -BeLessThan 5
        }
        finally {
            Disconnect-ScimGraph -ErrorAction SilentlyContinue
            $sb | Stop-ScimSandbox
        }
    }

    It 'stops Set-ScimTenant during Test Connection and leaves the saved credentials as they were' {
        # A Tenant URL whose host accepts the connection and never answers: Test Connection hangs until Ctrl+C.
        $silent = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $silent.Start()
        $sb = Start-ScimSandbox -SeedPath $SeedPath
        try {
            $session = $sb | Connect-ScimGraph -PassThru
            $token = ($sb.Organizations | Where-Object Name -eq 'acme').Token
            Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token $token | Out-Null
            $before = (Get-AppState $sb 'Pulumi Cloud').synchronization.secrets | ConvertTo-Json -Compress
            Clear-SandboxRequests $sb
            $api = "http://127.0.0.1:$($silent.LocalEndpoint.Port)"
            $took = Stop-WhileWaiting $sb -Arguments $session, $token, $api -Until { $silent.Pending() } -Script {
                param($s, $t, $api)
                Get-ScimApplication 'Pulumi Cloud' -Session $s | Set-ScimTenant -OrganizationName acme -Token $t -ApiUrl $api -Scope All
            }
            $took.TotalSeconds | Should -BeLessThan 5
            (Get-AppState $sb 'Pulumi Cloud').synchronization.secrets | ConvertTo-Json -Compress | Should -Be $before
            Get-SandboxRequests $sb | Where-Object { $_.method -eq 'PUT' } | Should -BeNullOrEmpty
        }
        finally {
            Disconnect-ScimGraph -ErrorAction SilentlyContinue
            $sb | Stop-ScimSandbox
            $silent.Stop()
        }
    }

    It 'stops a replication wait at once' {
        $seed = New-SeedFile -Options @{ replicationDelayMs = 600000 } -Path (Join-Path $TestDrive 'slow.json')
        $sb = Start-ScimSandbox -SeedPath $seed
        try {
            $session = $sb | Connect-ScimGraph -PassThru
            Clear-SandboxRequests $sb
            $took = Stop-WhileWaiting $sb -Script { param($s) New-ScimApplication -DisplayName 'Pulumi Slow' -Session $s } -Arguments $session -Until {
                @(Get-SandboxRequests $sb | Where-Object { $_.status -eq 404 -and $_.path -match '/servicePrincipals/' }).Count -gt 0
            }
            $took.TotalSeconds | Should -BeLessThan 5
        }
        finally {
            Disconnect-ScimGraph -ErrorAction SilentlyContinue
            $sb | Stop-ScimSandbox
        }
    }
}

Describe 'A fault on one request inside a JSON batch' {
    BeforeAll {
        $script:sb = Start-ScimSandbox
        $script:sb | Connect-ScimGraph -MaxRetryWait 1
    }
    AfterAll {
        Disconnect-ScimGraph -ErrorAction SilentlyContinue
        $script:sb | Stop-ScimSandbox
    }

    It 'is reported for the object it belongs to, with the status the direct call would have given' {
        $app = Get-ScimApplication 'Pulumi Cloud'
        Clear-SandboxRequests $script:sb
        # Only the look-up of grace is faulted; the group's look-up and the assignment list travel with it.
        Set-SandboxFault $script:sb -Ratio 1 -Kinds '503' -RetryAfterSeconds 0.2 -Seed 1 -Paths '^/v1.0/users/grace'
        $errs = $null
        $null = $app | Add-ScimAssignment -Group 'Platform Team' -User 'grace@contoso.example' -ErrorVariable errs -ErrorAction SilentlyContinue
        Set-SandboxFault $script:sb -Ratio 0
        $log = @(Get-SandboxRequests $script:sb)
        @($log | Where-Object path -eq '/v1.0/$batch').Count | Should -BeGreaterThan 0
        @($log | Where-Object { $_.path -eq '/v1.0/groups' -and $_.inBatch }).Count | Should -BeGreaterThan 0
        @($errs).Count | Should -Be 1
        $errs[0].Exception.Path | Should -Be '/v1.0/users/grace%40contoso.example'
        [int]$errs[0].Exception.StatusCode | Should -Be 503
        $errs[0].Exception.Message | Should -Match 'still failed'
        # Nothing was assigned: the cmdlet stopped before writing, as for a direct look-up that failed.
        @($log | Where-Object { $_.method -eq 'POST' -and $_.path -like '*/appRoleAssignedTo' }).Count | Should -Be 0
    }
}
