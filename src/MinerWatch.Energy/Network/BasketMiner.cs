using System.Globalization;
using MinerWatch.Energy.Catalog;

namespace MinerWatch.Energy.Network;

/// <summary>One model in a network estimate's basket: name, when it became available, and its efficiency in J/TH.</summary>
public sealed record BasketMiner(string Name, DateTimeOffset Release, double JoulesPerTh);

/// <summary>Baskets for the network model: from the catalog, or from a file in CBECI's own layout.</summary>
public static class MinerBasket
{
    /// <summary>The catalog's SHA-256 models, released at 00:00 UTC on their release day.</summary>
    public static IReadOnlyList<BasketMiner> FromCatalog(MinerCatalog catalog) =>
        [.. catalog.Filter("SHA-256").Select(m => new BasketMiner(m.Model, new DateTimeOffset(m.Release, TimeOnly.MinValue, TimeSpan.Zero), m.Efficiency))];

    /// <summary>
    /// Reads CBECI's basket layout: <c>Miner_name,UNIX_date_of_release,Efficiency_J_Gh</c> (any further columns such
    /// as <c>Qty</c> are ignored; header names are matched without regard to case). The release may be unix seconds or
    /// an ISO date; efficiency is in J/GH as CBECI publishes it.
    /// </summary>
    public static IReadOnlyList<BasketMiner> ReadCbeci(string path)
    {
        using var stream = File.OpenRead(path);
        return ReadCbeci(stream, path);
    }

    public static IReadOnlyList<BasketMiner> ReadCbeci(Stream stream, string file)
    {
        var list = new List<BasketMiner>();
        using var reader = Csv.Open(stream, file, ["miner_name", "unix_date_of_release", "efficiency_j_gh"], out var c);
        var line = 1L;
        foreach (var row in reader)
        {
            line++;
            if (row.ColCount <= c.Max()) throw new EnergyInputException(file, line, $"row has {row.ColCount} fields, expected at least {c.Max() + 1}");
            var name = row[c[0]].ToString().Trim();
            if (name.Length == 0) throw new EnergyInputException(file, line, "Miner_name is empty");
            var release = Release(row[c[1]].ToString().Trim(), file, line);
            var jPerGh = Csv.Positive(row[c[2]].ToString().Trim(), "Efficiency_J_Gh", file, line);
            list.Add(new BasketMiner(name, release, jPerGh * 1000));
        }
        if (list.Count == 0) throw new EnergyInputException(file, 2, "the basket has no miners");
        return list;
    }

    private static DateTimeOffset Release(string text, string file, long line)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var unix))
        {
            // Before Bitcoin's genesis block (2009-01-03) or past 2200 is not a release date but a unit mix-up (milliseconds?).
            if (unix < 1230940800 || unix > 7258118400)
                throw new EnergyInputException(file, line, $"UNIX_date_of_release {text} is not a plausible release time (seconds since 1970, from 2009 on)");
            return DateTimeOffset.FromUnixTimeSeconds(unix);
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            return new DateTimeOffset(d, TimeOnly.MinValue, TimeSpan.Zero);
        throw new EnergyInputException(file, line, $"UNIX_date_of_release '{text}' is neither unix seconds nor a YYYY-MM-DD date");
    }
}
