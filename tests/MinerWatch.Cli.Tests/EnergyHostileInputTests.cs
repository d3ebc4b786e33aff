using System.Text.Json;

namespace MinerWatch.Cli.Tests;

/// <summary>
/// Every error a user can cause in the energy and evaluate commands: exit 2 and one message saying what, where and
/// what to do; never a stack trace, never a half-written output file.
/// </summary>
public sealed class EnergyHostileInputTests
{
    private const string Basket = "Miner_name,UNIX_date_of_release,Efficiency_J_Gh,Qty\n";

    // Placeholder classes in the layout of CBECI's published basket (rows written for these tests).
    private const string Placeholders = "Worst CPU,1225497600,52000,1\nBest CPU,1230768000,7100,1\nWorst GPU,1262304000,2300,1\nBest GPU,1272672000,480,1\n";

    private const string CatalogHeader = "algorithm,model,hashrate,hashrate_unit,power_w,efficiency,efficiency_unit,release\n";

    private const string Scan = "{\"meters\": [{\"meter_id\": \"M1\", \"score\": 0.9}, {\"meter_id\": \"M2\", \"score\": 0.5}, {\"meter_id\": \"M3\", \"score\": 0.1}]}";

    /// <summary>Input files by name; <c>@name</c> in arguments and <c>{name}</c> in messages become their paths.</summary>
    private static readonly Dictionary<string, string> Files = new()
    {
        ["cbeci.csv"] = Basket + Placeholders + "Antminer S7,1441065600,0.27336,1\nAntminer S9,1504224000,0.098,1\nAntminer S19 Pro,1588291200,0.02955,1\n",
        ["jth.csv"] = Basket + Placeholders + "Antminer S7,1441065600,273.36,1\nAntminer S9,1504224000,98,1\nAntminer S19 Pro,1588291200,29.55,1\n",
        ["dup.csv"] = Basket + "Antminer S9,1504224000,0.098,1\nAntminer S19 Pro,1588291200,0.02955,1\nAntminer S9,1504224000,0.098,1\n",
        ["yyyymmdd.csv"] = Basket + "Antminer S9,20170901,0.098,1\n",
        ["catalog-dup.csv"] = CatalogHeader + "SHA-256,Rig,110,TH/s,3250,29.55,J/TH,2020-05-01\nSHA-256,Rig,110,TH/s,3250,29.55,J/TH,2020-05-01\n",
        ["catalog-unit.csv"] = CatalogHeader + "SHA-256,Rig,110,TH/s,3250,29.55,J/TB,2020-05-01\n",
        ["series.csv"] = "date,hashrate_ths,revenue_usd\n2021-05-01,1.6e8,6e7\n2021-05-02,1.6e20,6e7\n",
        ["shares.csv"] = "country,share_percent\nUS,38\nKZ,13\nUS,5\n",
        ["scan.json"] = Scan,
        ["array.json"] = "[{\"meter_id\": \"M1\", \"score\": 0.9}]",
        ["scan-twice.json"] = "{\"meters\": [{\"meter_id\": \"M1\", \"score\": 0.9}, {\"meter_id\": \"M1\", \"score\": 0.1}]}",
        ["labels-missing.csv"] = "meter_id,mining,variant,onset\nM1,1,steady_farm,\nM2,0,,\nM3,0,,\nM7,1,bypass,\nM8,1,bypass,\n",
        ["labels-onset.csv"] = "meter_id,mining,variant,onset\nM1,1,steady_farm,2025-99-01\nM2,0,,\n",
        ["labels-twice.csv"] = "meter_id,mining,variant,onset\nM1,1,steady_farm,\nM2,0,,\nM1,0,,\n",
        ["sgcc-flag.csv"] = "CONS_NO,FLAG,2014/1/1,2014/1/2\nM1,1,3.1,2.9\nM2,2,4.0,4.2\n",
        ["sgcc-twice.csv"] = "CONS_NO,FLAG,2014/1/1,2014/1/2\nM1,1,3.1,2.9\nM2,0,4.0,4.2\nM1,0,1.0,1.1\n",
    };

    private const string Day = "--date 2021-05-19 --hashrate-ehs 160 --revenue-usd 6e7";

    public static TheoryData<string, string> Cases => new()
    {
        // The CBECI basket with J/TH figures in its J/GH column: no model would ever be profitable.
        { $"energy network {Day} --miners @jth.csv", "error: {jth.csv}:8: all 3 models released since 2015-09-01 are above 2.734 J/GH, 10 times the least efficient ASIC in the catalog (Antminer S7, 0.2734 J/GH); the best, Antminer S19 Pro, is 29.55 J/GH. Are these J/TH figures? Efficiency_J_Gh is joules per gigahash: divide J/TH by 1000\n" },
        { $"energy network {Day} --miners @dup.csv", "error: {dup.csv}:4: model 'Antminer S9' is listed twice (lines 2 and 4); remove one, or name each variant\n" },
        { $"energy network {Day} --miners @yyyymmdd.csv", "error: {yyyymmdd.csv}:2: UNIX_date_of_release 20170901 is not a plausible release time (seconds since 1970, from 1980 to 2200; milliseconds or a YYYYMMDD number fall outside)\n" },
        { "energy miners --catalog @catalog-dup.csv", "error: {catalog-dup.csv}:3: model 'Rig' is listed twice (lines 2 and 3); remove one, or name each variant\n" },
        { "energy miners --catalog @catalog-unit.csv", "error: {catalog-unit.csv}:2: efficiency_unit 'J/TB' is not one of J/H, J/kH, J/MH, J/GH, J/TH, J/PH, J/EH\n" },
        { "energy site --kw 100 --from 1990-01-01 --to 1990-02-01", "error: no SHA-256 miner in the catalog was on the market by 1990-01-01 (the first, Antminer S7, dates from 2015-09-01), and Bitcoin's first block is of 2009-01-03: check the onset, or add older machines with a catalog file\n" },
        { "energy site --hours 10 --kwh 5 --kw 100", "error: power, energy and hours disagree: 100 kW for 10 hours is 1000 kWh, not 5; give two of the three\n" },
        { "energy network --date 2021-05-19 --hashrate-ehs 1e300 --revenue-usd 6e7", "error: hash rate 1E+300 EH/s = 1e+306 TH/s is more than all the world's electricity (about 30,000 TWh a year) could run even at 7.5 J/TH, half the best shipped miner: at most 4.563e+11 TH/s; check the figure and its unit\n" },
        { "energy network --series @series.csv", "error: {series.csv}:3: hashrate_ths 1.6e20 TH/s is more than all the world's electricity (about 30,000 TWh a year) could run even at 7.5 J/TH, half the best shipped miner: at most 4.563e+11 TH/s; check the figure and its unit\n" },
        { $"energy network {Day} --average-days seven", "error: option '--average-days': 'seven' is not a whole number\nRun 'minerwatch --help' (or '<command> --help') for usage.\n" },
        { $"energy network {Day} --average-days 100000000", "error: --average-days 100000000 is longer than the 14 days a --date estimate holds its inputs over; give at most 14 (with constant inputs the window changes nothing)\n" },
        { $"energy network {Day} --average-days 0", "error: --average-days 0 must be at least 1\n" },
        { "energy network --date 2021-05-19 --hashrate-ehs 160 --revenue-usd 1e308 --price-usd-kwh 1e-300 --format json --out @out", "error: revenue 1E+308 USD for 160 EH/s at 1E-300 USD/kWh gives a break-even efficiency too large to compute: check the three figures and their units\n" },
        { $"energy network {Day} --shares @shares.csv", "error: {shares.csv}:4: country 'US' is listed twice (lines 2 and 4); give each country once\n" },
        { "energy site --kw 100 --hours 10 --tariff 1e308 --format json --out @out", "error: the back-bill is too large to compute: check the tariff (1E+308 per kWh, over 1,000 kWh)\n" },
        { "energy site --kw 1e308 --hours 1e308 --format csv --out @out", "error: a power of 1e+308 kW is more than all the world's electricity (about 3.4e+9 kW, 30,000 TWh a year): check the figures and their units\n" },
        { "energy site --kw 100 --hours 10 --hashprice 1e308 --format csv --out @out", "error: the revenue is too large to compute: check the hash price (1E+308 USD per unit a day)\n" },
        { "energy site --kw 100 --hours 10 --btc-price 1e308 --difficulty 1e-300", "error: the hash price from difficulty 1E-300, coin price 1E+308 USD and fees 0 BTC is too large to compute: check the three figures\n" },
        { "evaluate --scan @array.json --labels @labels-onset.csv", "error: {array.json}: not a scan result: the top-level 'meters' array is missing\n" },
        { "evaluate --scan @scan-twice.json --labels @labels-twice.csv", "error: {labels-twice.csv}:4: meter M1 is labelled twice (lines 2 and 4); keep one label per meter\n" },
        { "evaluate --scan @scan-twice.json --labels @sgcc-twice.csv --layout sgcc", "error: {sgcc-twice.csv}:4: meter M1 is listed twice (lines 2 and 4); keep one row per meter\n" },
        { "evaluate --scan @scan-twice.json --labels @labels-missing.csv", "error: {scan-twice.json}: meter M1 appears twice in the scan (entries 1 and 2); a scan lists each meter once: were two scans joined?\n" },
        { "evaluate --scan @scan.json --labels @labels-missing.csv --out @out", "error: {labels-missing.csv}: 2 labelled mining meters are not in the scan (M7, M8): a meter the scan never ranked cannot be found, so leaving it out would overstate the metrics; scan those meters too, or remove their labels to measure the scanned meters only\n" },
        { "evaluate --scan @scan.json --labels @labels-onset.csv", "error: {labels-onset.csv}:2: onset '2025-99-01' is not a date in the form yyyy-MM-dd (leave it empty when unknown)\n" },
        { "evaluate --scan @scan.json --labels @sgcc-flag.csv --layout sgcc", "error: {sgcc-flag.csv}:3: FLAG '2' is not 0 or 1 (1 = confirmed theft, 0 = not)\n" },
    };

    private static string Dir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "minerwatch-hostile-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        foreach (var (name, text) in Files) File.WriteAllText(Path.Combine(dir, name), text);
        return dir;
    }

    private static (int Code, string Out, string Err) Run(string dir, string commandLine)
    {
        var args = commandLine.Split(' ').Select(a => a.StartsWith('@') ? Path.Combine(dir, a[1..]) : a).ToArray();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString().ReplaceLineEndings("\n"));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Hostile_input_exits_2_with_one_clear_message_and_writes_nothing(string commandLine, string message)
    {
        var dir = Dir();

        var (code, output, err) = Run(dir, commandLine);

        Assert.Equal(2, code);
        Assert.Equal(Files.Keys.Aggregate(message, (m, name) => m.Replace($"{{{name}}}", Path.Combine(dir, name))), err);
        Assert.Equal("", output);
        Assert.False(File.Exists(Path.Combine(dir, "out")), "no output file may be opened for refused input");
    }

    [Fact]
    public void The_cbeci_basket_as_published_with_its_placeholder_rows_is_read()
    {
        var dir = Dir();

        var (code, output, err) = Run(dir, $"energy network {Day} --miners @cbeci.csv --format json");

        Assert.Equal(0, code);
        Assert.Equal("", err);
        var root = JsonDocument.Parse(output).RootElement;
        Assert.Equal(7, root.GetProperty("basket").GetProperty("models").GetInt32());
        var day = root.GetProperty("days")[0];
        Assert.Equal(3, day.GetProperty("profitable_models").GetInt32());
        Assert.Equal(41.86, day.GetProperty("lower_twh").GetDouble(), 2);
        Assert.Equal(460.085, day.GetProperty("upper_twh").GetDouble(), 3);
    }

    [Fact]
    public void A_catalog_efficiency_in_its_stated_unit_is_converted()
    {
        var dir = Dir();
        File.WriteAllText(Path.Combine(dir, "catalog.csv"), CatalogHeader + "SHA-256,Rig J,110,TH/s,3250,0.02955,J/GH,2020-05-01\n");

        var (code, output, _) = Run(dir, "energy miners --catalog @catalog.csv --released-from 2020-05-01 --released-by 2020-05-01 --format csv");

        Assert.Equal(0, code);
        Assert.Contains("SHA-256,Rig J,110,TH/s,3250,29.55,J/TH,2020-05-01,user,catalog.csv", output);
    }

    [Fact]
    public void Evaluate_says_which_labelled_and_scanned_meters_it_leaves_out()
    {
        var dir = Dir();
        File.WriteAllText(Path.Combine(dir, "labels.csv"), "meter_id,mining,variant,onset\nM1,1,steady_farm,2025-03-01\nM2,0,,\nM8,0,,\nM9,0,,\n");

        var (code, output, err) = Run(dir, "evaluate --scan @scan.json --labels @labels.csv --format csv");

        Assert.Equal(0, code);
        Assert.Equal("note: 2 labelled meters without mining are not in the scan (M8, M9) and are left out; measured on the 2 labelled meters scanned\nnote: 1 scanned meter without a label (M3) is left out\n", err);
        Assert.StartsWith("set,positives,negatives,roc_auc,average_precision,precision_at_10,precision_at_50,precision_at_100,recall_at_1pct_fpr\nall,1,1,1.000,", output);
    }
}
