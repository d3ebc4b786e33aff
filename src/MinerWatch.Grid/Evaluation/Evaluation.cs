using MinerWatch.Grid.Input;

namespace MinerWatch.Grid.Evaluation;

/// <summary>Ground truth for one meter: mining or not, and the variant when mining.</summary>
public sealed record Label(string MeterId, bool Mining, string Variant, DateOnly? Onset);

/// <summary>Ranking quality of one set of positives against all negatives.</summary>
public sealed record Metrics(string Set, int Positives, int Negatives, double RocAuc, double AveragePrecision,
    double PrecisionAt10, double PrecisionAt50, double PrecisionAt100, double RecallAt1PctFpr);

public static class LabelsReader
{
    /// <summary>Reads <c>meter_id,mining,variant,onset</c> (variant and onset may be empty).</summary>
    public static List<Label> Read(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, 0, "file not found");
        using var stream = File.OpenRead(path);
        using var reader = CsvTable.Open(stream, path, ["meter_id", "mining"], out var c);
        var variantCol = reader.Header.TryIndexOf("variant", out var v) ? v : -1;
        var onsetCol = reader.Header.TryIndexOf("onset", out var o) ? o : -1;
        var labels = new List<Label>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in reader)
        {
            if (row.ColCount <= Math.Max(c[0], c[1])) throw new InputException(path, row.LineNumberFrom, CsvTable.TooFewFields(row.ColCount, Math.Max(c[0], c[1]) + 1));
            var mining = row[c[1]].Span.Trim();
            if (mining is not ("0" or "1")) throw new InputException(path, row.LineNumberFrom, $"mining '{mining}' is not 0 or 1");
            var variant = variantCol >= 0 && variantCol < row.ColCount ? row[variantCol].ToString().Trim() : "";
            DateOnly? onset = null;
            if (onsetCol >= 0 && onsetCol < row.ColCount && ActivityReader.TryParseDate(row[onsetCol].Span.Trim(), out var day))
                onset = IsoTimestamp.ToDate(day);
            var id = row[c[0]].ToString().Trim();
            if (!seen.Add(id)) throw new InputException(path, row.LineNumberFrom, $"meter {id} is labelled twice");
            labels.Add(new Label(id, mining[0] == '1', mining[0] == '1' && variant.Length == 0 ? "mining" : variant, onset));
        }
        return labels;
    }
}

/// <summary>ROC AUC, average precision, precision at k and recall at 1 % false-positive rate of a ranking.</summary>
public static class RankingMetrics
{
    /// <summary>Overall, then one line per variant (that variant's positives against all negatives).</summary>
    public static List<Metrics> Evaluate(IReadOnlyList<(string MeterId, double Score)> scores, IReadOnlyList<Label> labels, string labelFile = "labels")
    {
        var byId = labels.ToDictionary(l => l.MeterId, StringComparer.Ordinal);
        var scored = scores.Where(s => byId.ContainsKey(s.MeterId)).Select(s => (s.Score, Label: byId[s.MeterId])).ToList();
        if (scored.Count == 0) throw new InputException(labelFile, 0, "no labelled meter appears in the scan: are the scan and the labels from the same region?");
        var result = new List<Metrics> { Compute("all", scored.Select(s => (s.Score, s.Label.Mining)).ToList()) };
        foreach (var variant in scored.Where(s => s.Label.Mining).Select(s => s.Label.Variant).Distinct().Order(StringComparer.Ordinal))
            result.Add(Compute(variant, scored.Where(s => !s.Label.Mining || s.Label.Variant == variant).Select(s => (s.Score, s.Label.Mining)).ToList()));
        return result;
    }

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
