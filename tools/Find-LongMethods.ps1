<#
.SYNOPSIS
Lists the methods, constructors and accessors in C# files that are longer than a limit.

.DESCRIPTION
Parses each file with Roslyn (the copy PowerShell itself ships for Add-Type, so nothing is downloaded) and counts the
lines of every method, constructor, operator and property accessor from its first line (modifiers, not the doc comment
or attributes) to its last. Local functions and lambdas count towards the member they sit in. The house rule is that
no method in src/PulumiScim is over 60 lines. Writes one object per long member; with -Fail, exits 1 when any is found.

.EXAMPLE
dotnet pwsh -NoProfile -File tools/Find-LongMethods.ps1 -Path src/PulumiScim -Fail
#>
[CmdletBinding()]
param(
    [string[]] $Path = @((Join-Path $PSScriptRoot '../src/PulumiScim')),
    [int] $MaxLines = 60,
    [switch] $Fail
)

$ErrorActionPreference = 'Stop'
Add-Type -AssemblyName Microsoft.CodeAnalysis, Microsoft.CodeAnalysis.CSharp

$found = foreach ($file in Get-ChildItem -Path $Path -Recurse -Filter *.cs -File | Where-Object FullName -NotMatch '[\\/](obj|bin)[\\/]') {
    $tree = [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree]::ParseText([IO.File]::ReadAllText($file.FullName))
    $members = $tree.GetRoot().DescendantNodes().Where({
        $_ -is [Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax] -or
        $_ -is [Microsoft.CodeAnalysis.CSharp.Syntax.AccessorDeclarationSyntax]
    })
    foreach ($member in $members) {
        # From the first modifier (or the return type, or the accessor keyword) to the end; attributes and doc comments left out.
        $first = if ($member.Modifiers.Count -gt 0) { $member.Modifiers[0] } else { $member.AttributeLists.Count -gt 0 ? $member.AttributeLists[-1].GetLastToken().GetNextToken() : $member.GetFirstToken() }
        $start = $tree.GetLineSpan($first.Span).StartLinePosition.Line
        $end = $tree.GetLineSpan($member.Span).EndLinePosition.Line
        $lines = $end - $start + 1
        if ($lines -gt $MaxLines) {
            $name = if ($member -is [Microsoft.CodeAnalysis.CSharp.Syntax.AccessorDeclarationSyntax]) {
                "$($member.Parent.Parent.Identifier.ValueText ?? $member.Parent.Parent.ToString().Split('{')[0].Trim()).$($member.Keyword.ValueText)"
            } elseif ($member.PSObject.Properties['Identifier']) { $member.Identifier.ValueText } else { $member.Kind().ToString() }
            $type = ($member.Ancestors() | Where-Object { $_ -is [Microsoft.CodeAnalysis.CSharp.Syntax.BaseTypeDeclarationSyntax] } | Select-Object -First 1).Identifier.ValueText
            [pscustomobject]@{
                Lines  = $lines
                Member = "$type.$name"
                File   = [IO.Path]::GetRelativePath((Get-Location).Path, $file.FullName)
                Line   = $start + 1
            }
        }
    }
}

$found = @($found | Sort-Object Lines -Descending)
$found
if ($Fail -and $found.Count -gt 0) {
    Write-Error "$($found.Count) member(s) over $MaxLines lines." -ErrorAction Continue
    exit 1
}
