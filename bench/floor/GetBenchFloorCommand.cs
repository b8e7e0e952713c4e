// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;

namespace BenchFloor;

/// <summary>
/// <para type="synopsis">Returns 1: the only cmdlet of the import benchmark's floor module.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "BenchFloor")]
[OutputType(typeof(int))]
public sealed class GetBenchFloorCommand : PSCmdlet
{
    /// <inheritdoc/>
    protected override void ProcessRecord() => WriteObject(1);
}
