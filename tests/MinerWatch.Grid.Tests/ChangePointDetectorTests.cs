using MinerWatch.Grid.Detection;

namespace MinerWatch.Grid.Tests;

public class ChangePointDetectorTests
{
    private static (MeterFeatures Features, DetectorResult? Result, Profiles.DailyProfile Profile) Run(Func<int, int, double> kw, int days = 300)
    {
        var p = TestData.Profile(days, kw);
        var f = MeterFeatures.Compute(p);
        return (f, ChangePointDetector.Evaluate(p, f), p);
    }

    [Fact]
    public void Home_with_one_S19_from_day_200_reads_as_an_around_the_clock_load()
    {
        var (f, r, p) = Run((d, h) => TestData.Home(d, h) + (d >= 200 ? 3.25 : 0));
        Assert.Equal(AddedLoad.AroundTheClock, f.Added);
        Assert.NotNull(r);
        Assert.Equal(p.FirstDay + 200, r.OnsetDay);
        Assert.Equal(3.25, r.MiningKw!.Value, 1);
        Assert.True(r.Evidence.Points >= 4, $"points {r.Evidence.Points}");
        Assert.Contains("on 2025-07-20", r.Evidence.Detail);
        Assert.Contains("within 0 % of 1 x Antminer S19 (95T) (3.25 kW)", r.Evidence.Detail);
    }

    [Fact]
    public void Night_only_miner_reads_as_a_night_load()
    {
        var (f, r, _) = Run((d, h) => TestData.Home(d, h) + (d >= 150 && (h >= 22 || h < 7) ? 4 : 0));
        Assert.Equal(AddedLoad.NightOnly, f.Added);
        Assert.NotNull(r);
        Assert.Equal(4, r.MiningKw!.Value, 0.3);
        Assert.Contains("runs at night", r.Evidence.Detail);
    }

    [Fact]
    public void New_tenant_with_a_normal_daily_cycle_gains_few_points()
    {
        // Vacant until day 120, then an ordinary household.
        var (f, r, _) = Run((d, h) => d < 120 ? 0.05 : TestData.Home(d, h));
        Assert.NotEqual(AddedLoad.AroundTheClock, f.Added);
        Assert.True(r is null || r.Evidence.Points < 2.5, r?.Evidence.ToString());
    }

    [Fact]
    public void Miners_switched_on_in_opening_hours_read_as_machines_not_as_a_new_tenant()
    {
        var (f, r, _) = Run((d, h) => TestData.Home(d, h) + (d >= 150 && h is >= 9 and < 19 ? 6 : 0));
        Assert.Equal(AddedLoad.Switched, f.Added);
        Assert.True(f.Plateau > 0.8, $"plateau {f.Plateau}");
        Assert.Equal(6, f.PlateauKw, 0.3);
        Assert.NotNull(r);
        Assert.Contains("at one level of", r.Evidence.Detail);
        var (_, tenant, _) = Run((d, h) => d < 120 ? 0.05 : TestData.Home(d, h));
        Assert.True(tenant is null || tenant.Evidence.Points < r.Evidence.Points - 1, $"{tenant?.Evidence.Points} vs {r.Evidence.Points}");
    }

    [Fact]
    public void Steady_home_has_no_change_point()
    {
        var (_, r, _) = Run((d, h) => TestData.Home(d, h));
        Assert.Null(r);
    }

    [Fact]
    public void Winter_heating_that_returns_scores_far_below_a_miner()
    {
        // Electric heating: on from the start of the year, off in summer, back in November, varying with the weather.
        double Heating(int d, int h) => TestData.Home(d, h) + Math.Max(0, 3 * Math.Cos(2 * Math.PI * d / 365)) * (1 + 0.3 * Math.Sin(d * 0.7));
        var (_, heating, _) = Run(Heating, 365);
        var (_, miner, _) = Run((d, h) => TestData.Home(d, h) + (d >= 300 ? 3 : 0), 365);
        Assert.NotNull(miner);
        Assert.True(heating is null || heating.Evidence.Points < miner.Evidence.Points / 3, $"{heating?.Evidence.Points} vs {miner.Evidence.Points}");
    }
}
