// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.Engine.Expressions;

/// <summary>
/// Recursive-descent parser for attribute-mapping expressions:
/// <code>
/// expression := operand ( comparisonOperator operand )?
/// operand    := ATTRIBUTE | STRING | NUMBER | IDENTIFIER "(" arguments? ")" | KEYWORD
/// arguments  := argument ( "," argument )*          an argument may be empty: Switch([a], , "x", "y")
/// </code>
/// Function names are checked against the documented function list (case-sensitive) and their argument counts.
/// </summary>
internal sealed class ExpressionParser
{
    /// <summary>Deeper nesting than this is refused rather than risking the stack.</summary>
    public const int MaxDepth = 64;

    /// <summary>The bare keywords InStr's compareType takes.</summary>
    private static readonly HashSet<string> s_keywords = new(StringComparer.Ordinal) { "vbBinaryCompare", "vbTextCompare" };

    private readonly List<Token> _tokens;
    private int _index;

    private ExpressionParser(List<Token> tokens) => _tokens = tokens;

    private Token Current => _tokens[_index];

    public static Expression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Trim().Length == 0)
        {
            throw new ExpressionException(ExpressionErrorKind.Syntax, "The expression is empty.", 0);
        }

        var parser = new ExpressionParser(ExpressionTokenizer.Tokenize(text));
        Expression result = parser.ParseExpression(0);
        if (parser.Current.Kind != TokenKind.End)
        {
            Token t = parser.Current;
            throw new ExpressionException(ExpressionErrorKind.Syntax, $"Unexpected {t.Describe()} at position {t.Position}; the expression should end there.", t.Position);
        }

        return result;
    }

    private Expression ParseExpression(int depth)
    {
        Expression left = ParseOperand(depth);
        if (Current.Kind == TokenKind.Operator)
        {
            Token op = Current;
            _index++;
            Expression right = ParseOperand(depth);
            if (Current.Kind == TokenKind.Operator)
            {
                throw new ExpressionException(ExpressionErrorKind.Syntax, $"Unexpected operator '{Current.Text}' at position {Current.Position}; a condition compares two values only.", Current.Position);
            }

            return new ComparisonExpression(op.Text, left, right, op.Position);
        }

        return left;
    }

    private Expression ParseOperand(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ExpressionException(ExpressionErrorKind.Syntax, $"The expression nests functions more than {MaxDepth} levels deep.", Current.Position);
        }

        Token t = Current;
        switch (t.Kind)
        {
            case TokenKind.Attribute:
                _index++;
                return new AttributeReference(t.Text, t.Position);
            case TokenKind.String:
                _index++;
                return new ConstantExpression(t.Text, ConstantKind.String, t.Position);
            case TokenKind.Number:
                _index++;
                return new ConstantExpression(t.Text, ConstantKind.Number, t.Position);
            case TokenKind.Identifier:
                _index++;
                if (Current.Kind == TokenKind.OpenParen)
                {
                    _index++;
                    return ParseCall(t, depth);
                }

                if (s_keywords.Contains(t.Text))
                {
                    return new ConstantExpression(t.Text, ConstantKind.Keyword, t.Position);
                }

                throw new ExpressionException(
                    ExpressionErrorKind.Syntax,
                    $"Unexpected '{t.Text}' at position {t.Position}: attributes must be enclosed in square brackets ([{t.Text}]) and string constants in double quotes (\"{t.Text}\").",
                    t.Position);
            default:
                throw new ExpressionException(
                    ExpressionErrorKind.Syntax,
                    $"Expected an attribute, a string constant or a function at position {t.Position} but found {t.Describe()}.",
                    t.Position);
        }
    }

    private FunctionCall ParseCall(Token name, int depth)
    {
        var args = new List<Expression?>();
        if (Current.Kind == TokenKind.CloseParen)
        {
            _index++;
        }
        else
        {
            while (true)
            {
                args.Add(Current.Kind is TokenKind.Comma or TokenKind.CloseParen ? null : ParseExpression(depth + 1));
                if (Current.Kind == TokenKind.Comma)
                {
                    _index++;
                    continue;
                }

                if (Current.Kind == TokenKind.CloseParen)
                {
                    _index++;
                    break;
                }

                Token t = Current;
                string found = t.Kind == TokenKind.End ? "the end of the expression" : t.Describe();
                throw new ExpressionException(
                    ExpressionErrorKind.Syntax,
                    $"Expected ',' or ')' in the arguments of {name.Text} (opened at position {name.Position}) but found {found} at position {t.Position}.",
                    t.Position);
            }
        }

        var call = new FunctionCall(name.Text, args, name.Position);
        FunctionCatalog.Validate(call);
        return call;
    }
}

/// <summary>Turns Graph <c>attributeMappingSource</c> objects into expressions.</summary>
internal static class MappingSourceConverter
{
    public static Expression Convert(JsonObject source, int depth)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (depth > ExpressionParser.MaxDepth)
        {
            throw new ExpressionException(ExpressionErrorKind.InvalidMappingSource, $"The mapping source nests functions more than {ExpressionParser.MaxDepth} levels deep.");
        }

        string type = Text(source, "type") ?? "Attribute";
        string? name = Text(source, "name");
        switch (type)
        {
            case "Attribute":
                if (string.IsNullOrWhiteSpace(name))
                {
                    throw new ExpressionException(ExpressionErrorKind.InvalidMappingSource, "An Attribute mapping source has no name.");
                }

                return new AttributeReference(name);
            case "Constant":
                return new ConstantExpression(name ?? string.Empty);
            case "Function":
                return ConvertFunction(source, name, depth);
            default:
                throw new ExpressionException(ExpressionErrorKind.InvalidMappingSource, $"Unknown mapping source type '{type}'; expected Attribute, Constant or Function.");
        }
    }

    private static Expression ConvertFunction(JsonObject source, string? name, int depth)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ExpressionException(ExpressionErrorKind.InvalidMappingSource, "A Function mapping source has no name.");
        }

        var parameters = new List<(string? Key, Expression Value)>();
        if (source["parameters"] is JsonArray array)
        {
            foreach (JsonNode? p in array)
            {
                if (p is not JsonObject pair || pair["value"] is not JsonObject value)
                {
                    throw new ExpressionException(ExpressionErrorKind.InvalidMappingSource, $"A parameter of {name} is not a {{key, value}} pair with an attributeMappingSource value.");
                }

                parameters.Add((Text(pair, "key"), Convert(value, depth + 1)));
            }
        }
        else if (source["parameters"] is not null)
        {
            throw new ExpressionException(ExpressionErrorKind.InvalidMappingSource, $"The parameters of {name} are not an array.");
        }

        if (ComparisonExpression.Operators.Contains(name))
        {
            if (parameters.Count != 2)
            {
                throw new ExpressionException(ExpressionErrorKind.InvalidMappingSource, $"The comparison '{name}' needs two parameters.");
            }

            return new ComparisonExpression(name, parameters[0].Value, parameters[1].Value);
        }

        FunctionDefinition def = FunctionCatalog.GetOrThrow(name, 0);
        var positions = parameters.Select(p => p.Key is null ? -1 : def.PositionOf(p.Key)).ToList();
        bool byName = positions.All(i => i >= 0) && positions.Distinct().Count() == positions.Count;
        List<Expression?> args;
        if (def.Pairs && parameters.Any(p => p.Key is "key" or "value") && parameters.All(p => p.Key is "source" or "defaultValue" or "key" or "value"))
        {
            // Switch as Graph writes it: source, an optional defaultValue, then repeated key/value parameters. An empty
            // default (Switch([IsSoftDeleted], , "False", "True", ...)) has no parameter at all: keep its place empty.
            args = [parameters.FirstOrDefault(p => p.Key == "source").Value, parameters.FirstOrDefault(p => p.Key == "defaultValue").Value];
            args.AddRange(parameters.Where(p => p.Key is "key" or "value").Select(p => (Expression?)p.Value));
        }
        else if (byName && parameters.Count > 0)
        {
            args = new List<Expression?>(new Expression?[positions.Max() + 1]);
            for (int i = 0; i < parameters.Count; i++)
            {
                args[positions[i]] = parameters[i].Value;
            }
        }
        else
        {
            args = parameters.Select(p => (Expression?)p.Value).ToList();
        }

        var call = new FunctionCall(name, args);
        FunctionCatalog.Validate(call);
        return call;
    }

    private static string? Text(JsonObject o, string property) =>
        o[property] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
