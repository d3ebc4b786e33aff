using MinerWatch.Grid.Input;
using MinerWatch.Grid.Profiles;
using MinerWatch.Grid.Scan;

namespace MinerWatch.Grid.Detection;

/// <summary>What a feeder's balance shows: its daily loss (head meter minus customers) and the rise in it, if any.</summary>
/// <param name="HiddenKw">The rise in the loss beyond technical losses (0 without a rise).</param>
/// <param name="DaytimeLossKw">The loss over the daytime hours (10:00-15:59), when street lighting is off.</param>
/// <param name="HeadSquareKw2">The day's mean of the squared interval power into the feeder: line and transformer losses
/// follow it, and a peaky day loses more than a flat one of the same mean.</param>
public sealed record FeederBalance(string FeederId, long FirstDay, double[] LossKw, double[] HeadKw, double MeanHeadKw, Rise? LossRise, double HiddenKw,
    double[] DaytimeLossKw, double[] DaytimeHeadKw, double[] HeadSquareKw2);

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
        var typical = customers.Select(c => Robust.Median(c.MeanKw)).ToArray();
        var stillDrawing = StillDrawingAfterLastReading(head, customers, typical);
        var loss = Loss(head, head.MeanKw, customers, p => p.MeanKw, typical, stillDrawing);
        var typicalDaytime = customers.Select(c => Robust.Median(c.DaytimeKw)).ToArray();
        var daytimeLoss = Loss(head, head.DaytimeKw, customers, p => p.DaytimeKw, typicalDaytime, stillDrawing);
        var hours = head.IntervalMinutes / 60.0;
        var square = new double[head.Days];
        for (var i = 0; i < head.Days; i++)
            square[i] = head.Count[i] > 0 && double.IsFinite(head.MeanKw[i]) ? head.SumSq[i] / head.Count[i] / (hours * hours) : double.NaN;
        var rise = TechnicalLossRise(loss, head.MeanKw, square);
        return new FeederBalance(feederId, head.FirstDay, loss, head.MeanKw, Robust.Mean(head.MeanKw), rise,
            rise is null ? 0 : rise.Size, daytimeLoss, head.DaytimeKw, square);
    }

    /// <summary>The head meter's series less the sum of its customers' same series, day by day.</summary>
    private static double[] Loss(DailyProfile head, double[] headSeries, IReadOnlyList<DailyProfile> customers, Func<DailyProfile, double[]> series,
        double[] typical, bool[] stillDrawing)
    {
        var loss = new double[head.Days];
        var columns = customers.Select(series).ToArray();
        for (var i = 0; i < head.Days; i++)
        {
            var h = headSeries[i];
            if (double.IsNaN(h))
            {
                loss[i] = double.NaN;
                continue;
            }
            var day = head.FirstDay + i;
            double sum = 0;
            for (var c = 0; c < customers.Count; c++)
            {
                var p = customers[c];
                // Before its first reading a meter was not yet connected (a new connection). A gap is filled with its
                // typical level so it does not read as loss; so are the days after its last reading when the feeder
                // shows it still drawing (a meter that stopped reporting), not when it was disconnected.
                if (day < p.FirstDay) continue;
                if (day >= p.FirstDay + p.Days && !stillDrawing[c]) continue;
                var k = day - p.FirstDay;
                var v = k < p.Days ? columns[c][k] : double.NaN;
                sum += double.IsNaN(v) ? (double.IsFinite(typical[c]) ? typical[c] : 0) : v;
            }
            loss[i] = h - sum;
        }
        return loss;
    }

    /// <summary>
    /// The rise in the loss beyond technical losses. Line and transformer losses grow with the square of the power, so
    /// the loss swings with the week and the season and is larger on a peaky day than on a flat one of the same mean;
    /// a step that the feeder's load does not explain is load that no meter records. For each candidate day the loss is
    /// fitted on the load (see <see cref="TechnicalFit"/>) together with a step on that day, over the whole series, so
    /// neither the step bends the technical-loss fit nor a short stretch of days before it has to carry the fit; the
    /// rise is then measured on the loss less its technical part. Its level (<see cref="Rise.Before"/>) is the loss
    /// itself before the step.
    /// </summary>
    private static Rise? TechnicalLossRise(double[] loss, double[] mean, double[] square)
    {
        var technical = TechnicalFit(loss, mean, square, stepDay: -1, from: 0);
        if (technical is null) return null;
        Rise? best = null;
        // Candidate days come from the raw loss (on a small feeder a bypass is a large part of the load, and a fit
        // without a step would take the step for technical losses) and from the loss less a fit without a step.
        foreach (var candidate in new[] { RiseDetector.FindRise(loss), RiseDetector.FindRise(Less(loss, technical)) })
        {
            if (candidate is null) continue;
            var withStep = TechnicalFit(loss, mean, square, candidate.Day, from: 0);
            if (withStep is null || RiseDetector.Measure(Less(loss, withStep), candidate.Day) is not { } rise) continue;
            if (best is null || RiseDetector.Strength(rise) > RiseDetector.Strength(best)) best = rise;
        }
        if (best is null) return null;
        var before = Robust.Median(loss.AsSpan(Math.Max(0, best.Day - RiseDetector.Window), Math.Min(best.Day, RiseDetector.Window)));
        return best with { Before = double.IsFinite(before) ? before : best.Before };
    }

    /// <summary>The loss less its technical part (NaN where either is missing).</summary>
    private static double[] Less(double[] loss, double[] technical)
    {
        var result = new double[loss.Length];
        for (var i = 0; i < loss.Length; i++) result[i] = loss[i] - technical[i];
        return result;
    }

    /// <summary>
    /// Least squares of loss = a + b u + c v (+ s from <paramref name="stepDay"/> on) over the days from
    /// <paramref name="from"/>, u the day's mean power into the feeder and v its mean squared power (each centred and
    /// scaled for stability; a day has both or neither); returns the technical part a + b u + c v for every day (NaN
    /// where the loss or the load is missing), or null with fewer than 28 usable days.
    /// </summary>
    private static double[]? TechnicalFit(double[] loss, double[] mean, double[] v, int stepDay, int from)
    {
        var days = new List<int>();
        for (var i = from; i < loss.Length; i++) if (double.IsFinite(loss[i]) && double.IsFinite(mean[i])) days.Add(i);
        if (days.Count < 28) return null;
        var (uc, us) = CentreScale(mean, days);
        var (vc, vs) = CentreScale(v, days);
        var k = stepDay >= 0 ? 4 : 3;
        var m = new double[k, k + 1];
        Span<double> f = stackalloc double[4];
        foreach (var i in days)
        {
            f[0] = 1;
            f[1] = (mean[i] - uc) / us;
            f[2] = (v[i] - vc) / vs;
            f[3] = i >= stepDay ? 1 : 0;
            for (var r = 0; r < k; r++)
            {
                for (var c = 0; c < k; c++) m[r, c] += f[r] * f[c];
                m[r, k] += f[r] * loss[i];
            }
        }
        var coef = Solve(m);
        var technical = new double[loss.Length];
        for (var i = 0; i < loss.Length; i++)
            technical[i] = double.IsFinite(loss[i]) && double.IsFinite(mean[i])
                ? coef[0] + coef[1] * (mean[i] - uc) / us + coef[2] * (v[i] - vc) / vs
                : double.NaN;
        return technical;

        static (double Centre, double Scale) CentreScale(double[] x, List<int> days)
        {
            var centre = days.Average(i => x[i]);
            return (centre, Math.Max(1e-9, days.Max(i => Math.Abs(x[i] - centre))));
        }
    }

    /// <summary>
    /// For each customer whose readings end before the head meter's: whether it went on drawing. A meter that stops
    /// reporting leaves its load in the head meter, so the loss counted without it jumps by about its level that day;
    /// a disconnected customer leaves the loss as it was.
    /// </summary>
    private static bool[] StillDrawingAfterLastReading(DailyProfile head, IReadOnlyList<DailyProfile> customers, double[] typical)
    {
        var result = new bool[customers.Count];
        var headEnd = head.FirstDay + head.Days;
        var ended = Enumerable.Range(0, customers.Count).Where(c => customers[c].Days > 0 && customers[c].FirstDay + customers[c].Days < headEnd - 1).ToList();
        if (ended.Count == 0) return result;
        // The loss counting every customer only while it reports (gaps filled), to compare across each end.
        var loss = new double[head.Days];
        for (var i = 0; i < head.Days; i++)
        {
            var day = head.FirstDay + i;
            var sum = 0.0;
            for (var c = 0; c < customers.Count; c++)
            {
                var p = customers[c];
                if (day < p.FirstDay || day >= p.FirstDay + p.Days) continue;
                var v = p.MeanAt(day);
                sum += double.IsNaN(v) ? (double.IsFinite(typical[c]) ? typical[c] : 0) : v;
            }
            loss[i] = head.MeanKw[i] - sum;
        }
        Span<double> scratch = stackalloc double[16];
        foreach (var c in ended)
        {
            var end = (int)(customers[c].FirstDay + customers[c].Days - head.FirstDay);
            if (end <= 0 || end >= head.Days) continue;
            var before = Robust.Median(loss.AsSpan(Math.Max(0, end - 7), Math.Min(7, end)), scratch);
            var after = Robust.Median(loss.AsSpan(end, Math.Min(7, head.Days - end)), scratch);
            // Unknown either way (no head data around the end): keep the customer's load, the safer reading for a loss.
            result[c] = !double.IsFinite(before) || !double.IsFinite(after) || after - before >= 0.5 * typical[c];
        }
        return result;
    }

    /// <summary>Whether the loss rose enough, suddenly and lastingly enough, to point at hidden load.</summary>
    public static bool IsSignificant(FeederBalance b) =>
        b.LossRise is { } r && r.Z >= 4 && b.HiddenKw >= Math.Max(0.5, 0.0025 * b.MeanHeadKw)
        && r.Sharpness >= 0.25 && r.Persistence >= 0.6 && r.SeenBefore <= 0.2;

    /// <summary>
    /// Unexplained loss as a share of the energy into the feeder, over its first eight weeks, read in the daytime hours:
    /// street lighting, unmetered on many low-voltage feeders, is off then, and a hidden farm is not.
    /// </summary>
    public static double EarlyLossShare(FeederBalance b)
    {
        var n = Math.Min(56, b.DaytimeLossKw.Length);
        var loss = Robust.Median(b.DaytimeLossKw.AsSpan(0, n));
        var head = Robust.Median(b.DaytimeHeadKw.AsSpan(0, n));
        return head > 0 && double.IsFinite(loss) ? loss / head : double.NaN;
    }

    /// <summary>How much more likely a customer hosts the hidden load when its own meter dropped sharply that week.</summary>
    public const double TraceLikelihood = 30;
    /// <summary>How much more likely for a drop of only 10-25 % of its level.</summary>
    public const double SmallTraceLikelihood = 5;
    /// <summary>
    /// A drop is taken for load moved behind a bypass only up to this multiple of the loss's rise (the rise carries the
    /// moved load and the hidden one; the margin is for the two being measured over different weeks).
    /// </summary>
    public const double MovedAtMost = 1.25;
    /// <summary>How much more likely when its daily ups and downs show in the loss (part of its load moved off the meter).</summary>
    public const double EchoLikelihood = 10;

    /// <summary>
    /// Shares the feeder's unexplained load among its customers and returns each one's evidence. The load is either
    /// a sudden lasting rise in the loss, or (when the feeder's loss was already far above other feeders' from the
    /// start) the loss level itself. Each customer's share is a posterior: equal priors; times down to 0.2 when its
    /// connection is small for the hidden load; times <see cref="TraceLikelihood"/> when its own meter changed sharply
    /// (downwards, by no more than the loss rose) within days of the rise or was first connected then; times <see cref="EchoLikelihood"/> when its daily consumption moves with the loss
    /// (beyond what the feeder's own load explains). The points make the score equal that share, scaled by how sure
    /// the loss is, when nothing else is known about the meter.
    /// </summary>
    /// <param name="lossShareZ">Robust z of this feeder's early loss share among all feeders.</param>
    public static DetectorResult?[] Attribute(FeederBalance b, IReadOnlyList<Site> sites, IReadOnlyList<DailyProfile> customers, double lossShareZ)
    {
        var result = new DetectorResult?[customers.Count];
        var rise = IsSignificant(b) ? b.LossRise : null;
        if (rise is null && !(lossShareZ >= 3.5)) return result;
        var start = rise?.Day ?? 0;
        // Without a rise the hidden load is the daytime loss: street lighting adds to the loss only at night.
        var daytimeLoss = Robust.Median(b.DaytimeLossKw);
        var hiddenKw = rise is not null ? b.HiddenKw : double.IsFinite(daytimeLoss) ? daytimeLoss : Robust.Median(b.LossKw);
        var day = b.FirstDay + start;
        var began = rise is null ? day : b.FirstDay + RiseBegan(b.LossKw, rise, hiddenKw);
        var confidence = rise is not null ? 0.9 : Math.Min(0.9, (lossShareZ - 2) / 4);
        var echoes = Echoes(b, customers, start);
        // Weather moves every customer's use and the loss together; only an echo that stands far above the others points at one customer.
        var ranked = echoes.OrderDescending().ToArray();
        var echoed = ranked.Length >= 2 && ranked[0] >= 5 && ranked[0] >= 2 * Math.Max(ranked[1], 1) ? Array.IndexOf(echoes, ranked[0]) : -1;
        // An echo far above every other customer's (t >= 8, three times the next) is as telling as a clear drop.
        var echoWeight = echoed >= 0 && ranked[0] >= 8 && ranked[0] >= 3 * Math.Max(ranked[1], 1) ? TraceLikelihood : EchoLikelihood;
        var weights = new double[customers.Count];
        var changes = new double[customers.Count];
        var gone = new bool[customers.Count];
        var dropZ = new double[customers.Count];
        var connected = new bool[customers.Count];
        Span<double> scratch = stackalloc double[2 * RiseDetector.Window + 16];
        for (var c = 0; c < customers.Count; c++)
        {
            var p = customers[c];
            var change = rise is null ? 0 : SharpestDrop(p, began, day, scratch);
            changes[c] = change;
            var level = Math.Max(Robust.Median(p.MeanKw), 0.05);
            // Rewiring a bypass moves load off the meter, so the trace is a drop; rises that week are mostly the season's.
            // A small drop is common enough that it counts for less. Load moved behind a bypass shows up in the loss, so
            // a drop clearly larger than the loss rose is load that went away (a move, a closed shop), not a trace.
            // A drop counts only as far as it stands out of the customer's own day-to-day ups and downs: a home's use
            // swings by a quarter from one week to the next, which says nothing about the feeder.
            var drop = -change;
            gone[c] = rise is not null && drop > MovedAtMost * hiddenKw + 0.1;
            var z = drop > 0 ? drop / WeekToWeekNoise(p, began, scratch) : 0;
            dropZ[c] = z;
            var trace = gone[c] || z < 2.5 ? 1 : drop >= Math.Max(0.25 * level, 0.1) && z >= 4 ? TraceLikelihood : drop >= Math.Max(0.1 * level, 0.05) ? SmallTraceLikelihood : 1;
            // Premises first connected within a week of the rise: the hidden load appeared with them.
            connected[c] = rise is not null && p.FirstDay > b.FirstDay + 7 && Math.Abs(p.FirstDay - day) <= 7;
            if (connected[c]) trace = TraceLikelihood;
            // The service cable, not the contract, limits a bypass; a contract far below the hidden load only makes it less likely.
            var capacity = Math.Clamp(sites[c].ContractedKw / (0.5 * hiddenKw), 0.2, 1);
            weights[c] = capacity * trace * (c == echoed ? echoWeight : 1);
        }
        var total = weights.Sum();
        var what = rise is not null
            ? $"loss rose {hiddenKw:0.##} kW beyond the technical losses of the feeder's load on {ChangePointDetector.Day(day)} (from {rise.Before:0.##} kW, z {rise.Z:0.#}) and stayed on {rise.Persistence:P0} of later days"
            : $"unexplained loss of {hiddenKw:0.##} kW ({EarlyLossShare(b):P1} of the energy in over the daytime hours) from the first day read, z {lossShareZ:0.#} against other feeders";
        for (var c = 0; c < customers.Count; c++)
        {
            var share = weights[c] / total;
            var p = Math.Clamp(share * confidence, 0.001, 0.99);
            // A customer of a feeder losing energy to hidden load is worth a visit before one of a balanced feeder, however many share it.
            var points = Math.Clamp(-ScoreModel.PriorLogOdds + Math.Log(p / (1 - p)), confidence, 6);
            var meter = connected[c]
                ? $"its meter first read on {ChangePointDetector.Day(customers[c].FirstDay)}, " + (customers[c].FirstDay - day) switch
                {
                    0 => "the day the loss rose",
                    < 0 and var d => $"{-d} days before the loss rose",
                    var d => $"{d} days after the loss rose",
                }
                : $"own meter changed {changes[c]:+0.##;-0.##;0} kW as the loss began to rise"
                    + (dropZ[c] > 0 ? $" ({dropZ[c]:0.#} times its week-to-week swings)" : "")
                    + (gone[c] ? ", more than the loss rose: load gone, not moved" : "");
            var detail = $"feeder {b.FeederId}: {what}; this customer explains {share:P0} of it "
                + $"(contracted {sites[c].ContractedKw:0.#} kW, {meter}, "
                + $"its daily use moves with the loss at t = {echoes[c]:0.#}, {customers.Count} customers on the feeder)";
            result[c] = new DetectorResult(new Evidence(Name, ScoreModel.Strength(points), detail, Math.Round(points, 3)),
                rise is not null ? day : null, hiddenKw);
        }
        return result;
    }

    /// <summary>
    /// For each customer, the t-statistic of the correlation between its daily mean and the loss left over after the
    /// technical-loss fit on the feeder's own load (<see cref="TechnicalFit"/>: technical losses follow the squared
    /// power, so a peaky customer's busy days lose more without hiding anything), over the days from
    /// <paramref name="start"/>. Load moved off a meter leaves its owner's day-to-day pattern in the loss.
    /// </summary>
    private static double[] Echoes(FeederBalance b, IReadOnlyList<DailyProfile> customers, int start)
    {
        var echoes = new double[customers.Count];
        var days = new List<int>();
        for (var i = start; i < b.LossKw.Length; i++) if (double.IsFinite(b.LossKw[i]) && double.IsFinite(b.HeadKw[i])) days.Add(i);
        if (days.Count < 28) return echoes;
        // Day-to-day changes, not levels: the season moves every customer and the loss together, a single day's
        // ups and downs belong to one customer.
        var technical = TechnicalFit(b.LossKw, b.HeadKw, b.HeadSquareKw2, stepDay: -1, from: start)!;
        var residual = Changes([.. days.Select(i => b.LossKw[i] - technical[i])], days);
        var x = new double[days.Count];
        for (var c = 0; c < customers.Count; c++)
        {
            for (var k = 0; k < days.Count; k++) x[k] = customers[c].MeanAt(b.FirstDay + days[k]);
            var dx = Changes(x, days);
            var r = Correlation(dx, residual);
            var n = Moments.Of(dx, residual).N;
            if (n < 28) continue;
            echoes[c] = r <= 0 || r >= 1 ? 0 : r * Math.Sqrt(n - 2) / Math.Sqrt(1 - r * r);
        }
        return echoes;
    }

    /// <summary>Change from the previous day, NaN where the two days are not consecutive or one is missing.</summary>
    private static double[] Changes(double[] values, List<int> days)
    {
        var changes = new double[values.Length];
        changes[0] = double.NaN;
        for (var k = 1; k < values.Length; k++)
            changes[k] = days[k] == days[k - 1] + 1 ? values[k] - values[k - 1] : double.NaN;
        return changes;
    }

    /// <summary>Gauss-Jordan elimination with partial pivoting on an n x (n+1) augmented matrix; zeros when singular.</summary>
    private static double[] Solve(double[,] m)
    {
        var n = m.GetLength(0);
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++) if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col])) pivot = r;
            for (var c = 0; c <= n; c++) (m[col, c], m[pivot, c]) = (m[pivot, c], m[col, c]);
            if (Math.Abs(m[col, col]) < 1e-12) return new double[n];
            for (var r = 0; r < n; r++)
            {
                if (r == col) continue;
                var factor = m[r, col] / m[col, col];
                for (var c = col; c <= n; c++) m[r, c] -= factor * m[col, c];
            }
        }
        var x = new double[n];
        for (var i = 0; i < n; i++) x[i] = m[i, n] / m[i, i];
        return x;
    }

    private static double Correlation(double[] x, double[] y)
    {
        var m = Moments.Of(x, y);
        return m.N < 3 || m.VarianceX <= 0 || m.VarianceY <= 0 ? 0 : m.Covariance / Math.Sqrt(m.VarianceX * m.VarianceY);
    }

    /// <summary>Sums of products over the pairs where both values are present, scaled by n (so variances and covariance share a divisor).</summary>
    private readonly record struct Moments(int N, double VarianceX, double VarianceY, double Covariance)
    {
        public static Moments Of(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
        {
            double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
            var n = 0;
            for (var i = 0; i < x.Length; i++)
            {
                if (!double.IsFinite(x[i]) || !double.IsFinite(y[i])) continue;
                n++;
                sx += x[i];
                sy += y[i];
                sxx += x[i] * x[i];
                syy += y[i] * y[i];
                sxy += x[i] * y[i];
            }
            return n == 0 ? default : new(n, sxx - sx * sx / n, syy - sy * sy / n, sxy - sx * sy / n);
        }
    }

    /// <summary>
    /// The customer's largest sharp drop (<see cref="SharpChange"/>) within three days of the day the loss began to
    /// rise, else its sharp change on the day the rise is dated (a rise, or 0). The rewiring comes first: when miners
    /// are brought up over days, the rise is dated where it has grown most, days after it began.
    /// </summary>
    private static double SharpestDrop(DailyProfile p, long began, long day, Span<double> scratch)
    {
        var atRise = SharpChange(p, day, scratch);
        var drop = Math.Min(atRise, 0);
        for (var d = began - 3; d <= began + 3; d++) drop = Math.Min(drop, SharpChange(p, d, scratch));
        return drop < 0 ? drop : atRise;
    }

    /// <summary>
    /// The spread of the change between the medians of two adjacent weeks of the customer's daily use when nothing
    /// changed: the scaled MAD of that change taken at every day of the eight weeks before <paramref name="day"/>
    /// (weekly and weather swings included, as they are in a drop), at least 0.01 kW; infinite with less than four
    /// weeks of history.
    /// </summary>
    private static double WeekToWeekNoise(DailyProfile p, long day, Span<double> scratch)
    {
        var end = (int)Math.Clamp(day - p.FirstDay, 0, p.Days);
        var from = Math.Max(0, end - 56);
        if (end - from < 28) return double.PositiveInfinity;
        Span<double> changes = stackalloc double[56];
        var n = 0;
        for (var k = from + 7; k + 7 <= end; k++)
            changes[n++] = Robust.Median(p.MeanKw.AsSpan(k, 7), scratch) - Robust.Median(p.MeanKw.AsSpan(k - 7, 7), scratch);
        var median = Robust.Median(changes[..n], scratch);
        var mad = double.IsFinite(median) ? Robust.ScaledMad(changes[..n], median, scratch) : double.NaN;
        return double.IsFinite(mad) ? Math.Max(0.01, mad) : double.PositiveInfinity;
    }

    /// <summary>
    /// The day the loss began to rise: going back from the day the rise is dated, up to three weeks, while the loss
    /// (the median of the day and its two neighbours) stays above its level before by a fifth of the rise.
    /// </summary>
    private static int RiseBegan(double[] loss, Rise rise, double hiddenKw)
    {
        var threshold = rise.Before + 0.2 * hiddenKw;
        var began = rise.Day;
        Span<double> three = stackalloc double[3];
        for (var d = rise.Day - 1; d >= Math.Max(1, rise.Day - 21); d--)
        {
            if (d + 2 > loss.Length) break;
            if (!(Robust.Median(loss.AsSpan(d - 1, 3), three) >= threshold)) break;
            began = d;
        }
        return began;
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
