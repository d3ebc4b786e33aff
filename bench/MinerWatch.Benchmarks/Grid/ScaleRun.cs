using System.Diagnostics;
using DuckDB.NET.Data;
using MinerWatch.Grid.Detection;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Profiles;
using MinerWatch.Grid.Scan;

namespace MinerWatch.Benchmarks.Grid;

/// <summary>
/// One-shot timings of each step on a large simulated region, printed as one tab-separated line per step:
/// step, seconds, readings, readings per second, MB per second (for file reads).
/// </summary>
public static class ScaleRun
{
    public static int Run(string[] args)
    {
        var step = args[0];
        var dir = args[1];
        var readingsCsv = Path.Combine(dir, "readings.csv");
        var readingsParquet = Path.Combine(dir, "readings.parquet");
        var sites = SitesReader.Read(Path.Combine(dir, "sites.csv"), RowPolicy.Strict);
        switch (step)
        {
            case "csv":
                Report("csv-ingest", () => ReadCsv(readingsCsv, sites), new FileInfo(readingsCsv).Length);
                break;
            case "parquet":
                Report("parquet-read", () => ReadParquet(readingsParquet, sites, null), new FileInfo(readingsParquet).Length);
                break;
            case "features":
                Features(readingsParquet, sites);
                break;
            case "scan":
                Report("scan", () => GridScan.Run(new ScanRequest
                {
                    Readings = readingsCsv,
                    Sites = Path.Combine(dir, "sites.csv"),
                    Activity = Path.Combine(dir, "activity.csv"),
                    Feeders = Path.Combine(dir, "feeders.csv"),
                }, RowPolicy.Strict).Summary.Readings, new FileInfo(readingsCsv).Length);
                break;
            case "ours-load-shape":
                Report("ours-load-shape", () => OursLoadShape(readingsParquet, sites), 0);
                break;
            case "duckdb-load-shape":
                var threads = args.Length > 2 ? int.Parse(args[2]) : 1;
                Report($"duckdb-load-shape-{threads}t", () => DuckDbLoadShape(readingsParquet, threads), 0);
                break;
            default:
                Console.Error.WriteLine($"unknown step {step}");
                return 2;
        }
        return 0;
    }

    private static void Report(string name, Func<long> work, long bytes)
    {
        var clock = Stopwatch.StartNew();
        var readings = work();
        var seconds = clock.Elapsed.TotalSeconds;
        var mbps = bytes > 0 ? $"{bytes / 1e6 / seconds:0}" : "";
        Console.WriteLine($"{name}\t{seconds:0.00}\t{readings}\t{readings / seconds / 1e6:0.0}\t{mbps}");
    }

    private static IdRegistry Registry(IReadOnlyList<Site> sites)
    {
        var ids = new IdRegistry(growable: false);
        foreach (var s in sites) ids.TryAdd(s.MeterId, out _);
        return ids;
    }

    private static long ReadCsv(string path, IReadOnlyList<Site> sites)
    {
        long sum = 0;
        return ReadingsCsvReader.Read(path, "meter_id", Registry(sites), GridScan.UnknownMeter, RowPolicy.Strict, b => sum += b.Count);
    }

    private static long ReadParquet(string path, IReadOnlyList<Site> sites, Action<ReadingBatch>? onBatch) =>
        ReadingsParquetReader.Read(path, "meter_id", Registry(sites), GridScan.UnknownMeter, RowPolicy.Strict, onBatch ?? (_ => { }));

    /// <summary>Feature extraction alone: readings already in memory as columns, timed from first reading to features.</summary>
    private static void Features(string parquet, IReadOnlyList<Site> sites)
    {
        var meters = new List<int>();
        var local = new List<long>();
        var offsets = new List<short>();
        var kwh = new List<double>();
        ReadParquet(parquet, sites, b =>
        {
            meters.AddRange(b.Entity.AsSpan(0, b.Count));
            local.AddRange(b.LocalMinutes.AsSpan(0, b.Count));
            offsets.AddRange(b.OffsetMinutes.AsSpan(0, b.Count));
            kwh.AddRange(b.Kwh.AsSpan(0, b.Count));
        });
        int[] m = [.. meters];
        long[] l = [.. local];
        short[] o = [.. offsets];
        double[] k = [.. kwh];
        meters.Clear();
        local.Clear();
        offsets.Clear();
        kwh.Clear();
        GC.Collect();
        var series = new MeterSeries[sites.Count];
        for (var i = 0; i < series.Length; i++) series[i] = new MeterSeries();
        var clock = Stopwatch.StartNew();
        Accumulate(series, m, l, o, k);
        var accumulate = clock.Elapsed.TotalSeconds;
        double checksum = 0;
        foreach (var s in series) checksum += MeterFeatures.Compute(DailyProfile.From(s)).MeanKw;
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"features\t{seconds:0.00}\t{m.Length}\t{m.Length / seconds / 1e6:0.0}\t");
        Console.WriteLine($"features-accumulate-only\t{accumulate:0.00}\t{m.Length}\t{m.Length / accumulate / 1e6:0.0}\t");
        Console.Error.WriteLine($"checksum {checksum:0.###}");
    }

    private static void Accumulate(MeterSeries[] series, int[] m, long[] l, short[] o, double[] k) =>
        MeterSeries.AddBatch(series, m, l, o, k, _ => { });

    /// <summary>Our side of the DuckDB comparison: the same Parquet file to per-meter load-shape features.</summary>
    private static long OursLoadShape(string parquet, IReadOnlyList<Site> sites)
    {
        var series = new MeterSeries[sites.Count];
        for (var i = 0; i < series.Length; i++) series[i] = new MeterSeries();
        var rows = ReadParquet(parquet, sites, b =>
        {
            MeterSeries.AddBatch(series, b.Entity.AsSpan(0, b.Count), b.LocalMinutes.AsSpan(0, b.Count), b.OffsetMinutes.AsSpan(0, b.Count), b.Kwh.AsSpan(0, b.Count), _ => { });
        });
        double checksum = 0;
        foreach (var s in series) checksum += MeterFeatures.Compute(DailyProfile.From(s)).Cv;
        Console.Error.WriteLine($"checksum {checksum:0.###}");
        return rows;
    }

    /// <summary>
    /// The peer: the same load-shape features in DuckDB SQL over the same Parquet file (per meter: mean, coefficient of
    /// variation, load factor against the median daily peak, share of flat days, night/day ratio, weekly cycle).
    /// </summary>
    private static long DuckDbLoadShape(string parquet, int threads)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using (var set = connection.CreateCommand())
        {
            set.CommandText = $"SET threads = {threads};";
            set.ExecuteNonQuery();
        }
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            WITH r AS (
                SELECT meter_id, timestamp + to_minutes(utc_offset_minutes) AS local_ts, kwh FROM read_parquet('{parquet.Replace("'", "''")}')
            ), d AS (
                SELECT meter_id, CAST(local_ts AS DATE) AS day,
                       sum(kwh) AS s, sum(kwh * kwh) AS ss, count(*) AS n, min(kwh) AS lo, max(kwh) AS hi,
                       avg(kwh) FILTER (WHERE hour(local_ts) < 6) AS night,
                       avg(kwh) FILTER (WHERE hour(local_ts) >= 10 AND hour(local_ts) < 16) AS daytime
                FROM r GROUP BY ALL
            ), w AS (
                SELECT meter_id, dayofweek(day) AS dow, avg(s / n) AS m FROM d GROUP BY ALL
            ), weekly AS (
                SELECT meter_id, (max(m) - min(m)) / avg(m) AS weekly_cycle FROM w GROUP BY ALL
            )
            SELECT d.meter_id,
                   sum(s) / sum(n) AS mean_kwh,
                   sqrt(greatest(sum(ss) / sum(n) - (sum(s) / sum(n)) ^ 2, 0)) / (sum(s) / sum(n)) AS cv,
                   (sum(s) / sum(n)) / median(hi) AS load_factor,
                   avg(CASE WHEN lo >= 0.75 * hi THEN 1 ELSE 0 END) AS flat_day_share,
                   median(lo) AS base,
                   avg(night) / avg(daytime) AS night_day_ratio,
                   any_value(weekly.weekly_cycle) AS weekly_cycle
            FROM d JOIN weekly USING (meter_id)
            GROUP BY d.meter_id
            """;
        using var reader = command.ExecuteReader();
        long meters = 0;
        double checksum = 0;
        while (reader.Read())
        {
            meters++;
            if (!reader.IsDBNull(2)) checksum += reader.GetDouble(2);
        }
        Console.Error.WriteLine($"duckdb meters {meters} checksum {checksum:0.###}");
        using var count = connection.CreateCommand();
        count.CommandText = $"SELECT count(*) FROM read_parquet('{parquet.Replace("'", "''")}')";
        return Convert.ToInt64(count.ExecuteScalar());
    }
}
