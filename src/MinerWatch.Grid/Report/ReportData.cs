using MinerWatch.Grid.Input;
using MinerWatch.Grid.Profiles;
using MinerWatch.Grid.Scan;

namespace MinerWatch.Grid.Report;

/// <summary>
/// What the report draws for one meter: an hour-of-day × day matrix of mean kW and the daily kWh, over the local days
/// from its first to its last reading day. Missing values are NaN.
/// </summary>
public sealed class MeterCharts
{
    internal MeterCharts(string meterId, long firstDay, int days, int intervalMinutes, double[] hourKw, double[] dailyKwh)
    {
        MeterId = meterId;
        FirstDay = firstDay;
        Days = days;
        IntervalMinutes = intervalMinutes;
        HourKw = hourKw;
        DailyKwh = dailyKwh;
    }

    public string MeterId { get; }
    /// <summary>Days since 1970-01-01 (local) of the first column.</summary>
    public long FirstDay { get; }
    public int Days { get; }
    /// <summary>15, 30, 60 or 1440 minutes, inferred as the scan does.</summary>
    public int IntervalMinutes { get; }
    /// <summary>Daily meters have no hour of day: their matrix is all NaN.</summary>
    public bool HasIntraday => IntervalMinutes < 1440;
    /// <summary>Mean kW per cell, row-major by hour: <c>[hour * Days + day]</c>.</summary>
    public double[] HourKw { get; }
    /// <summary>kWh of each day, scaled up to a whole day from the intervals read; NaN when under half were read.</summary>
    public double[] DailyKwh { get; }

    public DateOnly FirstDate => ToDate(FirstDay);

    public double KwAt(int hour, int day) => HourKw[hour * Days + day];

    public DateOnly DateOf(int day) => ToDate(FirstDay + day);

    /// <summary>Column of a date; may fall outside 0..Days-1.</summary>
    public long DayIndex(DateOnly date) => date.DayNumber - IsoTimestamp.ToDate(0).DayNumber - FirstDay;


    internal static DateOnly ToDate(long day) => IsoTimestamp.ToDate(day);
}

/// <summary>The per-meter chart data of a report, for the few meters it covers.</summary>
public sealed class ReportData
{
    private readonly Dictionary<string, MeterCharts> _meters;

    public ReportData(IEnumerable<MeterCharts> meters)
    {
        _meters = new Dictionary<string, MeterCharts>(StringComparer.Ordinal);
        foreach (var m in meters) _meters[m.MeterId] = m;
    }

    public IReadOnlyDictionary<string, MeterCharts> Meters => _meters;

    public MeterCharts? Get(string meterId) => _meters.GetValueOrDefault(meterId);

    /// <summary>
    /// Re-reads the readings file keeping only the listed meters, so memory grows with those meters' days and not
    /// with the file. Rows of other meters, and rows the scan already set aside, are skipped silently.
    /// </summary>
    public static ReportData Collect(ScanRequest request, IReadOnlyList<string> meterIds)
    {
        // Not growable: an id outside the list is unknown, which the lenient policy turns into a skipped row.
        var registry = new IdRegistry(growable: false);
        foreach (var id in meterIds) registry.TryAdd(id, out _);
        var accumulators = new Accumulator[registry.Count];
        for (var i = 0; i < accumulators.Length; i++) accumulators[i] = new Accumulator();
        if (registry.Count == 0) return new ReportData([]);

        var skip = RowPolicy.SetAside(_ => { });
        void OnBatch(ReadingBatch b)
        {
            for (var k = 0; k < b.Count; k++)
                accumulators[b.Entity[k]].Add(b.LocalMinutes[k], b.OffsetMinutes[k], b.Kwh[k]);
        }
        if (request.Layout == ReadingsLayout.Sgcc)
            SgccReader.Read(request.Readings, registry, skip, OnBatch);
        else
            GridScan.ReadTable(request.Readings, "meter_id", registry, unknownReason: null, skip, OnBatch, null);

        var charts = new MeterCharts[registry.Count];
        for (var i = 0; i < charts.Length; i++) charts[i] = accumulators[i].Finish(registry[i]);
        return new ReportData(charts);
    }

    /// <summary>Sums kWh per (local day, hour); a <see cref="MeterSeries"/> alongside drops duplicates and finds the interval exactly as the scan does.</summary>
    private sealed class Accumulator
    {
        private readonly MeterSeries _series = new();
        private readonly Dictionary<long, HourCells> _days = [];

        public void Add(long localMinutes, short offsetMinutes, double kwh)
        {
            if (!_series.Add(localMinutes, offsetMinutes, kwh)) return;
            var day = MeterSeries.FloorDiv(localMinutes, 1440);
            var hour = (int)(localMinutes - day * 1440) / 60;
            if (!_days.TryGetValue(day, out var cells)) _days[day] = cells = new HourCells();
            cells.Kwh[hour] += kwh;
            cells.Count[hour]++;
        }

        public MeterCharts Finish(string meterId)
        {
            var profile = DailyProfile.From(_series);
            var days = profile.Days;
            var interval = profile.IntervalMinutes;
            var hourKw = new double[24 * days];
            Array.Fill(hourKw, double.NaN);
            var daily = new double[days];
            for (var d = 0; d < days; d++)
                daily[d] = profile.MeanKw[d] * 24;
            if (interval < 1440)
            {
                var hours = interval / 60.0;
                foreach (var (day, cells) in _days)
                {
                    var d = (int)(day - profile.FirstDay);
                    for (var h = 0; h < 24; h++)
                        if (cells.Count[h] > 0) hourKw[h * days + d] = cells.Kwh[h] / cells.Count[h] / hours;
                }
            }
            return new MeterCharts(meterId, profile.FirstDay, days, interval, hourKw, daily);
        }
    }

    private sealed class HourCells
    {
        public readonly double[] Kwh = new double[24];
        public readonly int[] Count = new int[24];
    }
}
