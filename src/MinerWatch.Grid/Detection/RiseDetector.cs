namespace MinerWatch.Grid.Detection;

/// <summary>A sustained rise in a daily series: when, how large, and how much it looks like a new machine switched on.</summary>
/// <param name="Day">Index into the series of the first day at the new level.</param>
/// <param name="Before">Median level over the weeks before (kW).</param>
/// <param name="Size">Median level after minus before (kW).</param>
/// <param name="Z">Step over the robust spread of the days before.</param>
/// <param name="Sharpness">Rise across two weeks either side over <see cref="Size"/>: near 1 when a load is switched on at once, low for a seasonal ramp.</param>
/// <param name="SeenBefore">Share of all earlier days already at the new level: near 0 for a load never seen before, high when a season returns.</param>
/// <param name="Persistence">Share of later days that stay at the new level.</param>
/// <param name="Variability">Robust coefficient of variation of the added load after the step: low for a machine, high for weather-driven load.</param>
public sealed record Rise(int Day, double Before, double Size, double Z, double Sharpness, double SeenBefore, double Persistence, double Variability)
{
    public double After => Before + Size;
}

/// <summary>
/// Finds the largest sustained upward step in a daily series with missing days (NaN). Candidates come from a
/// moving difference of 28-day means (linear time via prefix sums); the best few are re-measured with medians
/// over 56 days so a holiday or a gap cannot fake or hide a step.
/// </summary>
public static class RiseDetector
{
    public const int Window = 56;
    private const int SearchWindow = 28;
    private const int MinSide = 10;
    private const int Candidates = 6;

    public static Rise? FindRise(ReadOnlySpan<double> x)
    {
        var rises = FindRises(x, 1);
        return rises.Count == 0 ? null : rises[0];
    }

    /// <summary>
    /// Up to <paramref name="count"/> rises four weeks or more apart, strongest first. The strongest is not always the
    /// telling one: a school back from its winter break rises far more than when a farm is added in its rooms later.
    /// </summary>
    /// <param name="withVariability">False leaves <see cref="Rise.Variability"/> at 1 for the caller to measure with
    /// <see cref="WithVariability"/> on the rises it keeps: two medians over every later day are the search's dearest part.</param>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static List<Rise> FindRises(ReadOnlySpan<double> x, int count, bool withVariability = true)
    {
        var result = new List<Rise>(Candidates);
        var n = x.Length;
        if (n < 2 * MinSide + 2) return result;
        Span<double> prefix = n <= 2048 ? stackalloc double[n + 1] : new double[n + 1];
        Span<int> counts = n <= 2048 ? stackalloc int[n + 1] : new int[n + 1];
        for (var i = 0; i < n; i++)
        {
            var finite = double.IsFinite(x[i]);
            prefix[i + 1] = prefix[i] + (finite ? x[i] : 0);
            counts[i + 1] = counts[i] + (finite ? 1 : 0);
        }
        Span<double> diffs = n <= 2048 ? stackalloc double[n] : new double[n];
        diffs.Clear();
        for (var t = MinSide; t <= n - MinSide; t++)
        {
            int a0 = Math.Max(0, t - SearchWindow), a1 = Math.Min(n, t + SearchWindow);
            int cb = counts[t] - counts[a0], ca = counts[a1] - counts[t];
            if (cb < MinSide || ca < MinSide) continue;
            diffs[t] = (prefix[a1] - prefix[t]) / ca - (prefix[t] - prefix[a0]) / cb;
        }
        // The largest few moving differences, each re-measured with medians. The difference of 28-day means is raised
        // for 28 days either side of a step, so the neighbourhood of each pick is cleared that far: its shoulders are
        // the same step again, and would crowd out a second one.
        Span<double> scratch = stackalloc double[2 * Window + 16];
        for (var k = 0; k < Candidates; k++)
        {
            var arg = -1;
            for (var t = 0; t < n; t++)
                if (diffs[t] > 0 && (arg < 0 || diffs[t] > diffs[arg])) arg = t;
            if (arg < 0) break;
            diffs[Math.Max(0, arg - SearchWindow)..Math.Min(n, arg + SearchWindow + 1)].Clear();
            if (Measure(x, arg, scratch, withVariability: false) is { } step) result.Add(step);
        }
        result.Sort((a, b) => Strength(b).CompareTo(Strength(a)));
        if (result.Count > count) result.RemoveRange(count, result.Count - count);
        if (withVariability)
            for (var i = 0; i < result.Count; i++) result[i] = WithVariability(x, result[i]);
        return result;
    }

    /// <summary>How strongly a rise reads as a new load: clear, sudden and to a level not seen before (a return from a holiday is not new).</summary>
    public static double Strength(Rise r) =>
        Math.Min(r.Z, 50) * Math.Min(1, r.Sharpness + 0.3) * (1 - r.SeenBefore) * (1 - r.SeenBefore) * Math.Log2(1 + r.Size / Math.Max(r.Before, 0.05));

    /// <summary>Measures a rise at day <paramref name="t"/> with medians, and refines the day to the first one at the new level.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static Rise? Measure(ReadOnlySpan<double> x, int t, Span<double> scratch = default, bool withVariability = true)
    {
        var n = x.Length;
        if (scratch.Length < 2 * Window + 16) scratch = new double[2 * Window + 16];
        // Each window is copied once: its finite values give the median, and the days before also their spread.
        FiniteWindows(x, t, scratch, out var beforeDays, out var afterDays);
        var small = scratch[(2 * Window)..];
        if (beforeDays.Length < MinSide || afterDays.Length < MinSide) return null;
        var before = Robust.QuantileOfFinite(beforeDays, 0.5);
        var after = Robust.QuantileOfFinite(afterDays, 0.5);
        var step = after - before;
        if (!(step > 0)) return null;
        var mid = before + step / 2;
        // The first day at the new level that the following days confirm.
        var onset = t;
        for (var d = Math.Max(1, t - 10); d <= Math.Min(n - 3, t + 10); d++)
        {
            if (!(x[d] >= mid)) continue;
            var next = x[d..Math.Min(n, d + 5)];
            if (Robust.Median(next, small) >= mid)
            {
                onset = d;
                break;
            }
        }
        var spread = Robust.ScaledMadOfFinite(beforeDays, before);
        var floor = Math.Max(0.02 * Math.Abs(before), 0.01);
        var z = step / Math.Max(double.IsFinite(spread) ? spread : 0, floor);
        // Two weeks either side: a farm installed in batches over a fortnight is still sudden; a season takes months.
        var shortBefore = Robust.Median(x[Math.Max(0, onset - 14)..onset], scratch[Window..]);
        var shortAfter = Robust.Median(x[onset..Math.Min(n, onset + 14)], scratch[Window..]);
        var sharpness = double.IsFinite(shortBefore) && double.IsFinite(shortAfter) ? Math.Clamp((shortAfter - shortBefore) / step, 0, 1.5) : 0.5;
        int seen = 0, earlier = 0;
        for (var d = 0; d < Math.Max(0, onset - 3); d++)
        {
            if (!double.IsFinite(x[d])) continue;
            earlier++;
            if (x[d] >= mid) seen++;
        }
        int kept = 0, later = 0;
        for (var d = onset; d < n; d++)
        {
            if (!double.IsFinite(x[d])) continue;
            later++;
            if (x[d] >= mid) kept++;
        }
        var rise = new Rise(onset, before, step, z, sharpness, earlier == 0 ? 0 : (double)seen / earlier, later == 0 ? 0 : (double)kept / later, 1);
        return withVariability ? rise with { Variability = Variability(x, rise) } : rise;
    }

    /// <summary>The rise with its <see cref="Rise.Variability"/> measured on the series it was found in.</summary>
    public static Rise WithVariability(ReadOnlySpan<double> x, Rise rise) => rise with { Variability = Variability(x, rise) };

    /// <summary>Robust coefficient of variation of the load added since the rise (1 when nothing was added).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static double Variability(ReadOnlySpan<double> x, Rise rise)
    {
        var length = x.Length - rise.Day;
        Span<double> added = length <= 1024 ? stackalloc double[length] : new double[length];
        var n = 0;
        for (var d = rise.Day; d < x.Length; d++)
            if (double.IsFinite(x[d])) added[n++] = x[d] - rise.Before;
        if (n == 0) return 1;
        var median = Robust.QuantileOfFinite(added[..n], 0.5);
        return median > 0 ? Robust.ScaledMadOfFinite(added[..n], median) / median : 1;
    }

    /// <summary>The rise of a series across a given day, medians of the windows either side (kW); NaN when a side is thin.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static double RiseAt(ReadOnlySpan<double> x, int day, Span<double> scratch = default)
    {
        var n = x.Length;
        if (day <= 0 || day >= n) return double.NaN;
        if (scratch.Length < 2 * Window) scratch = new double[2 * Window];
        FiniteWindows(x, day, scratch, out var before, out var after);
        if (before.Length < MinSide / 2 || after.Length < MinSide / 2) return double.NaN;
        return Robust.QuantileOfFinite(after, 0.5) - Robust.QuantileOfFinite(before, 0.5);
    }

    /// <summary>
    /// The finite days of the <see cref="Window"/> days before day <paramref name="t"/> and from it on, copied into the
    /// first and second <see cref="Window"/> places of <paramref name="scratch"/>.
    /// </summary>
    private static void FiniteWindows(ReadOnlySpan<double> x, int t, Span<double> scratch, out Span<double> before, out Span<double> after)
    {
        before = scratch[..Window];
        after = scratch[Window..(2 * Window)];
        before = before[..Robust.CopyFinite(x[Math.Max(0, t - Window)..t], before)];
        after = after[..Robust.CopyFinite(x[t..Math.Min(x.Length, t + Window)], after)];
    }
}
