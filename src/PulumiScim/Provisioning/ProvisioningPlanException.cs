// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

namespace PulumiScim.Provisioning;

/// <summary>
/// The input of a plan cannot be planned against: the message says what is missing and how to fix it.
/// </summary>
public class ProvisioningPlanException : Exception
{
    /// <summary>Creates the exception with no message.</summary>
    public ProvisioningPlanException()
    {
    }

    /// <summary>Creates the exception with a message that says what is wrong and how to fix it.</summary>
    /// <param name="message">The message shown to the user.</param>
    public ProvisioningPlanException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message shown to the user.</param>
    /// <param name="innerException">The cause.</param>
    public ProvisioningPlanException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The provisioning job's schema lacks a part the guide edits (the outbound rule, the User or Group object mapping,
/// the target directory, the target object or one of its attributes).
/// </summary>
public sealed class SchemaShapeException : ProvisioningPlanException
{
    /// <summary>Creates the exception with no message.</summary>
    public SchemaShapeException()
    {
    }

    /// <summary>Creates the exception with a message that says what is missing and how to fix it.</summary>
    /// <param name="message">The message shown to the user.</param>
    public SchemaShapeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message shown to the user.</param>
    /// <param name="innerException">The cause.</param>
    public SchemaShapeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
