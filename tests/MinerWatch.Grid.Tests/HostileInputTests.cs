using MinerWatch.Grid.Input;
using MinerWatch.Grid.Scan;
using ParquetSharp;

namespace MinerWatch.Grid.Tests;

/// <summary>Inputs that used to be read wrongly without a word (issue 11): each is now a bad row or a verdict that says so.</summary>
public class HostileInputTests
{
    private const string Sites = "meter_id,customer_class,region,feeder_id,contracted_kw\nM1,residential,CN-GD/Guangzhou,F1,10\n";
    private const string Header = "meter_id,timestamp,kwh\n";
    private const string Row = "M1,2025-03-01T00:00:00+08:00,";
    private const string DecimalComma = "has a decimal comma or thousands separator (write numbers with '.' as the decimal point and no separators)";
    private const string FourFields = "row has 4 fields, the header has 3 (an unquoted decimal comma or thousands separator such as 9,500? write numbers with '.' as the decimal point and no separators)";

    private static InputException Strict(string readings, string sites = Sites, string? activity = null, string? feeders = null)
    {
        var dir = TestData.TempDir();
        var request = new ScanRequest
        {
            Readings = TestData.WriteFile(dir, "readings.csv", readings),
            Sites = TestData.WriteFile(dir, "sites.csv", sites),
            Activity = activity is null ? null : TestData.WriteFile(dir, "activity.csv", activity),
            Feeders = feeders is null ? null : TestData.WriteFile(dir, "feeders.csv", feeders),
        };
        return Assert.Throws<InputException>(() => GridScan.Run(request, RowPolicy.Strict));
    }

    /// <summary>Sixty days of an hourly 0.5 kWh load for M1, from 2025-01-01 (lines 2 to 1441).</summary>
    private static string SixtyDays() => TestData.ReadingsCsv(60, ("M1", (_, _) => 0.5));

    [Theory]
    [InlineData(Header + Row + "\"9,5\"\n", 2, "kwh '9,5' " + DecimalComma)]
    [InlineData(Header + Row + "9,500\n", 2, FourFields)]
    [InlineData(Header + Row + "0x10\n", 2, "kwh '0x10' is not a number")]
    [InlineData(Header + Row + "1_000\n", 2, "kwh '1_000' is not a number")]
    [InlineData(Header + Row + "Infinity\n", 2, "kwh 'Infinity' is not a finite number")]
    public void Readings_numbers_are_read_exactly_as_written_or_rejected(string readings, long line, string reason)
    {
        var e = Strict(readings);
        Assert.Equal((line, reason), (e.Line, e.Reason));
    }

    [Fact]
    public void Every_csv_reader_rejects_a_decimal_comma_and_a_row_longer_than_its_header()
    {
        var ok = Header + Row + "1\n";
        Assert.Equal((2L, "contracted_kw '9,5' is not a positive number"),
            Reason(Strict(ok, "meter_id,customer_class,region,feeder_id,contracted_kw\nM1,residential,CN-GD,F1,\"9,5\"\n")));
        Assert.Equal((2L, "row has 6 fields, the header has 5 (an unquoted decimal comma or thousands separator such as 9,500? write numbers with '.' as the decimal point and no separators)"),
            Reason(Strict(ok, "meter_id,customer_class,region,feeder_id,contracted_kw\nM1,residential,CN-GD,F1,9,5\n")));
        Assert.Equal((2L, "declared_kwh '5,5' " + DecimalComma), Reason(Strict(ok, activity: "meter_id,date,declared_kwh\nM1,2025-03-01,\"5,5\"\n")));
        Assert.Equal((2L, FourFields), Reason(Strict(ok, activity: "meter_id,date,declared_kwh\nM1,2025-03-01,5,5\n")));
        Assert.Equal((2L, "kwh '5,5' " + DecimalComma), Reason(Strict(ok, feeders: "feeder_id,timestamp,kwh\nF1,2025-03-01T00:00:00+08:00,\"5,5\"\n")));
        Assert.Equal((2L, FourFields), Reason(Strict(ok, feeders: "feeder_id,timestamp,kwh\nF1,2025-03-01T00:00:00+08:00,5,5\n")));
        Assert.Equal((2L, "2014/1/1: kwh '9,5' " + DecimalComma), Reason(Sgcc("CONS_NO,FLAG,2014/1/1,2014/1/2\nA1,0,\"9,5\",1\n")));
        Assert.Equal((2L, "row has 5 fields, the header has 4 (an unquoted decimal comma or thousands separator such as 9,500? write numbers with '.' as the decimal point and no separators)"),
            Reason(Sgcc("CONS_NO,FLAG,2014/1/1,2014/1/2\nA1,0,9,5,1\n")));
    }

    private static (long, string) Reason(InputException e) => (e.Line, e.Reason);

    private static InputException Sgcc(string text)
    {
        var path = TestData.WriteFile(TestData.TempDir(), "sgcc.csv", text);
        return Assert.Throws<InputException>(() => GridScan.Run(new ScanRequest { Readings = path, Layout = ReadingsLayout.Sgcc }, RowPolicy.Strict));
    }

    [Fact]
    public void A_reading_dated_a_century_off_is_a_bad_row_and_lenient_scans_leave_it_out()
    {
        var text = SixtyDays() + "M1,2125-02-15T00:00:00+08:00,0.5\n";
        var e = Strict(text);
        Assert.Equal((1442L, "a reading dated 2125-02-15, 36,510 days after the rest of the data (2025-01-01 to 2025-03-01): a typo in the year? correct or remove it"), Reason(e));

        var dir = TestData.TempDir();
        var rejected = new List<RejectedRow>();
        var result = GridScan.Run(new ScanRequest { Readings = TestData.WriteFile(dir, "r.csv", text), Sites = TestData.WriteFile(dir, "s.csv", Sites) }, RowPolicy.SetAside(rejected.Add));
        Assert.Equal([1442L], rejected.Select(r => r.Line));
        Assert.Equal((1440L, 1L, new DateOnly(2025, 3, 1)), (result.Summary.Readings, result.Summary.RejectedRows, result.Summary.LastDay!.Value));
    }

    [Fact]
    public void Two_years_of_data_with_a_year_missing_between_them_are_kept()
    {
        var text = SixtyDays() + SixtyDays()[Header.Length..].Replace("2025-", "2027-", StringComparison.Ordinal);
        var dir = TestData.TempDir();
        var result = GridScan.Run(new ScanRequest { Readings = TestData.WriteFile(dir, "r.csv", text), Sites = TestData.WriteFile(dir, "s.csv", Sites) }, RowPolicy.Strict);
        Assert.Equal((2880L, new DateOnly(2027, 3, 1)), (result.Summary.Readings, result.Summary.LastDay!.Value));
    }

    [Fact]
    public void An_sgcc_day_column_a_millennium_off_is_a_header_error()
    {
        Assert.Equal((1L, "column '3000/1/1' is not a date between 1900 and 2200 (expected CONS_NO, FLAG and one column per day such as 2014/1/1)"),
            Reason(Sgcc("CONS_NO,FLAG,2014/1/1,3000/1/1\nA1,0,1,2\n")));
        Assert.Equal((1L, "column '10000/1/1' is not a date between 1900 and 2200 (expected CONS_NO, FLAG and one column per day such as 2014/1/1)"),
            Reason(Sgcc("CONS_NO,FLAG,10000/1/1\nA1,0,1\n")));
    }

    [Fact]
    public void An_sgcc_column_a_century_off_is_set_aside_by_the_bulk_of_dates()
    {
        var days = Enumerable.Range(1, 28).Select(d => $"2014/2/{d}").Append("2114/1/1").ToArray();
        var e = Sgcc($"CONS_NO,FLAG,{string.Join(',', days)}\nA1,0,{string.Join(',', days.Select(_ => "3"))}\n");
        Assert.Equal((2L, "a reading dated 2114-01-01, 36,466 days after the rest of the data (2014-02-01 to 2014-02-28): a typo in the year? correct or remove it"), Reason(e));
    }

    [Fact]
    public void A_reading_beyond_what_the_contract_could_deliver_in_the_whole_period_is_a_bad_row()
    {
        var e = Strict(SixtyDays() + "M1,2025-03-02T00:00:00+08:00,1e308\n");
        Assert.Equal((1442L, "kwh 1E+308 of meter M1 is more than its contracted 10 kW could deliver in the whole period read (61 days, 14640 kWh): a typo or a unit error (Wh for kWh)? correct the reading or the site's contracted_kw"), Reason(e));

        var dir = TestData.TempDir();
        var rejected = new List<RejectedRow>();
        var result = GridScan.Run(new ScanRequest { Readings = TestData.WriteFile(dir, "r.csv", SixtyDays().Replace("M1,2025-02-01T05:00:00+08:00,0.5", "M1,2025-02-01T05:00:00+08:00,1e308", StringComparison.Ordinal)), Sites = TestData.WriteFile(dir, "s.csv", Sites) },
            RowPolicy.SetAside(rejected.Add));
        Assert.Equal([(32 * 24 - 24 + 5 + 2L)], rejected.Select(r => r.Line));
        var m = result.Meters.Single();
        Assert.Equal("clear", m.Verdict);
        Assert.All(m.Evidence, x => Assert.True(double.IsFinite(x.Points)));
    }

    [Fact]
    public void A_catch_up_reading_after_a_month_of_zeros_is_kept()
    {
        // 30 days of missed energy at the contracted 10 kW arrive in one hour: possible, so not rejected.
        var dir = TestData.TempDir();
        var text = SixtyDays() + "M1,2025-03-02T00:00:00+08:00,7200\n";
        var result = GridScan.Run(new ScanRequest { Readings = TestData.WriteFile(dir, "r.csv", text), Sites = TestData.WriteFile(dir, "s.csv", Sites) }, RowPolicy.Strict);
        Assert.Equal(1441, result.Summary.Readings);
    }

    [Fact]
    public void Without_a_contract_a_day_larger_than_all_others_together_could_be_is_a_bad_row()
    {
        var days = Enumerable.Range(1, 28).Select(d => $"2014/2/{d}").ToArray();
        var cells = days.Select((_, k) => k == 10 ? "1e9" : "3");
        Assert.Equal((2L, "kwh 1E+09 of meter A1 is more than all its 28 readings together could hold at its next largest (3): a typo or a unit error?"),
            Reason(Sgcc($"CONS_NO,FLAG,{string.Join(',', days)}\nA1,0,{string.Join(',', cells)}\n")));
    }

    [Fact]
    public void A_header_without_rows_is_nothing_to_judge()
    {
        var e = Strict(Header);
        Assert.Equal((0L, "no readings to judge: the file has no data rows (is it the right file, or a failed export?)"), Reason(e));
        var dir = TestData.TempDir();
        var readings = TestData.WriteFile(dir, "r.csv", Header + Row + "-1\n");
        e = Assert.Throws<InputException>(() => GridScan.Run(new ScanRequest { Readings = readings, Sites = TestData.WriteFile(dir, "s.csv", Sites) }, RowPolicy.SetAside(_ => { })));
        Assert.Equal("no readings to judge: all 1 rows read were bad and set aside (see the rejected rows)", e.Reason);
    }

    [Fact]
    public void Meters_with_too_little_data_are_not_cleared()
    {
        var dir = TestData.TempDir();
        var sites = Sites + "M2,residential,CN-GD/Guangzhou,F1,10\nM3,residential,CN-GD/Guangzhou,F1,10\n";
        var text = TestData.ReadingsCsv(1, ("M1", (_, _) => 0.5)) + TestData.ReadingsCsv(30, ("M3", (_, _) => 0.5))[Header.Length..];
        var result = GridScan.Run(new ScanRequest { Readings = TestData.WriteFile(dir, "r.csv", text), Sites = TestData.WriteFile(dir, "s.csv", sites) }, RowPolicy.Strict);
        Assert.Equal(
            [("M1", GridScanner.TooLittleData), ("M2", GridScanner.NoReadings), ("M3", "clear")],
            result.Meters.OrderBy(m => m.MeterId, StringComparer.Ordinal).Select(m => (m.MeterId, m.Verdict)));
        Assert.Equal(2, result.Summary.NotJudged);
    }

    [Fact]
    public void A_flipped_byte_in_a_checksummed_parquet_page_is_an_error_never_other_numbers()
    {
        var dir = TestData.TempDir();
        var csv = TestData.WriteFile(dir, "readings.csv", TestData.ReadingsCsv(20, ("M1", (d, h) => TestData.Home(d, h))));
        var sites = TestData.WriteFile(dir, "sites.csv", Sites);
        var parquet = Path.Combine(dir, "readings.parquet");
        ReadingsParquetWriter.FromCsv(csv, parquet);
        Assert.True(ReadingsParquetReader.HasPageChecksums(parquet));
        var clean = GridScan.Run(new ScanRequest { Readings = parquet, Sites = sites }, RowPolicy.Strict);
        Assert.Empty(clean.Notes);
        var bytes = File.ReadAllBytes(parquet);
        var footer = BitConverter.ToInt32(bytes, bytes.Length - 8);
        int flips = 0, errors = 0;
        // Every byte of the pages (between the magic and the footer), one at a time.
        for (var at = 4; at < bytes.Length - 8 - footer; at++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[at] ^= 0x10;
            var path = Path.Combine(dir, "damaged.parquet");
            File.WriteAllBytes(path, damaged);
            flips++;
            try
            {
                var result = GridScan.Run(new ScanRequest { Readings = path, Sites = sites }, RowPolicy.Strict);
                // A flip in a page header's statistics changes no reading: the result must be the same.
                Assert.Equal(clean.Meters.Select(m => (m.Score, m.Evidence.Count)), result.Meters.Select(m => (m.Score, m.Evidence.Count)));
                Assert.Equal(clean.Summary.Readings, result.Summary.Readings);
            }
            catch (InputException)
            {
                errors++;
            }
        }
        Assert.True(errors > flips / 2, $"{errors} of {flips} flips were errors");
    }

    [Fact]
    public void A_parquet_file_without_page_checksums_is_noted()
    {
        var dir = TestData.TempDir();
        var path = Path.Combine(dir, "readings.parquet");
        using (var writer = new ParquetFileWriter(path, [new Column<string>("meter_id"), new Column<string>("timestamp"), new Column<double>("kwh")]))
        {
            using var group = writer.AppendRowGroup();
            var days = Enumerable.Range(0, 20 * 24).ToArray();
            using (var w = group.NextColumn().LogicalWriter<string>()) w.WriteBatch([.. days.Select(_ => "M1")]);
            using (var w = group.NextColumn().LogicalWriter<string>()) w.WriteBatch([.. days.Select(h => TestData.Timestamp(h / 24, h % 24))]);
            using (var w = group.NextColumn().LogicalWriter<double>()) w.WriteBatch([.. days.Select(_ => 0.5)]);
            writer.Close();
        }
        Assert.False(ReadingsParquetReader.HasPageChecksums(path));
        var result = GridScan.Run(new ScanRequest { Readings = path, Sites = TestData.WriteFile(dir, "s.csv", Sites) }, RowPolicy.Strict);
        Assert.Equal([$"{path}: the Parquet file has no page checksums, so a damaged page cannot be told from data (write it with page checksums enabled)"], result.Notes);
    }
}
