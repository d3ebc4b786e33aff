using MinerWatch.Grid;

namespace MinerWatch.Simulation;

/// <summary>
/// Writes a synthetic utility population: customer meter readings, site register, declared
/// activity, feeder head-meter readings and the ground-truth mining labels.
/// </summary>
public static class GridSimulator
{
    /// <summary>
    /// Writes readings.csv, sites.csv, activity.csv, feeders.csv and labels.csv into
    /// <paramref name="outDir"/>. The same options always give byte-identical files.
    /// </summary>
    public static SimulationSummary Write(SimulationOptions options, string outDir, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(outDir);
        options.Validate();
        Directory.CreateDirectory(outDir);

        var plan = PopulationPlanner.Plan(options);
        var stepsPerDay = options.Interval < TimeSpan.FromHours(1) ? (int)(TimeSpan.FromDays(1) / options.Interval) : 24;
        var climate = new RegionalClimate(options, stepsPerDay);
        var intervalsPerDay = (int)(TimeSpan.FromDays(1) / options.Interval);
        var intervals = options.Days * intervalsPerDay;
        var stamps = Utf8Format.TimestampTable(options.Start, intervals, options.Interval, options.UtcOffset);
        var sites = plan.Sites;

        WriteSites(options, plan, Path.Combine(outDir, "sites.csv"));
        WriteLabels(options, sites, Path.Combine(outDir, "labels.csv"));

        var feederKw = new double[plan.Feeders.Length][];
        for (var f = 0; f < feederKw.Length; f++)
            feederKw[f] = new double[climate.Steps];

        var synthesizer = new MeterSynthesizer(climate, options, stamps);
        long readings = 0;
        using (var readingsOut = new Utf8CsvWriter(Path.Combine(outDir, "readings.csv"), "meter_id,timestamp,kwh"))
        using (var activityOut = new Utf8CsvWriter(Path.Combine(outDir, "activity.csv"), "meter_id,date,declared_kwh"))
        {
            // Meters are generated in parallel batches, but always written (and summed into their
            // feeders) in meter order, so the output does not depend on thread scheduling.
            var batch = Math.Max(4, Environment.ProcessorCount * 4);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
            Task<MeterResult[]> Generate(int from) => Task.Run(() =>
            {
                var results = new MeterResult[Math.Min(batch, sites.Length - from)];
                Parallel.For(0, results.Length, parallel, j => results[j] = synthesizer.Generate(sites[from + j]));
                return results;
            });

            var pending = Generate(0);
            var lastReported = -1;
            for (var from = 0; from < sites.Length; from += batch)
            {
                var results = pending.GetAwaiter().GetResult();
                if (from + batch < sites.Length)
                    pending = Generate(from + batch);
                foreach (var r in results)
                {
                    readingsOut.Raw(r.Readings.AsSpan(0, r.ReadingsLength));
                    readings += r.Rows;
                    var acc = feederKw[r.Site.Feeder];
                    for (var j = 0; j < acc.Length; j++)
                        acc[j] += r.TrueKw[j];
                    if (r.Declared is { } declared)
                        WriteActivity(activityOut, r.Site.MeterId, climate, declared);
                    r.Release();
                }
                var percent = (int)(95.0 * Math.Min(sites.Length, from + batch) / sites.Length);
                if (percent != lastReported)
                {
                    progress?.Report(percent / 100.0);
                    lastReported = percent;
                }
            }
        }

        WriteFeeders(options, plan.Feeders, feederKw, climate, stamps, intervals, Path.Combine(outDir, "feeders.csv"));
        progress?.Report(1.0);

        var variantCounts = MiningVariantNames.Names.ToDictionary(
            name => name,
            name => sites.Count(s => s.Mining is not null && s.Mining.Variant.ToName() == name));
        return new SimulationSummary(sites.Length, readings, sites.Count(s => s.Mining is not null), plan.Feeders.Length, variantCounts);
    }

    private static void WriteSites(SimulationOptions options, PopulationPlan plan, string path)
    {
        using var w = new Utf8CsvWriter(path, "meter_id,customer_class,region,feeder_id,contracted_kw,name,latitude,longitude");
        foreach (var s in plan.Sites)
        {
            w.Text(s.MeterId);
            w.Separator();
            w.Text(s.Class.ToName());
            w.Separator();
            w.Text(options.Region);
            w.Text("/");
            w.Text(PopulationPlanner.DistrictName(options, s.District));
            w.Separator();
            w.Text(plan.Feeders[s.Feeder].Id);
            w.Separator();
            w.Fixed(s.ContractedKw, 0);
            w.Separator();
            w.Text(s.Name);
            w.Separator();
            w.Fixed(s.Latitude, 5);
            w.Separator();
            w.Fixed(s.Longitude, 5);
            w.EndRow();
        }
    }

    private static void WriteLabels(SimulationOptions options, SiteSpec[] sites, string path)
    {
        using var w = new Utf8CsvWriter(path, "meter_id,mining,variant,onset");
        foreach (var s in sites)
        {
            w.Text(s.MeterId);
            if (s.Mining is { } m)
            {
                w.Text(",1,");
                w.Text(m.Variant.ToName());
                w.Separator();
                w.Date(options.Start.AddDays(m.OnsetDay));
            }
            else
            {
                // An honest site's confounder, when it has one, names it (for results per confounder).
                w.Text(s.Appliance is not null ? ",0,added_appliance," : s.Heating is not null ? ",0,electric_heating," : ",0,,");
            }
            w.EndRow();
        }
    }

    private static void WriteActivity(Utf8CsvWriter w, string meterId, RegionalClimate climate, double[] declared)
    {
        for (var d = 0; d < declared.Length; d++)
        {
            w.Text(meterId);
            w.Separator();
            w.Date(climate.DayInfos[d].Date);
            w.Separator();
            w.Fixed(declared[d], 2);
            w.EndRow();
        }
    }

    /// <summary>
    /// Head meters: customers' true load plus unmetered street lighting, transformer no-load loss
    /// and load loss growing with the square of the load, read by a meter with its own error.
    /// </summary>
    private static void WriteFeeders(
        SimulationOptions options, FeederSpec[] feeders, double[][] feederKw, RegionalClimate climate,
        byte[] stamps, int intervals, string path)
    {
        using var w = new Utf8CsvWriter(path, "feeder_id,timestamp,kwh");
        var dt = climate.StepHours;
        var stepsPerInterval = climate.Steps / intervals;
        foreach (var f in feeders)
        {
            var rng = new SimRandom(options.Seed, Streams.Feeder, (ulong)f.Index);
            var kw = feederKw[f.Index];
            if (f.LowVoltage)
            {
                var lamps = f.Members.Length * rng.Uniform(0.03, 0.08);
                Shapes.AddBlock(kw, dt, 0, climate.DayInfos[0].Sunrise, lamps);
                for (var d = 0; d < climate.Days; d++)
                {
                    var info = climate.DayInfos[d];
                    var nextSunrise = d + 1 < climate.Days ? climate.DayInfos[d + 1].Sunrise : info.Sunrise;
                    Shapes.AddBlock(kw, dt, (d * 24.0) + info.Sunset + 0.2, ((d + 1) * 24.0) + nextSunrise - 0.2, lamps);
                }
            }
            var noLoad = f.RatingKva * rng.Uniform(0.0015, 0.0025);
            var loadLoss = 2 * rng.Uniform(0.02, 0.04) / f.RatingKva; // 2-4 % of the load at half rating
            var bias = 1 + rng.Normal(0, 0.003);
            var id = f.Id;
            for (var k = 0; k < intervals; k++)
            {
                var sum = 0.0;
                for (var j = k * stepsPerInterval; j < (k + 1) * stepsPerInterval; j++)
                {
                    var p = kw[j];
                    sum += (p + noLoad + (loadLoss * p * p)) * (1 + rng.Normal(0, 0.002));
                }
                w.Text(id);
                w.Separator();
                w.Raw(stamps.AsSpan(k * Utf8Format.TimestampLength, Utf8Format.TimestampLength));
                w.Separator();
                w.Fixed(Math.Max(0, sum * dt * bias), 3);
                w.EndRow();
            }
            feederKw[f.Index] = [];
        }
    }
}
