# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Where schema backups go without -BackupPath: per tenant id under the user's data folder for a real tenant, and for a
# sandbox a folder of that sandbox in the temporary folder, never beside real tenants' backups. Each case runs in a
# child pwsh whose HOME is a test folder, so the user's own data folder is never touched.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force

    function Invoke-Backup {
        # Runs the user mapping step with $Connect, in a child whose HOME is $HomePath; returns the backup's path.
        param([Parameter(Mandatory)] [string] $HomePath, [Parameter(Mandatory)] [string] $Connect)
        $out = Invoke-IsolatedPwsh -HomePath $HomePath -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$sb = Start-ScimSandbox
try {
    $Connect
    `$app = Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -Token `$sb.Organizations[0].Token
    `$verbose = `$app | Set-ScimUserMapping -Verbose 4>&1 | Where-Object { `$_ -is [System.Management.Automation.VerboseRecord] }
    [pscustomobject]@{
        Backup = [regex]::Match((`$verbose.Message -join "``n"), 'Saved the schema as it was to (\S+\.schema\.json)').Groups[1].Value
        Data = [Environment]::GetFolderPath('LocalApplicationData')
        Temp = [System.IO.Path]::GetTempPath()
        Port = `$sb.Port
        Tenant = `$sb.TenantId
    } | ConvertTo-Json -Compress
}
finally { `$sb | Stop-ScimSandbox }
"@
        @($out)[-1] | ConvertFrom-Json
    }
}

Describe 'Schema backups without -BackupPath' {
    It 'go to a folder of the sandbox in the temporary folder when connected to a sandbox' {
        $r = Invoke-Backup -HomePath (Join-Path $TestDrive 'home1') -Connect '$sb | Connect-ScimGraph'
        $r.Backup | Should -Exist
        $expected = Join-Path $r.Temp "PulumiScim/sandbox-backups/sandbox-$($r.Port)/$($r.Tenant)"
        Split-Path $r.Backup | Should -Be ([System.IO.Path]::TrimEndingDirectorySeparator($expected))
        $r.Backup | Should -Not -BeLike "$($r.Data)*"
        Test-Path (Join-Path $r.Data 'PulumiScim/backups') | Should -BeFalse -Because 'a sandbox run leaves the real backup folder alone'
        Remove-Item (Split-Path $r.Backup) -Recurse -Force
    }

    It 'go to the user''s data folder, one folder per tenant id, for any other connection' {
        # An access-token session is not a sandbox session, even against the sandbox's Graph.
        $r = Invoke-Backup -HomePath (Join-Path $TestDrive 'home2') -Connect 'Connect-ScimGraph -AccessToken $sb.AccessToken -GraphEndpoint $sb.GraphUri -PulumiApiUrl $sb.PulumiApiUri'
        $r.Backup | Should -Exist
        Split-Path $r.Backup | Should -Be (Join-Path $r.Data "PulumiScim/backups/$($r.Tenant)")
        $r.Data | Should -BeLike "$TestDrive*" -Because 'the child''s HOME is the test folder'
    }
}
