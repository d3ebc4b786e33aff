namespace MinerWatch.Grid.Input;

/// <summary>One day of energy that a site's business accounts for (charging sessions sold, billed IT load).</summary>
public readonly record struct DeclaredDay(long Day, double Kwh);

/// <summary>Reads the declared activity CSV: <c>meter_id,date,declared_kwh</c>.</summary>
public static class ActivityReader
{
    /// <param name="meterDays">The days the meters were read (local day numbers): a declared day further from them
    /// than they span is a typo in its year (2099 for 2025) and a bad row, as a stray reading is.</param>
    public static Dictionary<int, List<DeclaredDay>> Read(string path, IdRegistry meters, RowPolicy policy, (long From, long To)? meterDays = null)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path, meters, policy, meterDays);
    }

    public static Dictionary<int, List<DeclaredDay>> Read(Stream stream, string file, IdRegistry meters, RowPolicy policy, (long From, long To)? meterDays = null)
    {
        using var reader = CsvTable.Open(stream, file, ["meter_id", "date", "declared_kwh"], out var c);
        var needed = CsvTable.MaxIndex(c) + 1;
        var fields = reader.Header.ColNames.Count;
        var result = new Dictionary<int, List<DeclaredDay>>();
        var seen = new HashSet<(int, long)>();
        foreach (var row in reader)
        {
            if (CsvTable.Skip(row, file)) continue;
            var line = row.LineNumberFrom;
            if (row.ColCount < needed)
            {
                policy.Reject(file, line, CsvTable.TooFewFields(row.ColCount, needed), row.Span);
                continue;
            }
            if (row.ColCount > fields)
            {
                policy.Reject(file, line, CsvTable.TooManyFields(row.ColCount, fields), row.Span);
                continue;
            }
            var id = row[c[0]].Span.Trim();
            // Declared activity never introduces a meter: it must be one the readings (or the sites file) named.
            var meter = meters.Lookup(id);
            if (meter < 0)
            {
                policy.Reject(file, line, meters.Growable ? $"meter {id} has no readings" : $"meter {id} is not in the sites file", row.Span);
                continue;
            }
            if (!TryParseDate(row[c[1]].Span.Trim(), out var day))
            {
                policy.Reject(file, line, $"date '{row[c[1]].Span}' is not a date in the form yyyy-MM-dd between {IsoTimestamp.MinYear} and {IsoTimestamp.MaxYear}", row.Span);
                continue;
            }
            if (meterDays is { } days && MeterDays.Stray(day, days) is { } stray)
            {
                policy.Reject(file, line, $"date {row[c[1]].Span.Trim()} is {stray}", row.Span);
                continue;
            }
            var error = CsvTable.CheckKwh(row[c[2]].Span, out var kwh);
            if (error is not null)
            {
                policy.Reject(file, line, error.Replace("kwh", "declared_kwh", StringComparison.Ordinal), row.Span);
                continue;
            }
            if (!seen.Add((meter, day)))
            {
                policy.Reject(file, line, $"meter {id} has a second declared_kwh for {row[c[1]].Span.Trim()}", row.Span);
                continue;
            }
            if (!result.TryGetValue(meter, out var list)) result[meter] = list = [];
            list.Add(new DeclaredDay(day, kwh));
        }
        return result;
    }

    /// <summary>Parses yyyy-MM-dd into days since 1970-01-01.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> text, out long day)
    {
        day = 0;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-') return false;
        if (!Digits(text[..4], out var y) || !Digits(text[5..7], out var m) || !Digits(text[8..], out var d)) return false;
        // The same years as readings: a date outside them is a typo that would stretch the period read.
        if (m is < 1 or > 12 || d < 1 || y is < IsoTimestamp.MinYear or > IsoTimestamp.MaxYear || d > DateTime.DaysInMonth(y, m)) return false;
        day = IsoTimestamp.DaysFromCivil(y, m, d);
        return true;
    }

    /// <summary>ASCII digits only: int.Parse would also take a sign, spaces and the culture's digits.</summary>
    internal static bool Digits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 9) return false;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}

/// <summary>The days the meters were read, against which other dated rows (feeders, declared activity) are judged.</summary>
internal static class MeterDays
{
    /// <summary>
    /// Why <paramref name="day"/> is a stray: further from the meters' days than they span (2099 typed for 2025), as
    /// a stray reading is; null when it is not, or when there are no meter days.
    /// </summary>
    public static string? Stray(long day, (long From, long To) days)
    {
        var (from, to) = days;
        if (from == long.MinValue) return null;
        var away = day > to ? day - to : from - day;
        if (away <= to - from + 1) return null;
        return $"{away:N0} days {(day > to ? "after" : "before")} the meters' data ({IsoTimestamp.ToDate(from):yyyy-MM-dd} to {IsoTimestamp.ToDate(to):yyyy-MM-dd}): a typo in the year? correct or remove it";
    }
}
