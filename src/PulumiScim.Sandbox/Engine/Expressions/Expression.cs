// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text;
using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Engine.Expressions;

/// <summary>
/// A parsed attribute-mapping expression (the AST). Build one with <see cref="Parse"/> from the text, or with
/// <see cref="FromAttributeMappingSource"/> from a mapping's <c>source</c> object; evaluate it with
/// <see cref="Evaluate(ExpressionSource)"/>. <see cref="ToString"/> gives the canonical text (as parseExpression
/// echoes it), <see cref="ToAttributeMappingSource"/> the Graph <c>attributeMappingSource</c> object.
/// </summary>
public abstract class Expression
{
    private protected Expression(int position) => Position = position;

    /// <summary>Where the node starts in the text it was parsed from (0 when built from a mapping source).</summary>
    public int Position { get; }

    /// <summary>Parses an expression.</summary>
    /// <param name="text">The expression text, for example <c>Switch([IsSoftDeleted], , "False", "True", "True", "False")</c>.</param>
    /// <returns>The expression.</returns>
    /// <exception cref="ExpressionException">The text is not a valid expression.</exception>
    public static Expression Parse(string text) => ExpressionParser.Parse(text);

    /// <summary>Parses an expression without throwing.</summary>
    /// <param name="text">The expression text.</param>
    /// <param name="expression">The expression, when parsing succeeded.</param>
    /// <param name="error">The error, when it failed.</param>
    /// <returns>True when the text parsed.</returns>
    public static bool TryParse(string text, out Expression? expression, out ExpressionException? error)
    {
        try
        {
            expression = ExpressionParser.Parse(text);
            error = null;
            return true;
        }
        catch (ExpressionException ex)
        {
            expression = null;
            error = ex;
            return false;
        }
    }

    /// <summary>
    /// Converts a Graph <c>attributeMappingSource</c> (<c>{expression, name, type, parameters[{key, value}]}</c>) to an
    /// expression: <c>Attribute</c> becomes an attribute reference, <c>Constant</c> a string constant, <c>Function</c>
    /// a call whose parameters are placed by their keys (the function's parameter names, as parseExpression writes
    /// them) or, when the keys are not the function's names, in order.
    /// </summary>
    /// <param name="source">The mapping source object.</param>
    /// <returns>The expression.</returns>
    /// <exception cref="ExpressionException">The object does not describe a valid expression.</exception>
    public static Expression FromAttributeMappingSource(JsonObject source) => MappingSourceConverter.Convert(source, 0);

    /// <summary>Evaluates the expression against a source object.</summary>
    /// <param name="source">The user's or group's attributes.</param>
    /// <returns>The value (null, a string, or a multi-valued list).</returns>
    /// <exception cref="ExpressionException">Evaluation failed (kind <see cref="ExpressionErrorKind.Evaluation"/>).</exception>
    public ExpressionValue Evaluate(ExpressionSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return EvaluateCore(new EvaluationContext(source));
    }

    /// <summary>Evaluates the expression against attribute values given by name.</summary>
    /// <param name="source">The attributes.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ExpressionException">Evaluation failed.</exception>
    public ExpressionValue Evaluate(IReadOnlyDictionary<string, object?> source) => Evaluate(ExpressionSource.FromDictionary(source));

    /// <summary>The names of every attribute the expression references, in order of appearance, without duplicates.</summary>
    public IReadOnlyList<string> ReferencedAttributes
    {
        get
        {
            var names = new List<string>();
            CollectAttributes(names);
            return names.Distinct(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>The Graph <c>attributeMappingSource</c> object for this expression.</summary>
    /// <returns>A new JSON object.</returns>
    public abstract JsonObject ToAttributeMappingSource();

    /// <summary>The canonical expression text: arguments separated by ", ", empty arguments left empty.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Render(sb);
        return sb.ToString();
    }

    internal abstract void Render(StringBuilder sb);

    internal abstract ExpressionValue EvaluateCore(EvaluationContext context);

    internal abstract void CollectAttributes(List<string> names);

    private protected static JsonObject MappingSource(string expression, string name, string type, JsonArray? parameters = null) => new()
    {
        ["expression"] = expression,
        ["name"] = name,
        ["parameters"] = parameters ?? [],
        ["type"] = type,
    };
}

/// <summary>An attribute of the source object: <c>[mailNickname]</c>.</summary>
public sealed class AttributeReference : Expression
{
    /// <summary>Creates the reference.</summary>
    /// <param name="name">The attribute name, without brackets.</param>
    /// <param name="position">Where it starts in the text.</param>
    public AttributeReference(string name, int position = 0)
        : base(position) => Name = name;

    /// <summary>The attribute name, without brackets.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override JsonObject ToAttributeMappingSource() => MappingSource(ToString(), Name, "Attribute");

    internal override void Render(StringBuilder sb) => sb.Append('[').Append(Name).Append(']');

    internal override ExpressionValue EvaluateCore(EvaluationContext context) => context.Source.Get(Name);

    internal override void CollectAttributes(List<string> names) => names.Add(Name);
}

/// <summary>How a constant was written.</summary>
public enum ConstantKind
{
    /// <summary>A string in double quotes.</summary>
    String,

    /// <summary>A number, such as <c>1</c>, <c>-10</c> or <c>&amp;HF</c>.</summary>
    Number,

    /// <summary>A bare keyword such as <c>vbBinaryCompare</c>.</summary>
    Keyword,
}

/// <summary>A constant: <c>"United States"</c>, <c>3</c>, <c>vbTextCompare</c>.</summary>
public sealed class ConstantExpression : Expression
{
    /// <summary>Creates the constant.</summary>
    /// <param name="value">The value (unescaped for strings; as written for numbers and keywords).</param>
    /// <param name="kind">How it was written.</param>
    /// <param name="position">Where it starts in the text.</param>
    public ConstantExpression(string value, ConstantKind kind = ConstantKind.String, int position = 0)
        : base(position)
    {
        Value = value;
        Kind = kind;
    }

    /// <summary>The value.</summary>
    public string Value { get; }

    /// <summary>How it was written.</summary>
    public ConstantKind Kind { get; }

    /// <summary>A string constant as expression text, with backslashes and quotation marks escaped.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The quoted text.</returns>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <inheritdoc/>
    /// <remarks>parseExpression writes every constant, numbers included, as a quoted string (<c>"\"1\""</c>).</remarks>
    public override JsonObject ToAttributeMappingSource() => MappingSource(Quote(Value), Value, "Constant");

    internal override void Render(StringBuilder sb) => sb.Append(Kind == ConstantKind.String ? Quote(Value) : Value);

    internal override ExpressionValue EvaluateCore(EvaluationContext context) => ExpressionValue.From(Value);

    internal override void CollectAttributes(List<string> names)
    {
    }
}

/// <summary>A function call: <c>Join(" ", [givenName], [surname])</c>. Empty arguments are null entries.</summary>
public sealed class FunctionCall : Expression
{
    /// <summary>Creates the call.</summary>
    /// <param name="name">The function name (case-sensitive).</param>
    /// <param name="arguments">The arguments in order; null for an empty argument.</param>
    /// <param name="position">Where it starts in the text.</param>
    public FunctionCall(string name, IReadOnlyList<Expression?> arguments, int position = 0)
        : base(position)
    {
        Name = name;
        Arguments = arguments;
    }

    /// <summary>The function name.</summary>
    public string Name { get; }

    /// <summary>The arguments in order; null for an empty argument (as in <c>Switch([IsSoftDeleted], , ...)</c>).</summary>
    public IReadOnlyList<Expression?> Arguments { get; }

    /// <inheritdoc/>
    /// <remarks>Parameters carry the function's parameter names as keys; empty arguments are left out.</remarks>
    public override JsonObject ToAttributeMappingSource()
    {
        FunctionDefinition def = FunctionCatalog.Get(Name)!;
        var parameters = new JsonArray();
        for (int i = 0; i < Arguments.Count; i++)
        {
            if (Arguments[i] is Expression arg)
            {
                parameters.Add(new JsonObject { ["key"] = def.ParameterName(i), ["value"] = arg.ToAttributeMappingSource() });
            }
        }

        return MappingSource(ToString(), Name, "Function", parameters);
    }

    internal override void Render(StringBuilder sb)
    {
        sb.Append(Name).Append('(');
        for (int i = 0; i < Arguments.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            Arguments[i]?.Render(sb);
        }

        sb.Append(')');
    }

    internal override ExpressionValue EvaluateCore(EvaluationContext context) =>
        FunctionCatalog.Get(Name)!.Invoke(this, context);

    internal override void CollectAttributes(List<string> names)
    {
        foreach (Expression? a in Arguments)
        {
            a?.CollectAttributes(names);
        }
    }
}

/// <summary>A comparison, as IIF's condition allows: <c>[country]="USA"</c>. Evaluates to "True" or "False".</summary>
public sealed class ComparisonExpression : Expression
{
    /// <summary>The operators: =, &lt;&gt;, &lt;, &lt;=, &gt;, &gt;=.</summary>
    public static IReadOnlyList<string> Operators { get; } = ["=", "<>", "<", "<=", ">", ">="];

    /// <summary>Creates the comparison.</summary>
    /// <param name="op">The operator.</param>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <param name="position">Where the operator is in the text.</param>
    public ComparisonExpression(string op, Expression left, Expression right, int position = 0)
        : base(position)
    {
        Operator = op;
        Left = left;
        Right = right;
    }

    /// <summary>The operator.</summary>
    public string Operator { get; }

    /// <summary>The left operand.</summary>
    public Expression Left { get; }

    /// <summary>The right operand.</summary>
    public Expression Right { get; }

    /// <inheritdoc/>
    /// <remarks>Graph documents no shape for a comparison; the sandbox writes a Function named by the operator with parameters <c>left</c> and <c>right</c>.</remarks>
    public override JsonObject ToAttributeMappingSource() => MappingSource(ToString(), Operator, "Function",
    [
        new JsonObject { ["key"] = "left", ["value"] = Left.ToAttributeMappingSource() },
        new JsonObject { ["key"] = "right", ["value"] = Right.ToAttributeMappingSource() },
    ]);

    internal override void Render(StringBuilder sb)
    {
        Left.Render(sb);
        sb.Append(' ').Append(Operator).Append(' ');
        Right.Render(sb);
    }

    internal override ExpressionValue EvaluateCore(EvaluationContext context)
    {
        ExpressionValue l = Left.EvaluateCore(context);
        ExpressionValue r = Right.EvaluateCore(context);
        if (l.IsNull || r.IsNull)
        {
            throw new ExpressionException(ExpressionErrorKind.Evaluation, $"The comparison '{this}' cannot be evaluated because an operand is null.", Position);
        }

        string a = FunctionCatalog.Single(l, "comparison", Position)!;
        string b = FunctionCatalog.Single(r, "comparison", Position)!;
        int cmp = decimal.TryParse(a, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out decimal x)
            && decimal.TryParse(b, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out decimal y)
            ? x.CompareTo(y)
            : string.CompareOrdinal(a, b);
        bool result = Operator switch
        {
            "=" => cmp == 0,
            "<>" => cmp != 0,
            "<" => cmp < 0,
            "<=" => cmp <= 0,
            ">" => cmp > 0,
            _ => cmp >= 0,
        };
        return ExpressionValue.From(result);
    }

    internal override void CollectAttributes(List<string> names)
    {
        Left.CollectAttributes(names);
        Right.CollectAttributes(names);
    }
}

/// <summary>State while evaluating: the source object.</summary>
internal sealed class EvaluationContext
{
    public EvaluationContext(ExpressionSource source) => Source = source;

    public ExpressionSource Source { get; }
}
