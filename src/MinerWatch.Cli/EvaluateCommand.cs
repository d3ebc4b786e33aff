using System.CommandLine;
using System.Text.Json;
using MinerWatch.Application.Evaluation;
using MinerWatch.Grid.Scan;
using MinerWatch.Simulation.Evaluation;
using Spectre.Console;

namespace MinerWatch.Cli;

public static class EvaluateCommand
{
    public static Command Create(CliConsole console)
    {
        var scan = CommonOptions.ExistingFile("--scan", "A scan result written with --format json");
        var labels = CommonOptions.ExistingFile("--labels", "Labels: meter_id,mining,variant,onset (or, with --layout sgcc, the SGCC file whose FLAG column labels the meters)");
        var layout = new Option<ReadingsLayout>("--layout") { Description = "Layout of --labels: long (labels CSV) or sgcc (FLAG column)", DefaultValueFactory = _ => ReadingsLayout.Long };
        var format = CommonOptions.Format();
        var output = CommonOptions.Out();
        var command = new Command("evaluate", "Measure how well a scan ranks labelled mining meters: ROC AUC, average precision, precision at k, recall at 1 % FPR")
        {
            scan, labels, layout, format, output,
        };
        command.SetAction(parse =>
        {
            var scanFile = parse.GetRequiredValue(scan).FullName;
            var scores = ScanJson.ReadScores(scanFile);
            var labelFile = parse.GetRequiredValue(labels).FullName;
            var truth = parse.GetValue(layout) == ReadingsLayout.Sgcc ? LabelsReader.ReadSgcc(labelFile) : LabelsReader.Read(labelFile);
            var metrics = RankingMetrics.Evaluate(scores, truth, labelFile, scanFile, n => console.Error.WriteLine($"note: {n}"));
            using var writer = CommonOptions.OpenOutput(parse.GetValue(output), console);
            Render(metrics, parse.GetValue(format), writer);
            return Cli.Ok;
        });
        return command;
    }

    public static void Render(IReadOnlyList<Metrics> metrics, OutputFormat format, TextWriter writer)
    {
        switch (format)
        {
            case OutputFormat.Json:
                // A metric with no positives or no negatives is undefined: null in JSON, empty in CSV and tables.
                // Field names are the CSV header's.
                var rows = metrics.Select(RankingMetrics.Fields);
                writer.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["metrics"] = rows }, new JsonSerializerOptions { WriteIndented = true }));
                break;
            case OutputFormat.Csv:
                writer.WriteLine("set,positives,negatives,roc_auc,average_precision,precision_at_10,precision_at_50,precision_at_100,recall_at_1pct_fpr");
                foreach (var m in metrics)
                    writer.WriteLine(string.Join(',', m.Set, m.Positives, m.Negatives, F(m.RocAuc), F(m.AveragePrecision), F(m.PrecisionAt10), F(m.PrecisionAt50), F(m.PrecisionAt100), F(m.RecallAt1PctFpr)));
                break;
            default:
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
                console.Profile.Width = 140;
                var table = new Table().Border(TableBorder.Simple);
                foreach (var c in new[] { "set", "positives", "negatives", "ROC AUC", "avg precision", "P@10", "P@50", "P@100", "recall @1% FPR" }) table.AddColumn(c);
                foreach (var m in metrics)
                    table.AddRow(m.Set, m.Positives.ToString(), m.Negatives.ToString(), F(m.RocAuc), F(m.AveragePrecision), F(m.PrecisionAt10), F(m.PrecisionAt50), F(m.PrecisionAt100), F(m.RecallAt1PctFpr));
                console.Write(table);
                break;
        }
    }

    private static string F(double v) => double.IsNaN(v) ? "" : v.ToString("0.000");
}
