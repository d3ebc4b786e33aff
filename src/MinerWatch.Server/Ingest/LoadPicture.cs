using System.Text.Json;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Profiles;

namespace MinerWatch.Server.Ingest;

/// <summary>
/// A meter's load as the case page draws it: per day the mean, lowest and highest kW, and kW by hour of day per 28-day
/// block; dates as ISO days. Missing values are null.
/// </summary>
public static class LoadPicture
{
    public static string Json(DailyProfile p, DateOnly? onset)
    {
        static double? V(double x) => double.IsFinite(x) ? Math.Round(x, 3) : null;
        return JsonSerializer.Serialize(new
        {
            first_day = IsoTimestamp.ToDate(p.FirstDay).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            interval_minutes = p.IntervalMinutes,
            onset = onset?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            mean_kw = p.MeanKw.Select(V),
            min_kw = p.MinKw.Select(V),
            max_kw = p.MaxKw.Select(V),
            block_days = MeterSeries.BlockDays,
            first_block_day = IsoTimestamp.ToDate(p.FirstBlock * MeterSeries.BlockDays).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            hour_of_day_kw = p.HourOfDayKw.Select(V),
        });
    }
}
