# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Least privilege, tested for real: every cmdlet runs with exactly the permissions its row of the module's table lists
# (tokens minted by the sandbox's /_sandbox/tokens), and stops with PermissionMissing, before any Graph call, when
# any one of them is missing. The README's table is the table's own rendering.

BeforeDiscovery {
    # Each case: the cmdlet, the options that bring in extra needs, and a run against session $s (Denied: the run
    # without a permission, when it differs).
    $cases = @(
        @{ Cmdlet = 'Get-ScimApplication'; Option = @(); Run = { param($s) Get-ScimApplication -DisplayName 'Perm App' -Session $s } }
        @{ Cmdlet = 'New-ScimApplication'; Option = @(); Run = { param($s) New-ScimApplication -DisplayName "Perm New $([guid]::NewGuid())" -Session $s } }
        @{ Cmdlet = 'Set-ScimTenant'; Option = @(); Run = { param($s) Set-ScimTenant -DisplayName 'Perm App' -OrganizationName acme -Token $script:scimToken -Session $s } }
        @{ Cmdlet = 'Set-ScimUserMapping'; Option = @(); Run = { param($s) Set-ScimUserMapping -DisplayName 'Perm App' -BackupPath $script:backups -Session $s } }
        @{ Cmdlet = 'Disable-ScimGroupProvisioning'; Option = @(); Run = { param($s) Disable-ScimGroupProvisioning -DisplayName 'Perm App' -BackupPath $script:backups -Session $s } }
        @{ Cmdlet = 'Enable-ScimGroupProvisioning'; Option = @(); Run = { param($s) Enable-ScimGroupProvisioning -DisplayName 'Perm App' -BackupPath $script:backups -Session $s } }
        @{ Cmdlet = 'Get-ScimMapping'; Option = @(); Run = { param($s) Get-ScimMapping -DisplayName 'Perm App' -Session $s } }
        @{ Cmdlet = 'Export-ScimSchema'; Option = @(); Run = { param($s) Export-ScimSchema -DisplayName 'Perm App' -Path (Join-Path $TestDrive "export-$([guid]::NewGuid()).json") -Session $s } }
        @{ Cmdlet = 'Import-ScimSchema'; Option = @(); Run = { param($s) Import-ScimSchema -DisplayName 'Perm App' -Path $script:schemaFile -BackupPath $script:backups -Confirm:$false -Session $s } }
        @{ Cmdlet = 'Get-ScimAssignment'; Option = @(); Run = { param($s) Get-ScimAssignment -DisplayName 'Perm App' -Session $s } }
        @{ Cmdlet = 'Add-ScimAssignment'; Option = @('User'); Run = { param($s) Add-ScimAssignment -DisplayName 'Perm App' -User 'ada@contoso.example' -Session $s } }
        @{ Cmdlet = 'Add-ScimAssignment'; Option = @('Group'); Run = { param($s) Add-ScimAssignment -DisplayName 'Perm App' -Group 'SRE' -Session $s } }
        @{ Cmdlet = 'Remove-ScimAssignment'; Option = @('User'); Run = { param($s) Remove-ScimAssignment -DisplayName 'Perm App' -User 'ada@contoso.example' -Confirm:$false -Session $s } }
        @{ Cmdlet = 'Start-ScimProvisioning'; Option = @(); Run = { param($s) Start-ScimProvisioning -DisplayName 'Perm App' -Session $s } }
        @{ Cmdlet = 'Wait-ScimProvisioning'; Option = @(); 
            # A wait needs a cycle to wait for: the restart before it, with the same permissions (Connect-ScimGraph
            # closes the session it replaces, so no other session can do it); without one, Wait alone is stopped.
            Run = { param($s) Start-ScimProvisioning -DisplayName 'Perm App' -Restart -Session $s | Wait-ScimProvisioning -Timeout 120 -Session $s }
            Denied = { param($s) Wait-ScimProvisioning -DisplayName 'Perm App' -Timeout 120 -Session $s } }
        @{ Cmdlet = 'Get-ScimProvisioningStatus'; Option = @(); Run = { param($s) Get-ScimProvisioningStatus -DisplayName 'Perm App' -Session $s } }
        @{ Cmdlet = 'Invoke-ScimProvisioningOnDemand'; Option = @('User'); Run = { param($s) Invoke-ScimProvisioningOnDemand -DisplayName 'Perm App' -User 'grace@contoso.example' -Confirm:$false -Session $s } }
        @{ Cmdlet = 'Test-ScimConfiguration'; Option = @(); Run = { param($s) Test-ScimConfiguration -DisplayName 'Perm App' -Session $s } }
        @{ Cmdlet = 'Test-ScimConfiguration'; Option = @('IncludeUsers'); Run = { param($s) Test-ScimConfiguration -DisplayName 'Perm App' -IncludeUsers -Session $s } }
        @{ Cmdlet = 'Test-ScimConfiguration'; Option = @('User'); Run = { param($s) Test-ScimConfiguration -DisplayName 'Perm App' -User 'ada@contoso.example' -Session $s } }
        @{ Cmdlet = 'Test-ScimConfiguration'; Option = @('Group'); Run = { param($s) Test-ScimConfiguration -DisplayName 'Perm App' -Group 'SRE' -Session $s } }
        @{ Cmdlet = 'Get-ScimProvisioningLog'; Option = @(); Run = { param($s) Get-ScimProvisioningLog -Session $s } }
        @{ Cmdlet = 'Get-ScimProvisioningLog'; Option = @('DisplayName'); Run = { param($s) Get-ScimProvisioningLog -DisplayName 'Perm App' -Session $s } }
        @{ Cmdlet = 'Get-ScimProvisioningLog'; Option = @('User'); Run = { param($s) Get-ScimProvisioningLog -User 'grace@contoso.example' -Session $s } }
        @{ Cmdlet = 'Compare-ScimProvisioning'; Option = @(); Run = { param($s) Compare-ScimProvisioning -DisplayName 'Perm App' -Token $script:scimToken -Session $s } }
        @{ Cmdlet = 'Stop-ScimProvisioning'; Option = @(); Run = { param($s) Stop-ScimProvisioning -DisplayName 'Perm App' -Session $s } }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
    $script:sb = Start-ScimSandbox -SeedPath $SeedPath
    $script:admin = $script:sb | Connect-ScimGraph -PassThru
    $script:scimToken = ($script:sb.Organizations | Where-Object Name -eq 'acme').Token
    $script:backups = Join-Path $TestDrive 'backups'
    $script:schemaFile = Join-Path $TestDrive 'schema.json'

    # The app every case works on, made by the sandbox's managed identity (so that identity owns it, as a runbook
    # that ran New-ScimApplication would), configured as the guide says.
    New-ScimApplication -DisplayName 'Perm App' -Session $script:admin |
        Set-ScimTenant -OrganizationName acme -Token $script:scimToken |
        Set-ScimUserMapping -BackupPath $script:backups |
        Enable-ScimGroupProvisioning -BackupPath $script:backups |
        Add-ScimAssignment -User 'grace@contoso.example' | Out-Null
    Export-ScimSchema -DisplayName 'Perm App' -Path $script:schemaFile -Session $script:admin

    $script:table = Get-PermissionTable

    function New-TokenSession([string[]] $Role, [string] $ObjectId, [string[]] $Scope) {
        New-SandboxTokenSession -Sandbox $script:sb -Role $Role -Scope $Scope -ObjectId $ObjectId
    }


}

AfterAll {
    if ($script:sb) { $script:sb | Stop-ScimSandbox -Confirm:$false }
}

Describe 'Each cmdlet with exactly its listed permissions' {
    It '<Cmdlet> <Option> succeeds with exactly its listed permissions, and stops with PermissionMissing without each' -ForEach $cases {
        $ErrorActionPreference = 'Stop'
        $least = Get-LeastPermission $Cmdlet $Option
        $least | Should -Not -BeNullOrEmpty

        $s = New-TokenSession -Role $least
        & $Run $s | Out-Null

        foreach ($removed in $least) {
            $s = New-TokenSession -Role ($least | Where-Object { $_ -ne $removed })
            Clear-SandboxRequests $script:sb
            $err = $null
            try { & ($Denied ?? $Run) $s | Out-Null } catch { $err = $_ }
            $err | Should -Not -BeNullOrEmpty -Because "$Cmdlet without $removed must stop"
            $err.FullyQualifiedErrorId | Should -BeLike 'PermissionMissing,*' -Because "$Cmdlet without $removed"
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $err.Exception.Message | Should -Match ([regex]::Escape($Cmdlet))
            $err.Exception.Message | Should -Match ([regex]::Escape($removed))
            $err.Exception.Message | Should -Match 'app role assignment'
            Get-GraphRequests $script:sb | Should -BeNullOrEmpty -Because "the pre-flight stops $Cmdlet before any Graph call (without $removed)"
        }
    }
}

Describe 'Permissions in a pipeline, a session and a 403' {
    It 'stops a pipeline whose last cmdlet lacks a permission before the first cmdlet writes anything' {
        $least = (Get-LeastPermission 'New-ScimApplication') + (Get-LeastPermission 'Set-ScimTenant') | Select-Object -Unique
        New-TokenSession -Role $least | Out-Null
        Clear-SandboxRequests $script:sb
        $err = $null
        try {
            New-ScimApplication -DisplayName 'Perm Pipe' | Set-ScimTenant -OrganizationName acme -Token $script:scimToken |
                Add-ScimAssignment -User 'grace@contoso.example' -ErrorAction Stop
        }
        catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'PermissionMissing,*AddScimAssignmentCommand'
        $err.Exception.Message | Should -Match 'AppRoleAssignment\.ReadWrite\.All'
        Get-WriteRequests $script:sb | Should -BeNullOrEmpty
        (Get-SandboxState $script:sb).applications.displayName | Should -Not -Contain 'Perm Pipe'
    }

    It 'shows the token''s permissions in Get-ScimGraphSession, never the token' {
        $s = New-TokenSession -Role 'Application.Read.All', 'AuditLog.Read.All'
        $shown = Get-ScimGraphSession
        $shown.PermissionType | Should -Be 'Application'
        $shown.Permissions | Should -Be @('Application.Read.All', 'AuditLog.Read.All')
        ($shown | Format-List | Out-String) | Should -Match 'Application\.Read\.All, AuditLog\.Read\.All'
        ($shown | Format-List * | Out-String) | Should -Not -Match 'eyJ'
        $s | Should -Be $shown
    }

    It 'turns a 403 from Graph into PermissionMissing naming what the call needs (OwnedBy on an app the identity does not own)' {
        $s = New-TokenSession -Role 'Application.Read.All', 'Application.ReadWrite.OwnedBy' -ObjectId '0f0e0d0c-0b0a-4909-8807-060504030201'
        $err = $null
        try { Get-ScimApplication -DisplayName 'Perm App' -Session $s -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'PermissionMissing,*'
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err.Exception.Message | Should -Match '403'
        $err.Exception.Message | Should -Match 'Synchronization\.ReadWrite\.All'
        $err.Exception.Message | Should -Match 'must own the app'
    }

    It 'checks a signed-in user''s delegated scopes (scp) against the delegated permissions' {
        $s = New-TokenSession -Scope 'Application.Read.All', 'Synchronization.ReadWrite.All'
        $s.PermissionType | Should -Be 'Delegated'
        (Get-ScimApplication -DisplayName 'Perm App' -Session $s -ErrorAction Stop).DisplayName | Should -Be 'Perm App'

        # Application.ReadWrite.OwnedBy is an application permission: as a scope it does not stand in.
        $s = New-TokenSession -Scope 'Application.Read.All', 'Application.ReadWrite.OwnedBy'
        Clear-SandboxRequests $script:sb
        $err = $null
        try { Get-ScimApplication -DisplayName 'Perm App' -Session $s -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'PermissionMissing,*'
        $err.Exception.Message | Should -Match 'delegated permissions'
        $err.Exception.Message | Should -Match 'Synchronization\.ReadWrite\.All'
        $err.Exception.Message | Should -Match 'Grant admin consent'
        Get-GraphRequests $script:sb | Should -BeNullOrEmpty
    }

    It 'skips the pre-flight for an opaque token (Graph itself decides)' {
        $s = Connect-ScimGraph -AccessToken (ConvertTo-SecureString 'opaque-token' -AsPlainText -Force) -GraphEndpoint $script:sb.GraphUri -PassThru
        $s.Permissions | Should -BeNullOrEmpty
        $err = $null
        try { Get-ScimApplication -DisplayName 'Perm App' -Session $s -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Not -BeLike 'PermissionMissing,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
    }
}

Describe 'A part Test-ScimConfiguration cannot read' {
    It 'is a failed check with the reason, and -Quiet is false (the logs answer 504 past the retry budget)' {
        $s = $script:sb | Connect-ScimGraph -MaxRetryWait 0.2 -PassThru
        $faults = [Uri]::new($script:sb.GraphUri, '/_sandbox/faults')
        Invoke-RestMethod -Method Post -Uri $faults -ContentType 'application/json' -Body '{"ratio":1,"kinds":["504"],"retryAfterSeconds":0.05,"paths":"auditLogs"}' | Out-Null
        try {
            $checks = Test-ScimConfiguration -DisplayName 'Perm App' -IncludeUsers -Session $s
            $logs = $checks | Where-Object Name -eq 'Earlier refusals in the provisioning logs'
            $logs.Passed | Should -BeFalse
            $logs.Actual | Should -Match '504'
            Test-ScimConfiguration -DisplayName 'Perm App' -IncludeUsers -Quiet -Session $s | Should -BeFalse
        }
        finally {
            Invoke-RestMethod -Method Post -Uri $faults -ContentType 'application/json' -Body '{"ratio":0}' | Out-Null
        }
    }
}

Describe 'The README''s permission table' {
    It 'is the module''s table, rendered' {
        $readme = Get-Content -Raw (Join-Path $PSScriptRoot '../../README.md')
        $m = [regex]::Match($readme, '(?s)<!-- permissions:begin -->\r?\n(.*?)\r?\n<!-- permissions:end -->')
        $m.Success | Should -BeTrue -Because 'README.md marks its permission table'
        $expected = $script:table.GetMethod('MarkdownTable').Invoke($null, @())
        ($m.Groups[1].Value -replace "`r", '') | Should -Be $expected
        foreach ($line in $m.Groups[1].Value -split "`n") { $line.Length | Should -BeLessOrEqual 120 }
    }
}
