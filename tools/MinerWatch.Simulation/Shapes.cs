namespace MinerWatch.Simulation;

/// <summary>Small shape functions shared by the load models; hours are local clock hours.</summary>
internal static class Shapes
{
    /// <summary>Gaussian bump on the 24 h circle.</summary>
    public static double Bump(double h, double centre, double width)
    {
        var d = h - centre;
        if (d > 12)
            d -= 24;
        else if (d < -12)
            d += 24;
        return Math.Exp(-0.5 * d * d / (width * width));
    }

    /// <summary>
    /// 1 between <paramref name="open"/> and <paramref name="close"/> with linear edges of
    /// <paramref name="ramp"/> hours; close may pass midnight (e.g. 26 = 02:00 next day).
    /// </summary>
    public static double Window(double h, double open, double close, double ramp)
    {
        if (double.IsNaN(open) || close <= open)
            return 0;
        if (close > 24 && h < open - (ramp / 2))
            h += 24;
        var up = Math.Clamp(((h - open) / ramp) + 0.5, 0, 1);
        var down = Math.Clamp(((close - h) / ramp) + 0.5, 0, 1);
        return Math.Min(up, down);
    }

    /// <summary>
    /// Adds a constant power between two absolute times (hours from the start of the period),
    /// spread over the steps it overlaps; parts outside the period are dropped.
    /// </summary>
    public static void AddBlock(Span<double> kw, double stepHours, double start, double end, double power)
    {
        if (end <= start || power == 0)
            return;
        var first = Math.Max(0, (int)Math.Floor(start / stepHours));
        var last = Math.Min(kw.Length - 1, (int)Math.Ceiling(end / stepHours) - 1);
        for (var i = first; i <= last; i++)
        {
            var overlap = Math.Min(end, (i + 1) * stepHours) - Math.Max(start, i * stepHours);
            if (overlap > 0)
                kw[i] += power * overlap / stepHours;
        }
    }

    /// <summary>
    /// Share of [t0, t1) that a compressor cycling with the given period and duty is running:
    /// coarse steps average the cycle, fine steps show it.
    /// </summary>
    public static double DutyFraction(double t0, double t1, double period, double duty, double phase)
    {
        duty = Math.Clamp(duty, 0, 1);
        return (OnTime(t1, period, duty, phase) - OnTime(t0, period, duty, phase)) / (t1 - t0);
    }

    private static double OnTime(double t, double period, double duty, double phase)
    {
        var x = t - phase;
        var cycles = Math.Floor(x / period);
        var within = x - (cycles * period);
        return (cycles * duty * period) + Math.Min(within, duty * period);
    }

    /// <summary>Standard sizes (kVA or kW) a utility actually installs.</summary>
    private static readonly double[] StandardRatings =
    [
        50, 100, 160, 200, 250, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000, 2500, 3150, 4000,
        5000, 6300, 8000, 10000, 12500, 16000, 20000, 25000, 31500, 40000,
    ];

    public static double StandardRatingAbove(double kva)
    {
        foreach (var r in StandardRatings)
        {
            if (r >= kva)
                return r;
        }
        return Math.Ceiling(kva / 10000) * 10000;
    }

    /// <summary>Rounds a contracted capacity the way tariffs are sold: coarser steps for bigger sites.</summary>
    public static double RoundContract(double kw) => kw switch
    {
        < 20 => Math.Max(1, Math.Round(kw)),
        < 100 => Math.Round(kw / 5) * 5,
        < 1000 => Math.Round(kw / 10) * 10,
        _ => Math.Round(kw / 50) * 50,
    };
}
