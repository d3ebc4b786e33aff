using Parquet;
using Parquet.Schema;

namespace MinerWatch.Grid.Input;

/// <summary>
/// Reads the interval tables from Parquet: <c>meter_id</c> (or <c>feeder_id</c>) as a string, <c>kwh</c> as a double
/// or float, and <c>timestamp</c> either as an ISO-8601 string with offset (as in the CSV) or as a Parquet timestamp
/// (a UTC instant) with an optional <c>utc_offset_minutes</c> column giving local time (UTC when absent).
/// Errors name the row (1-based) in place of a line.
/// </summary>
public static class ReadingsParquetReader
{
    public static long Read(string path, string idColumn, IdRegistry ids, string? unknownReason, RowPolicy policy,
        Action<ReadingBatch> onBatch, Action<double>? progress = null) =>
        ReadAsync(path, idColumn, ids, unknownReason, policy, onBatch, progress).GetAwaiter().GetResult();

    private static async Task<long> ReadAsync(string path, string idColumn, IdRegistry ids, string? unknownReason, RowPolicy policy,
        Action<ReadingBatch> onBatch, Action<double>? progress)
    {
        await using var stream = File.OpenRead(path);
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(stream);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            throw new InputException(path, 0, $"not a readable Parquet file: {e.Message}");
        }
        await using var _ = reader;
        var fields = reader.Schema.GetDataFields();
        DataField Field(string name) => fields.FirstOrDefault(f => f.Name == name)
            ?? throw new InputException(path, 0, $"column '{name}' is missing; expected columns {idColumn}, timestamp, kwh (found {string.Join(", ", fields.Select(f => f.Name))})");
        var idField = Field(idColumn);
        var tsField = Field("timestamp");
        var kwhField = Field("kwh");
        var offsetField = fields.FirstOrDefault(f => f.Name == "utc_offset_minutes");
        if (!IsText(idField)) throw new InputException(path, 0, $"column '{idColumn}' must be a string column (found {idField.ClrType.Name})");
        if (kwhField.ClrType != typeof(double) && kwhField.ClrType != typeof(float)) throw new InputException(path, 0, "column 'kwh' must be a double or float column");
        var tsIsText = IsText(tsField);
        if (!tsIsText && tsField.ClrType != typeof(DateTime)) throw new InputException(path, 0, "column 'timestamp' must be an ISO-8601 string or a Parquet timestamp");

        var batch = new ReadingBatch(ReadingsCsvReader.BatchSize) { File = path };
        long rowBase = 0, rows = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = (int)group.RowCount;
            // Ids are read as character memory, not strings, so no string is made per row.
            var idValues = await ReadText(group, idField, count);
            var kwh = kwhField.ClrType == typeof(double) ? await ReadValues<double>(group, kwhField, count) : Widen(await ReadValues<float>(group, kwhField, count));
            string?[]? tsText = null;
            Column<DateTime>? tsTime = null;
            if (tsIsText)
            {
                tsText = new string?[count];
                await group.ReadAsync(tsField, tsText.AsMemory(), null);
            }
            else tsTime = await ReadValues<DateTime>(group, tsField, count);
            var offsets = offsetField is null ? (Column<long>?)null : await ReadIntegers(group, offsetField, count);
            var lastId = ReadOnlyMemory<char>.Empty;
            var lastEntity = -1;

            for (var i = 0; i < count; i++)
            {
                var row = rowBase + i + 1;
                var id = idValues[i].Span;
                int entity;
                if (lastEntity >= 0 && id.SequenceEqual(lastId.Span)) entity = lastEntity;
                else
                {
                    if (id.IsWhiteSpace())
                    {
                        policy.Reject(path, row, $"{idColumn} is empty", "");
                        continue;
                    }
                    entity = ids.Find(id.Trim());
                    if (entity < 0)
                    {
                        if (unknownReason is not null) policy.Reject(path, row, string.Format(unknownReason, id.ToString()), id);
                        continue;
                    }
                    lastId = idValues[i];
                    lastEntity = entity;
                }
                MeterTime time;
                if (tsText is not null)
                {
                    if (!IsoTimestamp.TryParse(tsText[i], out time, out var error))
                    {
                        policy.Reject(path, row, $"bad timestamp '{tsText[i]}': {error}", id);
                        continue;
                    }
                }
                else
                {
                    if (tsTime!.Value.IsNull(i))
                    {
                        policy.Reject(path, row, "timestamp is null", id);
                        continue;
                    }
                    var utc = tsTime.Value.Values[i];
                    var offset = offsets is { } o && !o.IsNull(i) ? o.Values[i] : 0;
                    if (Math.Abs(offset) > IsoTimestamp.MaxOffsetMinutes)
                    {
                        policy.Reject(path, row, $"utc_offset_minutes {offset} is beyond +-{IsoTimestamp.MaxOffsetMinutes} (is it in seconds?)", id);
                        continue;
                    }
                    var ticks = utc.Ticks - DateTime.UnixEpoch.Ticks;
                    if (ticks % TimeSpan.TicksPerMinute != 0 || utc.Year is < IsoTimestamp.MinYear or > IsoTimestamp.MaxYear)
                    {
                        policy.Reject(path, row, $"timestamp {utc:yyyy-MM-dd'T'HH:mm:ss.fffZ} is not a whole minute between {IsoTimestamp.MinYear} and {IsoTimestamp.MaxYear}", id);
                        continue;
                    }
                    time = new MeterTime(ticks / TimeSpan.TicksPerMinute + offset, (short)offset);
                }
                if (time.LocalMinutes % 15 != 0)
                {
                    policy.Reject(path, row, "timestamp is not the start of a 15-minute, 30-minute, hourly or daily interval", id);
                    continue;
                }
                var v = kwh.Values[i];
                if (kwh.IsNull(i) || !double.IsFinite(v) || v < 0)
                {
                    policy.Reject(path, row, kwh.IsNull(i) ? "kwh is null" : $"kwh {v} is negative or not a finite number", id);
                    continue;
                }
                batch.Add(entity, time, v, row);
                rows++;
                if (batch.Count == batch.Capacity)
                {
                    onBatch(batch);
                    batch.Count = 0;
                }
            }
            rowBase += count;
            progress?.Invoke((double)(g + 1) / reader.RowGroupCount);
        }
        if (batch.Count > 0) onBatch(batch);
        return rows;
    }

    /// <summary>A text column as character memory, one entry per row (empty for a null).</summary>
    private static async Task<ReadOnlyMemory<char>[]> ReadText(ParquetRowGroupReader group, DataField field, int count)
    {
        var values = new ReadOnlyMemory<char>[count];
        if (!field.IsNullable)
        {
            await group.ReadRawAsync(field, values.AsMemory(), null, null);
            return values;
        }
        // Raw reading packs the non-null values first; the definition levels say which rows they belong to.
        var levels = new int[count];
        await group.ReadRawAsync(field, values.AsMemory(), levels.AsMemory(), null);
        var present = levels.Count(l => l == field.MaxDefinitionLevel);
        if (present == count) return values;
        for (int row = count - 1, value = present - 1; row >= 0; row--)
            values[row] = levels[row] == field.MaxDefinitionLevel ? values[value--] : ReadOnlyMemory<char>.Empty;
        return values;
    }

    /// <summary>Parquet.Net reports UTF-8 string columns as <see cref="string"/> or <see cref="ReadOnlyMemory{T}"/> of char.</summary>
    private static bool IsText(DataField field) => field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

    /// <summary>A column's values with, for a nullable column, which rows are null.</summary>
    private readonly record struct Column<T>(T[] Values, bool[]? Nulls)
    {
        public bool IsNull(int i) => Nulls is not null && Nulls[i];
    }

    /// <summary>Reads a value column straight into an array; only a nullable column pays for null tracking.</summary>
    private static async Task<Column<T>> ReadValues<T>(ParquetRowGroupReader group, DataField field, int count) where T : struct
    {
        var values = new T[count];
        if (!field.IsNullable)
        {
            await group.ReadAsync(field, values.AsMemory(), null);
            return new Column<T>(values, null);
        }
        var nullable = new T?[count];
        await group.ReadAsync(field, nullable.AsMemory(), null);
        var nulls = new bool[count];
        for (var i = 0; i < count; i++)
        {
            if (nullable[i] is { } v) values[i] = v;
            else nulls[i] = true;
        }
        return new Column<T>(values, nulls);
    }

    /// <summary>An integer column of any width (pandas writes 64-bit integers, other tools 32 or 16).</summary>
    private static async Task<Column<long>> ReadIntegers(ParquetRowGroupReader group, DataField field, int count)
    {
        if (field.ClrType == typeof(long)) return await ReadValues<long>(group, field, count);
        if (field.ClrType == typeof(int))
        {
            var c = await ReadValues<int>(group, field, count);
            return new([.. c.Values.Select(v => (long)v)], c.Nulls);
        }
        if (field.ClrType == typeof(short))
        {
            var c = await ReadValues<short>(group, field, count);
            return new([.. c.Values.Select(v => (long)v)], c.Nulls);
        }
        throw new InputException(field.Name, 0, $"column '{field.Name}' must be an integer column (found {field.ClrType.Name})");
    }

    private static Column<double> Widen(Column<float> column) => new([.. column.Values.Select(v => (double)v)], column.Nulls);
}

/// <summary>Writes readings as Parquet (<c>meter_id</c>, <c>timestamp</c> as a UTC instant, <c>utc_offset_minutes</c>, <c>kwh</c>).</summary>
public static class ReadingsParquetWriter
{
    public const int RowGroupSize = 1 << 20;

    /// <summary>Converts a readings CSV into Parquet, streaming one row group at a time.</summary>
    public static long FromCsv(string csvPath, string parquetPath, string idColumn = "meter_id") =>
        FromCsvAsync(csvPath, parquetPath, idColumn).GetAwaiter().GetResult();

    private static async Task<long> FromCsvAsync(string csvPath, string parquetPath, string idColumn)
    {
        var idField = new DataField<string>(idColumn);
        var tsField = new DateTimeDataField("timestamp", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis);
        var offsetField = new DataField<int>("utc_offset_minutes");
        var kwhField = new DataField<double>("kwh");
        var schema = new ParquetSchema(idField, tsField, offsetField, kwhField);
        await using var output = File.Create(parquetPath);
        await using var writer = await ParquetWriter.CreateAsync(schema, output);
        var ids = new IdRegistry(growable: true);
        var idCol = new string[RowGroupSize];
        var tsCol = new DateTime[RowGroupSize];
        var offCol = new int[RowGroupSize];
        var kwhCol = new double[RowGroupSize];
        var fill = 0;
        long total = 0;
        async Task Flush()
        {
            if (fill == 0) return;
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(idField, new ArraySegment<string>(idCol, 0, fill));
            await group.WriteAsync(tsField, (ReadOnlyMemory<DateTime>)tsCol.AsMemory(0, fill));
            await group.WriteAsync(offsetField, (ReadOnlyMemory<int>)offCol.AsMemory(0, fill));
            await group.WriteAsync(kwhField, (ReadOnlyMemory<double>)kwhCol.AsMemory(0, fill));
            total += fill;
            fill = 0;
        }
        ReadingsCsvReader.Read(csvPath, idColumn, ids, "{0}", RowPolicy.Strict, batch =>
        {
            for (var i = 0; i < batch.Count; i++)
            {
                idCol[fill] = ids[batch.Entity[i]];
                tsCol[fill] = DateTime.SpecifyKind(DateTime.UnixEpoch.AddMinutes(batch.LocalMinutes[i] - batch.OffsetMinutes[i]), DateTimeKind.Utc);
                offCol[fill] = batch.OffsetMinutes[i];
                kwhCol[fill] = batch.Kwh[i];
                // The CSV reader calls back synchronously, so the row group is written in place.
                if (++fill == RowGroupSize) Flush().GetAwaiter().GetResult();
            }
        });
        await Flush();
        return total;
    }
}
