#!/usr/bin/env pwsh
# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
<#
.SYNOPSIS
    The benchmark's peer for the first call: list the tenant's service principals with Invoke-RestMethod.
.EXAMPLE
    ./Get-ApplicationPeer.ps1 -GraphUri http://127.0.0.1:5000 -AccessToken $graphToken | Select-Object -First 1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [Uri] $GraphUri,
    [Parameter(Mandatory)] [securestring] $AccessToken
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$headers = @{ Authorization = 'Bearer ' + (ConvertFrom-SecureString -SecureString $AccessToken -AsPlainText) }
(Invoke-RestMethod -Uri ($GraphUri.ToString().TrimEnd('/') + '/v1.0/servicePrincipals') -Headers $headers).value
