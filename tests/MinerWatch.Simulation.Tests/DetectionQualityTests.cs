using MinerWatch.Application.Evaluation;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Scan;
using MinerWatch.Simulation.Evaluation;

namespace MinerWatch.Simulation.Tests;

/// <summary>
/// Ranking quality on a simulated region (a smaller cousin of the 20,000-meter acceptance run). The thresholds are
/// the levels this version reaches, most with a margin, so a change that makes detection worse fails here.
/// </summary>
public class DetectionQualityTests
{
    private static readonly Lazy<(ScanResult Scan, List<Label> Labels)> Region = new(() =>
    {
        var dir = TestData.TempDir();
        GridSimulator.Write(new SimulationOptions { Meters = 2000, Days = 365, MiningShare = 0.05, Seed = 7 }, dir);
        var scan = GridScan.Run(new ScanRequest
        {
            Readings = Path.Combine(dir, "readings.csv"),
            Sites = Path.Combine(dir, "sites.csv"),
            Activity = Path.Combine(dir, "activity.csv"),
            Feeders = Path.Combine(dir, "feeders.csv"),
        }, RowPolicy.Strict);
        var labels = LabelsReader.Read(Path.Combine(dir, "labels.csv"));
        Directory.Delete(dir, recursive: true);
        return (scan, labels);
    });

    private static Metrics For(string set)
    {
        var (scan, labels) = Region.Value;
        return RankingMetrics.Evaluate([.. scan.Meters.Select(m => (m.MeterId, m.Score))], labels).Single(m => m.Set == set);
    }

    /// <remarks>Since the simulator adds honest households with a new always-on appliance (0.2-0.5 kW from one day
    /// on), this region is harder: before a rise and a flat floor were weighed by the smallest mining rig it measured
    /// ROC AUC 0.957, average precision 0.653 and P@50 0.72 here; after, 0.962, 0.774 and 0.96.</remarks>
    [Fact]
    public void Ranks_mining_meters_above_clean_ones_overall()
    {
        var all = For("all");
        Assert.Equal(100, all.Positives);
        Assert.True(all.RocAuc >= 0.96, $"ROC AUC {all.RocAuc:0.0000}");
        Assert.True(all.AveragePrecision >= 0.76, $"AP {all.AveragePrecision:0.000}");
        Assert.True(all.PrecisionAt10 >= 0.9, $"P@10 {all.PrecisionAt10:0.00}");
        Assert.True(all.PrecisionAt50 >= 0.94, $"P@50 {all.PrecisionAt50:0.00}");
        Assert.True(all.RecallAt1PctFpr >= 0.58, $"recall at 1 % FPR {all.RecallAt1PctFpr:0.00}");
    }

    [Theory]
    [InlineData("charging_station", 0.99)]
    [InlineData("steady_farm", 0.975)]
    [InlineData("throttled", 0.95)]
    [InlineData("night_stealth", 0.985)]
    [InlineData("intermittent", 0.92)]
    [InlineData("bypass", 0.915)]
    public void Each_variant_ranks_above_clean_meters(string variant, double minimumAuc)
    {
        var m = For(variant);
        Assert.True(m.Positives > 10, $"{m.Positives} {variant} meters");
        Assert.True(m.RocAuc >= minimumAuc, $"{variant} ROC AUC {m.RocAuc:0.000} < {minimumAuc}");
    }

    /// <summary>
    /// Households that added a small always-on appliance: a real, steady rise smaller than any mining rig. Before the
    /// rise and the flat floor were weighed by their size they ranked with the miners (AUC 0.49 of miners over them);
    /// now 0.68, and none is in the top 25.
    /// </summary>
    [Fact]
    public void Households_with_a_new_always_on_appliance_rank_below_the_miners_and_out_of_the_top_25()
    {
        var m = For("honest:added_appliance");
        Assert.True(m.Negatives > 40, $"{m.Negatives} households with an added appliance");
        Assert.True(m.RocAuc >= 0.66, $"AUC against the appliance households {m.RocAuc:0.000}");
        var (scan, labels) = Region.Value;
        var honest = labels.Where(l => !l.Mining).Select(l => l.MeterId).ToHashSet();
        Assert.True(scan.Meters.OrderBy(x => x.Rank).Take(25).Count(x => honest.Contains(x.MeterId)) <= 2);
    }

    [Fact]
    public void Every_charging_station_with_a_hidden_farm_is_in_the_top_5_percent()
    {
        var (scan, labels) = Region.Value;
        var stations = labels.Where(l => l.Variant == "charging_station").Select(l => l.MeterId).ToHashSet();
        var ranks = scan.Meters.Where(m => stations.Contains(m.MeterId)).Select(m => m.Rank).ToList();
        Assert.Equal(17, ranks.Count);
        Assert.All(ranks, r => Assert.True(r <= scan.Meters.Count * 0.05, $"rank {r}"));
    }

    [Fact]
    public void Suspects_carry_onset_power_miners_and_energy()
    {
        var suspects = Region.Value.Scan.Meters.Where(m => m.Verdict == "suspect").ToList();
        Assert.NotEmpty(suspects);
        Assert.All(suspects, s =>
        {
            Assert.NotNull(s.Onset);
            Assert.True(s.MiningKw > 0);
            Assert.True(s.ImpliedMiners!.Low >= 1 && s.ImpliedMiners.High >= s.ImpliedMiners.Low);
            Assert.True(s.EnergySinceOnsetKwh >= 0);
            Assert.NotEmpty(s.Evidence);
        });
    }
}
