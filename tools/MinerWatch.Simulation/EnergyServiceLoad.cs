namespace MinerWatch.Simulation;

/// <summary>
/// Customers that also report an activity figure: EV charging stations (kWh sold) and data
/// centres (billed IT energy).
/// </summary>
internal static class EnergyServiceLoad
{
    // Ride-hailing and taxi fleets charge in the off-peak night, at lunch and at shift change.
    private static readonly double[] ArrivalWeights =
        [1.5, 1.5, 1.4, 1.2, 1.0, 0.8, 0.6, 0.6, 0.7, 0.8, 0.9, 1.2, 1.3, 1.3, 1.0, 0.9, 0.8, 0.7, 0.7, 0.8, 0.9, 1.0, 1.1, 1.4];

    public static void EvStation(SiteSpec site, RegionalClimate c, SimRandom rng, Span<double> kw, double[] declared)
    {
        var cap = site.ContractedKw;
        var dcKw = rng.Pick<double>([60, 120, 120]);
        var dcCount = Math.Max(2, (int)(cap * rng.Uniform(0.65, 0.85) / dcKw));
        var acCount = rng.Between(0, 8);
        var chargers = dcCount + acCount;
        var installed = (dcCount * dcKw) + (acCount * 7);
        var efficiency = rng.Uniform(0.92, 0.96);
        var dcSessions = rng.Uniform(4, 10);
        var acSessions = rng.Uniform(1, 3);
        var rampDays = rng.Chance(0.3) ? rng.Between(60, 240) : 0;
        var weightSum = ArrivalWeights.Sum();
        var freeAt = new double[chargers];
        var session = new double[kw.Length];
        var arrivals = new List<double>();
        var steps = c.StepsPerDay;
        var dt = c.StepHours;

        for (var d = 0; d < c.Days; d++)
        {
            var info = c.DayInfos[d];
            var factor = info.SpringFestival ? 0.55 : info.Holiday ? 1.05 : info.Workday ? 1 : 0.9;
            if (rampDays > 0 && d < rampDays)
                factor *= 0.5 + (0.5 * d / rampDays); // a new station builds its custom
            factor *= rng.LogNormalFactor(0.08);
            // Air conditioning in the car: more kWh per km in the heat.
            var energyFactor = 1 + (0.01 * Math.Max(0, info.MeanTemp - 25));
            for (var hour = 0; hour < 24; hour++)
            {
                var share = ArrivalWeights[hour] / weightSum * factor;
                arrivals.Clear();
                var k = rng.Poisson(((dcCount * dcSessions) + (acCount * acSessions)) * share);
                for (var j = 0; j < k; j++)
                    arrivals.Add((d * 24.0) + hour + rng.NextDouble());
                arrivals.Sort();
                foreach (var at in arrivals)
                {
                    var wantsDc = acCount == 0 || rng.Chance(dcCount * dcSessions / ((dcCount * dcSessions) + (acCount * acSessions)));
                    var (from, to) = wantsDc ? (0, dcCount) : (dcCount, chargers);
                    var best = from;
                    for (var ch = from + 1; ch < to; ch++)
                    {
                        if (freeAt[ch] < freeAt[best])
                            best = ch;
                    }
                    if (freeAt[best] > at + 0.25)
                        continue; // every charger busy: the driver goes elsewhere
                    var start = Math.Max(at, freeAt[best]);
                    double power, energy;
                    if (wantsDc)
                    {
                        power = Math.Min(dcKw, rng.Uniform(40, 120));
                        energy = rng.Uniform(12, 50) * energyFactor;
                    }
                    else
                    {
                        power = rng.Chance(0.7) ? 7 : rng.Uniform(3.3, 6.6);
                        energy = rng.Uniform(5, 30);
                    }
                    // Constant power to ~80 %, then a taper at half power.
                    var bulk = 0.8 * energy / power;
                    var taper = 0.2 * energy / (0.5 * power);
                    Shapes.AddBlock(session, dt, start, start + bulk, power);
                    Shapes.AddBlock(session, dt, start + bulk, start + bulk + taper, 0.5 * power);
                    freeAt[best] = start + bulk + taper + rng.Uniform(0.05, 0.25);
                }
            }
        }

        var baseKw = 0.3 + (0.001 * installed);
        for (var d = 0; d < c.Days; d++)
        {
            var info = c.DayInfos[d];
            var sold = 0.0;
            for (var s = 0; s < steps; s++)
            {
                var i = (d * steps) + s;
                var h = (s + 0.5) * dt;
                sold += session[i] * dt;
                var lights = h > info.Sunset || h < info.Sunrise ? 0.3 * baseKw : 0;
                var cabinetCooling = 0.0005 * installed * Math.Max(0, c.StepTemp[i] - 28) / 5;
                kw[i] += (session[i] / efficiency) + baseKw + lights + cabinetCooling;
            }
            declared[d] = sold;
        }
    }

    public static void DataCentre(SiteSpec site, RegionalClimate c, SimRandom rng, Span<double> kw, double[] declared)
    {
        var cap = site.ContractedKw;
        var design = cap * rng.Uniform(0.45, 0.6);
        var it = design * rng.Uniform(0.35, 0.8);
        var trend = design * rng.Uniform(0, 0.15) / 365;
        var pue = rng.Uniform(1.25, 1.5);
        var steps = c.StepsPerDay;
        var dt = c.StepHours;
        for (var d = 0; d < c.Days; d++)
        {
            // New racks arrive in steps on top of organic growth.
            if (rng.Chance(0.01))
                it += design * rng.Uniform(0.01, 0.05);
            it = Math.Min(design * 0.95, it + trend);
            var migration = rng.Chance(0.002) ? rng.Uniform(4, 12) : 0;
            var migrationAt = rng.Uniform(0, 12);
            var itEnergy = 0.0;
            for (var s = 0; s < steps; s++)
            {
                var i = (d * steps) + s;
                var h = (s + 0.5) * dt;
                var load = it * (0.99 + (0.02 * Shapes.Bump(h, 21, 3))) * (1 + rng.Normal(0, 0.004));
                if (migration > 0 && h >= migrationAt && h < migrationAt + migration)
                    load *= 0.7;
                itEnergy += load * dt;
                var overhead = pue + (0.012 * Math.Max(0, c.StepTemp[i] - 16));
                kw[i] += load * overhead * (1 + rng.Normal(0, 0.01));
            }
            declared[d] = itEnergy;
        }
    }
}
