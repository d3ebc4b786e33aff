using System.Text.Json;

namespace MinerWatch.Cli.Tests;

public class EnergyCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString().ReplaceLineEndings("\n"));
    }

    private static string Temp(string name, string text)
    {
        var dir = Path.Combine(Path.GetTempPath(), "minerwatch-energy-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("energy", "--help")]
    [InlineData("energy", "miners", "--help")]
    [InlineData("energy", "site", "--help")]
    [InlineData("energy", "network", "--help")]
    public void Every_energy_command_has_help(params string[] args)
    {
        var (code, output, _) = Run(args);
        Assert.Equal(0, code);
        Assert.Contains("Usage:", output);
    }

    [Fact]
    public void Miners_filtered_by_algorithm_and_date_in_csv()
    {
        var (code, output, _) = Run("energy", "miners", "--algorithm", "RandomX", "--released-by", "2020-06-30", "--format", "csv");

        Assert.Equal(0, code);
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal("algorithm,model,hashrate,hashrate_unit,power_w,efficiency,efficiency_unit,release,status,source", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("RandomX,AMD Ryzen 7 3700X,9750,H/s,76,0.0078,J/H,2019-07-01,verified,", lines[1]);
        Assert.StartsWith("RandomX,AMD Threadripper 3990X,50000,H/s,280,0.0056,J/H,2020-02-01,unverified,", lines[2]);
    }

    [Fact]
    public void Miners_json_lists_every_model()
    {
        var (code, output, _) = Run("energy", "miners", "--format", "json");

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(25, doc.RootElement.GetProperty("miners").GetArrayLength());
    }

    [Fact]
    public void Unknown_algorithm_is_bad_usage()
    {
        var (code, _, err) = Run("energy", "miners", "--algorithm", "Scrypt");

        Assert.Equal(2, code);
        Assert.Equal("error: --algorithm 'Scrypt' is not in the catalog; it has Ethash, RandomX, SHA-256\n", err);
    }

    [Fact]
    public void Site_in_sichuan_carries_the_provincial_surcharge_and_factor()
    {
        var (code, output, _) = Run("energy", "site", "--count", "100", "--model", "Antminer S19 Pro", "--from", "2025-01-01", "--to", "2025-01-31",
            "--grid", "CN-SC", "--tariff", "0.5", "--format", "json");

        Assert.Equal(0, code);
        var e = JsonDocument.Parse(output).RootElement;
        Assert.Equal(325, e.GetProperty("power_kw").GetDouble());
        Assert.Equal(720, e.GetProperty("hours").GetDouble());
        Assert.Equal(234000, e.GetProperty("energy_kwh").GetDouble());
        Assert.Equal(146, e.GetProperty("emission_factor_g_per_kwh").GetDouble());
        Assert.Equal(34.164, e.GetProperty("co2_tonnes").GetDouble());
        Assert.Equal("CNY", e.GetProperty("currency").GetString());
        Assert.Equal(117000, e.GetProperty("owed_at_tariff").GetDouble());
        Assert.Equal(468000, e.GetProperty("owed_surcharge").GetDouble());
        Assert.Equal(585000, e.GetProperty("owed_total").GetDouble());
        Assert.Equal(11e15, e.GetProperty("hashrate_low_hs").GetDouble());
    }

    [Fact]
    public void Site_csv_is_one_row_with_the_json_field_names()
    {
        var (code, output, _) = Run("energy", "site", "--kw", "90", "--hours", "1000", "--format", "csv");

        Assert.Equal(0, code);
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("algorithm,power_kw,hours,energy_kwh,miners_low,miners_high,", lines[0]);
        Assert.StartsWith("SHA-256,90,1000,90000,", lines[1]);
    }

    [Theory]
    [InlineData(new[] { "--kw", "-5", "--hours", "10" }, "error: power (kW) -5 is impossible: it must be greater than 0\n")]
    [InlineData(new[] { "--kw", "5", "--hours", "800", "--from", "2025-01-01", "--to", "2025-01-31" }, "error: 800 hours of mining is more than the 720 hours of the period\n")]
    [InlineData(new[] { "--count", "3", "--model", "Antminer S19 Prp", "--hours", "5" }, "error: unknown miner model 'Antminer S19 Prp'; did you mean 'Antminer S19 Pro (110T)' or 'Antminer S17 Pro (53T)' or 'Antminer S19 XP (140T)'? ('minerwatch energy miners' lists them all)\n")]
    [InlineData(new[] { "--kw", "5", "--hours", "5", "--emission-factor", "-1" }, "error: emission factor -1 gCO2/kWh is impossible: expected 0 to 1500 (coal plants emit about 820-1000)\n")]
    [InlineData(new[] { "--kw", "5", "--hours", "5", "--grid", "XX" }, "error: --grid 'XX' has no bundled emission factor; known: WORLD, CN, CN-SC, CN-YN, CN-QH, CN-XJ, CN-NM, CN-GS, CN-SX, CN-BJ, US, KZ, RU, CA, IR, MY (or give --emission-factor)\n")]
    public void Site_bad_input_exits_2_with_a_clear_message(string[] options, string message)
    {
        var (code, _, err) = Run(["energy", "site", .. options]);

        Assert.Equal(2, code);
        Assert.Equal(message, err);
    }

    [Fact]
    public void Network_single_day_reproduces_the_published_upper_and_lower_bounds_with_a_cbeci_basket()
    {
        // A CBECI-layout basket with its 19 May 2021 extremes; the mean of these three is not CBECI's (it had 82 models).
        var basket = Temp("miners.csv", "Miner_name,UNIX_date_of_release,Efficiency_J_Gh,Qty\nAntminer S7,1441065600,0.27336,1\nAntminer S9,1504224000,0.098,1\nAntminer S19 Pro,1588291200,0.02955,1\n");

        var (code, output, _) = Run("energy", "network", "--date", "2021-05-19", "--hashrate-ehs", "160", "--revenue-usd", "60000000", "--miners", basket, "--format", "json");

        Assert.Equal(0, code);
        var root = JsonDocument.Parse(output).RootElement;
        Assert.Equal("2021", root.GetProperty("method").GetString());
        var day = root.GetProperty("days")[0];
        Assert.Equal("2021-05-19", day.GetProperty("date").GetString());
        Assert.Equal(312.5, day.GetProperty("smoothed_threshold_j_per_th").GetDouble());
        Assert.Equal(3, day.GetProperty("profitable_models").GetInt32());
        Assert.Equal(41.86, day.GetProperty("lower_twh").GetDouble(), 2);
        Assert.Equal(460.085, day.GetProperty("upper_twh").GetDouble(), 3);
    }

    [Fact]
    public void Network_series_with_shares_writes_csv_and_an_svg_chart()
    {
        var series = Temp("series.csv", "date,hashrate_ths,revenue_usd\n" + string.Join("\n", Enumerable.Range(0, 30).Select(k => $"2023-06-{k + 1:00},{350e6 + k * 1e6},{25e6}")) + "\n");
        var shares = Temp("shares.csv", "country,share_percent\nUS,38\nCN,21\nKZ,13\n");
        var chart = Path.Combine(Path.GetDirectoryName(series)!, "chart.svg");

        var (code, output, err) = Run("energy", "network", "--series", series, "--shares", shares, "--method", "v1.4", "--chart", chart, "--format", "csv");

        Assert.Equal(0, code);
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal(31, lines.Length);
        Assert.EndsWith(",g_co2_per_kwh,lower_mt_co2,best_mt_co2,upper_mt_co2", lines[0]);
        Assert.StartsWith("2023-06-30,379000000,25000000,0.05,", lines[30]);
        Assert.Equal($"chart: {chart}\n", err);
        var svg = System.Xml.Linq.XDocument.Load(chart);
        Assert.Equal("svg", svg.Root!.Name.LocalName);
    }

    [Theory]
    [InlineData(new[] { "--date", "2021-05-19" }, "error: give --series FILE, or --date with --hashrate-ehs and --revenue-usd\n")]
    [InlineData(new[] { "--date", "2021-05-19", "--hashrate-ehs", "-1", "--revenue-usd", "5" }, "error: hash rate -1 EH/s must be greater than 0\n")]
    [InlineData(new[] { "--date", "2021-05-19", "--hashrate-ehs", "1", "--revenue-usd", "5", "--price-usd-kwh", "0" }, "error: electricity price 0 USD/kWh must be greater than 0\n")]
    public void Network_bad_input_exits_2_with_a_clear_message(string[] options, string message)
    {
        var (code, _, err) = Run(["energy", "network", .. options]);

        Assert.Equal(2, code);
        Assert.Equal(message, err);
    }

    [Fact]
    public void Network_basket_below_the_physical_floor_is_refused()
    {
        var basket = Temp("miners.csv", "Miner_name,UNIX_date_of_release,Efficiency_J_Gh\nMagic,1588291200,0.002\n");

        var (code, _, err) = Run("energy", "network", "--date", "2021-05-19", "--hashrate-ehs", "160", "--revenue-usd", "6e7", "--miners", basket);

        Assert.Equal(2, code);
        Assert.Equal($"error: {basket}:2: Magic: 0.002 J/GH is below 0.0075 J/GH, half of the best shipped SHA-256 miner: check the figure and its unit\n", err);
    }

    [Fact]
    public void User_catalog_row_below_the_physical_floor_is_refused()
    {
        var catalog = Temp("mine.csv", "algorithm,model,hashrate,hashrate_unit,power_w,efficiency,efficiency_unit,release\nSHA-256,Dream Miner,1000,TH/s,5000,5,J/TH,2025-01-01\n");

        var (code, _, err) = Run("energy", "miners", "--catalog", catalog);

        Assert.Equal(2, code);
        Assert.Equal($"error: {catalog}:2: Dream Miner: efficiency 5 J/TH is below 7.5 J/TH, half of the best shipped SHA-256 miner: check the figure and its unit\n", err);
    }

    [Fact]
    public void User_catalog_rows_are_listed_with_the_bundled_ones()
    {
        var catalog = Temp("mine.csv", "algorithm,model,hashrate,hashrate_unit,power_w,efficiency,efficiency_unit,release\nSHA-256,Antminer S23 Hyd,580,TH/s,5510,9.5,J/TH,2025-06-01\n");

        var (code, output, _) = Run("energy", "miners", "--catalog", catalog, "--released-from", "2025-01-01", "--format", "csv");

        Assert.Equal(0, code);
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Equal("SHA-256,Antminer S23 Hyd,580,TH/s,5510,9.5,J/TH,2025-06-01,user,mine.csv", lines[1]);
    }

    [Fact]
    public void Method_must_be_a_published_version()
    {
        var (code, _, err) = Run("energy", "network", "--date", "2021-05-19", "--hashrate-ehs", "160", "--revenue-usd", "6e7", "--method", "2019");

        Assert.Equal(2, code);
        Assert.StartsWith("error: Argument '2019' not recognized. Must be one of:", err);
    }

    [Fact]
    public void No_matching_miners_in_csv_is_a_header_not_an_empty_file()
    {
        var (code, output, _) = Run("energy", "miners", "--released-from", "2030-01-01", "--format", "csv");
        Assert.Equal(0, code);
        Assert.Equal(string.Join(',', MinerWatch.Energy.Catalog.MinerCatalog.Columns), output.Trim());
    }
}
