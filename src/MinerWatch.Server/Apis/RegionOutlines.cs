using System.Text.Json;
using System.Text.Json.Nodes;
using MinerWatch.Application.Regions;

namespace MinerWatch.Server.Apis;

/// <summary>
/// The operator's own region outlines (provinces, cities, districts), read once at start from the GeoJSON files of a
/// folder (<c>--outlines DIR</c>). Each feature names its region in <c>properties.region</c> (a path such as
/// <c>CN-GD/Guangzhou/Nansha</c>); public maps of China need an approval number, so the operator supplies them and
/// the project ships only Natural Earth's countries. A bad file stops the server with its name and what is wrong,
/// rather than a map with holes.
/// </summary>
public sealed class RegionOutlines
{
    private readonly Dictionary<string, JsonObject> _byRegion;

    private RegionOutlines(Dictionary<string, JsonObject> byRegion) => _byRegion = byRegion;

    public static RegionOutlines None { get; } = new([]);

    public int Count => _byRegion.Count;

    public static RegionOutlines Load(string? folder)
    {
        if (folder is null) return None;
        if (!Directory.Exists(folder)) throw new InvalidDataException($"outlines: the folder {folder} does not exist");
        var byRegion = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".geojson", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new InvalidDataException($"outlines: {folder} holds no .geojson or .json file");
        foreach (var file in files)
        {
            var name = Path.GetRelativePath(folder, file);
            JsonNode? root;
            try
            {
                using var stream = File.OpenRead(file);
                root = JsonNode.Parse(stream, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"outlines: {name} is not JSON ({e.Message})");
            }
            var kind = root is JsonObject o && o["type"] is JsonValue tv && tv.TryGetValue<string>(out var t) ? t : null;
            var features = kind switch
            {
                "FeatureCollection" => root!["features"] as JsonArray ?? throw new InvalidDataException($"outlines: {name} has no features array"),
                "Feature" => new JsonArray(root!.DeepClone()),
                var other => throw new InvalidDataException($"outlines: {name} is a GeoJSON {other ?? "(no type)"}, not a FeatureCollection or Feature"),
            };
            for (var i = 0; i < features.Count; i++)
            {
                var where = $"outlines: {name}, feature {i}";
                if (features[i] is not JsonObject feature) throw new InvalidDataException($"{where} is not an object");
                var region = feature["properties"] is JsonObject properties && properties["region"] is JsonValue v && v.TryGetValue<string>(out var s) ? RegionPath.Normalize(s) : null;
                if (string.IsNullOrEmpty(region)) throw new InvalidDataException($"{where} has no properties.region naming its region path (such as CN-GD/Guangzhou)");
                var geometry = feature["geometry"] as JsonObject;
                var type = geometry?["type"] is JsonValue gv && gv.TryGetValue<string>(out var g) ? g : null;
                if (type is not ("Polygon" or "MultiPolygon")) throw new InvalidDataException($"{where} ({region}) has a {type ?? "missing"} geometry: an outline is a Polygon or MultiPolygon");
                if (geometry!["coordinates"] is not JsonArray { Count: > 0 } rings || !Rings(rings, type == "MultiPolygon" ? 3 : 2))
                    throw new InvalidDataException($"{where} ({region}) has coordinates that are not [longitude, latitude] rings");
                if (!byRegion.TryAdd(region, new JsonObject
                {
                    ["type"] = "Feature",
                    ["properties"] = new JsonObject { ["region"] = region, ["name"] = region[(region.LastIndexOf('/') + 1)..] },
                    ["geometry"] = feature["geometry"]!.DeepClone(),
                }))
                    throw new InvalidDataException($"{where}: {region} is outlined twice");
            }
        }
        return new RegionOutlines(byRegion);
    }

    // Nested arrays down to positions of two or more finite numbers, longitude within ±180 and latitude within ±90.
    private static bool Rings(JsonArray array, int depth)
    {
        if (depth == 0)
        {
            return array.Count >= 2 && array[0] is JsonValue x && x.TryGetValue<double>(out var lon) && array[1] is JsonValue y && y.TryGetValue<double>(out var lat)
                && Math.Abs(lon) <= 180 && Math.Abs(lat) <= 90;
        }
        return array.Count > 0 && array.All(a => a is JsonArray inner && Rings(inner, depth - 1));
    }

    /// <summary>
    /// The outlines a map of <paramref name="scope"/> draws: the scope's own first (the backdrop), then its children's
    /// (the parts to drill down into).
    /// </summary>
    public JsonObject For(string scope)
    {
        var features = _byRegion.Where(r => r.Key != scope && RegionPath.IsWithin(r.Key, scope) && RegionPath.ChildOf(r.Key, scope) == r.Key)
            .OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Value).ToList();
        if (_byRegion.TryGetValue(scope, out var own)) features.Insert(0, own);
        return new JsonObject { ["type"] = "FeatureCollection", ["features"] = new JsonArray([.. features.Select(f => f.DeepClone())]) };
    }
}
