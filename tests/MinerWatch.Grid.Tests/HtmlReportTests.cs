using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Report;
using MinerWatch.Grid.Scan;

namespace MinerWatch.Grid.Tests;

public sealed class HtmlReportTests : IDisposable
{
    private const string Miner = "M-001";
    private const string Hostile = "M<script>alert(1)</script>";
    private const string Other = "M-OTHER";
    private const int Days = 60;
    private const int OnsetDay = 30;
    private static readonly DateOnly Start = new(2025, 1, 1);
    private static readonly DateOnly Onset = Start.AddDays(OnsetDay);

    private readonly string _dir = Directory.CreateTempSubdirectory("minerwatch-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The hostile meter misses days 10 and 11, so its chart has a gap.
    private static bool Read(string meter, int day) => meter != Hostile || day is not (10 or 11);

    private static double Kwh(string meter, int day, int hour)
    {
        var v = 0.4 + 0.1 * (hour % 5) + 0.01 * day;
        if (meter == Miner && day >= OnsetDay) v += 5;
        if (meter == Other) v += 100;
        return Math.Round(v, 3);
    }

    private string WriteReadings()
    {
        var sb = new StringBuilder("meter_id,timestamp,kwh\n");
        foreach (var meter in new[] { Miner, Hostile, Other })
            for (var d = 0; d < Days; d++)
            {
                if (!Read(meter, d)) continue;
                for (var h = 0; h < 24; h++)
                    sb.Append(CultureInfo.InvariantCulture, $"{meter},{Start.AddDays(d):yyyy-MM-dd}T{h:00}:00:00+08:00,{Kwh(meter, d, h)}\n");
            }
        var path = Path.Combine(_dir, "readings.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static ScanResult HandResult() => new(
        [
            new MeterFinding
            {
                MeterId = Miner, Score = 0.97, Rank = 1, Verdict = "suspect", CustomerClass = "residential", Region = "CN-GD/Shenzhen",
                Onset = Onset, MiningKw = 5, ImpliedMiners = new MinerRange(1, 2, "test"), EnergySinceOnsetKwh = 3600,
                Evidence = [new Evidence("step_rise", 0.9, "flat +5 kW from 2025-01-31 & never off", 3.6)],
            },
            new MeterFinding
            {
                MeterId = Hostile, Score = 0.6, Rank = 2, Verdict = "suspect", CustomerClass = "commercial", Region = "CN-GD/Foshan",
                Onset = Start, OnsetAtDataStart = true, MiningKw = 1.2,
                Evidence = [new Evidence("night_load", 0.5, "<b>night</b> load", 2)],
            },
            new MeterFinding { MeterId = Other, Score = 0.01, Rank = 3, Verdict = "clear", Evidence = [] },
        ],
        new ScanSummary
        {
            Meters = 3,
            Readings = 3 * Days * 24 - 48,
            Suspects = 2,
            FirstDay = Start,
            LastDay = Start.AddDays(Days - 1),
            Intervals = new Dictionary<string, int> { ["60 min"] = 3 },
            SuspectThreshold = 0.5,
        });

    private (string Html, ReportData Data) Render()
    {
        var request = new ScanRequest { Readings = WriteReadings() };
        var result = HandResult();
        var data = ReportData.Collect(request, HtmlReport.TopSuspects(result));
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        HtmlReport.Write(writer, result, data, "Test <report>");
        return (writer.ToString(), data);
    }

    private static string Section(string html, string escapedId)
    {
        var sections = html.Split("<section class=\"meter\"");
        return Assert.Single(sections, s => s.Contains($"{escapedId} <span class=\"verdict", StringComparison.Ordinal));
    }

    private static int Count(string text, string pattern) => Regex.Matches(text, pattern).Count;

    [Fact]
    public void Collect_matrix_holds_the_hourly_kwh_as_kw_and_reads_only_listed_meters()
    {
        var (_, data) = Render();
        Assert.Equal(2, data.Meters.Count);
        Assert.Null(data.Get(Other));
        var m = data.Get(Miner)!;
        Assert.Equal(Days, m.Days);
        Assert.Equal(60, m.IntervalMinutes);
        Assert.Equal(Start, m.FirstDate);
        Assert.Equal(24 * Days, m.HourKw.Length);
        Assert.Equal(Kwh(Miner, 0, 0), m.KwAt(0, 0), 9);
        Assert.Equal(Kwh(Miner, 45, 13), m.KwAt(13, 45), 9);
        Assert.Equal(Kwh(Miner, 59, 23), m.KwAt(23, 59), 9);
        var day45 = Enumerable.Range(0, 24).Sum(h => Kwh(Miner, 45, h));
        Assert.Equal(day45, m.DailyKwh[45], 6);

        var h = data.Get(Hostile)!;
        Assert.True(double.IsNaN(h.KwAt(5, 10)));
        Assert.True(double.IsNaN(h.DailyKwh[11]));
        Assert.Equal(Kwh(Hostile, 12, 5), h.KwAt(5, 12), 9);
    }

    [Fact]
    public void Table_lists_each_suspect_with_a_link_to_its_section()
    {
        var (html, _) = Render();
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<a href=\"#m-M-001\">M-001</a>", html);
        Assert.Contains("<section class=\"meter\" id=\"m-M-001\">", html);
        var hostileLink = Regex.Match(html, "<a href=\"#(m-[A-Za-z0-9_-]+)\">M&lt;script&gt;alert\\(1\\)&lt;/script&gt;</a>");
        Assert.True(hostileLink.Success);
        Assert.Contains($"<section class=\"meter\" id=\"{hostileLink.Groups[1].Value}\">", html);
        Assert.DoesNotContain(">M-OTHER<", html);
        Assert.Contains("<td class=\"num\">3,600</td>", html);
        Assert.Contains("<td class=\"num\">1–2</td>", html);
        Assert.Contains("2025-01-01 to 2025-03-01 (60 days)", html);
        Assert.Contains("60 min: 3 meters", html);
        Assert.True(html.IndexOf(">M-001</a>", StringComparison.Ordinal) < html.IndexOf(">M&lt;script", StringComparison.Ordinal));
    }

    [Fact]
    public void Heat_map_has_one_cell_per_hour_and_day_read_and_a_kw_legend()
    {
        var (html, _) = Render();
        var miner = Section(html, Miner);
        Assert.Equal(24 * Days, Count(miner, "<rect class=\"hc "));
        var hostile = Section(html, "M&lt;script&gt;alert(1)&lt;/script&gt;");
        Assert.Equal(24 * (Days - 2), Count(hostile, "<rect class=\"hc "));
        // Legend runs from the lowest value to the 99th percentile (which, here, is in the mined hours).
        Assert.Matches("class=\"tick legend-lo\"[^>]*>0\\.4<", miner);
        Assert.Contains("kW (dark) to", miner);
        Assert.Contains(">2025-02<", miner);
        Assert.Contains(">2025-03<", miner);
        Assert.Contains(">00:00<", miner);
        Assert.Contains(">21:00<", miner);
    }

    [Fact]
    public void Daily_chart_marks_the_onset_and_breaks_the_line_at_gaps()
    {
        var (html, _) = Render();
        var miner = Section(html, Miner);
        Assert.Matches("<text class=\"onset-label\"[^>]*>onset 2025-01-31</text>", miner);
        Assert.Equal(2, Count(miner, "<line class=\"onset\""));
        Assert.Equal(1, Count(miner, "<polyline class=\"kwh\""));
        // With 15 px per day, day 30 starts at 64 + 30 * 15.
        Assert.Contains("<line class=\"onset\" x1=\"514\"", miner);

        var hostile = Section(html, "M&lt;script&gt;alert(1)&lt;/script&gt;");
        Assert.Equal(2, Count(hostile, "<polyline class=\"kwh\""));
        Assert.Contains("load present from the first day read, 2025-01-01", hostile);
        Assert.Matches("<text class=\"tick\"[^>]*>\\d+</text>", hostile);
    }

    [Fact]
    public void Data_strings_are_escaped_and_nothing_is_fetched_from_the_network()
    {
        var (html, _) = Render();
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>night</b>", html);
        Assert.Contains("&lt;b&gt;night&lt;/b&gt; load", html);
        Assert.Contains("never off", html);
        Assert.Contains("&amp; never off", html);
        Assert.Contains("<title>Test &lt;report&gt;</title>", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotMatch("(src|href)\\s*=\\s*[\"']?(//|[a-z]+:)", html);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotContain("url(", html);
    }

    [Fact]
    public void Sgcc_daily_meters_get_the_daily_chart_and_no_heat_map()
    {
        var path = Path.Combine(_dir, "sgcc.csv");
        File.WriteAllText(path, "CONS_NO,FLAG,2014/1/1,2014/1/2,2014/1/3,2014/1/4\nA1,1,10,12,,15\nB2,0,1,1,1,1\n");
        var result = new ScanResult(
            [new MeterFinding { MeterId = "A1", Score = 0.8, Rank = 1, Verdict = "suspect", Onset = new DateOnly(2014, 1, 2), Evidence = [] }],
            new ScanSummary { Meters = 2, Suspects = 1 });
        var data = ReportData.Collect(new ScanRequest { Readings = path, Layout = ReadingsLayout.Sgcc }, ["A1"]);
        var a = data.Get("A1")!;
        Assert.False(a.HasIntraday);
        Assert.Equal(4, a.Days);
        Assert.Equal(12, a.DailyKwh[1], 9);
        Assert.True(double.IsNaN(a.DailyKwh[2]));
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        HtmlReport.Write(writer, result, data, "SGCC");
        var html = writer.ToString();
        Assert.Equal(0, Count(html, "<rect class=\"hc "));
        Assert.Contains("no hour-of-day detail", html);
        Assert.Contains(">onset 2014-01-02</text>", html);
        Assert.Equal(1, Count(html, "<circle class=\"dot\""));
        Assert.Equal(1, Count(html, "<polyline class=\"kwh\""));
    }

    [Fact]
    public void A_real_scan_can_be_reported_end_to_end()
    {
        var readings = WriteReadings();
        var sites = Path.Combine(_dir, "sites.csv");
        File.WriteAllText(sites, "meter_id,customer_class,region,feeder_id,contracted_kw\n"
            + $"{Miner},residential,CN-GD/Shenzhen,F1,10\n{Hostile},residential,CN-GD/Shenzhen,F1,10\n{Other},commercial,CN-GD/Shenzhen,F1,200\n");
        var request = new ScanRequest { Readings = readings, Sites = sites };
        var result = GridScan.Run(request, RowPolicy.Strict);
        var report = Path.Combine(_dir, "report.html");
        HtmlReport.WriteFile(report, request, result, "Scan");
        var html = File.ReadAllText(report);
        Assert.EndsWith("</html>\n", html);
        Assert.Contains("3 meters", html);
        // The flat 5 kW load is what the detectors exist to find, and the scan dates it to the day it started.
        Assert.Contains(Miner, HtmlReport.TopSuspects(result));
        Assert.Contains("<a href=\"#m-M-001\">M-001</a>", html);
        Assert.Contains(">onset 2025-01-31</text>", html);
        Assert.Equal(24 * Days, Count(Section(html, Miner), "<rect class=\"hc "));
    }
}
