using System.Globalization;
using nietras.SeparatedValues;

namespace MinerWatch.Grid.Input;

/// <summary>Opens a CSV file with Sep and checks its header, so every reader reports the same clear errors.</summary>
internal static class CsvTable
{
    public static SepReader Open(Stream stream, string file, IReadOnlyList<string> required, out int[] columns)
    {
        SepReader reader;
        try
        {
            reader = Sep.New(',').Reader(o => o with { DisableColCountCheck = true, Unescape = true }).From(stream);
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

    public static int MaxIndex(int[] columns) => columns.Max();

    /// <summary>The reason a row is too short, in words that point at truncation.</summary>
    public static string TooFewFields(int found, int needed) =>
        $"row has {found} field{(found == 1 ? "" : "s")}, expected at least {needed} (is the file truncated?)";

    public static bool TryParseNumber(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>Validates an energy value: finite, non-negative; returns the reason when not.</summary>
    public static string? CheckKwh(ReadOnlySpan<char> text, out double kwh)
    {
        if (text.IsWhiteSpace())
        {
            kwh = 0;
            return "kwh is empty (leave a missing reading out instead of writing it blank)";
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out kwh))
            return $"kwh '{text}' is not a number";
        if (!double.IsFinite(kwh)) return $"kwh '{text}' is not a finite number";
        if (kwh < 0) return $"kwh {text} is negative (export or generation readings belong in a separate channel)";
        return null;
    }
}
