using System.Globalization;
using System.Text;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Profiles;

namespace MinerWatch.Grid.Tests;

/// <summary>Builds small meter series and files for tests.</summary>
internal static class TestData
{
    public static readonly long Jan1 = IsoTimestamp.DaysFromCivil(2025, 1, 1);

    /// <summary>An hourly meter from 2025-01-01 (+08:00), kW given per day and hour; NaN leaves the reading out.</summary>
    public static MeterSeries Hourly(int days, Func<int, int, double> kw)
    {
        var series = new MeterSeries();
        for (var d = 0; d < days; d++)
            for (var h = 0; h < 24; h++)
            {
                var v = kw(d, h);
                if (double.IsNaN(v)) continue;
                series.Add((Jan1 + d) * 1440 + h * 60, 480, v);
            }
        return series;
    }

    public static DailyProfile Profile(int days, Func<int, int, double> kw) => DailyProfile.From(Hourly(days, kw));

    /// <summary>A household-like load: morning and evening peaks, a small base, some deterministic noise.</summary>
    public static double Home(int day, int hour, int seed = 0)
    {
        var noise = 0.1 * Math.Sin(day * 12.9898 + hour * 78.233 + seed * 3.7);
        var peak = hour is >= 7 and <= 8 ? 0.8 : hour is >= 18 and <= 22 ? 1.4 : hour is >= 0 and <= 5 ? 0 : 0.4;
        return 0.25 + peak + Math.Abs(noise);
    }

    public static string Timestamp(int day, int hour, string offset = "+08:00") =>
        DateOnly.FromDayNumber((int)(Jan1 + day + 719162)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + $"T{hour:D2}:00:00{offset}";

    public static string WriteFile(string dir, string name, string content)
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "minerwatch-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Readings CSV text for meters given as (id, kW function), hourly from 2025-01-01.</summary>
    public static string ReadingsCsv(int days, params (string Id, Func<int, int, double> Kw)[] meters)
    {
        var sb = new StringBuilder("meter_id,timestamp,kwh\n");
        foreach (var (id, kw) in meters)
            for (var d = 0; d < days; d++)
                for (var h = 0; h < 24; h++)
                {
                    var v = kw(d, h);
                    if (!double.IsNaN(v)) sb.Append(id).Append(',').Append(Timestamp(d, h)).Append(',').Append(v.ToString("0.####", CultureInfo.InvariantCulture)).Append('\n');
                }
        return sb.ToString();
    }
}
