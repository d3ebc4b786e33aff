using System.Text;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Scan;

namespace MinerWatch.Grid.Tests;

public class GridSnapshotTests
{
    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);
    }

    private static readonly GridReference Reference = GridReference.Bundled with { Clock = new FixedClock() };

    private static readonly (string Id, Func<int, int, double> Kw)[] Meters =
    [
        .. Enumerable.Range(0, 14).Select(k => ($"H{k:D2}", (Func<int, int, double>)((d, h) => TestData.Home(d, h, k)))),
        ("FARM", (d, h) => TestData.Home(d, h, 40) + (d >= 52 ? 9.5 : 0)),
        ("NIGHT", (d, h) => TestData.Home(d, h, 41) + (d >= 60 && h < 6 ? 6 : 0)),
        ("GAPS", (d, h) => d % 7 == 3 ? double.NaN : TestData.Home(d, h, 42)),
    ];

    private static string Sites(string dir) => TestData.WriteFile(dir, "sites.csv",
        "meter_id,customer_class,region,feeder_id,contracted_kw\n" + string.Concat(Meters.Select(m => $"{m.Id},residential,CN-SC/Chengdu,F1,20\n")));

    /// <summary>Readings of every meter for the days [from, to), as one delivery file.</summary>
    private static string Delivery(string dir, string name, int from, int to)
    {
        var all = TestData.ReadingsCsv(to, Meters).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var first = TestData.Timestamp(from, 0)[..10];
        var kept = all.Skip(1).Where(l => string.CompareOrdinal(l.Split(',')[1][..10], first) >= 0);
        return TestData.WriteFile(dir, name, all[0] + "\n" + string.Join('\n', kept) + "\n");
    }

    [Fact]
    public void Daily_deliveries_on_saved_state_score_exactly_as_one_scan_of_all_days()
    {
        var dir = TestData.TempDir();
        var sites = Sites(dir);
        byte[] state;
        {
            var scanner = new GridScanner(SitesReader.Read(sites, RowPolicy.Strict)) { Reference = Reference };
            GridScan.AddReadings(scanner, Delivery(dir, "d0.csv", 0, 40), ReadingsLayout.Long, RowPolicy.Strict);
            state = Save(scanner);
        }
        for (var day = 40; day < 90; day++)
        {
            var scanner = GridScanner.Restore(new MemoryStream(state), SitesReader.Read(sites, RowPolicy.Strict), Reference);
            var delivery = Delivery(dir, $"d{day}.csv", day, day + 1);
            GridScan.AddReadings(scanner, delivery, ReadingsLayout.Long, RowPolicy.Strict);
            state = Save(scanner);
            if (day is not (59 or 89)) continue;
            var incremental = GridScan.Complete(scanner, new ScanRequest { Readings = delivery, Sites = sites }, RowPolicy.Strict);
            var full = GridScan.Run(new ScanRequest { Readings = Delivery(dir, $"all{day}.csv", 0, day + 1), Sites = sites }, RowPolicy.Strict, reference: Reference);
            Assert.Equal(ScanJson.Serialize(full), ScanJson.Serialize(incremental));
            if (day == 89)
            {
                Assert.Equal(["FARM", "NIGHT"], incremental.Meters.Where(m => m.Verdict == "suspect").Select(m => m.MeterId).Order());
                Assert.Equal(17 * 90 * 24 - 13 * 24, incremental.Summary.Readings);
            }
        }
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_restored_state_saves_to_the_same_bytes()
    {
        var dir = TestData.TempDir();
        var sites = Sites(dir);
        var scanner = new GridScanner(SitesReader.Read(sites, RowPolicy.Strict));
        GridScan.AddReadings(scanner, Delivery(dir, "d.csv", 0, 30), ReadingsLayout.Long, RowPolicy.Strict);
        var bytes = Save(scanner);
        Assert.Equal(bytes, Save(GridScanner.Restore(new MemoryStream(bytes), SitesReader.Read(sites, RowPolicy.Strict))));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_repeated_delivery_on_saved_state_is_refused_row_by_row_as_duplicates()
    {
        var dir = TestData.TempDir();
        var sites = Sites(dir);
        var scanner = new GridScanner(SitesReader.Read(sites, RowPolicy.Strict));
        var delivery = Delivery(dir, "d.csv", 0, 20);
        GridScan.AddReadings(scanner, delivery, ReadingsLayout.Long, RowPolicy.Strict);
        var restored = GridScanner.Restore(new MemoryStream(Save(scanner)), SitesReader.Read(sites, RowPolicy.Strict));
        var e = Assert.Throws<InputException>(() => GridScan.AddReadings(restored, delivery, ReadingsLayout.Long, RowPolicy.Strict));
        Assert.Contains("duplicate interval: meter H00 already has a reading for 2025-01-01T00:00:00+08:00", e.Message);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Damaged_or_foreign_state_is_refused_with_what_is_wrong()
    {
        var dir = TestData.TempDir();
        var sites = Sites(dir);
        var scanner = new GridScanner(SitesReader.Read(sites, RowPolicy.Strict));
        GridScan.AddReadings(scanner, Delivery(dir, "d.csv", 0, 20), ReadingsLayout.Long, RowPolicy.Strict);
        var bytes = Save(scanner);
        var siteRows = SitesReader.Read(sites, RowPolicy.Strict);

        var cut = Assert.Throws<InvalidDataException>(() => GridScanner.Restore(new MemoryStream(bytes[..(bytes.Length / 2)]), siteRows));
        Assert.Equal("the saved state is cut short", cut.Message);
        var extra = Assert.Throws<InvalidDataException>(() => GridScanner.Restore(new MemoryStream([.. bytes, 0]), siteRows));
        Assert.Equal("the saved state has bytes after its end", extra.Message);
        var foreign = Assert.Throws<InvalidDataException>(() => GridScanner.Restore(new MemoryStream(Encoding.UTF8.GetBytes("\u0005hello")), siteRows));
        Assert.Equal("not a MinerWatch grid state", foreign.Message);
        var fewer = Assert.Throws<InvalidDataException>(() => GridScanner.Restore(new MemoryStream(bytes), siteRows.Where(s => s.MeterId != "FARM").ToList()));
        Assert.Equal("the saved state holds meter FARM, which the sites file no longer lists", fewer.Message);
        Directory.Delete(dir, recursive: true);
    }

    private static byte[] Save(GridScanner scanner)
    {
        var stream = new MemoryStream();
        scanner.Save(stream);
        return stream.ToArray();
    }
}
