using MinerWatch.Grid.Input;
using MinerWatch.Grid.Scan;

namespace MinerWatch.Grid.Tests;

public class BadInputTests
{
    private const string Sites = "meter_id,customer_class,region,feeder_id,contracted_kw\nM1,residential,CN-GD/Guangzhou,F1,10\nM2,commercial,CN-GD/Guangzhou,F1,50\n";
    private const string Header = "meter_id,timestamp,kwh\n";

    private static (string Readings, string Sites) Files(string readings, string sites = Sites)
    {
        var dir = TestData.TempDir();
        return (TestData.WriteFile(dir, "readings.csv", readings), TestData.WriteFile(dir, "sites.csv", sites));
    }

    private static InputException StrictError(string readings)
    {
        var (r, s) = Files(readings);
        return Assert.Throws<InputException>(() => GridScan.Run(new ScanRequest { Readings = r, Sites = s }, RowPolicy.Strict));
    }

    [Theory]
    [InlineData("M1,2025-01-01T00:00:00+08:00,1\nM1,2025-01-01 01:00,1\n", 3, "bad timestamp '2025-01-01 01:00': the UTC offset is missing (add Z or +hh:mm): local times are ambiguous at daylight-saving changes")]
    [InlineData("M1,2025-01-32T00:00:00+08:00,1\n", 2, "bad timestamp '2025-01-32T00:00:00+08:00': day 32 does not exist in 2025-01")]
    [InlineData("M1,2025-01-01T00:07:00+08:00,1\n", 2, "timestamp '2025-01-01T00:07:00+08:00' is not the start of a 15-minute, 30-minute, hourly or daily interval")]
    [InlineData("M1,2025-01-01T00:00:00+08:00,-0.5\n", 2, "kwh -0.5 is negative (export or generation readings belong in a separate channel)")]
    [InlineData("M1,2025-01-01T00:00:00+08:00,abc\n", 2, "kwh 'abc' is not a number")]
    [InlineData("M1,2025-01-01T00:00:00+08:00,NaN\n", 2, "kwh 'NaN' is not a finite number")]
    [InlineData("M1,2025-01-01T00:00:00+08:00,\n", 2, "kwh is empty (leave a missing reading out instead of writing it blank)")]
    [InlineData("M1,2025-01-01T00:00:00+08:00,1\nM9,2025-01-01T00:00:00+08:00,1\n", 3, "meter M9 is not in the sites file (add it there, or scan with --lenient to set its rows aside)")]
    [InlineData("M1,2025-01-01T00:00:00+08:00,1\nM1,2025-01-01T01:00:00+08:00,1\nM1,2025-01-01T00:00:00+08:00,2\n", 4, "duplicate interval: meter M1 already has a reading for 2025-01-01T00:00:00+08:00")]
    [InlineData("M1,2025-01-01T00:00:00+08:00,1\nM1,2024-12-31T17:00:00+01:00,2\n", 3, "duplicate interval: meter M1 already has a reading for 2024-12-31T17:00:00+01:00")]
    [InlineData("M1,2025-01-01T00:00:00+08:00,1\nM1,2025-01-01T01:0", 3, "row has 2 fields, expected at least 3 (is the file truncated?)")]
    public void Strict_scan_stops_at_the_first_bad_row_naming_file_and_line(string body, int line, string reason)
    {
        var e = StrictError(Header + body);
        Assert.Equal(line, e.Line);
        Assert.Equal(reason, e.Reason);
        Assert.EndsWith($"readings.csv:{line}: {reason}", e.Message);
    }

    [Theory]
    [InlineData("meter,timestamp,kwh\n", "wrong header 'meter,timestamp,kwh': column 'meter_id' is missing; expected 'meter_id,timestamp,kwh'")]
    [InlineData("meter_id;timestamp;kwh\nM1;2025-01-01T00:00:00Z;1\n", "wrong header 'meter_id;timestamp;kwh': column 'meter_id' is missing; expected 'meter_id,timestamp,kwh'")]
    [InlineData("", "the file is empty; expected the header 'meter_id,timestamp,kwh'")]
    public void Wrong_header_is_reported_on_line_1(string text, string reason)
    {
        var e = StrictError(text);
        Assert.Equal(1, e.Line);
        Assert.Equal(reason, e.Reason);
    }

    [Fact]
    public void Bad_sites_rows_name_the_sites_file()
    {
        var (r, s) = Files(Header, "meter_id,customer_class,region,feeder_id,contracted_kw\nM1,bitcoin,CN-GD,F1,10\n");
        var e = Assert.Throws<InputException>(() => GridScan.Run(new ScanRequest { Readings = r, Sites = s }, RowPolicy.Strict));
        Assert.Equal(s, e.File);
        Assert.Equal(2, e.Line);
        Assert.StartsWith("customer_class 'bitcoin' is not one of residential, commercial", e.Reason);
    }

    [Theory]
    [InlineData("M1,residential,CN-GD,F1,0\n", "contracted_kw '0' is not a positive number")]
    [InlineData("M1,residential,,F1,10\n", "region is empty (use a path such as CN-GD/Guangzhou/Tianhe)")]
    [InlineData("M1,residential,CN-GD,F1,10\nM1,commercial,CN-GD,F1,10\n", "meter M1 is listed twice")]
    public void Sites_file_errors(string rows, string reason)
    {
        var (r, s) = Files(Header, "meter_id,customer_class,region,feeder_id,contracted_kw\n" + rows);
        var e = Assert.Throws<InputException>(() => GridScan.Run(new ScanRequest { Readings = r, Sites = s }, RowPolicy.Strict));
        Assert.Equal(reason, e.Reason);
    }

    [Fact]
    public void Lenient_scan_sets_every_bad_row_aside_with_its_reason_and_keeps_the_good_ones()
    {
        var body = Header
            + "M1,2025-01-01T00:00:00+08:00,1\n"
            + "M1,2025-01-01T01:00:00+08:00,-1\n"
            + "M9,2025-01-01T00:00:00+08:00,1\n"
            + "M1,2025-01-01T02:00:00,1\n"
            + "M1,2025-01-01T00:00:00+08:00,1\n"
            + "M2,2025-01-01T00:00:00+08:00,2\n"
            + "M2,2025-01-01T01:0";
        var (r, s) = Files(body);
        var rejected = new List<RejectedRow>();
        var result = GridScan.Run(new ScanRequest { Readings = r, Sites = s }, RowPolicy.SetAside(rejected.Add));
        // Duplicates are found when a block of rows is profiled, so they can be reported after later rows.
        Assert.Equal([3L, 4, 5, 6, 8], rejected.Select(x => x.Line).Order());
        Assert.Equal("M9,2025-01-01T00:00:00+08:00,1", rejected.Single(x => x.Line == 4).Raw);
        Assert.Equal("duplicate interval: meter M1 already has a reading for 2025-01-01T00:00:00+08:00", rejected.Single(x => x.Line == 6).Reason);
        Assert.Equal(2, result.Summary.Readings);
        Assert.Equal(5, result.Summary.RejectedRows);
    }

    [Fact]
    public void Unsorted_rows_gaps_and_a_daylight_saving_change_are_accepted()
    {
        var body = Header
            + "M1,2025-10-26T03:00:00+01:00,1\n"
            + "M1,2025-10-26T02:00:00+01:00,1\n"
            + "M1,2025-10-26T02:00:00+02:00,1\n"
            + "M1,2025-10-26T01:00:00+02:00,1\n"
            + "M1,2025-10-26T07:00:00+01:00,1\n";
        var (r, s) = Files(body);
        var result = GridScan.Run(new ScanRequest { Readings = r, Sites = s }, RowPolicy.Strict);
        Assert.Equal(5, result.Summary.Readings);
        Assert.Equal(0, result.Summary.RejectedRows);
        Assert.Equal(new Dictionary<string, int> { ["60 min"] = 1 }, result.Summary.Intervals);
    }

    [Fact]
    public void Activity_and_feeder_files_are_checked_the_same_way()
    {
        var (r, s) = Files(Header + "M1,2025-01-01T00:00:00+08:00,1\n");
        var dir = Path.GetDirectoryName(r)!;
        var activity = TestData.WriteFile(dir, "activity.csv", "meter_id,date,declared_kwh\nM1,2025-01-01,10\nM1,2025-01-01,11\n");
        var e = Assert.Throws<InputException>(() => GridScan.Run(new ScanRequest { Readings = r, Sites = s, Activity = activity }, RowPolicy.Strict));
        Assert.Equal((3L, "meter M1 has a second declared_kwh for 2025-01-01"), (e.Line, e.Reason));
        var feeders = TestData.WriteFile(dir, "feeders.csv", "feeder_id,timestamp,kwh\nF1,2025-01-01T00:00:00+08:00,5\nF7,2025-01-01T00:00:00+08:00,5\n");
        e = Assert.Throws<InputException>(() => GridScan.Run(new ScanRequest { Readings = r, Sites = s, Feeders = feeders }, RowPolicy.Strict));
        Assert.Equal((3L, "feeder F7 is not the feeder_id of any site in the sites file"), (e.Line, e.Reason));
    }

    [Fact]
    public void Activity_for_a_meter_without_readings_is_rejected_in_the_sgcc_layout()
    {
        var dir = TestData.TempDir();
        var path = TestData.WriteFile(dir, "sgcc.csv", "CONS_NO,FLAG,2014/1/1,2014/1/2\nA1,0,10,11\n");
        var activity = TestData.WriteFile(dir, "activity.csv", "meter_id,date,declared_kwh\nA1,2014-01-01,9\nZZ,2014-01-01,9\n");
        var e = Assert.Throws<InputException>(() => GridScan.Run(new ScanRequest { Readings = path, Layout = ReadingsLayout.Sgcc, Activity = activity }, RowPolicy.Strict));
        Assert.Equal((3L, "meter ZZ has no readings"), (e.Line, e.Reason));
    }

    [Fact]
    public void Sgcc_day_named_twice_is_a_header_error()
    {
        var dir = TestData.TempDir();
        var path = TestData.WriteFile(dir, "sgcc.csv", "CONS_NO,2014/1/1,2014-01-01\nA1,1,2\n");
        var e = Assert.Throws<InputException>(() => GridScan.Run(new ScanRequest { Readings = path, Layout = ReadingsLayout.Sgcc }, RowPolicy.Strict));
        Assert.Equal((1L, "day 2014-01-01 has two columns"), (e.Line, e.Reason));
    }

    [Fact]
    public void Sgcc_layout_reads_days_and_rejects_bad_cells()
    {
        var dir = TestData.TempDir();
        var path = TestData.WriteFile(dir, "sgcc.csv", "CONS_NO,FLAG,2014/1/2,2014/1/1,2014/1/3\nA1,1,10,,12\nA2,0,5,x,5\nA3,2,1,1,1\n");
        var rejected = new List<RejectedRow>();
        var result = GridScan.Run(new ScanRequest { Readings = path, Layout = ReadingsLayout.Sgcc }, RowPolicy.SetAside(rejected.Add));
        Assert.Equal(2, result.Summary.Readings);
        Assert.Equal(new Dictionary<string, int> { ["1 day"] = 1 }, result.Summary.Intervals);
        Assert.Equal(["2014/1/1: kwh 'x' is not a number", "FLAG '2' is not 0 or 1"], rejected.Select(x => x.Reason));
    }
}
