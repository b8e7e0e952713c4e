// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text;

namespace PulumiScim.Model;

/// <summary>
/// Text for the module's format views (PulumiScim.Format.ps1xml). PowerShell wraps table and list cells by characters,
/// splitting words ("Secre t Token"); the views hand their text here, already wrapped at word boundaries to the
/// column's width, so no word that fits a line is ever split.
/// </summary>
public static class ScimText
{
    private const string ScimErrorPrefix = "SystemForCrossDomainIdentityManagement";

    /// <summary>
    /// Wraps <paramref name="value"/> at word boundaries to lines of at most <paramref name="width"/> characters; a word
    /// longer than a line (an id, a URL) is broken after a '.', '-' or '/' where it can be, else at the width.
    /// </summary>
    /// <param name="value">The text (any object: its string form).</param>
    /// <param name="width">The column's width.</param>
    public static string Wrap(object? value, int width)
    {
        string text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
        if (width < 1 || text.Length <= width && !text.Contains('\n', StringComparison.Ordinal))
        {
            return text;
        }

        var lines = new List<string>();
        foreach (string paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            WrapParagraph(paragraph, width, lines);
        }

        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>
    /// Wraps text for a view's last column: <paramref name="widthAt80"/> is its width in an 80-column layout; in a
    /// wider terminal the column is as much wider (so a 200-column terminal shows it on one line where it fits).
    /// </summary>
    /// <param name="value">The text.</param>
    /// <param name="widthAt80">The column's width when the view is 80 columns wide.</param>
    public static string Fill(object? value, int widthAt80) => Wrap(value, widthAt80 + Math.Max(0, TerminalWidth() - 80));

    /// <summary>An Entra provisioning error code without its long SCIM prefix: <c>SystemForCrossDomainIdentityManagementEntryConflict</c> is <c>ScimEntryConflict</c>.</summary>
    /// <param name="code">The error code.</param>
    public static string? ShortErrorCode(string? code) =>
        code is not null && code.StartsWith(ScimErrorPrefix, StringComparison.Ordinal) ? "Scim" + code[ScimErrorPrefix.Length..] : code;

    /// <summary>A count with its noun in the right number: "1 problem", "2 problems".</summary>
    /// <param name="count">How many.</param>
    /// <param name="noun">The noun in the singular (its plural adds an s).</param>
    public static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    /// <summary>The terminal's width, or 80 when output is redirected (logs, Out-String in a script) or there is none.</summary>
    internal static int TerminalWidth()
    {
        try
        {
            return Console.IsOutputRedirected || Console.WindowWidth <= 0 ? 80 : Console.WindowWidth;
        }
        catch (IOException)
        {
            return 80;
        }
    }

    private static void WrapParagraph(string paragraph, int width, List<string> lines)
    {
        var line = new StringBuilder();
        foreach (string word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string rest = word;
            if (line.Length > 0 && line.Length + 1 + rest.Length <= width)
            {
                line.Append(' ').Append(rest);
                continue;
            }

            if (line.Length > 0)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            while (rest.Length > width)
            {
                int cut = BreakPoint(rest, width);
                lines.Add(rest[..cut]);
                rest = rest[cut..];
            }

            line.Append(rest);
        }

        lines.Add(line.ToString());
    }

    /// <summary>
    /// Where to break a word longer than a line: after the last '.', '-', '/' or ',' that fits and fills at least half
    /// the line, else at the width.
    /// </summary>
    private static int BreakPoint(string word, int width)
    {
        int at = word.LastIndexOfAny(['.', '-', '/', ','], width - 1);
        return at + 1 >= width / 2 ? at + 1 : width;
    }
}
