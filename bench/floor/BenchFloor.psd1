@{
    RootModule           = 'bin/BenchFloor.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Core')
    GUID                 = '0b7d4c1e-2f6a-4d8b-9a3c-5e1f7b2d9c40'
    Author               = 'PulumiScim contributors'
    CompanyName          = 'PulumiScim contributors'
    Copyright            = '(c) PulumiScim contributors. MIT License.'
    Description          = 'The floor of the import benchmark: one binary cmdlet with no dependencies.'
    PowerShellVersion    = '7.4'
    FunctionsToExport    = @()
    CmdletsToExport      = @('Get-BenchFloor')
    VariablesToExport    = @()
    AliasesToExport      = @()
}
