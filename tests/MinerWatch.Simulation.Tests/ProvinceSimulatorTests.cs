using System.Globalization;
using System.Text.Json;

namespace MinerWatch.Simulation.Tests;

public sealed class ProvinceSimulatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("minerwatch-province-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// The demo province: cities moved apart by their shifts, and outlines for the province, each city and each
    /// district, closed polygons that tile without gaps (the city cells' areas add up to the province box).
    /// </summary>
    [Fact]
    public void A_province_is_written_with_shifted_cities_and_outlines_of_each_region()
    {
        SimulatedCity[] cities = [new("CN-GD/Guangzhou", "GZ"), new("CN-GD/Shenzhen", "SZ", -0.6, 0.85)];
        var files = ProvinceSimulator.Write(cities, new SimulationOptions { Meters = 60, Days = 10, Seed = 3 }, dailyDays: 2, _dir);
        var sites = File.ReadAllLines(files.Sites).Skip(1).Select(l => l.Split(',')).ToList();
        double Mean(string prefix, int column) => sites.Where(s => s[0].StartsWith(prefix, StringComparison.Ordinal)).Average(s => double.Parse(s[column], CultureInfo.InvariantCulture));
        Assert.InRange(Mean("SZ", 6) - Mean("GZ", 6), -0.75, -0.45);
        Assert.InRange(Mean("SZ", 7) - Mean("GZ", 7), 0.7, 1.0);

        using var geo = JsonDocument.Parse(File.ReadAllText(files.Outlines));
        var features = geo.RootElement.GetProperty("features").EnumerateArray().ToList();
        var regions = features.Select(f => f.GetProperty("properties").GetProperty("region").GetString()!).ToList();
        Assert.Equal("CN-GD", regions[0]);
        Assert.Contains("CN-GD/Guangzhou", regions);
        Assert.Contains("CN-GD/Shenzhen", regions);
        Assert.Contains("CN-GD/Guangzhou/Tianhe", regions);
        Assert.All(sites.Select(s => s[2]).Distinct(), r => Assert.Contains(r, regions));
        static double[][] Ring(JsonElement f) => [.. f.GetProperty("geometry").GetProperty("coordinates")[0].EnumerateArray().Select(p => new[] { p[0].GetDouble(), p[1].GetDouble() })];
        Assert.All(features, f => Assert.Equal(Ring(f)[0], Ring(f)[^1]));
        static double Area(double[][] ring) => Math.Abs(ring.Zip(ring.Skip(1)).Sum(e => e.First[0] * e.Second[1] - e.Second[0] * e.First[1])) / 2;
        var province = Area(Ring(features[0]));
        var cityArea = features.Where(f => f.GetProperty("properties").GetProperty("region").GetString()!.Count(c => c == '/') == 1).Sum(f => Area(Ring(f)));
        Assert.Equal(province, cityArea, 6);
    }
}
