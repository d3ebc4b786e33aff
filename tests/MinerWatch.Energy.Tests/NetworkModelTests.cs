using MinerWatch.Energy.Catalog;
using MinerWatch.Energy.Emissions;
using MinerWatch.Energy.Network;

namespace MinerWatch.Energy.Tests;

public sealed class NetworkModelTests
{
    private static readonly DateTimeOffset Jan2020 = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static List<NetworkDay> Constant(DateOnly end, int days, double hashrateThs, double threshold) =>
        [.. Enumerable.Range(0, days).Select(k => new NetworkDay(end.AddDays(k - days + 1), hashrateThs, threshold * hashrateThs * 86400 * (0.05 / 3.6e6), 0.05))];

    [Fact]
    public void Threshold_is_smoothed_over_the_trailing_14_days_not_the_revenue()
    {
        var start = new DateOnly(2022, 3, 1);
        // Thresholds 100 for 14 days, then 400 on day 15: the 14-day mean on day 15 is (13 x 100 + 400) / 14.
        var days = Constant(start.AddDays(13), 14, 1e8, 100).Append(new NetworkDay(start.AddDays(14), 1e8, 400 * 1e8 * 86400 * (0.05 / 3.6e6), 0.05)).ToList();
        BasketMiner[] basket = [new("a", Jan2020, 50), new("b", Jan2020, 110)];

        var result = NetworkModel.Estimate(days, basket, CbeciMethod.V2021, outputWindowDays: 1);

        Assert.Equal(400, result[^1].ThresholdJPerTh, 6);
        Assert.Equal((13 * 100 + 400) / 14.0, result[^1].SmoothedThresholdJPerTh, 6);
        Assert.Equal(2, result[^1].ProfitableModels); // 121.4 > 110
        Assert.Equal(1, result[^2].ProfitableModels);
    }

    [Fact]
    public void A_model_counts_only_after_its_release_day_and_below_the_threshold()
    {
        var release = new DateTimeOffset(2021, 6, 1, 0, 0, 0, TimeSpan.Zero);
        BasketMiner[] basket = [new("old", Jan2020, 80), new("new", release, 30), new("hungry", Jan2020, 200)];

        var onRelease = NetworkModel.Profitable(basket, new DateOnly(2021, 6, 1), 150, CbeciMethod.V2021);
        var dayAfter = NetworkModel.Profitable(basket, new DateOnly(2021, 6, 2), 150, CbeciMethod.V2021);

        Assert.Equal(["old"], onRelease.Select(p => p.Miner.Name));
        Assert.Equal(["old", "new"], dayAfter.Select(p => p.Miner.Name));
    }

    [Theory]
    [InlineData("2021-02-01", 0)]     // within the two months after release
    [InlineData("2021-03-01", 1)]     // counted from 1 March 2021
    [InlineData("2022-02-28", 1)]     // month 11
    [InlineData("2022-03-01", 0.8)]   // second year in service
    [InlineData("2024-03-01", 0.4)]
    [InlineData("2025-03-01", 0.2)]
    [InlineData("2026-03-01", 0)]     // after five years
    public void V14_weights_follow_years_in_service_from_two_months_after_release(string day, double weight)
    {
        var release = new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(weight, NetworkModel.V14Weight(release, DateOnly.Parse(day)));
    }

    [Fact]
    public void V14_best_guess_is_the_weighted_mean_and_new_models_wait_two_months()
    {
        var day = new DateOnly(2023, 6, 15);
        BasketMiner[] basket =
        [
            new("four years", new(2019, 5, 1, 0, 0, 0, TimeSpan.Zero), 40),  // counted from 2019-07: month 47 -> 0.4
            new("one year", new(2022, 3, 1, 0, 0, 0, TimeSpan.Zero), 25),    // counted from 2022-05: month 13 -> 0.8
            new("brand new", new(2023, 5, 1, 0, 0, 0, TimeSpan.Zero), 15),   // counted from 2023-07: not yet
            new("retired", new(2017, 1, 1, 0, 0, 0, TimeSpan.Zero), 90),     // past five years
        ];
        var days = Constant(day, 14, 4e8, 100);

        var v14 = NetworkModel.Estimate(days, basket, CbeciMethod.V14, 1)[^1];
        var v2021 = NetworkModel.Estimate(days, basket, CbeciMethod.V2021, 1)[^1];

        Assert.Equal(2, v14.ProfitableModels);
        Assert.Equal((40 * 0.4 + 25 * 0.8) / 1.2, v14.BestGuess!.JoulesPerTh, 9);
        Assert.Equal(25, v14.Lower!.JoulesPerTh);
        Assert.Equal(40, v14.Upper!.JoulesPerTh);
        Assert.Equal(4, v2021.ProfitableModels);
        Assert.Equal((40 + 25 + 15 + 90) / 4.0, v2021.BestGuess!.JoulesPerTh, 9);
    }

    [Fact]
    public void With_no_profitable_model_the_previous_efficiencies_carry_forward_at_the_new_hash_rate()
    {
        var start = new DateOnly(2022, 1, 1);
        BasketMiner[] basket = [new("a", Jan2020, 60)];
        var days = new List<NetworkDay>
        {
            new(start, 1e8, 100 * 1e8 * 86400 * (0.05 / 3.6e6), 0.05),
            new(start.AddDays(1), 2e8, 0, 0.05), // revenue collapses: mean threshold 50 < 60
        };

        var result = NetworkModel.Estimate(days, basket, CbeciMethod.V2021, 1);

        Assert.False(result[0].CarriedForward);
        Assert.True(result[1].CarriedForward);
        Assert.Equal(0, result[1].ProfitableModels);
        Assert.Equal(60, result[1].Lower!.JoulesPerTh);
        Assert.Equal(NetworkModel.Gigawatts(2e8, 60, 1.01), result[1].Lower!.Gw, 9);
    }

    [Fact]
    public void Output_is_the_trailing_7_day_mean_of_daily_power()
    {
        var start = new DateOnly(2022, 1, 1);
        BasketMiner[] basket = [new("a", Jan2020, 50)];
        var days = Enumerable.Range(0, 7).Select(k => new NetworkDay(start.AddDays(k), (k + 1) * 1e8, 100 * (k + 1) * 1e8 * 86400 * (0.05 / 3.6e6), 0.05)).ToList();

        var result = NetworkModel.Estimate(days, basket, CbeciMethod.V2021);

        var expected = Enumerable.Range(1, 7).Average(k => NetworkModel.Gigawatts(k * 1e8, 50, 1.10));
        Assert.Equal(expected, result[^1].BestGuess!.Gw, 9);
        Assert.Equal(expected * 8.766, result[^1].BestGuess!.TwhPerYear, 9);
    }

    [Fact]
    public void Dates_out_of_order_are_refused()
    {
        var d = new DateOnly(2022, 1, 1);
        var e = Assert.Throws<EnergyInputException>(() => NetworkModel.Estimate([new(d, 1, 1, 0.05), new(d, 1, 1, 0.05)], [], CbeciMethod.V2021));

        Assert.Equal("network days must be in increasing date order without repeats (2022-01-01 then 2022-01-01)", e.Message);
    }

    [Fact]
    public void De_Vries_2022_carbon_footprint_is_energy_times_intensity()
    {
        // de Vries et al. 2022 (Joule 6:498): 65.4 Mt CO2 a year. Stated intensity 557.76 gCO2/kWh (August 2021 mining map);
        // the annual energy this implies, 117.25 TWh, is an assumption documented in docs/energy-model.md.
        Assert.Equal(65.4, NetworkInputs.MegatonnesPerYear(117.25, 557.76), 1);
    }

    [Fact]
    public void Weighted_intensity_counts_the_unassigned_share_at_the_world_average()
    {
        var factors = EmissionFactors.Bundled;
        using var csv = new MemoryStream("country,share_percent\nUS,40\nKZ,20\n"u8.ToArray());

        var shares = NetworkInputs.ReadShares(csv, "shares.csv", factors);
        var intensity = NetworkInputs.WeightedIntensity(shares, factors.ForCode("WORLD")!);

        Assert.Equal(0.4 * 390 + 0.2 * 635 + 0.4 * 444, intensity, 9);
    }

    [Fact]
    public void Shares_above_100_percent_are_refused_with_the_line()
    {
        using var csv = new MemoryStream("country,share_percent\nUS,60\nKZ,30\nRU,20\n"u8.ToArray());

        var e = Assert.Throws<EnergyInputException>(() => NetworkInputs.ReadShares(csv, "shares.csv", EmissionFactors.Bundled));

        Assert.Equal("shares.csv:4: shares add up to 110 %, more than 100 %", e.Message);
    }

    [Fact]
    public void Unknown_country_in_shares_is_refused()
    {
        using var csv = new MemoryStream("country,share_percent\nAtlantis,10\n"u8.ToArray());

        var e = Assert.Throws<EnergyInputException>(() => NetworkInputs.ReadShares(csv, "shares.csv", EmissionFactors.Bundled));

        Assert.StartsWith("shares.csv:2: no emission factor for 'Atlantis'", e.Message);
    }

    [Fact]
    public void Series_reader_sorts_rows_takes_default_price_and_refuses_repeats()
    {
        using var ok = new MemoryStream("date,hashrate_ths,revenue_usd,price_usd_kwh\n2021-05-02,1.5e8,5e7,\n2021-05-01,1.6e8,6e7,0.04\n"u8.ToArray());
        var series = NetworkInputs.ReadSeries(ok, "s.csv", 0.05);

        Assert.Equal([new(new DateOnly(2021, 5, 1), 1.6e8, 6e7, 0.04), new NetworkDay(new DateOnly(2021, 5, 2), 1.5e8, 5e7, 0.05)], series);

        using var twice = new MemoryStream("date,hashrate_ths,revenue_usd\n2021-05-01,1,1\n2021-05-01,1,1\n"u8.ToArray());
        var e = Assert.Throws<EnergyInputException>(() => NetworkInputs.ReadSeries(twice, "s.csv", 0.05));
        Assert.Equal("s.csv:3: date 2021-05-01 appears twice (lines 2 and 3)", e.Message);
    }

    [Theory]
    [InlineData("date,hashrate_ths,revenue_usd\n2021-05-01,-5,1\n", "s.csv:2: hashrate_ths -5 must be greater than 0")]
    [InlineData("date,hashrate_ths,revenue_usd\n2021-05-01,5,-1\n", "s.csv:2: revenue_usd -1 is negative")]
    [InlineData("date,hashrate_ths,revenue_usd\n05/01/2021,5,1\n", "s.csv:2: date '05/01/2021' is not a date (expected YYYY-MM-DD)")]
    [InlineData("date,hashrate\n2021-05-01,5\n", "s.csv:1: wrong header 'date,hashrate': column 'hashrate_ths' is missing; expected 'date,hashrate_ths,revenue_usd'")]
    [InlineData("date,hashrate_ths,revenue_usd\n2021-05-01,5\n", "s.csv:2: row has 2 fields, expected at least 3 (is the file truncated?)")]
    [InlineData("date,hashrate_ths,revenue_usd\n2021-05-03,160000000,60000000,-1\n", "s.csv:2: row has 4 fields, the header has 3 (an unquoted decimal comma or thousands separator? write numbers with '.' and no separators)")]
    public void Series_reader_names_file_line_and_problem(string text, string message)
    {
        using var csv = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));

        var e = Assert.Throws<EnergyInputException>(() => NetworkInputs.ReadSeries(csv, "s.csv", 0.05));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Cbeci_basket_reader_takes_unix_or_iso_release_and_converts_J_per_GH()
    {
        using var csv = new MemoryStream("Miner_name,UNIX_date_of_release,Efficiency_J_Gh,Qty\nAntminer S9,1504224000,0.098,1\nAntminer S19 Pro,2020-05-01,0.02955,1\n"u8.ToArray());

        var basket = MinerBasket.ReadCbeci(csv, "miners.csv", MinerCatalog.Bundled);

        Assert.Equal(new BasketMiner("Antminer S9", new(2017, 9, 1, 0, 0, 0, TimeSpan.Zero), 98), basket[0]);
        Assert.Equal(29.55, basket[1].JoulesPerTh, 9);
        Assert.Equal(new DateTimeOffset(2020, 5, 1, 0, 0, 0, TimeSpan.Zero), basket[1].Release);
    }

    [Fact]
    public void Cbeci_basket_release_in_milliseconds_is_refused()
    {
        using var csv = new MemoryStream("Miner_name,UNIX_date_of_release,Efficiency_J_Gh\nS9,1504224000000,0.098\n"u8.ToArray());

        var e = Assert.Throws<EnergyInputException>(() => MinerBasket.ReadCbeci(csv, "miners.csv", MinerCatalog.Bundled));

        Assert.Equal("miners.csv:2: UNIX_date_of_release 1504224000000 is not a plausible release time (seconds since 1970, from 1980 to 2200; milliseconds or a YYYYMMDD number fall outside)", e.Message);
    }

    [Fact]
    public void Chart_is_an_svg_with_the_three_lines()
    {
        var basket = new[] { new BasketMiner("a", Jan2020, 50), new BasketMiner("b", Jan2020, 90) };
        var series = NetworkModel.Estimate(Constant(new DateOnly(2022, 1, 20), 20, 2e8, 100), basket, CbeciMethod.V2021);
        using var w = new StringWriter();

        NetworkChart.Write(w, series, "Bitcoin network");

        var svg = System.Xml.Linq.XDocument.Parse(w.ToString());
        var ns = System.Xml.Linq.XNamespace.Get("http://www.w3.org/2000/svg");
        Assert.Equal(3, svg.Descendants(ns + "polyline").Count());
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == $"best guess {series[^1].BestGuess!.TwhPerYear:0.##}");
    }

    [Fact]
    public void A_break_even_too_large_to_compute_is_refused_with_its_day()
    {
        var days = new[] { new NetworkDay(new DateOnly(2021, 5, 19), 1.6e8, 1e308, 1e-300) };

        var e = Assert.Throws<EnergyInputException>(() => NetworkModel.Estimate(days, [new BasketMiner("a", Jan2020, 50)], CbeciMethod.V2021));

        Assert.Equal("2021-05-19: revenue 1E+308 USD for 160000000 TH/s at 1E-300 USD/kWh gives a break-even efficiency too large to compute: check the three figures and their units", e.Message);
    }

    [Fact]
    public void An_averaging_window_longer_than_the_calendar_is_the_mean_of_every_day_so_far()
    {
        var basket = new[] { new BasketMiner("a", Jan2020, 50) };
        var days = Constant(new DateOnly(2022, 1, 20), 20, 2e8, 100);

        var longest = NetworkModel.Estimate(days, basket, CbeciMethod.V2021, int.MaxValue);
        var twenty = NetworkModel.Estimate(days, basket, CbeciMethod.V2021, 20);

        Assert.Equal(twenty, longest);
    }

    [Fact]
    public void A_hash_rate_beyond_what_the_worlds_electricity_could_run_is_refused_with_its_line()
    {
        using var csv = new MemoryStream("date,hashrate_ths,revenue_usd\n2021-05-01,1.6e8,6e7\n2021-05-02,1.6e14,6e7\n"u8.ToArray());

        var e = Assert.Throws<EnergyInputException>(() => NetworkInputs.ReadSeries(csv, "s.csv", 0.05, 7.5));

        Assert.Equal("s.csv:3: hashrate_ths 1.6e14 TH/s is more than all the world's electricity (about 30,000 TWh a year) could run even at 7.5 J/TH, half the best shipped miner: at most 4.563e+11 TH/s; check the figure and its unit", e.Message);
    }

    [Theory]
    [InlineData("country,share_percent\nUS,30\nKZ,10\nus,5\n", "shares.csv:4: country 'us' is listed twice (lines 2 and 4); give each country once")]
    [InlineData("country,share_percent\n", "shares.csv:2: the file has no shares; list at least one country (the rest counts at the world average)")]
    [InlineData("country,share_percent\n,30\n", "shares.csv:2: country is empty")]
    public void Shares_listing_a_country_twice_or_none_are_refused(string text, string message)
    {
        using var csv = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));

        var e = Assert.Throws<EnergyInputException>(() => NetworkInputs.ReadShares(csv, "shares.csv", EmissionFactors.Bundled));

        Assert.Equal(message, e.Message);
    }
}
