using System.Globalization;
using MinerWatch.Grid;

namespace MinerWatch.Simulation.Tests;

/// <summary>One mid-sized daily population shared by the content tests (generation is the slow part).</summary>
public sealed class SimulatedPopulation : IDisposable
{
    public static readonly SimulationOptions Options = new()
    {
        Meters = 1000,
        Days = 120,
        Interval = TimeSpan.FromDays(1),
        MiningShare = 0.06,
        Seed = 7,
    };

    public SimulatedPopulation()
    {
        Dir = Path.Combine(Path.GetTempPath(), "mw-sim-" + Guid.NewGuid().ToString("N"));
        Summary = GridSimulator.Write(Options, Dir);
        Plan = PopulationPlanner.Plan(Options);
        Sites = ReadRows("sites.csv").ToDictionary(r => r[0]);
        Labels = ReadRows("labels.csv").ToDictionary(r => r[0]);
        foreach (var r in ReadRows("readings.csv"))
            Add(Readings, r[0], r[1][..10], Kwh(r[2]));
        foreach (var r in ReadRows("activity.csv"))
            Add(Declared, r[0], r[1], Kwh(r[2]));
        foreach (var r in ReadRows("feeders.csv"))
            Add(Feeders, r[0], r[1][..10], Kwh(r[2]));
    }

    public string Dir { get; }
    public SimulationSummary Summary { get; }
    internal PopulationPlan Plan { get; }
    public Dictionary<string, string[]> Sites { get; }
    public Dictionary<string, string[]> Labels { get; }

    /// <summary>Meter or feeder id, then date, then kWh.</summary>
    public Dictionary<string, Dictionary<string, double>> Readings { get; } = [];
    public Dictionary<string, Dictionary<string, double>> Declared { get; } = [];
    public Dictionary<string, Dictionary<string, double>> Feeders { get; } = [];

    public string DateOf(int day) => Options.Start.AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static double Kwh(string text)
    {
        var v = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        Assert.True(v >= 0, $"negative kWh {text}");
        return v;
    }

    private static void Add(Dictionary<string, Dictionary<string, double>> into, string id, string date, double kwh)
    {
        if (!into.TryGetValue(id, out var series))
            into[id] = series = [];
        Assert.True(series.TryAdd(date, kwh), $"duplicate row {id} {date}");
    }

    private IEnumerable<string[]> ReadRows(string file) =>
        File.ReadLines(Path.Combine(Dir, file)).Skip(1).Select(l => l.Split(','));

    public void Dispose() => Directory.Delete(Dir, true);
}

public sealed class GridSimulatorTests(SimulatedPopulation pop, ITestOutputHelper output) : IClassFixture<SimulatedPopulation>
{
    private static readonly string[] Variants =
        ["steady_farm", "charging_station", "night_stealth", "throttled", "intermittent", "bypass"];

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        Assert.NotEmpty(sorted);
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    [Fact]
    public void Writes_all_files_with_documented_headers()
    {
        var expected = new Dictionary<string, string>
        {
            ["readings.csv"] = "meter_id,timestamp,kwh",
            ["sites.csv"] = "meter_id,customer_class,region,feeder_id,contracted_kw,name,latitude,longitude",
            ["activity.csv"] = "meter_id,date,declared_kwh",
            ["feeders.csv"] = "feeder_id,timestamp,kwh",
            ["labels.csv"] = "meter_id,mining,variant,onset",
        };
        foreach (var (file, header) in expected)
        {
            var path = Path.Combine(pop.Dir, file);
            Assert.True(File.Exists(path), file);
            Assert.Equal(header, File.ReadLines(path).First());
        }
        var first = File.ReadLines(Path.Combine(pop.Dir, "readings.csv")).Skip(1).First().Split(',');
        Assert.Equal("M000001", first[0]);
        Assert.Equal("2025-01-01T00:00:00+08:00", first[1]);
        Assert.Equal(1000, pop.Summary.Meters);
        Assert.Equal(pop.Plan.Feeders.Length, pop.Summary.Feeders);
        Assert.Equal(pop.Summary.Readings, pop.Readings.Values.Sum(s => (long)s.Count));
    }

    [Fact]
    public void Same_seed_gives_identical_bytes_and_other_seeds_differ()
    {
        var options = new SimulationOptions { Meters = 60, Days = 5, Interval = TimeSpan.FromMinutes(15), MiningShare = 0.1, Seed = 3 };
        var root = Path.Combine(Path.GetTempPath(), "mw-sim-" + Guid.NewGuid().ToString("N"));
        try
        {
            var a = GridSimulator.Write(options, Path.Combine(root, "a"));
            GridSimulator.Write(options, Path.Combine(root, "b"));
            GridSimulator.Write(options with { Seed = 4 }, Path.Combine(root, "c"));
            Assert.Equal(6, a.MiningMeters);
            foreach (var file in new[] { "readings.csv", "sites.csv", "activity.csv", "feeders.csv", "labels.csv" })
            {
                var bytesA = File.ReadAllBytes(Path.Combine(root, "a", file));
                Assert.Equal(bytesA, File.ReadAllBytes(Path.Combine(root, "b", file)));
                if (file != "activity.csv" || bytesA.Length > 40)
                    Assert.NotEqual(bytesA, File.ReadAllBytes(Path.Combine(root, "c", file)));
            }
            var stamps = File.ReadLines(Path.Combine(root, "a", "readings.csv")).Skip(1).Take(3).Select(l => l.Split(',')[1]).ToArray();
            Assert.Equal(["2025-01-01T00:00:00+08:00", "2025-01-01T00:15:00+08:00", "2025-01-01T00:30:00+08:00"], stamps);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void Labels_match_mining_share_and_cover_every_variant_evenly()
    {
        var mining = pop.Labels.Values.Where(l => l[1] == "1").ToArray();
        Assert.Equal((int)Math.Round(0.06 * 1000, MidpointRounding.AwayFromZero), mining.Length);
        Assert.Equal(mining.Length, pop.Summary.MiningMeters);
        // An honest meter names its confounder, if it has one (a household's new always-on appliance), and no onset.
        Assert.All(pop.Labels.Values.Where(l => l[1] == "0"), l => Assert.Contains(l[2], new[] { "", "added_appliance" }));
        Assert.All(pop.Labels.Values.Where(l => l[1] == "0"), l => Assert.Equal("", l[3]));
        var appliances = pop.Labels.Values.Count(l => l[2] == "added_appliance");
        Assert.InRange(appliances, 10, 50);
        Assert.All(pop.Labels.Values.Where(l => l[2] == "added_appliance"), l => Assert.Equal("residential", pop.Sites[l[0]][1]));
        foreach (var v in Variants)
        {
            Assert.Equal(10, mining.Count(l => l[2] == v));
            Assert.Equal(10, pop.Summary.VariantCounts[v]);
        }
        Assert.All(mining, l => Assert.True(DateOnly.TryParseExact(l[3], "yyyy-MM-dd", out _), l[3]));
    }

    [Fact]
    public void Every_meter_is_registered_and_labelled()
    {
        Assert.Equal(pop.Sites.Keys.Order(), pop.Labels.Keys.Order());
        Assert.All(pop.Readings.Keys, m => Assert.Contains(m, pop.Sites.Keys));
        Assert.All(pop.Declared.Keys, m => Assert.Contains(pop.Sites[m][1], new[] { "ev_charging", "data_center" }));
        var classes = pop.Sites.Values.GroupBy(s => s[1]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(700, classes["residential"]);
        Assert.Equal(35, classes["ev_charging"]);
        Assert.All(pop.Sites.Values, s => Assert.StartsWith("CN-GD/Guangzhou/", s[2]));
        Assert.All(pop.Sites.Values, s => Assert.Contains(s[3], pop.Feeders.Keys));
    }

    [Fact]
    public void Charging_station_farms_exceed_declared_sales_while_clean_stations_match()
    {
        var checkedFarms = 0;
        foreach (var site in pop.Plan.Sites.Where(s => s.Class == CustomerClass.EvCharging))
        {
            var metered = pop.Readings[site.MeterId];
            var declared = pop.Declared[site.MeterId];
            var m = site.Mining;
            if (m is null)
            {
                var ratio = Median(declared.Where(d => metered.ContainsKey(d.Key)).Select(d => metered[d.Key] / d.Value));
                Assert.InRange(ratio, 1.0, 1.15);
                continue;
            }
            Assert.Equal("charging_station", pop.Labels[site.MeterId][2]);
            var from = Math.Max(0, m.OnsetDay + m.RampDays + 1);
            var after = Enumerable.Range(from, Math.Max(0, SimulatedPopulation.Options.Days - from))
                .Select(pop.DateOf).Where(metered.ContainsKey).Select(d => metered[d] / declared[d]).ToArray();
            if (after.Length < 5)
                continue;
            output.WriteLine($"{site.MeterId} charging_station metered/declared after onset {Median(after):F2}");
            Assert.True(Median(after) > 2.0, $"{site.MeterId}: metered/declared {Median(after):F2}");
            checkedFarms++;
        }
        Assert.True(checkedFarms >= 5, $"only {checkedFarms} farms had enough days after onset");
        Assert.All(pop.Labels.Values.Where(l => l[2] == "charging_station"), l => Assert.Equal("ev_charging", pop.Sites[l[0]][1]));
    }

    [Fact]
    public void Bypass_load_shows_up_only_on_the_feeder_head_meter()
    {
        const int window = 10;
        var days = SimulatedPopulation.Options.Days;
        var checkedFarms = 0;
        foreach (var site in pop.Plan.Sites.Where(s => s.Mining?.Variant == MiningVariant.Bypass))
        {
            var m = site.Mining!;
            var afterFrom = m.OnsetDay + m.RampDays + 1;
            if (m.OnsetDay < window || afterFrom + window > days)
                continue;
            var feeder = pop.Plan.Feeders[site.Feeder];
            var members = feeder.Members.Select(i => pop.Plan.Sites[i].MeterId).ToArray();
            var head = pop.Feeders[feeder.Id];

            // Head minus the customers' own readings, in kW, on days every customer in service reported.
            double[] Residual(int first)
            {
                var dates = Enumerable.Range(first, window).Select(pop.DateOf).ToArray();
                var reporting = members.Where(mm => pop.Readings.TryGetValue(mm, out var r) && dates.Any(r.ContainsKey))
                    .Select(mm => pop.Readings[mm]).ToArray();
                return dates.Where(d => reporting.All(r => r.ContainsKey(d)))
                    .Select(d => (head[d] - reporting.Sum(r => r[d])) / 24).ToArray();
            }
            // Premises connected for the farm have no readings before it: nothing of theirs was moved.
            double Own(int first) => Enumerable.Range(first, window).Select(pop.DateOf).Where(pop.Readings[site.MeterId].ContainsKey)
                .Select(d => pop.Readings[site.MeterId][d] / 24).ToArray() is { Length: > 0 } own ? Median(own) : 0;

            var rise = Median(Residual(afterFrom)) - Median(Residual(m.OnsetDay - window));
            var moved = Math.Max(0, Own(m.OnsetDay - window) - Own(afterFrom));
            var expected = (m.NameplateKw * 0.98) + moved;
            var feederKw = head.Values.Average() / 24;
            output.WriteLine($"{site.MeterId} {site.Class} feeder {feederKw:F1} kW: rise {rise:F2} kW, hidden {m.NameplateKw:F2} kW + moved {moved:F2} kW");
            Assert.InRange(rise, (0.8 * expected) - (0.03 * feederKw), (1.25 * expected) + (0.03 * feederKw));
            checkedFarms++;
        }
        Assert.True(checkedFarms >= 4, $"only {checkedFarms} bypass farms had data around onset");
    }

    [Fact]
    public void In_a_cold_climate_a_quarter_of_homes_heat_with_electricity_in_winter_and_are_labelled()
    {
        var options = SimulatedPopulation.Options with { Meters = 600, Days = 365, Seed = 3, Climate = Climate.Cold };
        var dir = Path.Combine(Path.GetTempPath(), "mw-sim-cold-" + Guid.NewGuid().ToString("N"));
        try
        {
            GridSimulator.Write(options, dir);
            var labels = File.ReadLines(Path.Combine(dir, "labels.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(r => r[0]);
            var sites = File.ReadLines(Path.Combine(dir, "sites.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(r => r[0]);
            var homes = sites.Values.Where(s => s[1] == "residential" && labels[s[0]][1] == "0").Select(s => s[0]).ToList();
            var heated = homes.Where(h => labels[h][2] == "electric_heating").ToHashSet();
            Assert.InRange(heated.Count, 0.18 * homes.Count, 0.32 * homes.Count);
            Assert.StartsWith("CN-HL/Harbin/", sites[heated.First()][2]);

            var kwh = new Dictionary<string, (double Winter, double Summer)>();
            foreach (var r in File.ReadLines(Path.Combine(dir, "readings.csv")).Skip(1).Select(l => l.Split(',')))
            {
                var month = int.Parse(r[1].AsSpan(5, 2), CultureInfo.InvariantCulture);
                var v = double.Parse(r[2], CultureInfo.InvariantCulture);
                var (w, su) = kwh.GetValueOrDefault(r[0]);
                kwh[r[0]] = month is 1 or 12 ? (w + v, su) : month is 7 ? (w, su + v) : (w, su);
            }
            double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
            var heatedRatio = Median(heated.Select(h => kwh[h].Winter / 2 / Math.Max(kwh[h].Summer, 0.1)));
            var othersRatio = Median(homes.Where(h => !heated.Contains(h)).Select(h => kwh[h].Winter / 2 / Math.Max(kwh[h].Summer, 0.1)));
            output.WriteLine($"{heated.Count} of {homes.Count} homes heat; winter/summer monthly kWh: heated {heatedRatio:F1}, others {othersRatio:F1}");
            Assert.True(heatedRatio > 3 * othersRatio, $"heated {heatedRatio:F2}, others {othersRatio:F2}");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
