# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# The real service's lag and clouds, played by the sandbox: a removed assignment still listed while the removal
# replicates, and a sandbox that is a US Government cloud. docs/failure-modes.md cites these.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
}

Describe 'Remove-ScimAssignment while the removal still replicates' {
    BeforeAll {
        # Ada is assigned by the seed; every change replicates for 10 minutes, so the removed assignment stays listed.
        $seed = Get-Content $SeedPath -Raw | ConvertFrom-Json -AsHashtable
        $seed.options.replicationDelayMs = 600000
        $ada = $seed.users | Where-Object userPrincipalName -eq 'ada@contoso.example'
        $seed.applications[0].assignments = @(@{ principalId = $ada.id })
        $path = Join-Path $TestDrive 'assigned.json'
        $seed | ConvertTo-Json -Depth 100 | Set-Content $path
        $script:sb = Start-ScimSandbox -SeedPath $path
        $script:sb | Connect-ScimGraph
        Remove-ScimAssignment -DisplayName 'Pulumi Cloud' -User 'ada@contoso.example' -Confirm:$false -ErrorAction Stop | Out-Null
        Clear-SandboxRequests $script:sb
        $script:again = & { Remove-ScimAssignment -DisplayName 'Pulumi Cloud' -User 'ada@contoso.example' -Confirm:$false -Verbose } 2>&1 4>&1
        $script:log = @(Get-SandboxRequests $script:sb | Where-Object path -like '/v1.0/*')
    }

    AfterAll {
        Disconnect-ScimGraph
        $script:sb | Stop-ScimSandbox
    }

    It 'still lists the removed assignment (the sandbox plays the lag)' {
        @(Get-ScimAssignment -DisplayName 'Pulumi Cloud' -PrincipalType User).PrincipalDisplayName | Should -Contain 'Ada Lovelace'
    }

    It 'succeeds: the DELETE answered 404, which means the assignment is gone' {
        @($script:again | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) | Should -BeNullOrEmpty
        @($script:log | Where-Object { $_.method -eq 'DELETE' -and $_.path -match '/appRoleAssignedTo/' }).status | Should -Be 404
    }

    It 'reports it as removed' {
        $verbose = @($script:again | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message
        $verbose | Should -Contain "Unassigned Ada Lovelace from 'Pulumi Cloud' (already removed: Graph still lists the assignment while the removal replicates)."
        @($script:again | Where-Object { $_ -is [PulumiScim.Model.ScimApplication] }).DisplayName | Should -Be 'Pulumi Cloud'
    }
}

Describe 'New-ScimApplication in a US Government cloud' {
    BeforeAll {
        $script:sb = Start-ScimSandbox -Environment USGov
        $script:session = $script:sb | Connect-ScimGraph -PassThru
        $script:out = & { New-ScimApplication -DisplayName 'Pulumi Gov' } 2>&1
        $script:log = @(Get-SandboxRequests $script:sb | Where-Object path -like '/v1.0/applicationTemplates/*')
    }

    AfterAll {
        Disconnect-ScimGraph -ErrorAction SilentlyContinue
        $script:sb | Stop-ScimSandbox
    }

    It 'makes a sandbox that says its cloud, and a session that adopts it' {
        $script:sb.Environment | Should -Be 'USGov'
        $script:session.Environment | Should -Be 'USGov'
    }

    It 'creates the app from the US Government non-gallery template' {
        @($script:out | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) | Should -BeNullOrEmpty
        $script:out.DisplayName | Should -Be 'Pulumi Gov'
        $script:out.JobId | Should -Not -BeNullOrEmpty
        $script:log.path | Should -Be '/v1.0/applicationTemplates/4602d0b4-76bb-404b-bca9-2652e1a39c6d/instantiate'
        $graphToken = ConvertFrom-SecureText $script:sb.AccessToken
        $sp = Invoke-RestMethod -Uri ([Uri]::new($script:sb.GraphUri, "/v1.0/servicePrincipals/$($script:out.ServicePrincipalId)?`$select=applicationTemplateId")) -Headers @{ Authorization = "Bearer $graphToken" }
        $sp.applicationTemplateId | Should -Be '4602d0b4-76bb-404b-bca9-2652e1a39c6d'
    }

    It 'refuses the global template, as the US Government cloud does' {
        $graphToken = ConvertFrom-SecureText $script:sb.AccessToken
        $answer = Invoke-WebRequest -Method Post -Uri ([Uri]::new($script:sb.GraphUri, '/v1.0/applicationTemplates/8adf8e6e-67b2-4cf2-a259-e3dc5476c621/instantiate')) `
            -Headers @{ Authorization = "Bearer $graphToken" } -Body '{"displayName":"Pulumi Global"}' -ContentType 'application/json' -SkipHttpErrorCheck
        $answer.StatusCode | Should -Be 404
    }

    It 'will not connect to it as another cloud' {
        { Connect-ScimGraph -Sandbox $script:sb -Environment Global } | Should -Throw -ErrorId 'SandboxEnvironmentMismatch*'
    }
}
