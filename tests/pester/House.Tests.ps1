# Copyright (c) PulumiScim contributors. Licensed under the MIT License.
# The house rule on method length: no method, constructor or accessor in src/PulumiScim over 60 lines, as
# tools/Find-LongMethods.ps1 counts them (from the first modifier to the closing brace).

BeforeAll {
    $script:tool = Join-Path $PSScriptRoot '../../tools/Find-LongMethods.ps1'
}

Describe 'Method length' {
    It 'has no member in src/PulumiScim over 60 lines' {
        $long = & $script:tool -Path (Join-Path $PSScriptRoot '../../src/PulumiScim')
        $long | ForEach-Object { "$($_.Member): $($_.Lines) lines ($($_.File):$($_.Line))" } | Should -BeNullOrEmpty
    }

    It 'finds a method of 61 lines and passes one of 60' {
        $dir = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'long')
        # "void M()", "{", the statements, "}": 3 lines around them.
        $statements = { param($n) (1..$n | ForEach-Object { "        x += $_;" }) -join "`n" }
        Set-Content -LiteralPath (Join-Path $dir 'Long.cs') -Value "class C`n{`n    void Long()`n    {`n$(& $statements 58)`n    }`n`n    void Short()`n    {`n$(& $statements 57)`n    }`n}"
        $found = @(& $script:tool -Path $dir)
        $found.Member | Should -Be 'C.Long'
        $found.Lines | Should -Be 61
    }
}
