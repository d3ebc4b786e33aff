namespace MinerWatch.Grid.Profiles;

/// <summary>
/// A meter's (or feeder's) readings summarised per local day, in kW, over the days it was read. Days with less
/// than half of their intervals are marked missing (NaN) so gaps never read as low load. Immutable.
/// </summary>
public sealed class DailyProfile
{
    public const double MinCoverage = 0.5;

    private DailyProfile(long firstDay, int intervalMinutes, long readings, double[] mean, double[] min, double[] max,
        double[] night, double[] daytime, double[] coverage, double[] sum, double[] sumSq, double[] count, double[] hourKw, long firstBlock)
    {
        FirstDay = firstDay;
        IntervalMinutes = intervalMinutes;
        Readings = readings;
        MeanKw = mean;
        MinKw = min;
        MaxKw = max;
        NightKw = night;
        DaytimeKw = daytime;
        Coverage = coverage;
        Sum = sum;
        SumSq = sumSq;
        Count = count;
        HourOfDayKw = hourKw;
        FirstBlock = firstBlock;
    }

    /// <summary>Days since 1970-01-01 of the first day read.</summary>
    public long FirstDay { get; }
    public int Days => MeanKw.Length;
    /// <summary>Interval length inferred from the spacing of the readings: 15, 30, 60 or 1440 minutes.</summary>
    public int IntervalMinutes { get; }
    public long Readings { get; }
    /// <summary>Mean power of the day (kW).</summary>
    public double[] MeanKw { get; }
    /// <summary>Lowest interval's power (kW): the load that never switches off that day.</summary>
    public double[] MinKw { get; }
    /// <summary>Highest interval's power (kW).</summary>
    public double[] MaxKw { get; }
    /// <summary>Mean power 00:00-05:59 (kW); NaN for daily meters.</summary>
    public double[] NightKw { get; }
    /// <summary>Mean power 10:00-15:59 (kW); NaN for daily meters.</summary>
    public double[] DaytimeKw { get; }
    /// <summary>Share of the day's intervals present (can exceed 1 on a day with a daylight-saving fall-back).</summary>
    public double[] Coverage { get; }
    internal double[] Sum { get; }
    internal double[] SumSq { get; }
    internal double[] Count { get; }
    /// <summary>Mean kW by hour of day, 24 values per 28-day block from <see cref="FirstBlock"/>; NaN where unread.</summary>
    public double[] HourOfDayKw { get; }
    public long FirstBlock { get; }

    public bool HasIntraday => IntervalMinutes < 1440;

    /// <summary>Median of the daily mean over up to <paramref name="window"/> days before day index <paramref name="day"/>; NaN when none.</summary>
    public double MedianMeanBefore(int day, int window) =>
        day <= 0 ? double.NaN : Detection.Robust.Median(MeanKw.AsSpan(Math.Max(0, day - window), Math.Min(day, window)));

    /// <summary>Mean kW of a day, NaN when the day is missing or outside the range read.</summary>
    public double MeanAt(long day)
    {
        var i = day - FirstDay;
        return i < 0 || i >= Days ? double.NaN : MeanKw[i];
    }

    public static DailyProfile From(MeterSeries series) => From(series, long.MinValue, long.MaxValue);

    /// <summary>The profile of the days from <paramref name="fromDay"/> to <paramref name="toDay"/> only (readings set aside outside them).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static DailyProfile From(MeterSeries series, long fromDay, long toDay)
    {
        var interval = series.IntervalMinutes;
        var hours = interval / 60.0;
        var perDay = 1440.0 / interval;
        var minDay = Math.Max(series.MinDay, fromDay);
        var maxDay = Math.Min(series.MaxDay, toDay);
        if (series.Readings == 0 || minDay > maxDay)
            return new DailyProfile(0, interval, 0, [], [], [], [], [], [], [], [], [], [], 0);
        var readings = series.Readings;
        if (minDay != series.MinDay || maxDay != series.MaxDay)
        {
            readings = 0;
            for (var day = minDay; day <= maxDay; day++) readings += series.Days[(int)(day - series.FirstDay)].Count;
        }
        var n = (int)(maxDay - minDay + 1);
        var offset = (int)(minDay - series.FirstDay);
        double[] mean = new double[n], min = new double[n], max = new double[n], night = new double[n], daytime = new double[n],
            coverage = new double[n], sum = new double[n], sumSq = new double[n], count = new double[n];
        var days = series.Days;
        for (var i = 0; i < n; i++)
        {
            ref readonly var d = ref days[offset + i];
            coverage[i] = d.Count / perDay;
            sum[i] = d.Sum;
            sumSq[i] = d.SumSq;
            count[i] = d.Count;
            if (coverage[i] < MinCoverage)
            {
                mean[i] = min[i] = max[i] = night[i] = daytime[i] = double.NaN;
                continue;
            }
            mean[i] = d.Sum / d.Count / hours;
            min[i] = d.Min / hours;
            max[i] = d.Max / hours;
            var nightExpected = interval < 1440 ? MeterSeries.NightEndMinute / interval : 0;
            var dayExpected = interval < 1440 ? (MeterSeries.DayEndMinute - MeterSeries.DayStartMinute) / interval : 0;
            night[i] = nightExpected > 0 && d.NightCount >= nightExpected / 2.0 ? d.NightSum / d.NightCount / hours : double.NaN;
            daytime[i] = dayExpected > 0 && d.DayCount >= dayExpected / 2.0 ? d.DaySum / d.DayCount / hours : double.NaN;
        }
        // Only the blocks that hold the days read, whatever the arrival order made the running arrays span.
        var firstBlock = MeterSeries.FloorDiv(minDay, MeterSeries.BlockDays);
        var blocks = (int)(MeterSeries.FloorDiv(maxDay, MeterSeries.BlockDays) - firstBlock + 1);
        var skip = (int)(firstBlock - series.FirstBlock) * 24;
        var sums = series.HourSums;
        var counts = series.HourCounts;
        var hourKw = new double[blocks * 24];
        for (var i = 0; i < hourKw.Length; i++)
            hourKw[i] = counts[skip + i] == 0 || interval >= 1440 ? double.NaN : sums[skip + i] / counts[skip + i] / hours;
        return new DailyProfile(minDay, interval, readings, mean, min, max, night, daytime, coverage, sum, sumSq, count, hourKw, firstBlock);
    }
}
