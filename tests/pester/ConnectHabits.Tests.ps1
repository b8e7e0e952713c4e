# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Connect-ScimGraph takes the spellings admins know from Connect-MgGraph: -Identity, -UseDeviceCode,
# -ClientSecretCredential <PSCredential>, -CertificateSubjectName and -NoWelcome, beside its own names.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
}

Describe 'Connect-MgGraph''s spellings' {
    It 'has <Spelling> in the <Set> parameter set' -ForEach @(
        @{ Spelling = 'Identity'; Set = 'ManagedIdentity' }
        @{ Spelling = 'UseDeviceCode'; Set = 'DeviceCode' }
        @{ Spelling = 'ClientSecretCredential'; Set = 'ClientSecretCredential' }
        @{ Spelling = 'CertificateSubjectName'; Set = 'CertificateSubjectName' }
    ) {
        $set = (Get-Command Connect-ScimGraph).ParameterSets | Where-Object Name -eq $Set
        $set | Should -Not -BeNullOrEmpty
        @($set.Parameters | Where-Object { $_.Name -eq $Spelling -or $_.Aliases -contains $Spelling }).Count | Should -Be 1
    }

    It 'signs in as the managed identity with -Identity, and -NoWelcome prints nothing' {
        $sb = Start-ScimSandbox
        try {
            $report = Invoke-AsManagedIdentity -Sandbox $sb -Body @'
$all = Connect-ScimGraph -Identity -NoWelcome -GraphEndpoint $GraphUri -PulumiApiUrl $PulumiApiUri *>&1
[pscustomobject]@{ Printed = @($all).Count; AuthType = (Get-ScimGraphSession).AuthType; App = (Get-ScimApplication 'Pulumi Cloud').DisplayName } | ConvertTo-Json -Compress
'@
            $report.Printed | Should -Be 0
            $report.AuthType | Should -Be 'ManagedIdentity'
            $report.App | Should -Be 'Pulumi Cloud'
        }
        finally {
            $sb | Stop-ScimSandbox
        }
    }

    It 'builds a device-code credential for -UseDeviceCode (its tenant checked before any sign-in)' {
        $err = { Connect-ScimGraph -UseDeviceCode -TenantId 'not a tenant!' } |
            Should -Throw -ErrorId 'InvalidTenantId,PulumiScim.Commands.ConnectScimGraphCommand' -PassThru
        $err.Exception.Message | Should -Match 'not a tenant'
    }

    It 'takes the client id from the PSCredential''s user name with -ClientSecretCredential' {
        $secret = ConvertTo-SecureString ('secret-' + [guid]::NewGuid()) -AsPlainText -Force
        $credential = [pscredential]::new('11111111-2222-3333-4444-555555555555', $secret)
        $err = { Connect-ScimGraph -TenantId 'not a tenant!' -ClientSecretCredential $credential } |
            Should -Throw -ErrorId 'InvalidTenantId,PulumiScim.Commands.ConnectScimGraphCommand' -PassThru
        $err.Exception.Message | Should -Not -Match 'secret-'
    }

    It 'looks the certificate up by subject with -CertificateSubjectName' {
        $subject = "CN=PulumiScim test $([guid]::NewGuid())"
        $err = { Connect-ScimGraph -TenantId t -ClientId c -CertificateSubjectName $subject } |
            Should -Throw -ErrorId 'CertificateNotFound,PulumiScim.Commands.ConnectScimGraphCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Match ([regex]::Escape("No certificate with subject $subject"))
        $err.TargetObject | Should -Be $subject
    }

    It 'documents each spelling in the help' {
        $help = Get-Help Connect-ScimGraph -Full | Out-String -Width 200
        foreach ($s in '-Identity', '-UseDeviceCode', '-ClientSecretCredential', '-CertificateSubjectName', '-NoWelcome') { $help | Should -Match ([regex]::Escape($s)) }
        (Get-Command Connect-ScimGraph).Parameters.ManagedIdentity.Aliases | Should -Contain 'Identity'
        (Get-Command Connect-ScimGraph).Parameters.DeviceCode.Aliases | Should -Contain 'UseDeviceCode'
    }
}
