using ParquetSharp;

namespace MinerWatch.Grid.Input;

/// <summary>
/// Reads the interval tables from Parquet: <c>meter_id</c> (or <c>feeder_id</c>) as a string, <c>kwh</c> as a double
/// or float, and <c>timestamp</c> either as an ISO-8601 string with offset (as in the CSV) or as a Parquet timestamp
/// (INT64 in milli-, micro- or nanoseconds, or legacy INT96) with an optional <c>utc_offset_minutes</c> column giving
/// local time (UTC when absent). A timestamp marked as adjusted to UTC is an instant; one that is not is the local
/// wall-clock time. Errors name the row (1-based) in place of a line.
/// </summary>
/// <remarks>
/// ParquetSharp (the Apache Arrow C++ reader) decodes several times faster than a managed reader. Columns are read
/// physically, a row group at a time: ids straight from the decoded UTF-8 bytes (no string per row; a run of one
/// meter is matched against the previous id), timestamps as integers checked against precomputed bounds.
/// </remarks>
public static class ReadingsParquetReader
{
    private const int Batch = 64 * 1024;
    private const int EmptyId = -2;

    public static long Read(string path, string idColumn, IdRegistry ids, string? unknownReason, RowPolicy policy,
        Action<ReadingBatch> onBatch, Action<double>? progress = null)
    {
        ParquetFileReader file;
        // Page checksums are verified where the writer stored them: a flipped bit in a compressed page can otherwise
        // decode to other numbers without any error (see HasPageChecksums for files without them).
        using var properties = ReaderProperties.GetDefaultReaderProperties();
        properties.EnablePageChecksumVerification();
        try
        {
            file = new ParquetFileReader(path, properties);
        }
        catch (ParquetException e)
        {
            throw new InputException(path, 0, $"not a readable Parquet file: {Brief(e)}");
        }
        using var _ = file;
        var schema = file.FileMetaData.Schema;
        var columns = Enumerable.Range(0, schema.NumColumns).Select(schema.Column).ToArray();
        if (columns.GroupBy(c => c.Path.ToDotString()).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InputException(path, 0, $"column '{twice.Key}' appears {twice.Count()} times; which one holds the data cannot be told");
        ColumnDescriptor? Find(string name) => columns.FirstOrDefault(c => c.Name == name && c.MaxRepetitionLevel == 0);
        ColumnDescriptor Field(string name) => Find(name)
            ?? throw new InputException(path, 0, $"column '{name}' is missing; expected columns {idColumn}, timestamp, kwh (found {string.Join(", ", columns.Select(c => c.Name))})");
        var idField = Field(idColumn);
        var tsField = Field("timestamp");
        var kwhField = Field("kwh");
        var offsetField = Find("utc_offset_minutes");
        if (idField.PhysicalType != PhysicalType.ByteArray) throw new InputException(path, 0, $"column '{idColumn}' must be a string column (found {Describe(idField)})");
        if (KwhDivisor(kwhField) is null) throw new InputException(path, 0, $"column 'kwh' must be a double, float, integer or decimal (of up to 18 digits) column (found {Describe(kwhField)})");
        var time = TimeColumn.Of(tsField) ?? throw new InputException(path, 0, $"column 'timestamp' must be an ISO-8601 string or a Parquet timestamp (found {Describe(tsField)})");
        if (offsetField is not null && offsetField.PhysicalType is not (PhysicalType.Int32 or PhysicalType.Int64))
            throw new InputException(path, 0, $"column 'utc_offset_minutes' must be an integer column (found {Describe(offsetField)})");
        int Index(ColumnDescriptor c) => Array.IndexOf(columns, c);

        var batch = new ReadingBatch(ReadingsCsvReader.BatchSize) { File = path };
        var data = new RowGroupColumns();
        long rowBase = 0, rows = 0;
        var groups = file.FileMetaData.NumRowGroups;
        for (var g = 0; g < groups; g++)
        {
            using var group = file.RowGroup(g);
            var count = checked((int)group.MetaData.NumRows);
            try
            {
                data.Read(group, count, idField, Index(idField), ids, time, Index(tsField), kwhField, Index(kwhField),
                    offsetField, offsetField is null ? -1 : Index(offsetField));
            }
            catch (ParquetException e)
            {
                throw new InputException(path, rowBase + 1, $"row group {g + 1} cannot be read: {Brief(e)}");
            }
            rows += Rows(path, idColumn, unknownReason, policy, data, time, rowBase, batch, onBatch);
            rowBase += count;
            progress?.Invoke((double)(g + 1) / groups);
        }
        if (batch.Count > 0) onBatch(batch);
        return rows;
    }

    /// <summary>Checks each row of a row group and hands the good ones on; returns how many were good.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static long Rows(string path, string idColumn, string? unknownReason, RowPolicy policy, RowGroupColumns data, TimeColumn time,
        long rowBase, ReadingBatch batch, Action<ReadingBatch> onBatch)
    {
        long good = 0;
        for (var i = 0; i < data.Count; i++)
        {
            var row = rowBase + i + 1;
            var entity = data.Entity[i];
            if (entity < 0)
            {
                if (entity == EmptyId) policy.Reject(path, row, $"{idColumn} is empty", "");
                else if (unknownReason is not null) policy.Reject(path, row, string.Format(unknownReason, data.UnknownIds[i]), data.UnknownIds[i]);
                continue;
            }
            MeterTime at;
            if (data.TimeProblem?[i] is { } problem)
            {
                policy.Reject(path, row, problem, data.IdOf(i));
                continue;
            }
            if (time.IsText) at = data.TextTime[i];
            else
            {
                if (data.TimeNull?[i] == true)
                {
                    policy.Reject(path, row, "timestamp is null", data.IdOf(i));
                    continue;
                }
                // A null offset is a blank field, not UTC: the column says the file's times are not all UTC.
                if (data.HasOffset && data.OffsetNull?[i] == true)
                {
                    policy.Reject(path, row, "utc_offset_minutes is null", data.IdOf(i));
                    continue;
                }
                var offset = data.HasOffset ? data.Offset[i] : 0;
                if (Math.Abs(offset) > IsoTimestamp.MaxOffsetMinutes)
                {
                    policy.Reject(path, row, $"utc_offset_minutes {offset} is beyond +-{IsoTimestamp.MaxOffsetMinutes} (is it in seconds?)", data.IdOf(i));
                    continue;
                }
                var minutes = data.Minutes[i];
                at = time.IsLocal ? new MeterTime(minutes, (short)offset) : new MeterTime(minutes + offset, (short)offset);
            }
            if (at.LocalMinutes % 15 != 0)
            {
                policy.Reject(path, row, "timestamp is not the start of a 15-minute, 30-minute, hourly or daily interval", data.IdOf(i));
                continue;
            }
            var v = data.Kwh[i];
            if (data.KwhNull?[i] == true || !double.IsFinite(v) || v < 0)
            {
                policy.Reject(path, row, data.KwhNull?[i] == true ? "kwh is null" : $"kwh {v} is negative or not a finite number", data.IdOf(i));
                continue;
            }
            batch.Add(entity, at, v, row);
            good++;
            if (batch.Count == batch.Capacity)
            {
                onBatch(batch);
                batch.Count = 0;
            }
        }
        return good;
    }

    /// <summary>
    /// Whether the file's first page carries a CRC (Parquet's optional <c>crc</c> field of the page header), read from
    /// the Thrift compact encoding of the header that starts after the 4-byte magic. Writers store CRCs for every page
    /// or for none, so the first page speaks for the file. Null when the header cannot be read.
    /// </summary>
    public static bool? HasPageChecksums(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var header = new byte[64];
            var read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (read < 8 || header[0] != (byte)'P' || header[1] != (byte)'A' || header[2] != (byte)'R' || header[3] != (byte)'1') return null;
            var p = 4;
            var field = 0;
            // PageHeader: 1 type, 2 uncompressed_page_size, 3 compressed_page_size, 4 crc: all i32 (compact type 5).
            while (p < read)
            {
                var b = header[p++];
                if (b == 0 || b >> 4 == 0) return field >= 3 ? false : null;
                field += b >> 4;
                if (field == 4) return (b & 0x0F) == 5;
                if (field > 4 || (b & 0x0F) != 5) return false;
                while (p < read && (header[p] & 0x80) != 0) p++;
                p++;
            }
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// What a kwh column's stored values are divided by: 1 for floating point and plain integers, 10^scale for a
    /// decimal stored as INT32 or INT64; null for a column that is not a number we read.
    /// </summary>
    private static double? KwhDivisor(ColumnDescriptor c) => (c.PhysicalType, c.LogicalType) switch
    {
        (PhysicalType.Double or PhysicalType.Float, _) => 1,
        (PhysicalType.Int32 or PhysicalType.Int64, DecimalLogicalType d) when d.Scale is >= 0 and <= 18 => Math.Pow(10, d.Scale),
        (PhysicalType.Int32 or PhysicalType.Int64, { Type: LogicalTypeEnum.None }) => 1,
        (PhysicalType.Int32 or PhysicalType.Int64, IntLogicalType { IsSigned: true }) => 1,
        _ => null,
    };

    private static string Describe(ColumnDescriptor c) =>
        c.LogicalType.Type == LogicalTypeEnum.None ? c.PhysicalType.ToString() : $"{c.PhysicalType} {c.LogicalType.Type}";

    private static string Brief(ParquetException e)
    {
        // The native reader prefixes its C++ exception type; the status message after it is what a person can use.
        var message = e.Message;
        var at = message.IndexOf("(message: '", StringComparison.Ordinal);
        return at >= 0 ? message[(at + 11)..].TrimEnd(')', '\'') : message;
    }

    /// <summary>How the timestamp column is stored, and what one minute is in its units.</summary>
    private sealed record TimeColumn(bool IsText, bool IsInt96, bool IsLocal, long UnitsPerMinute, long MinMinute, long MaxMinute)
    {
        public static TimeColumn? Of(ColumnDescriptor c)
        {
            if (c.PhysicalType == PhysicalType.ByteArray && c.LogicalType.Type is LogicalTypeEnum.String or LogicalTypeEnum.None)
                return new(true, false, false, 1, 0, 0);
            if (c.PhysicalType == PhysicalType.Int96) return Bounds(false, true, 60L * 1_000_000_000);
            if (c.PhysicalType != PhysicalType.Int64 || c.LogicalType is not TimestampLogicalType ts) return null;
            var perMinute = ts.TimeUnit switch
            {
                TimeUnit.Millis => 60_000L,
                TimeUnit.Micros => 60_000_000L,
                _ => 60_000_000_000L,
            };
            return Bounds(!ts.IsAdjustedToUtc, false, perMinute);
        }

        private static TimeColumn Bounds(bool local, bool int96, long perMinute)
        {
            var min = (long)(new DateTime(IsoTimestamp.MinYear, 1, 1) - DateTime.UnixEpoch).TotalMinutes;
            var max = (long)(new DateTime(IsoTimestamp.MaxYear + 1, 1, 1) - DateTime.UnixEpoch).TotalMinutes;
            return new(false, int96, local, perMinute, min, max);
        }
    }

    /// <summary>
    /// One row group's columns, decoded: ids resolved to entities, times to minutes or to a problem. The arrays are
    /// reused from one row group to the next: a fresh set of large arrays per row group keeps the collector busy.
    /// </summary>
    private sealed class RowGroupColumns
    {
        public int Count;
        public int[] Entity = [];
        public readonly Dictionary<int, string> UnknownIds = [];
        private IdRegistry _ids = new(growable: false);
        public long[] Minutes = [];
        public bool[]? TimeNull;
        public MeterTime[] TextTime = [];
        public string?[]? TimeProblem;
        public long[] Offset = [];
        public bool HasOffset;
        public bool[]? OffsetNull;
        public double[] Kwh = [];
        public bool[]? KwhNull;
        private long[] _raw = [];
        private Int96[] _raw96 = [];
        private int[] _narrow = [];
        private float[] _single = [];
        private long[] _wide = [];
        private string?[] _problems = [];
        private bool[] _timeNulls = [], _offsetNulls = [], _kwhNulls = [];

        /// <summary>The row's id, for a message about the row.</summary>
        public string IdOf(int row) => Entity[row] >= 0 ? _ids[Entity[row]] : UnknownIds.GetValueOrDefault(row, "");

        private static T[] Sized<T>(ref T[] array, int count)
        {
            if (array.Length < count) array = new T[count];
            return array;
        }

        public void Read(RowGroupReader group, int count, ColumnDescriptor idField, int idIndex, IdRegistry ids, TimeColumn time,
            int tsIndex, ColumnDescriptor kwhField, int kwhIndex, ColumnDescriptor? offsetField, int offsetIndex)
        {
            Count = count;
            Sized(ref Entity, count);
            UnknownIds.Clear();
            _ids = ids;
            ReadIds(group, idIndex, idField.MaxDefinitionLevel, count, ids);
            var tsField = group.MetaData.Schema.Column(tsIndex);
            TimeProblem = null;
            if (time.IsText) ReadTextTimes(group, tsIndex, tsField.MaxDefinitionLevel, count);
            else ReadTimes(group, tsIndex, tsField.MaxDefinitionLevel, count, time);
            if (kwhField.PhysicalType == PhysicalType.Double)
                KwhNull = ReadValues(group, kwhIndex, kwhField.MaxDefinitionLevel, count, Sized(ref Kwh, count), ref _kwhNulls);
            else if (kwhField.PhysicalType == PhysicalType.Float)
            {
                KwhNull = ReadValues(group, kwhIndex, kwhField.MaxDefinitionLevel, count, Sized(ref _single, count), ref _kwhNulls);
                Sized(ref Kwh, count);
                for (var i = 0; i < count; i++) Kwh[i] = _single[i];
            }
            else
            {
                // Integers and decimals (DuckDB and Spark write sums of decimals so) are exact: the unscaled value
                // over 10^scale is the decimal as written, to double precision.
                var divisor = KwhDivisor(kwhField)!.Value;
                Sized(ref Kwh, count);
                if (kwhField.PhysicalType == PhysicalType.Int64)
                {
                    KwhNull = ReadValues(group, kwhIndex, kwhField.MaxDefinitionLevel, count, Sized(ref _wide, count), ref _kwhNulls);
                    for (var i = 0; i < count; i++) Kwh[i] = _wide[i] / divisor;
                }
                else
                {
                    KwhNull = ReadValues(group, kwhIndex, kwhField.MaxDefinitionLevel, count, Sized(ref _narrow, count), ref _kwhNulls);
                    for (var i = 0; i < count; i++) Kwh[i] = _narrow[i] / divisor;
                }
            }
            HasOffset = offsetField is not null;
            if (offsetField is null) return;
            Sized(ref Offset, count);
            if (offsetField.PhysicalType == PhysicalType.Int64) OffsetNull = ReadValues(group, offsetIndex, offsetField.MaxDefinitionLevel, count, Offset, ref _offsetNulls);
            else
            {
                OffsetNull = ReadValues(group, offsetIndex, offsetField.MaxDefinitionLevel, count, Sized(ref _narrow, count), ref _offsetNulls);
                for (var i = 0; i < count; i++) Offset[i] = _narrow[i];
            }
        }

        /// <summary>Resolves each row's id to its entity; a run of rows of one meter costs a byte comparison each.</summary>
        private void ReadIds(RowGroupReader group, int column, short maxDefinition, int count, IdRegistry ids)
        {
            var chars = new char[256];
            var last = new byte[256];
            var lastLength = -1;
            var lastEntity = EmptyId;
            ForEachBytes(group, column, maxDefinition, count, (int row, ReadOnlySpan<byte> bytes, bool present) =>
            {
                if (!present)
                {
                    Entity[row] = EmptyId;
                    return;
                }
                if (lastLength == bytes.Length && bytes.SequenceEqual(last.AsSpan(0, lastLength)))
                {
                    Entity[row] = lastEntity;
                    if (lastEntity == -1) UnknownIds[row] = UnknownIds[row - 1];
                    return;
                }
                var text = bytes.Length <= 192 ? chars.AsSpan(0, System.Text.Encoding.UTF8.GetChars(bytes, chars)) : System.Text.Encoding.UTF8.GetString(bytes).AsSpan();
                var id = text.Trim();
                var entity = id.IsEmpty ? EmptyId : ids.Find(id);
                if (entity == -1) UnknownIds[row] = text.ToString();
                Entity[row] = entity;
                if (bytes.Length <= last.Length)
                {
                    bytes.CopyTo(last);
                    lastLength = bytes.Length;
                    lastEntity = entity;
                }
                else lastLength = -1;
            });
        }

        private void ReadTextTimes(RowGroupReader group, int column, short maxDefinition, int count)
        {
            var times = Sized(ref TextTime, count);
            var problems = Sized(ref _problems, count);
            Array.Clear(problems, 0, count);
            var chars = new char[128];
            ForEachBytes(group, column, maxDefinition, count, (int row, ReadOnlySpan<byte> bytes, bool present) =>
            {
                if (!present)
                {
                    problems[row] = "timestamp is null";
                    return;
                }
                var text = bytes.Length <= 96 ? chars.AsSpan(0, System.Text.Encoding.UTF8.GetChars(bytes, chars)) : System.Text.Encoding.UTF8.GetString(bytes).AsSpan();
                if (!IsoTimestamp.TryParse(text, out times[row], out var error)) problems[row] = $"bad timestamp '{text}': {error}";
            });
            TimeProblem = problems;
        }

        /// <summary>
        /// Timestamps to minutes since the epoch: INT64 in its unit, or legacy INT96 (Impala, older Spark: nanoseconds
        /// of the day and a Julian day number). A value off the minute or outside the years read is a problem.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private void ReadTimes(RowGroupReader group, int column, short maxDefinition, int count, TimeColumn time)
        {
            var raw = Sized(ref _raw, count);
            if (time.IsInt96)
            {
                TimeNull = ReadValues(group, column, maxDefinition, count, Sized(ref _raw96, count), ref _timeNulls);
                const long JulianUnixEpoch = 2_440_588;
                for (var i = 0; i < count; i++)
                {
                    var nanosOfDay = (long)(((ulong)(uint)_raw96[i].B << 32) | (uint)_raw96[i].A);
                    raw[i] = (_raw96[i].C - JulianUnixEpoch) * 86_400_000_000_000L + nanosOfDay;
                }
            }
            else TimeNull = ReadValues(group, column, maxDefinition, count, raw, ref _timeNulls);
            var minutes = Sized(ref Minutes, count);
            var perMinute = time.UnitsPerMinute;
            for (var i = 0; i < count; i++)
            {
                var m = Math.DivRem(raw[i], perMinute, out var rest);
                minutes[i] = m;
                if (rest == 0 && m >= time.MinMinute && m < time.MaxMinute || TimeNull?[i] == true) continue;
                if (TimeProblem is null)
                {
                    TimeProblem = Sized(ref _problems, count);
                    Array.Clear(TimeProblem, 0, count);
                }
                TimeProblem[i] = OffMinute(raw[i], perMinute);
            }
        }

        private static string OffMinute(long value, long perMinute)
        {
            var ticks = value * (TimeSpan.TicksPerMinute / (double)perMinute);
            var shown = ticks >= (DateTime.MinValue - DateTime.UnixEpoch).Ticks && ticks <= (DateTime.MaxValue - DateTime.UnixEpoch).Ticks
                ? DateTime.UnixEpoch.AddTicks((long)ticks).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'")
                : $"{value} units since 1970";
            return $"timestamp {shown} is not a whole minute between {IsoTimestamp.MinYear} and {IsoTimestamp.MaxYear}";
        }
    }

    private delegate void BytesRow(int row, ReadOnlySpan<byte> value, bool present);

    /// <summary>Calls back with each row's bytes while the decoded page that holds them is still alive.</summary>
    private static unsafe void ForEachBytes(RowGroupReader group, int column, short maxDefinition, int count, BytesRow onRow)
    {
        using var reader = (ColumnReader<ByteArray>)group.Column(column);
        var values = new ByteArray[Batch];
        var definitions = new short[Batch];
        var row = 0;
        while (row < count && reader.HasNext)
        {
            var levels = (int)reader.ReadBatch(Math.Min(Batch, count - row), definitions, default, values, out var read);
            var v = 0;
            for (var k = 0; k < levels; k++, row++)
            {
                if (maxDefinition > 0 && definitions[k] < maxDefinition) onRow(row, default, false);
                else
                {
                    var value = values[v++];
                    onRow(row, new ReadOnlySpan<byte>((void*)value.Pointer, value.Length), true);
                }
            }
            if (levels == 0) break;
        }
    }

    /// <summary>
    /// Reads a fixed-width column into <paramref name="values"/> for every row; for an optional column returns which
    /// rows are null (value 0), in <paramref name="nullStore"/>, else null.
    /// </summary>
    private static bool[]? ReadValues<T>(RowGroupReader group, int column, short maxDefinition, int count, T[] values, ref bool[] nullStore) where T : unmanaged
    {
        using var reader = (ColumnReader<T>)group.Column(column);
        var row = 0;
        if (maxDefinition == 0)
        {
            while (row < count && reader.HasNext)
            {
                var levels = (int)reader.ReadBatch(Math.Min(Batch, count - row), values.AsSpan(row), out _);
                if (levels == 0) break;
                row += levels;
            }
            return null;
        }
        // Values come packed (nulls left out); the definition levels say which rows hold them.
        var packed = new T[Batch];
        var definitions = new short[Batch];
        if (nullStore.Length < count) nullStore = new bool[count];
        var nulls = nullStore;
        Array.Clear(nulls, 0, count);
        while (row < count && reader.HasNext)
        {
            var levels = (int)reader.ReadBatch(Math.Min(Batch, count - row), definitions, default, packed, out _);
            if (levels == 0) break;
            var v = 0;
            for (var k = 0; k < levels; k++, row++)
            {
                if (definitions[k] < maxDefinition)
                {
                    nulls[row] = true;
                    values[row] = default;
                }
                else values[row] = packed[v++];
            }
        }
        return nulls;
    }
}

/// <summary>Writes readings as Parquet (<c>meter_id</c>, <c>timestamp</c> as a UTC instant, <c>utc_offset_minutes</c>, <c>kwh</c>).</summary>
public static class ReadingsParquetWriter
{
    public const int RowGroupSize = 1 << 20;

    /// <summary>Converts a readings CSV into Parquet (Snappy, ids dictionary-encoded, page CRCs), streaming one row group at a time.</summary>
    public static long FromCsv(string csvPath, string parquetPath, string idColumn = "meter_id")
    {
        Column[] columns =
        [
            new Column<string>(idColumn, LogicalType.String()),
            new Column<DateTime>("timestamp", LogicalType.Timestamp(isAdjustedToUtc: true, TimeUnit.Millis)),
            new Column<int>("utc_offset_minutes"),
            new Column<double>("kwh"),
        ];
        // Page CRCs let a reader tell a damaged page from data (the reader verifies them).
        using var properties = new WriterPropertiesBuilder().Compression(Compression.Snappy).EnablePageChecksum().Build();
        using var writer = new ParquetFileWriter(parquetPath, columns, properties);
        var ids = new IdRegistry(growable: true);
        var idCol = new string[RowGroupSize];
        var tsCol = new DateTime[RowGroupSize];
        var offCol = new int[RowGroupSize];
        var kwhCol = new double[RowGroupSize];
        var fill = 0;
        long total = 0;
        void Flush()
        {
            if (fill == 0) return;
            using var group = writer.AppendRowGroup();
            using (var w = group.NextColumn().LogicalWriter<string>()) w.WriteBatch(idCol, 0, fill);
            using (var w = group.NextColumn().LogicalWriter<DateTime>()) w.WriteBatch(tsCol, 0, fill);
            using (var w = group.NextColumn().LogicalWriter<int>()) w.WriteBatch(offCol, 0, fill);
            using (var w = group.NextColumn().LogicalWriter<double>()) w.WriteBatch(kwhCol, 0, fill);
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
                if (++fill == RowGroupSize) Flush();
            }
        });
        Flush();
        writer.Close();
        return total;
    }
}
