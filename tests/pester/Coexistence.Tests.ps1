# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Issue 7: PulumiScim beside other copies of its dependencies in the default load context, whichever loads first.
# Module.Tests.ps1 covers older copies loaded first with a sandbox connection; here the module goes first, newer copies
# are added too, and every case signs in through a real ManagedIdentityCredential (the sandbox's token endpoint), so
# Azure.Core and MSAL are in use on both sides. Each case runs in a fresh pwsh: load order is per process.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $bin = Join-Path (Split-Path (Resolve-Path $script:ModulePath).ProviderPath) 'bin'
    function Get-ShippedVersion([string] $Name) {
        [System.Reflection.AssemblyName]::GetAssemblyName((Join-Path $bin "$Name.dll")).Version.ToString()
    }
    $script:Shipped = @{
        'Azure.Core'                = Get-ShippedVersion 'Azure.Core'
        'Azure.Identity'            = Get-ShippedVersion 'Azure.Identity'
        'Microsoft.Identity.Client' = Get-ShippedVersion 'Microsoft.Identity.Client'
        'Microsoft.Graph.Core'      = Get-ShippedVersion 'Microsoft.Graph.Core'
        'System.ClientModel'        = Get-ShippedVersion 'System.ClientModel'
    }

    # The sets loaded into the default context. Use is run after loading them and returns the version of the assembly
    # that served it, so the test knows the other copy was really used (not only loaded).
    $script:Older = @{
        Name  = 'older: Azure.Identity 1.10.2, Azure.Core 1.36.0, MSAL 4.55.0, Microsoft.Graph.Core 3.2.4'
        Paths = @(
            'azure.core/1.36.0/lib/netstandard2.0/Azure.Core.dll'
            'microsoft.identity.client/4.55.0/lib/netstandard2.0/Microsoft.Identity.Client.dll'
            'azure.identity/1.10.2/lib/netstandard2.0/Azure.Identity.dll'
            'microsoft.graph.core/3.2.4/lib/netstandard2.0/Microsoft.Graph.Core.dll'
        )
        Use   = '$c = [Azure.Identity.ClientSecretCredential]::new(''t'', ''c'', ''s''); $null = [Microsoft.Graph.CoreConstants+Headers]::Bearer; $c.GetType().Assembly'
        Used  = 'Azure.Identity 1.10.2.0'
        InDefault = @('Azure.Identity 1.10.2.0', 'Azure.Core 1.36.0.0', 'Microsoft.Identity.Client 4.55.0.0', 'Microsoft.Graph.Core 3.2.4.0')
    }
    $script:Newer = @{
        Name  = 'newer: Azure.Core 1.64.0, System.ClientModel 1.16.0, MSAL 4.92.0'
        Paths = @(
            'system.clientmodel/1.16.0/lib/net8.0/System.ClientModel.dll'
            'azure.core/1.64.0/lib/net8.0/Azure.Core.dll'
            'microsoft.identity.client/4.92.0/lib/net8.0/Microsoft.Identity.Client.dll'
        )
        Use   = '$t = [Azure.Core.AccessToken]::new(''x'', [DateTimeOffset]::UtcNow.AddHours(1)); $t.GetType().Assembly'
        Used  = 'Azure.Core 1.64.0.0'
        InDefault = @('Azure.Core 1.64.0.0', 'System.ClientModel 1.16.0.0', 'Microsoft.Identity.Client 4.92.0.0')
    }

    function Invoke-Coexistence {
        # Runs the scenario in a child pwsh and returns its JSON report.
        param([Parameter(Mandatory)] [hashtable] $Set, [Parameter(Mandatory)] [ValidateSet('ModuleFirst', 'OthersFirst')] [string] $Order)
        $full = $Set.Paths | ForEach-Object { Join-Path $script:NuGetRoot $_ }
        foreach ($p in $full) { Test-Path $p | Should -BeTrue -Because "tools/tools.proj downloads $p" }
        $load = ($full | ForEach-Object { "Add-Type -Path '$_'" }) -join "`n"
        $child = @"
`$ErrorActionPreference = 'Stop'
function Connect-AsManagedIdentity {
    Connect-ScimGraph -ManagedIdentity -GraphEndpoint `$sb.GraphUri -PulumiApiUrl `$sb.PulumiApiUri
    (Get-ScimApplication -DisplayName 'Pulumi Cloud').ServicePrincipalId.ToString()
}
function Get-Loaded([string] `$Context) {
    @([System.AppDomain]::CurrentDomain.GetAssemblies() |
        Where-Object { `$_.GetName().Name -match '^(Azure\.Core|Azure\.Identity|Microsoft\.Identity\.Client|Microsoft\.Graph\.Core|System\.ClientModel)$' -and [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name -eq `$Context } |
        ForEach-Object { '{0} {1}' -f `$_.GetName().Name, `$_.GetName().Version })
}
$(if ($Order -eq 'OthersFirst') { $load })
Import-Module '$script:ModulePath'
`$sb = Start-ScimSandbox
# A managed-identity runbook's environment, pointing at this sandbox (in-process: the secret never leaves the child).
`$env:IDENTITY_ENDPOINT = `$sb.ManagedIdentityEndpoint.AbsoluteUri
`$env:IDENTITY_HEADER = [System.Net.NetworkCredential]::new('', `$sb.IdentityHeader).Password
`$first = Connect-AsManagedIdentity
$(if ($Order -eq 'ModuleFirst') { $load })
`$used = & { $($Set.Use) }
`$second = Connect-AsManagedIdentity
`$sb | Connect-ScimGraph
`$third = (Get-ScimApplication -DisplayName 'Pulumi Cloud').ServicePrincipalId.ToString()

# The module's Azure.Identity, resolved as the module resolves it: through its own load context. Azure.Identity 1.21
# forwards its types to Azure.Core, so ManagedIdentityCredential is defined wherever that forward leads.
`$cmdletAsm = (Get-Command Connect-ScimGraph).ImplementingType.Assembly
`$mineAlc = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$cmdletAsm)
`$loadedByConnect = Get-Loaded 'PulumiScim'
`$identity = `$mineAlc.LoadFromAssemblyName([System.Reflection.AssemblyName]::new('Azure.Identity'))
`$mi = `$identity.GetType('Azure.Identity.ManagedIdentityCredential', `$true)
`$sb | Stop-ScimSandbox
[pscustomobject]@{
    First = `$first; Second = `$second; Third = `$third
    Used = '{0} {1}' -f `$used.GetName().Name, `$used.GetName().Version
    UsedContext = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$used).Name
    IdentityContext = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$identity).Name
    IdentityVersion = `$identity.GetName().Version.ToString()
    CredentialAssembly = '{0} {1}' -f `$mi.Assembly.GetName().Name, `$mi.Assembly.GetName().Version
    CredentialContext = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$mi.Assembly).Name
    LoadedByConnect = `$loadedByConnect
    Mine = Get-Loaded 'PulumiScim'
    Default = Get-Loaded 'Default'
    CmdletContext = [string](`$mineAlc.Name)
} | ConvertTo-Json -Compress
"@
        @(Invoke-Pwsh $child)[-1] | ConvertFrom-Json
    }

    function Assert-Coexisted {
        param([Parameter(Mandatory)] $Report, [Parameter(Mandatory)] [hashtable] $Set)
        $sp = '59e94b18-3fb9-5227-b0d0-07d59b9acc4e'
        $Report.First | Should -Be $sp -Because 'Connect-ScimGraph -ManagedIdentity and Get-ScimApplication work before'
        $Report.Second | Should -Be $sp -Because 'a new managed-identity credential works after the other copies are in use'
        $Report.Third | Should -Be $sp

        # The other copy served the user's own code, from the default context.
        $Report.Used | Should -Be $Set.Used
        $Report.UsedContext | Should -Be 'Default'
        foreach ($a in $Set.InDefault) { $Report.Default | Should -Contain $a }

        # The module kept its own copies, in its own context.
        $Report.CmdletContext | Should -Be 'PulumiScim'
        $Report.IdentityContext | Should -Be 'PulumiScim'
        $Report.IdentityVersion | Should -Be $script:Shipped['Azure.Identity']
        $Report.CredentialContext | Should -Be 'PulumiScim'
        $Report.LoadedByConnect | Should -Contain $Report.CredentialAssembly -Because 'Connect-ScimGraph -ManagedIdentity loaded the credential''s assembly'
        $Report.Mine | Should -Contain "Azure.Core $($script:Shipped['Azure.Core'])"
        $Report.Mine | Should -Contain "Microsoft.Identity.Client $($script:Shipped['Microsoft.Identity.Client'])"
        $Report.Mine | Should -Contain "Microsoft.Graph.Core $($script:Shipped['Microsoft.Graph.Core'])"
        @($Report.Mine | Where-Object { $_ -notin ($script:Shipped.GetEnumerator() | ForEach-Object { "$($_.Key) $($_.Value)" }) }) |
            Should -BeNullOrEmpty -Because 'nothing but the shipped versions loads into the module''s context'
    }
}

Describe 'Whichever loads first' {
    It 'keeps working when PulumiScim loads first and <Name> are loaded and used after it' -ForEach @(
        @{ Name = 'older copies'; Key = 'Older' }
        @{ Name = 'newer copies'; Key = 'Newer' }
    ) {
        $set = Get-Variable -Scope Script -Name $Key -ValueOnly
        $report = Invoke-Coexistence -Set $set -Order ModuleFirst
        Assert-Coexisted $report $set
    }

    It 'keeps its own copies when <Name> were loaded into the default context first' -ForEach @(
        @{ Name = 'newer copies'; Key = 'Newer' }
        @{ Name = 'older copies'; Key = 'Older' }
    ) {
        $set = Get-Variable -Scope Script -Name $Key -ValueOnly
        $report = Invoke-Coexistence -Set $set -Order OthersFirst
        Assert-Coexisted $report $set
    }
}
