using CsCheck;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Scan;

namespace MinerWatch.Grid.Tests;

/// <summary>
/// Random and mutated inputs for every reader of a scan: whatever the bytes, a scan either succeeds or stops with
/// <see cref="InputException"/> (exit 2), strict or lenient; nothing else may escape.
/// </summary>
public class ReaderFuzzTests(ITestOutputHelper output)
{
    private const string Sites = "meter_id,customer_class,region,feeder_id,contracted_kw\nM1,residential,CN-GD/Guangzhou,F1,10\nM2,commercial,CN-GD/Guangzhou,F1,50\n";
    private const string Alphabet = "M12,\"\n\r-+.eE:TZ 0123456789/_x\\;\0é";

    private static readonly string Readings = TestData.ReadingsCsv(16, ("M1", (d, h) => TestData.Home(d, h)), ("M2", (d, h) => 3 + h % 5));
    private static readonly string Activity = "meter_id,date,declared_kwh\nM1,2025-01-01,10\nM2,2025-01-02,11.5\n";
    private static readonly string Feeders = "feeder_id,timestamp,kwh\nF1,2025-01-01T00:00:00+08:00,5\nF1,2025-01-01T01:00:00+08:00,6\n";
    private static readonly string SgccText = "CONS_NO,FLAG,2014/1/2,2014/1/1,2014-01-03\nA1,1,10,,12\nA2,0,5,4,5\n";

    /// <summary>A valid text with up to 8 edits (a character inserted, deleted or replaced), or random text.</summary>
    private static Gen<string> Mutated(string valid) =>
        Gen.OneOf(
            Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, 2], Gen.Char[Alphabet]).Array[1, 8].Select(edits =>
            {
                var text = new System.Text.StringBuilder(valid);
                foreach (var (at, kind, c) in edits)
                {
                    var i = at % (text.Length + 1);
                    if (kind == 0 || text.Length == 0 || i == text.Length) text.Insert(i, c);
                    else if (kind == 1) text.Remove(i, 1);
                    else text[i] = c;
                }
                return text.ToString();
            }),
            Gen.String[Gen.Char[Alphabet], 0, 300].Select(random => valid[..(valid.IndexOf('\n') + 1)] + random),
            Gen.String[Gen.Char[Alphabet], 0, 300]);

    private sealed class Tally
    {
        public int Cases, Rejected, Crashes;
        public string? First;
    }

    private static void Scan(Tally tally, Func<ScanRequest> request, bool lenient)
    {
        tally.Cases++;
        try
        {
            GridScan.Run(request(), lenient ? RowPolicy.SetAside(_ => { }) : RowPolicy.Strict);
        }
        catch (InputException)
        {
            tally.Rejected++;
        }
        catch (Exception e)
        {
            tally.Crashes++;
            tally.First ??= $"{e.GetType().Name}: {e.Message}";
        }
    }

    private void Run(string name, Gen<string> gen, Func<string, string, ScanRequest> request, int iterations = 400)
    {
        var tally = new Tally();
        var dir = TestData.TempDir();
        gen.Sample(text =>
        {
            Scan(tally, () => request(dir, text), lenient: false);
            Scan(tally, () => request(dir, text), lenient: true);
        }, iter: iterations, threads: 1);
        output.WriteLine($"{name}: {tally.Cases} cases, {tally.Rejected} stopped as bad input, {tally.Crashes} crashes");
        Assert.True(tally.Crashes == 0, $"{name}: {tally.Crashes} of {tally.Cases} cases crashed, first: {tally.First}");
    }

    [Fact]
    public void Readings_csv() => Run("readings", Mutated(Readings), (dir, text) => new ScanRequest
    {
        Readings = TestData.WriteFile(dir, "readings.csv", text),
        Sites = TestData.WriteFile(dir, "sites.csv", Sites),
    });

    [Fact]
    public void Sites_csv() => Run("sites", Mutated(Sites), (dir, text) => new ScanRequest
    {
        Readings = TestData.WriteFile(dir, "readings.csv", Readings),
        Sites = TestData.WriteFile(dir, "sites.csv", text),
    }, 200);

    [Fact]
    public void Activity_and_feeders_csv() => Run("activity and feeders", Gen.Select(Mutated(Activity), Mutated(Feeders)).Select(p => p.Item1 + "\u0001" + p.Item2), (dir, text) =>
    {
        var parts = text.Split('\u0001');
        return new ScanRequest
        {
            Readings = TestData.WriteFile(dir, "readings.csv", Readings),
            Sites = TestData.WriteFile(dir, "sites.csv", Sites),
            Activity = TestData.WriteFile(dir, "activity.csv", parts[0]),
            Feeders = TestData.WriteFile(dir, "feeders.csv", parts[1]),
        };
    }, 200);

    [Fact]
    public void Sgcc_csv() => Run("sgcc", Mutated(SgccText), (dir, text) => new ScanRequest
    {
        Readings = TestData.WriteFile(dir, "sgcc.csv", text),
        Layout = ReadingsLayout.Sgcc,
    });

    [Fact]
    public void Parquet_bytes()
    {
        var dir = TestData.TempDir();
        var csv = TestData.WriteFile(dir, "readings.csv", Readings);
        var parquet = Path.Combine(dir, "clean.parquet");
        ReadingsParquetWriter.FromCsv(csv, parquet);
        var bytes = File.ReadAllBytes(parquet);
        var sites = TestData.WriteFile(dir, "sites.csv", Sites);
        var tally = new Tally();
        // Bytes overwritten anywhere (pages, footer, lengths), or the file cut short.
        Gen.Select(Gen.Int[0, bytes.Length - 1], Gen.Byte, Gen.Int[0, 1], Gen.Int[1, 4]).Sample((at, value, cut, count) =>
        {
            var damaged = cut == 1 ? bytes[..at] : (byte[])bytes.Clone();
            if (cut == 0)
                for (var k = 0; k < count && at + k < damaged.Length; k++) damaged[at + k] = (byte)(value + k);
            var path = Path.Combine(dir, "fuzz.parquet");
            File.WriteAllBytes(path, damaged);
            Scan(tally, () => new ScanRequest { Readings = path, Sites = sites }, lenient: false);
            Scan(tally, () => new ScanRequest { Readings = path, Sites = sites }, lenient: true);
        }, iter: 500, threads: 1);
        output.WriteLine($"parquet: {tally.Cases} cases, {tally.Rejected} stopped as bad input, {tally.Crashes} crashes");
        Assert.True(tally.Crashes == 0, $"parquet: {tally.Crashes} of {tally.Cases} cases crashed, first: {tally.First}");
    }
}
