namespace MinerWatch.Cli.Tests;

/// <summary>Hostile input on the command line: each case's exit code and the exact first line of its message.</summary>
public class ScanHostileInputTests
{
    private const string Sites = "meter_id,customer_class,region,feeder_id,contracted_kw\nM1,residential,CN-GD/Guangzhou,F1,10\n";
    private const string Readings = "meter_id,timestamp,kwh\nM1,2025-03-01T00:00:00+08:00,1\n";

    private static (int Code, string Out, string Err) Run(string dir, string[] args)
    {
        File.WriteAllText(Path.Combine(dir, "r.csv"), Readings);
        File.WriteAllText(Path.Combine(dir, "s.csv"), Sites);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var resolved = args.Select(a => a.Replace("{dir}", dir, StringComparison.Ordinal)).ToArray();
        var code = Cli.Run(resolved, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString().ReplaceLineEndings("\n"));
    }

    private static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "minerwatch-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Theory]
    [InlineData(new[] { "scan", "--readings", "{dir}/r.csv", "--sites", "{dir}/s.csv", "--top", "abc" }, "error: option '--top': 'abc' is not a whole number")]
    [InlineData(new[] { "scan", "--readings", "{dir}/r.csv", "--sites", "{dir}/s.csv", "--top", "0" }, "error: --top must be at least 1")]
    [InlineData(new[] { "scan", "--readings", "{dir}/r.csv", "--sites", "{dir}/s.csv", "--tariff", "1,5" }, "error: option '--tariff': '1,5' is not a number (with '.' as the decimal point)")]
    [InlineData(new[] { "simulate", "--meters", "abc", "--out", "{dir}/sim" }, "error: option '--meters': 'abc' is not a whole number")]
    [InlineData(new[] { "simulate", "--days", "1x", "--out", "{dir}/sim" }, "error: option '--days': '1x' is not a whole number")]
    [InlineData(new[] { "simulate", "--mining-share", "abc", "--out", "{dir}/sim" }, "error: option '--mining-share': 'abc' is not a number (with '.' as the decimal point)")]
    [InlineData(new[] { "simulate", "--mining-share", "1", "--out", "{dir}/sim" }, "error: --mining-share must be between 0 and 0.5")]
    [InlineData(new[] { "demo", "--meters", "many", "--out", "{dir}/demo" }, "error: option '--meters': 'many' is not a whole number")]
    [InlineData(new[] { "energy", "network", "--average-days", "seven", "--date", "2021-05-19", "--hashrate-ehs", "160", "--revenue-usd", "6e7" }, "error: option '--average-days': 'seven' is not a whole number")]
    [InlineData(new[] { "energy", "site", "--kw", "lots" }, "error: option '--kw': 'lots' is not a number (with '.' as the decimal point)")]
    [InlineData(new[] { "energy", "site", "--kw", "150", "--from", "2025-13-01" }, "error: option '--from': '2025-13-01' is not a date (YYYY-MM-DD)")]
    [InlineData(new[] { "scan", "--readings", "{dir}/r.csv", "--sites", "{dir}/s.csv", "--out", "{dir}/r.csv" }, "error: --out {dir}/r.csv is the input file given with --readings ({dir}/r.csv): writing it would destroy the data before it is read; choose another output path")]
    [InlineData(new[] { "scan", "--readings", "{dir}/r.csv", "--sites", "{dir}/s.csv", "--report", "{dir}/./s.csv" }, "error: --report {dir}/s.csv is the input file given with --sites ({dir}/s.csv): writing it would destroy the data before it is read; choose another output path")]
    [InlineData(new[] { "scan", "--readings", "{dir}/r.csv", "--sites", "{dir}/s.csv", "--lenient", "--rejected", "{dir}/r.csv" }, "error: --rejected {dir}/r.csv is the input file given with --readings ({dir}/r.csv): writing it would destroy the data before it is read; choose another output path")]
    [InlineData(new[] { "energy", "network", "--series", "{dir}/s.csv", "--chart", "{dir}/s.csv" }, "error: --chart {dir}/s.csv is the input file given with --series ({dir}/s.csv): writing it would destroy the data before it is read; choose another output path")]
    [InlineData(new[] { "net", "scan", "{dir}/s.csv", "--eve", "{dir}/s.csv" }, "error: --eve {dir}/s.csv is the input file given with FILE ({dir}/s.csv): writing it would destroy the data before it is read; choose another output path")]
    [InlineData(new[] { "net", "scan", "{dir}/s.csv", "--out", "{dir}/s.csv" }, "error: --out {dir}/s.csv is the input file given with FILE ({dir}/s.csv): writing it would destroy the data before it is read; choose another output path")]
    [InlineData(new[] { "evaluate", "--scan", "{dir}/r.csv", "--labels", "{dir}/s.csv", "--out", "{dir}/r.csv" }, "error: --out {dir}/r.csv is the input file given with --scan ({dir}/r.csv): writing it would destroy the data before it is read; choose another output path")]
    [InlineData(new[] { "scan", "--readings", "{dir}/r.csv", "--sites", "{dir}/s.csv", "--out", "{dir}/o.txt", "--report", "{dir}/o.txt" }, "error: --report {dir}/o.txt is also the file given with --out ({dir}/o.txt): one would replace the other; give each output its own path")]
    [InlineData(new[] { "net", "scan", "{dir}/s.csv", "{dir}/./s.csv" }, "error: {dir}/./s.csv is the same file as {dir}/s.csv: each input is read once; give it once")]
    [InlineData(new[] { "energy", "site", "--kw", "150", "--from", "03/04/2025" }, "error: option '--from': '03/04/2025' is not a date written YYYY-MM-DD")]
    [InlineData(new[] { "energy", "miners", "--released-by", "1 Jan 2020" }, "error: option '--released-by': '1 Jan 2020' is not a date written YYYY-MM-DD")]
    [InlineData(new[] { "simulate", "--meters", "2147483647", "--days", "20", "--out", "{dir}/sim" }, "error: cannot simulate 2,147,483,647 meters for 20 days at 60 minutes: The population would exceed 50 billion readings.")]
    [InlineData(new[] { "simulate", "--climate", "arctic", "--out", "{dir}/sim" }, "error: Argument 'arctic' not recognized. Must be one of:")]
    [InlineData(new[] { "scan", "--readings", "{dir}/r.csv", "--sites", "{dir}/s.csv", "--rejected", "{dir}/rj.csv" }, "error: --rejected is only used with --lenient (a strict scan stops at the first bad row)")]
    [InlineData(new[] { "scan", "--readings", "{dir}/r.csv", "--sites", "{dir}/s.csv", "--format", "xml" }, "error: option '--format': 'xml' is not one of table, json, csv")]
    [InlineData(new[] { "scan", "--readings", "{dir}/r.csv", "--sites", "{dir}/s.csv", "--out", "" }, "error: option '--out': '' is not a file path")]
    [InlineData(new[] { "net", "scan", "{dir}/s.csv", "--internal", "010.0.0.0/8" }, "error: --internal 010.0.0.0/8: an address number with a leading zero (octal to some tools, decimal to others); write it without")]
    [InlineData(new[] { "evidence", "keygen", "--name", "a\u0001b", "--out", "{dir}/k" }, "error: a new key's name must not hold control characters")]
    public void Hostile_option_values_exit_2_with_a_message_and_leave_the_inputs_intact(string[] args, string message)
    {
        var dir = TempDir();
        var (code, _, err) = Run(dir, args);
        Assert.Equal(2, code);
        Assert.Equal(message.Replace("{dir}", dir, StringComparison.Ordinal), err.Split('\n')[0]);
        Assert.DoesNotContain("   at ", err);
        Assert.Equal(Readings, File.ReadAllText(Path.Combine(dir, "r.csv")));
        Assert.Equal(Sites, File.ReadAllText(Path.Combine(dir, "s.csv")));
    }

    [Theory]
    [InlineData("meter_id,timestamp,kwh\n", "error: {r}: no readings to judge: the file has no data rows (is it the right file, or a failed export?)")]
    [InlineData("meter_id,timestamp,kwh\nM1,2025-03-01T00:00:00+08:00,\"9,5\"\n", "error: {r}:2: kwh '9,5' has a decimal comma or thousands separator (write numbers with '.' as the decimal point and no separators)")]
    [InlineData("meter_id,timestamp,kwh\nM1,2025-03-01T00:00:00+08:00,9,500\n", "error: {r}:2: row has 4 fields, the header has 3 (an unquoted decimal comma or thousands separator such as 9,500? write numbers with '.' as the decimal point and no separators)")]
    [InlineData("meter_id,timestamp,kwh\nM1,2025-03-01T00:00:00+08:00,1\nM1,2025-03-01T01:00:00+08:00,1\nM1,2125-03-01T00:00:00+08:00,1\n", "error: {r}:4: a reading dated 2125-03-01, 36,524 days after the rest of the data (2025-03-01 to 2025-03-01): a typo in the year? correct or remove it")]
    [InlineData("meter_id,timestamp,kwh\nM1,2025-03-01T00:00:00+08:00,1\nM1,2025-03-01T01:00:00+08:00,1e308\n", "error: {r}:3: kwh 1E+308 of meter M1 is more than its contracted 10 kW could deliver in the whole period read (1 days, 240 kWh): a typo or a unit error (Wh for kWh)? correct the reading or the site's contracted_kw")]
    [InlineData("meter_id,timestamp,kwh\nM1,2025-03-01T00:00:00+08:00,\"5\nM1,2025-03-01T01:00:00+08:00,1\nM1,2025-03-01T02:00:00+08:00,1\n", "error: {r}:2: a quote opened on this line is not closed: the field runs on to line 5; remove the stray quote or close it (otherwise the rest of the file is read as one field)")]
    public void Hostile_readings_exit_2_naming_file_and_line(string readings, string message)
    {
        var dir = TempDir();
        var path = Path.Combine(dir, "hostile.csv");
        File.WriteAllText(path, readings);
        var (code, _, err) = Run(dir, ["scan", "--readings", path, "--sites", "{dir}/s.csv"]);
        Assert.Equal(2, code);
        Assert.Equal(message.Replace("{r}", path, StringComparison.Ordinal) + "\n", err);
    }

    [Fact]
    public void A_day_of_data_says_too_little_data_not_clear()
    {
        var dir = TempDir();
        var (code, output, _) = Run(dir, ["scan", "--readings", "{dir}/r.csv", "--sites", "{dir}/s.csv", "--format", "csv"]);
        Assert.Equal(0, code);
        Assert.StartsWith("1,M1,0.017986,too little data,residential,", output.Split('\n')[1]);
        (code, output, _) = Run(dir, ["scan", "--readings", "{dir}/r.csv", "--sites", "{dir}/s.csv"]);
        Assert.Contains("1 meters, 1 readings (1 at 60 min), 2025-03-01 to 2025-03-01; 0 suspects (score >= 0.5); 1 meter with too little data to judge; ", output);
    }

    [Fact]
    public void A_quote_left_open_stops_a_lenient_scan_too_and_blank_lines_are_passed_over()
    {
        var dir = TempDir();
        var open = Path.Combine(dir, "open.csv");
        File.WriteAllText(open, "meter_id,timestamp,kwh\nM1,2025-03-01T00:00:00+08:00,\"5\nM1,2025-03-01T01:00:00+08:00,1\n");
        var (code, _, err) = Run(dir, ["scan", "--readings", open, "--sites", "{dir}/s.csv", "--lenient", "--rejected", "{dir}/rj.csv"]);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {open}:2: a quote opened on this line is not closed", err);

        var blank = Path.Combine(dir, "blank.csv");
        File.WriteAllText(blank, Readings + "\n\n");
        (code, var output, err) = Run(dir, ["scan", "--readings", blank, "--sites", "{dir}/s.csv", "--format", "csv"]);
        Assert.True(code == 0, err);
        Assert.StartsWith("1,M1,0.017986,too little data,residential,", output.Split('\n')[1]);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_stop_the_scan_and_a_failed_lenient_scan_leaves_no_rejected_file()
    {
        var dir = TempDir();
        var latin1 = Path.Combine(dir, "latin1.csv");
        File.WriteAllBytes(latin1, [.. "meter_id,timestamp,kwh\nM00000"u8, 0xE8, .. ",2025-03-01T00:00:00+08:00,1\n"u8]);
        var (code, _, err) = Run(dir, ["scan", "--readings", latin1, "--sites", "{dir}/s.csv"]);
        Assert.Equal(2, code);
        Assert.Equal($"error: {latin1}: bytes E8 are not UTF-8 text (a file saved in a legacy code page such as GBK or Latin-1?): save it as UTF-8\n", err);

        var header = Path.Combine(dir, "header.csv");
        File.WriteAllText(header, "meter,time,energy\nM1,2025-03-01T00:00:00+08:00,1\n");
        File.WriteAllText(Path.Combine(dir, "rj.csv"), "an earlier rejected file\n");
        (code, _, _) = Run(dir, ["scan", "--readings", header, "--sites", "{dir}/s.csv", "--lenient", "--rejected", "{dir}/rj.csv"]);
        Assert.Equal(2, code);
        Assert.Equal("an earlier rejected file\n", File.ReadAllText(Path.Combine(dir, "rj.csv")));
        Assert.False(File.Exists(Path.Combine(dir, "rj.csv.partial")));
    }

    [Theory]
    [InlineData("F1,2025-03-01T02:00:00+08:00,1e308", "error: {f}:4: kwh 1E+308 of feeder F1 is more than all its 3 readings together could hold at its next largest (1): a typo or a unit error?")]
    [InlineData("F1,2125-03-01T00:00:00+08:00,1", "error: {f}:4: a reading of feeder F1 dated 2125-03-01, 36,524 days after the meters' data (2025-03-01 to 2025-03-01): a typo in the year? correct or remove it")]
    public void Feeder_readings_no_supply_could_give_or_dated_far_from_the_meters_are_bad_rows(string row, string message)
    {
        var dir = TempDir();
        var feeders = Path.Combine(dir, "feeders.csv");
        File.WriteAllText(feeders, $"feeder_id,timestamp,kwh\nF1,2025-03-01T00:00:00+08:00,1\nF1,2025-03-01T01:00:00+08:00,1\n{row}\n");
        var (code, _, err) = Run(dir, ["scan", "--readings", "{dir}/r.csv", "--sites", "{dir}/s.csv", "--feeders", feeders]);
        Assert.Equal(2, code);
        Assert.Equal(message.Replace("{f}", feeders, StringComparison.Ordinal) + "\n", err);
    }

    [Fact]
    public void Declared_activity_dated_far_from_the_meters_is_a_bad_row()
    {
        var dir = TempDir();
        var activity = Path.Combine(dir, "activity.csv");
        File.WriteAllText(activity, "meter_id,date,declared_kwh\nM1,2025-03-01,1\nM1,2099-03-01,1\n");
        var (code, _, err) = Run(dir, ["scan", "--readings", "{dir}/r.csv", "--sites", "{dir}/s.csv", "--activity", activity]);
        Assert.Equal(2, code);
        Assert.Equal($"error: {activity}:3: date 2099-03-01 is 27,028 days after the meters' data (2025-03-01 to 2025-03-01): a typo in the year? correct or remove it\n", err);
    }
}
