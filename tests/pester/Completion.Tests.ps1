# Copyright (c) PulumiScim contributors. Licensed under the MIT License.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:sb = Start-ScimSandbox -SeedPath $script:SeedPath
    $script:sb | Connect-ScimGraph
    function Complete([string] $line) {
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
    }
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
        Complete $Line | Should -Contain $Expected
    }

    It 'completes nothing, quietly, without a session' {
        Disconnect-ScimGraph
        try {
            Complete 'Get-ScimApplication -DisplayName Pul' | Should -BeNullOrEmpty
        }
        finally {
            $script:sb | Connect-ScimGraph
        }
    }
}
