using System.Text.Json;

namespace MinerWatch.Simulation;

/// <summary>
/// Region outlines for a simulated province, so the demo's map has regions to colour and drill into: each city is the
/// Voronoi cell of its sites' centre within the province's box, each district the Voronoi cell of its sites' centre
/// within its city. They are made up, as the sites are, and say so in their properties.
/// </summary>
public static class DemoOutlines
{
    private readonly record struct Point(double Lon, double Lat);

    public static void Write(IEnumerable<(string Region, double Lat, double Lon)> sites, string province, string path)
    {
        var all = sites.ToList();
        if (all.Count == 0) throw new ArgumentException("no sites to outline", nameof(sites));
        var pad = 0.08;
        var box = Box(all.Min(s => s.Lon) - pad, all.Min(s => s.Lat) - pad, all.Max(s => s.Lon) + pad, all.Max(s => s.Lat) + pad);
        var features = new List<(string Region, List<Point> Ring)> { (province, box) };
        string CityOf(string region) => string.Join('/', region.Split('/').Take(province.Split('/').Length + 1));
        var cities = all.GroupBy(s => CityOf(s.Region)).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var cityCentres = cities.Select(c => Centre(c)).ToList();
        for (var c = 0; c < cities.Count; c++)
        {
            var cell = Cell(box, cityCentres, c);
            features.Add((cities[c].Key, cell));
            var districts = cities[c].Where(s => s.Region != cities[c].Key).GroupBy(s => s.Region).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            var centres = districts.Select(d => Centre(d)).ToList();
            for (var d = 0; d < districts.Count; d++)
            {
                var inner = Cell(cell, centres, d);
                if (inner.Count >= 3) features.Add((districts[d].Key, inner));
            }
        }
        using var file = File.Create(path);
        using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("type", "FeatureCollection");
        json.WriteStartArray("features");
        foreach (var (region, ring) in features)
        {
            json.WriteStartObject();
            json.WriteString("type", "Feature");
            json.WriteStartObject("properties");
            json.WriteString("region", region);
            json.WriteString("source", "simulated for the demo, not a real boundary");
            json.WriteEndObject();
            json.WriteStartObject("geometry");
            json.WriteString("type", "Polygon");
            json.WriteStartArray("coordinates");
            json.WriteStartArray();
            foreach (var p in ring.Append(ring[0]))
            {
                json.WriteStartArray();
                json.WriteNumberValue(Math.Round(p.Lon, 5));
                json.WriteNumberValue(Math.Round(p.Lat, 5));
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static Point Centre(IEnumerable<(string Region, double Lat, double Lon)> sites)
    {
        var list = sites.ToList();
        return new Point(list.Average(s => s.Lon), list.Average(s => s.Lat));
    }

    private static List<Point> Box(double west, double south, double east, double north) =>
        [new(west, south), new(east, south), new(east, north), new(west, north)];

    // The part of a convex polygon nearer to centres[k] than to every other centre: clipped by one bisector at a time.
    private static List<Point> Cell(List<Point> polygon, List<Point> centres, int k)
    {
        var cell = polygon;
        for (var j = 0; j < centres.Count && cell.Count > 0; j++)
        {
            if (j == k) continue;
            var (a, b) = (centres[k], centres[j]);
            if (a == b) continue;
            // Keep p where (p - midpoint) · (b - a) <= 0, the side of a.
            var (nx, ny) = (b.Lon - a.Lon, b.Lat - a.Lat);
            var (mx, my) = ((a.Lon + b.Lon) / 2, (a.Lat + b.Lat) / 2);
            double Side(Point p) => (p.Lon - mx) * nx + (p.Lat - my) * ny;
            var next = new List<Point>();
            for (var i = 0; i < cell.Count; i++)
            {
                var (p, q) = (cell[i], cell[(i + 1) % cell.Count]);
                var (sp, sq) = (Side(p), Side(q));
                if (sp <= 0) next.Add(p);
                if (sp < 0 && sq > 0 || sp > 0 && sq < 0)
                {
                    var t = sp / (sp - sq);
                    next.Add(new Point(p.Lon + t * (q.Lon - p.Lon), p.Lat + t * (q.Lat - p.Lat)));
                }
            }
            cell = next;
        }
        return cell;
    }
}
