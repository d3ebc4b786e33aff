using nietras.SeparatedValues;

namespace MinerWatch.Grid.Input;

/// <summary>Reads the sites CSV: <c>meter_id,customer_class,region,feeder_id,contracted_kw[,name,latitude,longitude]</c>.</summary>
public static class SitesReader
{
    private static readonly string[] Required = ["meter_id", "customer_class", "region", "feeder_id", "contracted_kw"];

    public static List<Site> Read(string path, RowPolicy policy)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path, policy);
    }

    public static List<Site> Read(Stream stream, string file, RowPolicy policy)
    {
        using var reader = CsvTable.Open(stream, file, Required, out var c);
        var name = reader.Header.TryIndexOf("name", out var n) ? n : -1;
        var lat = reader.Header.TryIndexOf("latitude", out var la) ? la : -1;
        var lon = reader.Header.TryIndexOf("longitude", out var lo) ? lo : -1;
        var needed = CsvTable.MaxIndex(c) + 1;
        var fields = reader.Header.ColNames.Count;
        var sites = new List<Site>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in reader)
        {
            if (CsvTable.Skip(row, file)) continue;
            var line = row.LineNumberFrom;
            if (row.ColCount < needed)
            {
                policy.Reject(file, line, CsvTable.TooFewFields(row.ColCount, needed), row.Span);
                continue;
            }
            if (row.ColCount > fields)
            {
                policy.Reject(file, line, CsvTable.TooManyFields(row.ColCount, fields), row.Span);
                continue;
            }
            var reason = Parse(row, c, name, lat, lon, out var site);
            if (reason is null && !seen.Add(site!.MeterId)) reason = $"meter {site.MeterId} is listed twice";
            if (reason is not null)
            {
                policy.Reject(file, line, reason, row.Span);
                continue;
            }
            sites.Add(site!);
        }
        return sites;
    }

    private static string? Parse(SepReader.Row row, int[] c, int name, int lat, int lon, out Site? site)
    {
        site = null;
        var meter = row[c[0]].Span.Trim();
        if (meter.IsEmpty) return "meter_id is empty";
        if (!CustomerClassNames.TryParse(row[c[1]].Span.Trim(), out var cls))
            return $"customer_class '{row[c[1]].Span}' is not one of {string.Join(", ", CustomerClassNames.Names)}";
        var region = row[c[2]].Span.Trim();
        if (region.IsEmpty) return "region is empty (use a path such as CN-GD/Guangzhou/Tianhe)";
        var feeder = row[c[3]].Span.Trim();
        if (!CsvTable.TryParseNumber(row[c[4]].Span, out var kw) || kw <= 0)
            return $"contracted_kw '{row[c[4]].Span}' is not a positive number";
        double? latitude = null, longitude = null;
        if (lat >= 0 && lat < row.ColCount && !row[lat].Span.IsWhiteSpace())
        {
            if (!CsvTable.TryParseNumber(row[lat].Span, out var v) || Math.Abs(v) > 90) return $"latitude '{row[lat].Span}' is not between -90 and 90";
            latitude = v;
        }
        if (lon >= 0 && lon < row.ColCount && !row[lon].Span.IsWhiteSpace())
        {
            if (!CsvTable.TryParseNumber(row[lon].Span, out var v) || Math.Abs(v) > 180) return $"longitude '{row[lon].Span}' is not between -180 and 180";
            longitude = v;
        }
        var siteName = name >= 0 && name < row.ColCount && !row[name].Span.IsWhiteSpace() ? row[name].ToString().Trim() : null;
        site = new Site(meter.ToString(), cls, region.ToString(), feeder.ToString(), kw, siteName, latitude, longitude);
        return null;
    }
}
