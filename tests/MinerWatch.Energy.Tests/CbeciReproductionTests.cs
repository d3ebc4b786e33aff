using MinerWatch.Energy.Catalog;
using MinerWatch.Energy.Network;

namespace MinerWatch.Energy.Tests;

/// <summary>
/// Reproduces the Cambridge Bitcoin Electricity Consumption Index's page of 19 May 2021 from its published inputs:
/// about 160 EH/s, and profitable models from 29.55 J/TH (Antminer S19 Pro) to 273.36 J/TH (Antminer S7) with a plain
/// mean of 86.694 J/TH over 82 models. Published: 41.96 / 133.68 / 458.35 TWh (lower / best guess / upper).
/// The three figures imply hash rates of 160.38, 159.91 and 159.40 EH/s (CBECI publishes 7-day means of daily
/// figures whose hash rate and profitable set change from day to day), so each is reproduced within 0.5 %.
/// </summary>
public sealed class CbeciReproductionTests
{
    private const double HashrateThs = 160e6; // 160 EH/s
    private const double Tolerance = 0.005;

    [Theory]
    [InlineData(29.55, NetworkModel.LowerPue, 41.96)]
    [InlineData(86.694, NetworkModel.BestPue, 133.68)]
    [InlineData(273.36, NetworkModel.UpperPue, 458.35)]
    public void Published_bounds_of_19_May_2021_are_reproduced_from_their_efficiencies(double joulesPerTh, double pue, double publishedTwh)
    {
        var bound = NetworkModel.Bound(HashrateThs, joulesPerTh, pue);

        Assert.InRange(bound.TwhPerYear, publishedTwh * (1 - Tolerance), publishedTwh * (1 + Tolerance));
        Assert.Equal(bound.Gw * 8.766, bound.TwhPerYear, 9);
    }

    [Fact]
    public void Bounds_at_160_EHs_are_the_exact_products_of_efficiency_pue_and_hours()
    {
        Assert.Equal(41.8599, NetworkModel.Bound(HashrateThs, 29.55, 1.01).TwhPerYear, 3);
        Assert.Equal(133.7533, NetworkModel.Bound(HashrateThs, 86.694, 1.10).TwhPerYear, 3);
        Assert.Equal(460.0854, NetworkModel.Bound(HashrateThs, 273.36, 1.20).TwhPerYear, 3);
    }

    [Fact]
    public void The_quoted_149_TWh_of_10_May_2021_is_the_same_best_guess_at_about_179_EHs()
    {
        // 149.37 TWh = H x 86.694 J/TH x 1.10 x 8766 h  =>  H = 178.7 EH/s.
        var implied = 149.37e12 / (86.694 * 1.10 * 8766);

        Assert.InRange(implied, 178.65e6, 178.75e6);
    }

    [Fact]
    public void Threshold_is_revenue_per_terahash_over_the_price_of_a_joule()
    {
        // 60 M USD a day at 160 EH/s and 0.05 USD/kWh: 60e6 / (1.6e8 x 86400) USD/TH / (0.05 / 3.6e6) USD/J = 312.5 J/TH.
        Assert.Equal(312.5, NetworkModel.Threshold(60e6, 160e6, 0.05), 9);
    }

    [Fact]
    public void Model_run_on_a_basket_with_the_published_extremes_and_mean_gives_the_published_figures()
    {
        // 82 models with CBECI's extremes and plain mean: 29.55 and 273.36 J/TH, and 80 models at the one efficiency
        // that makes the mean 86.694 J/TH.
        var middle = (82 * 86.694 - 29.55 - 273.36) / 80;
        var release = new DateTimeOffset(2015, 9, 1, 0, 0, 0, TimeSpan.Zero);
        var basket = new List<BasketMiner> { new("low", release, 29.55), new("high", release, 273.36) };
        basket.AddRange(Enumerable.Range(0, 80).Select(k => new BasketMiner($"model {k}", release, middle)));
        var day = new DateOnly(2021, 5, 19);
        // Revenue such that the threshold (300 J/TH) admits all three, held constant over the window.
        var revenue = 300 * HashrateThs * 86400 * (0.05 / 3.6e6);
        var days = Enumerable.Range(0, 14).Select(k => new NetworkDay(day.AddDays(k - 13), HashrateThs, revenue, 0.05)).ToList();

        var estimate = NetworkModel.Estimate(days, basket, CbeciMethod.V2021)[^1];

        Assert.Equal(300, estimate.SmoothedThresholdJPerTh, 6);
        Assert.Equal(82, estimate.ProfitableModels);
        Assert.Equal(41.8599, estimate.Lower!.TwhPerYear, 3);
        Assert.Equal(133.7533, estimate.BestGuess!.TwhPerYear, 3);
        Assert.Equal(460.0854, estimate.Upper!.TwhPerYear, 3);
    }

    [Fact]
    public void Bundled_catalog_basket_matches_the_bounds_but_its_best_guess_is_lower_than_CBECIs()
    {
        var basket = MinerBasket.FromCatalog(MinerCatalog.Bundled);
        var day = new DateOnly(2021, 5, 19);
        var revenue = 300 * HashrateThs * 86400 * (0.05 / 3.6e6);
        var days = Enumerable.Range(0, 14).Select(k => new NetworkDay(day.AddDays(k - 13), HashrateThs, revenue, 0.05)).ToList();

        var estimate = NetworkModel.Estimate(days, basket, CbeciMethod.V2021)[^1];

        // The catalog's SHA-256 models released before 19 May 2021 (S7 to S19j Pro): 13 flagships only, none of the
        // many 2016-18 models at 90-170 J/TH that make most of CBECI's 82, so the plain mean is lower.
        Assert.Equal(13, estimate.ProfitableModels);
        Assert.Equal(41.86, estimate.Lower!.TwhPerYear, 2);
        Assert.Equal(460.15, estimate.Upper!.TwhPerYear, 2);
        Assert.InRange(estimate.BestGuess!.TwhPerYear, 95, 105);
    }
}
