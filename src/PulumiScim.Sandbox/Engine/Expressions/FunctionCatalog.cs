// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;

namespace PulumiScim.Sandbox.Engine.Expressions;

/// <summary>One parameter of a function: its key in parseExpression's output and whether it may be left empty.</summary>
internal sealed record ParameterSpec(string Name, bool Required = true);

/// <summary>
/// A function of the expression language: its parameters (fixed ones, then optionally a repeating one or repeating
/// key/value pairs) and its body.
/// </summary>
internal sealed class FunctionDefinition
{
    public FunctionDefinition(string name, ParameterSpec[] fixedParameters, Func<FunctionArguments, ExpressionValue> body, string? repeating = null, int minRepeat = 0, bool pairs = false)
    {
        Name = name;
        Fixed = fixedParameters;
        Body = body;
        Repeating = repeating;
        MinRepeat = minRepeat;
        Pairs = pairs;
    }

    public string Name { get; }

    public IReadOnlyList<ParameterSpec> Fixed { get; }

    /// <summary>The name stem of a repeating parameter (<c>source</c> gives source1, source2, ...), or null.</summary>
    public string? Repeating { get; }

    /// <summary>The minimum number of repeated arguments (of pairs, when <see cref="Pairs"/>).</summary>
    public int MinRepeat { get; }

    /// <summary>Whether the repeating part is key/value pairs (Switch).</summary>
    public bool Pairs { get; }

    public Func<FunctionArguments, ExpressionValue> Body { get; }

    public bool IsVariadic => Repeating is not null || Pairs;

    public string ParameterName(int index)
    {
        if (index < Fixed.Count)
        {
            return Fixed[index].Name;
        }

        int r = index - Fixed.Count;
        return Pairs ? (r % 2 == 0 ? "key" : "value") + ((r / 2) + 1).ToString(CultureInfo.InvariantCulture) : Repeating + (r + 1).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The argument position a parameter key names, or -1.</summary>
    public int PositionOf(string key)
    {
        for (int i = 0; i < Fixed.Count; i++)
        {
            if (string.Equals(Fixed[i].Name, key, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        if (Pairs)
        {
            foreach ((string stem, int offset) in new[] { ("key", 0), ("value", 1) })
            {
                if (key.StartsWith(stem, StringComparison.OrdinalIgnoreCase) && int.TryParse(key.AsSpan(stem.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1)
                {
                    return Fixed.Count + ((n - 1) * 2) + offset;
                }
            }
        }
        else if (Repeating is not null && key.StartsWith(Repeating, StringComparison.OrdinalIgnoreCase)
            && int.TryParse(key.AsSpan(Repeating.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int m) && m >= 1)
        {
            return Fixed.Count + m - 1;
        }

        return -1;
    }

    public void Validate(FunctionCall call)
    {
        int n = call.Arguments.Count;
        if (!IsVariadic && n > Fixed.Count)
        {
            throw Invalid(call, Fixed.Count == 0
                ? $"{Name} takes no arguments but was given {n}."
                : $"{Name} takes at most {Fixed.Count} argument{(Fixed.Count == 1 ? string.Empty : "s")} ({string.Join(", ", Fixed.Select(p => p.Name))}) but was given {n}.");
        }

        for (int i = 0; i < Fixed.Count; i++)
        {
            if (Fixed[i].Required && (i >= n || call.Arguments[i] is null))
            {
                throw Invalid(call, $"{Name} requires the argument '{Fixed[i].Name}' (argument {i + 1}).");
            }
        }

        if (IsVariadic)
        {
            int repeated = Math.Max(0, n - Fixed.Count);
            if (Pairs && repeated % 2 != 0)
            {
                throw Invalid(call, $"{Name} expects its keys and values in pairs, so an even number of arguments, but was given {n}.");
            }

            int count = Pairs ? repeated / 2 : repeated;
            if (count < MinRepeat)
            {
                string what = Pairs ? "key/value pair" : $"'{Repeating}' argument";
                throw Invalid(call, $"{Name} requires at least {MinRepeat} {what}{(MinRepeat == 1 ? string.Empty : "s")} but was given {count}.");
            }

            for (int i = Fixed.Count; i < n; i++)
            {
                if (call.Arguments[i] is null)
                {
                    throw Invalid(call, $"{Name} requires the argument '{ParameterName(i)}' (argument {i + 1}); it is empty.");
                }
            }
        }

        foreach (Expression? arg in call.Arguments)
        {
            if (arg is FunctionCall { Name: "SelectUniqueValue" } nested)
            {
                throw new ExpressionException(ExpressionErrorKind.InvalidArguments, "SelectUniqueValue must be at the top level of an expression and can't be nested.", nested.Position);
            }
        }
    }

    public ExpressionValue Invoke(FunctionCall call, EvaluationContext context)
    {
        try
        {
            return Body(new FunctionArguments(this, call, context));
        }
        catch (Exception ex) when (ex is not ExpressionException)
        {
            throw new ExpressionException(ExpressionErrorKind.Evaluation, $"{Name} failed: {ex.Message}", call.Position, ex);
        }
    }

    private static ExpressionException Invalid(FunctionCall call, string message) =>
        new(ExpressionErrorKind.InvalidArguments, message, call.Position);
}

/// <summary>The arguments of one function call, evaluated on demand (IIF, Switch and Coalesce evaluate only what they need).</summary>
internal sealed class FunctionArguments
{
    private readonly FunctionDefinition _definition;
    private readonly FunctionCall _call;

    public FunctionArguments(FunctionDefinition definition, FunctionCall call, EvaluationContext context)
    {
        _definition = definition;
        _call = call;
        Context = context;
    }

    public EvaluationContext Context { get; }

    public int Count => _call.Arguments.Count;

    public Expression? Node(int i) => i < _call.Arguments.Count ? _call.Arguments[i] : null;

    /// <summary>Whether the argument is written (not empty, not beyond the end).</summary>
    public bool IsProvided(int i) => Node(i) is not null;

    public ExpressionValue Value(int i) => Node(i)?.EvaluateCore(Context) ?? ExpressionValue.Null;

    /// <summary>The argument as one string; null when empty or null; an error when multi-valued.</summary>
    public string? Text(int i) => FunctionCatalog.Single(Value(i), _definition.Name + " argument '" + _definition.ParameterName(i) + "'", _call.Position);

    public int Integer(int i)
    {
        string? text = Text(i) ?? throw Error($"the argument '{_definition.ParameterName(i)}' is null; a whole number is expected.");
        return FunctionCatalog.ParseInteger(text) is long v && v is >= int.MinValue and <= int.MaxValue
            ? (int)v
            : throw Error($"the argument '{_definition.ParameterName(i)}' is '{text}'; a whole number is expected.");
    }

    public ExpressionException Error(string message) =>
        new(ExpressionErrorKind.Evaluation, $"{_definition.Name}: {message}", _call.Position);
}

/// <summary>The documented functions (Microsoft's "Reference for writing expressions for attribute mappings in Microsoft Entra ID").</summary>
internal static partial class FunctionCatalog
{
    private static readonly Dictionary<string, FunctionDefinition> s_functions = Build().ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>Every function name the parser accepts.</summary>
    public static IReadOnlyCollection<string> Names => s_functions.Keys;

    public static FunctionDefinition? Get(string name) => s_functions.GetValueOrDefault(name);

    public static FunctionDefinition GetOrThrow(string name, int position)
    {
        if (s_functions.TryGetValue(name, out FunctionDefinition? def))
        {
            return def;
        }

        string? near = s_functions.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        string hint = near is null ? string.Empty : $" Function names are case-sensitive; did you mean '{near}'?";
        throw new ExpressionException(ExpressionErrorKind.UnknownFunction, $"Unknown function '{name}' at position {position}.{hint}", position);
    }

    public static void Validate(FunctionCall call) => GetOrThrow(call.Name, call.Position).Validate(call);

    /// <summary>A value that must be a single string (or null).</summary>
    public static string? Single(ExpressionValue value, string what, int position) =>
        value.IsMultiValued
            ? throw new ExpressionException(ExpressionErrorKind.Evaluation, $"The {what} is multi-valued ({value}); a single value is expected.", position)
            : value.AsString;

    /// <summary>Parses a whole number, including VBA hexadecimal <c>&amp;HF7</c>; null when it is not one.</summary>
    public static long? ParseInteger(string text)
    {
        string t = text.Trim();
        if (t.StartsWith("&H", StringComparison.OrdinalIgnoreCase))
        {
            return long.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long h) ? h : null;
        }

        return long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : null;
    }

    private static IEnumerable<FunctionDefinition> Build()
    {
        static ParameterSpec P(string name, bool required = true) => new(name, required);
        static FunctionDefinition F(string name, ParameterSpec[] ps, Func<FunctionArguments, ExpressionValue> body) => new(name, ps, body);

        yield return F("Append", [P("source"), P("suffix")], Append);
        yield return F("AppRoleAssignmentsComplex", [P("source")], a => ExpressionValue.FromMany(a.Value(0).Values));
        yield return F("BitAnd", [P("value1"), P("value2")], BitAnd);
        yield return F("CBool", [P("expression")], a => ExpressionValue.From(ToBoolean(a, 0, numericAllowed: true)));
        yield return F("CDate", [P("expression")], a => Date(Dates.Parse(a, 0)));
        yield return new FunctionDefinition("Coalesce", [], Coalesce, repeating: "source", minRepeat: 1);
        yield return F("ConvertToBase64", [P("source")], a => Map(a, 0, s => Convert.ToBase64String(System.Text.Encoding.Unicode.GetBytes(s))));
        yield return F("ConvertToUTF8Hex", [P("source")], a => Map(a, 0, s => Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(s))));
        yield return F("Count", [P("attribute")], a => ExpressionValue.From(a.Value(0).Values.Count.ToString(CultureInfo.InvariantCulture)));
        yield return F("CStr", [P("value")], a => ExpressionValue.From(a.Text(0)));
        yield return F("DateAdd", [P("interval"), P("value"), P("dateTime")], Dates.Add);
        yield return F("DateDiff", [P("interval"), P("date1"), P("date2")], Dates.Diff);
        yield return F("DateFromNum", [P("value")], Dates.FromNum);
        yield return F("FormatDateTime", [P("source"), P("dateTimeStyles", false), P("inputFormat"), P("outputFormat")], Dates.Format);
        yield return F("Guid", [], _ => ExpressionValue.From(System.Guid.NewGuid().ToString()));
        yield return F("IgnoreFlowIfNullOrEmpty", [P("expression")], a => a.Value(0) is { } v && (v.IsNull || v.AsString == string.Empty) ? ExpressionValue.Null : a.Value(0));
        yield return F("IIF", [P("condition"), P("valueIfTrue"), P("valueIfFalse")], Iif);
        yield return F("InStr", [P("value1"), P("value2"), P("start", false), P("compareType", false)], InStr);
        yield return F("IsNull", [P("expression")], a => ExpressionValue.From(a.Value(0).IsNull));
        yield return F("IsNullOrEmpty", [P("expression")], a => ExpressionValue.From(IsNullOrEmpty(a.Value(0))));
        yield return F("IsPresent", [P("expression")], a => ExpressionValue.From(!IsNullOrEmpty(a.Value(0))));
        yield return F("IsString", [P("expression")], a => ExpressionValue.From(a.Value(0).AsString is not null));
        yield return F("Item", [P("attribute"), P("index")], Item);
        yield return new FunctionDefinition("Join", [P("separator")], Join, repeating: "source", minRepeat: 1);
        yield return F("Left", [P("string"), P("numChars")], Left);
        yield return F("Mid", [P("source"), P("start"), P("length")], Mid);
        yield return F("NormalizeDiacritics", [P("source")], a => Map(a, 0, Diacritics.Normalize));
        yield return F("Not", [P("source")], a => ExpressionValue.From(!string.Equals(a.Text(0), "True", StringComparison.OrdinalIgnoreCase)));
        yield return F("Now", [], _ => Date(DateTime.UtcNow));
        yield return F("NumFromDate", [P("value")], Dates.NumFromDate);
        yield return F("PCase", [P("source"), P("wordSeparators", false)], PCase);
        yield return F("RandomString", [P("length"), P("minimumNumbers"), P("minimumSpecialCharacters"), P("minimumCapital"), P("minimumLowerCase"), P("charactersToAvoid", false)], RandomText.Generate);
        yield return F("Redact", [P("source")], a => a.Value(0));
        yield return F("RemoveDuplicates", [P("attribute")], a => a.Value(0) is { IsMultiValued: true } v ? ExpressionValue.FromMany(v.Values.Distinct(StringComparer.Ordinal)) : a.Value(0));

        // parseExpression's documented example names Replace's parameters "source", "Find" and "Replacement"; the
        // other keys are not documented and follow the reference's parameter names.
        yield return F("Replace", [P("source"), P("Find", false), P("RegexPattern", false), P("RegexGroupName", false), P("Replacement", false), P("ReplacementAttributeName", false), P("Template", false)], ReplaceFunction.Evaluate);
        yield return new FunctionDefinition("SelectUniqueValue", [], a => throw a.Error("SelectUniqueValue is supported only for Workday, SuccessFactors and API-driven provisioning to on-premises Active Directory, not for SCIM applications."), repeating: "uniqueValueRule", minRepeat: 2);
        yield return F("SingleAppRoleAssignment", [P("source")], a => a.Value(0).Values is { Count: > 0 } roles ? ExpressionValue.From(roles[0]) : ExpressionValue.Null);
        yield return F("Split", [P("source"), P("delimiter")], Split);
        yield return F("StripSpaces", [P("source")], a => Map(a, 0, s => s.Replace(" ", string.Empty, StringComparison.Ordinal)));
        yield return new FunctionDefinition("Switch", [P("source"), P("defaultValue", false)], Switch, minRepeat: 1, pairs: true);
        yield return F("ToLower", [P("source"), P("culture", false)], a => Map(a, 0, s => s.ToLower(Culture(a))));
        yield return F("ToUpper", [P("source"), P("culture", false)], a => Map(a, 0, s => s.ToUpper(Culture(a))));

        // Trim is not in the app-provisioning function list; it is documented for Entra cloud sync expressions.
        yield return F("Trim", [P("source")], a => Map(a, 0, s => s.Trim()));
        yield return F("Word", [P("string"), P("wordNumber"), P("delimiters")], Word);
    }

    internal static ExpressionValue Date(DateTime utc) =>
        ExpressionValue.From(utc.ToString("M/d/yyyy h:mm:ss tt", CultureInfo.InvariantCulture));

    private static ExpressionValue Map(FunctionArguments a, int index, Func<string, string> f) =>
        a.Text(index) is string s ? ExpressionValue.From(f(s)) : ExpressionValue.Null;

    private static bool IsNullOrEmpty(ExpressionValue v) => v.IsNull || v.AsString == string.Empty || (v.IsMultiValued && v.Values.Count == 0);

    private static CultureInfo Culture(FunctionArguments a) =>
        a.IsProvided(1) && a.Text(1) is { Length: > 0 } name ? CultureInfo.GetCultureInfo(name, predefinedOnly: true) : CultureInfo.InvariantCulture;

    private static bool ToBoolean(FunctionArguments a, int index, bool numericAllowed)
    {
        string? s = a.Text(index);
        if (string.Equals(s, "True", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.Equals(s, "False", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (numericAllowed && s is not null && decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal d))
        {
            return d != 0;
        }

        throw a.Error($"'{s ?? "null"}' is not a boolean; expected \"True\" or \"False\".");
    }

    private static ExpressionValue Append(FunctionArguments a)
    {
        // The reference does not say what a null source gives; the sandbox treats it as empty (null only when both are null).
        string? source = a.Text(0);
        string? suffix = a.Text(1);
        return source is null && suffix is null ? ExpressionValue.Null : ExpressionValue.From((source ?? string.Empty) + suffix);
    }

    private static ExpressionValue BitAnd(FunctionArguments a)
    {
        long Operand(int i) => ParseInteger(a.Text(i) ?? string.Empty) ?? throw a.Error($"'{a.Text(i)}' is not a whole number.");
        return ExpressionValue.From((Operand(0) & Operand(1)).ToString(CultureInfo.InvariantCulture));
    }

    private static ExpressionValue Coalesce(FunctionArguments a)
    {
        for (int i = 0; i < a.Count; i++)
        {
            ExpressionValue v = a.Value(i);
            if (!v.IsNull)
            {
                return v;
            }
        }

        return ExpressionValue.Null;
    }

    private static ExpressionValue Iif(FunctionArguments a)
    {
        // The reference's known limitations: "If the source attribute used within the IIF function is empty or null,
        // the condition check fails", which also rules out IIF(IsNullOrEmpty([x]), ...) and IIF(IsPresent([x]), ...).
        foreach (string name in a.Node(0)!.ReferencedAttributes)
        {
            ExpressionValue v = a.Context.Source.Get(name);
            if (v.IsNull || v.AsString == string.Empty)
            {
                throw a.Error($"the condition check fails because the attribute [{name}] is null or empty. Use Switch to test for empty values, for example Switch([{name}], [{name}], \"\", \"Other\").");
            }
        }

        return ToBoolean(a, 0, numericAllowed: false) ? a.Value(1) : a.Value(2);
    }

    private static ExpressionValue InStr(FunctionArguments a)
    {
        string? haystack = a.Text(0);
        string? needle = a.Text(1);
        if (haystack is null || needle is null)
        {
            return ExpressionValue.Null;
        }

        int start = a.IsProvided(2) ? a.Integer(2) : 1;
        if (start < 1)
        {
            throw a.Error($"start is {start}; positions start at 1.");
        }

        StringComparison comparison = StringComparison.Ordinal;
        if (a.IsProvided(3))
        {
            comparison = a.Text(3) switch
            {
                "vbBinaryCompare" or "0" => StringComparison.Ordinal,
                "vbTextCompare" or "1" => StringComparison.OrdinalIgnoreCase,
                string other => throw a.Error($"compareType '{other}' is not vbBinaryCompare or vbTextCompare."),
                null => StringComparison.Ordinal,
            };
        }

        int found = start - 1 > haystack.Length ? -1 : haystack.IndexOf(needle, start - 1, comparison);
        return ExpressionValue.From((found + 1).ToString(CultureInfo.InvariantCulture));
    }

    private static ExpressionValue Item(FunctionArguments a)
    {
        ExpressionValue source = a.Value(0);
        int index = a.Integer(1);
        if (index < 1)
        {
            throw a.Error($"index {index} is not valid; Item is 1-based (Item([proxyAddresses], 1) is the first item).");
        }

        IReadOnlyList<string> items = source.Values;
        return index <= items.Count ? ExpressionValue.From(items[index - 1]) : ExpressionValue.Null;
    }

    private static ExpressionValue Join(FunctionArguments a)
    {
        string separator = a.Text(0) ?? string.Empty;
        var parts = new List<string>();
        for (int i = 1; i < a.Count; i++)
        {
            // Multi-valued sources contribute every value. Null and empty values are skipped: the reference's example
            // Join(", ", "", [surname], [givenName]) gives "Doe, John".
            parts.AddRange(a.Value(i).Values.Where(v => v.Length > 0));
        }

        return parts.Count == 0 ? ExpressionValue.Null : ExpressionValue.From(string.Join(separator, parts));
    }

    private static ExpressionValue Left(FunctionArguments a)
    {
        // "If numChars = 0, return empty string. If numChars < 0, return input string. If string is null, return empty
        // string. If string contains fewer characters than numChars, [the whole string] is returned."
        string? s = a.Text(0);
        int n = a.Integer(1);
        if (s is null || n == 0)
        {
            return ExpressionValue.From(string.Empty);
        }

        return ExpressionValue.From(n < 0 || n >= s.Length ? s : s[..n]);
    }

    private static ExpressionValue Mid(FunctionArguments a)
    {
        string? s = a.Text(0);
        int start = a.Integer(1);
        int length = a.Integer(2);
        if (start < 1)
        {
            throw a.Error($"start is {start}; the first character has index 1.");
        }

        if (length < 0)
        {
            throw a.Error($"length is {length}; it can't be negative.");
        }

        if (s is null)
        {
            return ExpressionValue.Null;
        }

        if (start > s.Length)
        {
            return ExpressionValue.From(string.Empty);
        }

        return ExpressionValue.From(s.Substring(start - 1, Math.Min(length, s.Length - start + 1)));
    }

    private static ExpressionValue PCase(FunctionArguments a)
    {
        string? s = a.Text(0);
        if (s is null)
        {
            return ExpressionValue.Null;
        }

        string? separators = a.IsProvided(1) ? a.Text(1) : null;
        if (string.IsNullOrEmpty(separators))
        {
            // Without wordSeparators PCase uses .NET's ToTitleCase, which leaves all-capital words alone; lower-case
            // first so that "PABLO GONSALVES (SECOND)" becomes "Pablo Gonsalves (Second)" as documented.
            return ExpressionValue.From(CultureInfo.InvariantCulture.TextInfo.ToTitleCase(s.ToLowerInvariant()));
        }

        char[] chars = s.ToLowerInvariant().ToCharArray();
        bool startOfWord = true;
        for (int i = 0; i < chars.Length; i++)
        {
            if (separators.Contains(chars[i], StringComparison.Ordinal))
            {
                startOfWord = true;
                continue;
            }

            if (startOfWord)
            {
                chars[i] = char.ToUpperInvariant(chars[i]);
                startOfWord = false;
            }
        }

        return ExpressionValue.From(new string(chars));
    }

    private static ExpressionValue Split(FunctionArguments a)
    {
        string? s = a.Text(0);
        string? delimiter = a.Text(1);
        if (string.IsNullOrEmpty(delimiter))
        {
            throw a.Error("the delimiter is empty.");
        }

        // The reference's example splits "PermissionSetOne, PermissionSetTwo" on "," into ["PermissionSetOne", "PermissionSetTwo"].
        return s is null ? ExpressionValue.Null : ExpressionValue.FromMany(s.Split(delimiter, StringSplitOptions.TrimEntries));
    }

    private static ExpressionValue Switch(FunctionArguments a)
    {
        // Case-sensitive comparison of source and keys; a null source matches the key "" (the reference's
        // Switch([statusFlag], "Default Value", "true", "1", "", "0") returns "0" when statusFlag is empty).
        string source = a.Text(0) ?? string.Empty;
        for (int k = 2; k + 1 < a.Count; k += 2)
        {
            if (string.Equals(source, a.Text(k) ?? string.Empty, StringComparison.Ordinal))
            {
                return a.Value(k + 1);
            }
        }

        return a.Value(1);
    }

    private static ExpressionValue Word(FunctionArguments a)
    {
        // "If number < 1, returns empty string. If string is null, returns empty string. If string contains less than
        // number words, or string doesn't contain any words identified by delimiters, an empty string is returned."
        string? s = a.Text(0);
        int number = a.Integer(1);
        string delimiters = a.Text(2) ?? string.Empty;
        if (s is null || number < 1)
        {
            return ExpressionValue.From(string.Empty);
        }

        string[] words = s.Split(delimiters.ToCharArray(), StringSplitOptions.RemoveEmptyEntries);
        return ExpressionValue.From(number <= words.Length ? words[number - 1] : string.Empty);
    }
}
