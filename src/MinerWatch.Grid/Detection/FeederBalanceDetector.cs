using MinerWatch.Grid.Input;
using MinerWatch.Grid.Profiles;
using MinerWatch.Grid.Scan;

namespace MinerWatch.Grid.Detection;

/// <summary>What a feeder's balance shows: its daily loss (head meter minus customers) and the rise in it, if any.</summary>
public sealed record FeederBalance(string FeederId, long FirstDay, double[] LossKw, double MeanHeadKw, Rise? LossRise);

/// <summary>
/// Detector 5: energy into a feeder minus the sum of its customers' meters. A sudden, lasting rise in that loss
/// is load that no meter records (a bypass or a tampered meter). The customer whose own meter changed on the
/// same days, and who has the connection capacity to carry the hidden load, explains it best.
/// </summary>
public static class FeederBalanceDetector
{
    public const string Name = "feeder_balance";

    public static FeederBalance Balance(string feederId, DailyProfile head, IReadOnlyList<DailyProfile> customers)
    {
        var loss = new double[head.Days];
        var typical = customers.Select(c => Robust.Median(c.MeanKw)).ToArray();
        for (var i = 0; i < head.Days; i++)
        {
            var h = head.MeanKw[i];
            if (double.IsNaN(h))
            {
                loss[i] = double.NaN;
                continue;
            }
            var day = head.FirstDay + i;
            double sum = 0;
            for (var c = 0; c < customers.Count; c++)
            {
                var v = customers[c].MeanAt(day);
                // A customer's missing day is filled with its typical level so a gap in one meter does not read as loss.
                sum += double.IsNaN(v) ? (double.IsFinite(typical[c]) ? typical[c] : 0) : v;
            }
            loss[i] = h - sum;
        }
        var rise = RiseDetector.FindRise(loss);
        return new FeederBalance(feederId, head.FirstDay, loss, Robust.Mean(head.MeanKw), rise);
    }

    /// <summary>Whether the loss rose enough, suddenly and lastingly enough, to point at hidden load.</summary>
    public static bool IsSignificant(FeederBalance b) =>
        b.LossRise is { } r && r.Z >= 5 && r.Size >= Math.Max(0.5, 0.02 * b.MeanHeadKw) && r.Sharpness >= 0.4 && r.Persistence >= 0.6 && r.SeenBefore <= 0.2;

    /// <summary>How much more likely a customer hosts the hidden load when its own meter changed sharply that week.</summary>
    public const double TraceLikelihood = 30;

    /// <summary>
    /// Shares the feeder's unexplained rise among its customers and returns each one's evidence. Each customer's
    /// share is a posterior: equal priors, times 0.1 when its connection could not carry the hidden load, times
    /// <see cref="TraceLikelihood"/> when its own meter changed sharply (up or down) within days of the rise. The
    /// points make the score equal that share when nothing else is known about the meter.
    /// </summary>
    public static DetectorResult?[] Attribute(FeederBalance b, IReadOnlyList<Site> sites, IReadOnlyList<DailyProfile> customers)
    {
        var result = new DetectorResult?[customers.Count];
        if (!IsSignificant(b)) return result;
        var rise = b.LossRise!;
        var day = b.FirstDay + rise.Day;
        var weights = new double[customers.Count];
        var changes = new double[customers.Count];
        Span<double> scratch = stackalloc double[2 * RiseDetector.Window + 16];
        for (var c = 0; c < customers.Count; c++)
        {
            var p = customers[c];
            var change = SharpChange(p, day, scratch);
            changes[c] = change;
            var fits = sites[c].ContractedKw >= 0.7 * rise.Size;
            var level = Math.Max(Robust.Median(p.MeanKw), 0.05);
            var trace = Math.Abs(change) >= Math.Max(0.15 * level, 0.1);
            weights[c] = (fits ? 1 : 0.1) * (trace ? TraceLikelihood : 1);
        }
        var total = weights.Sum();
        for (var c = 0; c < customers.Count; c++)
        {
            var share = weights[c] / total;
            var p = Math.Clamp(share, 0.001, 0.99);
            var points = Math.Clamp(-ScoreModel.PriorLogOdds + Math.Log(p / (1 - p)), 0, 6);
            var detail = $"feeder {b.FeederId}: loss rose {rise.Size:0.##} kW on {ChangePointDetector.Day(day)} (from {rise.Before:0.##} kW, z {rise.Z:0.#}) "
                + $"and stayed on {rise.Persistence:P0} of later days; this customer explains {share:P0} of it "
                + $"(contracted {sites[c].ContractedKw:0.#} kW, own meter changed {changes[c]:+0.##;-0.##;0} kW that week, {customers.Count} customers on the feeder)";
            result[c] = new DetectorResult(new Evidence(Name, ScoreModel.Strength(points), detail, Math.Round(points, 3)), day, rise.Size, null);
        }
        return result;
    }

    /// <summary>
    /// A change in a customer's daily mean across a day that is both sudden (the week either side) and lasting
    /// (the weeks either side agree in sign and at least half in size); 0 otherwise. Seasonal drift is not sudden.
    /// </summary>
    private static double SharpChange(DailyProfile p, long day, Span<double> scratch)
    {
        var i = (int)(day - p.FirstDay);
        if (i < 7 || i > p.Days - 7) return 0;
        var near = Robust.Median(p.MeanKw.AsSpan(i, 7), scratch) - Robust.Median(p.MeanKw.AsSpan(i - 7, 7), scratch);
        var far = RiseDetector.RiseAt(p.MeanKw, i, scratch);
        if (!double.IsFinite(near) || !double.IsFinite(far) || Math.Sign(near) != Math.Sign(far) || Math.Abs(far) < 0.5 * Math.Abs(near)) return 0;
        return near;
    }
}
