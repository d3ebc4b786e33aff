using MinerWatch.Energy.Catalog;

namespace MinerWatch.Energy.Tests;

public sealed class MinerCatalogTests
{
    private static readonly MinerCatalog Catalog = MinerCatalog.Bundled;

    [Fact]
    public void Bundled_catalog_has_asic_gpu_and_cpu_miners_with_sources()
    {
        Assert.Equal(25, Catalog.Miners.Count);
        Assert.Equal(["Ethash", "RandomX", "SHA-256"], Catalog.Algorithms.Order(StringComparer.Ordinal));
        Assert.All(Catalog.Miners, m => Assert.False(string.IsNullOrWhiteSpace(m.Source)));
        Assert.All(Catalog.Miners, m => Assert.Contains(m.Status, new[] { "verified", "unverified" }));
        Assert.All(Catalog.Miners, m => Assert.InRange(m.Efficiency / (m.PowerW / m.Hashrate), 0.9, 1.1));
    }

    [Fact]
    public void Find_matches_full_and_bare_names_ignoring_case()
    {
        Assert.Equal(3250, Catalog.Find("antminer s19 pro (110t)").PowerW);
        Assert.Equal(29.55, Catalog.Find("Antminer S19 Pro").Efficiency);
        Assert.Equal(new DateOnly(2015, 9, 1), Catalog.Find("Antminer S7").Release);
    }

    [Fact]
    public void Unknown_model_is_refused_with_the_closest_names()
    {
        var e = Assert.Throws<EnergyInputException>(() => Catalog.Find("Antminer S19 Prp"));

        Assert.Equal("unknown miner model 'Antminer S19 Prp'; did you mean 'Antminer S19 Pro (110T)' or 'Antminer S17 Pro (53T)' or 'Antminer S19 XP (140T)'? ('minerwatch energy miners' lists them all)", e.Message);
    }

    [Fact]
    public void Filter_by_algorithm_and_release_date()
    {
        var models = Catalog.Filter("sha-256", new DateOnly(2019, 6, 30)).Select(m => m.Model).ToList();

        Assert.Equal(["Antminer S7", "Antminer S9 (13.5T)", "Antminer S9j (14.5T)", "Antminer S17 (56T)", "Antminer S17 Pro (53T)"], models);
    }

    [Fact]
    public void Plausible_models_at_an_onset_are_all_released_by_then_old_ones_included()
    {
        var models = MinerCatalog.Bundled.PlausibleAt("SHA-256", new DateOnly(2023, 1, 1)).Select(m => m.Model).ToList();

        Assert.Contains("Antminer S7", models);               // second-hand machines run on unbilled power
        Assert.Contains("Antminer S19 XP Hyd (255T)", models);
        Assert.DoesNotContain("Antminer S21 (200T)", models); // 2023-10: not yet
        Assert.Equal(17, models.Count);
    }

    [Fact]
    public void Efficiency_floor_is_half_the_best_shipped_model()
    {
        Assert.Equal(7.5, Catalog.EfficiencyFloor("SHA-256", "TH/s"), 9);
    }

    [Fact]
    public void User_rows_are_added_and_replace_same_named_bundled_rows()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "algorithm,model,hashrate,hashrate_unit,power_w,efficiency,efficiency_unit,release\nSHA-256,Antminer S7,4.73,TH/s,1300,274.8,J/TH,2015-09-01\nSHA-256,Home Rig X,50,TH/s,1500,30,J/TH,2024-05-01\n");
        try
        {
            var catalog = Catalog.With(MinerCatalog.ReadFile(path));

            Assert.Equal(26, catalog.Miners.Count);
            Assert.Equal(1300, catalog.Find("Antminer S7").PowerW);
            Assert.Equal("user", catalog.Find("Home Rig X").Status);
            Assert.Equal(Path.GetFileName(path), catalog.Find("Home Rig X").Source);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("SHA-256,X,50,TH/s,1500,3,J/TH,2024-05-01", "efficiency 3 J/TH disagrees with power_w / hashrate = 30; check the units")]
    [InlineData("SHA-256,X,50,TH/s,-1500,30,J/TH,2024-05-01", "power_w -1500 must be greater than 0")]
    [InlineData("SHA-256,X,50,TH,1500,30,J/TH,2024-05-01", "hashrate_unit 'TH' is not one of H/s, kH/s, MH/s, GH/s, TH/s, PH/s, EH/s")]
    [InlineData("SHA-256,X,50,TH/s,1500,30,J/TH,May 2024", "release 'May 2024' is not a date (expected YYYY-MM-DD)")]
    [InlineData("SHA-256,X,fifty,TH/s,1500,30,J/TH,2024-05-01", "hashrate 'fifty' is not a number")]
    public void Bad_user_rows_are_refused_with_file_and_line(string row, string reason)
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "algorithm,model,hashrate,hashrate_unit,power_w,efficiency,efficiency_unit,release\n" + row + "\n");
        try
        {
            var e = Assert.Throws<EnergyInputException>(() => MinerCatalog.ReadFile(path));

            Assert.Equal($"{path}:2: {reason}", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static IReadOnlyList<Miner> ReadText(string rows, MinerCatalog? reference = null) =>
        MinerCatalog.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("algorithm,model,hashrate,hashrate_unit,power_w,efficiency,efficiency_unit,release\n" + rows)), "mine.csv", reference);

    [Fact]
    public void Efficiency_is_read_in_its_stated_unit_and_held_per_hashrate_unit()
    {
        var rows = ReadText("SHA-256,Rig A,110,TH/s,3250,0.02955,J/GH,2020-05-01\nSHA-256,Rig B,110000,GH/s,3250,29.55,J/TH,2020-05-01\n");

        Assert.Equal(29.55, rows[0].Efficiency, 9);
        Assert.Equal("J/TH", rows[0].EfficiencyUnit);
        Assert.Equal(0.02955, rows[1].Efficiency, 12);
        Assert.Equal("J/GH", rows[1].EfficiencyUnit);
        Assert.Equal(rows[0].JoulesPerHash * 1e12, rows[1].JoulesPerHash * 1e12, 9);
    }

    [Fact]
    public void Units_are_read_whatever_their_case_and_stored_canonically()
    {
        var row = ReadText("SHA-256,Rig,110,Th/s,3250,29.55,j/th,2020-05-01\n")[0];

        Assert.Equal("TH/s", row.HashrateUnit);
        Assert.Equal(110e12, row.HashesPerSecond, 0);
    }

    [Fact]
    public void Without_an_efficiency_unit_column_the_efficiency_is_per_hashrate_unit()
    {
        var rows = MinerCatalog.Read(new MemoryStream("algorithm,model,hashrate,hashrate_unit,power_w,efficiency,release\nSHA-256,Rig,110,TH/s,3250,29.55,2020-05-01\n"u8.ToArray()), "mine.csv");

        Assert.Equal(29.55, rows[0].Efficiency);
    }

    [Theory]
    [InlineData("SHA-256,Rig,110,TH/s,3250,29.55,W/TH,2020-05-01\n", "mine.csv:2: efficiency_unit 'W/TH' is not one of J/H, J/kH, J/MH, J/GH, J/TH, J/PH, J/EH")]
    [InlineData("SHA-256,Rig,110,TH/s,3250,29.55,J/GH,2020-05-01\n", "mine.csv:2: efficiency 29550 J/TH disagrees with power_w / hashrate = 29.545; check the units")]
    [InlineData("SHA-256,Rig,110,TH/s,3250,29.55,J/TH,2020-05-01\nSHA-256,rig,100,TH/s,3050,30.5,J/TH,2021-01-01\n", "mine.csv:3: model 'rig' is listed twice (lines 2 and 3); remove one, or name each variant")]
    [InlineData(",Rig,110,TH/s,3250,29.55,J/TH,2020-05-01\n", "mine.csv:2: algorithm is empty")]
    [InlineData("SHA-256,Rig,110,TH/s,3250\n", "mine.csv:2: row has 5 fields, expected at least 8")]
    public void Bad_units_and_duplicates_are_refused_with_file_and_line(string rows, string message)
    {
        var e = Assert.Throws<EnergyInputException>(() => ReadText(rows));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Against_a_reference_catalog_a_row_below_its_floor_is_refused_with_its_line()
    {
        var e = Assert.Throws<EnergyInputException>(() => ReadText("SHA-256,Fine,110,TH/s,3250,29.55,J/TH,2020-05-01\nSHA-256,Dream,1000,TH/s,5000,5,J/TH,2025-01-01\n", Catalog));

        Assert.Equal("mine.csv:3: Dream: efficiency 5 J/TH is below 7.5 J/TH, half of the best shipped SHA-256 miner: check the figure and its unit", e.Message);
    }

    [Fact]
    public void The_smallest_rig_is_four_median_gpu_cards_or_the_smallest_machine_and_never_a_cpu()
    {
        // Bundled: Ethash cards of 128 W and 235 W (median 181.5 W) x 4 = 0.726 kW, below the smallest ASIC (1.293 kW).
        Assert.Equal(0.726, MinerCatalog.Bundled.SmallestRigKw(), 6);
        static Miner Row(string algorithm, double watts) => new()
        {
            Algorithm = algorithm,
            Model = $"{algorithm} {watts} W",
            Hashrate = 1,
            HashrateUnit = "TH/s",
            PowerW = watts,
            Efficiency = 1,
            Release = new DateOnly(2020, 1, 1),
            Status = "verified",
            Source = "test",
        };
        Assert.Equal(0.8, new MinerCatalog([Row("SHA-256", 800), Row("Ethash", 300), Row("RandomX", 60)]).SmallestRigKw(), 6);
        Assert.Equal(0.6, new MinerCatalog([Row("SHA-256", 3000), Row("Ethash", 100), Row("Ethash", 150), Row("Ethash", 200)]).SmallestRigKw(), 6);
        Assert.Equal(0, new MinerCatalog([Row("RandomX", 60)]).SmallestRigKw());
    }
}
