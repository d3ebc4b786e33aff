using System.Globalization;
using System.Text;

namespace MinerWatch.Simulation;

/// <summary>One city of a simulated province: its region path and the prefix its meter and feeder ids get; its sites are moved by the shift (degrees) so that cities do not overlap on a map.</summary>
public sealed record SimulatedCity(string Region, string Prefix, double ShiftLat = 0, double ShiftLon = 0);

/// <summary>What <see cref="ProvinceSimulator.Write"/> wrote: the history delivery and one readings file per later day.</summary>
public sealed record ProvinceFiles(string Sites, string Activity, string Feeders, string Labels, string History, IReadOnlyList<string> Days, int Meters, int MiningMeters, string Outlines);

/// <summary>
/// A province for the platform demo: several cities simulated apart (different seeds), their ids prefixed so they
/// never collide, merged into one sites, activity, feeders and labels file; the readings split into a history file
/// and one file per day for the last days, as a utility's meter-data system delivers them.
/// </summary>
public static class ProvinceSimulator
{
    public static ProvinceFiles Write(IReadOnlyList<SimulatedCity> cities, SimulationOptions options, int dailyDays, string outDir, IProgress<double>? progress = null)
    {
        Directory.CreateDirectory(outDir);
        var parts = Path.Combine(outDir, "cities");
        var meters = 0;
        var mining = 0;
        for (var i = 0; i < cities.Count; i++)
        {
            var summary = GridSimulator.Write(options with { Region = cities[i].Region, Seed = options.Seed + 101 * i }, Path.Combine(parts, cities[i].Prefix));
            meters += summary.Meters;
            mining += summary.MiningMeters;
            progress?.Report((i + 1.0) / (cities.Count + 1));
        }
        var placed = new List<(string Region, double Lat, double Lon)>();
        string Merge(string name, bool feederColumn)
        {
            var path = Path.Combine(outDir, name);
            using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
            foreach (var (city, k) in cities.Select((c, k) => (c, k)))
            {
                using var reader = new StreamReader(Path.Combine(parts, city.Prefix, name));
                var header = reader.ReadLine();
                if (k == 0) writer.WriteLine(header);
                while (reader.ReadLine() is { } line)
                {
                    if (line.Length == 0) continue;
                    var fields = line.Split(',');
                    fields[0] = city.Prefix + fields[0];
                    if (feederColumn && fields[3].Length > 0) fields[3] = city.Prefix + fields[3];
                    if (feederColumn && double.TryParse(fields[6], CultureInfo.InvariantCulture, out var lat) && double.TryParse(fields[7], CultureInfo.InvariantCulture, out var lon))
                    {
                        (lat, lon) = (Math.Round(lat + city.ShiftLat, 5), Math.Round(lon + city.ShiftLon, 5));
                        fields[6] = lat.ToString("0.00000", CultureInfo.InvariantCulture);
                        fields[7] = lon.ToString("0.00000", CultureInfo.InvariantCulture);
                        placed.Add((fields[2], lat, lon));
                    }
                    writer.WriteLine(string.Join(',', fields));
                }
            }
            return path;
        }
        var sites = Merge("sites.csv", feederColumn: true);
        var province = cities.Select(c => c.Region[..Math.Max(0, c.Region.LastIndexOf('/'))]).Distinct().Single();
        var outlines = Path.Combine(outDir, "outlines", "demo-outlines.geojson");
        Directory.CreateDirectory(Path.GetDirectoryName(outlines)!);
        DemoOutlines.Write(placed, province, outlines);
        var activity = Merge("activity.csv", feederColumn: false);
        var feeders = Merge("feeders.csv", feederColumn: false);
        var labels = Merge("labels.csv", feederColumn: false);

        // Readings: days before the last `dailyDays` in one history file, then a file per day.
        var firstDaily = options.Start.AddDays(options.Days - dailyDays);
        var dayFiles = Enumerable.Range(0, dailyDays).Select(d => firstDaily.AddDays(d)).ToList();
        var writers = dayFiles.ToDictionary(d => d.ToString("yyyy-MM-dd"), d => new StreamWriter(Path.Combine(outDir, $"readings-{d:yyyy-MM-dd}.csv"), false, new UTF8Encoding(false)));
        var history = Path.Combine(outDir, "readings-history.csv");
        using (var historyWriter = new StreamWriter(history, false, new UTF8Encoding(false)))
        {
            historyWriter.WriteLine("meter_id,timestamp,kwh");
            foreach (var w in writers.Values) w.WriteLine("meter_id,timestamp,kwh");
            foreach (var city in cities)
            {
                using var reader = new StreamReader(Path.Combine(parts, city.Prefix, "readings.csv"));
                reader.ReadLine();
                while (reader.ReadLine() is { } line)
                {
                    if (line.Length == 0) continue;
                    var comma = line.IndexOf(',');
                    var date = line.Substring(comma + 1, 10);
                    var target = writers.TryGetValue(date, out var daily) ? daily : historyWriter;
                    target.Write(city.Prefix);
                    target.WriteLine(line);
                }
            }
        }
        foreach (var w in writers.Values) w.Dispose();
        Directory.Delete(parts, recursive: true);
        progress?.Report(1);
        return new ProvinceFiles(sites, activity, feeders, labels, history, [.. dayFiles.Select(d => Path.Combine(outDir, $"readings-{d:yyyy-MM-dd}.csv"))], meters, mining, outlines);
    }
}
