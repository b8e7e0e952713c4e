# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# Turns the cmdlet help markdown in docs/en-US (platyPS-like sections) into MAML. Prose comes from the markdown;
# syntax, parameter types, positions, pipeline input and aliases come from the cmdlets' own metadata, so the help can
# never disagree with the code. No PowerShell Gallery tool is reachable here, hence this small builder.

Set-StrictMode -Version 3.0

function ConvertFrom-HelpMarkdown {
    <#
    .SYNOPSIS
        Parses one cmdlet's help markdown into a hashtable of sections.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param([Parameter(Mandatory)] [string] $Markdown)

    $doc = @{ Name = $null; Synopsis = ''; Description = ''; Examples = [System.Collections.Generic.List[hashtable]]::new(); Parameters = @{}; Inputs = [System.Collections.Generic.List[hashtable]]::new(); Outputs = [System.Collections.Generic.List[hashtable]]::new(); Notes = ''; Links = [System.Collections.Generic.List[string]]::new() }
    $section = $null; $sub = $null; $buffer = [System.Text.StringBuilder]::new(); $inFence = $false
    $lines = ($Markdown -replace "`r`n", "`n") -split "`n"
    $flush = {
        $text = $buffer.ToString().Trim()
        [void]$buffer.Clear()
        switch ($section) {
            'SYNOPSIS' { $doc.Synopsis = $text }
            'DESCRIPTION' { $doc.Description = $text }
            'NOTES' { $doc.Notes = $text }
            'EXAMPLES' {
                if ($sub) {
                    $code = [regex]::Match($text, '(?s)```[a-zA-Z]*\n(.*?)\n```')
                    $remarks = [regex]::Replace($text, '(?s)```[a-zA-Z]*\n.*?\n```', '').Trim()
                    $doc.Examples.Add(@{ Title = $sub; Code = if ($code.Success) { $code.Groups[1].Value.TrimEnd() } else { '' }; Remarks = $remarks })
                }
            }
            'PARAMETERS' { if ($sub) { $doc.Parameters[$sub.TrimStart('-')] = ([regex]::Replace($text, '(?s)```yaml\n.*?\n```', '')).Trim() } }
            'INPUTS' { if ($sub) { $doc.Inputs.Add(@{ Type = $sub; Description = $text }) } }
            'OUTPUTS' { if ($sub) { $doc.Outputs.Add(@{ Type = $sub; Description = $text }) } }
            'RELATED LINKS' { foreach ($l in $text -split "`n") { if ($l.Trim()) { $doc.Links.Add(($l.Trim() -replace '^\s*[-*]\s*', '' -replace '^\[(.*?)\]\(.*?\)$', '$1')) } } }
        }
    }
    foreach ($line in $lines) {
        if ($line -match '^```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^# (\S+)\s*$' -and -not $doc.Name) { $doc.Name = $Matches[1]; continue }
        if (-not $inFence -and $line -match '^## (.+?)\s*$') { & $flush; $section = $Matches[1].ToUpperInvariant(); $sub = $null; continue }
        if (-not $inFence -and $line -match '^### (.+?)\s*$') { & $flush; $sub = $Matches[1]; continue }
        [void]$buffer.AppendLine($line)
    }
    & $flush
    if (-not $doc.Name) { throw 'The help markdown has no "# <Cmdlet-Name>" title.' }
    $doc
}

# The usual words for the risk-mitigation parameters, where a cmdlet's markdown has none of its own.
$script:StandardDescriptions = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

function Get-ParameterDefault {
    <#
    .SYNOPSIS
        Each parameter's default value, read from a new instance of the cmdlet class (what binding starts from).
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param([Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command)
    $defaults = @{}
    $instance = if ($Command.ImplementingType) { [Activator]::CreateInstance($Command.ImplementingType) }
    try {
        foreach ($p in $Command.Parameters.Values) {
            $property = if ($instance) { $Command.ImplementingType.GetProperty($p.Name) }
            $value = if ($property) { $property.GetValue($instance) }
            $defaults[$p.Name] = if ($p.ParameterType -eq [System.Management.Automation.SwitchParameter]) { 'False' }
                elseif ($null -eq $value -or ($value -is [array] -and $value.Count -eq 0)) { 'None' }
                else { [string]$value }
        }
    }
    finally {
        if ($instance -is [System.IDisposable]) { $instance.Dispose() }
    }
    $defaults
}

function ConvertTo-MamlCommand {
    <#
    .SYNOPSIS
        Writes one <command:command> element from parsed markdown and the cmdlet's metadata.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [hashtable] $Doc,
        [Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command
    )
    # Like Get-Command -Syntax: every parameter but the common ones, so -WhatIf and -Confirm show where they apply.
    $common = [System.Management.Automation.Cmdlet]::CommonParameters
    $defaults = Get-ParameterDefault -Command $Command
    $e = { param($s) [System.Security.SecurityElement]::Escape([string]$s) }
    $paras = { param($text) (($text -split "\n\s*\n") | Where-Object { $_.Trim() } | ForEach-Object { "<maml:para>$(& $e ($_.Trim() -replace '\s*\n\s*', ' '))</maml:para>" }) -join '' }
    $paramXml = {
        param($p, $setParam)
        $pm = if ($setParam) { $setParam } else { $p.ParameterSets.Values | Select-Object -First 1 }
        $pipe = @()
        if ($pm.ValueFromPipeline) { $pipe += 'ByValue' }
        if ($pm.ValueFromPipelineByPropertyName) { $pipe += 'ByPropertyName' }
        $pipeText = if ($pipe) { "True ($($pipe -join ', '))" } else { 'False' }
        $position = if ($pm.Position -ge 0) { $pm.Position } else { 'named' }
        $aliases = if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }
        $globbing = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        $desc = $Doc.Parameters[$p.Name]
        if (-not $desc) { $desc = $script:StandardDescriptions[$p.Name] }
        if (-not $desc) { throw "docs: $($Command.Name) -$($p.Name) has no description in the markdown." }
        $typeName = $p.ParameterType.Name
        $value = if ($p.ParameterType -eq [System.Management.Automation.SwitchParameter]) { '' } else { "<command:parameterValue required=`"true`" variableLength=`"false`">$(& $e $typeName)</command:parameterValue>" }
        "<command:parameter required=`"$($pm.IsMandatory.ToString().ToLowerInvariant())`" variableLength=`"true`" globbing=`"$($globbing.ToString().ToLowerInvariant())`" pipelineInput=`"$pipeText`" position=`"$position`" aliases=`"$(& $e $aliases)`"><maml:name>$($p.Name)</maml:name><maml:description>$(& $paras $desc)</maml:description>$value<dev:type><maml:name>$(& $e $p.ParameterType.FullName)</maml:name><maml:uri /></dev:type><dev:defaultValue>$(& $e $defaults[$p.Name])</dev:defaultValue></command:parameter>"
    }
    $sb = [System.Text.StringBuilder]::new()
    [void]$sb.Append("<command:command xmlns:maml=`"http://schemas.microsoft.com/maml/2004/10`" xmlns:command=`"http://schemas.microsoft.com/maml/dev/command/2004/10`" xmlns:dev=`"http://schemas.microsoft.com/maml/dev/2004/10`" xmlns:MSHelp=`"http://msdn.microsoft.com/mshelp`">")
    [void]$sb.Append("<command:details><command:name>$($Command.Name)</command:name><command:verb>$($Command.Verb)</command:verb><command:noun>$($Command.Noun)</command:noun><maml:description>$(& $paras $Doc.Synopsis)</maml:description></command:details>")
    [void]$sb.Append("<maml:description>$(& $paras $Doc.Description)</maml:description>")
    [void]$sb.Append('<command:syntax>')
    foreach ($set in $Command.ParameterSets) {
        [void]$sb.Append("<command:syntaxItem><maml:name>$($Command.Name)</maml:name>")
        foreach ($sp in $set.Parameters | Where-Object { $common -notcontains $_.Name }) {
            [void]$sb.Append((& $paramXml $Command.Parameters[$sp.Name] $sp))
        }
        [void]$sb.Append('</command:syntaxItem>')
    }
    [void]$sb.Append('</command:syntax><command:parameters>')
    foreach ($p in $Command.Parameters.Values | Where-Object { $common -notcontains $_.Name } | Sort-Object Name) {
        [void]$sb.Append((& $paramXml $p $null))
    }
    [void]$sb.Append('</command:parameters><command:inputTypes>')
    foreach ($i in $Doc.Inputs) { [void]$sb.Append("<command:inputType><dev:type><maml:name>$(& $e $i.Type)</maml:name></dev:type><maml:description>$(& $paras $i.Description)</maml:description></command:inputType>") }
    [void]$sb.Append('</command:inputTypes><command:returnValues>')
    foreach ($o in $Doc.Outputs) { [void]$sb.Append("<command:returnValue><dev:type><maml:name>$(& $e $o.Type)</maml:name></dev:type><maml:description>$(& $paras $o.Description)</maml:description></command:returnValue>") }
    [void]$sb.Append("</command:returnValues><maml:alertSet><maml:alert>$(& $paras $Doc.Notes)</maml:alert></maml:alertSet><command:examples>")
    foreach ($x in $Doc.Examples) {
        [void]$sb.Append("<command:example><maml:title>-------------------------- $(& $e $x.Title) --------------------------</maml:title><dev:code>$(& $e $x.Code)</dev:code><dev:remarks>$(& $paras $x.Remarks)</dev:remarks></command:example>")
    }
    [void]$sb.Append('</command:examples><command:relatedLinks>')
    foreach ($l in $Doc.Links) { [void]$sb.Append("<maml:navigationLink><maml:linkText>$(& $e $l)</maml:linkText><maml:uri /></maml:navigationLink>") }
    [void]$sb.Append('</command:relatedLinks></command:command>')
    $sb.ToString()
}

function Build-ModuleHelp {
    <#
    .SYNOPSIS
        Builds <Assembly>.dll-Help.xml for every exported cmdlet of a module from docs/<culture>/<Cmdlet>.md, and copies about_*.md as about_*.help.txt.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $DocsPath,
        [Parameter(Mandatory)] [string] $ModuleName,
        [Parameter(Mandatory)] [string] $OutputFile
    )
    $commands = Get-Command -Module $ModuleName -CommandType Cmdlet
    $xml = [System.Text.StringBuilder]::new('<?xml version="1.0" encoding="utf-8"?><helpItems schema="maml" xmlns="http://msh">')
    foreach ($c in $commands) {
        $md = Join-Path $DocsPath "$($c.Name).md"
        if (-not (Test-Path $md)) { throw "docs: $md is missing (every exported cmdlet needs help)." }
        $doc = ConvertFrom-HelpMarkdown -Markdown (Get-Content $md -Raw)
        if ($doc.Name -ne $c.Name) { throw "docs: $md is titled $($doc.Name), not $($c.Name)." }
        if (-not $doc.Synopsis) { throw "docs: $($c.Name) has no SYNOPSIS." }
        if ($doc.Examples.Count -lt 1) { throw "docs: $($c.Name) has no example." }
        [void]$xml.Append((ConvertTo-MamlCommand -Doc $doc -Command $c))
    }
    [void]$xml.Append('</helpItems>')
    New-Item -ItemType Directory -Force (Split-Path $OutputFile) | Out-Null
    # validate: must be well-formed XML
    [xml]$null = $xml.ToString()
    Set-Content -Path $OutputFile -Value $xml.ToString() -Encoding utf8NoBOM
    foreach ($about in Get-ChildItem $DocsPath -Filter 'about_*.md') {
        Copy-Item $about.FullName (Join-Path (Split-Path $OutputFile) ($about.BaseName + '.help.txt'))
    }
}

Export-ModuleMember -Function ConvertFrom-HelpMarkdown, ConvertTo-MamlCommand, Get-ParameterDefault, Build-ModuleHelp
