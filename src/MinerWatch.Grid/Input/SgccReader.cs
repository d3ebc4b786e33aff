namespace MinerWatch.Grid.Input;

/// <summary>
/// Reads the State Grid Corporation of China (SGCC) wide layout: <c>CONS_NO,FLAG,&lt;one column per day&gt;</c> with
/// daily kWh and blanks for missing days, as in the public SGCC electricity-theft data set. Day columns are named by
/// date (yyyy/M/d or yyyy-MM-dd) in any order. Each day becomes one daily reading at local midnight (offset +00:00:
/// daily data has no hour of day). FLAG, when present, is kept as the meter's label (1 = confirmed theft).
/// </summary>
public static class SgccReader
{
    public static Dictionary<string, int> Read(string path, IdRegistry meters, RowPolicy policy, Action<ReadingBatch> onBatch, Action<double>? progress = null)
    {
        if (!File.Exists(path)) throw new InputException(path, 0, "file not found");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var reader = CsvTable.Open(stream, path, ["CONS_NO"], out var c);
        var idCol = c[0];
        var flagCol = reader.Header.TryIndexOf("FLAG", out var fc) ? fc : -1;
        var names = reader.Header.ColNames;
        var dayCols = new List<(int Col, long Day)>();
        for (var i = 0; i < names.Count; i++)
        {
            if (i == idCol || i == flagCol) continue;
            if (!TryParseDayName(names[i], out var day))
                throw new InputException(path, 1, $"column '{names[i]}' is not a date between {IsoTimestamp.MinYear} and {IsoTimestamp.MaxYear} (expected CONS_NO, FLAG and one column per day such as 2014/1/1)");
            if (dayCols.Any(c => c.Day == day))
                throw new InputException(path, 1, $"day {names[i]} has two columns");
            dayCols.Add((i, day));
        }
        if (dayCols.Count == 0) throw new InputException(path, 1, "no day columns after CONS_NO and FLAG");
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        var batch = new ReadingBatch(ReadingsCsvReader.BatchSize) { File = path };
        var length = stream.Length;
        foreach (var row in reader)
        {
            if (CsvTable.Skip(row, path)) continue;
            var line = row.LineNumberFrom;
            if (row.ColCount < names.Count)
            {
                policy.Reject(path, line, $"row has {row.ColCount} fields, the header has {names.Count} (is the file truncated?)", row.Span);
                continue;
            }
            if (row.ColCount > names.Count)
            {
                policy.Reject(path, line, CsvTable.TooManyFields(row.ColCount, names.Count), row.Span);
                continue;
            }
            var id = row[idCol].Span.Trim();
            if (id.IsEmpty)
            {
                policy.Reject(path, line, "CONS_NO is empty", row.Span);
                continue;
            }
            var meter = meters.Find(id);
            if (meter < 0)
            {
                policy.Reject(path, line, $"meter {id} is not in the sites file", row.Span);
                continue;
            }
            var flag = flagCol >= 0 ? row[flagCol].Span.Trim() : "0";
            if (flag is not ("0" or "1"))
            {
                policy.Reject(path, line, $"FLAG '{flag}' is not 0 or 1", row.Span);
                continue;
            }
            // Validate the whole row first so a bad cell sets the row aside whole, never half of it.
            string? error = null;
            var values = new double[dayCols.Count];
            for (var k = 0; k < dayCols.Count && error is null; k++)
            {
                var cell = row[dayCols[k].Col].Span;
                if (cell.IsWhiteSpace())
                {
                    values[k] = double.NaN;
                    continue;
                }
                error = CsvTable.CheckKwh(cell, out values[k]);
                if (error is not null) error = $"{names[dayCols[k].Col]}: {error}";
            }
            if (error is not null)
            {
                policy.Reject(path, line, error, row.Span);
                continue;
            }
            if (flagCol >= 0) labels[meters[meter]] = flag[0] - '0';
            for (var k = 0; k < dayCols.Count; k++)
            {
                if (double.IsNaN(values[k])) continue;
                batch.Add(meter, new MeterTime(dayCols[k].Day * 1440, 0), values[k], line);
                if (batch.Count == batch.Capacity)
                {
                    onBatch(batch);
                    batch.Count = 0;
                    progress?.Invoke((double)stream.Position / length);
                }
            }
        }
        if (batch.Count > 0) onBatch(batch);
        progress?.Invoke(1);
        return labels;
    }

    private static bool TryParseDayName(string name, out long day)
    {
        day = 0;
        var parts = name.Trim().Split('/', '-');
        if (parts.Length != 3 || !ActivityReader.Digits(parts[0], out var y) || !ActivityReader.Digits(parts[1], out var m) || !ActivityReader.Digits(parts[2], out var d)) return false;
        // The years readings may have: a column dated 3000/1/1 is a typo that would stretch every meter's period.
        if (y is < IsoTimestamp.MinYear or > IsoTimestamp.MaxYear || m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, m)) return false;
        day = IsoTimestamp.DaysFromCivil(y, m, d);
        return true;
    }
}
