using MinerWatch.Grid.Scan;
using Spectre.Console;

namespace MinerWatch.Cli;

/// <summary>The table view of a scan: the top meters by rank with their strongest evidence, and a summary line.</summary>
public static class ScanTable
{
    public static void Write(TextWriter writer, ScanResult result, int top)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 240;
        var table = new Table().Border(TableBorder.Simple);
        // Money owed shows only when a tariff or surcharge applied to some suspect.
        var owedShown = result.Meters.Take(top).Any(m => m.Owed is not null);
        string[] columns = ["rank", "meter", "class", "region", "score", "verdict", "onset", "mining kW", "miners", "kWh since onset", "t CO2", .. owedShown ? new[] { "owed" } : [], "strongest evidence"];
        foreach (var column in columns)
            table.AddColumn(new TableColumn(column).NoWrap());
        foreach (var m in result.Meters.Take(top))
        {
            var evidence = m.Evidence.Count == 0 ? "" : $"{m.Evidence[0].Detector}: {Headline(m.Evidence[0].Detail)}";
            var cells = new List<string>
            {
                m.Rank.ToString(), Markup.Escape(m.MeterId), m.CustomerClass ?? "", Markup.Escape(m.Region ?? ""), m.Score.ToString("0.000"), m.Verdict,
                m.Onset is { } o ? (m.OnsetAtDataStart ? $"<={o:yyyy-MM-dd}" : o.ToString("yyyy-MM-dd")) : "",
                m.MiningKw?.ToString("0.#") ?? "", m.ImpliedMiners is { } r ? (r.Low == r.High ? $"{r.Low}" : $"{r.Low}-{r.High}") : "",
                m.EnergySinceOnsetKwh?.ToString("N0") ?? "", m.Co2SinceOnsetTonnes?.ToString("N1") ?? "",
            };
            if (owedShown) cells.Add(m.Owed is { } owed ? $"{owed.Total:N0} {owed.Currency}" : "");
            cells.Add(Markup.Escape(evidence));
            table.AddRow([.. cells]);
        }
        console.Write(table);
        var s = result.Summary;
        var notJudged = s.NotJudged > 0 ? $"; {s.NotJudged} meter{(s.NotJudged == 1 ? "" : "s")} with too little data to judge" : "";
        writer.WriteLine($"{s.Meters} meters, {s.Readings:N0} readings ({string.Join(", ", s.Intervals.Select(kv => $"{kv.Value} at {kv.Key}"))}), "
            + $"{s.FirstDay:yyyy-MM-dd} to {s.LastDay:yyyy-MM-dd}; {s.Suspects} suspect{(s.Suspects == 1 ? "" : "s")} (score >= {s.SuspectThreshold}){notJudged}; "
            + $"{s.Feeders} feeders balanced; {s.MetersWithActivity} meters with declared activity; {s.RejectedRows} rows rejected");
    }

    /// <summary>The first clause of an evidence detail, which names the finding; the numbers behind it are in JSON and the report.</summary>
    private static string Headline(string detail)
    {
        var end = detail.IndexOfAny([';', '(']);
        var text = (end > 0 ? detail[..end] : detail).TrimEnd(' ', ',');
        return text.Length <= 52 ? text : text[..51] + "…";
    }
}
