namespace MinerWatch.Energy.Emissions;

/// <summary>A grid's carbon intensity: grams of CO2 per kWh consumed, for a region code and year, with how it was obtained.</summary>
public sealed record EmissionFactor(string Code, string Region, int Year, double GramsPerKwh, string Basis, string Status, string Source)
{
    /// <summary>Tonnes of CO2 for <paramref name="kwh"/>.</summary>
    public double Tonnes(double kwh) => kwh * GramsPerKwh / 1e6;
}

/// <summary>
/// The bundled grid emission factors (<c>Data/emission-factors.csv</c>): countries by ISO 3166-1 code, Chinese provinces
/// by ISO 3166-2 code, and a world average. Lookups go from the most specific code of a region path to the country and
/// then the world, and prefer the latest year with a derived or published (rather than unverified) value.
/// </summary>
public sealed class EmissionFactors
{
    private static readonly Lazy<EmissionFactors> BundledFactors = new(() =>
    {
        using var stream = typeof(EmissionFactors).Assembly.GetManifestResourceStream("MinerWatch.Energy.Data.emission-factors.csv")
            ?? throw new InvalidOperationException("the bundled emission factors are missing from the assembly");
        return new EmissionFactors(Read(stream, "emission-factors.csv (bundled)"));
    });

    public EmissionFactors(IEnumerable<EmissionFactor> rows) => Rows = [.. rows];

    public static EmissionFactors Bundled => BundledFactors.Value;

    public IReadOnlyList<EmissionFactor> Rows { get; }

    /// <summary>The factor for a code such as <c>CN-SC</c>, <c>KZ</c> or <c>WORLD</c> (case-insensitive), or null.</summary>
    public EmissionFactor? ForCode(string code)
    {
        var rows = Rows.Where(r => string.Equals(r.Code, code, StringComparison.OrdinalIgnoreCase)).ToList();
        if (rows.Count == 0) return null;
        return rows.OrderBy(r => r.Status == "unverified" ? 1 : 0).ThenByDescending(r => r.Year).First();
    }

    /// <summary>
    /// The factor for a site's region path (<c>CN-GD/Guangzhou/Tianhe</c>): its province code if bundled, else its
    /// country, else the world average.
    /// </summary>
    public EmissionFactor ForRegion(string? region)
    {
        var head = (region ?? "").Split('/', 2)[0].Trim();
        if (head.Length > 0)
        {
            if (ForCode(head) is { } exact) return exact;
            var dash = head.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && ForCode(head[..dash]) is { } country) return country;
        }
        return ForCode("WORLD") ?? throw new InvalidOperationException("the bundled emission factors lack a WORLD row");
    }

    /// <summary>A factor the user states, checked for sense: no grid emits less than nothing or more than coal's upper bound.</summary>
    public static EmissionFactor UserFactor(double gramsPerKwh)
    {
        if (!double.IsFinite(gramsPerKwh) || gramsPerKwh < 0 || gramsPerKwh > 1500)
            throw new EnergyInputException($"emission factor {gramsPerKwh} gCO2/kWh is impossible: expected 0 to 1500 (coal plants emit about 820-1000)");
        return new EmissionFactor("USER", "given", 0, gramsPerKwh, "given on the command line", "user", "user");
    }

    private static List<EmissionFactor> Read(Stream stream, string file)
    {
        var rows = new List<EmissionFactor>();
        using var reader = Csv.Open(stream, file, ["code", "region", "year", "g_co2_per_kwh", "basis", "status", "source"], out var c);
        var line = 1L;
        foreach (var row in reader)
        {
            line++;
            rows.Add(new EmissionFactor(row[c[0]].ToString(), row[c[1]].ToString(), (int)Csv.Number(row[c[2]].ToString(), "year", file, line),
                Csv.Positive(row[c[3]].ToString(), "g_co2_per_kwh", file, line), row[c[4]].ToString(), row[c[5]].ToString(), row[c[6]].ToString()));
        }
        return rows;
    }
}
