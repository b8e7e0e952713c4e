# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# The read-plan-apply flow at the prompt: commands by the app's name, the wait after a pipeline, two apps of one name.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
}

Describe 'Commands by the app''s name' {
    BeforeAll {
        $script:sb = Start-ScimSandbox -SeedPath $SeedPath
        $script:sb | Connect-ScimGraph
        $script:backups = Join-Path $TestDrive 'backups'
        Invoke-GuidePipeline -Sandbox $script:sb -BackupPath $script:backups | Out-Null
    }

    AfterAll {
        Disconnect-ScimGraph
        $script:sb | Stop-ScimSandbox
    }

    It 'takes the display name by position on every command that takes an app, and a bare command asks for a name' {
        $commands = Get-Command -Module PulumiScim | Where-Object { $_.Parameters.ContainsKey('Application') -and $_.Parameters.Application.ParameterType.Name -eq 'ScimApplication' }
        $commands.Count | Should -BeGreaterThan 15
        foreach ($c in $commands) {
            $default = $c.ParameterSets | Where-Object IsDefault
            if ($c.Name -eq 'Get-ScimProvisioningLog') { continue } # without an app it reads every job's entries
            $default.Name | Should -Be 'ByName' -Because "$($c.Name) prompts for what a user can type"
            $name = $default.Parameters | Where-Object Name -eq 'DisplayName'
            $name.Position | Should -Be 0 -Because $c.Name
            @($default.Parameters | Where-Object { $_.IsMandatory -and $_.ParameterType -notin [string], [string[]], [securestring] }) | Should -BeNullOrEmpty -Because "$($c.Name) asks only for typeable values"
        }
    }

    It 'reads the status of an app by its name' {
        (Get-ScimProvisioningStatus 'Pulumi Cloud').JobId | Should -Match '^scim\.'
    }

    It 'turns provisioning off by name, and a second run writes nothing' {
        Clear-SandboxRequests $script:sb
        (Stop-ScimProvisioning 'Pulumi Cloud').ProvisioningState | Should -Be 'Paused'
        @(Get-GraphWrites $script:sb | Where-Object path -match '/pause$').Count | Should -Be 1
        (Get-AppState $script:sb 'Pulumi Cloud').synchronization.jobs[0].schedule.state | Should -Be 'Paused'
        Clear-SandboxRequests $script:sb
        Stop-ScimProvisioning 'Pulumi Cloud' | Out-Null
        Get-GraphWrites $script:sb | Should -BeNullOrEmpty
    }

    It 'turns group provisioning off by name, backs the schema up first, and a second run writes nothing' {
        Clear-SandboxRequests $script:sb
        Disable-ScimGroupProvisioning 'Pulumi Cloud' -BackupPath $script:backups | Out-Null
        $group = Get-GroupMapping (Get-SandboxSchema $script:sb)
        $group.enabled | Should -BeFalse
        @(Get-GraphWrites $script:sb | Where-Object path -match '/schema$').Count | Should -Be 1
        Clear-SandboxRequests $script:sb
        Disable-ScimGroupProvisioning 'Pulumi Cloud' -BackupPath $script:backups | Out-Null
        Get-GraphWrites $script:sb | Should -BeNullOrEmpty
        Test-ScimConfiguration 'Pulumi Cloud' -OrganizationName acme -Quiet | Should -BeFalse
    }
}

Describe 'The wait after the tour''s pipeline' {
    BeforeAll {
        $script:sb = Start-ScimSandbox -SeedPath $SeedPath
        $script:sb | Connect-ScimGraph
        Invoke-GuidePipeline -Sandbox $script:sb -BackupPath (Join-Path $TestDrive 'backups') | Out-Null
    }

    AfterAll {
        Disconnect-ScimGraph
        $script:sb | Stop-ScimSandbox
    }

    It 'waits for a cycle that began after the pipeline''s last change, from a freshly read app' {
        $started = (Get-SandboxRequests $script:sb | Where-Object { $_.method -eq 'POST' -and $_.path -match '/start$' } | Select-Object -Last 1)
        $status = Get-ScimApplication 'Pulumi Cloud' | Wait-ScimProvisioning -Timeout 60
        $status.LastCycleEnded | Should -Not -BeNullOrEmpty
        $status.LastCycleBegan | Should -Not -BeNullOrEmpty
        $started | Should -Not -BeNullOrEmpty
    }

    It 'returns at once when that cycle has already finished: one read of the job, no polling' {
        Clear-SandboxRequests $script:sb
        $status = Get-ScimApplication 'Pulumi Cloud' | Wait-ScimProvisioning -Timeout 60
        $status.LastCycleEnded | Should -Not -BeNullOrEmpty
        @(Get-GraphRequests $script:sb | Where-Object path -match '/synchronization/jobs/[^/]+$').Count | Should -Be 1
    }
}

Describe 'Two apps of one name' {
    BeforeAll {
        $seed = Get-ExampleSeed
        $twin = $seed.applications[0].Clone()
        $twin.appId = '6f147f5e-85d1-4b6b-bfb2-8ff96a40e73e'
        $twin.applicationId = '133caa5a-774d-4788-97b6-d5cc5c263068'
        $twin.servicePrincipalId = '6afa5c29-4fc0-4d8c-a1c5-18e1be0b9d5f'
        $twin.assignments = @()
        $seed.applications += $twin
        $script:sb = Start-ScimSandbox -SeedPath (Save-Seed $seed (Join-Path $TestDrive 'twins.json'))
        $script:sb | Connect-ScimGraph
    }

    AfterAll {
        Disconnect-ScimGraph
        $script:sb | Stop-ScimSandbox
    }

    It 'warns when a name matches more than one app' {
        $apps = Get-ScimApplication 'Pulumi Cloud' -WarningVariable warn 3>$null
        @($apps).Count | Should -Be 2
        $warn[0] | Should -Match '2 enterprise applications are named ''Pulumi Cloud'''
    }

    It 'configures only the first of them in one pipeline, and says why' {
        Clear-SandboxRequests $script:sb
        $err = $null
        $out = Get-ScimApplication 'Pulumi Cloud' 3>$null | Add-ScimAssignment -User grace@contoso.example -ErrorVariable err -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'AmbiguousApplication,PulumiScim.Commands.AddScimAssignmentCommand'
        "$($err[0])" | Should -Match '-Force'
        @(Get-GraphWrites $script:sb | Where-Object path -match '/appRoleAssignedTo$').Count | Should -Be 1
    }

    It 'configures both with -Force' {
        Clear-SandboxRequests $script:sb
        $out = Get-ScimApplication 'Pulumi Cloud' 3>$null | Add-ScimAssignment -User grace@contoso.example -Force
        @($out).Count | Should -Be 2
        @(Get-GraphWrites $script:sb | Where-Object path -match '/appRoleAssignedTo$').Count | Should -Be 1
    }
}
