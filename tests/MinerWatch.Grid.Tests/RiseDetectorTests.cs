using CsCheck;
using MinerWatch.Grid.Detection;

namespace MinerWatch.Grid.Tests;

public class RiseDetectorTests
{
    private static double Wobble(int d) => 0.05 * Math.Sin(d * 1.7) + 0.03 * Math.Cos(d * 0.9);

    [Fact]
    public void Finds_a_step_its_day_size_and_character()
    {
        var x = Enumerable.Range(0, 300).Select(d => (d < 180 ? 1.0 : 4.0) + Wobble(d)).ToArray();
        var r = RiseDetector.FindRise(x);
        Assert.NotNull(r);
        Assert.Equal(180, r.Day);
        Assert.Equal(3.0, r.Size, 1);
        Assert.True(r.Z > 20, $"z {r.Z}");
        Assert.True(r.Sharpness > 0.9, $"sharpness {r.Sharpness}");
        Assert.Equal(0, r.SeenBefore);
        Assert.Equal(1, r.Persistence);
        Assert.True(r.Variability < 0.05, $"variability {r.Variability}");
    }

    [Fact]
    public void Ignores_missing_days_around_the_step()
    {
        var x = Enumerable.Range(0, 200).Select(d => d is >= 95 and < 110 ? double.NaN : (d < 100 ? 2.0 : 5.0) + Wobble(d)).ToArray();
        var r = RiseDetector.FindRise(x);
        Assert.NotNull(r);
        Assert.InRange(r.Day, 110, 111);
        Assert.Equal(3.0, r.Size, 1);
    }

    [Fact]
    public void A_holiday_shutdown_is_not_a_rise()
    {
        var x = Enumerable.Range(0, 200).Select(d => (d is >= 80 and < 94 ? 0.3 : 3.0) + Wobble(d)).ToArray();
        var r = RiseDetector.FindRise(x);
        // Whatever the best candidate, the level after it was the normal level before the holiday.
        Assert.True(r is null || r.Size < 0.5 || r.SeenBefore > 0.5, r?.ToString());
    }

    [Fact]
    public void A_returning_season_is_recognised_as_seen_before()
    {
        // Winter, summer, winter again: the autumn rise returns to the level of the first winter.
        var x = Enumerable.Range(0, 365).Select(d => 1 + 2 * Math.Max(0, Math.Cos(2 * Math.PI * d / 365)) + Wobble(d)).ToArray();
        var r = RiseDetector.FindRise(x);
        Assert.NotNull(r);
        Assert.True(r.SeenBefore > 0.2, $"seen before {r.SeenBefore}");
        Assert.True(r.Sharpness < 0.5, $"sharpness {r.Sharpness}");
    }

    [Fact]
    public void Too_short_a_series_has_no_rise() => Assert.Null(RiseDetector.FindRise(new double[15]));

    [Fact]
    public void Any_step_in_a_flat_series_is_found_within_a_day() =>
        Gen.Select(Gen.Int[30, 250], Gen.Double[0.5, 20]).Sample(t =>
        {
            var (day, size) = t;
            var x = Enumerable.Range(0, 280).Select(d => 2.0 + (d >= day ? size : 0) + Wobble(d)).ToArray();
            var r = RiseDetector.FindRise(x);
            Assert.NotNull(r);
            Assert.InRange(r.Day, day - 1, day + 1);
            Assert.Equal(size, r.Size, size * 0.1);
        }, iter: 200);
}
