using System.CommandLine;
using MinerWatch.Application.Evaluation;
using MinerWatch.Grid.Scan;
using MinerWatch.Simulation;
using MinerWatch.Simulation.Evaluation;

namespace MinerWatch.Cli;

public static class DemoCommand
{
    public static Command Create(CliConsole console)
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for the simulated data, scan.json and report.html", DefaultValueFactory = _ => new DirectoryInfo("demo-out") };
        var meters = new Option<int>("--meters") { Description = "Meters in the simulated region", DefaultValueFactory = _ => 1000 };
        meters.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 50) r.AddError("--meters must be at least 50"); });
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 7 };
        var command = new Command("demo", "Simulate a region for a year, scan it, write the HTML report and print the top suspects") { output, meters, seed };
        command.SetAction(parse =>
        {
            var dir = parse.GetRequiredValue(output).FullName;
            var options = new SimulationOptions { Meters = parse.GetValue(meters), Days = 365, MiningShare = 0.03, Seed = parse.GetValue(seed) };
            var sim = SimulateCommand.Run(options, dir, parquet: false, console);
            console.Out.WriteLine($"simulated {sim.Meters} meters for {options.Days} days ({sim.Readings:N0} hourly readings, {sim.MiningMeters} of them mining) in {dir}");
            var request = new ScanRequest
            {
                Readings = Path.Combine(dir, "readings.csv"),
                Sites = Path.Combine(dir, "sites.csv"),
                Activity = Path.Combine(dir, "activity.csv"),
                Feeders = Path.Combine(dir, "feeders.csv"),
            };
            var result = ScanCommand.Execute(request, lenient: false, rejectedFile: null, console);
            var scanPath = Path.Combine(dir, "scan.json");
            using (var stream = File.Create(scanPath)) ScanJson.Write(stream, result);
            var reportPath = Path.Combine(dir, "report.html");
            ReportWriter.Write(request, result, reportPath);
            ScanTable.Write(console.Out, result, 10);
            var metrics = RankingMetrics.Evaluate(ScanJson.ReadScores(scanPath), LabelsReader.Read(Path.Combine(dir, "labels.csv")));
            var all = metrics[0];
            console.Out.WriteLine($"against the simulator's labels: ROC AUC {all.RocAuc:0.000}, average precision {all.AveragePrecision:0.000}, precision at 10 {all.PrecisionAt10:0.00}");
            console.Out.WriteLine($"scan: {scanPath}");
            console.Out.WriteLine($"report: {reportPath}");
            return Cli.Ok;
        });
        return command;
    }
}
