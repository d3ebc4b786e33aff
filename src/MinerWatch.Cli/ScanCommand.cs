using System.CommandLine;
using MinerWatch.Energy.Emissions;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Scan;
using nietras.SeparatedValues;

namespace MinerWatch.Cli;

public static class ScanCommand
{
    public static Command Create(CliConsole console)
    {
        var readings = CommonOptions.ExistingFile("--readings", "Interval readings: CSV or Parquet meter_id,timestamp,kwh (or the SGCC wide layout with --layout sgcc)");
        var sites = CommonOptions.ExistingFile("--sites", "Sites: meter_id,customer_class,region,feeder_id,contracted_kw[,name,latitude,longitude] (optional with --layout sgcc)", required: false);
        var activity = CommonOptions.ExistingFile("--activity", "Declared activity: meter_id,date,declared_kwh", required: false);
        var feeders = CommonOptions.ExistingFile("--feeders", "Feeder head meters: feeder_id,timestamp,kwh (CSV or Parquet)", required: false);
        var layout = new Option<ReadingsLayout>("--layout") { Description = "Layout of --readings: long (meter_id,timestamp,kwh) or sgcc (CONS_NO,FLAG,<day columns>)", DefaultValueFactory = _ => ReadingsLayout.Long };
        var top = new Option<int>("--top") { Description = "Rows in the table view (JSON and CSV always list every meter)", DefaultValueFactory = _ => 20 };
        top.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--top must be at least 1"); });
        var format = CommonOptions.Format();
        var output = CommonOptions.Out();
        var report = new Option<FileInfo?>("--report") { Description = "Also write a self-contained HTML report of the top suspects to this file" };
        var lenient = new Option<bool>("--lenient") { Description = "Set bad rows aside into a rejected-rows CSV instead of stopping at the first" };
        var rejected = new Option<FileInfo?>("--rejected") { Description = "Where --lenient writes the rejected rows (default: rejected.csv in the current directory)" };

        var tariff = new Option<double?>("--tariff") { Description = "Normal electricity price per kWh: suspects then carry the back-bill for their mining energy" };
        var surcharge = new Option<double?>("--surcharge") { Description = "Mining surcharge per kWh (default: the bundled provincial rate for each site's region, from the day it took effect)" };
        var currency = new Option<string>("--currency") { Description = "Currency of --tariff and --surcharge", DefaultValueFactory = _ => "CNY" };
        var factor = new Option<double?>("--emission-factor") { Description = "Grid emission factor in gCO2/kWh for every site (default: the bundled factor of each site's province or country)" };
        var command = new Command("scan", "Rank meters by the evidence that they hide a mining load")
        {
            readings, sites, activity, feeders, layout, top, format, output, report, lenient, rejected, tariff, surcharge, currency, factor,
        };
        var recording = new EvidenceRecording(command);
        command.Validators.Add(result =>
        {
            // Without --lenient nothing is set aside: a --rejected path would silently stay unwritten.
            if (result.GetResult(rejected) is not null && result.GetResult(lenient) is null) result.AddError("--rejected is only used with --lenient (a strict scan stops at the first bad row)");
        });
        command.SetAction(parse =>
        {
            var request = new ScanRequest
            {
                Readings = parse.GetRequiredValue(readings).FullName,
                Sites = parse.GetValue(sites)?.FullName,
                Activity = parse.GetValue(activity)?.FullName,
                Feeders = parse.GetValue(feeders)?.FullName,
                Layout = parse.GetValue(layout),
                Costs = Costs(parse.GetValue(tariff), parse.GetValue(surcharge), parse.GetRequiredValue(currency), parse.GetValue(factor)),
            };
            if (request.Layout == ReadingsLayout.Long && request.Sites is null)
                throw new UsageException("--sites is required unless --layout sgcc");
            CommonOptions.RefuseOutputOverInput(
                [("--readings", request.Readings), ("--sites", request.Sites), ("--activity", request.Activity), ("--feeders", request.Feeders)],
                ("--out", parse.GetValue(output)?.FullName), ("--report", parse.GetValue(report)?.FullName),
                ("--rejected", parse.GetValue(lenient) ? RejectedPath(parse.GetValue(rejected)) : null));
            var result = Execute(request, parse.GetValue(lenient), parse.GetValue(rejected), console);
            foreach (var note in result.Notes) console.Error.WriteLine($"note: {note}");
            using (var writer = CommonOptions.OpenOutput(parse.GetValue(output), console))
                Render(result, parse.GetValue(format), parse.GetValue(top), writer);
            if (parse.GetValue(report) is { } reportFile)
            {
                ReportWriter.Write(request, result, reportFile.FullName);
                console.Error.WriteLine($"report: {reportFile.FullName}");
            }
            string?[] inputs = [request.Readings, request.Sites, request.Activity, request.Feeders];
            recording.Record(parse, inputs.OfType<string>(), "scan", () => ScanJson.Serialize(result), console);
            return Cli.Ok;
        });
        return command;
    }

    private static ScanCosts Costs(double? tariff, double? surcharge, string currency, double? gramsPerKwh)
    {
        if (tariff is < 0 || tariff is { } t && !double.IsFinite(t)) throw new UsageException($"--tariff {tariff} must be 0 or more");
        if (surcharge is < 0 || surcharge is { } s && !double.IsFinite(s)) throw new UsageException($"--surcharge {surcharge} must be 0 or more");
        if (gramsPerKwh is { } g) EmissionFactors.UserFactor(g);
        return new ScanCosts { TariffPerKwh = tariff, SurchargePerKwh = surcharge, Currency = currency, GramsPerKwh = gramsPerKwh };
    }

    public static ScanResult Execute(ScanRequest request, bool lenient, FileInfo? rejectedFile, CliConsole console)
    {
        if (!lenient) return Progress.Run(console, "Reading meter data", p => GridScan.Run(request, RowPolicy.Strict, p));
        var path = RejectedPath(rejectedFile);
        // Written beside and moved into place when the scan ends: a scan that fails leaves no empty or partial file,
        // and an earlier rejected file is kept.
        var partial = path + ".partial";
        RowPolicy policy;
        ScanResult result;
        try
        {
            using var rejectedWriter = Sep.New(',').Writer(o => o with { Escape = true }).ToFile(partial);
            var setAside = RowPolicy.SetAside(row =>
            {
                using var r = rejectedWriter.NewRow();
                r["file"].Set(row.File);
                r["line"].Format(row.Line);
                r["reason"].Set(row.Reason);
                r["row"].Set(row.Raw);
            });
            policy = setAside;
            result = Progress.Run(console, "Reading meter data", p => GridScan.Run(request, setAside, p));
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
        // Sep writes the header with the first row; with nothing rejected the file still names its columns.
        if (policy.RejectedCount == 0) File.WriteAllText(partial, "file,line,reason,row\n");
        File.Move(partial, path, overwrite: true);
        console.Error.WriteLine($"{policy.RejectedCount} bad row{(policy.RejectedCount == 1 ? "" : "s")} set aside in {path}");
        return result;
    }

    private static string RejectedPath(FileInfo? file) => file?.FullName ?? Path.GetFullPath("rejected.csv");

    public static void Render(ScanResult result, OutputFormat format, int top, TextWriter writer)
    {
        switch (format)
        {
            case OutputFormat.Json:
                writer.WriteLine(ScanJson.Serialize(result));
                break;
            case OutputFormat.Csv:
                ScanCsv.Write(writer, result);
                break;
            default:
                ScanTable.Write(writer, result, top);
                break;
        }
    }
}
