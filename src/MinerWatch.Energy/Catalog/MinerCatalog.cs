using System.Globalization;

namespace MinerWatch.Energy.Catalog;

/// <summary>
/// The miner catalog: the bundled reference rows (<c>Data/miners.csv</c>) plus any rows from a user's file in the same
/// layout. A user row with the same model name replaces the bundled one. Immutable and thread-safe.
/// </summary>
public sealed class MinerCatalog
{
    public static readonly string[] Columns = ["algorithm", "model", "hashrate", "hashrate_unit", "power_w", "efficiency", "efficiency_unit", "release", "status", "source"];

    private static readonly Lazy<MinerCatalog> BundledCatalog = new(() => new MinerCatalog(ReadBundled()));

    public MinerCatalog(IEnumerable<Miner> miners) => Miners = [.. miners.OrderBy(m => m.Algorithm, StringComparer.Ordinal).ThenBy(m => m.Release).ThenBy(m => m.Model, StringComparer.Ordinal)];

    public static MinerCatalog Bundled => BundledCatalog.Value;

    public IReadOnlyList<Miner> Miners { get; }

    /// <summary>The bundled catalog with a user's rows added (and same-named bundled rows replaced).</summary>
    public MinerCatalog With(IEnumerable<Miner> userRows)
    {
        var user = userRows.ToList();
        var names = user.Select(m => m.Model).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new MinerCatalog(Miners.Where(m => !names.Contains(m.Model)).Concat(user));
    }

    /// <summary>Rows of one algorithm (case-insensitive; all when null) released on or before <paramref name="releasedBy"/> (all when null).</summary>
    public IEnumerable<Miner> Filter(string? algorithm, DateOnly? releasedBy = null) =>
        Miners.Where(m => (algorithm is null || string.Equals(m.Algorithm, algorithm, StringComparison.OrdinalIgnoreCase))
            && (releasedBy is null || m.Release <= releasedBy));

    /// <summary>
    /// Models a farm that started on <paramref name="onset"/> could be running: every model of the algorithm released
    /// by then. Old models stay in: on stolen or unbilled electricity even an S9 pays, so hidden farms are often
    /// second-hand machines (the network model's five-year retirement assumes paid power). Falls back to the first
    /// models of the algorithm when the onset precedes them all.
    /// </summary>
    public IReadOnlyList<Miner> PlausibleAt(string algorithm, DateOnly onset)
    {
        var fit = Filter(algorithm, onset).ToList();
        if (fit.Count > 0) return fit;
        var any = Filter(algorithm).ToList();
        if (any.Count == 0) throw new EnergyInputException($"the catalog has no miners for algorithm '{algorithm}' (it has {string.Join(", ", Algorithms)})");
        var first = any.Min(m => m.Release);
        return [.. any.Where(m => m.Release == first)];
    }

    /// <summary>
    /// The least a mining load a meter can see draws, in kW: the smallest whole machine (an ASIC), or a small rig of
    /// four GPU cards of the catalog's median draw (Ethash), whichever is less. CPU mining (RandomX) is left out: a desktop
    /// mining adds less than a fridge, and no meter tells the two apart.
    /// </summary>
    public double SmallestRigKw()
    {
        const int CardsInASmallRig = 4;
        var machines = Miners.Where(m => m.Algorithm is not ("Ethash" or "RandomX")).Select(m => m.PowerKw).DefaultIfEmpty(double.PositiveInfinity).Min();
        // A rig is built of a kind of card, typically not the weakest one sold: the median card's draw.
        var cards = Miners.Where(m => m.Algorithm == "Ethash").Select(m => m.PowerKw).Order().ToList();
        var rig = cards.Count == 0 ? double.PositiveInfinity : CardsInASmallRig * (cards.Count % 2 == 1 ? cards[cards.Count / 2] : (cards[cards.Count / 2 - 1] + cards[cards.Count / 2]) / 2);
        var least = Math.Min(machines, rig);
        return double.IsFinite(least) ? least : 0;
    }

    /// <summary>
    /// The whole multiple of one model's power closest to <paramref name="kw"/>, among <paramref name="models"/>, when
    /// within <paramref name="tolerance"/> and at most <paramref name="maxCount"/> machines (beyond that almost any
    /// value is some multiple, so a match says nothing).
    /// </summary>
    public static (Miner Model, int Count, double Error)? NearestMultiple(double kw, IEnumerable<Miner> models, double tolerance = 0.04, int maxCount = 40)
    {
        (Miner, int, double)? best = null;
        if (!(kw > 0)) return null;
        foreach (var model in models)
        {
            var count = (int)Math.Round(kw / model.PowerKw);
            if (count < 1 || count > maxCount) continue;
            var error = Math.Abs(kw - count * model.PowerKw) / kw;
            if (error <= tolerance && (best is null || error < best.Value.Item3)) best = (model, count, error);
        }
        return best;
    }

    public IReadOnlyList<string> Algorithms => [.. Miners.Select(m => m.Algorithm).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The model with this name (case-insensitive, also matching without the bracketed variant); otherwise an error naming the closest models.</summary>
    public Miner Find(string name)
    {
        var exact = Miners.FirstOrDefault(m => string.Equals(m.Model, name, StringComparison.OrdinalIgnoreCase));
        if (exact is not null) return exact;
        var bare = Miners.Where(m => string.Equals(BareName(m.Model), name.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        if (bare.Count == 1) return bare[0];
        var suggestions = Suggest(name, 3);
        throw new EnergyInputException($"unknown miner model '{name}'; did you mean {string.Join(" or ", suggestions.Select(s => $"'{s}'"))}? ('minerwatch energy miners' lists them all)");
    }

    /// <summary>The <paramref name="count"/> model names closest to <paramref name="name"/> by edit distance, ignoring case.</summary>
    public IReadOnlyList<string> Suggest(string name, int count)
    {
        var key = name.Trim().ToLowerInvariant();
        return [.. Miners
            .Select(m => (m.Model, Distance: Math.Min(
                Quickenshtein.Levenshtein.GetDistance(key, m.Model.ToLowerInvariant()),
                Quickenshtein.Levenshtein.GetDistance(key, BareName(m.Model).ToLowerInvariant()))))
            .OrderBy(x => x.Distance).ThenBy(x => x.Model, StringComparer.Ordinal)
            .Take(count)
            .Select(x => x.Model)];
    }

    /// <summary>
    /// The lowest efficiency a claim may state for an algorithm: half the best shipped model in the catalog. Anything
    /// below is a typing error (or a unit mix-up), not a machine.
    /// </summary>
    public double EfficiencyFloor(string algorithm, string unit)
    {
        var best = Filter(algorithm).Select(m => m.JoulesPerHash).DefaultIfEmpty(double.NaN).Min();
        return best / 2 * HashUnit.ScaleOf(unit);
    }

    private static string BareName(string model)
    {
        var bracket = model.IndexOf(" (", StringComparison.Ordinal);
        return bracket > 0 ? model[..bracket] : model;
    }

    private static IEnumerable<Miner> ReadBundled()
    {
        using var stream = typeof(MinerCatalog).Assembly.GetManifestResourceStream("MinerWatch.Energy.Data.miners.csv")
            ?? throw new InvalidOperationException("the bundled miner catalog is missing from the assembly");
        return Read(stream, "miners.csv (bundled)", bundled: true);
    }

    /// <summary>
    /// Reads a catalog file in the bundled layout; rows are marked <c>user</c> unless they state a status. With a
    /// <paramref name="reference"/> catalog, rows more efficient than its <see cref="EfficiencyFloor"/> are refused.
    /// </summary>
    public static IReadOnlyList<Miner> ReadFile(string path, MinerCatalog? reference = null)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path, reference);
    }

    /// <inheritdoc cref="ReadFile"/>
    public static IReadOnlyList<Miner> Read(Stream stream, string file, MinerCatalog? reference = null) => Read(stream, file, bundled: false, reference);

    private static List<Miner> Read(Stream stream, string file, bool bundled, MinerCatalog? reference = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var rows = new List<Miner>();
        var lines = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        using var reader = Csv.Open(stream, file, ["algorithm", "model", "hashrate", "hashrate_unit", "power_w", "efficiency", "release"], out var col);
        Csv.TryIndexIgnoreCase(reader, "efficiency_unit", out var effUnitCol);
        Csv.TryIndexIgnoreCase(reader, "status", out var statusCol);
        Csv.TryIndexIgnoreCase(reader, "source", out var sourceCol);
        var line = 1L;
        foreach (var row in reader)
        {
            line++;
            // A blank line (a file ending in one is common) is no row.
            if (row.ColCount == 1 && row.Span.IsWhiteSpace()) continue;
            var fields = new string[row.ColCount];
            for (var i = 0; i < fields.Length; i++) fields[i] = row[i].ToString().Trim();
            string Field(int i) => i >= 0 && i < fields.Length ? fields[i] : "";
            if (fields.Length <= col.Max()) throw new EnergyInputException(file, line, $"row has {fields.Length} fields, expected at least {col.Max() + 1}");
            var algorithm = Field(col[0]);
            if (algorithm.Length == 0) throw new EnergyInputException(file, line, "algorithm is empty");
            var model = Field(col[1]);
            if (model.Length == 0) throw new EnergyInputException(file, line, "model is empty");
            // One row per model: a second row is a pasted duplicate or a variant that needs its own name, and a user
            // row replaces a bundled one by name, so which of the two counts would be a guess.
            if (lines.TryGetValue(model, out var first))
                throw new EnergyInputException(file, line, $"model '{model}' is listed twice (lines {first} and {line}); remove one, or name each variant");
            lines[model] = line;
            if (!HashUnit.TryParse(Field(col[3]), out var unit, out var unitScale))
                throw new EnergyInputException(file, line, $"hashrate_unit '{Field(col[3])}' is not one of {string.Join(", ", HashUnit.Names)}");
            var hashrate = Csv.Positive(Field(col[2]), "hashrate", file, line);
            var power = Csv.Positive(Field(col[4]), "power_w", file, line);
            var efficiency = Csv.Positive(Field(col[5]), "efficiency", file, line);
            // The efficiency is in its own stated unit (J/GH beside a TH/s hash rate is common); held per hashrate_unit.
            var stated = Field(effUnitCol);
            if (stated.Length > 0)
            {
                if (!stated.StartsWith("J/", StringComparison.OrdinalIgnoreCase) || !HashUnit.TryParse(stated[2..] + "/s", out _, out var effScale))
                    throw new EnergyInputException(file, line, $"efficiency_unit '{stated}' is not one of {string.Join(", ", HashUnit.Names.Select(n => "J/" + n[..^2]))}");
                efficiency *= unitScale / effScale;
                if (!double.IsFinite(efficiency) || efficiency <= 0)
                    throw new EnergyInputException(file, line, $"efficiency {Field(col[5])} {stated} is out of range in J/{unit[..^2]}");
            }
            // A row whose efficiency disagrees with its own power and hash rate by more than 10 % has a unit mix-up.
            var implied = power / hashrate;
            if (Math.Abs(efficiency - implied) > 0.1 * implied)
                throw new EnergyInputException(file, line, string.Create(inv,
                    $"efficiency {efficiency} J/{unit[..^2]} disagrees with power_w / hashrate = {implied:0.###}; check the units"));
            if (reference is not null)
            {
                var floor = reference.EfficiencyFloor(algorithm, unit);
                if (double.IsFinite(floor) && efficiency < floor)
                    throw new EnergyInputException(file, line, string.Create(inv,
                        $"{model}: efficiency {efficiency} J/{unit[..^2]} is below {floor:0.##} J/{unit[..^2]}, half of the best shipped {algorithm} miner: check the figure and its unit"));
            }
            var release = Csv.Date(Field(col[6]), "release", file, line);
            var status = Field(statusCol).Length > 0 ? Field(statusCol) : bundled ? "unverified" : "user";
            rows.Add(new Miner
            {
                Algorithm = algorithm,
                Model = model,
                Hashrate = hashrate,
                HashrateUnit = unit,
                PowerW = power,
                Efficiency = efficiency,
                Release = release,
                Status = status,
                Source = sourceCol >= 0 ? Field(sourceCol) : bundled ? "" : Path.GetFileName(file),
            });
        }
        return rows;
    }
}
