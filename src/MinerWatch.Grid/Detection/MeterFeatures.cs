using MinerWatch.Grid.Profiles;

namespace MinerWatch.Grid.Detection;

/// <summary>What kind of load a rise added, read from which daily series rose.</summary>
public enum AddedLoad
{
    None,
    /// <summary>The lowest interval of the day rose as much as the mean: the new load runs around the clock.</summary>
    AroundTheClock,
    /// <summary>The night rose far more than the daytime: the new load runs at night.</summary>
    NightOnly,
    /// <summary>The mean and the peaks rose but not the base: the new load switches on and off.</summary>
    Switched,
}

/// <summary>
/// The load-shape and change-point features of one meter, each a number a person can check against the daily
/// series. Computed from a <see cref="DailyProfile"/> alone, so it works the same on a file or on a live state.
/// </summary>
public sealed record MeterFeatures
{
    public required int ValidDays { get; init; }
    /// <summary>The strongest rise found, in the series named by <see cref="RiseSeries"/>.</summary>
    public Rise? Rise { get; init; }
    public string RiseSeries { get; init; } = "";
    public AddedLoad Added { get; init; }
    public double RiseMeanKw { get; init; }
    public double RiseBaseKw { get; init; }
    public double RiseNightKw { get; init; }
    public double RiseDaytimeKw { get; init; }
    public double RisePeakKw { get; init; }
    /// <summary>
    /// Other rises worth evidence, at least four weeks from <see cref="Rise"/> and from each other, strongest first:
    /// the strongest rise may be one that many peers share (a school or a factory back from a holiday), and the farm
    /// added later is then the telling one. Each carries only its rise fields.
    /// </summary>
    public IReadOnlyList<MeterFeatures> OtherRises { get; init; } = [];
    /// <summary>
    /// For a load switched on and off: how machine-like its on state is, 0 to 1 (1 when the added load sits at one
    /// level while on and near zero while off, by hour of day or by day; a household's or a shift's added load has
    /// peaks and shoulders). 0 for other loads.
    /// </summary>
    public double Plateau { get; init; }
    /// <summary>The added load while on (kW), where <see cref="Plateau"/> found one.</summary>
    public double PlateauKw { get; init; }
    /// <summary>
    /// Over the window: how clearly the days split into off days and on days at one level above them (0 to 1), as a
    /// machine switched by the day does; ordinary loads drift with the weather and the week instead.
    /// </summary>
    public double DaySwitching { get; init; }
    /// <summary>The on days' level above the off days (kW), where <see cref="DaySwitching"/> found one.</summary>
    public double DaySwitchingKw { get; init; }
    /// <summary>
    /// How machine-like the night is, 0 to 1: 1 when the night hours sit at one level, hour after hour and night after
    /// night, well above the day's lowest hours (a bank of machines switched on for the night); a bakery's or a storage
    /// heater's night load ramps and follows the weather, a shop's night is its base.
    /// </summary>
    public double NightMachine { get; init; }
    /// <summary>True when the shape (load factor, night, floor) was read from <see cref="Rise"/> on, not over the whole period.</summary>
    public bool ShapeFromRise { get; init; }
    /// <summary>The machine-like night level (kW): above the day's lowest, or the whole night floor.</summary>
    public double NightBlockKw { get; init; }
    /// <summary>True when <see cref="NightMachine"/> describes the floor of the load rather than a block above it.</summary>
    public bool NightMachineIsFloor { get; init; }
    public double MeanKw { get; init; }
    /// <summary>Median of the daily minimum (kW): load that never switches off.</summary>
    public double BaseKw { get; init; }
    /// <summary>Coefficient of variation of all interval readings in the window.</summary>
    public double Cv { get; init; }
    /// <summary>Mean over the median daily peak.</summary>
    public double LoadFactor { get; init; }
    /// <summary>Share of days whose lowest interval is at least 75 % of their highest.</summary>
    public double FlatDayShare { get; init; }
    public double NightDayRatio { get; init; }
    /// <summary>Swing of the hour-of-day profile, (max - min) / mean.</summary>
    public double DailyCycle { get; init; }
    /// <summary>Swing of the day-of-week means, (max - min) / mean.</summary>
    public double WeeklyCycle { get; init; }
    /// <summary>
    /// Robust coefficient of variation of the daily minimum across the window's days: a farm holds the floor of the
    /// load at the same level every day, holidays included; a business's or a home's floor wanders.
    /// </summary>
    public double BaseVariation { get; init; } = double.NaN;
    /// <summary>Log of the mean of the last 8 weeks over the first 8 weeks.</summary>
    public double Growth { get; init; }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static MeterFeatures Compute(DailyProfile p)
    {
        var n = p.Days;
        var valid = Robust.CountFinite(p.MeanKw);
        var features = new MeterFeatures { ValidDays = valid };
        if (valid < 14) return features;

        var withRise = PickRise(p, features) with { Growth = GrowthOf(p.MeanKw) };
        // Only a rise that counts as evidence starts the window the shape is read on: a faint one is a site's own swing.
        var rising = ChangePointDetector.Points(withRise) >= ChangePointDetector.MinPoints;
        var start = rising ? withRise.Rise!.Day : 0;
        // A window of only a few days after a late rise describes too little; fall back to the whole period.
        if (n - start < 21) start = 0;
        // A switched rise already weighed as machine-like by the change point is not counted again as day switching.
        var counted = rising && withRise.Added == AddedLoad.Switched && withRise.Plateau > 0;
        var switching = counted ? (Plateau: 0.0, Kw: 0.0) : DaySwitchingOf(p, start);
        var night = NightMachineOf(p, start);
        return withRise.WithShape(p, start) with
        {
            DaySwitching = switching.Plateau,
            DaySwitchingKw = switching.Kw,
            NightMachine = night.Score,
            NightBlockKw = night.Kw,
            NightMachineIsFloor = night.Floor,
            ShapeFromRise = start > 0,
        };
    }

    private const int RisesPerSeries = 3;

    /// <summary>
    /// The rise with the strongest evidence of a new load among those found in the mean, base and night series.
    /// Each series shows a different load best: the base shows a small farm under a busy factory, the night a
    /// night-only miner, the peak one run in working hours; the mean also shows one switched on and off.
    /// </summary>
    private static MeterFeatures PickRise(DailyProfile p, MeterFeatures features)
    {
        Span<double> scratch = stackalloc double[2 * RiseDetector.Window + 16];
        var best = features;
        var bestPoints = double.NegativeInfinity;
        var worthy = new List<(MeterFeatures Candidate, double Points)>();
        Consider(p.MeanKw, "daily mean", scratch);
        if (p.HasIntraday)
        {
            Consider(p.MinKw, "daily minimum", scratch);
            Consider(p.NightKw, "night mean", scratch);
            // Machines switched on for working hours double a shop's peak while its daily mean moves little.
            Consider(p.MaxKw, "daily peak", scratch);
            // A restaurant's own peaks come and go with meals; machines run through the middle of the day.
            Consider(p.DaytimeKw, "daytime mean", scratch);
        }
        // An office or a factory closed at weekends has two levels a week, and the spread between them hides a step
        // that only working days show: look at working days on their own too.
        if (HasWeekendPattern(p))
        {
            Consider(Workdays(p, p.MeanKw), "working-day mean", scratch);
            if (p.HasIntraday) Consider(Workdays(p, p.MaxKw), "working-day peak", scratch);
        }
        if (best.Rise is not { } chosen) return best;
        var others = new List<MeterFeatures>();
        var days = new List<int> { chosen.Day };
        foreach (var (candidate, _) in worthy.OrderByDescending(w => w.Points))
        {
            if (others.Count == 2) break;
            if (days.Any(d => Math.Abs(d - candidate.Rise!.Day) < 28)) continue;
            others.Add(candidate);
            days.Add(candidate.Rise!.Day);
        }
        return others.Count == 0 ? best : best with { OtherRises = others };

        void Consider(double[] x, string series, Span<double> scratch)
        {
            foreach (var rise in RiseDetector.FindRises(x, RisesPerSeries, withVariability: false)) ConsiderOne(x, rise, series, scratch);
        }

        void ConsiderOne(double[] x, Rise found, string series, Span<double> scratch)
        {
            // A rise too small or unclear to be a candidate earns nothing; describe it only when there is nothing else.
            if (bestPoints > double.NegativeInfinity && !ChangePointDetector.IsClearRise(found)) return;
            var rise = RiseDetector.WithVariability(x, found);
            var riseMean = RiseOrZero(p.MeanKw, rise.Day, scratch);
            var riseBase = RiseOrZero(p.MinKw, rise.Day, scratch);
            var riseNight = RiseOrZero(p.NightKw, rise.Day, scratch);
            var riseDay = RiseOrZero(p.DaytimeKw, rise.Day, scratch);
            var risePeak = RiseOrZero(p.MaxKw, rise.Day, scratch);
            var candidate = features with
            {
                Rise = rise,
                RiseSeries = series,
                Added = Classify(riseMean, riseBase, riseNight, riseDay, risePeak, p.HasIntraday),
                RiseMeanKw = riseMean,
                RiseBaseKw = riseBase,
                RiseNightKw = riseNight,
                RiseDaytimeKw = riseDay,
                RisePeakKw = risePeak,
            };
            if (candidate.Added == AddedLoad.Switched)
            {
                var (plateau, level) = PlateauOf(p, rise);
                candidate = candidate with { Plateau = plateau, PlateauKw = level };
            }
            var points = ChangePointDetector.Points(candidate);
            if (points >= ChangePointDetector.MinPoints) worthy.Add((candidate, points));
            if (points <= bestPoints) return;
            best = candidate;
            bestPoints = points;
        }
    }

    private static int DayOfWeek(DailyProfile p, int i) => (int)(((p.FirstDay + i + 3) % 7 + 7) % 7); // 0 = Monday

    /// <summary>Whether weekend days run at under two thirds of working days (medians).</summary>
    private static bool HasWeekendPattern(DailyProfile p)
    {
        var work = new List<double>(p.Days);
        var weekend = new List<double>(p.Days / 3);
        for (var i = 0; i < p.Days; i++)
        {
            if (!double.IsFinite(p.MeanKw[i])) continue;
            (DayOfWeek(p, i) >= 5 ? weekend : work).Add(p.MeanKw[i]);
        }
        if (weekend.Count < 8 || work.Count < 20) return false;
        return Robust.Median(weekend.ToArray()) < 2.0 / 3 * Robust.Median(work.ToArray());
    }

    /// <summary>The series with Saturdays and Sundays left out (NaN).</summary>
    private static double[] Workdays(DailyProfile p, double[] series)
    {
        var result = new double[series.Length];
        for (var i = 0; i < series.Length; i++) result[i] = DayOfWeek(p, i) >= 5 ? double.NaN : series[i];
        return result;
    }

    private static double RiseOrZero(double[] series, int day, Span<double> scratch)
    {
        var r = RiseDetector.RiseAt(series, day, scratch);
        return double.IsFinite(r) ? r : 0;
    }

    /// <summary>The better of the hour-of-day plateau and the day plateau of the load added at a rise.</summary>
    private static (double Plateau, double Kw) PlateauOf(DailyProfile p, Rise rise)
    {
        var byHour = HourPlateau(p, rise);
        var byDay = DayPlateau(p, rise);
        return byHour.Plateau >= byDay.Plateau ? byHour : byDay;
    }

    /// <summary>Added load by hour of day: blocks wholly after the rise minus blocks wholly before it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static (double Plateau, double Kw) HourPlateau(DailyProfile p, Rise rise)
    {
        if (!p.HasIntraday) return (0, 0);
        var onsetBlock = (int)(MeterSeries.FloorDiv(p.FirstDay + rise.Day, MeterSeries.BlockDays) - p.FirstBlock);
        Span<double> before = stackalloc double[24];
        Span<double> after = stackalloc double[24];
        Span<int> nb = stackalloc int[24];
        Span<int> na = stackalloc int[24];
        var blocks = p.HourOfDayKw.Length / 24;
        for (var b = 0; b < blocks; b++)
        {
            if (b == onsetBlock) continue;
            for (var h = 0; h < 24; h++)
            {
                var v = p.HourOfDayKw[b * 24 + h];
                if (double.IsNaN(v)) continue;
                if (b < onsetBlock)
                {
                    before[h] += v;
                    nb[h]++;
                }
                else
                {
                    after[h] += v;
                    na[h]++;
                }
            }
        }
        Span<double> added = stackalloc double[24];
        for (var h = 0; h < 24; h++)
        {
            if (nb[h] == 0 || na[h] == 0) return (0, 0);
            added[h] = after[h] / na[h] - before[h] / nb[h];
        }
        return MachineLevel(added, minOn: 4);
    }

    /// <summary>Added daily mean after the rise, day by day: a machine switched by the day is either on at one level or off.</summary>
    private static (double Plateau, double Kw) DayPlateau(DailyProfile p, Rise rise)
    {
        // The level before is the daily mean's, whichever series the rise was found in.
        var before = p.MedianMeanBefore(rise.Day, RiseDetector.Window);
        if (!double.IsFinite(before)) return (0, 0);
        var added = new double[p.Days - rise.Day];
        for (var d = rise.Day; d < p.Days; d++) added[d - rise.Day] = p.MeanKw[d] - before;
        return MachineLevel(added, minOn: 7);
    }

    /// <summary>
    /// Day switching over the window: each day's mean, and each day's minimum, above the window's 10th percentile day.
    /// The minimum shows a machine left on for days at a time under a busy site whose daytime hides it. Either must
    /// switch back and forth, not drop once for a holiday shutdown.
    /// </summary>
    private static (double Plateau, double Kw) DaySwitchingOf(DailyProfile p, int start)
    {
        var byMean = SwitchingOf(p.MeanKw.AsSpan(start), minSwitches: 4);
        if (!p.HasIntraday) return byMean;
        var byMin = SwitchingOf(p.MinKw.AsSpan(start), minSwitches: 4);
        return byMin.Plateau > byMean.Plateau ? byMin : byMean;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static (double Plateau, double Kw) SwitchingOf(ReadOnlySpan<double> window, int minSwitches)
    {
        var floor = Robust.Quantile(window, 0.1);
        if (!double.IsFinite(floor)) return (0, 0);
        var added = new double[window.Length];
        for (var d = 0; d < window.Length; d++) added[d] = window[d] - floor;
        var (plateau, kw) = MachineLevel(added, minOn: 14);
        // A level that is small against the off days is the ordinary swing of a site, not a bank of machines.
        if (!(kw >= Math.Max(0.3, 0.5 * floor))) return (0, 0);
        if (Switches(added, kw) < minSwitches) return (0, 0);
        return (plateau, kw);
    }

    /// <summary>How many times the days change between off (below half the level) and on, skipping missing days.</summary>
    private static int Switches(double[] added, double level)
    {
        var switches = 0;
        bool? previous = null;
        foreach (var v in added)
        {
            if (!double.IsFinite(v)) continue;
            var on = v >= 0.5 * level;
            if (previous is { } was && was != on) switches++;
            previous = on;
        }
        return switches;
    }

    /// <summary>
    /// How machine-like the night is over the window: how flat the night hours (00:00-06:00) are within the 28-day
    /// hour-of-day profiles, and how little the night's level varies from night to night, either as a block above the
    /// day's minimum or as the floor of the load itself.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static (double Score, double Kw, bool Floor) NightMachineOf(DailyProfile p, int start)
    {
        if (!p.HasIntraday) return (0, 0, false);
        var n = p.Days - start;
        var blocks = new double[n];
        var nights = new double[n];
        for (var d = 0; d < n; d++)
        {
            blocks[d] = p.NightKw[start + d] - p.MinKw[start + d];
            nights[d] = p.NightKw[start + d];
        }
        if (Robust.CountFinite(nights) < 14) return (0, 0, false);
        var level = Robust.Median(nights);
        var mean = Robust.Median(p.MeanKw.AsSpan(start));
        if (!(level > 0) || !(mean > 0)) return (0, 0, false);
        var withinNight = NightHourSpread(p, start);
        if (!double.IsFinite(withinNight)) return (0, 0, false);
        var flatHours = Math.Clamp(1 - (withinNight - 0.03) / 0.1, 0, 1);
        // A block switched on for the night above the day's lowest hours, or a night that is itself a large, still
        // floor (machines running around the clock under a day shift).
        var block = Robust.Median(blocks);
        var blockScore = block > 0 && block >= Math.Max(0.3, 0.3 * level) ? flatHours * Steady(blocks, block) : 0;
        var floorScore = level >= Math.Max(0.3, 0.3 * mean) ? flatHours * Steady(nights, level) : 0;
        return blockScore >= floorScore ? (blockScore, blockScore > 0 ? block : 0, false) : (floorScore, level, true);

        static double Steady(double[] values, double level) =>
            Math.Clamp(1 - (Robust.ScaledMad(values, level) / level - 0.05) / 0.15, 0, 1);
    }

    /// <summary>Mean coefficient of variation across the night hours in the 28-day hour-of-day profiles from <paramref name="start"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static double NightHourSpread(DailyProfile p, int start)
    {
        var firstBlock = (int)Math.Max(0, MeterSeries.FloorDiv(p.FirstDay + start, MeterSeries.BlockDays) - p.FirstBlock);
        var count = p.HourOfDayKw.Length / 24;
        double spread = 0;
        var used = 0;
        Span<double> hours = stackalloc double[MeterSeries.NightEndMinute / 60];
        for (var b = firstBlock; b < count; b++)
        {
            for (var h = 0; h < hours.Length; h++) hours[h] = p.HourOfDayKw[b * 24 + h];
            var mean = Robust.Mean(hours);
            if (!(mean > 0) || Robust.CountFinite(hours) < hours.Length) continue;
            double sq = 0;
            foreach (var v in hours) sq += (v - mean) * (v - mean);
            spread += Math.Sqrt(sq / hours.Length) / mean;
            used++;
        }
        return used == 0 ? double.NaN : spread / used;
    }

    /// <summary>
    /// Machine-likeness of an added load: the values at or above half the 90th percentile are the on state; the score
    /// falls as the on state spreads (coefficient of variation beyond 5 %) and as the off state sits above zero.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static (double Plateau, double Kw) MachineLevel(ReadOnlySpan<double> added, int minOn)
    {
        var top = Robust.Quantile(added, 0.9);
        if (!(top > 0)) return (0, 0);
        double onSum = 0, onSq = 0, offSum = 0;
        int on = 0, off = 0;
        foreach (var v in added)
        {
            if (!double.IsFinite(v)) continue;
            if (v >= 0.5 * top)
            {
                on++;
                onSum += v;
                onSq += v * v;
            }
            else
            {
                off++;
                offSum += v;
            }
        }
        if (on < minOn || off < minOn) return (0, 0);
        var level = onSum / on;
        var cv = Math.Sqrt(Math.Max(0, onSq / on - level * level)) / level;
        var offLevel = Math.Max(0, offSum / off) / level;
        var plateau = Math.Clamp(1 - (cv - 0.05) / 0.15, 0, 1) * Math.Clamp(1 - (offLevel - 0.1) / 0.2, 0, 1);
        return (plateau, level);
    }

    internal static AddedLoad Classify(double mean, double baseRise, double night, double day, double peak, bool intraday)
    {
        if (!(mean > 0) && !(night > 0)) return AddedLoad.None;
        if (!intraday) return AddedLoad.AroundTheClock;
        if (mean > 0 && baseRise >= 0.6 * mean && night >= 0.6 * mean && day >= 0.6 * mean) return AddedLoad.AroundTheClock;
        if (night > 0 && night >= 2 * Math.Max(day, 0) && night >= 1.5 * Math.Max(mean, 0)) return AddedLoad.NightOnly;
        if (peak > 0 && mean > 0) return AddedLoad.Switched;
        return AddedLoad.None;
    }

    private static double GrowthOf(double[] mean)
    {
        const int span = 56;
        if (mean.Length < 3 * span) return 0;
        var first = Robust.Mean(mean.AsSpan(0, span));
        var last = Robust.Mean(mean.AsSpan(mean.Length - span));
        return first > 0 && last > 0 ? Math.Log(last / first) : 0;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private MeterFeatures WithShape(DailyProfile p, int start)
    {
        double sum = 0, sumSq = 0, count = 0;
        var flat = 0;
        var days = 0;
        double nightSum = 0, daySum = 0;
        int nightN = 0, dayN = 0;
        Span<double> weekday = stackalloc double[7];
        Span<int> weekdayN = stackalloc int[7];
        var maxima = new double[p.Days - start];
        var minima = new double[p.Days - start];
        for (var i = start; i < p.Days; i++)
        {
            maxima[i - start] = double.NaN;
            minima[i - start] = double.NaN;
            if (double.IsNaN(p.MeanKw[i])) continue;
            days++;
            sum += p.Sum[i];
            sumSq += p.SumSq[i];
            count += p.Count[i];
            maxima[i - start] = p.MaxKw[i];
            minima[i - start] = p.MinKw[i];
            if (p.MaxKw[i] > 0 && p.MinKw[i] >= 0.75 * p.MaxKw[i]) flat++;
            if (double.IsFinite(p.NightKw[i]) && double.IsFinite(p.DaytimeKw[i]))
            {
                nightSum += p.NightKw[i];
                daySum += p.DaytimeKw[i];
                nightN++;
                dayN++;
            }
            var dow = (int)(((p.FirstDay + i + 3) % 7 + 7) % 7);
            weekday[dow] += p.MeanKw[i];
            weekdayN[dow]++;
        }
        if (days == 0) return this;
        var meanKwh = sum / count;
        var variance = Math.Max(0, sumSq / count - meanKwh * meanKwh);
        var meanKw = meanKwh / (p.IntervalMinutes / 60.0);
        var peak = Robust.Median(maxima);
        var baseKw = Robust.Median(minima);
        double wMin = double.MaxValue, wMax = double.MinValue, wSum = 0;
        var wN = 0;
        for (var d = 0; d < 7; d++)
        {
            if (weekdayN[d] == 0) continue;
            var m = weekday[d] / weekdayN[d];
            wMin = Math.Min(wMin, m);
            wMax = Math.Max(wMax, m);
            wSum += m;
            wN++;
        }
        return this with
        {
            MeanKw = meanKw,
            BaseKw = baseKw,
            BaseVariation = baseKw > 0 ? Robust.ScaledMad(minima, baseKw) / baseKw : double.NaN,
            Cv = meanKwh > 0 ? Math.Sqrt(variance) / meanKwh : 0,
            LoadFactor = peak > 0 ? meanKw / peak : 0,
            FlatDayShare = (double)flat / days,
            NightDayRatio = dayN > 0 && daySum > 0 ? nightSum / daySum : double.NaN,
            DailyCycle = DailyCycleOf(p, start),
            WeeklyCycle = wN == 7 && wSum > 0 ? (wMax - wMin) / (wSum / 7) : double.NaN,
        };
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static double DailyCycleOf(DailyProfile p, int start)
    {
        if (!p.HasIntraday) return double.NaN;
        var firstBlock = MeterSeries.FloorDiv(p.FirstDay + start, MeterSeries.BlockDays) - p.FirstBlock;
        Span<double> hours = stackalloc double[24];
        Span<int> counts = stackalloc int[24];
        var blocks = p.HourOfDayKw.Length / 24;
        for (var b = (int)Math.Max(0, firstBlock); b < blocks; b++)
        {
            for (var h = 0; h < 24; h++)
            {
                var v = p.HourOfDayKw[b * 24 + h];
                if (double.IsNaN(v)) continue;
                hours[h] += v;
                counts[h]++;
            }
        }
        double min = double.MaxValue, max = double.MinValue, total = 0;
        for (var h = 0; h < 24; h++)
        {
            if (counts[h] == 0) return double.NaN;
            var m = hours[h] / counts[h];
            min = Math.Min(min, m);
            max = Math.Max(max, m);
            total += m;
        }
        return total > 0 ? (max - min) / (total / 24) : double.NaN;
    }
}
