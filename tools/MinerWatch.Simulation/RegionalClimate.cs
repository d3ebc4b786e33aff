namespace MinerWatch.Simulation;

/// <summary>One local calendar day as every load model sees it.</summary>
internal readonly record struct DayInfo(
    DateOnly Date,
    DayOfWeek Weekday,
    bool Workday,
    bool Holiday,
    int DaysFromSpringFestival,
    bool GoldenWeek,
    bool SchoolBreak,
    double MeanTemp,
    double Sunrise,
    double Sunset)
{
    /// <summary>Factories commonly work Saturdays too.</summary>
    public bool FactoryDay => Workday || (Weekday == DayOfWeek.Saturday && !Holiday);

    /// <summary>The official Spring Festival break (eve to sixth day).</summary>
    public bool SpringFestival => DaysFromSpringFestival is >= -1 and <= 6;
}

/// <summary>
/// Shared regional calendar and weather (south China's subtropical climate, or a northern province's cold one): every meter of a run
/// sees the same holidays, cold snaps and heat waves, as real customers of one utility do.
/// </summary>
internal sealed class RegionalClimate
{
    private readonly record struct Parameters(double LatitudeDeg, double SolarNoon, double AnnualMean, double SeasonalAmplitude,
        double SurgeDepthMin, double SurgeDepthMax);

    private const int ColdestDayOfYear = 18;

    // Guangzhou: solar noon at ~113.3° E on UTC+8. Harbin: 45.8° N, ~126.6° E, January mean about -17 °C, July about +23 °C,
    // and the cold waves from Siberia deeper.
    private static Parameters Of(Climate climate) => climate switch
    {
        Climate.Cold => new(45.75, 11.6, 4.6, 20.5, 6, 14),
        _ => new(23.13, 12.45, 21.8, 7.6, 4, 9),
    };

    public RegionalClimate(SimulationOptions options, int stepsPerDay)
    {
        Climate = options.Climate;
        var (latitudeDeg, solarNoon, annualMean, seasonalAmplitude, surgeMin, surgeMax) = Of(options.Climate);
        Days = options.Days;
        StepsPerDay = stepsPerDay;
        StepHours = 24.0 / stepsPerDay;
        Start = options.Start;
        var rng = new SimRandom(options.Seed, Streams.Weather, 0);
        var calendar = new HolidayCalendar(options.Start.Year - 1, options.Start.AddDays(options.Days).Year + 1);

        // Daily means for days -1 .. Days (one spare each side for noon-to-noon interpolation).
        var means = new double[Days + 2];
        var ranges = new double[Days + 2];
        var anomaly = 0.0;
        var eventOffset = new double[Days + 2 + 20];
        const int burnIn = 60;
        for (var i = -burnIn; i < Days + 2; i++)
        {
            var date = Start.AddDays(i - 1);
            var season = Math.Cos(2 * Math.PI * (date.DayOfYear - ColdestDayOfYear) / 365.25); // +1 mid-winter
            var sd = 1.35 + (0.45 * season);
            anomaly = (0.8 * anomaly) + rng.Normal(0, sd);
            if (i < 0)
                continue;
            var month = date.Month;
            if (month is >= 11 or <= 3 && rng.Chance(0.025))
            {
                // Cold surge from the north: sharp drop, slow recovery.
                var depth = rng.Uniform(surgeMin, surgeMax);
                var length = rng.Between(3, 8);
                for (var k = 0; k < length && i + k < eventOffset.Length; k++)
                    eventOffset[i + k] -= depth * (1 - ((double)k / length));
            }
            else if (month is >= 6 and <= 9 && rng.Chance(0.015))
            {
                var height = rng.Uniform(1.5, 3.5);
                var length = rng.Between(4, 12);
                for (var k = 0; k < length && i + k < eventOffset.Length; k++)
                    eventOffset[i + k] += height * Math.Min(1, Math.Min(k + 1, length - k) / 2.0);
            }
            means[i] = annualMean - (seasonalAmplitude * season) + anomaly + eventOffset[i];
            // Wider day-night swings in the dry winter, narrower in the humid summer.
            ranges[i] = Math.Clamp(7 + (1.5 * season) + rng.Normal(0, 1.2), 3, 12);
        }

        DayInfos = new DayInfo[Days];
        for (var d = 0; d < Days; d++)
        {
            var date = Start.AddDays(d);
            var holiday = calendar.IsHoliday(date);
            var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var workday = !holiday && (!weekend || calendar.IsMakeUpWorkday(date));
            var fromSf = calendar.DaysFromSpringFestival(date);
            var doy = date.DayOfYear;
            var declination = 23.44 * Math.PI / 180 * Math.Sin(2 * Math.PI * (284 + doy) / 365.0);
            var cosH = Math.Clamp(-Math.Tan(latitudeDeg * Math.PI / 180) * Math.Tan(declination), -1, 1);
            var halfDay = Math.Acos(cosH) * 180 / Math.PI / 15;
            var schoolBreak = fromSf is >= -21 and <= 17
                || (date.Month == 7 && date.Day >= 8) || date.Month == 8;
            DayInfos[d] = new DayInfo(date, date.DayOfWeek, workday, holiday, fromSf,
                date.Month == 10 && date.Day <= 7, schoolBreak, means[d + 1],
                solarNoon - halfDay, solarNoon + halfDay);
        }

        StepTemp = new double[Days * stepsPerDay];
        for (var d = 0; d < Days; d++)
        {
            for (var s = 0; s < stepsPerDay; s++)
            {
                var h = (s + 0.5) * StepHours;
                // Interpolate between neighbouring days' noons so midnight has no jump.
                var (a, b, w) = h < 12 ? (d, d + 1, (h + 12) / 24) : (d + 1, d + 2, (h - 12) / 24);
                var mean = means[a] + ((means[b] - means[a]) * w);
                var range = ranges[a] + ((ranges[b] - ranges[a]) * w);
                StepTemp[(d * stepsPerDay) + s] = mean + (0.5 * range * Math.Cos(2 * Math.PI * (h - 14.5) / 24));
            }
        }
    }

    public Climate Climate { get; }
    public int Days { get; }
    public int StepsPerDay { get; }
    public double StepHours { get; }
    public int Steps => Days * StepsPerDay;
    public DateOnly Start { get; }
    public DayInfo[] DayInfos { get; }

    /// <summary>Air temperature (°C) at the middle of every base step.</summary>
    public double[] StepTemp { get; }
}

/// <summary>Chinese public holidays, including the weekend days swapped into working days.</summary>
internal sealed class HolidayCalendar
{
    // Lunar holidays need tables; outside them we fall back to typical dates.
    private static readonly DateOnly[] SpringFestivals =
    [
        new(2015, 2, 19), new(2016, 2, 8), new(2017, 1, 28), new(2018, 2, 16), new(2019, 2, 5),
        new(2020, 1, 25), new(2021, 2, 12), new(2022, 2, 1), new(2023, 1, 22), new(2024, 2, 10),
        new(2025, 1, 29), new(2026, 2, 17), new(2027, 2, 6), new(2028, 1, 26), new(2029, 2, 13),
        new(2030, 2, 3), new(2031, 1, 23), new(2032, 2, 11), new(2033, 1, 31), new(2034, 2, 19),
        new(2035, 2, 8),
    ];

    private static readonly DateOnly[] DragonBoat =
    [
        new(2015, 6, 20), new(2016, 6, 9), new(2017, 5, 30), new(2018, 6, 18), new(2019, 6, 7),
        new(2020, 6, 25), new(2021, 6, 14), new(2022, 6, 3), new(2023, 6, 22), new(2024, 6, 10),
        new(2025, 5, 31), new(2026, 6, 19), new(2027, 6, 9), new(2028, 5, 28), new(2029, 6, 16),
        new(2030, 6, 5), new(2031, 6, 24), new(2032, 6, 12), new(2033, 6, 1), new(2034, 6, 20),
        new(2035, 6, 10),
    ];

    private static readonly DateOnly[] MidAutumn =
    [
        new(2015, 9, 27), new(2016, 9, 15), new(2017, 10, 4), new(2018, 9, 24), new(2019, 9, 13),
        new(2020, 10, 1), new(2021, 9, 21), new(2022, 9, 10), new(2023, 9, 29), new(2024, 9, 17),
        new(2025, 10, 6), new(2026, 9, 25), new(2027, 9, 15), new(2028, 10, 3), new(2029, 9, 22),
        new(2030, 9, 12), new(2031, 10, 1), new(2032, 9, 19), new(2033, 9, 8), new(2034, 9, 27),
        new(2035, 9, 16),
    ];

    private readonly HashSet<DateOnly> _holidays = [];
    private readonly HashSet<DateOnly> _makeUp = [];
    private readonly List<DateOnly> _springFestivals = [];

    public HolidayCalendar(int firstYear, int lastYear)
    {
        for (var y = firstYear; y <= lastYear; y++)
        {
            var sf = Lookup(SpringFestivals, y, new DateOnly(y, 2, 5));
            _springFestivals.Add(sf);
            AddSpan(new DateOnly(y, 1, 1), 1, false);
            AddSpan(sf.AddDays(-1), 8, true);
            AddSpan(new DateOnly(y, 4, 4), 3, false);
            AddSpan(new DateOnly(y, 5, 1), 5, true);
            AddSpan(Lookup(DragonBoat, y, new DateOnly(y, 6, 10)), 1, false);
            AddSpan(Lookup(MidAutumn, y, new DateOnly(y, 9, 20)), 1, false);
            AddSpan(new DateOnly(y, 10, 1), 7, true);
        }
        _makeUp.ExceptWith(_holidays);
    }

    private static DateOnly Lookup(DateOnly[] table, int year, DateOnly fallback)
    {
        foreach (var d in table)
        {
            if (d.Year == year)
                return d;
        }
        return fallback;
    }

    private void AddSpan(DateOnly first, int days, bool swapsWeekends)
    {
        for (var i = 0; i < days; i++)
            _holidays.Add(first.AddDays(i));
        if (!swapsWeekends)
            return;
        // Long breaks are paid for by working the nearest weekend day before and after.
        for (var i = 1; i <= 6; i++)
        {
            var d = first.AddDays(-i);
            if (d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                _makeUp.Add(d);
                break;
            }
        }
        for (var i = days; i < days + 6; i++)
        {
            var d = first.AddDays(i);
            if (d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                _makeUp.Add(d);
                break;
            }
        }
    }

    public bool IsHoliday(DateOnly date) => _holidays.Contains(date);

    public bool IsMakeUpWorkday(DateOnly date) => _makeUp.Contains(date);

    /// <summary>Signed days to the nearest lunar new year's day.</summary>
    public int DaysFromSpringFestival(DateOnly date)
    {
        var best = int.MaxValue;
        foreach (var sf in _springFestivals)
        {
            var diff = date.DayNumber - sf.DayNumber;
            if (Math.Abs(diff) < Math.Abs(best))
                best = diff;
        }
        return best;
    }
}
