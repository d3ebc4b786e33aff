namespace MinerWatch.Energy.Catalog;

/// <summary>Hash-rate units as written in the catalog and on miners' name plates, with their size in hashes per second.</summary>
public static class HashUnit
{
    private static readonly (string Unit, double Scale)[] Units =
    [
        ("H/s", 1), ("kH/s", 1e3), ("MH/s", 1e6), ("GH/s", 1e9), ("TH/s", 1e12), ("PH/s", 1e15), ("EH/s", 1e18),
    ];

    /// <summary>Hashes per second in one <paramref name="unit"/> (case of the prefix matters: kH, MH, GH...).</summary>
    public static bool TryScale(string unit, out double scale)
    {
        foreach (var (u, s) in Units)
        {
            if (string.Equals(u, unit, StringComparison.Ordinal))
            {
                scale = s;
                return true;
            }
        }
        scale = 0;
        return false;
    }

    /// <summary>
    /// Reads a unit as files write it, ignoring case (<c>TH/s</c>, <c>Th/s</c>, <c>th/s</c>): no hash-rate prefix is
    /// ambiguous by case, since a milli-hash is not a thing. Returns the canonical spelling.
    /// </summary>
    public static bool TryParse(string text, out string unit, out double scale)
    {
        foreach (var (u, s) in Units)
        {
            if (string.Equals(u, text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                (unit, scale) = (u, s);
                return true;
            }
        }
        (unit, scale) = ("", 0);
        return false;
    }

    public static IEnumerable<string> Names => Units.Select(u => u.Unit);

    /// <summary>The usual display unit per algorithm: TH/s for SHA-256 ASICs, MH/s for Ethash GPUs, H/s for CPU RandomX.</summary>
    public static string DisplayUnit(string algorithm) => algorithm.ToUpperInvariant() switch
    {
        "SHA-256" => "TH/s",
        "ETHASH" or "ETCHASH" or "SCRYPT" => "MH/s",
        _ => "H/s",
    };

    public static double ScaleOf(string unit) => TryScale(unit, out var s) ? s : throw new ArgumentException($"unknown hash-rate unit '{unit}'", nameof(unit));

    /// <summary>Formats a rate in hashes per second with the largest unit that keeps it at 1 or more.</summary>
    public static string Format(double hashesPerSecond)
    {
        if (!(hashesPerSecond > 0)) return "0 H/s";
        for (var i = Units.Length - 1; i > 0; i--)
        {
            if (hashesPerSecond >= Units[i].Scale)
                return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{hashesPerSecond / Units[i].Scale:0.###} {Units[i].Unit}");
        }
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{hashesPerSecond:0.###} H/s");
    }
}
