namespace MinerWatch.Simulation;

/// <summary>
/// Premises run to opening hours: shops, offices, restaurants, bakeries, supermarkets, schools,
/// government offices, sports halls and workshops.
/// </summary>
internal static class BusinessLoad
{
    public static void Fill(SiteSpec site, RegionalClimate c, SimRandom rng, Span<double> kw)
    {
        var kind = site.Kind;
        var cap = site.ContractedKw;
        var peak = cap * rng.Uniform(0.3, 0.55);
        var baseShare = kind switch
        {
            SiteKind.Supermarket => rng.Uniform(0.35, 0.5),
            SiteKind.Restaurant => rng.Uniform(0.12, 0.22),
            SiteKind.School => rng.Uniform(0.04, 0.1),
            SiteKind.GovernmentOffice => rng.Uniform(0.1, 0.18), // server room, security
            _ => rng.Uniform(0.06, 0.15),
        };
        var baseKw = peak * baseShare;
        var coolPerDeg = peak * rng.Uniform(0.015, 0.035);
        var coolFrom = rng.Uniform(23, 26);
        var open = rng.Normal(kind switch
        {
            SiteKind.Shop => 9.8,
            SiteKind.Office => 8.6,
            SiteKind.Restaurant => 9.8,
            SiteKind.Bakery => 7,
            SiteKind.Supermarket => 7.5,
            SiteKind.School => 7.4,
            SiteKind.GovernmentOffice => 8.4,
            SiteKind.SportsHall => 9,
            _ => 8,
        }, 0.3);
        var close = rng.Normal(kind switch
        {
            SiteKind.Shop => 21.8,
            SiteKind.Office => 18.3,
            SiteKind.Restaurant => 22.2,
            SiteKind.Bakery => 20,
            SiteKind.Supermarket => 22.5,
            SiteKind.School => 17.5,
            SiteKind.GovernmentOffice => 18,
            SiteKind.SportsHall => 22,
            _ => 18,
        }, 0.3);
        var boarding = kind == SiteKind.School && rng.Chance(0.4);
        var closedMonday = kind == SiteKind.Restaurant && rng.Chance(0.2);
        var saturdayWork = kind is SiteKind.Office or SiteKind.Workshop && rng.Chance(0.35);
        var sfClosedFrom = rng.Between(-2, 0);
        var sfClosedTo = kind is SiteKind.Shop or SiteKind.Restaurant or SiteKind.Workshop ? rng.Between(2, 9) : rng.Between(0, 3);

        // Renovation or change of business: closed for weeks, then a new level.
        var closedFrom = int.MaxValue;
        var closedTo = int.MaxValue;
        var newLevel = 1.0;
        if (rng.Chance(0.05 * c.Days / 365.0))
        {
            closedFrom = rng.Next(c.Days);
            closedTo = closedFrom + rng.Between(14, 60);
            newLevel = rng.Uniform(0.6, 1.5);
        }

        var steps = c.StepsPerDay;
        var dt = c.StepHours;
        var noiseScale = Math.Pow(dt, -0.25);
        var weekLevel = 1.0;
        var ar = 0.0;
        for (var d = 0; d < c.Days; d++)
        {
            var info = c.DayInfos[d];
            if (d % 7 == 0)
                weekLevel = 1 + (0.8 * (weekLevel - 1)) + rng.Normal(0, 0.03);
            var level = weekLevel * rng.LogNormalFactor(0.06) * (d >= closedTo ? newLevel : 1);
            var closedToday = d >= closedFrom && d < closedTo;
            var sfClosed = info.DaysFromSpringFestival >= sfClosedFrom && info.DaysFromSpringFestival <= sfClosedTo;
            var (o, cl, dayScale) = Schedule(kind, info, open, close, boarding, closedMonday, saturdayWork, rng);
            if (closedToday || sfClosed)
                dayScale = 0;

            for (var s = 0; s < steps; s++)
            {
                var i = (d * steps) + s;
                var h = (s + 0.5) * dt;
                var temp = c.StepTemp[i];
                var frac = dayScale * Shapes.Window(h, o, cl, 0.7) * Shape(kind, h);
                if (kind == SiteKind.Bakery && dayScale > 0)
                    frac = Math.Max(frac * 0.4, Shapes.Window(h, 2, 7, 0.5)); // ovens before dawn
                if (boarding && dayScale > 0 && !info.SchoolBreak)
                    frac += 0.35 * Shapes.Window(h, 19, 22, 0.5);
                ar = (0.6 * ar) + rng.Normal(0, 0.05 * noiseScale);
                var load = (baseKw * (closedToday ? 0.5 : 1)) + ((peak - baseKw) * frac * level * (1 + ar));
                if (kind == SiteKind.Supermarket)
                    load += baseKw * 0.02 * ((c.Climate == Climate.Cold ? Math.Max(temp, 10) : temp) - 20); // refrigeration works harder in heat; a shop in the cold is heated
                var cool = coolPerDeg * Math.Max(0, temp - coolFrom);
                if (boarding && !info.SchoolBreak && dayScale > 0 && (h > 22 || h < 6.5))
                    load += cool * 0.6; // dormitory air conditioning at night
                load += cool * Math.Min(1, frac * 1.3);
                kw[i] += Math.Max(0, load);
            }
        }
    }

    private static (double Open, double Close, double Scale) Schedule(
        SiteKind kind, DayInfo info, double open, double close, bool boarding, bool closedMonday, bool saturdayWork, SimRandom rng)
    {
        var weekend = !info.Workday;
        switch (kind)
        {
            case SiteKind.Office:
            case SiteKind.GovernmentOffice:
            case SiteKind.Workshop:
                if (info.Workday)
                {
                    var late = kind == SiteKind.Office && rng.Chance(0.3) ? rng.Uniform(0.5, 3) : 0;
                    return (open, close + late, 1);
                }
                if (saturdayWork && info.Weekday == DayOfWeek.Saturday && !info.Holiday)
                    return (open + 0.5, close - 4, 0.5);
                return (double.NaN, 0, 0);
            case SiteKind.School:
                if (info.SchoolBreak)
                    return info.Workday && rng.Chance(0.3) ? (open + 1, close - 2, 0.2) : (double.NaN, 0, 0);
                if (info.Workday)
                    return (open, close, 1);
                return boarding && info.Weekday == DayOfWeek.Sunday && !info.Holiday ? (15, 22, 0.4) : (double.NaN, 0, 0);
            case SiteKind.SportsHall:
                return weekend ? (open, close, 1) : (16, close, 0.9);
            case SiteKind.Restaurant:
                if (closedMonday && info.Weekday == DayOfWeek.Monday && !info.Holiday)
                    return (double.NaN, 0, 0);
                return (open, close, weekend ? 1.15 : 1);
            default:
                // Shops, bakeries and supermarkets trade every day, busier at weekends and holidays.
                return (open, close, info.Holiday ? 1.2 : weekend ? 1.1 : 1);
        }
    }

    private static double Shape(SiteKind kind, double h) => kind switch
    {
        SiteKind.Office => 1 - (0.15 * Shapes.Bump(h, 12.7, 0.6)),
        SiteKind.GovernmentOffice => 1 - (0.45 * Shapes.Window(h, 12.1, 14.4, 0.3)), // long southern lunch break
        SiteKind.School => 1 - (0.3 * Shapes.Window(h, 12, 14, 0.3)),
        SiteKind.Restaurant => Math.Min(1.15, 0.4 + (0.6 * Shapes.Bump(h, 12.2, 0.9)) + (0.7 * Shapes.Bump(h, 18.8, 1.2))),
        SiteKind.SportsHall => 0.6 + (0.4 * Shapes.Bump(h, 20, 1.5)),
        SiteKind.Shop => 0.8 + (0.2 * Shapes.Bump(h, 20, 2)),
        _ => 1,
    };
}
