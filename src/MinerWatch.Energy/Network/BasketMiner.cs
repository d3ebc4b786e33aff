using System.Globalization;
using MinerWatch.Energy.Catalog;

namespace MinerWatch.Energy.Network;

/// <summary>One model in a network estimate's basket: name, when it became available, and its efficiency in J/TH.</summary>
public sealed record BasketMiner(string Name, DateTimeOffset Release, double JoulesPerTh);

/// <summary>Baskets for the network model: from the catalog, or from a file in CBECI's own layout.</summary>
public static class MinerBasket
{
    /// <summary>
    /// Release times outside these bounds are another unit, not seconds: a YYYYMMDD number or a count of days reads as
    /// a time in 1970, milliseconds as one thousands of years ahead. The lower bound leaves room for the CPUs and GPUs
    /// that mined before ASICs (CBECI's own basket dates its CPU and GPU classes from late 2008).
    /// </summary>
    public static readonly DateTimeOffset EarliestRelease = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <inheritdoc cref="EarliestRelease"/>
    public static readonly DateTimeOffset LatestRelease = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The ASIC-era check's factor: a basket whose every model since the catalog's first ASIC is over this many times
    /// less efficient than the catalog's least efficient ASIC has another unit in its efficiency column.
    /// </summary>
    public const double AsicEraFactor = 10;

    /// <summary>The catalog's SHA-256 models, released at 00:00 UTC on their release day.</summary>
    public static IReadOnlyList<BasketMiner> FromCatalog(MinerCatalog catalog) =>
        [.. catalog.Filter("SHA-256").Select(m => new BasketMiner(m.Model, new DateTimeOffset(m.Release, TimeOnly.MinValue, TimeSpan.Zero),
            m.HashrateUnit == "TH/s" ? m.Efficiency : m.JoulesPerHash * 1e12))];

    /// <summary>
    /// Reads CBECI's basket layout as CBECI publishes it: <c>Miner_name,UNIX_date_of_release,Efficiency_J_Gh</c> (any
    /// further columns such as <c>Qty</c> are ignored; header names are matched without regard to case). The release may
    /// be unix seconds (a whole or decimal number) or an ISO date; efficiency is in J/GH. The placeholder CPU, GPU and
    /// FPGA classes at the top of CBECI's file (dated 2008-2010, thousands of J/GH) are read like any other row. Refused:
    /// a model listed twice, a model more efficient than <paramref name="reference"/>'s
    /// <see cref="MinerCatalog.EfficiencyFloor"/>, and a basket whose ASIC-era models are all implausibly inefficient.
    /// </summary>
    public static IReadOnlyList<BasketMiner> ReadCbeci(string path, MinerCatalog reference)
    {
        using var stream = File.OpenRead(path);
        return ReadCbeci(stream, path, reference);
    }

    /// <inheritdoc cref="ReadCbeci(string, MinerCatalog)"/>
    public static IReadOnlyList<BasketMiner> ReadCbeci(Stream stream, string file, MinerCatalog reference)
    {
        var inv = CultureInfo.InvariantCulture;
        var floor = reference.EfficiencyFloor("SHA-256", "TH/s");
        var list = new List<(BasketMiner Miner, long Line)>();
        var lines = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        using var reader = Csv.Open(stream, file, ["miner_name", "unix_date_of_release", "efficiency_j_gh"], out var c);
        var line = 1L;
        foreach (var row in reader)
        {
            line++;
            // A blank line (a file ending in one is common) is no row.
            if (row.ColCount == 1 && row.Span.IsWhiteSpace()) continue;
            if (row.ColCount <= c.Max()) throw new EnergyInputException(file, line, $"row has {row.ColCount} fields, expected at least {c.Max() + 1}");
            var name = row[c[0]].ToString().Trim();
            if (name.Length == 0) throw new EnergyInputException(file, line, "Miner_name is empty");
            // The best guess is a mean over models, so a model listed twice would count twice. Its two rows are either
            // a pasted duplicate or two variants that need names to be told apart; either way the file needs a fix.
            if (lines.TryGetValue(name, out var first))
                throw new EnergyInputException(file, line, $"model '{name}' is listed twice (lines {first} and {line}); remove one, or name each variant");
            lines[name] = line;
            var release = Release(row[c[1]].ToString().Trim(), file, line);
            var jPerGh = Csv.Positive(row[c[2]].ToString().Trim(), "Efficiency_J_Gh", file, line);
            if (double.IsFinite(floor) && jPerGh * 1000 < floor)
                throw new EnergyInputException(file, line, string.Create(inv,
                    $"{name}: {jPerGh:0.#####} J/GH is below {floor / 1000:0.####} J/GH, half of the best shipped SHA-256 miner: check the figure and its unit"));
            list.Add((new BasketMiner(name, release, jPerGh * 1000), line));
        }
        if (list.Count == 0) throw new EnergyInputException(file, 2, "the basket has no miners");
        CheckAsicEra(list, reference, file);
        return [.. list.Select(x => x.Miner)];
    }

    /// <summary>
    /// J/TH figures typed into the J/GH column are 1000 times too large and no model is ever profitable: the estimate is
    /// blank without a word. Old rows cannot reveal this (CBECI's own CPU classes are thousands of J/GH), so the test is
    /// on the models released since the catalog's first ASIC: if every one of them is over <see cref="AsicEraFactor"/>
    /// times less efficient than the catalog's least efficient ASIC, the column is not in J/GH. One wrong row among good
    /// ones is not caught: it cannot be told from a real inefficient machine.
    /// </summary>
    private static void CheckAsicEra(List<(BasketMiner Miner, long Line)> list, MinerCatalog reference, string file)
    {
        var asics = reference.Filter("SHA-256").ToList();
        if (asics.Count == 0) return;
        var eraStart = new DateTimeOffset(asics.Min(m => m.Release), TimeOnly.MinValue, TimeSpan.Zero);
        var worst = asics.MaxBy(m => m.JoulesPerHash)!;
        var ceiling = worst.JoulesPerHash * 1e12 * AsicEraFactor;
        var era = list.Where(x => x.Miner.Release >= eraStart).ToList();
        if (era.Count == 0) return;
        var best = era.MinBy(x => x.Miner.JoulesPerTh);
        if (best.Miner.JoulesPerTh <= ceiling) return;
        throw new EnergyInputException(file, best.Line, string.Create(CultureInfo.InvariantCulture,
            $"{(era.Count == 1 ? "the only model" : $"all {era.Count} models")} released since {eraStart:yyyy-MM-dd} {(era.Count == 1 ? "is" : "are")} above {ceiling / 1000:0.###} J/GH, {AsicEraFactor:0} times the least efficient ASIC in the catalog ({worst.Model}, {worst.JoulesPerHash * 1e9:0.####} J/GH); the best, {best.Miner.Name}, is {best.Miner.JoulesPerTh / 1000:0.###} J/GH. Are these J/TH figures? Efficiency_J_Gh is joules per gigahash: divide J/TH by 1000"));
    }

    private static DateTimeOffset Release(string text, string file, long line)
    {
        DateTimeOffset release;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            // Exports may write the seconds as a decimal (1441065600.0); bounds first, so the conversion cannot overflow.
            if (!(seconds >= EarliestRelease.ToUnixTimeSeconds() && seconds < LatestRelease.ToUnixTimeSeconds()))
                throw new EnergyInputException(file, line, $"UNIX_date_of_release {text} is not a plausible release time (seconds since 1970, from {EarliestRelease:yyyy} to {LatestRelease:yyyy}; milliseconds or a YYYYMMDD number fall outside)");
            release = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        }
        else if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            release = new DateTimeOffset(d, TimeOnly.MinValue, TimeSpan.Zero);
            if (release < EarliestRelease || release >= LatestRelease)
                throw new EnergyInputException(file, line, $"UNIX_date_of_release {text} is not a plausible release date (from {EarliestRelease:yyyy} to {LatestRelease:yyyy})");
        }
        else
        {
            throw new EnergyInputException(file, line, $"UNIX_date_of_release '{text}' is neither unix seconds nor a YYYY-MM-DD date");
        }
        return release;
    }
}
