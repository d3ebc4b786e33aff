using MinerWatch.Grid.Input;

namespace MinerWatch.Application.Evaluation;

/// <summary>Ground truth for one meter: mining or not, and the variant when mining (the confounder, if any, when not).</summary>
public sealed record Label(string MeterId, bool Mining, string Variant, DateOnly? Onset);

/// <summary>Ranking quality of one set of positives against all negatives.</summary>
public sealed record Metrics(string Set, int Positives, int Negatives, double RocAuc, double AveragePrecision,
    double PrecisionAt10, double PrecisionAt50, double PrecisionAt100, double RecallAt1PctFpr);

/// <summary>ROC AUC, average precision, precision at k and recall at 1 % false-positive rate of a ranking.</summary>
public static class RankingMetrics
{
    /// <summary>How many meter ids a message lists before "...".</summary>
    private const int Shown = 5;

    /// <summary>
    /// Overall, then one line per variant (that variant's positives against all negatives), then one per honest
    /// confounder the labels name (every positive against that confounder's meters: "honest:added_appliance"). Refused: a meter the scan
    /// lists twice, no labelled meter in the scan, and labelled mining meters missing from the scan (a meter never
    /// ranked cannot be found, so dropping it would overstate every metric). Labelled meters without mining that the
    /// scan lacks, and scanned meters without a label, are left out and reported through <paramref name="note"/>.
    /// </summary>
    public static List<Metrics> Evaluate(IReadOnlyList<(string MeterId, double Score)> scores, IReadOnlyList<Label> labels, string labelFile = "labels",
        string scanFile = "scan", Action<string>? note = null)
    {
        var entries = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < scores.Count; i++)
        {
            if (entries.TryGetValue(scores[i].MeterId, out var first))
                throw new InputException(scanFile, 0, $"meter {scores[i].MeterId} appears twice in the scan (entries {first + 1} and {i + 1}); a scan lists each meter once: were two scans joined?");
            entries[scores[i].MeterId] = i;
        }
        var byId = labels.ToDictionary(l => l.MeterId, StringComparer.Ordinal);
        var scored = scores.Where(s => byId.ContainsKey(s.MeterId)).Select(s => (s.Score, Label: byId[s.MeterId])).ToList();
        if (scored.Count == 0) throw new InputException(labelFile, 0, "no labelled meter appears in the scan: are the scan and the labels from the same region?");
        var missingPositives = labels.Where(l => l.Mining && !entries.ContainsKey(l.MeterId)).Select(l => l.MeterId).ToList();
        if (missingPositives.Count > 0)
            throw new InputException(labelFile, 0, $"{Meters(missingPositives.Count, "labelled mining meter")} {Are(missingPositives.Count)} not in the scan ({List(missingPositives)}): a meter the scan never ranked cannot be found, so leaving it out would overstate the metrics; scan those meters too, or remove their labels to measure the scanned meters only");
        var missingNegatives = labels.Where(l => !l.Mining && !entries.ContainsKey(l.MeterId)).Select(l => l.MeterId).ToList();
        if (missingNegatives.Count > 0)
            note?.Invoke($"{Meters(missingNegatives.Count, "labelled meter")} without mining {Are(missingNegatives.Count)} not in the scan ({List(missingNegatives)}) and {Are(missingNegatives.Count)} left out; measured on the {scored.Count} labelled meters scanned");
        var unlabelled = scores.Where(s => !byId.ContainsKey(s.MeterId)).Select(s => s.MeterId).ToList();
        if (unlabelled.Count > 0)
            note?.Invoke($"{Meters(unlabelled.Count, "scanned meter")} without a label ({List(unlabelled)}) {Are(unlabelled.Count)} left out");
        var result = new List<Metrics> { Compute("all", scored.Select(s => (s.Score, s.Label.Mining)).ToList()) };
        foreach (var variant in scored.Where(s => s.Label.Mining).Select(s => s.Label.Variant).Distinct().Order(StringComparer.Ordinal))
            result.Add(Compute(variant, scored.Where(s => !s.Label.Mining || s.Label.Variant == variant).Select(s => (s.Score, s.Label.Mining)).ToList()));
        // Honest look-alikes named in the labels: every positive against that confounder's meters alone.
        foreach (var confounder in scored.Where(s => !s.Label.Mining && s.Label.Variant.Length > 0).Select(s => s.Label.Variant).Distinct().Order(StringComparer.Ordinal))
            result.Add(Compute("honest:" + confounder, scored.Where(s => s.Label.Mining || s.Label.Variant == confounder).Select(s => (s.Score, s.Label.Mining)).ToList()));
        return result;
    }

    /// <summary>
    /// One set's metrics as the JSON and CSV contracts name them (the CLI's evaluate and the server's evaluation):
    /// an undefined metric (no positives or no negatives) is null.
    /// </summary>
    public static Dictionary<string, object?> Fields(Metrics m) => new()
    {
        ["set"] = m.Set,
        ["positives"] = m.Positives,
        ["negatives"] = m.Negatives,
        ["roc_auc"] = Rounded(m.RocAuc),
        ["average_precision"] = Rounded(m.AveragePrecision),
        ["precision_at_10"] = Rounded(m.PrecisionAt10),
        ["precision_at_50"] = Rounded(m.PrecisionAt50),
        ["precision_at_100"] = Rounded(m.PrecisionAt100),
        ["recall_at_1pct_fpr"] = Rounded(m.RecallAt1PctFpr),
    };

    private static double? Rounded(double v) => double.IsNaN(v) ? null : Math.Round(v, 6);

    private static string Meters(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";

    private static string Are(int n) => n == 1 ? "is" : "are";

    private static string List(IReadOnlyList<string> ids) => string.Join(", ", ids.Take(Shown)) + (ids.Count > Shown ? $", ... {ids.Count - Shown} more" : "");

    public static Metrics Compute(string set, IReadOnlyList<(double Score, bool Positive)> items)
    {
        var pos = items.Count(i => i.Positive);
        var neg = items.Count - pos;
        // Ties are ordered pessimistically (negatives first) so a constant score cannot look good.
        var ranked = items.OrderByDescending(i => i.Score).ThenBy(i => i.Positive).ToList();
        return new Metrics(set, pos, neg, Auc(items, pos, neg), AveragePrecision(ranked, pos),
            PrecisionAt(ranked, 10), PrecisionAt(ranked, 50), PrecisionAt(ranked, 100), RecallAtFpr(ranked, pos, neg, 0.01));
    }

    /// <summary>Mann-Whitney U over all pairs; ties count one half.</summary>
    private static double Auc(IReadOnlyList<(double Score, bool Positive)> items, int pos, int neg)
    {
        if (pos == 0 || neg == 0) return double.NaN;
        var sorted = items.OrderBy(i => i.Score).ToList();
        double rankSum = 0;
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j < sorted.Count && sorted[j].Score == sorted[i].Score) j++;
            var midRank = (i + 1 + j) / 2.0;
            for (var k = i; k < j; k++) if (sorted[k].Positive) rankSum += midRank;
            i = j;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / ((double)pos * neg);
    }

    private static double AveragePrecision(List<(double Score, bool Positive)> ranked, int pos)
    {
        if (pos == 0) return double.NaN;
        double sum = 0;
        var hits = 0;
        for (var i = 0; i < ranked.Count; i++)
        {
            if (!ranked[i].Positive) continue;
            hits++;
            sum += (double)hits / (i + 1);
        }
        return sum / pos;
    }

    private static double PrecisionAt(List<(double Score, bool Positive)> ranked, int k)
    {
        var n = Math.Min(k, ranked.Count);
        return n == 0 ? double.NaN : (double)ranked.Take(n).Count(r => r.Positive) / n;
    }

    /// <summary>Share of positives ranked above the point where 1 % of negatives have been passed.</summary>
    private static double RecallAtFpr(List<(double Score, bool Positive)> ranked, int pos, int neg, double fpr)
    {
        if (pos == 0 || neg == 0) return double.NaN;
        var allowed = (int)Math.Floor(fpr * neg);
        int fp = 0, tp = 0;
        foreach (var r in ranked)
        {
            if (r.Positive) tp++;
            else if (++fp > allowed) break;
        }
        return (double)tp / pos;
    }
}
