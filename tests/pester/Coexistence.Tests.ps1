# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# PulumiScim beside other copies of its dependencies in the default load context, whichever loads first.
# Module.Tests.ps1 covers older copies loaded first with a sandbox connection; here the module goes first, newer copies
# are added too, and every case signs in through a real ManagedIdentityCredential (the sandbox's token endpoint), so
# Azure.Core and MSAL are in use on both sides. Each case runs in a fresh pwsh: load order is per process.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
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
}

Describe 'Whichever loads first' {
    It 'keeps working when PulumiScim loads first and <Name> are loaded and used after it' -ForEach @(
        @{ Name = 'older copies'; Key = 'Older' }
        @{ Name = 'newer copies'; Key = 'Newer' }
    ) {
        $set = Get-Variable -Scope Script -Name $Key -ValueOnly
        $report = Invoke-Coexistence -Set $set -Order ModuleFirst
        Assert-Coexisted $report $set $script:Shipped
    }

    It 'keeps its own copies when <Name> were loaded into the default context first' -ForEach @(
        @{ Name = 'newer copies'; Key = 'Newer' }
        @{ Name = 'older copies'; Key = 'Older' }
    ) {
        $set = Get-Variable -Scope Script -Name $Key -ValueOnly
        $report = Invoke-Coexistence -Set $set -Order OthersFirst
        Assert-Coexisted $report $set $script:Shipped
    }
}
