# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# The built help of every exported cmdlet: synopsis, description, parameter descriptions, at least two examples, and
# every example that is not comments only runs against a sandbox in a fresh pwsh (one child process per cmdlet).

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
    $commands = Get-Command -Module PulumiScim -CommandType Cmdlet | Sort-Object Name
    $script:HelpCases = foreach ($c in $commands) { @{ Name = $c.Name } }
    $script:ExampleCases = foreach ($c in $commands) {
        $number = 0
        $runnable = foreach ($example in @((Get-Help $c.Name -Full).examples.example)) {
            $number++
            if (-not $example) { continue }
            $code = [string]$example.code
            $lines = @($code -split "`r?`n" | Where-Object { $_.Trim() })
            if ($lines.Count -eq 0 -or -not ($lines | Where-Object { $_.TrimStart() -notlike '#*' })) { continue }
            @{ Number = $number; Code = $code }
        }
        if ($runnable) { @{ Name = $c.Name; Examples = @($runnable) } }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../../tools/HelpBuilder.psm1') -Force
    $script:CommonParameters = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $script:ModuleFullPath = (Resolve-Path $ModulePath).Path
}

Describe 'Help of <Name>' -ForEach $HelpCases {
    BeforeAll {
        $help = Get-Help $Name -Full
        $command = Get-Command $Name
    }

    It 'has a synopsis from the docs' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without MAML, Get-Help makes the synopsis up from the syntax.
        $help.Synopsis | Should -Not -Match '<CommonParameters>'
    }

    It 'has a description' {
        ($help.description.Text -join "`n").Trim() | Should -Not -BeNullOrEmpty
    }

    It 'describes every parameter' {
        $missing = foreach ($p in $command.Parameters.Keys | Where-Object { $CommonParameters -notcontains $_ }) {
            $entry = @($help.parameters.parameter) | Where-Object name -EQ $p
            if (-not $entry -or -not ($entry.description.Text -join '').Trim()) { $p }
        }
        $missing | Should -BeNullOrEmpty -Because 'every parameter needs a description in docs/en-US'
    }

    It 'documents -WhatIf and -Confirm in its markdown when it supports them' {
        # The MAML leaves them out (PowerShell describes them itself), so check the markdown the admin reads on GitHub.
        $wanted = @('WhatIf', 'Confirm') | Where-Object { $command.Parameters.ContainsKey($_) }
        if (-not $wanted) { return }
        $md = ConvertFrom-HelpMarkdown -Markdown (Get-Content (Join-Path $PSScriptRoot "../../docs/en-US/$Name.md") -Raw)
        foreach ($p in $wanted) { $md.Parameters[$p] | Should -Not -BeNullOrEmpty -Because "$Name supports -$p" }
    }

    It 'has at least two examples, each with code' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($e in $examples) { ([string]$e.code).Trim() | Should -Not -BeNullOrEmpty }
    }
}

Describe 'The about topic' {
    It 'is found by Get-Help about_PulumiScim' {
        $text = Get-Help about_PulumiScim | Out-String
        $text | Should -Match 'SHORT DESCRIPTION'
        $text | Should -Match 'Set-ScimTenant'
    }
}

Describe 'Every example runs' {
    It 'runs every example of <Name> in a fresh pwsh' -ForEach $ExampleCases {
        $script = [System.Text.StringBuilder]::new()
        [void]$script.AppendLine('$ErrorActionPreference = ''Stop''')
        [void]$script.AppendLine("Import-Module '$($ModuleFullPath -replace "'", "''")'")
        [void]$script.AppendLine('$__exampleFailures = 0')
        foreach ($e in $Examples) {
            # Each example runs in its own scope; its sandbox is stopped whatever happens.
            [void]$script.AppendLine("try {`n    & {`n        try {")
            [void]$script.AppendLine($e.Code)
            [void]$script.AppendLine("        }`n        finally { Get-Variable sb -ValueOnly -ErrorAction SilentlyContinue | Stop-ScimSandbox }`n    } | Out-Default")
            [void]$script.AppendLine("    [Console]::Out.WriteLine('EXAMPLE-OK $($e.Number)')")
            [void]$script.AppendLine('}')
            [void]$script.AppendLine("catch {`n    `$__exampleFailures++")
            [void]$script.AppendLine("    [Console]::Out.WriteLine(""EXAMPLE-FAIL $($e.Number): `$(`$_ | Out-String)`$(`$_.ScriptStackTrace)"")")
            [void]$script.AppendLine('}')
        }
        [void]$script.AppendLine('exit $__exampleFailures')

        # Invoke-Pwsh throws (with the whole output, EXAMPLE-FAIL lines included) when an example failed.
        $output = Invoke-Pwsh -Script $script.ToString()
        foreach ($e in $Examples) {
            $output | Should -Contain "EXAMPLE-OK $($e.Number)" -Because "example $($e.Number) of $Name must run"
        }
    }
}
