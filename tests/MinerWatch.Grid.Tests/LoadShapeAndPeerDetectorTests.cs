using MinerWatch.Grid.Detection;
using MinerWatch.Grid.Input;

namespace MinerWatch.Grid.Tests;

public class LoadShapeAndPeerDetectorTests
{
    private static MeterFeatures Features(Func<int, int, double> kw, int days = 120) => MeterFeatures.Compute(TestData.Profile(days, kw));

    /// <summary>Irregular noise in [-0.5, 0.5), the same for the same day and hour.</summary>
    private static double Noise(int d, int h)
    {
        var x = Math.Sin(d * 12.9898 + h * 78.233) * 43758.5453;
        return x - Math.Floor(x) - 0.5;
    }

    private static double Farm(int d, int h) => 3.25 * (1 + 0.04 * Noise(d, h));

    [Fact]
    public void Flat_farm_has_the_shape_of_mining()
    {
        var f = Features(Farm);
        Assert.False(ChangePointDetector.IsCandidate(f));
        Assert.True(f.Cv < 0.03, $"cv {f.Cv}");
        Assert.True(f.LoadFactor > 0.95, $"load factor {f.LoadFactor}");
        Assert.Equal(1.0, f.FlatDayShare);
        Assert.Equal(1.0, f.NightDayRatio, 0.05);
        Assert.True(f.DailyCycle < 0.05 && f.WeeklyCycle < 0.02, $"{f.DailyCycle} {f.WeeklyCycle}");
        Assert.InRange(f.BaseVariation, 1e-4, 0.03);
    }

    [Fact]
    public void Home_has_a_daily_cycle_and_a_low_base()
    {
        var f = Features((d, h) => TestData.Home(d, h));
        Assert.True(f.DailyCycle > 1, $"daily cycle {f.DailyCycle}");
        Assert.True(f.BaseKw / f.MeanKw < 0.5, $"base share {f.BaseKw / f.MeanKw}");
        Assert.Equal(0, f.FlatDayShare);
        Assert.True(f.NightDayRatio < 0.7, $"night/day {f.NightDayRatio}");
    }

    [Fact]
    public void Load_shape_points_grow_with_flatness_and_size_against_peers()
    {
        var f = Features(Farm);
        var strong = LoadShapeDetector.Evaluate(f, constancyZ: 8, nightZ: 0, steadinessZ: 5, utilizationZ: 6, peerSwitching: 0, peerNightMachine: 0, "residential in CN-GD");
        Assert.NotNull(strong);
        // 0.5 x (8 - 2) = 3 for flatness, 0.5 x (5 - 1.5) = 1.75 for a steady floor, 2 for a night floor at one level.
        Assert.Equal(6.75, strong.Evidence.Points, 3);
        Assert.True(f.NightMachineIsFloor);
        Assert.Contains("as the floor of the load (100 % machine-like)", strong.Evidence.Detail);
        Assert.Contains("against residential in CN-GD", strong.Evidence.Detail);
        // The same shape at a site whose base load is ordinary for its peers (a refrigerator) counts nothing.
        Assert.Null(LoadShapeDetector.Evaluate(f, constancyZ: 8, nightZ: 0, steadinessZ: 5, utilizationZ: 0, peerSwitching: 0, peerNightMachine: 0, "residential"));
    }

    [Fact]
    public void A_night_floor_that_never_moves_is_standby_not_a_machine()
    {
        // A restaurant: an 8 kW floor held exactly by its controls every night, busy and noisy in the day.
        var f = Features((d, h) => 8 + (h is >= 10 and < 22 ? 15 * (1 + 0.3 * Math.Sin(d * 1.9)) : 0));
        Assert.True(f.NightMachineIsFloor);
        Assert.Equal(1, f.NightMachine, 3);
        Assert.True(f.BaseVariation < 1e-4, $"base variation {f.BaseVariation}");
        // Large for its peers or not, the floor earns nothing; the same floor wandering like a machine's does.
        Assert.Null(LoadShapeDetector.Evaluate(f, constancyZ: 0, nightZ: 0, steadinessZ: 0, utilizationZ: 6, peerSwitching: 0, peerNightMachine: 0, "commercial"));
        var machine = Features((d, h) => 8 * (1 + 0.01 * Noise(d, h)) + (h is >= 10 and < 22 ? 15 * (1 + 0.3 * Math.Sin(d * 1.9)) : 0));
        var r = LoadShapeDetector.Evaluate(machine, constancyZ: 0, nightZ: 0, steadinessZ: 0, utilizationZ: 6, peerSwitching: 0, peerNightMachine: 0, "commercial");
        Assert.NotNull(r);
        Assert.StartsWith("nights hold one level", r.Evidence.Detail);
    }

    [Fact]
    public void Stuck_meter_readings_are_not_a_flat_load()
    {
        var f = Features((_, _) => 1.5);
        Assert.Null(LoadShapeDetector.Evaluate(f, constancyZ: 10, nightZ: 0, steadinessZ: 10, utilizationZ: 10, peerSwitching: 0, peerNightMachine: 0, "residential"));
    }

    [Fact]
    public void Night_only_load_scores_on_the_night_day_ratio()
    {
        var f = Features((d, h) => TestData.Home(d, h) + (h < 7 ? 3 : 0));
        var r = LoadShapeDetector.Evaluate(f, constancyZ: 0, nightZ: 6.5, steadinessZ: 0, utilizationZ: 0, peerSwitching: 0, peerNightMachine: 0, "residential");
        Assert.NotNull(r);
        // 0.7 x (6.5 - 2.5) for the ratio, and 2 for a night held at one level 3 kW above the day's lowest.
        Assert.Equal(4.8, r.Evidence.Points, 3);
        Assert.Equal(1, f.NightMachine, 3);
        // The finding that earned the most points leads the detail; the rest follows.
        Assert.StartsWith($"night/day ratio {f.NightDayRatio:0.00} (z 6.5); nights hold one level", r.Evidence.Detail);
        Assert.InRange(f.NightBlockKw, 2.5, 3.0); // the night above the day's lowest hour, which is a little above the night base
    }

    [Fact]
    public void A_night_load_that_follows_the_weather_earns_less_than_half_the_ratio_points()
    {
        // Storage heating on a night tariff: 3 kW at night in the cold weeks, little in the mild ones.
        var f = Features((d, h) => TestData.Home(d, h) + (h < 7 ? 3 * Math.Max(0.05, Math.Sin(d / 9.0)) : 0));
        Assert.True(f.NightMachine < 0.2, $"night machine {f.NightMachine}");
        var r = LoadShapeDetector.Evaluate(f, constancyZ: 0, nightZ: 6.5, steadinessZ: 0, utilizationZ: 0, peerSwitching: 0, peerNightMachine: 0, "residential");
        Assert.NotNull(r);
        Assert.Equal(0.7 * (6.5 - 2.5) * (0.4 + 0.6 * f.NightMachine), r.Evidence.Points, 3);
    }

    [Fact]
    public void Machine_left_on_for_days_at_a_time_switches_the_daily_minimum()
    {
        // A busy restaurant (noisy days) whose floor jumps by 4 kW while a miner runs, on and off in blocks of days.
        var f = Features((d, h) => 4 + (h is >= 10 and < 22 ? 25 * (1 + 0.3 * Math.Sin(d * 1.9)) : 0) + (d % 13 < 6 ? 4 : 0));

        Assert.True(f.DaySwitching > 0.9, $"day switching {f.DaySwitching}");
        Assert.Equal(4, f.DaySwitchingKw, 0.3);
    }

    [Fact]
    public void One_holiday_shutdown_is_not_day_switching()
    {
        // A 24/7 plant with a still floor that stops for three weeks once.
        var f = Features((d, h) => d is >= 30 and < 51 ? 0.5 : 40 + (h is >= 8 and < 18 ? 30 * (1 + 0.2 * Math.Sin(d)) : 0));

        Assert.Equal(0, f.DaySwitching);
    }

    [Fact]
    public void Night_load_that_follows_the_weather_is_not_machine_like()
    {
        // A storage heater: on at night, harder on cold nights (the seasons swing it between 1 and 5 kW).
        var f = Features((d, h) => TestData.Home(d, h) + (h < 7 ? 3 + 2 * Math.Cos(d * 2 * Math.PI / 365) : 0));

        Assert.Equal(0, f.NightMachine);
    }

    [Fact]
    public void Night_machine_counts_only_beyond_what_peers_show()
    {
        var f = Features((d, h) => TestData.Home(d, h) + (h < 7 ? 3 : 0));

        var alone = LoadShapeDetector.Evaluate(f, constancyZ: 0, nightZ: 0, steadinessZ: 0, utilizationZ: 0, peerSwitching: 0, peerNightMachine: 0, "commercial");
        var likePeers = LoadShapeDetector.Evaluate(f, constancyZ: 0, nightZ: 0, steadinessZ: 0, utilizationZ: 0, peerSwitching: 0, peerNightMachine: 1, "other");

        Assert.Equal(2, alone!.Evidence.Points, 3);
        Assert.StartsWith("nights hold one level", alone.Evidence.Detail);
        Assert.Null(likePeers);
    }

    [Fact]
    public void Peers_compare_base_load_per_contracted_kw()
    {
        var site = new Site("M1", CustomerClass.Residential, "CN-GD", "F1", 10);
        var f = Features((d, h) => TestData.Home(d, h) + 4);
        var r = PeerDetector.Evaluate(site, f, utilZ: 6.5, peerUtil: 0.01, growthZ: 0, hasRise: false, "residential in CN-GD", intraday: true);
        Assert.NotNull(r);
        Assert.Equal(2.0, r.Evidence.Points, 3);
        Assert.StartsWith($"base load {f.BaseKw:0.##} kW is {f.BaseKw / 10:P1} of the contracted 10 kW against a median of 1.0 % for residential in CN-GD", r.Evidence.Detail);
        // The load above what a peer with the same contract draws at its floor.
        Assert.Equal(f.BaseKw - 0.1, r.MiningKw!.Value, 6);
        Assert.Null(PeerDetector.Evaluate(site, f, utilZ: 2, peerUtil: 0.01, growthZ: 0, hasRise: false, "residential", intraday: true));
    }

    [Fact]
    public void With_daily_readings_base_load_per_contracted_kw_counts_from_half_a_spread_above_the_peers()
    {
        var site = new Site("M1", CustomerClass.Residential, "CN-GD", "F1", 10);
        var f = Features((d, h) => TestData.Home(d, h) + 1);
        // z 2 earns nothing when the load shape can be read, and 0.5 x (2 - 0.5) = 0.75 points from daily totals.
        Assert.Null(PeerDetector.Evaluate(site, f, utilZ: 2, peerUtil: 0.01, growthZ: 0, hasRise: false, "residential", intraday: true));
        var daily = PeerDetector.Evaluate(site, f, utilZ: 2, peerUtil: 0.01, growthZ: 0, hasRise: false, "residential", intraday: false);
        Assert.NotNull(daily);
        Assert.Equal(0.75, daily.Evidence.Points, 3);
        Assert.Null(PeerDetector.Evaluate(site, f, utilZ: 0.5, peerUtil: 0.01, growthZ: 0, hasRise: false, "residential", intraday: false));
    }

    [Fact]
    public void Growth_counts_only_with_a_base_load_above_the_peers()
    {
        var site = new Site("M1", CustomerClass.Residential, "CN-GD", "F1", 10);
        var f = Features((d, h) => TestData.Home(d, h));
        // Consumption grew far beyond the peers' (z 6.75: 0.4 x 3.75 = 1.5 points), with the floor at the peers' median
        // (new habits or appliances) and with it well above (a machine that never switches off).
        Assert.Null(PeerDetector.Evaluate(site, f, utilZ: 0, peerUtil: 0.01, growthZ: 6.75, hasRise: false, "residential", intraday: true));
        var r = PeerDetector.Evaluate(site, f, utilZ: 2, peerUtil: 0.01, growthZ: 6.75, hasRise: false, "residential", intraday: true);
        Assert.NotNull(r);
        Assert.Equal(1.5, r.Evidence.Points, 3);
        Assert.Contains("consumption grew", r.Evidence.Detail);
    }
}
