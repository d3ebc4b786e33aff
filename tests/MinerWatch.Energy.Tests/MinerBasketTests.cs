using System.Globalization;
using System.Text;
using MinerWatch.Energy.Catalog;
using MinerWatch.Energy.Network;

namespace MinerWatch.Energy.Tests;

/// <summary>
/// CBECI's basket file as CBECI publishes it. Its first rows are placeholder classes for the hardware that mined before
/// ASICs, dated late 2008 to 2010 with efficiencies of thousands of J/GH. The rows here are written for these tests in
/// the same layout (the published file carries no licence, so it is not copied).
/// </summary>
public sealed class MinerBasketTests
{
    private const string Header = "Miner_name,UNIX_date_of_release,Efficiency_J_Gh,Qty\n";

    private const string Placeholders =
        "Worst CPU,1225497600,52000,1\n" +   // 2008-11-01
        "Best CPU,1230768000,7100,1\n" +     // 2009-01-01
        "Worst GPU,1262304000,2300,1\n" +    // 2010-01-01
        "Best GPU,1272672000,480,1\n" +      // 2010-05-01
        "Worst FPGA,1285891200,95,1\n" +     // 2010-10-01
        "Best FPGA,1291161600,21,1\n";       // 2010-12-01

    private static IReadOnlyList<BasketMiner> Read(string text) =>
        MinerBasket.ReadCbeci(new MemoryStream(Encoding.UTF8.GetBytes(text)), "miners.csv", MinerCatalog.Bundled);

    /// <summary>82 models with CBECI's 19 May 2021 extremes and plain mean (29.55, 273.36 and 86.694 J/TH), in J/GH.</summary>
    private static string Cbeci82()
    {
        var middle = (82 * 86.694 - 29.55 - 273.36) / 80 / 1000;
        var rows = new StringBuilder("Antminer S19 Pro,1588291200,0.02955,1\nAntminer S7,1441065600,0.27336,1\n");
        for (var k = 0; k < 80; k++) rows.Append(CultureInfo.InvariantCulture, $"Model {k},1441065600,{middle:R},1\n");
        return rows.ToString();
    }

    private static NetworkEstimate On19May2021(IReadOnlyList<BasketMiner> basket)
    {
        var day = new DateOnly(2021, 5, 19);
        var revenue = 300 * 160e6 * 86400 * (0.05 / 3.6e6); // a threshold of 300 J/TH at 160 EH/s
        var days = Enumerable.Range(0, 14).Select(k => new NetworkDay(day.AddDays(k - 13), 160e6, revenue, 0.05)).ToList();
        return NetworkModel.Estimate(days, basket, CbeciMethod.V2021)[^1];
    }

    [Fact]
    public void Placeholder_cpu_gpu_and_fpga_rows_dated_from_2008_are_read_as_published()
    {
        var basket = Read(Header + Placeholders + Cbeci82());

        Assert.Equal(88, basket.Count);
        Assert.Equal(new BasketMiner("Worst CPU", new(2008, 11, 1, 0, 0, 0, TimeSpan.Zero), 52_000_000), basket[0]);
        Assert.Equal(new BasketMiner("Best FPGA", new(2010, 12, 1, 0, 0, 0, TimeSpan.Zero), 21_000), basket[5]);
    }

    [Fact]
    public void The_published_basket_with_its_placeholder_rows_reproduces_the_19_May_2021_figures_exactly()
    {
        var without = On19May2021(Read(Header + Cbeci82()));
        var with = On19May2021(Read(Header + Placeholders + Cbeci82()));

        Assert.Equal(82, with.ProfitableModels);
        Assert.Equal(41.8599, with.Lower!.TwhPerYear, 3);
        Assert.Equal(133.7533, with.BestGuess!.TwhPerYear, 3);
        Assert.Equal(460.0854, with.Upper!.TwhPerYear, 3);
        Assert.Equal(without, with);
    }

    [Fact]
    public void Placeholder_rows_count_when_their_era_was_profitable()
    {
        // Late 2010: a break-even of 100,000 J/TH (100 J/GH) admits the GPUs and FPGAs released before, not the CPUs.
        var day = new DateOnly(2011, 1, 15);
        var days = Enumerable.Range(0, 14).Select(k => new NetworkDay(day.AddDays(k - 13), 3000, 100_000.0 * 3000 * 86400 * (0.05 / 3.6e6), 0.05)).ToList();

        var estimate = NetworkModel.Estimate(days, Read(Header + Placeholders), CbeciMethod.V2021, 1)[^1];

        Assert.Equal(2, estimate.ProfitableModels);
        Assert.Equal(21_000, estimate.Lower!.JoulesPerTh, 6);
        Assert.Equal(95_000, estimate.Upper!.JoulesPerTh, 6);
    }

    [Theory]
    [InlineData("1441065600.0", 2015, 9, 1)]
    [InlineData("1.4410656E9", 2015, 9, 1)]
    [InlineData("2015-09-01", 2015, 9, 1)]
    [InlineData("315532800", 1980, 1, 1)]
    public void Release_may_be_decimal_or_exponent_seconds_or_an_iso_date(string release, int y, int m, int d)
    {
        var basket = Read(Header + $"Antminer S7,{release},0.27336,1\n");

        Assert.Equal(new DateTimeOffset(y, m, d, 0, 0, 0, TimeSpan.Zero), basket[0].Release);
    }

    [Fact]
    public void A_historic_basket_of_early_asics_only_is_not_taken_for_a_unit_error()
    {
        // All released before the catalog's first ASIC (2015-09-01): the ASIC-era check has nothing to judge.
        var basket = Read(Header + "Early ASIC A,1359676800,9.4,1\nEarly ASIC B,1388534400,1.8,1\n");

        Assert.Equal(2, basket.Count);
    }

    [Fact]
    public void One_plausible_asic_era_row_is_enough_to_read_the_column_as_joules_per_gigahash()
    {
        var basket = Read(Header + "Odd rig,1500000000,5,1\nAntminer S9,1504224000,0.098,1\n");

        Assert.Equal(5000, basket[0].JoulesPerTh, 9);
    }

    [Theory]
    [InlineData("Antminer S7,1441065600,273.36,1\nAntminer S9,1504224000,98,1\nAntminer S19 Pro,1588291200,29.55,1\n",
        "miners.csv:4: all 3 models released since 2015-09-01 are above 2.734 J/GH, 10 times the least efficient ASIC in the catalog (Antminer S7, 0.2734 J/GH); the best, Antminer S19 Pro, is 29.55 J/GH. Are these J/TH figures? Efficiency_J_Gh is joules per gigahash: divide J/TH by 1000")]
    [InlineData("Worst CPU,1225497600,52000,1\nAntminer S19 Pro,1588291200,29.55,1\n",
        "miners.csv:3: the only model released since 2015-09-01 is above 2.734 J/GH, 10 times the least efficient ASIC in the catalog (Antminer S7, 0.2734 J/GH); the best, Antminer S19 Pro, is 29.55 J/GH. Are these J/TH figures? Efficiency_J_Gh is joules per gigahash: divide J/TH by 1000")]
    [InlineData("Antminer S9,1504224000,0.098,1\nantminer s9 ,1504224000,0.098,1\n",
        "miners.csv:3: model 'antminer s9' is listed twice (lines 2 and 3); remove one, or name each variant")]
    [InlineData("Magic,1588291200,0.002,1\n", "miners.csv:2: Magic: 0.002 J/GH is below 0.0075 J/GH, half of the best shipped SHA-256 miner: check the figure and its unit")]
    [InlineData("S9,20170901,0.098,1\n", "miners.csv:2: UNIX_date_of_release 20170901 is not a plausible release time (seconds since 1970, from 1980 to 2200; milliseconds or a YYYYMMDD number fall outside)")]
    [InlineData("S9,NaN,0.098,1\n", "miners.csv:2: UNIX_date_of_release NaN is not a plausible release time (seconds since 1970, from 1980 to 2200; milliseconds or a YYYYMMDD number fall outside)")]
    [InlineData("S9,1979-12-31,0.098,1\n", "miners.csv:2: UNIX_date_of_release 1979-12-31 is not a plausible release date (from 1980 to 2200)")]
    [InlineData("S9,Sept 2017,0.098,1\n", "miners.csv:2: UNIX_date_of_release 'Sept 2017' is neither unix seconds nor a YYYY-MM-DD date")]
    [InlineData("S9,1504224000,0,1\n", "miners.csv:2: Efficiency_J_Gh 0 must be greater than 0")]
    [InlineData("S9,1504224000,Infinity,1\n", "miners.csv:2: Efficiency_J_Gh 'Infinity' is not a number")]
    [InlineData(" ,1504224000,0.098,1\n", "miners.csv:2: Miner_name is empty")]
    [InlineData("S9,1504224000\n", "miners.csv:2: row has 2 fields, expected at least 3")]
    [InlineData("", "miners.csv:2: the basket has no miners")]
    public void Bad_baskets_are_refused_with_file_line_and_what_to_do(string rows, string message)
    {
        var e = Assert.Throws<EnergyInputException>(() => Read(Header + rows));

        Assert.Equal(message, e.Message);
    }
}
