# Copyright (c) PulumiScim contributors. Licensed under the MIT License.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
    $script:sb = Start-ScimSandbox -SeedPath $SeedPath
}

AfterAll {
    Disconnect-ScimGraph
    $script:sb | Stop-ScimSandbox
}

Describe 'Connect-ScimGraph' {
    It 'connects to a sandbox from the pipeline and makes it the current session' {
        $script:sb | Connect-ScimGraph
        $s = Get-ScimGraphSession
        $s.IsSandbox | Should -BeTrue
        $s.GraphEndpoint | Should -Be $script:sb.GraphUri
        $s.TenantId | Should -Be $script:sb.TenantId
        $s.PulumiApiUrl | Should -Be $script:sb.PulumiApiUri
        $s.AuthType | Should -Be 'Sandbox'
    }

    It 'connects with -AccessToken and -GraphEndpoint' {
        $s = Connect-ScimGraph -AccessToken $script:sb.AccessToken -GraphEndpoint $script:sb.GraphUri -PassThru
        $s.AuthType | Should -Be 'AccessToken'
        $s.PulumiApiUrl | Should -Be 'https://api.pulumi.com/'
        (Get-ScimApplication -DisplayName 'Pulumi Cloud').DisplayName | Should -Be 'Pulumi Cloud'
    }

    It 'reports a refused token as a Graph 401 error' {
        $bad = ConvertTo-SecureString 'not-the-token' -AsPlainText -Force
        $s = Connect-ScimGraph -AccessToken $bad -GraphEndpoint $script:sb.GraphUri -PassThru
        $err = $null
        Get-ScimApplication -Session $s -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err[0].Exception.StatusCode | Should -Be 401
        $script:sb | Connect-ScimGraph
    }

    It 'never shows a token in the session' {
        $script:sb | Connect-ScimGraph
        $token = [System.Net.NetworkCredential]::new('', $script:sb.AccessToken).Password
        $text = (Get-ScimGraphSession | Format-List * | Out-String) + (Get-ScimGraphSession | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue)
        $text | Should -Not -Match ([regex]::Escape($token))
    }

    It 'maps -Environment <Environment> to <Root>' -ForEach @(
        @{ Environment = 'Global'; Root = 'https://graph.microsoft.com/' }
        @{ Environment = 'USGov'; Root = 'https://graph.microsoft.us/' }
        @{ Environment = 'USGovDoD'; Root = 'https://dod-graph.microsoft.us/' }
    ) {
        $s = Connect-ScimGraph -AccessToken $script:sb.AccessToken -Environment $Environment -PassThru
        $s.GraphEndpoint | Should -Be $Root
        $script:sb | Connect-ScimGraph
    }

    It 'refuses China with a reason' {
        { Connect-ScimGraph -AccessToken $script:sb.AccessToken -Environment China } |
            Should -Throw -ErrorId 'CloudNotSupported,PulumiScim.Commands.ConnectScimGraphCommand' -ExpectedMessage '*not supported*'
    }

    It 'refuses a Graph endpoint <Case>' -ForEach @(
        @{ Case = 'with a version segment'; Uri = 'https://graph.microsoft.com/v1.0' }
        @{ Case = 'over http to a remote host'; Uri = 'http://graph.example.com' }
    ) {
        { Connect-ScimGraph -AccessToken $script:sb.AccessToken -GraphEndpoint $Uri } |
            Should -Throw -ErrorId 'InvalidGraphEndpoint,PulumiScim.Commands.ConnectScimGraphCommand'
    }

    It 'refuses a stopped sandbox' {
        $other = Start-ScimSandbox
        $other | Stop-ScimSandbox
        { $other | Connect-ScimGraph } | Should -Throw -ErrorId 'SandboxStopped,PulumiScim.Commands.ConnectScimGraphCommand'
    }

    It 'builds a managed identity credential up to the token request' {
        # The identity endpoint is the sandbox's (loopback), with a wrong header: the token request is refused and the
        # error must say so. (Never leave IDENTITY_ENDPOINT unset here: Azure.Identity would then try the Azure
        # instance metadata address, which is not on this machine.)
        $saved = $env:IDENTITY_ENDPOINT, $env:IDENTITY_HEADER
        $env:IDENTITY_ENDPOINT = $script:sb.ManagedIdentityEndpoint
        $env:IDENTITY_HEADER = 'not-the-header'
        try {
            { Connect-ScimGraph -ManagedIdentity -TenantId $script:sb.TenantId -GraphEndpoint $script:sb.GraphUri } |
                Should -Throw -ErrorId 'TokenAcquisitionFailed,PulumiScim.Commands.ConnectScimGraphCommand'
        }
        finally {
            $env:IDENTITY_ENDPOINT, $env:IDENTITY_HEADER = $saved
        }
    }
}

Describe 'Disconnect-ScimGraph' {
    It 'closes the session so cmdlets say how to reconnect' {
        $script:sb | Connect-ScimGraph
        Disconnect-ScimGraph
        Get-ScimGraphSession | Should -BeNullOrEmpty
        { Get-ScimApplication } | Should -Throw -ErrorId 'NotConnected,PulumiScim.Commands.GetScimApplicationCommand' -ExpectedMessage '*Connect-ScimGraph*'
    }
}
