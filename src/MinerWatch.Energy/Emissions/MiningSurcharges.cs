namespace MinerWatch.Energy.Emissions;

/// <summary>A punitive (differential) electricity price for mining, per kWh on top of the normal tariff, set by a jurisdiction.</summary>
public sealed record MiningSurcharge(string Code, string Jurisdiction, string Instrument, DateOnly Effective, double PerKwh, string Currency, string Scope, string Source);

/// <summary>Provincial mining surcharges, looked up by a site's region path; <see cref="Bundled"/> reads <c>Data/mining-surcharges.csv</c>.</summary>
public sealed class MiningSurcharges
{
    private static readonly Lazy<MiningSurcharges> BundledRows = new(() =>
    {
        using var stream = typeof(MiningSurcharges).Assembly.GetManifestResourceStream("MinerWatch.Energy.Data.mining-surcharges.csv")
            ?? throw new InvalidOperationException("the bundled mining surcharges are missing from the assembly");
        const string file = "mining-surcharges.csv (bundled)";
        var list = new List<MiningSurcharge>();
        using var reader = Csv.Open(stream, file, ["code", "jurisdiction", "instrument", "effective", "surcharge_per_kwh", "currency", "scope", "source"], out var c);
        var line = 1L;
        foreach (var row in reader)
        {
            line++;
            list.Add(new MiningSurcharge(row[c[0]].ToString(), row[c[1]].ToString(), row[c[2]].ToString(), Csv.Date(row[c[3]].ToString(), "effective", file, line),
                Csv.Positive(row[c[4]].ToString(), "surcharge_per_kwh", file, line), row[c[5]].ToString(), row[c[6]].ToString(), row[c[7]].ToString()));
        }
        return new MiningSurcharges(list);
    });

    public MiningSurcharges(IEnumerable<MiningSurcharge> rows) => All = [.. rows];

    public static MiningSurcharges Bundled => BundledRows.Value;

    public IReadOnlyList<MiningSurcharge> All { get; }

    /// <summary>The surcharge in force for a region path (<c>CN-SC/Chengdu</c>) or code, or null where none is bundled.</summary>
    public MiningSurcharge? ForRegion(string? region)
    {
        var head = (region ?? "").Split('/', 2)[0].Trim();
        return All.FirstOrDefault(s => string.Equals(s.Code, head, StringComparison.OrdinalIgnoreCase));
    }
}
