using MinerWatch.Grid;

namespace MinerWatch.Simulation;

/// <summary>The kinds of premises behind each customer class; each has its own load model.</summary>
internal enum SiteKind
{
    Home,
    Shop,
    Office,
    Restaurant,
    Bakery,
    Supermarket,
    FactoryDayShift,
    FactoryTwoShift,
    FactoryThreeShift,
    ContinuousProcess,
    ColdStorage,
    EvStation,
    DataCentre,
    Irrigation,
    FishPond,
    Livestock,
    School,
    GovernmentOffice,
    Hospital,
    SportsHall,
    WaterWorks,
    TelecomSite,
    StreetLighting,
    Workshop,
}

internal enum MiningVariant
{
    SteadyFarm,
    ChargingStation,
    NightStealth,
    Throttled,
    Intermittent,
    Bypass,
}

internal static class MiningVariantNames
{
    public static readonly string[] Names =
        ["steady_farm", "charging_station", "night_stealth", "throttled", "intermittent", "bypass"];

    public static string ToName(this MiningVariant v) => Names[(int)v];
}

internal sealed record KindInfo(SiteKind Kind, CustomerClass Class, double Weight, string Label, double MinKw, double MaxKw);

internal sealed class MiningSpec
{
    public required MiningVariant Variant { get; init; }

    /// <summary>Day index (relative to the start) the first machines were switched on; negative if already running.</summary>
    public required int OnsetDay { get; init; }

    public required int RampDays { get; init; }
    public required int Machines { get; init; }
    public required double UnitKw { get; init; }
    public double NameplateKw => Machines * UnitKw;

    /// <summary>Average share of nameplate drawn while running (throttled farms run below 1).</summary>
    public required double Throttle { get; init; }

    /// <summary>Bypass only: share of the host's own load moved behind the bypass with the miners.</summary>
    public required double MovedShare { get; init; }
}

internal sealed class SiteSpec
{
    public required int Index { get; init; }
    public required string MeterId { get; init; }
    public required SiteKind Kind { get; init; }
    public required CustomerClass Class { get; init; }
    public required int District { get; init; }
    public double ContractedKw { get; set; }
    public MiningSpec? Mining { get; set; }
    /// <summary>An honest household's new always-on appliance (a second freezer, an aquarium, a home server), or null.</summary>
    public AddedAppliance? Appliance { get; set; }
    /// <summary>How an honest household in a cold climate heats with electricity, or null.</summary>
    public ElectricHeating? Heating { get; set; }
    public int Feeder { get; set; } = -1;
    public string Name { get; set; } = "";
    public double Latitude { get; set; }
    public double Longitude { get; set; }
}

/// <summary>Electric heating of a home in a cold climate.</summary>
internal enum ElectricHeating
{
    /// <summary>Night storage heaters charging flat on the off-peak tariff, 23:00-07:00, more the colder the day.</summary>
    StorageHeaters,
    /// <summary>An air-source heat pump, day and night, drawing more the colder it is.</summary>
    HeatPump,
    /// <summary>Electric panel or oil heaters in the rooms, day and night.</summary>
    PanelHeaters,
}

/// <summary>An always-on appliance added on <see cref="FromDay"/>, drawing <see cref="Kw"/> on average, cycling like a compressor or flat.</summary>
internal sealed record AddedAppliance(double Kw, int FromDay, bool Cycling);

internal sealed class FeederSpec
{
    public required int Index { get; init; }
    public required string Id { get; init; }
    public required int[] Members { get; init; }
    public required double RatingKva { get; init; }

    /// <summary>Low-voltage transformers also carry unmetered street lighting.</summary>
    public required bool LowVoltage { get; init; }
}

internal sealed class PopulationPlan
{
    public required SiteSpec[] Sites { get; init; }
    public required FeederSpec[] Feeders { get; init; }
}

/// <summary>Draws who the customers are, where they sit on the network, and which ones mine.</summary>
internal static class PopulationPlanner
{
    // Roughly a south-China city's customer mix by count.
    private static readonly double[] ClassShares = [0.70, 0.14, 0.04, 0.035, 0.01, 0.03, 0.035, 0.01];

    internal static readonly KindInfo[] Kinds =
    [
        new(SiteKind.Home, CustomerClass.Residential, 1, "home", 5, 20),
        new(SiteKind.Shop, CustomerClass.Commercial, 0.42, "shop", 15, 100),
        new(SiteKind.Office, CustomerClass.Commercial, 0.22, "office", 20, 100),
        new(SiteKind.Restaurant, CustomerClass.Commercial, 0.18, "restaurant", 20, 100),
        new(SiteKind.Bakery, CustomerClass.Commercial, 0.06, "bakery", 15, 60),
        new(SiteKind.Supermarket, CustomerClass.Commercial, 0.12, "supermarket", 50, 250),
        new(SiteKind.FactoryDayShift, CustomerClass.Industrial, 0.30, "factory", 100, 800),
        new(SiteKind.FactoryTwoShift, CustomerClass.Industrial, 0.25, "factory", 150, 1500),
        new(SiteKind.FactoryThreeShift, CustomerClass.Industrial, 0.15, "factory", 200, 2000),
        new(SiteKind.ContinuousProcess, CustomerClass.Industrial, 0.15, "plant", 300, 2000),
        new(SiteKind.ColdStorage, CustomerClass.Industrial, 0.15, "cold store", 100, 600),
        new(SiteKind.EvStation, CustomerClass.EvCharging, 1, "charging station", 200, 1500),
        new(SiteKind.DataCentre, CustomerClass.DataCenter, 1, "data centre", 500, 5000),
        new(SiteKind.Irrigation, CustomerClass.Agricultural, 0.40, "irrigation pump", 10, 150),
        new(SiteKind.FishPond, CustomerClass.Agricultural, 0.35, "fish farm", 10, 100),
        new(SiteKind.Livestock, CustomerClass.Agricultural, 0.25, "livestock farm", 20, 200),
        new(SiteKind.School, CustomerClass.Public, 0.35, "school", 30, 400),
        new(SiteKind.GovernmentOffice, CustomerClass.Public, 0.30, "government office", 20, 300),
        new(SiteKind.Hospital, CustomerClass.Public, 0.08, "hospital", 500, 3000),
        new(SiteKind.SportsHall, CustomerClass.Public, 0.12, "sports hall", 20, 200),
        new(SiteKind.WaterWorks, CustomerClass.Public, 0.15, "water works", 50, 600),
        new(SiteKind.TelecomSite, CustomerClass.Other, 0.45, "telecom site", 5, 30),
        new(SiteKind.StreetLighting, CustomerClass.Other, 0.25, "street lighting", 10, 60),
        new(SiteKind.Workshop, CustomerClass.Other, 0.30, "workshop", 10, 80),
    ];

    private static readonly int[] HomeContracts = [5, 6, 8, 8, 10, 10, 10, 12, 15, 20];

    private sealed record District(string Name, double Lat, double Lon, double Spread, double[] ClassWeights);

    // Weights by class: residential, commercial, industrial, ev, data centre, agricultural, public, other.
    private static readonly District[] GuangzhouDistricts =
    [
        new("Tianhe", 23.1247, 113.3612, 0.03, [14, 18, 1, 14, 3, 0, 14, 14]),
        new("Yuexiu", 23.1290, 113.2668, 0.02, [10, 16, 0, 8, 1, 0, 14, 10]),
        new("Haizhu", 23.0838, 113.3172, 0.03, [13, 14, 1, 10, 1, 0, 12, 12]),
        new("Liwan", 23.1260, 113.2443, 0.02, [8, 10, 1, 6, 0, 0, 8, 8]),
        new("Baiyun", 23.1570, 113.2730, 0.06, [14, 12, 4, 12, 1, 2, 10, 12]),
        new("Huangpu", 23.1815, 113.4806, 0.05, [7, 6, 6, 10, 4, 1, 7, 8]),
        new("Panyu", 22.9378, 113.3841, 0.06, [14, 10, 5, 12, 2, 3, 10, 10]),
        new("Huadu", 23.4036, 113.2200, 0.07, [7, 5, 6, 7, 0, 4, 6, 6]),
        new("Nansha", 22.8016, 113.5250, 0.07, [4, 3, 6, 5, 3, 5, 4, 5]),
        new("Conghua", 23.5489, 113.5869, 0.08, [3, 2, 2, 3, 0, 6, 4, 4]),
        new("Zengcheng", 23.2609, 113.8107, 0.08, [6, 4, 6, 6, 1, 6, 5, 5]),
    ];

    private static readonly string[] GenericDistrictNames =
        ["Central", "North", "South", "East", "West", "Riverside", "Harbour", "Hills", "New Town", "Valley", "Lakeside"];

    // Host classes per variant: farms go where power is cheap to get and easy to explain.
    private static readonly (CustomerClass Class, double Weight)[][] HostWeights =
    [
        [(CustomerClass.Residential, 0.45), (CustomerClass.Commercial, 0.2), (CustomerClass.Industrial, 0.2), (CustomerClass.Public, 0.08), (CustomerClass.Agricultural, 0.07)],
        [(CustomerClass.EvCharging, 1)],
        [(CustomerClass.Residential, 0.5), (CustomerClass.Commercial, 0.3), (CustomerClass.Industrial, 0.1), (CustomerClass.Public, 0.05), (CustomerClass.Agricultural, 0.05)],
        [(CustomerClass.Residential, 0.6), (CustomerClass.Commercial, 0.2), (CustomerClass.Industrial, 0.1), (CustomerClass.Agricultural, 0.1)],
        [(CustomerClass.Commercial, 0.45), (CustomerClass.Residential, 0.25), (CustomerClass.Industrial, 0.15), (CustomerClass.Public, 0.15)],
        [(CustomerClass.Residential, 0.4), (CustomerClass.Commercial, 0.25), (CustomerClass.Industrial, 0.2), (CustomerClass.Agricultural, 0.15)],
    ];

    // Antminer-class machines, kW at the wall.
    private static readonly double[] AsicKw = [1.35, 1.45, 2.1, 2.3, 3.05, 3.25, 3.45];

    /// <summary>
    /// A few honest households add a small always-on load from one day on: 0.2-0.5 kW day and night, a second fridge
    /// or freezer cycling, an aquarium, a dehumidifier or a home server running flat. Their rise is real and steady,
    /// and smaller than any mining rig.
    /// </summary>
    private static void AddAppliances(SiteSpec[] sites, SimulationOptions options)
    {
        var rng = new SimRandom(options.Seed, Streams.Confounders, 0);
        foreach (var site in sites)
        {
            if (site.Kind != SiteKind.Home || site.Mining is not null || !rng.Chance(0.04)) continue;
            site.Appliance = new AddedAppliance(rng.Uniform(0.2, 0.5), rng.Between(Math.Min(14, options.Days / 4), Math.Max(15, options.Days - 14)), rng.Chance(0.5));
        }
        if (options.Climate != Climate.Cold) return;
        // In a cold province a quarter of the homes heat with electricity (drawn after the appliances, on a stream of
        // their own, so the other draws stay as they were).
        var heating = new SimRandom(options.Seed, Streams.Heating, 0);
        foreach (var site in sites)
        {
            if (site.Kind != SiteKind.Home || site.Mining is not null || site.Appliance is not null || !heating.Chance(0.25)) continue;
            site.Heating = (ElectricHeating)heating.PickWeighted([0.35, 0.4, 0.25]);
        }
    }

    public static int IdWidth(int meters) => Math.Max(6, meters.ToString().Length);

    public static PopulationPlan Plan(SimulationOptions options)
    {
        options.Validate();
        var rng = new SimRandom(options.Seed, Streams.Plan, 0);
        var n = options.Meters;
        var districts = options.Region.EndsWith("Guangzhou", StringComparison.OrdinalIgnoreCase)
            ? GuangzhouDistricts
            : GuangzhouDistricts.Select((d, i) => d with { Name = GenericDistrictNames[i] }).ToArray();

        var classes = new List<CustomerClass>(n);
        var counts = Apportion(ClassShares, n);
        for (var c = 0; c < counts.Length; c++)
        {
            for (var k = 0; k < counts[c]; k++)
                classes.Add((CustomerClass)c);
        }
        rng.Shuffle(classes);

        var width = IdWidth(n);
        var sites = new SiteSpec[n];
        var districtWeights = new double[districts.Length];
        for (var i = 0; i < n; i++)
        {
            var cls = classes[i];
            var kinds = Kinds.Where(k => k.Class == cls).ToArray();
            var kind = kinds[rng.PickWeighted(kinds.Select(k => k.Weight).ToArray())];
            for (var d = 0; d < districts.Length; d++)
                districtWeights[d] = districts[d].ClassWeights[(int)cls];
            var contracted = kind.Kind == SiteKind.Home
                ? rng.Pick<int>(HomeContracts)
                : Shapes.RoundContract(rng.LogUniform(kind.MinKw, kind.MaxKw));
            sites[i] = new SiteSpec
            {
                Index = i,
                MeterId = "M" + (i + 1).ToString().PadLeft(width, '0'),
                Kind = kind.Kind,
                Class = cls,
                District = rng.PickWeighted(districtWeights),
                ContractedKw = contracted,
            };
        }

        var feeders = AssignFeeders(sites, districts.Length, rng);
        AssignMining(sites, options, rng);
        var rated = RateFeeders(sites, feeders);
        PlaceAndName(sites, rated, districts, rng);
        AddAppliances(sites, options);
        return new PopulationPlan { Sites = sites, Feeders = rated };
    }

    /// <summary>Largest-remainder rounding, so class counts are exact for any population size.</summary>
    private static int[] Apportion(double[] shares, int n)
    {
        var counts = new int[shares.Length];
        var rest = new double[shares.Length];
        var used = 0;
        for (var i = 0; i < shares.Length; i++)
        {
            var exact = shares[i] * n;
            counts[i] = (int)Math.Floor(exact);
            rest[i] = exact - counts[i];
            used += counts[i];
        }
        var order = Enumerable.Range(0, shares.Length).OrderByDescending(i => rest[i]).ThenBy(i => i).ToArray();
        for (var k = 0; used < n; k++, used++)
            counts[order[k % order.Length]]++;
        return counts;
    }

    private static bool IsBig(SiteSpec s) =>
        s.Class is CustomerClass.Industrial or CustomerClass.DataCenter or CustomerClass.EvCharging || s.ContractedKw >= 300;

    /// <summary>
    /// Homes and shops share low-voltage transformers of 12-60 customers; big customers sit on
    /// medium-voltage feeders with a few other big ones and some small customers.
    /// </summary>
    private static List<FeederGroup> AssignFeeders(SiteSpec[] sites, int districtCount, SimRandom rng)
    {
        var groups = new List<FeederGroup>();
        for (var d = 0; d < districtCount; d++)
        {
            var big = sites.Where(s => s.District == d && IsBig(s)).Select(s => s.Index).ToList();
            var small = sites.Where(s => s.District == d && !IsBig(s)).Select(s => s.Index).ToList();
            rng.Shuffle(big);
            rng.Shuffle(small);
            var bi = 0;
            var si = 0;
            while (bi < big.Count)
            {
                var members = new List<int>();
                var take = Math.Min(big.Count - bi, rng.Between(1, 4));
                members.AddRange(big.GetRange(bi, take));
                bi += take;
                var smallTake = Math.Min(small.Count - si, rng.Between(6, 15));
                members.AddRange(small.GetRange(si, smallTake));
                si += smallTake;
                groups.Add(new FeederGroup([.. members], false));
            }
            while (si < small.Count)
            {
                var size = rng.Between(12, 60);
                var left = small.Count - si;
                if (left - size < 10)
                    size = left <= 60 ? left : left - 10;
                groups.Add(new FeederGroup([.. small.GetRange(si, size)], true));
                si += size;
            }
        }
        for (var f = 0; f < groups.Count; f++)
        {
            foreach (var m in groups[f].Members)
                sites[m].Feeder = f;
        }
        return groups;
    }

    private static void AssignMining(SiteSpec[] sites, SimulationOptions options, SimRandom rng)
    {
        var total = (int)Math.Round(options.MiningShare * sites.Length, MidpointRounding.AwayFromZero);
        var variants = Enum.GetValues<MiningVariant>();
        var perVariant = new int[variants.Length];
        for (var i = 0; i < total; i++)
            perVariant[i % variants.Length]++;
        // A farm needs a real charging station to hide in; give the surplus to the other variants.
        var stations = sites.Count(s => s.Class == CustomerClass.EvCharging);
        var cap = stations / 2;
        var surplus = Math.Max(0, perVariant[(int)MiningVariant.ChargingStation] - cap);
        perVariant[(int)MiningVariant.ChargingStation] -= surplus;
        for (var i = 0; surplus > 0; i++)
        {
            var v = i % variants.Length;
            if (v == (int)MiningVariant.ChargingStation)
                continue;
            perVariant[v]++;
            surplus--;
        }

        var pools = new List<int>[ClassShares.Length];
        for (var c = 0; c < pools.Length; c++)
        {
            pools[c] = sites.Where(s => (int)s.Class == c).Select(s => s.Index).ToList();
            rng.Shuffle(pools[c]);
        }
        var bypassFeeders = new HashSet<int>();
        foreach (var v in variants)
        {
            var hosts = HostWeights[(int)v];
            for (var k = 0; k < perVariant[(int)v]; k++)
            {
                var weights = hosts.Select(h => pools[(int)h.Class].Count > 0 ? h.Weight : 0).ToArray();
                CustomerClass cls;
                if (weights.Sum() > 0)
                    cls = hosts[rng.PickWeighted(weights)].Class;
                else
                    cls = CustomerClass.Residential; // pools exhausted only for extreme shares
                var pool = pools[(int)cls];
                if (pool.Count == 0)
                    pool = pools.First(p => p.Count > 0);
                var pick = pool.Count - 1;
                if (v == MiningVariant.Bypass)
                {
                    // Keep one bypass per feeder so each shows up on its own head meter.
                    for (var j = pool.Count - 1; j >= 0; j--)
                    {
                        if (!bypassFeeders.Contains(sites[pool[j]].Feeder))
                        {
                            pick = j;
                            break;
                        }
                    }
                }
                var site = sites[pool[pick]];
                pool.RemoveAt(pick);
                if (v == MiningVariant.Bypass)
                    bypassFeeders.Add(site.Feeder);
                site.Mining = SizeFarm(site, v, options.Days, rng);
                if (v != MiningVariant.Bypass)
                {
                    // Metered farms need the capacity: owners apply for a bigger contract.
                    var need = (TypicalPeakShare(site.Kind) * site.ContractedKw) + (site.Mining.NameplateKw * site.Mining.Throttle);
                    if (need > site.ContractedKw)
                        site.ContractedKw = Shapes.RoundContract(need * 1.15);
                }
            }
        }
    }

    private static double TypicalPeakShare(SiteKind kind) => kind == SiteKind.Home ? 0.4 : 0.6;

    private static MiningSpec SizeFarm(SiteSpec site, MiningVariant v, int days, SimRandom rng)
    {
        var c = site.ContractedKw;
        var unit = rng.Pick<double>(AsicKw);
        int min, max;
        var throttle = 1.0;
        if (v == MiningVariant.Throttled)
            throttle = rng.Uniform(0.3, 0.6);
        switch (site.Class)
        {
            case CustomerClass.Residential when v == MiningVariant.Throttled && rng.Chance(0.5):
                // A few GPUs in a bedroom rig.
                unit = rng.Uniform(0.15, 0.32);
                (min, max) = (2, 10);
                break;
            case CustomerClass.Residential:
                (min, max) = (1, Math.Max(1, (int)(15 / unit)));
                break;
            case CustomerClass.EvCharging:
                (min, max) = (40, Math.Max(40, Math.Min(250, (int)(0.7 * c / unit))));
                break;
            case CustomerClass.Industrial:
                (min, max) = (10, Math.Max(10, Math.Min((int)(800 / unit), (int)(0.6 * c / unit))));
                break;
            case CustomerClass.Agricultural:
                (min, max) = (2, Math.Max(2, Math.Min(60, (int)(0.8 * c / unit))));
                break;
            default:
                (min, max) = (3, Math.Max(3, Math.Min(100, (int)(0.6 * c / unit))));
                break;
        }
        var machines = (int)Math.Round(rng.LogUniform(min, max + 0.999) - 0.499);
        machines = Math.Clamp(machines, min, max);
        // A quarter were already running before the data starts.
        var onset = rng.Chance(0.25)
            ? -rng.Between(14, 720)
            : (int)Math.Floor(days * rng.Uniform(0.05, 0.85));
        return new MiningSpec
        {
            Variant = v,
            OnsetDay = onset,
            RampDays = rng.Chance(0.35) ? 0 : rng.Between(2, 21),
            Machines = machines,
            UnitKw = Math.Round(unit, 3),
            Throttle = throttle,
            MovedShare = v == MiningVariant.Bypass && rng.Chance(0.5) ? rng.Uniform(0.1, 0.4) : 0,
        };
    }

    private sealed record FeederGroup(int[] Members, bool LowVoltage);

    private static FeederSpec[] RateFeeders(SiteSpec[] sites, List<FeederGroup> groups)
    {
        var width = Math.Max(4, groups.Count.ToString().Length);
        var feeders = new FeederSpec[groups.Count];
        for (var f = 0; f < groups.Count; f++)
        {
            var members = groups[f].Members;
            // Small customers never all peak at once; big ones get capacity for their whole contract.
            var demand = members.Sum(m => sites[m].ContractedKw * (IsBig(sites[m]) ? 0.9 : sites[m].Class == CustomerClass.Residential ? 0.35 : 0.55));
            feeders[f] = new FeederSpec
            {
                Index = f,
                Id = "F" + (f + 1).ToString().PadLeft(width, '0'),
                Members = [.. members.OrderBy(m => m)],
                RatingKva = Shapes.StandardRatingAbove(demand / 0.9),
                LowVoltage = groups[f].LowVoltage,
            };
        }
        return feeders;
    }

    private static void PlaceAndName(SiteSpec[] sites, FeederSpec[] feeders, District[] districts, SimRandom rng)
    {
        foreach (var f in feeders)
        {
            var d = districts[sites[f.Members[0]].District];
            var lat = d.Lat + rng.Normal(0, d.Spread);
            var lon = d.Lon + rng.Normal(0, d.Spread);
            foreach (var m in f.Members)
            {
                sites[m].Latitude = Math.Round(lat + rng.Normal(0, 0.002), 5);
                sites[m].Longitude = Math.Round(lon + rng.Normal(0, 0.002), 5);
            }
        }
        var counters = new Dictionary<(int, string), int>();
        foreach (var s in sites)
        {
            var label = Kinds[(int)s.Kind].Label;
            var key = (s.District, label);
            counters[key] = counters.GetValueOrDefault(key) + 1;
            s.Name = $"{districts[s.District].Name} {label} {counters[key]}";
        }
    }

    internal static string DistrictName(SimulationOptions options, int district) =>
        options.Region.EndsWith("Guangzhou", StringComparison.OrdinalIgnoreCase)
            ? GuangzhouDistricts[district].Name
            : GenericDistrictNames[district];
}
