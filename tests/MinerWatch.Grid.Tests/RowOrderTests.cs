using CsCheck;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Scan;

namespace MinerWatch.Grid.Tests;

public class RowOrderTests
{
    [Fact]
    public void Any_order_of_the_rows_gives_the_same_scan() =>
        Gen.Int.Sample(seed =>
        {
            var dir = TestData.TempDir();
            var lines = TestData.ReadingsCsv(100,
                ("A", (d, h) => TestData.Home(d, h)),
                ("B", (d, h) => TestData.Home(d, h, 3) + (d >= 50 ? 2.5 : 0)),
                ("C", (d, h) => d % 9 == 4 ? double.NaN : TestData.Home(d, h, 7))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var random = new Random(seed);
            var shuffled = lines.Skip(1).OrderBy(_ => random.Next()).Prepend(lines[0]);
            var sites = TestData.WriteFile(dir, "sites.csv",
                "meter_id,customer_class,region,feeder_id,contracted_kw\nA,residential,CN-GD,F1,10\nB,residential,CN-GD,F1,10\nC,residential,CN-GD,F1,10\n");
            var sorted = GridScan.Run(new ScanRequest { Readings = TestData.WriteFile(dir, "sorted.csv", string.Join('\n', lines) + "\n"), Sites = sites }, RowPolicy.Strict);
            var mixed = GridScan.Run(new ScanRequest { Readings = TestData.WriteFile(dir, "mixed.csv", string.Join('\n', shuffled) + "\n"), Sites = sites }, RowPolicy.Strict);
            Assert.Equal(sorted.Summary.Readings, mixed.Summary.Readings);
            Assert.Equal(
                sorted.Meters.Select(m => (m.MeterId, Math.Round(m.Score, 6), m.Onset)),
                mixed.Meters.Select(m => (m.MeterId, Math.Round(m.Score, 6), m.Onset)));
            Directory.Delete(dir, recursive: true);
        }, iter: 5);
}
