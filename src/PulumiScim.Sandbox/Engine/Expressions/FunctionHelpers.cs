// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace PulumiScim.Sandbox.Engine.Expressions;

/// <summary>Replace and its documented parameter combinations.</summary>
internal static class ReplaceFunction
{
    private const int Source = 0, OldValue = 1, RegexPattern = 2, RegexGroupName = 3, ReplacementValue = 4, ReplacementAttributeName = 5, Template = 6;

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(1);

    public static ExpressionValue Evaluate(FunctionArguments a)
    {
        string? source = a.Text(Source);
        if (a.IsProvided(OldValue))
        {
            string oldValue = a.Text(OldValue) ?? throw a.Error("oldValue is null.");
            if (oldValue.Length == 0)
            {
                throw a.Error("oldValue is empty.");
            }

            if (a.IsProvided(ReplacementValue))
            {
                // "When oldValue and replacementValue are provided: replaces all occurrences of oldValue in the source
                // with replacementValue" (case-sensitive).
                return source is null ? ExpressionValue.Null : ExpressionValue.From(source.Replace(oldValue, a.Text(ReplacementValue) ?? string.Empty, StringComparison.Ordinal));
            }

            if (a.IsProvided(Template))
            {
                // "When oldValue and template are provided: replaces all occurrences of the oldValue in the template
                // with the source value".
                string template = a.Text(Template) ?? string.Empty;
                return source is null ? ExpressionValue.Null : ExpressionValue.From(template.Replace(oldValue, source, StringComparison.Ordinal));
            }

            throw a.Error("oldValue needs either replacementValue or template.");
        }

        if (a.IsProvided(RegexPattern))
        {
            var regex = new Regex(a.Text(RegexPattern) ?? throw a.Error("regexPattern is null."), RegexOptions.None, s_timeout);
            if (a.IsProvided(RegexGroupName))
            {
                string group = a.Text(RegexGroupName) ?? throw a.Error("regexGroupName is null.");
                if (regex.GroupNumberFromName(group) < 0)
                {
                    throw a.Error($"the regexPattern has no group named '{group}'.");
                }

                if (a.IsProvided(ReplacementValue))
                {
                    // "applies the regexPattern to the source string and replaces all values matching regexGroupName
                    // with replacementValue".
                    return source is null ? ExpressionValue.Null : ExpressionValue.From(ReplaceGroup(regex, group, source, a.Text(ReplacementValue) ?? string.Empty));
                }

                if (a.IsProvided(ReplacementAttributeName))
                {
                    // "If source has a value, source is returned. If source has no value, the function applies the
                    // regexPattern to the replacementAttributeName and returns the value matching regexGroupName".
                    if (!string.IsNullOrEmpty(source))
                    {
                        return ExpressionValue.From(source);
                    }

                    string? other = a.Text(ReplacementAttributeName);
                    if (other is null)
                    {
                        return ExpressionValue.Null;
                    }

                    Match m = regex.Match(other);
                    return m.Success && m.Groups[group].Success ? ExpressionValue.From(m.Groups[group].Value) : ExpressionValue.Null;
                }

                throw a.Error("regexPattern and regexGroupName need either replacementValue or replacementAttributeName.");
            }

            if (a.IsProvided(ReplacementValue))
            {
                // "applies the regexPattern to the source string and you can use the regex group names to construct the
                // string for replacementValue" (${name}).
                return source is null ? ExpressionValue.Null : ExpressionValue.From(regex.Replace(source, a.Text(ReplacementValue) ?? string.Empty));
            }

            throw a.Error("regexPattern needs replacementValue, or regexGroupName with replacementValue or replacementAttributeName.");
        }

        throw a.Error("give oldValue or regexPattern; see the documented combinations of Replace's parameters.");
    }

    private static string ReplaceGroup(Regex regex, string group, string source, string replacement)
    {
        var sb = new StringBuilder();
        int last = 0;
        foreach (Match m in regex.Matches(source))
        {
            foreach (Capture c in m.Groups[group].Captures)
            {
                if (c.Index < last)
                {
                    continue;
                }

                sb.Append(source, last, c.Index - last).Append(replacement);
                last = c.Index + c.Length;
            }
        }

        sb.Append(source, last, source.Length - last);
        return sb.ToString();
    }
}

/// <summary>NormalizeDiacritics: the reference's table, and Unicode decomposition for the combining marks.</summary>
internal static class Diacritics
{
    private static readonly Dictionary<char, string> s_special = new()
    {
        ['æ'] = "ae", ['Æ'] = "AE", ['ø'] = "oe", ['Ø'] = "OE", ['œ'] = "oe", ['Œ'] = "OE",
        ['ß'] = "ss", ['ł'] = "l", ['Ł'] = "L", ['ı'] = "i",
    };

    public static string Normalize(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (s_special.TryGetValue(c, out string? replacement))
            {
                sb.Append(replacement);
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString().Normalize(NormalizationForm.FormC);
    }
}

/// <summary>The date functions. Dates print as "M/d/yyyy h:mm:ss tt" in UTC, as the reference shows.</summary>
internal static class Dates
{
    private const string OutputFormat = "M/d/yyyy h:mm:ss tt";

    private static readonly Regex s_dateWithOffset = new(@"^(?<date>\d{4}-\d{2}-\d{2})(?<offset>[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public static DateTime Parse(FunctionArguments a, int index)
    {
        string text = a.Text(index) ?? throw a.Error("the date is null.");
        if (DateTime.TryParseExact(text, OutputFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTime exact))
        {
            return exact;
        }

        // Workday-style dates carry an offset but no time: "2020-03-16-07:00" is midnight at UTC-7.
        Match m = s_dateWithOffset.Match(text);
        if (m.Success)
        {
            return DateTimeOffset.Parse(m.Groups["date"].Value + "T00:00:00" + m.Groups["offset"].Value, CultureInfo.InvariantCulture).UtcDateTime;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out DateTimeOffset parsed))
        {
            return parsed.UtcDateTime;
        }

        throw a.Error($"'{text}' is not a date and time.");
    }

    public static ExpressionValue Add(FunctionArguments a)
    {
        string interval = a.Text(0) ?? string.Empty;
        int value = a.Integer(1);
        DateTime d = Parse(a, 2);
        DateTime result = interval switch
        {
            "yyyy" => d.AddYears(value),
            "m" => d.AddMonths(value),
            "d" => d.AddDays(value),
            "ww" => d.AddDays(7.0 * value),
            "h" => d.AddHours(value),
            "n" => d.AddMinutes(value),
            "s" => d.AddSeconds(value),
            _ => throw a.Error($"interval '{interval}' is not one of yyyy, m, d, ww, h, n, s."),
        };
        return FunctionCatalog.Date(result);
    }

    public static ExpressionValue Diff(FunctionArguments a)
    {
        // Counts interval boundaries crossed, as VBA's DateDiff does: positive when date2 is later.
        string interval = a.Text(0) ?? string.Empty;
        DateTime d1 = Parse(a, 1);
        DateTime d2 = Parse(a, 2);
        static long Floor(DateTime d, long unit) => d.Ticks / unit;
        static DateTime WeekStart(DateTime d) => d.Date.AddDays(-(int)d.DayOfWeek);
        long diff = interval switch
        {
            "yyyy" => d2.Year - d1.Year,
            "m" => ((d2.Year - d1.Year) * 12L) + d2.Month - d1.Month,
            "d" => (long)(d2.Date - d1.Date).TotalDays,
            "ww" => (long)(WeekStart(d2) - WeekStart(d1)).TotalDays / 7,
            "h" => Floor(d2, TimeSpan.TicksPerHour) - Floor(d1, TimeSpan.TicksPerHour),
            "n" => Floor(d2, TimeSpan.TicksPerMinute) - Floor(d1, TimeSpan.TicksPerMinute),
            "s" => Floor(d2, TimeSpan.TicksPerSecond) - Floor(d1, TimeSpan.TicksPerSecond),
            _ => throw a.Error($"interval '{interval}' is not one of yyyy, m, d, ww, h, n, s."),
        };
        return ExpressionValue.From(diff.ToString(CultureInfo.InvariantCulture));
    }

    public static ExpressionValue FromNum(FunctionArguments a)
    {
        string text = a.Text(0) ?? throw a.Error("the value is null.");
        long fileTime = FunctionCatalog.ParseInteger(text) ?? throw a.Error($"'{text}' is not an Active Directory date number.");
        return FunctionCatalog.Date(DateTime.FromFileTimeUtc(fileTime));
    }

    public static ExpressionValue NumFromDate(FunctionArguments a)
    {
        string text = a.Text(0) ?? throw a.Error("the value is null.");
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset d))
        {
            throw a.Error($"'{text}' is not an ISO 8601 date and time.");
        }

        return ExpressionValue.From(d.ToFileTime().ToString(CultureInfo.InvariantCulture));
    }

    public static ExpressionValue Format(FunctionArguments a)
    {
        string? source = a.Text(0);
        if (source is null)
        {
            return ExpressionValue.Null;
        }

        DateTimeStyles styles = DateTimeStyles.RoundtripKind | DateTimeStyles.AllowLeadingWhite | DateTimeStyles.AllowTrailingWhite;
        if (a.IsProvided(1) && a.Text(1) is { Length: > 0 } names)
        {
            styles = Enum.Parse<DateTimeStyles>(names);
        }

        string input = a.Text(2) ?? throw a.Error("inputFormat is null.");
        string output = a.Text(3) ?? throw a.Error("outputFormat is null.");
        if (!DateTime.TryParseExact(source, input, CultureInfo.InvariantCulture, styles, out DateTime d))
        {
            throw a.Error($"'{source}' does not match the input format '{input}'.");
        }

        return ExpressionValue.From(d.ToString(output, CultureInfo.InvariantCulture));
    }
}

/// <summary>RandomString, with the special characters of Windows' password complexity rules.</summary>
internal static class RandomText
{
    private const string Digits = "0123456789";
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string Special = "~!@#$%^&*_-+=`|\\(){}[]:;\"'<>,.?/";

    public static ExpressionValue Generate(FunctionArguments a)
    {
        int length = a.Integer(0), digits = a.Integer(1), special = a.Integer(2), capital = a.Integer(3), lower = a.Integer(4);
        string avoid = a.IsProvided(5) ? a.Text(5) ?? string.Empty : string.Empty;
        if (length is < 1 or > 256)
        {
            throw a.Error($"Length {length} must be between 1 and 256.");
        }

        if (digits < 0 || special < 0 || capital < 0 || lower < 0 || digits + special + capital + lower > length)
        {
            throw a.Error("the minimum counts must not be negative and must add up to at most Length.");
        }

        string Allowed(string set) => new(set.Where(c => !avoid.Contains(c, StringComparison.Ordinal)).ToArray());
        string d = Allowed(Digits), s = Allowed(Special), u = Allowed(Upper), l = Allowed(Lower);
        string all = d + s + u + l;
        if ((digits > 0 && d.Length == 0) || (special > 0 && s.Length == 0) || (capital > 0 && u.Length == 0) || (lower > 0 && l.Length == 0) || all.Length == 0)
        {
            throw a.Error("CharactersToAvoid excludes every character of a required kind.");
        }

        var chars = new List<char>(length);
        void Take(string set, int n)
        {
            for (int i = 0; i < n; i++)
            {
                chars.Add(set[RandomNumberGenerator.GetInt32(set.Length)]);
            }
        }

        Take(d, digits);
        Take(s, special);
        Take(u, capital);
        Take(l, lower);
        Take(all, length - chars.Count);
        char[] result = chars.ToArray();
        RandomNumberGenerator.Shuffle(result.AsSpan());
        return ExpressionValue.From(new string(result));
    }
}
