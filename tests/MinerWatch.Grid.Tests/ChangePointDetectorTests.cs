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

    /// <summary>A shop open 9:00-19:00 every day with a lunchtime and an evening peak (noisy from day to day).</summary>
    private static double Shop(int d, int h) =>
        2 + (h is >= 9 and < 19 ? 18 + 8 * Math.Sin((h - 9) / 10.0 * Math.PI) : 0) * (1 + 0.25 * Math.Sin(d * 1.7) * Math.Cos(d * 0.61));

    [Fact]
    public void Machines_run_in_working_hours_show_in_the_daytime_mean_at_one_level()
    {
        // From day 200, 20 kW of miners from 9:00 to 17:00: the mean moves by a fifth of the shop's swing, the middle of the day by half.
        var (f, r, p) = Run((d, h) => Shop(d, h) + (d >= 200 && h is >= 9 and < 17 ? 20 : 0));

        Assert.NotNull(r);
        Assert.Equal(AddedLoad.Switched, f.Added);
        Assert.Equal("daytime mean", f.RiseSeries);
        Assert.Equal(p.FirstDay + 200, r.OnsetDay);
        Assert.Equal(20, f.PlateauKw, 1.5);
        Assert.Contains("rise in the daytime mean on 2025-07-20", r.Evidence.Detail);
    }

    [Fact]
    public void Machines_run_in_the_evening_show_in_the_daily_peak()
    {
        // From day 200, 25 kW of miners from 16:00 to 20:00, after the daytime hours: only the peak shows them whole.
        var (f, r, p) = Run((d, h) => Shop(d, h) + (d >= 200 && h is >= 16 and < 20 ? 25 : 0));

        Assert.NotNull(r);
        Assert.Equal(AddedLoad.Switched, f.Added);
        Assert.Equal("daily peak", f.RiseSeries);
        Assert.Equal(p.FirstDay + 200, r.OnsetDay);
        Assert.Contains("rise in the daily peak on 2025-07-20", r.Evidence.Detail);
    }

    /// <summary>An office: 25 kW in working hours on working days, 3 kW at night and at weekends.</summary>
    private static double Office(int d, int h)
    {
        var dow = (int)((TestData.Jan1 + d + 3) % 7); // 0 = Monday
        return 3 + (dow < 5 && h is >= 8 and < 18 ? 22 * (1 + 0.08 * Math.Sin(d * 2.3)) : 0);
    }

    [Fact]
    public void Rise_on_working_days_only_is_found_apart_from_the_weekends()
    {
        // From day 180, 12 kW of miners on working days only, 8:00-18:00, as if part of the office.
        var kw = (int d, int h) => Office(d, h) + (d >= 180 && (int)((TestData.Jan1 + d + 3) % 7) < 5 && h is >= 8 and < 18 ? 12 : 0);
        var (f, r, p) = Run(kw);

        // Over all days the weekends' low level makes the step look like noise.
        Assert.True(RiseDetector.FindRise(p.MeanKw)!.Z < 4);
        Assert.True(r is not null, $"{f.RiseSeries}: {f.Rise} {f.Added}");
        Assert.StartsWith("working-day", f.RiseSeries);
        Assert.InRange(r.OnsetDay!.Value - p.FirstDay, 179, 182);
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

    private static MeterFeatures WithRise(AddedLoad added, double variability) => new()
    {
        ValidDays = 300,
        Added = added,
        Rise = new Rise(Day: 150, Before: 1, Size: 2, Z: 20, Sharpness: 1, SeenBefore: 0, Persistence: 0.9, Variability: variability),
    };

    [Theory]
    [InlineData(AddedLoad.NightOnly, 0.5, 1.5, 0.4)]
    [InlineData(AddedLoad.AroundTheClock, 0.5, 1.5, 0.5)]
    [InlineData(AddedLoad.Switched, 0.5, 2.5, 0.5)]
    public void Added_load_that_varies_far_more_than_machines_weighs_less(AddedLoad added, double steady, double erratic, double ratio)
    {
        // The same rise; only how much the added load varies from day to day differs (heating on a timer, not machines).
        Assert.Equal(ratio, ChangePointDetector.Points(WithRise(added, erratic)) / ChangePointDetector.Points(WithRise(added, steady)), 6);
    }

    [Fact]
    public void A_rise_in_the_first_days_read_weighs_less()
    {
        // 2 kW around the clock from day 7: only a week shows what came before.
        var (_, early, _) = Run((d, h) => TestData.Home(d, h) + (d >= 7 ? 2 : 0));
        var (_, later, _) = Run((d, h) => TestData.Home(d, h) + (d >= 100 ? 2 : 0));
        Assert.NotNull(early);
        Assert.NotNull(later);
        Assert.Equal(7, early.OnsetDay - TestData.Profile(1, (_, _) => 1).FirstDay);
        Assert.Equal(0.35, early.Evidence.Points / later.Evidence.Points, 2);
    }

    [Fact]
    public void A_rise_worth_under_half_a_point_is_no_evidence()
    {
        // The same 1 kW ran from the first day, stopped, came back for a while and stopped again: a level seen before,
        // not kept to the end, is no new load.
        var (f, r, _) = Run((d, h) => TestData.Home(d, h) + (d is < 100 or (>= 180 and < 240) ? 1 : 0));
        Assert.True(ChangePointDetector.IsCandidate(f));
        Assert.True(ChangePointDetector.Points(f) < ChangePointDetector.MinPoints, $"points {ChangePointDetector.Points(f)}");
        Assert.Null(r);
    }

    [Fact]
    public void A_rise_many_peers_shared_weighs_less_even_when_steady()
    {
        var p = TestData.Profile(300, (d, h) => TestData.Home(d, h) + (d >= 200 ? 3.25 : 0));
        var f = MeterFeatures.Compute(p);
        var alone = ChangePointDetector.Evaluate(p, f, synchrony: 0)!.Evidence.Points;
        // Twice the chance rate: no discount. Four times: 0.65, above the 0.6 a steady load keeps. Eight times: 0.3, the
        // floor no longer holds (heaters on timers switched on for the winter are steady too).
        Assert.Equal(alone, ChangePointDetector.Evaluate(p, f, synchrony: 2)!.Evidence.Points, 3);
        Assert.Equal(0.65 * alone, ChangePointDetector.Evaluate(p, f, synchrony: 4)!.Evidence.Points, 2);
        Assert.Equal(0.3 * alone, ChangePointDetector.Evaluate(p, f, synchrony: 8)!.Evidence.Points, 2);
    }

    [Fact]
    public void A_switched_load_with_a_households_peaks_weighs_half_of_one_at_one_level()
    {
        // A 2 kW rise on 1 kW: basis min(2, 1 + log2(3)) = 2. New tenants' peaks (no plateau) keep half of it; machines
        // at one level keep all of it and add 1.5 for their character.
        var tenants = WithRise(AddedLoad.Switched, 0.5);
        Assert.Equal(1.0, ChangePointDetector.Points(tenants), 6);
        Assert.Equal(3.5, ChangePointDetector.Points(tenants with { Plateau = 1 }), 6);
    }
}
