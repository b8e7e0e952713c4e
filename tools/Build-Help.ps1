# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Builds the module's MAML help; run in a child pwsh (it imports the built module).
param(
    [Parameter(Mandatory)] [string] $DocsPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputFile
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'HelpBuilder.psm1') -Force
Import-Module $ModulePath -Force
Build-ModuleHelp -DocsPath $DocsPath -ModuleName PulumiScim -OutputFile $OutputFile
