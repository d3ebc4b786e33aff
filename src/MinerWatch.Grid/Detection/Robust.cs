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
        var n = CopyFinite(values, buffer);
        return n == 0 ? double.NaN : QuantileOfFinite(buffer[..n], q);
    }

    /// <summary>Copies the finite values into <paramref name="buffer"/> (at least as long as the values); returns how many.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static int CopyFinite(ReadOnlySpan<double> values, Span<double> buffer)
    {
        var n = 0;
        foreach (var v in values)
            if (double.IsFinite(v)) buffer[n++] = v;
        return n;
    }

    /// <summary>
    /// <see cref="Quantile"/> of values that are all finite (at least one), reordering them in place: for callers that
    /// take several statistics of one window and copy it once.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static double QuantileOfFinite(Span<double> s, double q)
    {
        var n = s.Length;
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
        var n = CopyFinite(values, buffer);
        return n == 0 ? double.NaN : ScaledMadOfFinite(buffer[..n], median);
    }

    /// <summary><see cref="ScaledMad"/> of values that are all finite (at least one), overwriting them with their deviations.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static double ScaledMadOfFinite(Span<double> s, double median)
    {
        for (var i = 0; i < s.Length; i++) s[i] = Math.Abs(s[i] - median);
        return 1.4826 * QuantileOfFinite(s, 0.5);
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
