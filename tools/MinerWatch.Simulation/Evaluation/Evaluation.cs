using MinerWatch.Application.Evaluation;
using MinerWatch.Grid.Input;

namespace MinerWatch.Simulation.Evaluation;

public static class LabelsReader
{
    /// <summary>
    /// Reads <c>meter_id,mining,variant,onset</c> (variant and onset may be empty). A meter labelled twice or an onset
    /// that is not a date is refused with its line: a label the metrics silently drop makes them wrong.
    /// </summary>
    public static List<Label> Read(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, 0, "file not found");
        using var stream = File.OpenRead(path);
        using var reader = CsvTable.Open(stream, path, ["meter_id", "mining"], out var c);
        var variantCol = reader.Header.TryIndexOf("variant", out var v) ? v : -1;
        var onsetCol = reader.Header.TryIndexOf("onset", out var o) ? o : -1;
        var labels = new List<Label>();
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in reader)
        {
            if (CsvTable.Skip(row, path)) continue;
            var line = row.LineNumberFrom;
            if (row.ColCount <= Math.Max(c[0], c[1])) throw new InputException(path, line, CsvTable.TooFewFields(row.ColCount, Math.Max(c[0], c[1]) + 1));
            var id = row[c[0]].ToString().Trim();
            if (id.Length == 0) throw new InputException(path, line, "meter_id is empty");
            var mining = row[c[1]].Span.Trim();
            if (mining is not ("0" or "1")) throw new InputException(path, line, $"mining '{mining}' is not 0 or 1");
            var variant = variantCol >= 0 && variantCol < row.ColCount ? row[variantCol].ToString().Trim() : "";
            DateOnly? onset = null;
            var onsetText = onsetCol >= 0 && onsetCol < row.ColCount ? row[onsetCol].Span.Trim() : [];
            if (!onsetText.IsEmpty)
            {
                if (!ActivityReader.TryParseDate(onsetText, out var day))
                    throw new InputException(path, line, $"onset '{onsetText}' is not a date in the form yyyy-MM-dd (leave it empty when unknown)");
                onset = IsoTimestamp.ToDate(day);
            }
            if (seen.TryGetValue(id, out var first)) throw new InputException(path, line, $"meter {id} is labelled twice (lines {first} and {line}); keep one label per meter");
            seen[id] = line;
            labels.Add(new Label(id, mining[0] == '1', mining[0] == '1' && variant.Length == 0 ? "mining" : variant, onset));
        }
        return labels;
    }

    /// <summary>
    /// Reads the labels of an SGCC wide file: <c>CONS_NO</c> and <c>FLAG</c> (1 = confirmed theft, 0 = not); the day
    /// columns are not read. A FLAG other than 0 or 1 and a meter listed twice are refused with their lines.
    /// </summary>
    public static List<Label> ReadSgcc(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, 0, "file not found");
        using var stream = File.OpenRead(path);
        using var reader = CsvTable.Open(stream, path, ["CONS_NO"], out var c);
        if (!reader.Header.TryIndexOf("FLAG", out var flagCol)) throw new InputException(path, 1, "the SGCC file has no FLAG column to serve as labels");
        var labels = new List<Label>();
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        var needed = Math.Max(c[0], flagCol) + 1;
        foreach (var row in reader)
        {
            if (CsvTable.Skip(row, path)) continue;
            var line = row.LineNumberFrom;
            if (row.ColCount < needed) throw new InputException(path, line, CsvTable.TooFewFields(row.ColCount, needed));
            var id = row[c[0]].ToString().Trim();
            if (id.Length == 0) throw new InputException(path, line, "CONS_NO is empty");
            var flag = row[flagCol].Span.Trim();
            if (flag is not ("0" or "1")) throw new InputException(path, line, $"FLAG '{flag}' is not 0 or 1 (1 = confirmed theft, 0 = not)");
            if (seen.TryGetValue(id, out var first)) throw new InputException(path, line, $"meter {id} is listed twice (lines {first} and {line}); keep one row per meter");
            seen[id] = line;
            labels.Add(new Label(id, flag[0] == '1', flag[0] == '1' ? "flagged" : "", null));
        }
        return labels;
    }
}
