namespace MinerWatch.Simulation;

/// <summary>
/// The power a hidden farm draws: machines installed in batches after onset, a few broken at any
/// time, fan power rising with heat, reboots and outages, and the variant's operating schedule.
/// </summary>
internal static class MiningLoad
{
    public static void Fill(SiteSpec site, RegionalClimate c, SimRandom rng, Span<double> kw)
    {
        var m = site.Mining ?? throw new InvalidOperationException("Not a mining site.");
        var steps = c.StepsPerDay;
        var dt = c.StepHours;
        var on = Schedule(m, c, rng);
        var noiseScale = Math.Pow(dt, -0.25);
        var sigma = m.UnitKw < 1 ? 0.02 : 0.012; // GPU rigs wander more than ASICs
        var installHour = rng.Uniform(10, 20);
        var batches = 1 + (m.RampDays / 4);
        var broken = 0;
        var ar = 0.0;

        // Simulate from onset (or a month before the data if already running) so the breakage
        // process is in steady state when the data begins.
        for (var d = Math.Max(m.OnsetDay, -30); d < c.Days; d++)
        {
            var age = d - m.OnsetDay;
            var deployed = m.RampDays == 0
                ? m.Machines
                : (int)Math.Ceiling(m.Machines * Math.Min(1.0, (Math.Floor((double)age * batches / m.RampDays) + 1) / batches));
            // Machines fail (fans, hash boards, PSUs) and come back after repair.
            broken += rng.Poisson(deployed * 0.003);
            var repaired = 0;
            for (var k = 0; k < broken; k++)
            {
                if (rng.Chance(0.25))
                    repaired++;
            }
            broken = Math.Min(deployed, broken - repaired);
            if (d < 0)
                continue;
            var running = (deployed - broken) * m.UnitKw;
            var rebootStep = rng.Chance(0.03) ? rng.Next(steps) : -1;
            var rebootCut = Math.Min(1, rng.Uniform(0.15, 0.4) / dt) * 0.9;
            var outageFrom = rng.Chance(1.0 / 150) ? rng.Uniform(0, 24) : double.NaN;
            var outageTo = outageFrom + rng.Uniform(1, 8);
            for (var s = 0; s < steps; s++)
            {
                var i = (d * steps) + s;
                var h = (s + 0.5) * dt;
                ar = (0.9 * ar) + rng.Normal(0, sigma * noiseScale * 0.45);
                if (on[i] <= 0)
                    continue;
                if (age == 0 && h < installHour)
                    continue;
                var p = running * on[i] * (1 + ar + rng.Normal(0, 0.006)) * (1 + (0.0025 * (c.StepTemp[i] - 25)));
                if (s == rebootStep)
                    p *= 1 - rebootCut;
                if (h >= outageFrom && h < outageTo)
                    p = 0;
                kw[i] += Math.Max(0, p);
            }
        }
    }

    /// <summary>Share of the farm running in every step (0 before onset).</summary>
    private static double[] Schedule(MiningSpec m, RegionalClimate c, SimRandom rng)
    {
        var steps = c.StepsPerDay;
        var dt = c.StepHours;
        var on = new double[c.Steps];
        var first = Math.Max(0, m.OnsetDay);
        switch (m.Variant)
        {
            case MiningVariant.NightStealth:
                {
                    var start = rng.Uniform(21.5, 23.5);
                    var stop = rng.Uniform(6, 8);
                    var weekends = rng.Chance(0.2);
                    // A farm already running before the data started was on the night before too.
                    if (m.OnsetDay < 0)
                        Shapes.AddBlock(on, dt, 0, stop, 1);
                    for (var d = first; d < c.Days; d++)
                    {
                        var info = c.DayInfos[d];
                        var dayStart = d * 24.0;
                        var weekend = info.Weekday is DayOfWeek.Saturday or DayOfWeek.Sunday;
                        if (weekends && weekend)
                            Shapes.AddBlock(on, dt, dayStart + stop, dayStart + start, 1); // nobody checks at weekends
                        Shapes.AddBlock(on, dt, dayStart + start + rng.Normal(0, 0.1), dayStart + 24 + stop + rng.Normal(0, 0.1), 1);
                    }
                    break;
                }
            case MiningVariant.Throttled:
                {
                    var level = m.Throttle;
                    var next = first;
                    for (var d = first; d < c.Days; d++)
                    {
                        if (d >= next)
                        {
                            level = Math.Clamp(m.Throttle + rng.Uniform(-0.08, 0.08), 0.25, 0.7);
                            next = d + rng.Between(14, 56);
                        }
                        on.AsSpan(d * steps, steps).Fill(level);
                    }
                    break;
                }
            case MiningVariant.Intermittent when rng.Chance(0.5):
                {
                    // Looks like a business: on in working hours on working days.
                    var open = rng.Uniform(7.5, 9.5);
                    var close = rng.Uniform(17.5, 20);
                    for (var d = first; d < c.Days; d++)
                    {
                        if (c.DayInfos[d].Workday)
                            Shapes.AddBlock(on, dt, (d * 24.0) + open, (d * 24.0) + close, 1);
                    }
                    break;
                }
            case MiningVariant.Intermittent:
                {
                    // Random blocks of days on and off.
                    var d = first;
                    var running = rng.Chance(0.6);
                    while (d < c.Days)
                    {
                        var length = running ? rng.Between(2, 10) : rng.Between(1, 7);
                        if (running)
                        {
                            var from = d * 24.0 + (d == first ? 0 : rng.Uniform(0, 24));
                            Shapes.AddBlock(on, dt, from, ((d + length) * 24.0) + rng.Uniform(0, 24), 1);
                        }
                        d += length;
                        running = !running;
                    }
                    break;
                }
            default:
                on.AsSpan(first * steps).Fill(1);
                break;
        }
        for (var i = 0; i < on.Length; i++)
            on[i] = Math.Min(1, on[i]);
        return on;
    }
}
