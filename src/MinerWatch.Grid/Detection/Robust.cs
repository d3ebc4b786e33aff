namespace MinerWatch.Grid.Detection;

/// <summary>Order statistics that ignore missing values (NaN) and resist outliers.</summary>
public static class Robust
{
    /// <summary>Median of the finite values; NaN when there are none. Uses <paramref name="scratch"/> when big enough.</summary>
    public static double Median(ReadOnlySpan<double> values, Span<double> scratch = default) => Quantile(values, 0.5, scratch);

    public static double Quantile(ReadOnlySpan<double> values, double q, Span<double> scratch = default)
    {
        var buffer = scratch.Length >= values.Length ? scratch : new double[values.Length];
        var n = 0;
        foreach (var v in values)
            if (double.IsFinite(v)) buffer[n++] = v;
        if (n == 0) return double.NaN;
        var s = buffer[..n];
        s.Sort();
        var pos = q * (n - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, n - 1);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }

    /// <summary>Median absolute deviation scaled by 1.4826 to estimate a standard deviation.</summary>
    public static double ScaledMad(ReadOnlySpan<double> values, double median, Span<double> scratch = default)
    {
        var buffer = scratch.Length >= values.Length ? scratch : new double[values.Length];
        var n = 0;
        foreach (var v in values)
            if (double.IsFinite(v)) buffer[n++] = Math.Abs(v - median);
        if (n == 0) return double.NaN;
        return 1.4826 * Median(buffer[..n], buffer[..n]);
    }

    public static int CountFinite(ReadOnlySpan<double> values)
    {
        var n = 0;
        foreach (var v in values) if (double.IsFinite(v)) n++;
        return n;
    }

    public static double Mean(ReadOnlySpan<double> values)
    {
        double s = 0;
        var n = 0;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) continue;
            s += v;
            n++;
        }
        return n == 0 ? double.NaN : s / n;
    }

    /// <summary>Robust z-score of <paramref name="value"/> against a group's median and scaled MAD, with a floor on the spread.</summary>
    public static double Z(double value, double median, double mad, double minSpread)
    {
        if (!double.IsFinite(value) || !double.IsFinite(median)) return 0;
        var spread = Math.Max(double.IsFinite(mad) ? mad : 0, minSpread);
        return (value - median) / spread;
    }
}
