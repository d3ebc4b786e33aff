namespace MinerWatch.Simulation;

/// <summary>Factories on shifts, continuous-process plants and cold stores.</summary>
internal static class IndustryLoad
{
    public static void Fill(SiteSpec site, RegionalClimate c, SimRandom rng, Span<double> kw)
    {
        if (site.Kind == SiteKind.ColdStorage)
        {
            ColdStore(site, c, rng, kw);
            return;
        }
        var kind = site.Kind;
        var cap = site.ContractedKw;
        var continuous = kind == SiteKind.ContinuousProcess;
        var peak = cap * rng.Uniform(0.45, 0.7);
        var idle = cap * rng.Uniform(0.04, 0.12);
        var sigma = continuous ? rng.Uniform(0.015, 0.035) : rng.Uniform(0.04, 0.09);
        var coolShare = rng.Uniform(0.005, 0.015);
        var worksSaturday = rng.Chance(0.6);
        var sundayShift = kind == SiteKind.FactoryThreeShift && rng.Chance(0.5);
        // Migrant workers go home: factories close well beyond the official week.
        var sfStop = -rng.Between(3, 10);
        var sfRestart = rng.Between(6, 16);
        var runsThroughSf = continuous && rng.Chance(0.6);
        var goldenWeekOff = !continuous && rng.Chance(0.7);

        // Maintenance stops and breakdowns.
        var stopped = new bool[c.Days];
        var stops = continuous ? rng.Poisson(1.5 * c.Days / 365.0) : rng.Poisson(1.0 * c.Days / 365.0);
        for (var k = 0; k < stops; k++)
        {
            var from = rng.Next(c.Days);
            var length = continuous ? rng.Between(3, 10) : rng.Between(1, 3);
            for (var d = from; d < Math.Min(c.Days, from + length); d++)
                stopped[d] = true;
        }
        // A few factories lose orders for weeks or close down.
        var slumpFrom = int.MaxValue;
        var slumpTo = int.MaxValue;
        var slumpLevel = 1.0;
        if (rng.Chance(0.12 * c.Days / 365.0))
        {
            slumpFrom = rng.Next(c.Days);
            var closes = rng.Chance(0.25);
            slumpTo = closes ? int.MaxValue : slumpFrom + rng.Between(14, 90);
            slumpLevel = closes ? 0 : rng.Uniform(0.3, 0.7);
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
                weekLevel = 1 + (0.8 * (weekLevel - 1)) + rng.Normal(0, continuous ? 0.02 : 0.06);
            // Export orders peak in autumn.
            var season = 1 + (0.06 * Math.Cos(2 * Math.PI * (info.Date.DayOfYear - 290) / 365.25));
            var level = weekLevel * season * rng.LogNormalFactor(continuous ? 0.01 : 0.05);
            if (d >= slumpFrom && d < slumpTo)
                level *= slumpLevel;
            var sf = info.DaysFromSpringFestival >= sfStop && info.DaysFromSpringFestival <= sfRestart;
            double dayScale;
            if (stopped[d] || (sf && !runsThroughSf))
                dayScale = 0;
            else if (continuous)
                dayScale = sf ? 0.7 : 1;
            else if (info.GoldenWeek && goldenWeekOff && info.Date.Day <= 5)
                dayScale = 0;
            else if (info.Holiday)
                dayScale = kind == SiteKind.FactoryThreeShift ? 0.5 : 0;
            else if (info.Workday || (worksSaturday && info.FactoryDay))
                dayScale = 1;
            else if (info.Weekday == DayOfWeek.Sunday && sundayShift)
                dayScale = 0.6;
            else
                dayScale = 0;

            var overtime = kind == SiteKind.FactoryDayShift && rng.Chance(0.2) ? rng.Uniform(1, 3.5) : 0;
            for (var s = 0; s < steps; s++)
            {
                var i = (d * steps) + s;
                var h = (s + 0.5) * dt;
                var shift = dayScale * kind switch
                {
                    SiteKind.FactoryDayShift => Math.Max(
                        Shapes.Window(h, 8, 17.5, 0.5) * (1 - (0.6 * Shapes.Window(h, 12, 13, 0.3))),
                        0.6 * Shapes.Window(h, 17.5, 17.5 + overtime, 0.5)),
                    SiteKind.FactoryTwoShift => Shapes.Window(h, 6, 22, 0.5) * (1 - (0.25 * Shapes.Bump(h, 14, 0.3))),
                    SiteKind.FactoryThreeShift => 1 - (0.25 * (Shapes.Bump(h, 6, 0.3) + Shapes.Bump(h, 14, 0.3) + Shapes.Bump(h, 22, 0.3))),
                    _ => 1.0,
                };
                ar = (0.6 * ar) + rng.Normal(0, sigma * noiseScale * 0.8);
                var load = idle + ((peak - idle) * shift * level * (1 + ar));
                load += peak * coolShare * Math.Max(0, c.StepTemp[i] - 26) * Math.Max(shift, 0.2);
                kw[i] += Math.Max(0, load);
            }
        }
    }

    /// <summary>Compressors cycling on thermostats: duty rises with outdoor heat and daytime loading.</summary>
    private static void ColdStore(SiteSpec site, RegionalClimate c, SimRandom rng, Span<double> kw)
    {
        var cap = site.ContractedKw;
        var compressors = rng.Between(2, 4);
        var unitKw = cap * rng.Uniform(0.5, 0.75) / compressors;
        var periods = new double[compressors];
        var phases = new double[compressors];
        for (var k = 0; k < compressors; k++)
        {
            periods[k] = rng.Uniform(0.6, 1.5);
            phases[k] = rng.Uniform(0, 1.5);
        }
        var baseKw = cap * rng.Uniform(0.03, 0.06);
        var steps = c.StepsPerDay;
        var dt = c.StepHours;
        for (var d = 0; d < c.Days; d++)
        {
            var info = c.DayInfos[d];
            // Stock builds up before the Spring Festival.
            var stock = info.DaysFromSpringFestival is > -30 and < 0 ? 1.15 : 1.0;
            var loading = info.Workday || info.Weekday == DayOfWeek.Saturday ? 0.08 : 0.03;
            for (var s = 0; s < steps; s++)
            {
                var i = (d * steps) + s;
                var h = (s + 0.5) * dt;
                var duty = stock * (0.3 + (0.022 * (c.StepTemp[i] - 18)) + (loading * Shapes.Window(h, 7, 18, 1)));
                var t0 = (d * 24.0) + (s * dt);
                var load = baseKw * (1 + (0.5 * Shapes.Window(h, 7, 18, 1)));
                for (var k = 0; k < compressors; k++)
                    load += unitKw * Shapes.DutyFraction(t0, t0 + dt, periods[k], Math.Clamp(duty + rng.Normal(0, 0.02), 0.15, 0.95), phases[k]);
                kw[i] += load;
            }
        }
    }
}

/// <summary>Sites that run around the clock: hospitals, water works, telecom sites, street lighting.</summary>
internal static class AlwaysOnLoad
{
    public static void Fill(SiteSpec site, RegionalClimate c, SimRandom rng, Span<double> kw)
    {
        var cap = site.ContractedKw;
        var steps = c.StepsPerDay;
        var dt = c.StepHours;
        var noiseScale = Math.Pow(dt, -0.25);
        var ar = 0.0;
        var kind = site.Kind;
        var level = kind switch
        {
            SiteKind.Hospital => cap * rng.Uniform(0.35, 0.5),
            SiteKind.WaterWorks => cap * rng.Uniform(0.4, 0.7),
            SiteKind.TelecomSite => cap * rng.Uniform(0.2, 0.45),
            _ => cap * rng.Uniform(0.6, 0.9),
        };
        var sigma = kind switch
        {
            SiteKind.Hospital => 0.03,
            SiteKind.WaterWorks => 0.04,
            SiteKind.TelecomSite => 0.01,
            _ => 0.005,
        };
        var nightPumping = kind == SiteKind.WaterWorks && rng.Chance(0.3);
        var dimming = kind == SiteKind.StreetLighting && rng.Chance(0.4);
        var lampsOut = 0.0;
        for (var d = 0; d < c.Days; d++)
        {
            var info = c.DayInfos[d];
            if (kind == SiteKind.StreetLighting)
            {
                // Lamps fail one by one until a maintenance round replaces them.
                lampsOut = rng.Chance(0.01) ? 0 : Math.Min(0.15, lampsOut + rng.Uniform(0, 0.0006));
                var dusk = (d * 24.0) + info.Sunset + 0.2;
                var dawn = ((d + 1) * 24.0) + info.Sunrise - 0.2;
                var lamps = level * (1 - lampsOut);
                if (dimming)
                {
                    Shapes.AddBlock(kw, dt, dusk, (d + 1) * 24.0, lamps);
                    Shapes.AddBlock(kw, dt, (d + 1) * 24.0, ((d + 1) * 24.0) + 5.5, lamps * 0.5);
                    Shapes.AddBlock(kw, dt, ((d + 1) * 24.0) + 5.5, dawn, lamps);
                }
                else
                {
                    Shapes.AddBlock(kw, dt, dusk, dawn, lamps);
                }
                // The first evening begins with last night's lamps still on.
                if (d == 0)
                    Shapes.AddBlock(kw, dt, 0, info.Sunrise - 0.2, lamps);
            }
            var weekend = !info.Workday;
            for (var s = 0; s < steps; s++)
            {
                var i = (d * steps) + s;
                var h = (s + 0.5) * dt;
                var temp = c.StepTemp[i];
                ar = (0.7 * ar) + rng.Normal(0, sigma * noiseScale * 0.7);
                var load = kind switch
                {
                    SiteKind.Hospital => level * (0.6 + (0.4 * Shapes.Window(h, 7.5, 18, 1.5) * (weekend ? 0.6 : 1)) + (0.1 * Shapes.Bump(h, 20, 1.5)) + (0.025 * Math.Max(0, temp - 22))),
                    SiteKind.WaterWorks => level * (nightPumping
                        ? 0.45 + (0.45 * Shapes.Window(h, 0, 8, 0.5))
                        : 0.7 + (0.2 * Shapes.Bump(h, 7.5, 1.5)) + (0.2 * Shapes.Bump(h, 19.5, 2))) * (1 + (0.005 * (temp - 22))),
                    SiteKind.TelecomSite => level * (1 + (0.04 * Shapes.Bump(h, 21, 3)) + (0.015 * Math.Max(0, temp - 24))),
                    _ => 0.05,
                };
                kw[i] += Math.Max(0, load * (1 + ar));
            }
        }
    }
}

/// <summary>Irrigation pumps, fish-pond aerators and livestock houses.</summary>
internal static class FarmLoad
{
    // Guangdong irrigation: spring and late-summer rice, dry-season vegetables.
    private static readonly double[] IrrigationSeason = [0.3, 0.3, 0.7, 0.9, 0.8, 0.5, 0.8, 0.9, 0.7, 0.5, 0.4, 0.3];

    public static void Fill(SiteSpec site, RegionalClimate c, SimRandom rng, Span<double> kw)
    {
        var cap = site.ContractedKw;
        var steps = c.StepsPerDay;
        var dt = c.StepHours;
        var standby = Math.Min(0.5, cap * 0.01) + rng.Uniform(0.05, 0.3);
        switch (site.Kind)
        {
            case SiteKind.Irrigation:
                {
                    var pumpKw = cap * rng.Uniform(0.6, 0.9);
                    var nightTariff = rng.Chance(0.3);
                    var campaignLeft = 0;
                    for (var d = 0; d < c.Days; d++)
                    {
                        var info = c.DayInfos[d];
                        var season = IrrigationSeason[info.Date.Month - 1] * (info.MeanTemp > 28 ? 1.5 : 1);
                        if (campaignLeft == 0 && rng.Chance(0.08 * season))
                            campaignLeft = rng.Between(2, 12);
                        for (var s = 0; s < steps; s++)
                            kw[(d * steps) + s] += standby;
                        if (campaignLeft == 0)
                            continue;
                        campaignLeft--;
                        var hours = rng.Uniform(4, 14);
                        var start = (d * 24.0) + (nightTariff ? rng.Uniform(22, 23.5) : rng.Uniform(6.5, 9));
                        Shapes.AddBlock(kw, dt, start, start + hours, pumpKw * rng.Uniform(0.97, 1.03));
                    }
                    break;
                }
            case SiteKind.FishPond:
                {
                    // Aerators run at night when warm water holds little oxygen: a night-only flat load.
                    var aeratorKw = cap * rng.Uniform(0.5, 0.8);
                    var on = rng.Uniform(21, 23);
                    var off = rng.Uniform(6, 8);
                    for (var d = 0; d < c.Days; d++)
                    {
                        var info = c.DayInfos[d];
                        var share = Math.Clamp((info.MeanTemp - 18) / 8, 0, 1);
                        var dayStart = d * 24.0;
                        Shapes.AddBlock(kw, dt, dayStart, dayStart + 24, standby);
                        Shapes.AddBlock(kw, dt, dayStart + 7, dayStart + 17, 0.05 * cap); // feeders, water pumps
                        if (share > 0)
                            Shapes.AddBlock(kw, dt, dayStart + on, dayStart + 24 + off, aeratorKw * Math.Round(share * 4) / 4);
                        if (info.MeanTemp > 29)
                            Shapes.AddBlock(kw, dt, dayStart + 13, dayStart + 16, aeratorKw * 0.5);
                        if (rng.Chance(0.004))
                            Shapes.AddBlock(kw, dt, dayStart + 8, dayStart + 8 + rng.Uniform(24, 60), cap * 0.4); // draining a pond
                    }
                    break;
                }
            default:
                {
                    // Pig and poultry houses: fans follow heat, lamps keep chicks warm, flocks come and go.
                    var fanKw = cap * rng.Uniform(0.3, 0.5);
                    var cycle = rng.Between(42, 56);
                    var empty = rng.Between(7, 14);
                    var phase = rng.Next(cycle);
                    for (var d = 0; d < c.Days; d++)
                    {
                        var housed = (d + phase) % cycle >= empty;
                        var stock = housed ? 1 : 0.2;
                        for (var s = 0; s < steps; s++)
                        {
                            var i = (d * steps) + s;
                            var h = (s + 0.5) * dt;
                            var temp = c.StepTemp[i];
                            var load = standby + (cap * 0.05 * stock)
                                + (fanKw * stock * Math.Clamp((temp - 20) / 12, 0.05, 1))
                                + (cap * 0.08 * stock * Shapes.Window(h, 5, 22, 0.5))
                                + (cap * 0.12 * stock * (temp < 15 ? 1 : 0) * (1 - Shapes.Window(h, 9, 17, 1)))
                                + (cap * 0.15 * stock * Shapes.Window(h, 9.5, 11.5, 0.3));
                            kw[i] += load * rng.LogNormalFactor(0.04);
                        }
                    }
                    break;
                }
        }
    }
}
