// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

namespace PulumiScim.Sandbox.Engine.Expressions;

/// <summary>What went wrong with an attribute-mapping expression.</summary>
public enum ExpressionErrorKind
{
    /// <summary>The text is not a well-formed expression (tokenizer or parser).</summary>
    Syntax,

    /// <summary>A function name that Entra does not know (names are case-sensitive).</summary>
    UnknownFunction,

    /// <summary>A known function called with the wrong number of arguments, or a required argument left empty.</summary>
    InvalidArguments,

    /// <summary>An <c>attributeMappingSource</c> object that does not describe an expression.</summary>
    InvalidMappingSource,

    /// <summary>The expression parsed, but evaluating it against the source object failed.</summary>
    Evaluation,
}

/// <summary>
/// An attribute-mapping expression that cannot be parsed or evaluated. The parser and the evaluator throw only this
/// exception type, so callers can turn any failure into a typed error (parseExpression's <c>error</c>, a provisioning
/// log entry) without catching anything broader.
/// </summary>
public sealed class ExpressionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">The kind of failure.</param>
    /// <param name="message">What went wrong, for people.</param>
    /// <param name="position">The zero-based character offset in the expression text, when known.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public ExpressionException(ExpressionErrorKind kind, string message, int? position = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Position = position;
    }

    /// <summary>The kind of failure.</summary>
    public ExpressionErrorKind Kind { get; }

    /// <summary>The zero-based character offset in the expression text where the problem was found, when known.</summary>
    public int? Position { get; }
}
