// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text;

namespace PulumiScim.Sandbox.Engine.Expressions;

/// <summary>The kinds of token in Entra's attribute-mapping expression language.</summary>
internal enum TokenKind
{
    /// <summary><c>[attributeName]</c>; the token text is the name without brackets.</summary>
    Attribute,

    /// <summary><c>"text"</c>; the token text is the unescaped value.</summary>
    String,

    /// <summary><c>12</c>, <c>-10</c>, <c>1.5</c> or a VBA hex literal <c>&amp;HF7</c>; the token text is as written.</summary>
    Number,

    /// <summary>A function name or a bare keyword such as <c>vbBinaryCompare</c>.</summary>
    Identifier,

    /// <summary><c>(</c></summary>
    OpenParen,

    /// <summary><c>)</c></summary>
    CloseParen,

    /// <summary><c>,</c></summary>
    Comma,

    /// <summary>A comparison operator: <c>=</c>, <c>&lt;&gt;</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>.</summary>
    Operator,

    /// <summary>The end of the text.</summary>
    End,
}

/// <summary>One token and where it starts in the expression text.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Position)
{
    public string Describe() => Kind switch
    {
        TokenKind.Attribute => $"attribute [{Text}]",
        TokenKind.String => $"string constant \"{Text}\"",
        TokenKind.Number => $"number {Text}",
        TokenKind.Identifier => $"'{Text}'",
        TokenKind.End => "the end of the expression",
        _ => $"'{Text}'",
    };
}

/// <summary>
/// Splits an expression into tokens, following Microsoft's "Reference for writing expressions for attribute mappings
/// in Microsoft Entra ID": attributes in square brackets, string constants in double quotes where a backslash or a
/// quotation mark must be escaped with a backslash, function names, parentheses, commas, and the comparison operators
/// the IIF condition allows.
/// </summary>
internal static class ExpressionTokenizer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            int start = i;
            switch (c)
            {
                case '(':
                    tokens.Add(new Token(TokenKind.OpenParen, "(", start));
                    i++;
                    break;
                case ')':
                    tokens.Add(new Token(TokenKind.CloseParen, ")", start));
                    i++;
                    break;
                case ',':
                    tokens.Add(new Token(TokenKind.Comma, ",", start));
                    i++;
                    break;
                case '[':
                    tokens.Add(ReadAttribute(text, ref i));
                    break;
                case '"':
                    tokens.Add(ReadString(text, ref i));
                    break;
                case '=':
                    tokens.Add(new Token(TokenKind.Operator, "=", start));
                    i++;
                    break;
                case '<':
                    if (i + 1 < text.Length && (text[i + 1] == '>' || text[i + 1] == '='))
                    {
                        tokens.Add(new Token(TokenKind.Operator, text.Substring(i, 2), start));
                        i += 2;
                    }
                    else
                    {
                        tokens.Add(new Token(TokenKind.Operator, "<", start));
                        i++;
                    }

                    break;
                case '>':
                    if (i + 1 < text.Length && text[i + 1] == '=')
                    {
                        tokens.Add(new Token(TokenKind.Operator, ">=", start));
                        i += 2;
                    }
                    else
                    {
                        tokens.Add(new Token(TokenKind.Operator, ">", start));
                        i++;
                    }

                    break;
                case '&':
                    tokens.Add(ReadHex(text, ref i));
                    break;
                default:
                    if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
                    {
                        tokens.Add(ReadNumber(text, ref i));
                    }
                    else if (char.IsAsciiLetter(c) || c == '_')
                    {
                        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                        {
                            i++;
                        }

                        tokens.Add(new Token(TokenKind.Identifier, text[start..i], start));
                    }
                    else
                    {
                        throw new ExpressionException(ExpressionErrorKind.Syntax, $"Unexpected character '{c}' at position {start}.", start);
                    }

                    break;
            }
        }

        tokens.Add(new Token(TokenKind.End, string.Empty, text.Length));
        return tokens;
    }

    private static Token ReadAttribute(string text, ref int i)
    {
        int start = i;
        int close = text.IndexOf(']', i + 1);
        if (close < 0)
        {
            throw new ExpressionException(ExpressionErrorKind.Syntax, $"The attribute reference starting at position {start} has no closing ']'.", start);
        }

        string name = text[(i + 1)..close];
        if (name.Trim().Length == 0)
        {
            throw new ExpressionException(ExpressionErrorKind.Syntax, $"The attribute reference at position {start} names no attribute.", start);
        }

        int nested = name.IndexOfAny(['[', '"', '(', ')', ',']);
        if (nested >= 0)
        {
            throw new ExpressionException(ExpressionErrorKind.Syntax, $"Unexpected character '{name[nested]}' inside the attribute reference at position {start}.", start + 1 + nested);
        }

        if (name != name.Trim())
        {
            throw new ExpressionException(ExpressionErrorKind.Syntax, $"The attribute name at position {start} has leading or trailing spaces: [{name}].", start);
        }

        i = close + 1;
        return new Token(TokenKind.Attribute, name, start);
    }

    private static Token ReadString(string text, ref int i)
    {
        int start = i;
        var sb = new StringBuilder();
        i++;
        while (true)
        {
            if (i >= text.Length)
            {
                throw new ExpressionException(ExpressionErrorKind.Syntax, $"The string constant starting at position {start} has no closing quotation mark.", start);
            }

            char c = text[i];
            if (c == '"')
            {
                i++;
                return new Token(TokenKind.String, sb.ToString(), start);
            }

            if (c == '\\')
            {
                // The reference: "if you need a backslash ( \ ) or quotation mark ( " ) in the string, it must be
                // escaped with the backslash ( \ ) symbol". Any other escape is an error, not a literal backslash.
                if (i + 1 < text.Length && (text[i + 1] == '\\' || text[i + 1] == '"'))
                {
                    sb.Append(text[i + 1]);
                    i += 2;
                    continue;
                }

                string found = i + 1 < text.Length ? "\\" + text[i + 1] : "\\";
                throw new ExpressionException(
                    ExpressionErrorKind.Syntax,
                    $"Invalid escape sequence '{found}' at position {i}: inside a string constant a backslash must be written as \\\\ and a quotation mark as \\\".",
                    i);
            }

            sb.Append(c);
            i++;
        }
    }

    private static Token ReadNumber(string text, ref int i)
    {
        int start = i;
        if (text[i] == '-')
        {
            i++;
        }

        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] == '_'))
        {
            throw new ExpressionException(ExpressionErrorKind.Syntax, $"Unexpected character '{text[i]}' after the number at position {start}.", i);
        }

        return new Token(TokenKind.Number, text[start..i], start);
    }

    private static Token ReadHex(string text, ref int i)
    {
        int start = i;
        if (i + 1 >= text.Length || (text[i + 1] != 'H' && text[i + 1] != 'h'))
        {
            throw new ExpressionException(ExpressionErrorKind.Syntax, $"Unexpected character '&' at position {start}.", start);
        }

        i += 2;
        int digits = i;
        while (i < text.Length && char.IsAsciiHexDigit(text[i]))
        {
            i++;
        }

        if (i == digits)
        {
            throw new ExpressionException(ExpressionErrorKind.Syntax, $"The hexadecimal number at position {start} has no digits.", start);
        }

        return new Token(TokenKind.Number, text[start..i], start);
    }
}
