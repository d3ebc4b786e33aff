using MinerWatch.Grid.Detection;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Scan;

namespace MinerWatch.Grid.Tests;

public class GridScannerTests
{
    private const int Days = 300;

    /// <summary>A small region built by hand: homes, charging stations, a data centre, one feeder with a bypass.</summary>
    private sealed class Region(string path = "CN-GD/Guangzhou/Tianhe", ScanCosts? costs = null)
    {
        public readonly List<Site> Sites = [];
        public readonly Dictionary<string, Func<int, int, double>> Metered = [];
        public readonly Dictionary<string, Func<int, int, double>> Hidden = [];
        public readonly Dictionary<string, Func<int, double>> Declared = [];
        /// <summary>Meters read once a day (the day's energy at midnight) rather than hourly.</summary>
        public readonly HashSet<string> Daily = [];

        public void Add(string id, CustomerClass cls, string feeder, double contracted, Func<int, int, double> kw)
        {
            Sites.Add(new Site(id, cls, path, feeder, contracted));
            Metered[id] = kw;
        }

        public ScanResult Scan()
        {
            var scanner = new GridScanner(Sites) { Costs = costs ?? new ScanCosts() };
            var batch = new ReadingBatch(Days * 24) { File = "test" };
            foreach (var site in Sites)
            {
                batch.Count = 0;
                var index = scanner.Meters.Find(site.MeterId);
                var kw = Metered[site.MeterId];
                for (var d = 0; d < Days; d++)
                {
                    if (Daily.Contains(site.MeterId))
                    {
                        var day = d;
                        batch.Add(index, new MeterTime((TestData.Jan1 + d) * 1440, 480), Enumerable.Range(0, 24).Sum(h => kw(day, h)), 0);
                        continue;
                    }
                    for (var h = 0; h < 24; h++)
                        batch.Add(index, new MeterTime((TestData.Jan1 + d) * 1440 + h * 60, 480), kw(d, h), 0);
                }
                scanner.AddReadings(batch, RowPolicy.Strict);
            }
            foreach (var feeder in Sites.Select(s => s.FeederId).Distinct())
            {
                batch.Count = 0;
                var members = Sites.Where(s => s.FeederId == feeder).Select(s => s.MeterId).ToArray();
                var index = scanner.Feeders.Find(feeder);
                for (var d = 0; d < Days; d++)
                    for (var h = 0; h < 24; h++)
                    {
                        var load = members.Sum(m => Metered[m](d, h) + (Hidden.TryGetValue(m, out var hidden) ? hidden(d, h) : 0));
                        batch.Add(index, new MeterTime((TestData.Jan1 + d) * 1440 + h * 60, 480), load * 1.03 + 0.5, 0);
                    }
                scanner.AddFeederReadings(batch, RowPolicy.Strict);
            }
            scanner.AddActivity(Declared.ToDictionary(
                kv => scanner.Meters.Find(kv.Key),
                kv => Enumerable.Range(0, Days).Select(d => new DeclaredDay(TestData.Jan1 + d, kv.Value(d))).ToList()));
            return scanner.Finish();
        }
    }

    private static double Charging(int d, int h, int seed) =>
        (h is >= 7 and <= 22 ? 60 + 25 * Math.Sin(h / 3.0 + seed) : 8) * (1 + 0.15 * Math.Sin(d * 0.37 + seed)) + 3;

    private static Region Build(Region? into = null)
    {
        var region = into ?? new Region();
        for (var i = 0; i < 40; i++)
        {
            var seed = i;
            region.Add($"H{i:D2}", CustomerClass.Residential, i < 10 ? "F1" : "F2", 10, (d, h) => TestData.Home(d, h, seed) * (0.7 + 0.02 * seed));
        }
        // A farm of two S19 in a home from day 200.
        region.Add("FARM", CustomerClass.Residential, "F2", 16, (d, h) => TestData.Home(d, h, 99) + (d >= 200 ? 6.5 : 0));
        // Bypass on F1: customer H03 wires 5 kW of miners before its meter on day 150, and moves its fridge there too.
        var h03 = region.Metered["H03"];
        region.Metered["H03"] = (d, h) => Math.Max(0.05, h03(d, h) - (d >= 150 ? 0.3 : 0));
        region.Hidden["H03"] = (d, h) => d >= 150 ? 5 : 0;
        for (var i = 0; i < 6; i++)
        {
            var seed = i;
            var id = $"EV{i}";
            var farm = i == 0;
            region.Add(id, CustomerClass.EvCharging, "F3", 400, (d, h) => Charging(d, h, seed) + (farm && d >= 120 ? 190 * 3.25 / 3 : 0));
            region.Declared[id] = d => Enumerable.Range(0, 24).Sum(h => Charging(d, h, seed) - 3) * 0.93;
        }
        region.Add("DC1", CustomerClass.DataCenter, "F4", 1500, (d, h) => 800 + 5 * Math.Sin(h + d));
        region.Declared["DC1"] = _ => 800 * 24 / 1.4;
        return region;
    }

    private static readonly Lazy<ScanResult> Result = new(() => Build().Scan());

    private static MeterFinding Meter(string id) => Result.Value.Meters.Single(m => m.MeterId == id);

    [Fact]
    public void Farm_in_sichuan_owes_the_tariff_and_the_provincial_surcharge_at_sichuans_emission_factor()
    {
        var scan = Build(new Region("CN-SC/Chengdu/Wuhou", new ScanCosts { TariffPerKwh = 0.5 })).Scan();
        var farm = scan.Meters.Single(m => m.MeterId == "FARM");
        var energy = farm.EnergySinceOnsetKwh!.Value;

        Assert.Equal(146, farm.EmissionFactorGPerKwh);
        Assert.Equal(Math.Round(energy * 146 / 1e6, 2), farm.Co2SinceOnsetTonnes!.Value, 2);
        Assert.Equal("CNY", farm.Owed!.Currency);
        Assert.Equal(0.5, farm.Owed.TariffPerKwh);
        Assert.Equal(2.0, farm.Owed.SurchargePerKwh);
        Assert.Equal(energy * 0.5, farm.Owed.AtTariff!.Value, 0);
        Assert.Equal(energy * 2.0, farm.Owed.Surcharge!.Value, 0);
        Assert.Equal(energy * 2.5, farm.Owed.Total, 0);
    }

    [Fact]
    public void Home_farm_ranks_high_with_onset_power_and_miner_count()
    {
        var farm = Meter("FARM");
        Assert.Equal("suspect", farm.Verdict);
        Assert.True(farm.Rank <= 3, $"rank {farm.Rank}");
        Assert.Equal(new DateOnly(2025, 7, 20), farm.Onset);
        Assert.Equal(6.5, farm.MiningKw!.Value, 0.5);
        Assert.Equal(new MinerRange(1, 5, "all Antminer S19 XP Hyd (255T) to all Antminer S7 (SHA-256 models on the market at onset)"), farm.ImpliedMiners);
        // 100 days of 6.5 kW.
        Assert.Equal(100 * 24 * 6.5, farm.EnergySinceOnsetKwh!.Value, 100 * 24 * 6.5 * 0.1);
        // Guangdong has no bundled provincial factor: China's 546 gCO2/kWh; no tariff given and no surcharge in Guangdong.
        Assert.Equal(546, farm.EmissionFactorGPerKwh);
        Assert.Equal(Math.Round(farm.EnergySinceOnsetKwh!.Value * 546 / 1e6, 2), farm.Co2SinceOnsetTonnes!.Value, 2);
        Assert.Null(farm.Owed);
        Assert.Contains(farm.Evidence, e => e.Detector == "change_point");
    }

    [Fact]
    public void Charging_station_with_a_hidden_farm_is_caught_by_its_declared_activity()
    {
        var station = Meter("EV0");
        Assert.Equal("suspect", station.Verdict);
        Assert.True(station.Rank <= 3, $"rank {station.Rank}");
        var declared = Assert.Single(station.Evidence, e => e.Detector == "declared_activity");
        Assert.Contains("x the declared energy since 2025-05-01", declared.Detail);
        Assert.Equal(new DateOnly(2025, 5, 1), station.Onset);
        Assert.True(Math.Abs(190 * 3.25 / 3 - station.MiningKw!.Value) < 15, string.Join("\n", station.Evidence));
        foreach (var clean in new[] { "EV1", "EV2", "EV3", "EV4", "EV5" }) Assert.Equal("clear", Meter(clean).Verdict);
    }

    [Fact]
    public void Bypass_is_attributed_to_the_customer_whose_meter_changed_when_the_feeder_loss_rose()
    {
        var bypass = Meter("H03");
        var evidence = Assert.Single(bypass.Evidence, e => e.Detector == "feeder_balance");
        Assert.Contains("feeder F1: loss rose", evidence.Detail);
        Assert.Contains("on 2025-05-31", evidence.Detail);
        var others = Result.Value.Meters.Where(m => m.FeederId == "F1" && m.MeterId != "H03").ToList();
        Assert.All(others, o => Assert.True(o.Score < bypass.Score, $"{o.MeterId} {o.Score} >= {bypass.Score}"));
        Assert.True(bypass.Verdict == "suspect", string.Join("\n", bypass.Evidence));
        Assert.Equal(new DateOnly(2025, 5, 31), bypass.Onset);
        Assert.Equal(5, bypass.MiningKw!.Value, 0.8);
    }

    [Fact]
    public void Legitimate_data_centre_and_ordinary_homes_stay_clear()
    {
        Assert.True(Meter("DC1").Verdict == "clear", string.Join("\n", Meter("DC1").Evidence));
        var homes = Result.Value.Meters.Where(m => m.MeterId.StartsWith('H') && m.MeterId != "H03").ToList();
        Assert.Equal(39, homes.Count);
        Assert.All(homes, h => Assert.True(h.Verdict == "clear", h.MeterId + string.Join("\n", h.Evidence)));
    }

    [Fact]
    public void A_data_centre_whose_billed_it_load_rose_with_its_meter_is_discounted()
    {
        var region = Build();
        // Both add 120 kW around the clock on day 150; only DC2's billed IT load rose with it (at its usual 1.4 ratio).
        region.Add("DC2", CustomerClass.DataCenter, "F4", 1500, (d, h) => 600 + (d >= 150 ? 120 : 0) + 4 * Math.Sin(h + d));
        region.Declared["DC2"] = d => (600 + (d >= 150 ? 120 : 0)) * 24 / 1.4;
        region.Add("DC3", CustomerClass.DataCenter, "F4", 1500, (d, h) => 600 + (d >= 150 ? 120 : 0) + 4 * Math.Sin(h + d));
        region.Declared["DC3"] = _ => 600 * 24 / 1.4;
        var meters = region.Scan().Meters;

        var explained = meters.Single(m => m.MeterId == "DC2").Evidence.Single(e => e.Detector == "change_point");
        var unexplained = meters.Single(m => m.MeterId == "DC3").Evidence.Single(e => e.Detector == "change_point");
        Assert.EndsWith("discounted: the declared business activity rose with it and accounts for 100 % of the rise", explained.Detail);
        Assert.DoesNotContain("discounted", unexplained.Detail);
        Assert.Equal(0.25, explained.Points / unexplained.Points, 2);
    }

    [Fact]
    public void A_farm_added_after_a_holiday_every_school_returns_from_is_dated_by_the_farm()
    {
        // Twelve schools closed until day 40 (the winter break: their servers, pumps and heating back on around the clock
        // from then); S00 also runs 6 kW of miners from day 150, a smaller rise than the return every school shares.
        var region = new Region();
        for (var i = 0; i < 12; i++)
        {
            var seed = i;
            region.Add($"S{i:D2}", CustomerClass.Public, "F1", 120, (d, h) =>
                (d < 40 ? 4 : 30 + (h is >= 8 and < 17 ? 40 : 0)) * (1 + 0.03 * Math.Sin(d * 0.9 + seed)) + (seed == 0 && d >= 150 ? 6 : 0));
        }
        var farm = region.Scan().Meters.Single(m => m.MeterId == "S00");

        var rise = farm.Evidence.Single(e => e.Detector == "change_point");
        Assert.Contains("rise in the daily minimum on 2025-05-31", rise.Detail);
        Assert.Contains("so the new load runs around the clock", rise.Detail);
    }

    [Fact]
    public void Every_rise_peers_show_counts_as_shared_not_only_their_strongest()
    {
        // Twelve fish ponds: night aerators from day 90 (each pond's strongest rise) and day aerators from day 166.
        var region = new Region();
        for (var i = 0; i < 12; i++)
        {
            var seed = i;
            region.Add($"P{i:D2}", CustomerClass.Agricultural, "F1", 30, (d, h) =>
                (1 + (d >= 90 && h is < 6 or >= 20 ? 6 : 0) + (d >= 166 && h is >= 9 and < 17 ? 3 : 0)) * (1 + 0.05 * Math.Sin(d * 0.7 + seed + h)));
        }
        var ponds = region.Scan().Meters;

        Assert.Equal(12, ponds.Count);
        Assert.All(ponds, p =>
        {
            var rise = p.Evidence.SingleOrDefault(e => e.Detector == "change_point");
            Assert.True(rise is null || rise.Points < 2, p.MeterId + ": " + rise?.Detail);
            Assert.Equal("clear", p.Verdict);
        });
    }

    [Fact]
    public void A_night_load_many_homes_switch_on_in_the_same_weeks_weighs_as_its_shared_rise_does()
    {
        // Forty homes. Nine switch night storage heaters on (5 kW, 23:00-07:00) within a few days of each other as
        // the cold comes; one runs a 5 kW miner at night from day 150, alone.
        var region = new Region();
        for (var i = 0; i < 40; i++)
        {
            var seed = i;
            var heatedFrom = i < 9 ? 268 + i % 4 : int.MaxValue;
            var minedFrom = i == 39 ? 150 : int.MaxValue;
            region.Add($"H{i:D2}", CustomerClass.Residential, "F1", 10, (d, h) =>
                TestData.Home(d, h, seed) + (d >= Math.Min(heatedFrom, minedFrom) && h is < 7 or >= 23 ? 5 : 0));
        }
        var meters = region.Scan().Meters.ToDictionary(m => m.MeterId);

        var miner = meters["H39"];
        var minerShape = miner.Evidence.Single(e => e.Detector == "load_shape");
        Assert.DoesNotContain("peers rose alike", minerShape.Detail);
        for (var i = 0; i < 9; i++)
        {
            var heated = meters[$"H{i:D2}"];
            var shape = heated.Evidence.Single(e => e.Detector == "load_shape");
            Assert.Matches(@"discounted: the shape is read from the rise on 2025-09-2\d, and peers rose alike within three weeks [\d.]+ times as often as chance", shape.Detail);
            Assert.True(shape.Points < minerShape.Points, $"{heated.MeterId}: {shape.Points} against the miner's {minerShape.Points}");
            Assert.True(heated.Score < miner.Score, $"{heated.MeterId} {heated.Score} against the miner's {miner.Score}");
        }
    }

    /// <summary>Public sites of one district: offices open in working hours, and <paramref name="waterWorks"/> pumping stations running flat all period.</summary>
    private static IReadOnlyList<MeterFinding> District(int waterWorks)
    {
        var region = new Region();
        for (var i = 0; i < 30; i++)
        {
            var seed = i;
            if (i < waterWorks)
                region.Add($"W{i:D2}", CustomerClass.Public, "F1", 200, (d, h) => 120 * (1 + 0.02 * Math.Sin(d * 0.7 + seed) + 0.01 * Math.Sin(h + seed)));
            else
                region.Add($"O{i:D2}", CustomerClass.Public, "F1", 200, (d, h) =>
                    (4 + (h is >= 8 and < 18 && (d + seed) % 7 < 5 ? 40 : 0)) * (1 + 0.05 * Math.Sin(d * 0.9 + seed + h)));
        }
        return region.Scan().Meters;
    }

    [Fact]
    public void A_flat_load_many_peers_share_from_the_first_day_is_a_kind_of_business()
    {
        var alone = District(waterWorks: 1).Single(m => m.MeterId == "W00").Evidence.Single(e => e.Detector == "load_shape");
        var shared = District(waterWorks: 8).Where(m => m.MeterId.StartsWith('W')).ToList();

        Assert.DoesNotContain("discounted", alone.Detail);
        Assert.Equal(8, shared.Count);
        Assert.All(shared, w =>
        {
            var shape = w.Evidence.Single(e => e.Detector == "load_shape");
            // Seven of the 29 other sites (24 %) hold the same flat load with nothing to explain it.
            Assert.Contains("discounted: 24 % of its peers have a load shape as telling with no rise or declared business to explain it", shape.Detail);
            Assert.InRange(shape.Points, 0.35 * alone.Points, 0.5 * alone.Points);
        });
    }

    [Fact]
    public void Daily_meters_are_compared_with_daily_meters_only()
    {
        // Forty homes read hourly, and eight like them read daily: a daily meter's base load is its daily mean, far above
        // an hourly floor, and must read neither as a constant load nor as heavy use against the hourly ones.
        var region = new Region();
        for (var i = 0; i < 48; i++)
        {
            var seed = i % 40;
            var id = $"H{i:D2}";
            region.Add(id, CustomerClass.Residential, "F1", 10, (d, h) => TestData.Home(d, h, seed) * (0.8 + 0.01 * seed));
            if (i >= 40) region.Daily.Add(id);
        }
        var meters = region.Scan().Meters;

        Assert.All(meters.Where(m => region.Daily.Contains(m.MeterId)), m =>
            Assert.True(m.Evidence.Sum(e => e.Points) < 1, m.MeterId + ": " + string.Join("; ", m.Evidence.Select(e => e.Detail))));
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.08, 1.0)]
    [InlineData(0.165, 0.7)]
    [InlineData(0.25, 0.4)]
    [InlineData(0.9, 0.4)]
    public void Kin_discount_starts_at_8_percent_of_peers_and_stops_at_0_4(double share, double factor) =>
        Assert.Equal(factor, LoadShapeDetector.KinDiscount(share), 9);

    [Fact]
    public void Peer_groups_keep_meters_read_daily_apart_from_those_read_more_often()
    {
        var sites = Enumerable.Range(0, 24).Select(i => new Site($"M{i:D2}", CustomerClass.Residential, "CN-GD/Guangzhou/Tianhe", "F1", 10)).ToList();
        var groups = new PeerGroups(sites, [.. Enumerable.Range(0, 24).Select(i => i >= 12)]);

        Assert.Equal(2, groups.Count);
        Assert.Equal("residential in CN-GD/Guangzhou/Tianhe", groups.Name(groups.GroupOf(0)));
        Assert.Equal("residential in CN-GD/Guangzhou/Tianhe read daily", groups.Name(groups.GroupOf(12)));
        Assert.Equal(Enumerable.Range(12, 12), groups.Members(groups.GroupOf(23)));
    }

    [Theory]
    [InlineData(2.0, false, true)]
    [InlineData(1.5, false, true)]
    [InlineData(1.4, false, false)]
    [InlineData(4.0, true, false)]
    public void A_peer_is_kin_with_a_telling_shape_that_no_rise_or_declared_business_explains(double points, bool explained, bool kin)
    {
        var shape = new DetectorResult(new Evidence(LoadShapeDetector.Name, ScoreModel.Strength(points), "flat", points));
        Assert.Equal(kin, LoadShapeDetector.IsKin(shape, explained));
    }

    [Fact]
    public void Kin_share_counts_other_members_only_from_five_of_them()
    {
        var sites = Enumerable.Range(0, 20).Select(i => new Site($"M{i:D2}", CustomerClass.Public, "CN-GD/Guangzhou/Tianhe", "F1", 100)).ToList();
        var groups = new PeerGroups(sites);
        var four = new bool[20];
        for (var i = 0; i < 4; i++) four[i] = true;
        Assert.All(LoadShapeDetector.KinShares(groups, four), s => Assert.Equal(0, s));

        var six = new bool[20];
        for (var i = 0; i < 6; i++) six[i] = true;
        var shares = LoadShapeDetector.KinShares(groups, six);
        Assert.Equal(5 / 19.0, shares[0], 9); // a kin meter is not its own peer
        Assert.Equal(6 / 19.0, shares[10], 9);
    }

    [Fact]
    public void Ranks_are_dense_and_follow_the_score()
    {
        var meters = Result.Value.Meters;
        Assert.Equal(Enumerable.Range(1, meters.Count), meters.Select(m => m.Rank));
        Assert.True(meters.Zip(meters.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        Assert.Equal(meters.Count(m => m.Verdict == "suspect"), Result.Value.Summary.Suspects);
        Assert.All(meters, m => Assert.Equal(m.Score >= ScoreModel.SuspectThreshold ? "suspect" : "clear", m.Verdict));
    }
}
