# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Connect-ScimGraph -ManagedIdentity through a real Azure.Identity ManagedIdentityCredential, against the
# sandbox's App Service-shaped token endpoint; and the certificate parameter sets up to the credential they build.
# Secrets (the identity header, tokens) travel to child processes in environment variables, never in a script file
# or on a command line, and no assertion compares them with Should -Be (whose failure message would show them).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
}

Describe 'The sandbox''s managed-identity token endpoint' {
    BeforeAll {
        $script:sb = Start-ScimSandbox
        $script:secret = @{ 'X-IDENTITY-HEADER' = (ConvertFrom-SecureText $script:sb.IdentityHeader) }
    }

    AfterAll { $script:sb | Stop-ScimSandbox }

    It 'is served at /msi/token on the sandbox''s port' {
        $script:sb.ManagedIdentityEndpoint.AbsoluteUri | Should -Be "http://127.0.0.1:$($script:sb.Port)/msi/token"
    }

    It 'answers 401 when X-IDENTITY-HEADER is <Case>' -ForEach @(
        @{ Case = 'missing'; Headers = @{} }
        @{ Case = 'wrong'; Headers = @{ 'X-IDENTITY-HEADER' = 'msi.not-the-secret' } }
    ) {
        $r = Invoke-MsiRequest $script:sb -Query '?api-version=2019-08-01&resource=https://graph.microsoft.com' -Headers $Headers
        $r.Status | Should -Be 401
        $r.Body.access_token | Should -BeNullOrEmpty
        $r.Body.message | Should -Match 'X-IDENTITY-HEADER'
    }

    It 'answers 400 when <Case>' -ForEach @(
        @{ Case = 'api-version is missing'; Query = '?resource=https://graph.microsoft.com'; Message = 'api-version' }
        @{ Case = 'api-version is not 2019-08-01'; Query = '?api-version=2017-09-01&resource=https://graph.microsoft.com'; Message = '2017-09-01' }
        @{ Case = 'resource is missing'; Query = '?api-version=2019-08-01'; Message = 'resource' }
    ) {
        $r = Invoke-MsiRequest $script:sb -Query $Query -Headers $script:secret
        $r.Status | Should -Be 400
        $r.Body.message | Should -Match $Message
    }

    It 'refuses methods other than GET' {
        (Invoke-MsiRequest $script:sb -Method POST -Query '?api-version=2019-08-01&resource=x' -Headers $script:secret).Status | Should -Be 405
    }

    It 'issues a bearer token for the resource asked, with expires_on in unix seconds' {
        $before = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        $r = Invoke-MsiRequest $script:sb -Query '?api-version=2019-08-01&resource=https%3A%2F%2Fgraph.microsoft.com' -Headers $script:secret
        $r.Status | Should -Be 200
        $r.Body.token_type | Should -Be 'Bearer'
        $r.Body.resource | Should -Be 'https://graph.microsoft.com'
        $r.Body.expires_on | Should -BeOfType [string]
        [long]$r.Body.expires_on | Should -BeGreaterThan ($before + 3600)
        $r.Body.client_id | Should -Match '^[0-9a-f-]{36}$'
        [string]::IsNullOrEmpty($r.Body.access_token) | Should -BeFalse
    }

    It 'echoes the client_id of a user-assigned identity' {
        $id = [guid]::NewGuid().ToString()
        $r = Invoke-MsiRequest $script:sb -Query "?api-version=2019-08-01&resource=http://127.0.0.1&client_id=$id" -Headers $script:secret
        $r.Status | Should -Be 200
        $r.Body.client_id | Should -Be $id
    }

    It 'issues a token the Graph side accepts' {
        $r = Invoke-MsiRequest $script:sb -Query '?api-version=2019-08-01&resource=x' -Headers $script:secret
        $graph = Invoke-WebRequest -Uri ([uri]::new($script:sb.GraphUri, '/v1.0/servicePrincipals')) -Headers @{ Authorization = "Bearer $($r.Body.access_token)" } -SkipHttpErrorCheck
        [int]$graph.StatusCode | Should -Be 200
        $rejected = Invoke-WebRequest -Uri ([uri]::new($script:sb.GraphUri, '/v1.0/servicePrincipals')) -Headers @{ Authorization = 'Bearer sbx.forged' } -SkipHttpErrorCheck
        [int]$rejected.StatusCode | Should -Be 401
    }
}

Describe 'Connect-ScimGraph -ManagedIdentity through Azure.Identity, in a child pwsh' {
    It 'runs the guide''s pipeline as the system-assigned identity and starts the job' {
        $sb = Start-ScimSandbox
        try {
            $backups = Join-Path $TestDrive 'mi-backups'
            $result = Invoke-AsManagedIdentity $sb @"
Connect-ScimGraph -ManagedIdentity -GraphEndpoint `$GraphUri -PulumiApiUrl `$PulumiApiUri
`$session = Get-ScimGraphSession
`$app = Get-ScimApplication 'Pulumi Cloud' |
    Set-ScimTenant -OrganizationName acme -Token `$OrgToken |
    Set-ScimUserMapping -BackupPath '$backups' |
    Enable-ScimGroupProvisioning -BackupPath '$backups' |
    Add-ScimAssignment -Group 'Platform Team' |
    Start-ScimProvisioning
[pscustomobject]@{ AuthType = `$session.AuthType; IsSandbox = `$session.IsSandbox; DisplayName = `$app.DisplayName; State = `$app.ProvisioningState; JobId = `$app.JobId } | ConvertTo-Json -Compress
"@
            $result.AuthType | Should -Be 'ManagedIdentity'
            $result.IsSandbox | Should -BeFalse
            $result.DisplayName | Should -Be 'Pulumi Cloud'
            $result.JobId | Should -Match '^scim\.'
            $result.State | Should -Be 'Active'

            # The sandbox agrees: the job runs, the tenant URL is acme's, Platform Team is assigned.
            $app = (Get-SandboxState $sb).applications | Where-Object displayName -eq 'Pulumi Cloud'
            $app.synchronization.jobs[0].schedule.state | Should -Be 'Active'
            $app.assignments.principalDisplayName | Should -Contain 'Platform Team'

            # One token request, from ManagedIdentityCredential, as the system-assigned identity, for the Graph root.
            $msi = Get-MsiRequests $sb
            $msi.Count | Should -Be 1
            $msi[0].status | Should -Be 200
            $msi[0].query | Should -Match 'api-version=2019-08-01'
            $msi[0].query | Should -Not -Match 'client_id='
            [uri]::UnescapeDataString(($msi[0].query -replace '^.*resource=([^&]+).*$', '$1')).TrimEnd('/') | Should -Be $sb.GraphUri.AbsoluteUri.TrimEnd('/')

            # Every Graph call carried the token the endpoint issued: none was refused.
            $graph = Get-LoggedRequests $sb { $_.path -like '/v1.0/*' }
            $graph.Count | Should -BeGreaterThan 5
            @($graph | Where-Object status -eq 401).Count | Should -Be 0
            @($graph | Where-Object { $_ | Test-IsWrite }).Count | Should -BeGreaterThan 3
        }
        finally {
            $sb | Stop-ScimSandbox
        }
    }

    It 'asks for a user-assigned identity''s token with -ClientId' {
        $sb = Start-ScimSandbox
        try {
            $clientId = [guid]::NewGuid().ToString()
            $result = Invoke-AsManagedIdentity $sb @"
Connect-ScimGraph -ManagedIdentity -ClientId $clientId -GraphEndpoint `$GraphUri -PulumiApiUrl `$PulumiApiUri
`$session = Get-ScimGraphSession
`$app = Get-ScimApplication 'Pulumi Cloud'
[pscustomobject]@{ AuthType = `$session.AuthType; ClientId = `$session.ClientId; Sp = `$app.ServicePrincipalId.ToString() } | ConvertTo-Json -Compress
"@
            $result.AuthType | Should -Be 'ManagedIdentity'
            $result.ClientId | Should -Be $clientId
            $result.Sp | Should -Be '59e94b18-3fb9-5227-b0d0-07d59b9acc4e'
            $msi = Get-MsiRequests $sb
            $msi.Count | Should -Be 1
            $msi[0].status | Should -Be 200
            $msi[0].query | Should -Match "client_id=$clientId"
        }
        finally {
            $sb | Stop-ScimSandbox
        }
    }

    It 'fails with TokenAcquisitionFailed when the identity header is wrong' {
        $sb = Start-ScimSandbox
        try {
            $result = Invoke-AsManagedIdentity $sb -IdentityHeader 'msi.wrong' @"
try {
    Connect-ScimGraph -ManagedIdentity -GraphEndpoint `$GraphUri -PulumiApiUrl `$PulumiApiUri
    [pscustomobject]@{ ErrorId = `$null } | ConvertTo-Json -Compress
}
catch {
    [pscustomobject]@{ ErrorId = `$_.FullyQualifiedErrorId; Category = `$_.CategoryInfo.Category.ToString(); Connected = [bool](Get-ScimGraphSession) } | ConvertTo-Json -Compress
}
"@
            $result.ErrorId | Should -Be 'TokenAcquisitionFailed,PulumiScim.Commands.ConnectScimGraphCommand'
            $result.Category | Should -Be 'AuthenticationError'
            $result.Connected | Should -BeFalse
            (Get-MsiRequests $sb).status | Should -Contain 401
            (Get-LoggedRequests $sb { $_.path -like '/v1.0/*' }).Count | Should -Be 0
        }
        finally {
            $sb | Stop-ScimSandbox
        }
    }
}

Describe 'Connect-ScimGraph certificate parameter sets, up to the credential' {
    BeforeAll {
        $script:pfxPassword = ConvertTo-SecureString -String ([guid]::NewGuid().ToString()) -AsPlainText -Force
        $rsa = [System.Security.Cryptography.RSA]::Create(2048)
        try {
            $req = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
                'CN=PulumiScim test', $rsa, [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
            $cert = $req.CreateSelfSigned([DateTimeOffset]::UtcNow.AddMinutes(-5), [DateTimeOffset]::UtcNow.AddDays(1))
            $script:pfxPath = Join-Path $TestDrive 'app.pfx'
            [System.IO.File]::WriteAllBytes($script:pfxPath, $cert.Export('Pkcs12', (ConvertFrom-SecureText $script:pfxPassword)))
            $script:thumbprint = $cert.Thumbprint
            $cert.Dispose()
        }
        finally {
            $rsa.Dispose()
        }
    }

    It 'gives CertificateUnreadable for <Case>' -ForEach @(
        @{ Case = 'a path that does not exist'; Kind = 'missing' }
        @{ Case = 'a file that is not a PFX'; Kind = 'garbage' }
        @{ Case = 'the wrong password'; Kind = 'password' }
    ) {
        $params = @{ TenantId = 't'; ClientId = 'c' }
        switch ($Kind) {
            'missing' { $params.CertificatePath = Join-Path $TestDrive 'nowhere/app.pfx' }
            'garbage' {
                $params.CertificatePath = Join-Path $TestDrive 'garbage.pfx'
                Set-Content -Path $params.CertificatePath -Value 'not a certificate'
            }
            'password' {
                $params.CertificatePath = $script:pfxPath
                $params.CertificatePassword = ConvertTo-SecureString -String 'wrong' -AsPlainText -Force
            }
        }

        $err = { Connect-ScimGraph @params } | Should -Throw -ErrorId 'CertificateUnreadable,PulumiScim.Commands.ConnectScimGraphCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ReadError'
        $err.TargetObject | Should -Be $params.CertificatePath
    }

    It 'gives CertificateNotFound for a thumbprint in no store' {
        # The thumbprint of a certificate that only exists as a PFX file: it is in neither CurrentUser\My nor LocalMachine\My.
        $err = { Connect-ScimGraph -TenantId t -ClientId c -CertificateThumbprint $script:thumbprint } |
            Should -Throw -ErrorId 'CertificateNotFound,PulumiScim.Commands.ConnectScimGraphCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Match $script:thumbprint
    }
}
