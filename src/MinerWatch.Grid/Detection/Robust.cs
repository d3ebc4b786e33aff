namespace MinerWatch.Grid.Detection;

/// <summary>Order statistics that ignore missing values (NaN) and resist outliers.</summary>
public static class Robust
{
    /// <summary>Median of the finite values; NaN when there are none. Uses <paramref name="scratch"/> when big enough.</summary>
    public static double Median(ReadOnlySpan<double> values, Span<double> scratch = default) => Quantile(values, 0.5, scratch);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static double Quantile(ReadOnlySpan<double> values, double q, Span<double> scratch = default)
    {
        var buffer = scratch.Length >= values.Length ? scratch : new double[values.Length];
        var n = 0;
        foreach (var v in values)
            if (double.IsFinite(v)) buffer[n++] = v;
        if (n == 0) return double.NaN;
        var s = buffer[..n];
        var pos = q * (n - 1);
        var lo = (int)Math.Floor(pos);
        var low = Select(s, lo);
        if (lo + 1 >= n || pos == lo) return low;
        // After selecting rank lo, everything to its right is at least as large: the next rank is their minimum.
        var high = double.PositiveInfinity;
        foreach (var v in s[(lo + 1)..]) high = Math.Min(high, v);
        return low + (high - low) * (pos - lo);
    }

    /// <summary>
    /// The k-th smallest value (0-based), partially reordering <paramref name="values"/> (Hoare's selection with a
    /// median-of-three pivot). Written here because .NET has no selection algorithm and full sorts dominated the cost
    /// of the change-point search, which takes many medians per meter.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static double Select(Span<double> values, int k)
    {
        int left = 0, right = values.Length - 1;
        while (right > left)
        {
            var mid = left + (right - left) / 2;
            if (values[mid] < values[left]) (values[mid], values[left]) = (values[left], values[mid]);
            if (values[right] < values[left]) (values[right], values[left]) = (values[left], values[right]);
            if (values[right] < values[mid]) (values[right], values[mid]) = (values[mid], values[right]);
            var pivot = values[mid];
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i > j) break;
                (values[i], values[j]) = (values[j], values[i]);
                i++;
                j--;
            }
            if (k <= j) right = j;
            else if (k >= i) left = i;
            else return values[k];
        }
        return values[k];
    }

    /// <summary>Median absolute deviation scaled by 1.4826 to estimate a standard deviation.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static double ScaledMad(ReadOnlySpan<double> values, double median, Span<double> scratch = default)
    {
        var buffer = scratch.Length >= values.Length ? scratch : new double[values.Length];
        var n = 0;
        foreach (var v in values)
            if (double.IsFinite(v)) buffer[n++] = Math.Abs(v - median);
        if (n == 0) return double.NaN;
        return 1.4826 * Median(buffer[..n], buffer[..n]);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static int CountFinite(ReadOnlySpan<double> values)
    {
        var n = 0;
        foreach (var v in values) if (double.IsFinite(v)) n++;
        return n;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
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
