using System.Globalization;
using MinerWatch.Energy.Emissions;

namespace MinerWatch.Energy.Network;

/// <summary>A country's share of the network's hash rate, as a mining map gives it.</summary>
public sealed record HashrateShare(string Country, double SharePercent, EmissionFactor Factor);

/// <summary>Readers for the network command's input files.</summary>
public static class NetworkInputs
{
    /// <summary>
    /// Reads <c>date,hashrate_ths,revenue_usd[,price_usd_kwh]</c>; rows may come in any order but each date once.
    /// A missing or empty price takes <paramref name="defaultPrice"/>. With <paramref name="floorJPerTh"/> (the lowest
    /// efficiency a real miner can have), a hash rate that all the world's electricity could not run is refused.
    /// </summary>
    public static IReadOnlyList<NetworkDay> ReadSeries(string path, double defaultPrice, double floorJPerTh = 0)
    {
        using var stream = File.OpenRead(path);
        return ReadSeries(stream, path, defaultPrice, floorJPerTh);
    }

    /// <inheritdoc cref="ReadSeries(string, double, double)"/>
    public static IReadOnlyList<NetworkDay> ReadSeries(Stream stream, string file, double defaultPrice, double floorJPerTh = 0)
    {
        var rows = new List<(NetworkDay Day, long Line)>();
        using var reader = Csv.Open(stream, file, ["date", "hashrate_ths", "revenue_usd"], out var c);
        Csv.TryIndexIgnoreCase(reader, "price_usd_kwh", out var priceCol);
        var line = 1L;
        foreach (var row in reader)
        {
            line++;
            // A blank line (a file ending in one is common) is no row.
            if (row.ColCount == 1 && row.Span.IsWhiteSpace()) continue;
            if (row.ColCount <= c.Max()) throw new EnergyInputException(file, line, $"row has {row.ColCount} fields, expected at least {c.Max() + 1} (is the file truncated?)");
            // A field more than the header is a value split by a decimal comma or a thousands separator.
            if (row.ColCount > reader.Header.ColNames.Count)
                throw new EnergyInputException(file, line, $"row has {row.ColCount} fields, the header has {reader.Header.ColNames.Count} (an unquoted decimal comma or thousands separator? write numbers with '.' and no separators)");
            var date = Csv.Date(row[c[0]].ToString().Trim(), "date", file, line);
            var hashrate = Csv.Positive(row[c[1]].ToString().Trim(), "hashrate_ths", file, line);
            if (NetworkModel.TooFast(hashrate, floorJPerTh) is { } why) throw new EnergyInputException(file, line, $"hashrate_ths {row[c[1]].ToString().Trim()} {why}");
            var revenue = Csv.Number(row[c[2]].ToString().Trim(), "revenue_usd", file, line);
            if (revenue < 0) throw new EnergyInputException(file, line, $"revenue_usd {revenue.ToString(CultureInfo.InvariantCulture)} is negative");
            var price = defaultPrice;
            if (priceCol >= 0 && priceCol < row.ColCount && !row[priceCol].Span.IsWhiteSpace())
                price = Csv.Positive(row[priceCol].ToString().Trim(), "price_usd_kwh", file, line);
            rows.Add((new NetworkDay(date, hashrate, revenue, price), line));
        }
        if (rows.Count == 0) throw new EnergyInputException(file, 2, "the series has no rows");
        rows.Sort((a, b) => a.Day.Date.CompareTo(b.Day.Date));
        for (var i = 1; i < rows.Count; i++)
        {
            if (rows[i].Day.Date == rows[i - 1].Day.Date)
                throw new EnergyInputException(file, Math.Max(rows[i].Line, rows[i - 1].Line), $"date {rows[i].Day.Date:yyyy-MM-dd} appears twice (lines {Math.Min(rows[i].Line, rows[i - 1].Line)} and {Math.Max(rows[i].Line, rows[i - 1].Line)})");
        }
        return [.. rows.Select(r => r.Day)];
    }

    /// <summary>
    /// Reads <c>country,share_percent</c> (a country code such as <c>US</c>, <c>KZ</c>, <c>CN-SC</c>, or a bundled region
    /// name). Shares may total less than 100 % (the rest is counted at the world average) but never more.
    /// </summary>
    public static IReadOnlyList<HashrateShare> ReadShares(string path, EmissionFactors factors)
    {
        using var stream = File.OpenRead(path);
        return ReadShares(stream, path, factors);
    }

    public static IReadOnlyList<HashrateShare> ReadShares(Stream stream, string file, EmissionFactors factors)
    {
        var shares = new List<HashrateShare>();
        var lines = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        using var reader = Csv.Open(stream, file, ["country", "share_percent"], out var c);
        var line = 1L;
        double total = 0;
        foreach (var row in reader)
        {
            line++;
            // A blank line (a file ending in one is common) is no row.
            if (row.ColCount == 1 && row.Span.IsWhiteSpace()) continue;
            if (row.ColCount <= c.Max()) throw new EnergyInputException(file, line, $"row has {row.ColCount} fields, expected 2");
            var country = row[c[0]].ToString().Trim();
            if (country.Length == 0) throw new EnergyInputException(file, line, "country is empty");
            // A country twice would count its share twice; a map lists each once.
            if (lines.TryGetValue(country, out var first))
                throw new EnergyInputException(file, line, $"country '{country}' is listed twice (lines {first} and {line}); give each country once");
            lines[country] = line;
            var share = Csv.Number(row[c[1]].ToString().Trim(), "share_percent", file, line);
            if (share < 0 || share > 100) throw new EnergyInputException(file, line, $"share_percent {share.ToString(CultureInfo.InvariantCulture)} is outside 0-100");
            var factor = factors.ForCode(country)
                ?? factors.Rows.Where(r => string.Equals(r.Region, country, StringComparison.OrdinalIgnoreCase)).Select(r => factors.ForCode(r.Code)).FirstOrDefault()
                ?? throw new EnergyInputException(file, line, $"no emission factor for '{country}'; known codes: {string.Join(", ", factors.Rows.Select(r => r.Code).Distinct())}");
            total += share;
            // Mining maps round each share; allow that much over 100 but no more.
            if (total > 100.5) throw new EnergyInputException(file, line, $"shares add up to {total.ToString("0.##", CultureInfo.InvariantCulture)} %, more than 100 %");
            shares.Add(new HashrateShare(country, share, factor));
        }
        if (shares.Count == 0) throw new EnergyInputException(file, 2, "the file has no shares; list at least one country (the rest counts at the world average)");
        return shares;
    }

    /// <summary>The network's carbon intensity in gCO2/kWh: shares times their factors, the unassigned rest at <paramref name="rest"/>.</summary>
    public static double WeightedIntensity(IReadOnlyList<HashrateShare> shares, EmissionFactor rest)
    {
        var assigned = Math.Min(100, shares.Sum(s => s.SharePercent));
        var scale = shares.Sum(s => s.SharePercent) > 100 ? 100 / shares.Sum(s => s.SharePercent) : 1;
        return shares.Sum(s => s.SharePercent * scale * s.Factor.GramsPerKwh) / 100 + (100 - assigned) / 100 * rest.GramsPerKwh;
    }

    /// <summary>Million tonnes of CO2 a year for an annual energy in TWh at a carbon intensity in gCO2/kWh.</summary>
    public static double MegatonnesPerYear(double twhPerYear, double gramsPerKwh) => twhPerYear * gramsPerKwh / 1000;
}
