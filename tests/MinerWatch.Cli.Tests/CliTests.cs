using System.Text.Json;

namespace MinerWatch.Cli.Tests;

public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "minerwatch-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public void Serve_refuses_an_outlines_folder_with_a_bad_file_before_it_listens()
    {
        var dir = TempDir();
        var outlines = Directory.CreateDirectory(Path.Combine(dir, "outlines")).FullName;
        File.WriteAllText(Path.Combine(outlines, "gd.geojson"), "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},\"geometry\":null}]}");
        var (code, _, err) = Run("serve", "--data", Path.Combine(dir, "data"), "--outlines", outlines, "--urls", "http://127.0.0.1:0");
        Assert.Equal(Cli.BadInput, code);
        Assert.Equal("error: outlines: gd.geojson, feature 0 has no properties.region naming its region path (such as CN-GD/Guangzhou)\n", err);
    }

    private static string Write(string dir, string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private const string Sites = "meter_id,customer_class,region,feeder_id,contracted_kw\nM1,residential,CN-GD/Guangzhou,F1,10\n";

    [Theory]
    [InlineData("--help")]
    [InlineData("scan", "--help")]
    [InlineData("simulate", "--help")]
    [InlineData("evaluate", "--help")]
    [InlineData("demo", "--help")]
    public void Every_command_has_help(params string[] args)
    {
        var (code, output, _) = Run(args);
        Assert.Equal(0, code);
        Assert.Contains("Usage:", output);
    }

    [Fact]
    public void Unknown_option_is_bad_usage_with_exit_code_2()
    {
        var (code, _, err) = Run("scan", "--readings", "x.csv", "--colour");
        Assert.Equal(2, code);
        Assert.Contains("error: ", err);
    }

    [Fact]
    public void Missing_file_is_bad_input_with_exit_code_2()
    {
        var (code, _, err) = Run("scan", "--readings", "/nonexistent/readings.csv", "--sites", "/nonexistent/sites.csv");
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/readings.csv", err);
    }

    [Fact]
    public void Long_layout_without_sites_is_bad_usage()
    {
        var dir = TempDir();
        var readings = Write(dir, "r.csv", "meter_id,timestamp,kwh\n");
        var (code, _, err) = Run("scan", "--readings", readings);
        Assert.Equal(2, code);
        Assert.Equal("error: --sites is required unless --layout sgcc\n", err.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Bad_row_stops_the_scan_with_file_and_line_and_no_stack_trace()
    {
        var dir = TempDir();
        var readings = Write(dir, "r.csv", "meter_id,timestamp,kwh\nM1,2025-01-01T00:00:00+08:00,1\nM1,2025-01-01T01:00:00+08:00,-3\n");
        var sites = Write(dir, "s.csv", Sites);
        var (code, _, err) = Run("scan", "--readings", readings, "--sites", sites);
        Assert.Equal(2, code);
        Assert.Equal($"error: {readings}:3: kwh -3 is negative (export or generation readings belong in a separate channel)\n", err.ReplaceLineEndings("\n"));
        Assert.DoesNotContain(" at ", err);
    }

    [Fact]
    public void Lenient_scan_writes_rejected_rows_and_succeeds()
    {
        var dir = TempDir();
        var readings = Write(dir, "r.csv", "meter_id,timestamp,kwh\nM1,2025-01-01T00:00:00+08:00,1\nM1,2025-01-01T01:00:00+08:00,-3\nM2,2025-01-01T01:00:00+08:00,1\n");
        var sites = Write(dir, "s.csv", Sites);
        var rejected = Path.Combine(dir, "rejected.csv");
        var (code, _, err) = Run("scan", "--readings", readings, "--sites", sites, "--lenient", "--rejected", rejected, "--format", "json");
        Assert.Equal(0, code);
        Assert.Contains($"2 bad rows set aside in {rejected}", err);
        var lines = File.ReadAllLines(rejected);
        Assert.Equal("file,line,reason,row", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Contains(",3,kwh -3 is negative", lines[1]);
        Assert.Contains(",4,\"meter M2 is not in the sites file (add it there, or scan with --lenient to set its rows aside)\",", lines[2]);
    }

    [Fact]
    public void Simulate_scan_and_evaluate_work_end_to_end_in_every_format()
    {
        var dir = TempDir();
        var (code, output, _) = Run("simulate", "--meters", "300", "--days", "120", "--mining-share", "0.05", "--seed", "3", "--out", dir);
        Assert.Equal(0, code);
        var match = System.Text.RegularExpressions.Regex.Match(output, @"^wrote 300 meters, ([\d,]+) readings, \d+ feeders, 15 mining meters");
        Assert.True(match.Success, output);
        var readings = long.Parse(match.Groups[1].Value.Replace(",", ""));
        var scanJson = Path.Combine(dir, "scan.json");
        var report = Path.Combine(dir, "report.html");
        (code, _, _) = Run("scan", "--readings", Path.Combine(dir, "readings.csv"), "--sites", Path.Combine(dir, "sites.csv"),
            "--activity", Path.Combine(dir, "activity.csv"), "--feeders", Path.Combine(dir, "feeders.csv"),
            "--format", "json", "--out", scanJson, "--report", report);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(File.ReadAllText(scanJson));
        var meters = doc.RootElement.GetProperty("meters");
        Assert.Equal(300, meters.GetArrayLength());
        Assert.Equal(1, meters[0].GetProperty("rank").GetInt32());
        Assert.Equal(300, doc.RootElement.GetProperty("summary").GetProperty("meters").GetInt32());
        Assert.Equal(readings, doc.RootElement.GetProperty("summary").GetProperty("readings").GetInt64());
        var first = meters[0];
        foreach (var field in new[] { "meter_id", "score", "rank", "verdict", "evidence" }) Assert.True(first.TryGetProperty(field, out _), field);
        if (first.GetProperty("verdict").GetString() == "suspect")
            foreach (var field in new[] { "onset", "mining_kw", "implied_miners", "energy_since_onset_kwh" }) Assert.True(first.TryGetProperty(field, out _), field);
        var evidence = first.GetProperty("evidence")[0];
        Assert.True(evidence.TryGetProperty("detector", out _) && evidence.TryGetProperty("strength", out _) && evidence.TryGetProperty("detail", out _));
        Assert.Contains("<svg", File.ReadAllText(report));

        // The same scan recorded in an evidence log: the four input files' records, then the result verbatim.
        Run("evidence", "keygen", "--name", "grid.example/log", "--out", Path.Combine(dir, "log.key"));
        Run("evidence", "init", "--log", Path.Combine(dir, "log"), "--origin", "grid.example/log", "--key", Path.Combine(dir, "log.key"));
        string err;
        (code, _, err) = Run("scan", "--readings", Path.Combine(dir, "readings.csv"), "--sites", Path.Combine(dir, "sites.csv"),
            "--activity", Path.Combine(dir, "activity.csv"), "--feeders", Path.Combine(dir, "feeders.csv"), "--format", "json", "--out", scanJson,
            "--record", Path.Combine(dir, "log"), "--record-key", Path.Combine(dir, "log.key"));
        Assert.Equal(0, code);
        Assert.Contains("4 input file records (entries 0-3) and the scan result (entry 4); checkpoint size 5", err);
        var log = MinerWatch.Evidence.Log.EvidenceLog.Open(Path.Combine(dir, "log"));
        Assert.Equal("readings.csv", MinerWatch.Evidence.Log.EvidenceRecord.FromLeaf(log.Entry(0))!.File);
        Assert.Equal(File.ReadAllText(scanJson).TrimEnd(), System.Text.Encoding.UTF8.GetString(log.Entry(4)).TrimEnd());

        (code, output, _) = Run("scan", "--readings", Path.Combine(dir, "readings.csv"), "--sites", Path.Combine(dir, "sites.csv"), "--format", "csv");
        Assert.Equal(0, code);
        var csv = output.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("rank,meter_id,score,verdict,customer_class,region,feeder_id,onset,mining_kw,implied_miners_low,implied_miners_high,energy_since_onset_kwh,co2_since_onset_tonnes,emission_factor_g_per_kwh,owed_currency,owed_at_tariff,owed_surcharge,owed_total,evidence", csv[0]);
        Assert.Equal(301, csv.Length);

        (code, output, _) = Run("scan", "--readings", Path.Combine(dir, "readings.csv"), "--sites", Path.Combine(dir, "sites.csv"), "--top", "5");
        Assert.Equal(0, code);
        Assert.Contains($"300 meters, {readings:N0} readings", output);

        (code, output, _) = Run("evaluate", "--scan", scanJson, "--labels", Path.Combine(dir, "labels.csv"), "--format", "csv");
        Assert.Equal(0, code);
        var rows = output.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("set,positives,negatives,roc_auc,average_precision,precision_at_10,precision_at_50,precision_at_100,recall_at_1pct_fpr", rows[0]);
        Assert.StartsWith("all,15,285,", rows[1]);
    }

    [Fact]
    public void Evaluate_rejects_labels_naming_a_meter_twice_and_labels_of_another_region()
    {
        var dir = TempDir();
        var scan = Write(dir, "scan.json", "{\"meters\": [{\"meter_id\": \"M1\", \"score\": 0.9}, {\"meter_id\": \"M2\", \"score\": 0.1}]}");
        var twice = Write(dir, "twice.csv", "meter_id,mining,variant,onset\nM1,1,steady_farm,\nM1,0,,\n");
        var (code, _, err) = Run("evaluate", "--scan", scan, "--labels", twice);
        Assert.Equal(2, code);
        Assert.Contains("twice.csv:3: meter M1 is labelled twice", err);
        var other = Write(dir, "other.csv", "meter_id,mining,variant,onset\nX9,1,steady_farm,\n");
        (code, _, err) = Run("evaluate", "--scan", scan, "--labels", other);
        Assert.Equal(2, code);
        Assert.Contains("no labelled meter appears in the scan", err);
    }

    [Fact]
    public void Evaluate_writes_undefined_metrics_as_null_in_json()
    {
        var dir = TempDir();
        var scan = Write(dir, "scan.json", "{\"meters\": [{\"meter_id\": \"M1\", \"score\": 0.9}, {\"meter_id\": \"M2\", \"score\": 0.1}]}");
        var labels = Write(dir, "labels.csv", "meter_id,mining,variant,onset\nM1,0,,\nM2,0,,\n");
        var (code, output, _) = Run("evaluate", "--scan", scan, "--labels", labels, "--format", "json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var all = doc.RootElement.GetProperty("metrics")[0];
        Assert.Equal(JsonValueKind.Null, all.GetProperty("roc_auc").ValueKind);
        Assert.Equal(0, all.GetProperty("positives").GetInt32());
        Assert.Equal(0.0, all.GetProperty("precision_at_10").GetDouble());
    }

    [Fact]
    public void Lenient_scan_without_bad_rows_still_writes_the_rejected_header()
    {
        var dir = TempDir();
        var readings = Write(dir, "r.csv", "meter_id,timestamp,kwh\nM1,2025-01-01T00:00:00+08:00,1\n");
        var sites = Write(dir, "s.csv", Sites);
        var rejected = Path.Combine(dir, "rejected.csv");
        var (code, _, err) = Run("scan", "--readings", readings, "--sites", sites, "--lenient", "--rejected", rejected, "--format", "csv");
        Assert.Equal(0, code);
        Assert.Contains("0 bad rows set aside", err);
        Assert.Equal("file,line,reason,row\n", File.ReadAllText(rejected));
    }

    [Fact]
    public void Evaluate_rejects_a_file_that_is_not_a_scan()
    {
        var dir = TempDir();
        var scan = Write(dir, "scan.json", "{\"findings\": []}");
        var labels = Write(dir, "labels.csv", "meter_id,mining,variant,onset\nM1,1,steady_farm,2025-01-01\n");
        var (code, _, err) = Run("evaluate", "--scan", scan, "--labels", labels);
        Assert.Equal(2, code);
        Assert.Contains("not a scan result: the top-level 'meters' array is missing", err);
    }
}
