@{
    RootModule           = 'PulumiScim.psm1'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Core')
    GUID                 = '6f0e3c1d-7a4b-4c8e-9f2a-1d5b8e7c3a90'
    Author               = 'PulumiScim contributors'
    CompanyName          = 'PulumiScim contributors'
    Copyright            = '(c) PulumiScim contributors. MIT License.'
    Description          = 'Automates Pulumi''s "SCIM provisioning from Microsoft Entra ID" guide: tenant URL and token, attribute mappings, group provisioning, scope, assignments, provisioning logs. Ships a local Microsoft Graph + Pulumi SCIM sandbox for rehearsals and tests.'
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('PulumiScim.Format.ps1xml')
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Add-ScimAssignment'
        'Compare-ScimProvisioning'
        'Connect-ScimGraph'
        'Disable-ScimGroupProvisioning'
        'Disconnect-ScimGraph'
        'Enable-ScimGroupProvisioning'
        'Export-ScimSchema'
        'Get-ScimApplication'
        'Get-ScimAssignment'
        'Get-ScimGraphSession'
        'Get-ScimMapping'
        'Get-ScimProvisioningLog'
        'Get-ScimProvisioningStatus'
        'Get-ScimSandbox'
        'Import-ScimSchema'
        'Invoke-ScimProvisioningOnDemand'
        'New-ScimApplication'
        'Remove-ScimAssignment'
        'Set-ScimTenant'
        'Set-ScimUserMapping'
        'Start-ScimProvisioning'
        'Start-ScimSandbox'
        'Stop-ScimProvisioning'
        'Stop-ScimSandbox'
        'Test-ScimConfiguration'
        'Wait-ScimProvisioning'
    )
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Pulumi', 'SCIM', 'EntraID', 'AzureAD', 'MicrosoftGraph', 'Provisioning', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'See CHANGELOG.md'
        }
    }
}
