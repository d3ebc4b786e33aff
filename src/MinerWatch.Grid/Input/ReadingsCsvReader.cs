namespace MinerWatch.Grid.Input;

/// <summary>
/// Streams a long-format interval CSV (<c>meter_id,timestamp,kwh</c>, or <c>feeder_id,timestamp,kwh</c> for feeder
/// head meters) in blocks of columns. Rows may come in any order; memory stays at one block.
/// </summary>
public static class ReadingsCsvReader
{
    public const int BatchSize = 1 << 16;

    /// <param name="idColumn"><c>meter_id</c> or <c>feeder_id</c>.</param>
    /// <param name="unknownIdReason">Why an id missing from the registry is bad, e.g. "meter {0} is not in the sites file";
    /// null to skip rows of other ids silently (re-reading a file for a few meters).</param>
    public static long Read(string path, string idColumn, IdRegistry ids, string? unknownIdReason, RowPolicy policy,
        Action<ReadingBatch> onBatch, Action<double>? progress = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        try
        {
            return Read(stream, path, idColumn, ids, unknownIdReason, policy, onBatch, progress);
        }
        catch (NotSupportedException e)
        {
            throw CsvTable.RowTooLong(path, e);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static long Read(Stream stream, string file, string idColumn, IdRegistry ids, string? unknownIdReason, RowPolicy policy,
        Action<ReadingBatch> onBatch, Action<double>? progress = null)
    {
        using var reader = CsvTable.Open(stream, file, [idColumn, "timestamp", "kwh"], out var c);
        int idCol = c[0], tsCol = c[1], kwhCol = c[2];
        var needed = CsvTable.MaxIndex(c) + 1;
        var fields = reader.Header.ColNames.Count;
        var batch = new ReadingBatch(BatchSize) { File = file };
        long rows = 0;
        var lastId = -1;
        var lastIdText = new char[64];
        var lastIdLength = -1;
        var length = stream.CanSeek ? stream.Length : 0;
        foreach (var row in reader)
        {
            if (CsvTable.Skip(row, file)) continue;
            if (row.ColCount < needed)
            {
                policy.Reject(file, row.LineNumberFrom, CsvTable.TooFewFields(row.ColCount, needed), row.Span);
                continue;
            }
            if (row.ColCount > fields)
            {
                policy.Reject(file, row.LineNumberFrom, CsvTable.TooManyFields(row.ColCount, fields), row.Span);
                continue;
            }
            var idSpan = row[idCol].Span;
            int id;
            // Exports group rows by meter, so the previous row's id usually matches and the hash lookup is skipped.
            if (lastIdLength == idSpan.Length && idSpan.SequenceEqual(lastIdText.AsSpan(0, lastIdLength)))
                id = lastId;
            else
            {
                var trimmed = idSpan.Trim();
                if (trimmed.IsEmpty)
                {
                    policy.Reject(file, row.LineNumberFrom, $"{idColumn} is empty", row.Span);
                    continue;
                }
                id = ids.Find(trimmed);
                if (id < 0)
                {
                    if (unknownIdReason is not null) policy.Reject(file, row.LineNumberFrom, string.Format(unknownIdReason, trimmed.ToString()), row.Span);
                    continue;
                }
                if (idSpan.Length <= lastIdText.Length)
                {
                    idSpan.CopyTo(lastIdText);
                    lastIdLength = idSpan.Length;
                    lastId = id;
                }
            }
            if (!IsoTimestamp.TryParse(row[tsCol].Span, out var time, out var tsError))
            {
                policy.Reject(file, row.LineNumberFrom, $"bad timestamp '{row[tsCol].Span}': {tsError}", row.Span);
                continue;
            }
            if (time.LocalMinutes % 15 != 0)
            {
                policy.Reject(file, row.LineNumberFrom, $"timestamp '{row[tsCol].Span}' is not the start of a 15-minute, 30-minute, hourly or daily interval", row.Span);
                continue;
            }
            // Sep's own number parser is several times faster than double.Parse; the slow path only words the error.
            // It reads more than the format allows ("9,5" as 95), so the text is checked to be a plain number first.
            var kwhSpan = row[kwhCol].Span;
            if (!CsvTable.IsPlainNumber(kwhSpan) || !row[kwhCol].TryParse(out double kwh) || !double.IsFinite(kwh) || kwh < 0)
            {
                var kwhError = CsvTable.CheckKwh(kwhSpan, out kwh);
                if (kwhError is not null)
                {
                    policy.Reject(file, row.LineNumberFrom, kwhError, row.Span);
                    continue;
                }
            }
            batch.Add(id, time, kwh, row.LineNumberFrom);
            rows++;
            if (batch.Count == batch.Capacity)
            {
                onBatch(batch);
                batch.Count = 0;
                if (length > 0) progress?.Invoke((double)stream.Position / length);
            }
        }
        if (batch.Count > 0) onBatch(batch);
        progress?.Invoke(1);
        return rows;
    }
}
