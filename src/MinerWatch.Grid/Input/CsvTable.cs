using System.Globalization;
using System.Text;
using nietras.SeparatedValues;

namespace MinerWatch.Grid.Input;

/// <summary>
/// Opens a CSV file with Sep and checks its header, so every reader reports the same clear errors. Public for the
/// labels reader of the evaluation tools (<c>Open</c>, <c>Skip</c>, <c>TooFewFields</c>); the rest is this library's own.
/// </summary>
public static class CsvTable
{
    public static SepReader Open(Stream stream, string file, IReadOnlyList<string> required, out int[] columns)
    {
        SepReader reader;
        try
        {
            reader = Sep.New(',').Reader(o => o with { DisableColCountCheck = true, Unescape = true })
                .From(new StreamReader(stream, StrictUtf8(file), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16));
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or NotSupportedException)
        {
            throw new InputException(file, 1, $"cannot read the header: {e.Message}");
        }
        if (reader.Header.IsEmpty)
            throw new InputException(file, 1, $"the file is empty; expected the header '{string.Join(',', required)}'");
        columns = new int[required.Count];
        for (var i = 0; i < required.Count; i++)
        {
            if (!reader.Header.TryIndexOf(required[i], out columns[i]))
            {
                var found = string.Join(',', reader.Header.ColNames);
                throw new InputException(file, 1, $"wrong header '{found}': column '{required[i]}' is missing; expected '{string.Join(',', required)}'");
            }
        }
        return reader;
    }

    internal static int MaxIndex(int[] columns) => columns.Max();

    /// <summary>
    /// UTF-8 that stops at the first byte that is not UTF-8, naming the file: the default decoder would turn such
    /// bytes into U+FFFD, and two meter ids that differ only there would become one.
    /// </summary>
    private static Encoding StrictUtf8(string file)
    {
        var encoding = (Encoding)new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).Clone();
        encoding.DecoderFallback = new NotUtf8(file);
        return encoding;
    }

    private sealed class NotUtf8(string file) : DecoderFallback
    {
        public override int MaxCharCount => 0;

        public override DecoderFallbackBuffer CreateFallbackBuffer() => new Refusal(file);

        private sealed class Refusal(string file) : DecoderFallbackBuffer
        {
            public override bool Fallback(byte[] bytesUnknown, int index) =>
                throw new InputException(file, 0, $"bytes {Convert.ToHexString(bytesUnknown)} are not UTF-8 text (a file saved in a legacy code page such as GBK or Latin-1?): save it as UTF-8");

            public override char GetNextChar() => '\0';

            public override bool MovePrevious() => false;

            public override int Remaining => 0;
        }
    }

    /// <summary>
    /// Whether a row is to be passed over: a blank line (a file ending in an empty line is common, and so are blank
    /// lines between blocks). A row that spans several lines is refused whatever the policy: in these files no field
    /// holds a line break, so it is a quote left open, and setting it aside would silently drop every row after it.
    /// </summary>
    public static bool Skip(SepReader.Row row, string file)
    {
        if (row.ColCount == 1 && row.Span.IsWhiteSpace()) return true;
        if (row.LineNumberToExcl - row.LineNumberFrom > 1)
            throw new InputException(file, row.LineNumberFrom, $"a quote opened on this line is not closed: the field runs on to line {row.LineNumberToExcl - 1}; remove the stray quote or close it (otherwise the rest of the file is read as one field)");
        return false;
    }

    /// <summary>Sep stops at a row of more than 16 MiB: in these files only a quote left open makes one.</summary>
    internal static InputException RowTooLong(string file, NotSupportedException e) =>
        new(file, 0, $"a row is longer than Sep reads ({e.Message}): a quote left open runs to the end of the file; find the stray quote");

    /// <summary>The reason a row is too short, in words that point at truncation.</summary>
    public static string TooFewFields(int found, int needed) =>
        $"row has {found} field{(found == 1 ? "" : "s")}, expected at least {needed} (is the file truncated?)";

    /// <summary>
    /// The reason a row has more fields than the header: almost always a decimal comma or a thousands separator
    /// (<c>9,500</c>) splitting a number in two, which would otherwise shift or drop a value without a word.
    /// </summary>
    internal static string TooManyFields(int found, int header) =>
        $"row has {found} fields, the header has {header} (an unquoted decimal comma or thousands separator such as 9,500? write numbers with '.' as the decimal point and no separators)";

    internal static bool TryParseNumber(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        return IsPlainNumber(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <inheritdoc cref="PlainNumber.Is"/>
    internal static bool IsPlainNumber(ReadOnlySpan<char> text) => PlainNumber.Is(text);

    /// <summary>Validates an energy value: finite, non-negative; returns the reason when not.</summary>
    internal static string? CheckKwh(ReadOnlySpan<char> text, out double kwh)
    {
        kwh = 0;
        if (text.IsWhiteSpace()) return "kwh is empty (leave a missing reading out instead of writing it blank)";
        if (text.Contains(',') && IsPlainNumber(text.ToString().Replace(',', '.')))
            return $"kwh '{text}' has a decimal comma or thousands separator (write numbers with '.' as the decimal point and no separators)";
        if (!IsPlainNumber(text) && !IsSpecial(text)) return $"kwh '{text}' is not a number";
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out kwh))
            return $"kwh '{text}' is not a number";
        if (!double.IsFinite(kwh)) return $"kwh '{text}' is not a finite number";
        if (kwh < 0) return $"kwh {text} is negative (export or generation readings belong in a separate channel)";
        return null;
    }

    /// <summary>NaN and infinities, named as such in the error rather than as "not a number".</summary>
    private static bool IsSpecial(ReadOnlySpan<char> text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && !double.IsFinite(v);
}

/// <summary>The one number syntax of every input (files and options alike).</summary>
public static class PlainNumber
{
    /// <summary>
    /// True for a number as the format specifies it: optional sign, digits with an optional '.' fraction, optional
    /// exponent, nothing else but surrounding spaces. Parsers that accept more (a comma as a group separator, as in
    /// a quoted <c>"9,5"</c> read as 95) would read a locale's decimal comma as a different number.
    /// </summary>
    public static bool Is(ReadOnlySpan<char> text)
    {
        text = text.Trim(' ');
        var p = 0;
        if (p < text.Length && text[p] is '+' or '-') p++;
        var digits = 0;
        while (p < text.Length && char.IsAsciiDigit(text[p])) { p++; digits++; }
        if (p < text.Length && text[p] == '.')
        {
            p++;
            while (p < text.Length && char.IsAsciiDigit(text[p])) { p++; digits++; }
        }
        if (digits == 0) return false;
        if (p < text.Length && text[p] is 'e' or 'E')
        {
            p++;
            if (p < text.Length && text[p] is '+' or '-') p++;
            var exponent = 0;
            while (p < text.Length && char.IsAsciiDigit(text[p])) { p++; exponent++; }
            if (exponent == 0) return false;
        }
        return p == text.Length;
    }
}
