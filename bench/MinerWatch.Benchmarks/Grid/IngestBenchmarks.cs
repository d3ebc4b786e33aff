using System.Text;
using BenchmarkDotNet.Attributes;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Profiles;

namespace MinerWatch.Benchmarks.Grid;

/// <summary>Per-reading costs on an in-memory region of 200 meters x 90 days hourly (432,000 readings).</summary>
[MemoryDiagnoser]
public class IngestBenchmarks
{
    private const int Meters = 200;
    private const int Days = 90;
    private byte[] _csv = [];
    private readonly IdRegistry _ids = new(growable: false);
    private int[] _meter = [];
    private long[] _local = [];
    private short[] _offset = [];
    private double[] _kwh = [];

    [GlobalSetup]
    public void Setup()
    {
        var sb = new StringBuilder("meter_id,timestamp,kwh\n");
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var n = Meters * Days * 24;
        _meter = new int[n];
        _local = new long[n];
        _offset = new short[n];
        _kwh = new double[n];
        var k = 0;
        for (var m = 0; m < Meters; m++)
        {
            _ids.TryAdd($"M{m:D6}", out _);
            for (var h = 0; h < Days * 24; h++)
            {
                var t = start.AddHours(h);
                var v = 0.5 + 0.4 * Math.Sin(h * 0.26 + m);
                sb.Append($"M{m:D6},{t:yyyy-MM-dd'T'HH:mm:sszzz},{v:0.000}\n");
                _meter[k] = m;
                _local[k] = MeterTime.FromDateTimeOffset(t).LocalMinutes;
                _offset[k] = 480;
                _kwh[k] = v;
                k++;
            }
        }
        _csv = Encoding.UTF8.GetBytes(sb.ToString());
    }

    [Benchmark(Description = "CSV ingest (432k rows)")]
    public long CsvIngest()
    {
        using var stream = new MemoryStream(_csv, writable: false);
        long rows = 0;
        ReadingsCsvReader.Read(stream, "mem", "meter_id", _ids, "{0}", RowPolicy.Strict, b => rows += b.Count);
        return rows;
    }

    [Benchmark(Description = "Feature accumulation (432k readings)")]
    public long Accumulate()
    {
        var series = new MeterSeries[Meters];
        for (var i = 0; i < Meters; i++) series[i] = new MeterSeries();
        MeterSeries.AddBatch(series, _meter, _local, _offset, _kwh, _ => { });
        return series[0].Readings;
    }

    [Benchmark(Description = "ISO-8601 timestamp parse")]
    public long ParseTimestamp()
    {
        IsoTimestamp.TryParse("2025-07-14T13:45:00+08:00", out var t, out _);
        return t.LocalMinutes;
    }
}
