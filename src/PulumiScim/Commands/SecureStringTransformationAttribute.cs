// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Management.Automation;
using System.Security;

namespace PulumiScim.Commands;

/// <summary>
/// Accepts a token as a SecureString or a PSCredential (its password). A plain string is refused: it would already
/// sit in the history and transcript, which is exactly what the SecureString is there to avoid.
/// </summary>
public sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc/>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject pso ? pso.BaseObject : inputData;
        return value switch
        {
            SecureString s => s,
            PSCredential c => c.Password,
            string => throw new ArgumentTransformationMetadataException(
                "Pass the token as a SecureString or PSCredential, not as plain text: for example $token = Read-Host -AsSecureString, " +
                "or Get-Secret from Microsoft.PowerShell.SecretManagement, or Get-AutomationPSCredential in Azure Automation."),
            _ => throw new ArgumentTransformationMetadataException($"A {value?.GetType().Name ?? "null"} is not a token; pass a SecureString or PSCredential."),
        };
    }
}
