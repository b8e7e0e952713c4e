# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
<#
.SYNOPSIS
    One GitHub Actions matrix job: checks one tenant's Pulumi SCIM app and writes the result as the job's summary.
.DESCRIPTION
    Connects with -Connect (by default Connect-ScimGraph -AzureCli, after azure/login signed the runner in to the
    tenant through OIDC federation), runs Test-ScimConfiguration on the app, and appends a Markdown section to
    -SummaryPath (by default $env:GITHUB_STEP_SUMMARY, the file GitHub shows as the job's summary): a heading with the
    tenant and the verdict, then a table of the checks, failed ones first. The exit code is 0 when every check
    passed, 1 when one failed or the tenant could not be read (connection refused, app missing): such a tenant is
    reported as failing, never as having nothing to check. It writes nothing to the tenant.
.PARAMETER Tenant
    The tenant's name in the summary (the matrix entry's name).
.PARAMETER ApplicationName
    The enterprise app's display name.
.PARAMETER OrganizationName
    The Pulumi organization the Tenant URL should name; by default the one in the app's SAML SSO URLs.
.PARAMETER Connect
    The parameters of Connect-ScimGraph: @{ AzureCli = $true } after azure/login, or
    @{ TenantId = ...; ClientId = ...; FederatedTokenFile = ... } with a token file.
.PARAMETER SummaryPath
    The Markdown file the section is appended to.
.PARAMETER IncludeUsers
    Also check the assigned users for what Pulumi would refuse.
.EXAMPLE
    ./Test-ScimTenant.ps1 -Tenant contoso -OrganizationName contoso
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Tenant,
    [string] $ApplicationName = 'Pulumi Cloud',
    [string] $OrganizationName,
    [hashtable] $Connect = @{ AzureCli = $true },
    [string] $SummaryPath = $env:GITHUB_STEP_SUMMARY,
    [switch] $IncludeUsers
)

$ErrorActionPreference = 'Stop'

function ConvertTo-Cell {
    # Table-cell text: no line breaks, no column separators.
    param([AllowNull()] [string] $Text)
    ([string]$Text -replace '\r?\n', ' ' -replace '\|', '\|').Trim()
}

$checks = @()
$problem = $null
try {
    Connect-ScimGraph @Connect
    $app = Get-ScimApplication -DisplayName $ApplicationName
    if (-not $app) { throw "No enterprise app named '$ApplicationName' in this tenant." }
    $test = @{ IncludeUsers = $IncludeUsers }
    if ($OrganizationName) { $test.OrganizationName = $OrganizationName }
    $checks = @($app | Test-ScimConfiguration @test)
}
catch {
    $problem = $_.Exception.Message
}

$failed = @($checks | Where-Object { -not $_.Passed })
$verdict = if ($problem) { 'could not be checked' }
elseif ($failed.Count) { "$($failed.Count) of $($checks.Count) checks failed" }
else { "all $($checks.Count) checks passed" }
$icon = if ($problem -or $failed.Count) { ':x:' } else { ':white_check_mark:' }

$lines = [System.Collections.Generic.List[string]]::new()
$lines.Add("## $icon $Tenant`: $verdict")
$lines.Add('')
if ($problem) {
    $lines.Add("**Error**: $(ConvertTo-Cell $problem)")
}
else {
    $lines.Add('| | check | actual | fix |')
    $lines.Add('|---|---|---|---|')
    foreach ($check in @($failed) + @($checks | Where-Object Passed)) {
        $mark = if ($check.Passed) { 'ok' } else { '**FAIL**' }
        $fix = if ($check.Passed) { '' } else { ConvertTo-Cell $check.Hint }
        $lines.Add("| $mark | $(ConvertTo-Cell $check.Name) | $(ConvertTo-Cell $check.Actual) | $fix |")
    }
}
$lines.Add('')
$text = $lines -join [Environment]::NewLine
if ($SummaryPath) { Add-Content -LiteralPath $SummaryPath -Value $text -Encoding utf8NoBOM }
Write-Output $text
if ($problem -or $failed.Count) { exit 1 }
exit 0
