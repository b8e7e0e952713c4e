# Copyright (c) PulumiScim contributors. Licensed under the MIT License.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
    $script:sb = Start-ScimSandbox -SeedPath $SeedPath
    $script:sb | Connect-ScimGraph
}

AfterAll {
    Disconnect-ScimGraph
    $script:sb | Stop-ScimSandbox
}

Describe 'Tab completion from the connected session' {
    It 'completes <Case>' -ForEach @(
        @{ Case = 'app names'; Line = 'Get-ScimApplication -DisplayName Pul'; Expected = "'Pulumi Cloud'" }
        @{ Case = 'app names on the guide cmdlets'; Line = 'Set-ScimUserMapping -DisplayName pul'; Expected = "'Pulumi Cloud'" }
        @{ Case = 'groups'; Line = 'Add-ScimAssignment -DisplayName x -Group Plat'; Expected = "'Platform Team'" }
        @{ Case = 'users'; Line = 'Add-ScimAssignment -DisplayName x -User gra'; Expected = 'grace@contoso.example' }
        @{ Case = 'organization names from the SAML URLs'; Line = 'Set-ScimTenant -OrganizationName a'; Expected = 'acme' }
    ) {
        Get-Completion $Line | Should -Contain $Expected
    }

    It 'completes nothing, quietly, without a session' {
        Disconnect-ScimGraph
        try {
            Get-Completion 'Get-ScimApplication -DisplayName Pul' | Should -BeNullOrEmpty
        }
        finally {
            $script:sb | Connect-ScimGraph
        }
    }
}
