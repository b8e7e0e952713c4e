# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Every helper the Pester files share, in one place. Each file imports it in its BeforeAll:
#     BeforeAll { Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force }
# It imports the module under test (globally, so the test file sees its cmdlets) and exports the variables
# $ModulePath, $NuGetRoot, $SeedPath and $PwshExe. A file needing a helper adds it here, never a copy of its own.

$ModulePath = if ($env:PULUMISCIM_MODULE_PATH) { $env:PULUMISCIM_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/PulumiScim/PulumiScim.psd1' }
$NuGetRoot = if ($env:PULUMISCIM_NUGET_ROOT) { $env:PULUMISCIM_NUGET_ROOT } else { Join-Path $HOME '.nuget/packages' }
# The example tenant (docs/sandbox.md): the repository's docs/example-seed.json, the seed the sandbox has built in;
# PULUMISCIM_SEED_PATH names another one.
$SeedPath = if ($env:PULUMISCIM_SEED_PATH) { $env:PULUMISCIM_SEED_PATH } else { Join-Path $PSScriptRoot '../../docs/example-seed.json' }
$SeedPath = (Resolve-Path -LiteralPath $SeedPath).ProviderPath
$PwshExe = Join-Path $PSHOME 'pwsh'
if ($IsWindows) { $PwshExe += '.exe' }

Import-Module $ModulePath -Force -Global

#region The sandbox's control endpoints

function Get-SandboxRequests {
    # One object per request (Invoke-RestMethod writes a JSON array as a single object; enumerating it fixes that).
    param([Parameter(Mandatory)] $Sandbox)
    $log = Invoke-RestMethod -Uri ([Uri]::new($Sandbox.GraphUri, '/_sandbox/requests'))
    $log | ForEach-Object { $_ }
}

function Get-LoggedRequests {
    # The logged requests for which $Where holds.
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [scriptblock] $Where)
    @(Get-SandboxRequests $Sandbox | Where-Object $Where)
}

function Clear-SandboxRequests {
    param([Parameter(Mandatory)] $Sandbox)
    Invoke-RestMethod -Method Delete -Uri ([Uri]::new($Sandbox.GraphUri, '/_sandbox/requests')) | Out-Null
}

function Get-SandboxState {
    param([Parameter(Mandatory)] $Sandbox)
    Invoke-RestMethod -Uri ([Uri]::new($Sandbox.GraphUri, '/_sandbox/state'))
}

function Get-SandboxStateDeep {
    # The whole state, parsed to depth 100 (a job's schema nests deep).
    param([Parameter(Mandatory)] $Sandbox)
    (Invoke-WebRequest -Uri ([Uri]::new($Sandbox.GraphUri, '/_sandbox/state'))).Content | ConvertFrom-Json -Depth 100
}

function Get-AppState {
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string] $DisplayName)
    (Get-SandboxStateDeep $Sandbox).applications | Where-Object displayName -eq $DisplayName
}

function Get-SandboxSchema {
    # The job's schema as the sandbox holds it (the request is not logged: control endpoints are not).
    param([Parameter(Mandatory)] $Sandbox, [string] $ServicePrincipalId = '59e94b18-3fb9-5227-b0d0-07d59b9acc4e')
    ((Get-SandboxStateDeep $Sandbox).applications | Where-Object servicePrincipalId -eq $ServicePrincipalId).synchronization.jobs[0].schema
}

function Get-PulumiOrg {
    param([Parameter(Mandatory)] $Sandbox, [string] $Name = 'acme')
    (Get-SandboxState $Sandbox).pulumi.organizations | Where-Object name -eq $Name
}

function Get-PulumiUser {
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string] $UserName)
    (Get-PulumiOrg $Sandbox).users | Where-Object userName -eq $UserName
}

function Set-SandboxFault {
    param([Parameter(Mandatory)] $Sandbox, [double] $Ratio, [string[]] $Kinds = @('429'), [double] $RetryAfterSeconds = 0.05, [int] $Seed = 1, [string] $Paths)
    $body = @{ ratio = $Ratio; kinds = $Kinds; retryAfterSeconds = $RetryAfterSeconds; seed = $Seed }
    if ($Paths) { $body.paths = $Paths }
    Invoke-RestMethod -Method Post -Uri ([Uri]::new($Sandbox.GraphUri, '/_sandbox/faults')) -Body ($body | ConvertTo-Json) -ContentType 'application/json' | Out-Null
}

function Invoke-MsiRequest {
    # A request to the sandbox's token endpoint; returns status and parsed body without throwing on an error status.
    param([Parameter(Mandatory)] $Sandbox, [string] $Query, [hashtable] $Headers = @{}, [string] $Method = 'GET')
    $r = Invoke-WebRequest -Method $Method -Uri ("$($Sandbox.ManagedIdentityEndpoint)$Query") -Headers $Headers -SkipHttpErrorCheck
    [pscustomobject]@{ Status = [int]$r.StatusCode; Body = if ($r.Content) { $r.Content | ConvertFrom-Json } }
}

function Get-MsiRequests {
    param([Parameter(Mandatory)] $Sandbox)
    Get-LoggedRequests $Sandbox { $_.path -eq '/msi/token' }
}

#endregion

#region Requests: which were writes

function Test-IsWrite {
    # A write changes state: PUT, PATCH, DELETE, and POST except the read-only actions validateCredentials and parseExpression.
    # A JSON batch (POST /v1.0/$batch) is not one itself: the sandbox logs each request inside it, and those count.
    param([Parameter(Mandatory, ValueFromPipeline)] $Request)
    process {
        $Request.path -like '/v1.0/*' -and $Request.path -ne '/v1.0/$batch' -and (
            $Request.method -in 'PUT', 'PATCH', 'DELETE' -or
            ($Request.method -eq 'POST' -and $Request.path -notmatch '/(validateCredentials|parseExpression)$'))
    }
}

function Get-WriteRequests {
    param([Parameter(Mandatory)] $Sandbox)
    @(Get-SandboxRequests $Sandbox | Where-Object { $_.method -ne 'GET' -and $_.path -like '/v1.0/*' })
}

function Get-GraphWrites {
    param([Parameter(Mandatory)] $Sandbox)
    @(Get-SandboxRequests $Sandbox | Where-Object { $_ | Test-IsWrite })
}

function Get-GraphRequests {
    param([Parameter(Mandatory)] $Sandbox)
    @(Get-SandboxRequests $Sandbox | Where-Object { $_.path -like '/v1.0/*' })
}

#endregion

#region Permissions

function New-SandboxTokenSession {
    # Connects with a Graph token the sandbox mints with exactly -Role (application) or -Scope (delegated) permissions.
    param([Parameter(Mandatory)] $Sandbox, [string[]] $Role, [string[]] $Scope, [string] $ObjectId)
    $body = if ($Scope) { @{ scopes = @($Scope) } } else { @{ roles = @($Role) } }
    if ($ObjectId) { $body.objectId = $ObjectId }
    $answer = Invoke-RestMethod -Method Post -Uri ([Uri]::new($Sandbox.GraphUri, '/_sandbox/tokens')) -Body ($body | ConvertTo-Json) -ContentType 'application/json'
    $secure = ConvertTo-SecureString $answer.token -AsPlainText -Force
    Connect-ScimGraph -AccessToken $secure -GraphEndpoint $Sandbox.GraphUri -PulumiApiUrl $Sandbox.PulumiApiUri -PassThru
}

function Get-PermissionTable {
    # The module's internal permission table (PulumiScim.Permissions.CmdletPermissions).
    (Get-Command Get-ScimApplication).ImplementingType.Assembly.GetType('PulumiScim.Permissions.CmdletPermissions')
}

function Get-LeastPermission {
    # The least privileged application permissions the module's table lists for a cmdlet with options.
    param([Parameter(Mandatory)] [string] $Cmdlet, [string[]] $Option)
    $options = [System.Collections.Generic.List[string]]::new()
    foreach ($o in $Option) { $options.Add($o) }
    @((Get-PermissionTable).GetMethod('LeastApplication').Invoke($null, @($Cmdlet, $options)))
}

#endregion

#region Seeds

function Get-ExampleSeed {
    # The example seed as a hashtable to change and save with Save-Seed.
    Get-Content $SeedPath -Raw | ConvertFrom-Json -Depth 100 -AsHashtable
}

function Save-Seed {
    param([Parameter(Mandatory)] [System.Collections.IDictionary] $Seed, [Parameter(Mandatory)] [string] $Path)
    $Seed | ConvertTo-Json -Depth 100 | Set-Content $Path
    $Path
}

function New-SeedFile {
    # The example seed with some options changed.
    param([Parameter(Mandatory)] [hashtable] $Options, [Parameter(Mandatory)] [string] $Path)
    $seed = Get-ExampleSeed
    foreach ($k in $Options.Keys) { $seed.options[$k] = $Options[$k] }
    Save-Seed $seed $Path
}

function New-LogSeed {
    # The example seed with a job on 'Pulumi Cloud' and $Count generated provisioning log entries.
    param([Parameter(Mandatory)] [int] $Count, [Parameter(Mandatory)] [string] $Folder)
    $seed = Get-ExampleSeed
    $seed.applications[0].synchronization = @{ jobs = @(@{ templateId = 'scim'; schema = 'template' }) }
    $seed.provisioningLogs = @{ generate = @{ count = $Count; failureRatio = 0.1; from = '2026-11-01T00:00:00Z'; seed = 7 } }
    Save-Seed $seed (Join-Path $Folder "seed-$Count.json")
}

#endregion

#region The guide's pipeline and its end state

function Use-CallerPreference {
    # A module function's cmdlets read preferences from the module's scope, not the test's: copy the caller's
    # (those its common parameters did not set) into the calling function's scope. Dot-source it: . Use-CallerPreference $PSCmdlet
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet)
    $map = @{ VerbosePreference = 'Verbose'; DebugPreference = 'Debug'; ErrorActionPreference = 'ErrorAction'; WarningPreference = 'WarningAction'; InformationPreference = 'InformationAction'; ProgressPreference = 'ProgressAction' }
    foreach ($name in $map.Keys) {
        if ($Cmdlet.MyInvocation.BoundParameters.ContainsKey($map[$name])) { continue }
        $value = $Cmdlet.SessionState.PSVariable.GetValue($name)
        if ($null -ne $value) { Set-Variable -Name $name -Value $value }
    }
}

function Invoke-GuidePipeline {
    # The guide's whole pipeline, with the caller's preferences.
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Sandbox, [string] $BackupPath, [switch] $WhatIf)
    . Use-CallerPreference $PSCmdlet
    $token = ($Sandbox.Organizations | Where-Object Name -eq 'acme').Token
    Get-ScimApplication -DisplayName 'Pulumi Cloud' |
        Set-ScimTenant -OrganizationName acme -Token $token -WhatIf:$WhatIf |
        Set-ScimUserMapping -BackupPath $BackupPath -WhatIf:$WhatIf |
        Enable-ScimGroupProvisioning -BackupPath $BackupPath -WhatIf:$WhatIf |
        Add-ScimAssignment -Group 'Platform Team', 'SRE' -User 'grace@contoso.example' -WhatIf:$WhatIf |
        Start-ScimProvisioning -WhatIf:$WhatIf
}

function Get-UserRule($schema) {
    $schema.synchronizationRules | Where-Object { $_.objectMappings.sourceObjectName -contains 'User' }
}

function Get-UserMapping($schema) {
    (Get-UserRule $schema).objectMappings | Where-Object sourceObjectName -eq 'User'
}

function Get-GroupMapping($schema) {
    (Get-UserRule $schema).objectMappings | Where-Object sourceObjectName -eq 'Group'
}

function Get-TargetUserObject($schema) {
    $rule = Get-UserRule $schema
    $dir = $schema.directories | Where-Object name -eq $rule.targetDirectoryName
    $dir.objects | Where-Object name -eq (Get-UserMapping $schema).targetObjectName
}

function Remove-GuideParts($schemaJson) {
    # Drops exactly what the guide edits, so the rest can be compared as text.
    $s = $schemaJson | ConvertFrom-Json -Depth 100
    foreach ($m in (Get-UserRule $s).objectMappings | Where-Object sourceObjectName -in 'User', 'Group') { $m.attributeMappings = @(); $m.enabled = $null }
    $emails = (Get-TargetUserObject $s).attributes | Where-Object name -eq 'emails[type eq "work"].value'
    $emails.required = $null
    $s | ConvertTo-Json -Depth 100 -Compress
}

function Assert-GuideState {
    # The guide's end state, read from the sandbox's own state (not through the module).
    param([Parameter(Mandatory)] $App)
    $schema = $App.synchronization.jobs[0].schema
    $rule = Get-UserRule $schema
    $user = Get-UserMapping $schema
    $group = Get-GroupMapping $schema
    ($user.attributeMappings.targetAttributeName | Sort-Object) | Should -Be (@('userName', 'active', 'displayName', 'emails[type eq "work"].value', 'name.givenName', 'name.familyName') | Sort-Object)
    ($user.attributeMappings | Where-Object targetAttributeName -eq 'userName').source.expression | Should -Be '[mailNickname]'
    $target = ($schema.directories | Where-Object name -eq $rule.targetDirectoryName).objects | Where-Object name -eq $user.targetObjectName
    ($target.attributes | Where-Object name -eq 'emails[type eq "work"].value').required | Should -BeTrue
    $group.enabled | Should -BeTrue
    $group.attributeMappings.targetAttributeName | Should -Not -Contain 'externalId'
    $secrets = $App.synchronization.secrets
    ($secrets | Where-Object key -eq 'BaseAddress').value | Should -Match '/scim/v2/acme$'
    ($secrets | Where-Object key -eq 'SyncAll').value | Should -Be 'false'
    @($App.assignments).Count | Should -Be 3
    @($App.assignments.principalId | Sort-Object -Unique).Count | Should -Be 3
    $App.synchronization.jobs[0].schedule.state | Should -Be 'Active'
}

#endregion

#region Running things: child processes, runspaces, completion, error capture

function Invoke-Pwsh {
    # Runs a script in a fresh pwsh; returns its output lines; throws on a non-zero exit.
    param([Parameter(Mandatory)] [string] $Script)
    $file = Join-Path ([System.IO.Path]::GetTempPath()) ("pulumiscim-" + [guid]::NewGuid() + '.ps1')
    Set-Content -Path $file -Value $Script
    try {
        $output = & $PwshExe -NoProfile -NonInteractive -File $file 2>&1
        if ($LASTEXITCODE -ne 0) { throw "child pwsh failed ($LASTEXITCODE): $($output -join "`n")" }
        $output
    }
    finally {
        Remove-Item $file -ErrorAction SilentlyContinue
    }
}

function Invoke-PwshCommand {
    # Runs a script as 'pwsh -Command "& <file>"' (how GitHub Actions runs a pwsh step, and how a thrown error ends a
    # runbook job); returns its exit code and its output lines as text, without throwing on a non-zero exit.
    param([Parameter(Mandatory)] [string] $Script)
    $file = Join-Path ([System.IO.Path]::GetTempPath()) ("pulumiscim-" + [guid]::NewGuid() + '.ps1')
    Set-Content -Path $file -Value $Script
    try {
        $output = & $PwshExe -NoProfile -NonInteractive -Command "& '$file'" 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
    }
    finally {
        Remove-Item $file -ErrorAction SilentlyContinue
    }
}

function Invoke-IsolatedPwsh {
    # Invoke-Pwsh with HOME (and so the user's module folder and PSResourceGet's repository list) in $HomePath.
    param([Parameter(Mandatory)] [string] $HomePath, [Parameter(Mandatory)] [string] $Script)
    New-Item -ItemType Directory -Force -Path $HomePath | Out-Null
    $saved = $env:HOME, $env:XDG_DATA_HOME, $env:XDG_CONFIG_HOME, $env:XDG_CACHE_HOME
    $env:HOME = $HomePath
    $env:XDG_DATA_HOME = $null; $env:XDG_CONFIG_HOME = $null; $env:XDG_CACHE_HOME = $null
    try {
        Invoke-Pwsh $Script
    }
    finally {
        $env:HOME, $env:XDG_DATA_HOME, $env:XDG_CONFIG_HOME, $env:XDG_CACHE_HOME = $saved
    }
}

function Invoke-AsManagedIdentity {
    # Runs $Body in a child pwsh that has imported the module and has IDENTITY_ENDPOINT/IDENTITY_HEADER set to the
    # sandbox's (set after import, before Connect-ScimGraph, as an Azure Automation runbook has them). $Body sees
    # $GraphUri, $PulumiApiUri and $OrgToken (a SecureString); its last output line is returned parsed from JSON.
    # Secrets travel in environment variables, never in the script file or on a command line.
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string] $Body, [string] $IdentityHeader)
    if (-not $IdentityHeader) { $IdentityHeader = ConvertFrom-SecureText $Sandbox.IdentityHeader }
    $env:PULUMISCIM_TEST_IDENTITY_HEADER = $IdentityHeader
    $env:PULUMISCIM_TEST_ORG_TOKEN = ConvertFrom-SecureText ($Sandbox.Organizations | Where-Object Name -eq 'acme').Token
    try {
        $output = Invoke-Pwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$env:IDENTITY_ENDPOINT = '$($Sandbox.ManagedIdentityEndpoint)'
`$env:IDENTITY_HEADER = `$env:PULUMISCIM_TEST_IDENTITY_HEADER
`$OrgToken = ConvertTo-SecureString -String `$env:PULUMISCIM_TEST_ORG_TOKEN -AsPlainText -Force
Remove-Item Env:PULUMISCIM_TEST_IDENTITY_HEADER, Env:PULUMISCIM_TEST_ORG_TOKEN
`$GraphUri = [uri]'$($Sandbox.GraphUri)'
`$PulumiApiUri = [uri]'$($Sandbox.PulumiApiUri)'
$Body
"@
    }
    finally {
        Remove-Item Env:PULUMISCIM_TEST_IDENTITY_HEADER, Env:PULUMISCIM_TEST_ORG_TOKEN -ErrorAction SilentlyContinue
    }
    @($output)[-1] | ConvertFrom-Json
}

function Invoke-Hostless {
    # Runs $Script with $Arguments in a new runspace that has the module and these helpers but no host, so what cmdlets
    # write to the host (the 'What if:' lines of -WhatIf) stays out of the test log; returns the output, throws the
    # first error.
    param([Parameter(Mandatory)] [scriptblock] $Script, [object[]] $Arguments)
    $iss = [initialsessionstate]::CreateDefault2()
    $iss.ImportPSModule([string[]]@($ModulePath, (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1')))
    $ps = [powershell]::Create($iss)
    try {
        $null = $ps.AddScript($Script.ToString())
        foreach ($a in $Arguments) { $null = $ps.AddArgument($a) }
        $ps.Invoke()
        if ($ps.Streams.Error.Count) { throw $ps.Streams.Error[0] }
    }
    finally {
        $ps.Dispose()
    }
}

function Stop-WhileWaiting {
    # Runs $Script in another runspace, waits (bounded) until $Until holds, presses "Ctrl+C" (Stop) and
    # returns how long stopping took.
    param($Sandbox, [scriptblock] $Script, [scriptblock] $Until, [object[]] $Arguments)
    # The module is imported by the runspace's initial state, so the command is a single statement: a
    # batch (AddStatement) would run on as a thread-pool work item after Stop and Dispose, and crash the process.
    $iss = [initialsessionstate]::CreateDefault2()
    $iss.ImportPSModule([string[]]@($ModulePath))
    $ps = [powershell]::Create($iss)
    try {
        $null = $ps.AddScript($Script)
        foreach ($a in $Arguments) { $null = $ps.AddArgument($a) }
        $handle = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while (-not (& $Until) -and [DateTime]::UtcNow -lt $deadline -and -not $handle.IsCompleted) { Start-Sleep -Milliseconds 50 }
        (& $Until) | Should -BeTrue -Because 'the command should be waiting by now'
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $sw.Elapsed
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
    }
    finally {
        $ps.Dispose()
    }
}

function Get-Completion {
    # What Tab offers at the end of $Line.
    param([Parameter(Mandatory)] [string] $Line)
    (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
}

function Invoke-BadInput {
    # Runs $Run; returns every ErrorRecord it produced, terminating or not.
    param([scriptblock] $Run)
    $records = [System.Collections.Generic.List[System.Management.Automation.ErrorRecord]]::new()
    try {
        & $Run 2>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $records.Add($_) } }
    }
    catch {
        $records.Add($_)
    }
    , $records
}

#endregion

#region Secrets and rendering

function ConvertFrom-SecureText {
    param([securestring] $Secure)
    [System.Net.NetworkCredential]::new('', $Secure).Password
}

function Get-ExceptionChain($exception) {
    for ($e = $exception; $e; $e = $e.InnerException) { $e }
}

function ConvertTo-Flat($o) {
    # Every property as text: objects whose properties lead into reflection (exceptions' TargetSite, a parameter's
    # Type, a record's MyCommand) make ConvertTo-Json -Depth 10 walk every type of every assembly and never finish.
    $h = [ordered]@{ Type = $o.GetType().FullName }
    foreach ($p in $o.PSObject.Properties) { try { $h[$p.Name] = "$($p.Value)" } catch { $h[$p.Name] = "<$($_.Exception.Message)>" } }
    $h
}

function ConvertTo-HaystackText {
    # Renders one captured thing every way it could reach a user: list view, flattened records, exceptions, JSON.
    param($Item)
    $text = [System.Text.StringBuilder]::new()
    $null = $text.AppendLine(($Item | Format-List * -Force | Out-String -Width 500))
    $record = if ($Item -is [System.Management.Automation.ErrorRecord]) { $Item } elseif ($Item -is [System.Management.Automation.IContainsErrorRecord]) { $Item.ErrorRecord }
    if ($record) {
        $flat = [ordered]@{
            Record         = ConvertTo-Flat $record
            ErrorDetails   = if ($record.ErrorDetails) { ConvertTo-Flat $record.ErrorDetails }
            InvocationInfo = if ($record.InvocationInfo) { ConvertTo-Flat $record.InvocationInfo }
            Exceptions     = @(Get-ExceptionChain $record.Exception | ForEach-Object { ConvertTo-Flat $_ })
        }
        $null = $text.AppendLine(($flat | ConvertTo-Json -Depth 10 -WarningAction SilentlyContinue))
        foreach ($e in Get-ExceptionChain $record.Exception) {
            $null = $text.AppendLine(($e | Format-List * -Force | Out-String -Width 500))
            $null = $text.AppendLine($e.ToString())
        }
    }
    elseif ($Item.GetType().FullName -like 'PulumiScim.*' -or $Item -is [System.Management.Automation.PSCustomObject]) {
        # The module's own output types: as JSON, as deep as the brief asks.
        $null = $text.AppendLine(($Item | ConvertTo-Json -Depth 10 -WarningAction SilentlyContinue))
    }
    else {
        $flat = ConvertTo-Flat $Item
        if ($Item -is [System.Management.Automation.InformationalRecord] -and $Item.InvocationInfo) { $flat.InvocationInfo = ConvertTo-Flat $Item.InvocationInfo }
        $null = $text.AppendLine(($flat | ConvertTo-Json -Depth 10 -WarningAction SilentlyContinue))
    }
    $text.ToString()
}

function Add-Haystack {
    # Adds one captured thing, rendered, to $To under a label.
    param([Parameter(Mandatory)] [AllowEmptyCollection()] [System.Collections.Generic.List[object]] $To, [string] $Label, $Item)
    if ($null -eq $Item) { return }
    $text = if ($Item -is [string]) { $Item } else { ConvertTo-HaystackText $Item }
    $To.Add([pscustomobject]@{ Label = $Label; Text = $text })
}

#endregion

#region The README

function Get-ReadmeTour {
    # The statements of the README's five-minute tour: one per line, a line ending in '|' continuing on the next.
    $readme = Get-Content (Join-Path $PSScriptRoot '../../README.md') -Raw
    $tour = [regex]::Match($readme, '(?s)## A five-minute tour.*?```powershell\r?\n(.*?)```').Groups[1].Value
    $pending = ''
    foreach ($line in $tour -split "`r?`n") {
        if (-not $line.Trim()) { continue }
        $pending = if ($pending) { "$pending`n$line" } else { $line }
        if ($line.TrimEnd() -notmatch '\|$') { $pending; $pending = '' }
    }
}

#endregion

#region Help docs

function New-DocsCopy {
    # A docs folder holding a copy of every doc in $From, with one file changed or left out.
    param([Parameter(Mandatory)] [string] $From, [string] $Omit, [string] $Edit, [scriptblock] $Change)
    $dir = Join-Path ([System.IO.Path]::GetTempPath()) ('pulumiscim-docs-' + [guid]::NewGuid())
    New-Item -ItemType Directory $dir | Out-Null
    foreach ($f in Get-ChildItem $From -Filter '*.md') {
        if ($f.BaseName -eq $Omit) { continue }
        $text = Get-Content $f.FullName -Raw
        if ($f.BaseName -eq $Edit) { $text = & $Change $text }
        Set-Content -Path (Join-Path $dir $f.Name) -Value $text
    }
    $dir
}

#endregion

#region Assemblies beside other copies of the module's dependencies

function Get-ShippedVersion {
    # The version of an assembly the built module ships in its bin folder.
    param([Parameter(Mandatory)] [string] $Name)
    $bin = Join-Path (Split-Path (Resolve-Path $ModulePath).ProviderPath) 'bin'
    [System.Reflection.AssemblyName]::GetAssemblyName((Join-Path $bin "$Name.dll")).Version.ToString()
}

function Invoke-Coexistence {
    # Loads $Set's assemblies before or after the module in a child pwsh, signs in as a managed identity, and returns
    # the child's JSON report of what loaded where and which copy served which call.
    param([Parameter(Mandatory)] [hashtable] $Set, [Parameter(Mandatory)] [ValidateSet('ModuleFirst', 'OthersFirst')] [string] $Order)
    $full = $Set.Paths | ForEach-Object { Join-Path $NuGetRoot $_ }
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
Import-Module '$ModulePath'
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
    # The report of Invoke-Coexistence shows both copies served their own callers from their own load contexts.
    param([Parameter(Mandatory)] $Report, [Parameter(Mandatory)] [hashtable] $Set, [Parameter(Mandatory)] [hashtable] $Shipped)
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
    $Report.IdentityVersion | Should -Be $Shipped['Azure.Identity']
    $Report.CredentialContext | Should -Be 'PulumiScim'
    $Report.LoadedByConnect | Should -Contain $Report.CredentialAssembly -Because 'Connect-ScimGraph -ManagedIdentity loaded the credential''s assembly'
    $Report.Mine | Should -Contain "Azure.Core $($Shipped['Azure.Core'])"
    $Report.Mine | Should -Contain "Microsoft.Identity.Client $($Shipped['Microsoft.Identity.Client'])"
    $Report.Mine | Should -Contain "Microsoft.Graph.Core $($Shipped['Microsoft.Graph.Core'])"
    @($Report.Mine | Where-Object { $_ -notin ($Shipped.GetEnumerator() | ForEach-Object { "$($_.Key) $($_.Value)" }) }) |
        Should -BeNullOrEmpty -Because 'nothing but the shipped versions loads into the module''s context'
}

#endregion

Export-ModuleMember -Function * -Variable ModulePath, NuGetRoot, SeedPath, PwshExe
