# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Unit tests of tools/HelpBuilder.psm1: markdown parsing, MAML output, and the build's refusals.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'PulumiScim.TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../../tools/HelpBuilder.psm1') -Force
    $script:RealDocs = Join-Path $PSScriptRoot '../../docs/en-US'

    $script:Sample = @'
# Disconnect-ScimGraph

## SYNOPSIS
Closes the session.

## DESCRIPTION
First paragraph
on two lines.

Second paragraph with <angle> & ampersand.

## EXAMPLES

### Example 1: Disconnect
```powershell
$sb = Start-ScimSandbox
## not a heading inside a fence
Disconnect-ScimGraph
```
After disconnecting, nothing is left.

### Example 2: Comments only
```powershell
# Connect-ScimGraph -ManagedIdentity
```

## PARAMETERS

### -Session
The session to close.

```yaml
Type: ScimGraphSession
```

## INPUTS

### PulumiScim.Session.ScimGraphSession
A session.

## OUTPUTS

### None
Nothing.

## NOTES
A note.

## RELATED LINKS
- Connect-ScimGraph
- [Pulumi](https://www.pulumi.com)
'@
}

Describe 'ConvertFrom-HelpMarkdown' {
    BeforeAll { $doc = ConvertFrom-HelpMarkdown -Markdown $Sample }

    It 'reads the name and the synopsis' {
        $doc.Name | Should -Be 'Disconnect-ScimGraph'
        $doc.Synopsis | Should -Be 'Closes the session.'
    }

    It 'keeps the description''s paragraphs' {
        $doc.Description | Should -Match '(?s)^First paragraph\s+on two lines\.\s*\n\s*\nSecond paragraph'
    }

    It 'reads every example with its title, code and remarks' {
        $doc.Examples.Count | Should -Be 2
        $doc.Examples[0].Title | Should -Be 'Example 1: Disconnect'
        $doc.Examples[0].Code | Should -Be "`$sb = Start-ScimSandbox`n## not a heading inside a fence`nDisconnect-ScimGraph"
        $doc.Examples[0].Remarks | Should -Be 'After disconnecting, nothing is left.'
        $doc.Examples[1].Code | Should -Be '# Connect-ScimGraph -ManagedIdentity'
        $doc.Examples[1].Remarks | Should -BeNullOrEmpty
    }

    It 'reads parameter descriptions without their yaml block' {
        $doc.Parameters.Keys | Should -Be @('Session')
        $doc.Parameters['Session'] | Should -Be 'The session to close.'
    }

    It 'reads inputs, outputs, notes and related links' {
        $doc.Inputs.Count | Should -Be 1
        $doc.Inputs[0].Type | Should -Be 'PulumiScim.Session.ScimGraphSession'
        $doc.Inputs[0].Description | Should -Be 'A session.'
        $doc.Outputs[0].Type | Should -Be 'None'
        $doc.Outputs[0].Description | Should -Be 'Nothing.'
        $doc.Notes | Should -Be 'A note.'
        @($doc.Links) | Should -Be @('Connect-ScimGraph', 'Pulumi')
    }

    It 'accepts CRLF line ends' {
        (ConvertFrom-HelpMarkdown -Markdown ($Sample -replace "`r?`n", "`r`n")).Examples[0].Code | Should -Not -Match "`r"
    }

    It 'refuses markdown without a title' {
        { ConvertFrom-HelpMarkdown -Markdown "## SYNOPSIS`nNo title." } | Should -Throw '*title*'
    }
}

Describe 'ConvertTo-MamlCommand' {
    BeforeAll {
        $doc = ConvertFrom-HelpMarkdown -Markdown $Sample
        $command = Get-Command Disconnect-ScimGraph
        $maml = ConvertTo-MamlCommand -Doc $doc -Command $command
        [xml]$xml = $maml
        $ns = [System.Xml.XmlNamespaceManager]::new($xml.NameTable)
        $ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
        $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
        $ns.AddNamespace('dev', 'http://schemas.microsoft.com/maml/dev/2004/10')
    }

    It 'writes well-formed XML with the synopsis and the name' {
        $xml.DocumentElement.LocalName | Should -Be 'command'
        $xml.SelectSingleNode('//command:details/command:name', $ns).InnerText | Should -Be 'Disconnect-ScimGraph'
        $xml.SelectSingleNode('//command:details/maml:description/maml:para', $ns).InnerText | Should -Be 'Closes the session.'
    }

    It 'escapes text and makes one para per paragraph' {
        $paras = @($xml.SelectNodes('/command:command/maml:description/maml:para', $ns))
        $paras.Count | Should -Be 2
        $paras[0].InnerText | Should -Be 'First paragraph on two lines.'
        $paras[1].InnerText | Should -Be 'Second paragraph with <angle> & ampersand.'
    }

    It 'lists the parameters from the cmdlet''s metadata, with the markdown''s descriptions' {
        $params = @($xml.SelectNodes('//command:parameters/command:parameter', $ns))
        $params.Count | Should -Be 1
        $params[0].SelectSingleNode('maml:name', $ns).InnerText | Should -Be 'Session'
        $params[0].SelectSingleNode('maml:description/maml:para', $ns).InnerText | Should -Be 'The session to close.'
        $params[0].SelectSingleNode('dev:type/maml:name', $ns).InnerText | Should -Be 'PulumiScim.Session.ScimGraphSession'
        $params[0].GetAttribute('pipelineInput') | Should -Match '^True'
        $maml | Should -Not -Match '<maml:name>(Verbose|ErrorAction|WhatIf)</maml:name>'
    }

    It 'writes the examples, inputs, outputs and links' {
        @($xml.SelectNodes('//command:examples/command:example', $ns)).Count | Should -Be 2
        $xml.SelectSingleNode('//command:example/dev:code', $ns).InnerText | Should -Match 'Disconnect-ScimGraph'
        $xml.SelectSingleNode('//command:inputTypes/command:inputType/dev:type/maml:name', $ns).InnerText | Should -Be 'PulumiScim.Session.ScimGraphSession'
        $xml.SelectSingleNode('//command:returnValues/command:returnValue/dev:type/maml:name', $ns).InnerText | Should -Be 'None'
        @($xml.SelectNodes('//command:relatedLinks/maml:navigationLink/maml:linkText', $ns) | ForEach-Object InnerText) | Should -Be @('Connect-ScimGraph', 'Pulumi')
    }

    It 'throws when a parameter has no description' {
        $bare = ConvertFrom-HelpMarkdown -Markdown ($Sample -replace '(?s)### -Session.*?(?=## INPUTS)', '')
        { ConvertTo-MamlCommand -Doc $bare -Command $command } | Should -Throw '*-Session has no description*'
    }
}

Describe 'Build-ModuleHelp' {
    BeforeEach {
        $out = Join-Path ([System.IO.Path]::GetTempPath()) ('pulumiscim-help-' + [guid]::NewGuid())
        $outFile = Join-Path $out 'en-US/PulumiScim.dll-Help.xml'
        $docs = $null
    }
    AfterEach {
        Remove-Item $out -Recurse -Force -ErrorAction SilentlyContinue
        if ($docs) { Remove-Item $docs -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'builds MAML for every exported cmdlet from the real docs, and copies the about topic' {
        Build-ModuleHelp -DocsPath $RealDocs -ModuleName PulumiScim -OutputFile $outFile
        [xml]$xml = Get-Content $outFile -Raw
        $names = @($xml.helpItems.command | ForEach-Object { $_.details.name })
        $exported = @(Get-Command -Module PulumiScim -CommandType Cmdlet | ForEach-Object Name)
        $names | Sort-Object | Should -Be ($exported | Sort-Object)
        Join-Path $out 'en-US/about_PulumiScim.help.txt' | Should -Exist
    }

    It 'throws when a cmdlet has no doc' {
        $docs = New-DocsCopy -From $RealDocs -Omit 'Set-ScimTenant'
        { Build-ModuleHelp -DocsPath $docs -ModuleName PulumiScim -OutputFile $outFile } | Should -Throw '*Set-ScimTenant.md is missing*'
        $outFile | Should -Not -Exist
    }

    It 'throws when a parameter has no description' {
        $docs = New-DocsCopy -From $RealDocs -Edit 'Set-ScimTenant' -Change { param($t) $t -replace '(?s)### -NotificationEmail\r?\n.*?(?=### -SkipValidation)', '' }
        { Build-ModuleHelp -DocsPath $docs -ModuleName PulumiScim -OutputFile $outFile } | Should -Throw '*Set-ScimTenant -NotificationEmail has no description*'
    }

    It 'throws when a doc has no synopsis' {
        $docs = New-DocsCopy -From $RealDocs -Edit 'Get-ScimAssignment' -Change { param($t) $t -replace '(?s)## SYNOPSIS\r?\n.*?(?=## DESCRIPTION)', "## SYNOPSIS`n`n" }
        { Build-ModuleHelp -DocsPath $docs -ModuleName PulumiScim -OutputFile $outFile } | Should -Throw '*Get-ScimAssignment has no SYNOPSIS*'
    }

    It 'throws when a doc has no example' {
        $docs = New-DocsCopy -From $RealDocs -Edit 'Get-ScimAssignment' -Change { param($t) $t -replace '(?s)## EXAMPLES\r?\n.*?(?=## PARAMETERS)', "## EXAMPLES`n`n" }
        { Build-ModuleHelp -DocsPath $docs -ModuleName PulumiScim -OutputFile $outFile } | Should -Throw '*Get-ScimAssignment has no example*'
    }

    It 'throws when a doc is titled with another name' {
        $docs = New-DocsCopy -From $RealDocs -Edit 'Get-ScimAssignment' -Change { param($t) $t -replace '^# Get-ScimAssignment', '# Get-ScimAssignments' }
        { Build-ModuleHelp -DocsPath $docs -ModuleName PulumiScim -OutputFile $outFile } | Should -Throw '*titled Get-ScimAssignments*'
    }
}

Describe 'The built help agrees with Get-Command' {
    # The help the module ships (built by build.ps1 from docs/en-US with this builder), read back through Get-Help.
    It 'lists, per parameter set, the parameters Get-Command -Syntax lists, -WhatIf and -Confirm included' {
        $common = [System.Management.Automation.Cmdlet]::CommonParameters
        $cmdlets = @(Get-Command -Module PulumiScim -CommandType Cmdlet)
        $cmdlets.Count | Should -BeGreaterThan 20
        $mismatches = foreach ($c in $cmdlets) {
            $fromCommand = @($c.ParameterSets | ForEach-Object { (@($_.Parameters.Name | Where-Object { $common -notcontains $_ }) -join ' ') }) | Sort-Object
            $fromHelp = @((Get-Help $c.Name -Full).syntax.syntaxItem | ForEach-Object { (@($_.parameter | ForEach-Object { $_.name }) -join ' ') }) | Sort-Object
            if (($fromCommand -join '|') -ne ($fromHelp -join '|')) { "$($c.Name): help [$($fromHelp -join '|')] vs Get-Command [$($fromCommand -join '|')]" }
            # Get-Command -Syntax shows [-WhatIf] exactly where the help does.
            $inSyntax = ((Get-Command $c.Name -Syntax) -join "`n") -match '\[-WhatIf\]'
            $inHelp = @((Get-Help $c.Name -Full).syntax.syntaxItem.parameter.name) -contains 'WhatIf'
            if ($inSyntax -ne $inHelp) { "$($c.Name): -WhatIf in Get-Command -Syntax $inSyntax, in the help $inHelp" }
        }
        $mismatches | Should -BeNullOrEmpty
    }

    It 'gives the defaults the cmdlets start from' {
        (Get-Help Set-ScimTenant -Parameter Scope).defaultValue | Should -Be 'AssignedOnly'
        (Get-Help Set-ScimTenant -Parameter WhatIf).defaultValue | Should -Be 'False'
        (Get-Help Set-ScimTenant -Parameter Token).defaultValue | Should -Be 'None'
        $syntax = (Get-Help Set-ScimTenant -Full | Out-String -Width 200)
        $syntax | Should -Match '\[-WhatIf\]'
        $syntax | Should -Match '\[-Confirm\]'
    }

    It 'says nothing stale about previewing an app without a job' {
        Get-Help about_PulumiScim | Out-String | Should -Not -Match 'NoProvisioningJob\. Run Set-ScimTenant first, then'
    }
}
