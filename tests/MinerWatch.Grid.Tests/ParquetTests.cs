using MinerWatch.Grid.Input;
using MinerWatch.Grid.Scan;

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
}
