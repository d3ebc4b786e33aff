using System.CommandLine;
using MinerWatch.Grid.Input;
using MinerWatch.Simulation;

namespace MinerWatch.Cli;

public static class SimulateCommand
{
    public static Command Create(CliConsole console)
    {
        var meters = new Option<int>("--meters") { Description = "Number of meters", DefaultValueFactory = _ => 1000 };
        meters.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--meters must be at least 1"); });
        var days = new Option<int>("--days") { Description = "Days of readings", DefaultValueFactory = _ => 365 };
        days.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 3660) r.AddError("--days must be between 1 and 3660"); });
        var interval = new Option<string>("--interval") { Description = "Reading interval: 15min, 30min, 1h or 1d", DefaultValueFactory = _ => "1h" };
        interval.AcceptOnlyFromAmong("15min", "30min", "1h", "1d");
        var share = new Option<double>("--mining-share") { Description = "Share of meters with a mining load, 0 to 0.5", DefaultValueFactory = _ => 0.02 };
        // The simulator plants at most one farm in every other meter: peers must stay mostly clean to be a baseline.
        share.Validators.Add(r => { if (r.GetValueOrDefault<double>() is not (>= 0 and <= 0.5)) r.AddError("--mining-share must be between 0 and 0.5"); });
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed writes the same files", DefaultValueFactory = _ => 1 };
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for readings.csv, sites.csv, activity.csv, feeders.csv and labels.csv", Required = true };
        var parquet = new Option<bool>("--parquet") { Description = "Also write the readings as readings.parquet" };
        var climate = new Option<string>("--climate")
        {
            Description = "subtropical (south China, the default, region CN-GD/Guangzhou) or cold (a northern province: Harbin, region CN-HL/Harbin; a quarter of the homes heat with electricity)",
            DefaultValueFactory = _ => "subtropical",
        };
        climate.AcceptOnlyFromAmong("subtropical", "cold");
        var command = new Command("simulate", "Write a realistic synthetic region (households, businesses, confounders and mining variants) with labels")
        {
            meters, days, interval, share, seed, output, parquet, climate,
        };
        command.SetAction(parse =>
        {
            var options = new SimulationOptions
            {
                Meters = parse.GetValue(meters),
                Days = parse.GetValue(days),
                Interval = ParseInterval(parse.GetRequiredValue(interval)),
                MiningShare = parse.GetValue(share),
                Seed = parse.GetValue(seed),
                Climate = parse.GetRequiredValue(climate) == "cold" ? Climate.Cold : Climate.Subtropical,
            };
            var dir = parse.GetRequiredValue(output);
            var summary = Run(options, dir.FullName, parse.GetValue(parquet), console);
            console.Out.WriteLine($"wrote {summary.Meters} meters, {summary.Readings:N0} readings, {summary.Feeders} feeders, {summary.MiningMeters} mining meters "
                + $"({string.Join(", ", summary.VariantCounts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}"))}) to {dir.FullName}");
            return Cli.Ok;
        });
        return command;
    }

    public static SimulationSummary Run(SimulationOptions options, string dir, bool parquet, CliConsole console)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            // The options' own words, less the parameter name .NET appends.
            throw new UsageException($"cannot simulate {options.Meters:N0} meters for {options.Days:N0} days at {options.Interval.TotalMinutes:0} minutes: {e.Message.Split(" (Parameter", 2)[0].Split(Environment.NewLine)[0]}");
        }
        Directory.CreateDirectory(dir);
        var summary = Progress.Run(console, "Simulating", p => GridSimulator.Write(options, dir, new Progress<double>(p)));
        if (parquet)
            Progress.Run(console, "Writing Parquet", _ => ReadingsParquetWriter.FromCsv(Path.Combine(dir, "readings.csv"), Path.Combine(dir, "readings.parquet")));
        return summary;
    }

    public static TimeSpan ParseInterval(string text) => text switch
    {
        "15min" => TimeSpan.FromMinutes(15),
        "30min" => TimeSpan.FromMinutes(30),
        "1h" => TimeSpan.FromHours(1),
        "1d" => TimeSpan.FromDays(1),
        _ => throw new UsageException($"--interval '{text}' is not one of 15min, 30min, 1h, 1d"),
    };
}
