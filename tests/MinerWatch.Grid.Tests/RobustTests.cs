using CsCheck;
using MinerWatch.Grid.Detection;

namespace MinerWatch.Grid.Tests;

public class RobustTests
{
    [Fact]
    public void Quantiles_match_a_full_sort_and_ignore_missing_values() =>
        Gen.Double[-1000, 1000].Array[1, 200].Select(Gen.Double[0, 1]).Sample(t =>
        {
            var (values, q) = t;
            var withGaps = values.Select((v, i) => i % 7 == 3 ? double.NaN : v).ToArray();
            var sorted = withGaps.Where(double.IsFinite).Order().ToArray();
            if (sorted.Length == 0) return;
            var pos = q * (sorted.Length - 1);
            var lo = (int)Math.Floor(pos);
            var hi = Math.Min(lo + 1, sorted.Length - 1);
            var expected = sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
            Assert.Equal(expected, Robust.Quantile(withGaps, q), 9);
        });

    [Fact]
    public void Median_and_scaled_mad_of_known_values()
    {
        double[] values = [1, 2, 3, 4, 100, double.NaN];
        Assert.Equal(3, Robust.Median(values));
        Assert.Equal(1.4826, Robust.ScaledMad(values, 3), 9);
        Assert.True(double.IsNaN(Robust.Median([double.NaN])));
        Assert.Equal(2.5, Robust.Median([4, 1, 3, 2]));
    }
}
