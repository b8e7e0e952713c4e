# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# No secret leaks. The guide's pipeline runs with every stream on and captured (verbose, debug, information,
# warning, error, progress), a transcript, -WhatIf runs, error runs, backups and exports; then everything it left behind
# is searched for the Pulumi SCIM token, the Graph access token, a client secret and a rejected token.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force

    $script:haystack = [System.Collections.Generic.List[object]]::new()

    # The secrets: a random Pulumi SCIM token (seeded), the sandbox's Graph token, a client secret, a rejected token.
    $pulumiPlain = 'pulumi-scim-' + [guid]::NewGuid().ToString('N')
    $seed = Get-Content $SeedPath -Raw | ConvertFrom-Json -AsHashtable
    $seed.pulumi.organizations[0].token = $pulumiPlain
    $seedFile = Join-Path $TestDrive 'secrets-seed.json'
    $seed | ConvertTo-Json -Depth 100 | Set-Content $seedFile
    $seed.options.replicationDelayMs = 1500
    $slowSeedFile = Join-Path $TestDrive 'secrets-seed-replicating.json'
    $seed | ConvertTo-Json -Depth 100 | Set-Content $slowSeedFile
    Remove-Variable seed

    $script:sb = Start-ScimSandbox -SeedPath $seedFile
    $script:sb2 = Start-ScimSandbox -SeedPath $slowSeedFile
    $script:token = ($script:sb.Organizations | Where-Object Name -eq 'acme').Token
    $wrongToken = ConvertTo-SecureString ('rejected-' + [guid]::NewGuid().ToString('N')) -AsPlainText -Force
    $clientSecret = ConvertTo-SecureString ('client-secret-' + [guid]::NewGuid().ToString('N')) -AsPlainText -Force
    $script:secrets = [ordered]@{
        'Pulumi SCIM token'             = $pulumiPlain
        'Graph access token'            = ConvertFrom-SecureText $script:sb.AccessToken
        'Graph access token (sandbox 2)' = ConvertFrom-SecureText $script:sb2.AccessToken
        'client secret'                 = ConvertFrom-SecureText $clientSecret
        'rejected token'                = ConvertFrom-SecureText $wrongToken
    }
    $backups = Join-Path $TestDrive 'backups'
    $exports = Join-Path $TestDrive 'exports'
    $null = New-Item -ItemType Directory $exports
    $transcript = Join-Path $TestDrive 'transcript.txt'

    # 1. In another runspace, concurrently: Connect-ScimGraph -ClientSecret against a tenant that does not exist (the
    # token request fails after Azure.Identity's retries); its errors and streams are collected at the end.
    $connect = [powershell]::Create()
    $null = $connect.AddScript("Import-Module '$ModulePath'").AddStatement().AddScript({
            param($secret)
            $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'
            try { Connect-ScimGraph -TenantId 'contoso-does-not-exist.example' -ClientId '11111111-2222-3333-4444-555555555555' -ClientSecret $secret -Verbose -Debug } catch { $_ }
            $Error
            Get-ScimGraphSession
        }).AddArgument($clientSecret)
    $connectHandle = $connect.BeginInvoke()

    # 2. In another runspace: a fresh app on a replicating tenant, with progress on (a host-less runspace keeps
    # progress records in Streams.Progress).
    $progress = [powershell]::Create()
    $null = $progress.AddScript("Import-Module '$ModulePath'").AddStatement().AddScript({
            param($sb, $token, $backups)
            $ProgressPreference = 'Continue'; $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $InformationPreference = 'Continue'
            $sb | Connect-ScimGraph
            New-ScimApplication -DisplayName 'Pulumi Fresh' | Set-ScimTenant -OrganizationName acme -Token $token |
                Set-ScimUserMapping -BackupPath $backups | Start-ScimProvisioning
            Get-ScimApplication | Out-Null
            Get-ScimApplication 'Pulumi Fresh' | Wait-ScimProvisioning -Timeout 3 -ErrorAction SilentlyContinue
        }).AddArgument($script:sb2).AddArgument(($script:sb2.Organizations | Where-Object Name -eq 'acme').Token).AddArgument((Join-Path $backups 'fresh'))
    $progressHandle = $progress.BeginInvoke()

    # 3. Here: a recording listener standing in for "another host".
    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
    $script:listener = [System.Net.HttpListener]::new()
    $script:listener.Prefixes.Add("http://127.0.0.1:$port/")
    $script:listener.Start()
    $script:otherHost = "http://127.0.0.1:$port"
    $script:received = [System.Collections.Concurrent.ConcurrentQueue[object]]::new()
    $recorder = [powershell]::Create()
    $null = $recorder.AddScript({
            param($listener, $received)
            while ($listener.IsListening) {
                try { $ctx = $listener.GetContext() } catch { break }
                $body = [System.IO.StreamReader]::new($ctx.Request.InputStream).ReadToEnd()
                $headers = ($ctx.Request.Headers.AllKeys | ForEach-Object { "${_}: $($ctx.Request.Headers[$_])" }) -join "`n"
                $received.Enqueue([pscustomobject]@{ Method = $ctx.Request.HttpMethod; Url = $ctx.Request.RawUrl; Headers = $headers; Body = $body })
                $ctx.Response.StatusCode = 401
                $ctx.Response.Close()
            }
        }).AddArgument($script:listener).AddArgument($script:received)
    $recorderHandle = $recorder.BeginInvoke()

    # 4. Here, with a transcript and every preference on, everything captured with *>&1.
    $Error.Clear()
    Start-Transcript -Path $transcript -Force | Out-Null
    $prefs = 'VerbosePreference', 'DebugPreference', 'InformationPreference', 'ProgressPreference' | ForEach-Object { Get-Variable $_ -ValueOnly }
    $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $InformationPreference = 'Continue'; $ProgressPreference = 'Continue'
    try {
        $script:captured = & {
            $script:sb | Connect-ScimGraph -PassThru -Verbose -Debug
            Get-ScimGraphSession
            # A wrong token: Set-ScimTenant's Test Connection fails (CredentialsRejected).
            Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token $wrongToken -Verbose -Debug
            # The pipeline with a quarter of the requests faulted (resets included), so retries are logged too.
            Invoke-RestMethod -Method Post -Uri ([Uri]::new($script:sb.GraphUri, '/_sandbox/faults')) -ContentType 'application/json' -Body '{"ratio":0.25,"kinds":["429","503","504","reset"],"retryAfterSeconds":0.05,"seed":3}'
            Invoke-GuidePipeline -Sandbox $script:sb -BackupPath $backups -Verbose -Debug
            Invoke-RestMethod -Method Post -Uri ([Uri]::new($script:sb.GraphUri, '/_sandbox/faults')) -ContentType 'application/json' -Body '{"ratio":0}'
            # Again, with the scope changed: the token goes through Test Connection and the PUT.
            Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token $script:token -Scope AssignedOnly -NotificationEmail 'ops@contoso.example' -Verbose -Debug
            # A token sent to a Tenant URL on another host that refuses it.
            Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token $script:token -ApiUrl $script:otherHost -Verbose -Debug
            # Test Connection throttled past the retry budget.
            $script:sb | Connect-ScimGraph -MaxRetryWait 0.2
            Invoke-RestMethod -Method Post -Uri ([Uri]::new($script:sb.GraphUri, '/_sandbox/faults')) -ContentType 'application/json' -Body '{"ratio":1,"kinds":["503"],"retryAfterSeconds":0.05,"seed":1,"paths":"validateCredentials$"}'
            Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token $script:token -Verbose -Debug
            Invoke-RestMethod -Method Post -Uri ([Uri]::new($script:sb.GraphUri, '/_sandbox/faults')) -ContentType 'application/json' -Body '{"ratio":0}'
            $script:sb | Connect-ScimGraph
            # Plain failures, so $Error has entries of several kinds.
            Get-ScimApplication 'Pulumi Cloud' | Add-ScimAssignment -User 'nobody@contoso.example' -Verbose -Debug
            Get-ScimApplication -DisplayName 'Pulumi Nowhere'
            try { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token ($pulumiPlain) } catch { $_ }
            # Exports, mappings, assignments, status, checks: every output type.
            Get-ScimApplication 'Pulumi Cloud' | Export-ScimSchema -Path (Join-Path $exports 'pulumi-cloud.schema.json') -Verbose -Debug
            Get-ScimApplication 'Pulumi Cloud' | Get-ScimMapping
            Get-ScimApplication 'Pulumi Cloud' | Get-ScimAssignment
            Get-ScimApplication 'Pulumi Cloud' | Get-ScimProvisioningStatus
            Get-ScimApplication 'Pulumi Cloud' | Test-ScimConfiguration
            # Compare-ScimProvisioning reads Pulumi with the token: every stream on, then with a token Pulumi refuses.
            Get-ScimApplication 'Pulumi Cloud' | Compare-ScimProvisioning -Token $script:token -IncludeInSync -Verbose -Debug
            Get-ScimApplication 'Pulumi Cloud' | Compare-ScimProvisioning -Token $script:token -Summary
            Get-ScimApplication 'Pulumi Cloud' | Compare-ScimProvisioning -Token $wrongToken -Verbose -Debug
            Write-Progress -Activity 'Secrets test' -Completed
        } *>&1
    }
    finally {
        foreach ($i in 0..3) { Set-Variable ('VerbosePreference', 'DebugPreference', 'InformationPreference', 'ProgressPreference')[$i] $prefs[$i] }
        Stop-Transcript | Out-Null
    }
    $script:errorEntries = @($Error)

    # 5. -WhatIf writes its 'What if:' lines to the host: they are searched too, from a fresh pwsh whose output is
    # captured (so they stay out of the test log), against a sandbox of the same seed; its Graph token joins the secrets.
    $childToken = Join-Path $TestDrive 'child-graph-token.txt'
    $script:whatIfText = (Invoke-Pwsh @"
Import-Module '$ModulePath'
`$sb = Start-ScimSandbox -SeedPath '$seedFile'
try {
    Set-Content -Path '$childToken' -NoNewline -Value ([System.Net.NetworkCredential]::new('', `$sb.AccessToken).Password)
    `$sb | Connect-ScimGraph
    `$token = (`$sb.Organizations | Where-Object Name -eq 'acme').Token
    & {
        Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token `$token -WhatIf -Verbose -Debug |
            Set-ScimUserMapping -WhatIf -Verbose -Debug | Enable-ScimGroupProvisioning -WhatIf -Verbose -Debug |
            Add-ScimAssignment -Group 'Platform Team' -WhatIf -Verbose -Debug | Start-ScimProvisioning -WhatIf -Verbose -Debug
        Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token `$token -Scope All -WhatIf -Verbose -Debug
    } *>&1 | Out-String -Width 200
}
finally { `$sb | Stop-ScimSandbox }
"@) -join "`n"
    $script:secrets['Graph access token (-WhatIf run)'] = Get-Content $childToken -Raw
    Remove-Item $childToken

    # Collect the other runspaces.
    $script:connectOutput = @($connect.EndInvoke($connectHandle))
    $script:connectStreams = @($connect.Streams.Error) + @($connect.Streams.Verbose) + @($connect.Streams.Debug) + @($connect.Streams.Warning) + @($connect.Streams.Information)
    $connect.Dispose()
    $null = $progress.EndInvoke($progressHandle)
    $script:progressRecords = @($progress.Streams.Progress)
    $script:progressStreams = @($progress.Streams.Error) + @($progress.Streams.Verbose) + @($progress.Streams.Debug) + @($progress.Streams.Warning) + @($progress.Streams.Information)
    $progress.Dispose()
    $script:listener.Stop()
    $null = $recorder.EndInvoke($recorderHandle)
    $recorder.Dispose()

    # The haystack.
    foreach ($item in $script:captured) { Add-Haystack $script:haystack "captured $($item.GetType().Name)" $item }
    foreach ($item in $script:errorEntries) { Add-Haystack $script:haystack "`$Error $($item.FullyQualifiedErrorId)" $item }
    foreach ($item in $script:connectOutput + $script:connectStreams) { Add-Haystack $script:haystack "Connect-ScimGraph -ClientSecret runspace: $($item.GetType().Name)" $item }
    foreach ($item in $script:progressRecords + $script:progressStreams) { Add-Haystack $script:haystack "progress runspace: $($item.GetType().Name)" $item }
    Add-Haystack $script:haystack 'transcript' (Get-Content $transcript -Raw)
    Add-Haystack $script:haystack '-WhatIf run (host output)' $script:whatIfText
    foreach ($f in Get-ChildItem $backups, $exports -Recurse -File) { Add-Haystack $script:haystack "file $($f.Name)" (Get-Content $f.FullName -Raw) }
    foreach ($s in $script:sb, $script:sb2) {
        Add-Haystack $script:haystack 'sandbox request log' ((Invoke-WebRequest -Uri ([Uri]::new($s.GraphUri, '/_sandbox/requests'))).Content)
    }
    $script:sb | Connect-ScimGraph
    Add-Haystack $script:haystack 'Get-ScimGraphSession' (Get-ScimGraphSession)
    Add-Haystack $script:haystack 'Get-ScimGraphSession as text' (Get-ScimGraphSession | Out-String -Width 500)
}

AfterAll {
    Disconnect-ScimGraph -ErrorAction SilentlyContinue
    $script:sb, $script:sb2 | Stop-ScimSandbox
}

Describe 'What a run leaves behind' {
    It 'captured every stream, the transcript, files, errors and progress' {
        $types = $script:captured | ForEach-Object { $_.GetType().Name } | Sort-Object -Unique
        foreach ($t in 'VerboseRecord', 'DebugRecord', 'ErrorRecord', 'ScimApplication', 'ScimGraphSession', 'FileInfo') { $types | Should -Contain $t }
        $script:progressRecords.Count | Should -BeGreaterThan 0
        $script:errorEntries.Count | Should -BeGreaterOrEqual 5
        (Get-ChildItem (Join-Path $TestDrive 'backups') -Recurse -File).Count | Should -BeGreaterThan 1
        $script:haystack | Where-Object Label -eq '-WhatIf run (host output)' | ForEach-Object Text | Should -Match 'What if: Set the Pulumi tenant'
        (($script:captured | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Message -join "`n") | Should -Match 'POST /v1.0/\S*/validateCredentials -> 204'
        (($script:captured | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n") | Should -Match 'reading back before sending it again|as Retry-After asks'
        $script:connectOutput | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object FullyQualifiedErrorId |
            Should -Contain 'TokenAcquisitionFailed,PulumiScim.Commands.ConnectScimGraphCommand'
    }

    It 'covers Compare-ScimProvisioning: its objects, counts and Pulumi''s refusal of the wrong token' {
        $types = $script:captured | ForEach-Object { $_.GetType().Name } | Sort-Object -Unique
        $types | Should -Contain 'ScimDifference'
        $types | Should -Contain 'ScimDifferenceSummary'
        $script:errorEntries | ForEach-Object FullyQualifiedErrorId | Should -Contain 'PulumiTokenRejected,PulumiScim.Commands.CompareScimProvisioningCommand'
    }

    It 'finds a token where there is one (the search''s control)' {
        # The sandbox's state export holds the saved secrets by design (it is a test double): the search must see them.
        $state = (Invoke-WebRequest -Uri ([Uri]::new($script:sb.GraphUri, '/_sandbox/state'))).Content
        $state.Contains($script:secrets['Pulumi SCIM token']) | Should -BeTrue
        $script:haystack.Count | Should -BeGreaterThan 100
    }

    It 'holds no <_>' -ForEach @('Pulumi SCIM token', 'Graph access token', 'Graph access token (sandbox 2)', 'client secret', 'rejected token') {
        $secret = $script:secrets[$_]
        $secret.Length | Should -BeGreaterThan 30
        # The whole value, and a 16-character slice of its random part (a module that logs "the first characters").
        $slice = $secret.Substring($secret.Length - 20, 16)
        $leaks = $script:haystack | Where-Object { $_.Text.Contains($secret) -or $_.Text.Contains($slice) } | ForEach-Object Label
        $leaks | Should -BeNullOrEmpty
    }
}

Describe 'Where the tokens go' {
    It 'lets another host see only the Test Connection Entra sends to a Tenant URL there' {
        # The listener was up during the whole run; only the Set-ScimTenant -ApiUrl run pointed a Tenant URL at it.
        $requests = @($script:received.ToArray())
        $requests.Count | Should -BeGreaterThan 0
        $requests | ForEach-Object { "$($_.Method) $($_.Url)" } | Should -Match '^GET /scim/v2/acme/Users\?filter='
    }

    It 'sends the Pulumi token only to the Tenant URL, and never the Graph token' {
        foreach ($r in $script:received.ToArray()) {
            $r.Url | Should -BeLike '/scim/v2/acme/*'
            $r.Headers | Should -Not -Match ([regex]::Escape($script:secrets['Graph access token']))
            $r.Body | Should -Not -Match ([regex]::Escape($script:secrets['Pulumi SCIM token']))
        }
    }

    It 'refuses a token given as plain text, with a message that does not echo it' {
        $plain = $script:secrets['Pulumi SCIM token']
        $err = $null
        try { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token $plain } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ParameterArgumentTransformationError,PulumiScim.Commands.SetScimTenantCommand'
        $err.Exception.Message | Should -Match 'Pass the token as a SecureString or PSCredential, not as plain text'
        ($err | Format-List * -Force | Out-String -Width 500) + $err.Exception.ToString() | Should -Not -Match ([regex]::Escape($plain))
    }

    It 'refuses an http Tenant URL on a host that is not loopback' {
        $err = $null
        try { Get-ScimApplication 'Pulumi Cloud' | Set-ScimTenant -OrganizationName acme -Token $script:token -ApiUrl 'http://example.com' } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'InvalidApiUrl,PulumiScim.Commands.SetScimTenantCommand'
        $err.Exception.Message | Should -Match 'must use https \(http is accepted only for localhost'
    }

    It 'never puts a secret in a query string or path' {
        $log = @(Get-SandboxRequests $script:sb) + @(Get-SandboxRequests $script:sb2)
        $log.Count | Should -BeGreaterThan 20
        foreach ($secret in $script:secrets.Values) {
            $log | Where-Object { "$($_.path)$($_.query)".Contains($secret) -or [uri]::UnescapeDataString("$($_.query)").Contains($secret) } | Should -BeNullOrEmpty
        }
    }
}
