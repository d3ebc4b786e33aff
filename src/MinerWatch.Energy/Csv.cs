using System.Globalization;
using nietras.SeparatedValues;

namespace MinerWatch.Energy;

/// <summary>Opening the small reference and input tables of this library with Sep, with the same clear errors everywhere.</summary>
internal static class Csv
{
    public static SepReader Open(Stream stream, string file, IReadOnlyList<string> required, out int[] columns)
    {
        SepReader reader;
        try
        {
            reader = Sep.New(',').Reader(o => o with { DisableColCountCheck = true, Unescape = true, HasHeader = true }).From(stream);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or NotSupportedException)
        {
            throw new EnergyInputException(file, 1, $"cannot read the header: {e.Message}");
        }
        if (reader.Header.IsEmpty)
            throw new EnergyInputException(file, 1, $"the file is empty; expected the header '{string.Join(',', required)}'");
        columns = new int[required.Count];
        for (var i = 0; i < required.Count; i++)
        {
            if (!TryIndexIgnoreCase(reader, required[i], out columns[i]))
                throw new EnergyInputException(file, 1, $"wrong header '{string.Join(',', reader.Header.ColNames)}': column '{required[i]}' is missing; expected '{string.Join(',', required)}'");
        }
        return reader;
    }

    public static bool TryIndexIgnoreCase(SepReader reader, string name, out int index)
    {
        var names = reader.Header.ColNames;
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i].Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                index = i;
                return true;
            }
        }
        index = -1;
        return false;
    }

    public static double Number(string text, string column, string file, long line)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new EnergyInputException(file, line, $"{column} '{text}' is not a number");
        return v;
    }

    public static double Positive(string text, string column, string file, long line)
    {
        var v = Number(text, column, file, line);
        if (v <= 0) throw new EnergyInputException(file, line, $"{column} {text} must be greater than 0");
        return v;
    }

    public static DateOnly Date(string text, string column, string file, long line)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        throw new EnergyInputException(file, line, $"{column} '{text}' is not a date (expected YYYY-MM-DD)");
    }
}
