using MinerWatch.Energy.Catalog;
using MinerWatch.Energy.Coins;
using MinerWatch.Energy.Emissions;
using MinerWatch.Energy.Site;

namespace MinerWatch.Energy.Tests;

public sealed class SiteEstimatorTests
{
    private static readonly SiteEstimator Estimator = new(MinerCatalog.Bundled);
    private static readonly EmissionFactor China = EmissionFactors.Bundled.ForCode("CN")!;

    [Fact]
    public void Count_and_model_give_power_energy_hashrate_co2_and_money()
    {
        var s19 = MinerCatalog.Bundled.Find("Antminer S19 Pro");
        var estimate = Estimator.Estimate(new SiteRequest
        {
            MinerCount = 100,
            Model = s19,
            Hours = 720,
            EmissionFactor = China,
            TariffPerKwh = 0.6,
            SurchargePerKwh = 2.0,
            HashpriceUsdPerUnitDay = 0.05,
        });

        Assert.Equal(325, estimate.PowerKw, 9);
        Assert.Equal(234_000, estimate.EnergyKwh, 6);
        Assert.Equal(11e15, estimate.HashrateHs.Low, 0);
        Assert.Equal(234_000 * 546 / 1e6, estimate.Co2Tonnes, 9);
        Assert.Equal(140_400, estimate.Owed!.AtTariff!.Value, 6);
        Assert.Equal(468_000, estimate.Owed.Surcharge!.Value, 6);
        Assert.Equal(608_400, estimate.Owed.Total, 6);
        Assert.Equal(11_000 * 0.05 * 30, estimate.RevenueUsd!.Low, 6);
    }

    [Fact]
    public void Metered_power_gives_a_range_of_machines_over_models_plausible_at_onset()
    {
        var estimate = Estimator.Estimate(new SiteRequest { Kw = 150, Hours = 24 * 100, Onset = new DateOnly(2021, 3, 1), EmissionFactor = China });

        // Released by 2021-03-01: the largest draws 3.472 kW (M30S++), the smallest 1.293 kW (S7).
        Assert.Equal(43, estimate.Miners.Low);
        Assert.Equal("Whatsminer M30S++ (112T)", estimate.Miners.LowBasis);
        Assert.Equal(116, estimate.Miners.High);
        Assert.Equal("Antminer S7", estimate.Miners.HighBasis);
        Assert.Equal(150_000 / 273.4 * 1e12, estimate.HashrateHs.Low, 0);
        Assert.Equal(150_000 / 29.55 * 1e12, estimate.HashrateHs.High, 0);
        Assert.Equal(360_000, estimate.EnergyKwh, 6);
    }

    [Fact]
    public void Guangzhou_case_fits_gpu_rigs_or_asics_running_part_time()
    {
        // Guangzhou EV charging station: 190 machines, over 1,000 hours, over 90,000 kWh.
        var estimate = Estimator.Estimate(new SiteRequest { MinerCount = 190, Kwh = 90_000, Hours = 1000, Onset = new DateOnly(2021, 6, 1), EmissionFactor = China });

        Assert.Equal(90, estimate.PowerKw, 9);
        Assert.Equal(0.4737, estimate.KwPerMachine!.Value, 4);
        var fits = estimate.Fits!.ToDictionary(f => f.Model);
        Assert.Equal(0.358, fits["Antminer S9 (13.5T)"].Duty, 3);
        Assert.Equal(0.146, fits["Antminer S19 (95T)"].Duty, 3);
        Assert.True(fits["Antminer S19 (95T)"].Consistent);   // could have run 15 % of the time
        Assert.False(fits["NVIDIA RTX 3080 (non-LHR tuned)"].Consistent); // one card cannot draw 0.47 kW: a rig of two can
        Assert.Equal(2.02, fits["NVIDIA RTX 3080 (non-LHR tuned)"].Duty, 2);
    }

    [Fact]
    public void Hours_beyond_the_period_are_refused()
    {
        var e = Assert.Throws<EnergyInputException>(() => Estimator.Estimate(new SiteRequest { Kw = 10, Hours = 800, PeriodHours = 720, EmissionFactor = China }));

        Assert.Equal("800 hours of mining is more than the 720 hours of the period", e.Message);
    }

    [Theory]
    [InlineData(-5.0, null, "power (kW) -5 is impossible: it must be greater than 0")]
    [InlineData(null, -100.0, "energy (kWh) -100 is impossible: it must be greater than 0")]
    public void Negative_power_or_energy_is_refused(double? kw, double? kwh, string message)
    {
        var e = Assert.Throws<EnergyInputException>(() => Estimator.Estimate(new SiteRequest { Kw = kw, Kwh = kwh, Hours = 10, EmissionFactor = China }));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Nothing_to_go_on_is_refused()
    {
        var e = Assert.Throws<EnergyInputException>(() => Estimator.Estimate(new SiteRequest { Hours = 10, EmissionFactor = China }));

        Assert.Equal("give a miner count and model, a power in kW, or an energy in kWh", e.Message);
    }

    [Fact]
    public void Subsidy_halves_on_the_halving_days()
    {
        Assert.Equal(50, BitcoinEconomics.SubsidyOn(new DateOnly(2012, 11, 27)));
        Assert.Equal(25, BitcoinEconomics.SubsidyOn(new DateOnly(2012, 11, 28)));
        Assert.Equal(6.25, BitcoinEconomics.SubsidyOn(new DateOnly(2021, 5, 19)));
        Assert.Equal(3.125, BitcoinEconomics.SubsidyOn(new DateOnly(2024, 4, 20)));
        Assert.Equal(1.5625, BitcoinEconomics.SubsidyOn(new DateOnly(2028, 6, 1)));
    }

    [Fact]
    public void Hashprice_from_difficulty_price_and_fees()
    {
        // Difficulty 25e12 implies 178.96 EH/s; one TH/s then earns 144 x 6.25 BTC / 178.96e6 TH/s a day.
        Assert.InRange(BitcoinEconomics.NetworkHashrate(25e12), 178.95e18, 178.97e18);
        var hp = BitcoinEconomics.HashpriceUsdPerThDay(new DateOnly(2021, 5, 19), 25e12, 40_000, 0);
        Assert.Equal(1e12 * 86400 / (25e12 * 4294967296) * 6.25 * 40_000, hp, 12);
        Assert.Equal(0.20117, hp, 5);
    }

    [Fact]
    public void Emission_factor_lookup_goes_from_province_to_country_to_world()
    {
        var factors = EmissionFactors.Bundled;

        Assert.Equal(146, factors.ForRegion("CN-SC/Chengdu").GramsPerKwh);
        Assert.Equal(546, factors.ForRegion("CN-GD/Guangzhou/Tianhe").GramsPerKwh); // Guangdong not bundled: China's derived 2021 factor
        Assert.Equal(390, factors.ForRegion("US-TX").GramsPerKwh);
        Assert.Equal(444, factors.ForRegion("Atlantis").GramsPerKwh);
    }

    [Fact]
    public void Impossible_emission_factor_is_refused()
    {
        var e = Assert.Throws<EnergyInputException>(() => EmissionFactors.UserFactor(-3));

        Assert.Equal("emission factor -3 gCO2/kWh is impossible: expected 0 to 1500 (coal plants emit about 820-1000)", e.Message);
    }

    [Fact]
    public void Provincial_surcharges_are_found_by_region()
    {
        Assert.Equal(2.00, MiningSurcharges.Bundled.ForRegion("CN-SC/Chengdu")!.PerKwh);
        Assert.Equal(0.80, MiningSurcharges.Bundled.ForRegion("CN-HI")!.PerKwh);
        Assert.Null(MiningSurcharges.Bundled.ForRegion("CN-GD/Guangzhou"));
    }

    private static readonly DateOnly Today = new(2025, 12, 1);

    [Fact]
    public void An_onset_before_every_catalog_model_is_refused_when_a_person_asks()
    {
        var e = Assert.Throws<EnergyInputException>(() => Estimator.Estimate(new SiteRequest
        { Kw = 100, Hours = 10, Onset = new DateOnly(1990, 1, 1), RefuseOnsetBeforeCatalog = true, EmissionFactor = China, Today = Today }));

        Assert.Equal("no SHA-256 miner in the catalog was on the market by 1990-01-01 (the first, Antminer S7, dates from 2015-09-01), and Bitcoin's first block is of 2009-01-03: check the onset, or add older machines with a catalog file", e.Message);
    }

    [Fact]
    public void The_grid_scan_still_takes_the_first_models_for_an_onset_before_the_catalog()
    {
        var estimate = Estimator.Estimate(new SiteRequest { Kw = 100, Hours = 10, Onset = new DateOnly(2014, 3, 1), EmissionFactor = China, Today = Today });

        Assert.Equal(["Antminer S7"], estimate.PlausibleModels);
    }

    [Fact]
    public void Power_energy_and_hours_that_disagree_are_refused_and_agreeing_ones_kept()
    {
        var e = Assert.Throws<EnergyInputException>(() => Estimator.Estimate(new SiteRequest { Kw = 100, Kwh = 5, Hours = 10, EmissionFactor = China, Today = Today }));
        Assert.Equal("power, energy and hours disagree: 100 kW for 10 hours is 1000 kWh, not 5; give two of the three", e.Message);

        var ok = Estimator.Estimate(new SiteRequest { Kw = 100, Kwh = 1004, Hours = 10, EmissionFactor = China, Today = Today });
        Assert.Equal(10.04, ok.Hours, 9);
    }

    [Theory]
    [InlineData(1e308, 10.0, null, null, "a power of 1e+308 kW is more than all the world's electricity (about 3.4e+9 kW, 30,000 TWh a year): check the figures and their units")]
    [InlineData(100.0, 1e200, null, null, "1e+200 hours of mining is more than the 148,248 hours since Bitcoin's first block (2009-01-03): check the figures and their units")]
    [InlineData(100.0, 10.0, 1e308, null, "the back-bill is too large to compute: check the tariff (1E+308 per kWh, over 1,000 kWh)")]
    [InlineData(100.0, 10.0, null, 1e308, "the revenue is too large to compute: check the hash price (1E+308 USD per unit a day)")]
    public void Absurd_figures_and_results_too_large_to_compute_are_refused(double kw, double hours, double? tariff, double? hashprice, string message)
    {
        var e = Assert.Throws<EnergyInputException>(() => Estimator.Estimate(new SiteRequest
        { Kw = kw, Hours = hours, TariffPerKwh = tariff, HashpriceUsdPerUnitDay = hashprice, EmissionFactor = China, Today = Today }));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_hash_price_too_large_to_compute_is_refused()
    {
        var e = Assert.Throws<EnergyInputException>(() => BitcoinEconomics.HashpriceUsdPerThDay(new DateOnly(2025, 1, 1), 1e-300, 1e308, 0));

        Assert.Equal("the hash price from difficulty 1E-300, coin price 1E+308 USD and fees 0 BTC is too large to compute: check the three figures", e.Message);
    }
}
