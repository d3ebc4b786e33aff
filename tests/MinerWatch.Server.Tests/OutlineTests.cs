using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CsCheck;
using MinerWatch.Server.Apis;

namespace MinerWatch.Server.Tests;

/// <summary>The operator's region outlines: read once from a folder, refused whole when a file is wrong, served per scope.</summary>
public sealed class OutlineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("minerwatch-outlines-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Box(string region, double west, double south, double size) =>
        $$$"""{"type":"Feature","properties":{"region":"{{{region}}}","name":"ignored"},"geometry":{"type":"Polygon","coordinates":[[[{{{west}}},{{{south}}}],[{{{west + size}}},{{{south}}}],[{{{west + size}}},{{{south + size}}}],[{{{west}}},{{{south}}}]]]}}""";

    private void Write(string name, params string[] features) =>
        File.WriteAllText(Path.Combine(_dir, name), $$"""{"type":"FeatureCollection","features":[{{string.Join(',', features)}}]}""");

    [Fact]
    public void A_scope_gets_its_own_outline_then_its_childrens_and_nothing_from_elsewhere()
    {
        Write("gd.geojson", Box("CN-GD", 110, 20, 5), Box("CN-GD/Guangzhou", 113, 22.5, 1), Box("CN-GD/Shenzhen", 114, 22.3, 0.5));
        Write("gz.json", Box("CN-GD/Guangzhou/Nansha", 113.3, 22.6, 0.2), Box("CN-GD/Guangzhou/Nansha/Huangge", 113.4, 22.7, 0.05), Box("CN-GD/Guangzhou/Tianhe", 113.3, 23.1, 0.1));
        File.WriteAllText(Path.Combine(_dir, "README.txt"), "not read");
        var outlines = RegionOutlines.Load(_dir);
        Assert.Equal(6, outlines.Count);
        static string[] Regions(JsonElement geo) => [.. geo.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("region").GetString()!)];
        JsonElement For(string scope) => JsonSerializer.Deserialize<JsonElement>(outlines.For(scope).ToJsonString());
        Assert.Equal(["CN-GD"], Regions(For("")));
        Assert.Equal(["CN-GD", "CN-GD/Guangzhou", "CN-GD/Shenzhen"], Regions(For("CN-GD")));
        Assert.Equal(["CN-GD/Guangzhou", "CN-GD/Guangzhou/Nansha", "CN-GD/Guangzhou/Tianhe"], Regions(For("CN-GD/Guangzhou")));
        Assert.Equal(["CN-GD/Guangzhou/Nansha/Huangge"], Regions(For("CN-GD/Guangzhou/Nansha/Huangge")));
        Assert.Empty(Regions(For("KZ-ALA")));
        // The display name is the region's last part, whatever the file said.
        Assert.Equal("Nansha", For("CN-GD/Guangzhou").GetProperty("features")[1].GetProperty("properties").GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("{\"type\":\"FeatureCollection\",\"features\":[", "outlines: bad.geojson is not JSON")]
    [InlineData("{\"type\":\"Polygon\",\"coordinates\":[]}", "outlines: bad.geojson is a GeoJSON Polygon, not a FeatureCollection or Feature")]
    [InlineData("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"Nansha\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[1,2],[3,4],[5,6],[1,2]]]}}]}",
        "outlines: bad.geojson, feature 0 has no properties.region naming its region path (such as CN-GD/Guangzhou)")]
    [InlineData("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"region\":\"CN-GD\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113,23]}}]}",
        "outlines: bad.geojson, feature 0 (CN-GD) has a Point geometry: an outline is a Polygon or MultiPolygon")]
    [InlineData("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"region\":\"CN-GD\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[23,113],[24,200],[25,113],[23,113]]]}}]}",
        "outlines: bad.geojson, feature 0 (CN-GD) has coordinates that are not [longitude, latitude] rings")]
    [InlineData("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"region\":\"CN-GD\"},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[[1,2],[3,4],[5,6],[1,2]]]}}]}",
        "outlines: bad.geojson, feature 0 (CN-GD) has coordinates that are not [longitude, latitude] rings")]
    [InlineData("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"region\":\"CN-GD//x\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[1,2],[3,4],[5,6],[1,2]]]}}]}",
        "outlines: bad.geojson, feature 0 has no properties.region naming its region path (such as CN-GD/Guangzhou)")]
    [InlineData("{\"type\":5}", "outlines: bad.geojson is a GeoJSON (no type), not a FeatureCollection or Feature")]
    [InlineData("[1,2]", "outlines: bad.geojson is a GeoJSON (no type), not a FeatureCollection or Feature")]
    [InlineData("{\"type\":\"FeatureCollection\",\"features\":[{\"properties\":[1],\"geometry\":{}}]}", "outlines: bad.geojson, feature 0 has no properties.region")]
    [InlineData("{\"type\":\"Feature\",\"properties\":{\"region\":\"X\"},\"geometry\":[]}", "outlines: bad.geojson, feature 0 (X) has a missing geometry")]
    [InlineData("{\"type\":\"Feature\",\"properties\":{\"region\":\"X\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[\"a\",1]]]}}", "outlines: bad.geojson, feature 0 (X) has coordinates that are not")]
    public void A_bad_file_stops_the_load_with_its_name_and_what_is_wrong(string text, string message)
    {
        Write("good.geojson", Box("CN-GD", 110, 20, 5));
        File.WriteAllText(Path.Combine(_dir, "bad.geojson"), text);
        var e = Assert.Throws<InvalidDataException>(() => RegionOutlines.Load(_dir));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void A_region_outlined_twice_an_empty_folder_and_a_missing_folder_are_refused()
    {
        Assert.Equal($"outlines: {_dir} holds no .geojson or .json file", Assert.Throws<InvalidDataException>(() => RegionOutlines.Load(_dir)).Message);
        Assert.Equal($"outlines: the folder {_dir}/none does not exist", Assert.Throws<InvalidDataException>(() => RegionOutlines.Load(_dir + "/none")).Message);
        Write("a.geojson", Box("CN-GD", 110, 20, 5));
        Write("b.geojson", Box(" CN-GD/ ", 111, 20, 5));
        Assert.Equal("outlines: b.geojson, feature 0: CN-GD is outlined twice", Assert.Throws<InvalidDataException>(() => RegionOutlines.Load(_dir)).Message);
    }

    [Fact]
    public async Task The_outlines_api_serves_the_callers_scope_and_hides_other_regions()
    {
        Write("gz.geojson", Box("CN-GD/Guangzhou/Nansha", 113.3, 22.6, 0.2), Box("CN-GD/Guangzhou/Nansha/Huangge", 113.4, 22.7, 0.05), Box("CN-GD/Guangzhou/Tianhe", 113.3, 23.1, 0.1));
        await using var campaign = await Campaign.StartAsync(Backend.Sqlite, ("outlines", _dir));
        var lead = await campaign.Platform.SignInAsync("lee");
        var mine = await lead.GetAsync("/api/v1/campaign/outlines", TestContext.Current.CancellationToken);
        Assert.Equal("application/geo+json", mine.Content.Headers.ContentType?.MediaType);
        var geo = await mine.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(["CN-GD/Guangzhou/Nansha", "CN-GD/Guangzhou/Nansha/Huangge"],
            geo.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("region").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await lead.GetAsync("/api/v1/campaign/outlines?region=CN-GD/Guangzhou/Tianhe", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await lead.GetAsync("/api/v1/campaign/outlines?region=CN-GD", TestContext.Current.CancellationToken)).StatusCode);
        var admin = await campaign.Admin.GetFromJsonAsync<JsonElement>("/api/v1/campaign/outlines?region=CN-GD/Guangzhou", TestContext.Current.CancellationToken);
        Assert.Equal(["CN-GD/Guangzhou/Nansha", "CN-GD/Guangzhou/Tianhe"],
            admin.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("region").GetString()));
    }
}

/// <summary>Hostile input to the outline files and the address book's address reader.</summary>
public sealed class OutlineFuzzTests
{
    private static readonly string Valid = """{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"region":"CN-GD/Guangzhou"},"geometry":{"type":"MultiPolygon","coordinates":[[[[113.1,23.0],[113.5,23.0],[113.5,23.4],[113.1,23.0]]]]}}]}""";

    [Fact]
    public void Damaged_outline_files_are_refused_with_a_reason_and_never_crash_the_reader()
    {
        var dir = Directory.CreateTempSubdirectory("minerwatch-outline-fuzz-").FullName;
        try
        {
            Gen.Int[0, Valid.Length - 1].Array[1, 6].Select(Gen.Char['\0', '\x7f'].Array[1, 6]).Sample((cuts, chars) =>
            {
                // Cut or overwrite the valid file at a few places: the loader loads it or refuses it, nothing else.
                var text = Valid.ToCharArray();
                for (var i = 0; i < cuts.Length; i++) text[cuts[i]] = chars[i % chars.Length];
                File.WriteAllText(Path.Combine(dir, "x.geojson"), new string(text));
                try
                {
                    var loaded = RegionOutlines.Load(dir);
                    Assert.True(loaded.Count <= 1);
                }
                catch (InvalidDataException e)
                {
                    Assert.StartsWith("outlines: x.geojson", e.Message);
                }
            }, iter: 2000);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("\t=1+1", "'\t=1+1")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("-2", "'-2")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("plain", "plain")]
    public void A_csv_text_field_is_quoted_and_never_a_formula(string text, string field) => Assert.Equal(field, CsvText.Field(text));

    [Fact]
    public void An_address_is_read_as_a_prefix_or_refused_and_a_prefix_always_reads_back_as_itself()
    {
        Assert.Equal("10.2.0.0/16", SitesApi.Canonical("10.2.0.0/16"));
        Assert.Equal("10.2.3.4/32", SitesApi.Canonical(" 10.2.3.4 "));
        Assert.Null(SitesApi.Canonical("10.2.3.4/16"));
        Assert.Null(SitesApi.Canonical("10.2.0.0/33"));
        Assert.Null(SitesApi.Canonical("pool.example.com"));
        Assert.Equal("2001:db8::/48", SitesApi.Canonical("2001:db8:0::/48"));
        // Only the plain forms, and nothing so wide that one site would claim every host.
        foreach (var refused in new[] { "fe80::1%eth0", "fe80::%2/64", "10", "4294967295", "0x7f.1", "10.0/8", "010.1.2.3", "[::1]", "0.0.0.0/0", "::/0", "10.0.0.0/8",
            "2001::/16", "::ffff:192.168.2.0/120", "10.2.0.0/+16", "10.2.0.0/ 16", "10.2.0.0/16/1" })
            Assert.Null(SitesApi.Canonical(refused));
        Gen.String.Sample(text =>
        {
            if (SitesApi.Canonical(text) is { } prefix) Assert.Equal(prefix, SitesApi.Canonical(prefix));
        }, iter: 20000);
        Gen.UInt.Select(Gen.Int[16, 32]).Sample((address, bits) =>
        {
            var network = new System.Net.IPNetwork(new System.Net.IPAddress(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(address & (bits == 0 ? 0 : uint.MaxValue << (32 - bits)))), bits);
            Assert.Equal(network.ToString(), SitesApi.Canonical(network.ToString()));
        }, iter: 20000);
    }
}
