using MinerWatch.Grid.Input;
using MinerWatch.Grid.Scan;
using ParquetSharp;

namespace MinerWatch.Grid.Tests;

public class ParquetTests
{
    [Fact]
    public void Parquet_readings_scan_exactly_like_the_same_csv()
    {
        var dir = TestData.TempDir();
        var csv = TestData.WriteFile(dir, "readings.csv", TestData.ReadingsCsv(120,
            ("A", (d, h) => TestData.Home(d, h)),
            ("B", (d, h) => TestData.Home(d, h, 5) + (d >= 60 ? 3.25 : 0)),
            ("C", (d, h) => d == 30 ? double.NaN : TestData.Home(d, h, 9))));
        var sites = TestData.WriteFile(dir, "sites.csv",
            "meter_id,customer_class,region,feeder_id,contracted_kw\nA,residential,CN-GD,F1,10\nB,residential,CN-GD,F1,10\nC,residential,CN-GD,F1,10\n");
        var parquet = Path.Combine(dir, "readings.parquet");
        Assert.Equal(3 * 120 * 24 - 24, ReadingsParquetWriter.FromCsv(csv, parquet));

        var fromCsv = GridScan.Run(new ScanRequest { Readings = csv, Sites = sites }, RowPolicy.Strict);
        var fromParquet = GridScan.Run(new ScanRequest { Readings = parquet, Sites = sites }, RowPolicy.Strict);
        Assert.Equal(fromCsv.Summary, fromParquet.Summary with { Intervals = fromCsv.Summary.Intervals });
        Assert.Equal(fromCsv.Summary.Intervals, fromParquet.Summary.Intervals);
        Assert.Equal(fromCsv.Meters.Select(m => (m.MeterId, m.Score, m.Onset, m.MiningKw)), fromParquet.Meters.Select(m => (m.MeterId, m.Score, m.Onset, m.MiningKw)));
        var b = fromParquet.Meters.Single(m => m.MeterId == "B");
        Assert.Equal(new DateOnly(2025, 3, 2), b.Onset);
    }

    [Fact]
    public void A_file_that_is_not_parquet_is_bad_input()
    {
        var dir = TestData.TempDir();
        var path = TestData.WriteFile(dir, "readings.parquet", "meter_id,timestamp,kwh\n");
        var sites = TestData.WriteFile(dir, "sites.csv", "meter_id,customer_class,region,feeder_id,contracted_kw\nA,residential,CN-GD,F1,10\n");
        var e = Assert.Throws<InputException>(() => GridScan.Run(new ScanRequest { Readings = path, Sites = sites }, RowPolicy.Strict));
        Assert.StartsWith("not a readable Parquet file", e.Reason);
    }

    private static readonly DateTime Midnight = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Writes one row group, each column from its values.</summary>
    private static string WriteParquet(params (Column Column, Array Values)[] columns)
    {
        var path = Path.Combine(TestData.TempDir(), "readings.parquet");
        using (var writer = new ParquetFileWriter(path, [.. columns.Select(c => c.Column)]))
        {
            using var group = writer.AppendRowGroup();
            foreach (var (_, values) in columns)
            {
                using var column = group.NextColumn();
                switch (values)
                {
                    case string?[] v: using (var w = column.LogicalWriter<string?>()) w.WriteBatch(v); break;
                    case DateTime[] v: using (var w = column.LogicalWriter<DateTime>()) w.WriteBatch(v); break;
                    case Int96[] v: using (var w = column.LogicalWriter<Int96>()) w.WriteBatch(v); break;
                    case short[] v: using (var w = column.LogicalWriter<short>()) w.WriteBatch(v); break;
                    case long[] v: using (var w = column.LogicalWriter<long>()) w.WriteBatch(v); break;
                    case long?[] v: using (var w = column.LogicalWriter<long?>()) w.WriteBatch(v); break;
                    case float[] v: using (var w = column.LogicalWriter<float>()) w.WriteBatch(v); break;
                    case double?[] v: using (var w = column.LogicalWriter<double?>()) w.WriteBatch(v); break;
                    default: throw new ArgumentException(values.GetType().Name);
                }
            }
            writer.Close();
        }
        return path;
    }

    private static (List<(int Entity, long Local, short Offset, double Kwh, long Row)> Rows, List<RejectedRow> Rejected) ReadAll(string path, params string[] meters)
    {
        var ids = new IdRegistry(growable: false);
        foreach (var m in meters) ids.TryAdd(m, out _);
        var rows = new List<(int, long, short, double, long)>();
        var rejected = new List<RejectedRow>();
        ReadingsParquetReader.Read(path, "meter_id", ids, GridScan.UnknownMeter, RowPolicy.SetAside(rejected.Add), b =>
        {
            for (var i = 0; i < b.Count; i++) rows.Add((b.Entity[i], b.LocalMinutes[i], b.OffsetMinutes[i], b.Kwh[i], b.Line[i]));
        });
        return (rows, rejected);
    }

    private static long Minutes(DateTime t) => (t.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMinute;

    [Fact]
    public void Text_timestamps_and_float_energy_read_as_in_the_csv()
    {
        var path = WriteParquet(
            (new Column<string>("meter_id", LogicalType.String()), new string?[] { "A", "A", "B" }),
            (new Column<string>("timestamp", LogicalType.String()), new string?[] { "2025-01-01T00:00:00+08:00", "2025-01-01T01:00:00+08:00", "2025-01-01T00:00:00Z" }),
            (new Column<float>("kwh"), new[] { 1.5f, 2.25f, 0.5f }));

        var (rows, rejected) = ReadAll(path, "A", "B");

        Assert.Empty(rejected);
        Assert.Equal([
            (0, Minutes(Midnight), (short)480, 1.5, 1L),
            (0, Minutes(Midnight) + 60, (short)480, 2.25, 2L),
            (1, Minutes(Midnight), (short)0, 0.5, 3L)], rows);
    }

    [Fact]
    public void A_timestamp_not_adjusted_to_utc_is_the_local_time_and_an_adjusted_one_the_instant()
    {
        // The same wall-clock reading, 00:00 in UTC+8: once stored as local microseconds, once as the UTC instant in nanoseconds.
        var local = WriteParquet(
            (new Column<string>("meter_id", LogicalType.String()), new string?[] { "A" }),
            (new Column<DateTime>("timestamp", LogicalType.Timestamp(isAdjustedToUtc: false, TimeUnit.Micros)), new[] { DateTime.SpecifyKind(Midnight, DateTimeKind.Unspecified) }),
            (new Column<short>("utc_offset_minutes", LogicalType.Int(16, isSigned: true)), new short[] { 480 }),
            (new Column<double?>("kwh"), new double?[] { 2.0 }));
        var instant = WriteParquet(
            (new Column<string>("meter_id", LogicalType.String()), new string?[] { "A" }),
            (new Column<long>("timestamp", LogicalType.Timestamp(isAdjustedToUtc: true, TimeUnit.Nanos)), new[] { (Minutes(Midnight) - 480) * 60_000_000_000L }),
            (new Column<long>("utc_offset_minutes"), new long[] { 480 }),
            (new Column<double?>("kwh"), new double?[] { 2.0 }));

        Assert.Equal([(0, Minutes(Midnight), (short)480, 2.0, 1L)], ReadAll(local, "A").Rows);
        Assert.Equal([(0, Minutes(Midnight), (short)480, 2.0, 1L)], ReadAll(instant, "A").Rows);
    }

    [Fact]
    public void Legacy_int96_timestamps_are_utc_instants()
    {
        // 2025-01-01T01:00Z: Julian day 2460677, 3,600 s into the day in nanoseconds (low and high 32 bits).
        const long nanos = 3_600_000_000_000L;
        var path = WriteParquet(
            (new Column<string>("meter_id", LogicalType.String()), new string?[] { "A" }),
            (new Column<Int96>("timestamp"), new[] { new Int96((int)(nanos & 0xFFFFFFFF), (int)(nanos >> 32), 2_460_677) }),
            (new Column<double?>("kwh"), new double?[] { 1.0 }));

        Assert.Equal([(0, Minutes(Midnight) + 60, (short)0, 1.0, 1L)], ReadAll(path, "A").Rows);
    }

    [Fact]
    public void Bad_rows_are_set_aside_with_their_row_and_reason()
    {
        var path = WriteParquet(
            (new Column<string>("meter_id", LogicalType.String()), new string?[] { "A", null, "Z", "A", "A", "A", "A", "A" }),
            (new Column<DateTime>("timestamp", LogicalType.Timestamp(isAdjustedToUtc: true, TimeUnit.Millis)),
                new[] { Midnight, Midnight, Midnight, Midnight.AddHours(1), Midnight.AddHours(2), Midnight.AddSeconds(30), Midnight.AddMinutes(5), Midnight.AddHours(3) }),
            (new Column<long>("utc_offset_minutes"), new long[] { 0, 0, 0, 0, 0, 0, 0, 3600 }),
            (new Column<double?>("kwh"), new double?[] { 1, 1, 1, null, -2, 1, 1, 1 }));

        var (rows, rejected) = ReadAll(path, "A");

        Assert.Equal([(0, Minutes(Midnight), (short)0, 1.0, 1L)], rows);
        Assert.Equal([
            (2L, "meter_id is empty"),
            (3L, string.Format(GridScan.UnknownMeter, "Z")),
            (4L, "kwh is null"),
            (5L, "kwh -2 is negative or not a finite number"),
            (6L, "timestamp 2025-01-01T00:00:30.000Z is not a whole minute between 1900 and 2200"),
            (7L, "timestamp is not the start of a 15-minute, 30-minute, hourly or daily interval"),
            (8L, "utc_offset_minutes 3600 is beyond +-840 (is it in seconds?)")],
            rejected.Select(r => (r.Line, r.Reason)));
        Assert.Equal("Z", rejected[1].Raw);
    }

    [Fact]
    public void A_wrongly_typed_column_is_named()
    {
        var path = WriteParquet(
            (new Column<string>("meter_id", LogicalType.String()), new string?[] { "A" }),
            (new Column<string>("timestamp", LogicalType.String()), new string?[] { "2025-01-01T00:00:00Z" }),
            (new Column<string>("kwh", LogicalType.String()), new string?[] { "1.0" }));

        var e = Assert.Throws<InputException>(() => ReadAll(path, "A"));
        Assert.Equal("column 'kwh' must be a double, float, integer or decimal (of up to 18 digits) column (found ByteArray String)", e.Reason);
    }

    [Theory]
    [InlineData("DECIMAL(12,3)", "1.234", 1.234)]
    [InlineData("DECIMAL(6,2)", "12.5", 12.5)]
    [InlineData("DOUBLE", "0.1", 0.1)]
    [InlineData("INTEGER", "7", 7.0)]
    [InlineData("BIGINT", "9", 9.0)]
    public void Parquet_written_by_duckdb_reads_as_written(string kwhType, string kwh, double expected)
    {
        // DuckDB writes TIMESTAMPTZ as UTC microseconds and DECIMAL as scaled INT32 or INT64, as it does for sums.
        var path = Path.Combine(TestData.TempDir(), "duck.parquet");
        using (var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SET TimeZone = 'UTC'; COPY (SELECT * FROM (VALUES ('A', TIMESTAMPTZ '2025-01-01 00:00:00+08', " +
                $"CAST('{kwh}' AS {kwhType})), ('A', TIMESTAMPTZ '2025-01-01 01:00:00+08', CAST('{kwh}' AS {kwhType}))) t(meter_id, \"timestamp\", kwh)) TO '{path}' (FORMAT parquet)";
            command.ExecuteNonQuery();
        }

        var (rows, rejected) = ReadAll(path, "A");

        Assert.Empty(rejected);
        Assert.Equal([(0, Minutes(Midnight) - 480, (short)0, expected, 1L), (0, Minutes(Midnight) - 420, (short)0, expected, 2L)], rows);
    }

    [Fact]
    public void A_null_utc_offset_is_a_bad_row_and_a_column_named_twice_is_refused()
    {
        var path = WriteParquet(
            (new Column<string>("meter_id", LogicalType.String()), new string?[] { "A", "A" }),
            (new Column<DateTime>("timestamp", LogicalType.Timestamp(isAdjustedToUtc: true, TimeUnit.Millis)), new[] { Midnight, Midnight.AddHours(1) }),
            (new Column<long?>("utc_offset_minutes"), new long?[] { 480, null }),
            (new Column<double?>("kwh"), new double?[] { 1, 1 }));
        var (rows, rejected) = ReadAll(path, "A");
        Assert.Equal([(0, Minutes(Midnight) + 480, (short)480, 1.0, 1L)], rows);
        Assert.Equal([(2L, "utc_offset_minutes is null")], rejected.Select(r => (r.Line, r.Reason)));

        var twice = WriteParquet(
            (new Column<string>("meter_id", LogicalType.String()), new string?[] { "A" }),
            (new Column<string>("timestamp", LogicalType.String()), new string?[] { "2025-01-01T00:00:00Z" }),
            (new Column<double?>("kwh"), new double?[] { 1 }),
            (new Column<double?>("kwh"), new double?[] { 2 }));
        Assert.Equal("column 'kwh' appears 2 times; which one holds the data cannot be told", Assert.Throws<InputException>(() => ReadAll(twice, "A")).Reason);
    }
}
