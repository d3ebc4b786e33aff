namespace MinerWatch.Simulation;

/// <summary>
/// A dwelling over time: one tenant household at a time (with vacancies and moves between them),
/// each with its own routine, appliances, air conditioning, heating and possibly an EV.
/// </summary>
internal static class HouseholdLoad
{
    private enum Occupancy : byte
    {
        Home,
        Away,
        Vacant,
    }

    private sealed class Tenant
    {
        public double Scale;
        public int Type;          // 0 commuting workers, 1 family with someone home, 2 retired
        public double Wake;
        public double Sleep;
        public double Leave;
        public double Return;
        public double MorningKw;
        public double MiddayKw;
        public double EveningKw;
        public double LateKw;
        public double LightKw;
        public double BaseKw;
        public double FridgeKw;
        public double FridgePeriod;
        public double FridgePhase;
        public bool HasAc;
        public double AcCapKw;
        public double AcKwPerDeg;
        public double AcSetpoint;
        public bool AcHeats;
        public bool PortableHeater;
        public double PortableKw;
        public bool StorageHeater;
        public double StorageKw;
        public bool WaterHeater;
        public double WaterHeaterKw;
        public double HotWaterKwh;
        public bool Ev;
        public double EvKw;
        public double EvNightProb;
        public bool EvOffPeak;
        public double ApplianceRate;
        public double Noise;
    }

    /// <remarks>
    /// A planned <paramref name="heating"/> only overrides draws, never adds or skips one: the other traits stay as drawn.
    /// In the <paramref name="cold"/> the homes not planned to heat with electricity have district heating (as most of
    /// a northern city does), so every electrically heated home is one the labels name.
    /// </remarks>
    private static Tenant NewTenant(SimRandom rng, double contractedKw, ElectricHeating? heating, bool cold)
    {
        var size = Math.Pow(contractedKw / 10, 0.35);
        var t = new Tenant
        {
            Scale = rng.LogNormalFactor(0.35) * size,
            Type = rng.PickWeighted([0.55, 0.3, 0.15]),
            Wake = rng.Normal(6.9, 0.5),
            Sleep = rng.Normal(23.4, 0.6),
            Leave = rng.Normal(8.1, 0.4),
            Return = rng.Normal(18.6, 0.7),
            FridgePeriod = rng.Uniform(0.7, 1.3),
            FridgePhase = rng.Uniform(0, 1.3),
            HasAc = rng.Chance(0.93),
            AcSetpoint = rng.Normal(26.3, 0.9),
            PortableHeater = (rng.Chance(0.12) && !cold) || heating == ElectricHeating.PanelHeaters,
            StorageHeater = (rng.Chance(0.03) && !cold) || heating == ElectricHeating.StorageHeaters,
            WaterHeater = rng.Chance(0.5),
            Ev = rng.Chance(0.07),
            EvOffPeak = rng.Chance(0.7),
            Noise = rng.Uniform(0.18, 0.35),
        };
        t.MorningKw = rng.Uniform(0.15, 0.45) * t.Scale;
        t.MiddayKw = rng.Uniform(0.15, 0.4) * t.Scale;
        t.EveningKw = rng.Uniform(0.35, 0.9) * t.Scale;
        t.LateKw = rng.Uniform(0.1, 0.35) * t.Scale;
        t.LightKw = rng.Uniform(0.04, 0.15) * t.Scale;
        t.BaseKw = rng.Uniform(0.03, 0.09) * t.Scale;
        t.FridgeKw = rng.Uniform(0.08, 0.16);
        var rooms = rng.Between(1, 3);
        t.AcCapKw = rooms * rng.Uniform(0.8, 1.4);
        t.AcKwPerDeg = rooms * rng.Uniform(0.06, 0.12);
        t.AcHeats = (t.HasAc && rng.Chance(0.3) && !cold) || heating == ElectricHeating.HeatPump;
        // A heat pump heats and cools; set after the draws above, which depend on the air conditioning drawn.
        if (heating == ElectricHeating.HeatPump) t.HasAc = true;
        t.PortableKw = rng.Uniform(0.8, 2.0);
        t.StorageKw = rng.Uniform(3, 6);
        t.WaterHeaterKw = rng.Pick<double>([1.5, 2.0, 2.5, 3.0]);
        t.HotWaterKwh = rng.Uniform(0.8, 2.2) * t.Scale;
        t.EvKw = rng.Chance(0.6) ? 7 : 3.5;
        t.EvNightProb = rng.Uniform(0.25, 0.7);
        t.ApplianceRate = rng.Uniform(0.7, 2.5);
        if (t.Wake > t.Leave - 0.4)
            t.Wake = t.Leave - 0.6;
        return t;
    }

    public static void Fill(SiteSpec site, RegionalClimate c, SimRandom rng, Span<double> kw)
    {
        var days = c.Days;
        var cold = c.Climate == Climate.Cold;
        var occupancy = new Occupancy[days];
        var tenantAt = new int[days];
        var tenants = new List<Tenant> { NewTenant(rng, site.ContractedKw, site.Heating, c.Climate == Climate.Cold) };

        if (rng.Chance(0.03))
        {
            Array.Fill(occupancy, Occupancy.Vacant);
        }
        else
        {
            // A move: the old tenant leaves, the flat stands empty, a new household arrives.
            if (rng.Chance(0.09 * days / 365.0))
            {
                var moveDay = rng.Next(days);
                var gap = rng.Between(3, 60);
                tenants.Add(NewTenant(rng, site.ContractedKw, site.Heating, c.Climate == Climate.Cold));
                for (var d = moveDay; d < days; d++)
                {
                    tenantAt[d] = 1;
                    if (d < moveDay + gap)
                        occupancy[d] = Occupancy.Vacant;
                }
            }
            // Holiday travel: Guangzhou empties at Spring Festival; trips in Golden Week and at random.
            var sfAway = rng.Chance(0.45);
            var sfFrom = rng.Between(-4, -1);
            var sfTo = rng.Between(4, 9);
            var gwAway = rng.Chance(0.25);
            var gwLength = rng.Between(3, 7);
            for (var d = 0; d < days; d++)
            {
                var info = c.DayInfos[d];
                if (occupancy[d] != Occupancy.Home)
                    continue;
                if (sfAway && info.DaysFromSpringFestival >= sfFrom && info.DaysFromSpringFestival <= sfTo)
                    occupancy[d] = Occupancy.Away;
                if (gwAway && info.Date.Month == 10 && info.Date.Day <= gwLength)
                    occupancy[d] = Occupancy.Away;
            }
            var trips = rng.Poisson(1.5 * days / 365.0);
            for (var k = 0; k < trips; k++)
            {
                var start = rng.Next(days);
                var length = rng.Between(2, 6);
                for (var d = start; d < Math.Min(days, start + length); d++)
                {
                    if (occupancy[d] == Occupancy.Home)
                        occupancy[d] = Occupancy.Away;
                }
            }
        }

        var steps = c.StepsPerDay;
        var dt = c.StepHours;
        var noiseScale = Math.Pow(dt, -0.25);
        if (site.Appliance is { } added)
        {
            // A compressor at twice the mean power half the time (40-minute cycles), or a flat draw.
            for (var i = added.FromDay * steps; i < days * steps; i++)
            {
                var abs = i * dt;
                kw[i] += added.Cycling ? 2 * added.Kw * Shapes.DutyFraction(abs, abs + dt, 0.67, 0.5, 0.1 * site.Index % 0.67) : added.Kw;
            }
        }
        for (var d = 0; d < days; d++)
        {
            var t = tenants[tenantAt[d]];
            var info = c.DayInfos[d];
            var occ = occupancy[d];
            var workday = info.Workday;
            var wake = t.Wake + (workday ? 0 : rng.Uniform(0.5, 2));
            var nextWorkday = d + 1 >= days || c.DayInfos[d + 1].Workday;
            var sleep = t.Sleep + (nextWorkday ? 0 : rng.Uniform(0, 1.2)) + rng.Normal(0, 0.3);
            var leave = t.Leave + rng.Normal(0, 0.2);
            var back = t.Return + rng.Normal(0, 0.5);
            var outing = !workday && rng.Chance(0.4);
            var fridgeOn = occ != Occupancy.Vacant || site.Index % 3 == 0;
            var dayLevel = rng.LogNormalFactor(0.15);
            var dinner = Math.Max(back, 18.0) + 0.6;
            var evening = occ == Occupancy.Home;

            for (var s = 0; s < steps; s++)
            {
                var i = (d * steps) + s;
                var h = (s + 0.5) * dt;
                var temp = c.StepTemp[i];
                var load = occ == Occupancy.Vacant ? t.BaseKw * 0.3 : t.BaseKw;
                if (fridgeOn)
                {
                    var abs = (d * 24.0) + (s * dt);
                    // The kitchen, not the street: where winters freeze, homes are heated.
                    var duty = 0.35 + (0.012 * ((cold ? Math.Max(temp, 18) : temp) - 22));
                    load += t.FridgeKw * Shapes.DutyFraction(abs, abs + dt, t.FridgePeriod, duty, t.FridgePhase);
                }
                if (occ == Occupancy.Home)
                {
                    var awake = Shapes.Window(h, wake, sleep, 0.6);
                    var presence = Presence(t.Type, workday, outing, h, leave, back);
                    var activity = (t.MorningKw * Shapes.Bump(h, wake + 0.5, 0.6))
                        + (t.MiddayKw * presence * ((0.4 * Shapes.Window(h, 9, 17, 1)) + Shapes.Bump(h, 12, 0.8)))
                        + (t.EveningKw * Shapes.Bump(h, dinner, 1.2))
                        + (t.LateKw * Shapes.Bump(h, 21.8, 1.3));
                    activity *= awake * presence;
                    if (h > info.Sunset - 0.5 || h < info.Sunrise + 0.3)
                        activity += t.LightKw * awake * presence;
                    activity += 0.02 * t.Scale; // sleeping standby, chargers
                    load += activity * dayLevel * rng.LogNormalFactor(t.Noise * noiseScale);

                    // Air conditioning: living rooms while awake, bedrooms through the night.
                    var ac = 0.0;
                    if (t.HasAc && temp > t.AcSetpoint - 1)
                    {
                        var room = Math.Max(awake * presence, 0.7 * (1 - awake));
                        ac = Math.Min(t.AcCapKw, t.AcKwPerDeg * (temp - t.AcSetpoint + 1)) * room;
                    }
                    else if (t.AcHeats && temp < 14)
                    {
                        // Where winters freeze a home is kept warm through the night too, set back a little.
                        ac = Math.Min(t.AcCapKw, t.AcKwPerDeg * (15 - temp)) * (cold ? Math.Max(awake * presence, 0.6) : awake * presence);
                    }
                    if (t.PortableHeater && temp < 12)
                        ac += t.PortableKw * Math.Min(1, (13 - temp) / 5) * (cold ? Math.Max(presence, 0.5) : Shapes.Window(h, 19, 23.5, 0.5) * presence);
                    load += ac * rng.LogNormalFactor(0.15 * noiseScale);
                }
                kw[i] += load;
            }

            if (occ != Occupancy.Home)
                continue;
            var dayStart = d * 24.0;
            if (t.StorageHeater && info.MeanTemp < 15)
            {
                // Night storage heaters charge flat on the off-peak tariff.
                var level = Math.Clamp((16 - info.MeanTemp) / 7, 0.25, 1);
                Shapes.AddBlock(kw, dt, dayStart + 23, dayStart + 31, t.StorageKw * level);
            }
            if (t.WaterHeater)
            {
                var energy = Math.Max(0.3, t.HotWaterKwh * (1 + (0.04 * (20 - info.MeanTemp))));
                var shower = Math.Min(sleep - 0.5, rng.Normal(21, 0.8));
                var morning = t.Type == 0 ? 0 : rng.Uniform(0, 0.3);
                Shapes.AddBlock(kw, dt, dayStart + shower, dayStart + shower + (energy * (1 - morning) / t.WaterHeaterKw), t.WaterHeaterKw);
                if (morning > 0)
                    Shapes.AddBlock(kw, dt, dayStart + wake, dayStart + wake + (energy * morning / t.WaterHeaterKw), t.WaterHeaterKw);
            }
            if (t.Ev && rng.Chance(t.EvNightProb * (workday ? 1 : 0.7)))
            {
                var energy = rng.Uniform(6, 28);
                var start = t.EvOffPeak ? 24 + rng.Uniform(0, 0.3) : rng.Uniform(19, 22.5);
                Shapes.AddBlock(kw, dt, dayStart + start, dayStart + start + (energy / t.EvKw), t.EvKw);
            }
            // Discrete appliances: washing machine, rice cooker, induction hob, kettle, iron.
            var events = rng.Poisson(t.ApplianceRate * (workday && t.Type == 0 ? 0.7 : 1));
            for (var k = 0; k < events; k++)
            {
                var at = rng.Uniform(wake, Math.Max(wake + 1, sleep - 0.5));
                if (t.Type == 0 && workday && at > leave && at < back)
                    at = back + rng.Uniform(0, 2.5);
                var power = rng.Uniform(0.4, 1.8);
                var length = rng.Uniform(0.1, 1.0);
                Shapes.AddBlock(kw, dt, dayStart + at, dayStart + at + length, power);
            }
        }
    }

    private static double Presence(int type, bool workday, bool outing, double h, double leave, double back)
    {
        if (workday)
        {
            var away = Shapes.Window(h, leave, back, 0.5);
            return type switch
            {
                0 => 1 - away,
                1 => 1 - (0.5 * away),
                _ => 1 - (0.15 * away),
            };
        }
        return outing ? 1 - (0.8 * Shapes.Window(h, 13, 19, 1)) : 1;
    }
}
