using System.Globalization;
using System.Text.Json;
using MinerWatch.Energy.Catalog;
using MinerWatch.Energy.Emissions;
using MinerWatch.Energy.Network;
using MinerWatch.Energy.Site;
using nietras.SeparatedValues;
using Spectre.Console;

namespace MinerWatch.Cli;

/// <summary>Renders the energy commands' results as tables, JSON or CSV. Field names are the same in JSON and CSV (docs/formats.md).</summary>
public static class EnergyOutput
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void RenderMiners(IReadOnlyList<Miner> miners, OutputFormat format, TextWriter writer)
    {
        var rows = miners.Select(m => new Dictionary<string, object?>
        {
            ["algorithm"] = m.Algorithm,
            ["model"] = m.Model,
            ["hashrate"] = m.Hashrate,
            ["hashrate_unit"] = m.HashrateUnit,
            ["power_w"] = m.PowerW,
            ["efficiency"] = m.Efficiency,
            ["efficiency_unit"] = m.EfficiencyUnit,
            ["release"] = m.Release.ToString("yyyy-MM-dd", Inv),
            ["status"] = m.Status,
            ["source"] = m.Source,
        }).ToList();
        switch (format)
        {
            case OutputFormat.Json:
                writer.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["miners"] = rows }, Indented));
                break;
            case OutputFormat.Csv:
                WriteCsv(writer, MinerCatalog.Columns, rows);
                break;
            default:
                var table = NewTable("algorithm", "model", "hash rate", "power", "efficiency", "release", "status");
                foreach (var m in miners)
                {
                    table.AddRow(Markup.Escape(m.Algorithm), Markup.Escape(m.Model), string.Create(Inv, $"{m.Hashrate:0.##} {m.HashrateUnit}"),
                        string.Create(Inv, $"{m.PowerW:0} W"), string.Create(Inv, $"{m.Efficiency:0.####} {m.EfficiencyUnit}"), m.Release.ToString("yyyy-MM-dd", Inv), m.Status);
                }
                Write(writer, table);
                writer.WriteLine($"{miners.Count} models; sources and notes: 'minerwatch energy miners --format csv'");
                break;
        }
    }

    public static Dictionary<string, object?> SiteFields(SiteEstimate e, MiningSurcharge? surcharge) => new()
    {
        ["algorithm"] = e.Algorithm,
        ["power_kw"] = Math.Round(e.PowerKw, 3),
        ["hours"] = Math.Round(e.Hours, 2),
        ["energy_kwh"] = Math.Round(e.EnergyKwh, 1),
        ["miners_low"] = e.Miners.Low,
        ["miners_high"] = e.Miners.High,
        ["miners_basis"] = e.Miners.LowBasis == e.Miners.HighBasis ? e.Miners.LowBasis : $"all {e.Miners.LowBasis} to all {e.Miners.HighBasis}",
        ["hashrate_low_hs"] = Math.Round(e.HashrateHs.Low),
        ["hashrate_high_hs"] = Math.Round(e.HashrateHs.High),
        ["revenue_low_usd"] = e.RevenueUsd is { } r ? Math.Round(r.Low, 2) : null,
        ["revenue_high_usd"] = e.RevenueUsd is { } r2 ? Math.Round(r2.High, 2) : null,
        ["co2_tonnes"] = Math.Round(e.Co2Tonnes, 3),
        ["emission_factor_g_per_kwh"] = e.EmissionFactor.GramsPerKwh,
        ["emission_factor_source"] = e.EmissionFactor.Code == "USER" ? "given" : $"{e.EmissionFactor.Region} {e.EmissionFactor.Year}, {e.EmissionFactor.Basis} ({e.EmissionFactor.Source})",
        ["currency"] = e.Owed?.Currency,
        ["tariff_per_kwh"] = e.Owed?.TariffPerKwh,
        ["owed_at_tariff"] = e.Owed?.AtTariff is { } t ? Math.Round(t, 2) : null,
        ["surcharge_per_kwh"] = e.Owed?.SurchargePerKwh,
        ["surcharge_source"] = surcharge is null ? null : $"{surcharge.Jurisdiction}: {surcharge.Instrument}, from {surcharge.Effective:yyyy-MM-dd}",
        ["owed_surcharge"] = e.Owed?.Surcharge is { } s ? Math.Round(s, 2) : null,
        ["owed_total"] = e.Owed is { } o ? Math.Round(o.Total, 2) : null,
        ["kw_per_machine"] = e.KwPerMachine is { } k ? Math.Round(k, 4) : null,
    };

    public static void RenderSite(SiteEstimate e, MiningSurcharge? surcharge, OutputFormat format, TextWriter writer)
    {
        var fields = SiteFields(e, surcharge);
        switch (format)
        {
            case OutputFormat.Json:
                var json = new Dictionary<string, object?>(fields) { ["plausible_models"] = e.PlausibleModels };
                if (e.Fits is { } fits)
                    json["model_fits"] = fits.Select(f => new Dictionary<string, object> { ["model"] = f.Model, ["power_kw"] = f.PowerKw, ["duty"] = Math.Round(f.Duty, 4), ["consistent"] = f.Consistent });
                writer.WriteLine(JsonSerializer.Serialize(json, Indented));
                break;
            case OutputFormat.Csv:
                WriteCsv(writer, [.. fields.Keys], [fields]);
                break;
            default:
                var table = NewTable("estimate", "value");
                table.AddRow("power", string.Create(Inv, $"{e.PowerKw:N1} kW"));
                table.AddRow("running time", string.Create(Inv, $"{e.Hours:N0} h"));
                table.AddRow("energy", string.Create(Inv, $"{e.EnergyKwh:N0} kWh"));
                table.AddRow("machines", Markup.Escape(e.Miners.Low == e.Miners.High ? string.Create(Inv, $"{e.Miners.Low:0} ({fields["miners_basis"]})") : string.Create(Inv, $"{e.Miners.Low:0}-{e.Miners.High:0} ({fields["miners_basis"]})")));
                if (e.KwPerMachine is { } k) table.AddRow("power per machine", string.Create(Inv, $"{k:0.###} kW"));
                table.AddRow("hash rate", Markup.Escape(e.HashrateHs.Low == e.HashrateHs.High ? HashUnit.Format(e.HashrateHs.Low) : $"{HashUnit.Format(e.HashrateHs.Low)} - {HashUnit.Format(e.HashrateHs.High)}"));
                if (e.RevenueUsd is { } rev) table.AddRow("revenue", string.Create(Inv, $"{rev.Low:N0} - {rev.High:N0} USD"));
                table.AddRow("CO2", Markup.Escape(string.Create(Inv, $"{e.Co2Tonnes:N1} t at {e.EmissionFactor.GramsPerKwh:0.#} g/kWh ({fields["emission_factor_source"]})")));
                if (e.Owed is { } owed)
                {
                    if (owed.AtTariff is { } t) table.AddRow("back-bill at tariff", string.Create(Inv, $"{t:N2} {owed.Currency} ({owed.TariffPerKwh} per kWh)"));
                    if (owed.Surcharge is { } s) table.AddRow("mining surcharge", Markup.Escape(string.Create(Inv, $"{s:N2} {owed.Currency} ({owed.SurchargePerKwh} per kWh{(surcharge is null ? "" : $", {surcharge.Jurisdiction}")})")));
                    table.AddRow("total owed", string.Create(Inv, $"{owed.Total:N2} {owed.Currency}"));
                }
                Write(writer, table);
                if (e.Fits is { } list)
                {
                    var fitTable = NewTable("model", "power", "share of time it must run", "fits");
                    foreach (var f in list)
                        fitTable.AddRow(Markup.Escape(f.Model), string.Create(Inv, $"{f.PowerKw:0.###} kW"), string.Create(Inv, $"{f.Duty:P0}"), f.Consistent ? "yes" : "no: draws too little");
                    Write(writer, fitTable);
                }
                break;
        }
    }

    public static void RenderNetwork(IReadOnlyList<NetworkEstimate> days, CbeciMethod method, string basket, int basketSize, double? intensity, OutputFormat format, TextWriter writer)
    {
        var rows = days.Select(d =>
        {
            var row = new Dictionary<string, object?>
            {
                ["date"] = d.Date.ToString("yyyy-MM-dd", Inv),
                ["hashrate_ths"] = d.HashrateThs,
                ["revenue_usd"] = d.RevenueUsd,
                ["price_usd_kwh"] = d.PriceUsdPerKwh,
                ["threshold_j_per_th"] = Math.Round(d.ThresholdJPerTh, 3),
                ["smoothed_threshold_j_per_th"] = Math.Round(d.SmoothedThresholdJPerTh, 3),
                ["profitable_models"] = d.ProfitableModels,
                ["carried_forward"] = d.CarriedForward,
                ["lower_j_per_th"] = R(d.Lower?.JoulesPerTh, 3),
                ["best_j_per_th"] = R(d.BestGuess?.JoulesPerTh, 3),
                ["upper_j_per_th"] = R(d.Upper?.JoulesPerTh, 3),
                ["lower_gw"] = R(d.Lower?.Gw, 4),
                ["best_gw"] = R(d.BestGuess?.Gw, 4),
                ["upper_gw"] = R(d.Upper?.Gw, 4),
                ["lower_twh"] = R(d.Lower?.TwhPerYear, 3),
                ["best_twh"] = R(d.BestGuess?.TwhPerYear, 3),
                ["upper_twh"] = R(d.Upper?.TwhPerYear, 3),
            };
            if (intensity is { } g)
            {
                row["g_co2_per_kwh"] = Math.Round(g, 2);
                row["lower_mt_co2"] = R(d.Lower is { } l ? NetworkInputs.MegatonnesPerYear(l.TwhPerYear, g) : null, 3);
                row["best_mt_co2"] = R(d.BestGuess is { } b ? NetworkInputs.MegatonnesPerYear(b.TwhPerYear, g) : null, 3);
                row["upper_mt_co2"] = R(d.Upper is { } u ? NetworkInputs.MegatonnesPerYear(u.TwhPerYear, g) : null, 3);
            }
            return row;
        }).ToList();
        var methodName = method == CbeciMethod.V14 ? "v1.4" : "2021";
        switch (format)
        {
            case OutputFormat.Json:
                writer.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["method"] = methodName,
                    ["basket"] = new Dictionary<string, object> { ["source"] = basket, ["models"] = basketSize },
                    ["pue"] = new Dictionary<string, double> { ["lower"] = NetworkModel.LowerPue, ["best"] = NetworkModel.BestPue, ["upper"] = NetworkModel.UpperPue },
                    ["hours_per_year"] = NetworkModel.HoursPerYear,
                    ["days"] = rows,
                }, Indented));
                break;
            case OutputFormat.Csv:
                WriteCsv(writer, [.. rows[0].Keys], rows);
                break;
            default:
                var headers = new List<string> { "date", "hash rate", "threshold (14-day)", "models", "lower TWh", "best guess TWh", "upper TWh" };
                if (intensity is not null) headers.Add("best Mt CO2");
                var table = NewTable([.. headers]);
                foreach (var (d, row) in days.Zip(rows))
                {
                    var cells = new List<string>
                    {
                        (string)row["date"]!, string.Create(Inv, $"{d.HashrateThs / 1e6:0.##} EH/s"), string.Create(Inv, $"{d.SmoothedThresholdJPerTh:0.##} J/TH"),
                        d.CarriedForward ? "0 (carried)" : d.ProfitableModels.ToString(Inv), T(d.Lower), T(d.BestGuess), T(d.Upper),
                    };
                    if (intensity is not null) cells.Add(string.Create(Inv, $"{row["best_mt_co2"]:0.##}"));
                    table.AddRow([.. cells]);
                }
                Write(writer, table);
                writer.WriteLine($"CBECI method {methodName}, basket: {basket} ({basketSize} models); PUE 1.01 / 1.10 / 1.20; {NetworkModel.HoursPerYear:0} h a year"
                    + (intensity is { } gi ? string.Create(Inv, $"; {gi:0.#} gCO2/kWh from the hash-rate shares") : ""));
                break;
        }
    }

    private static string T(NetworkBound? b) => b is null ? "" : string.Create(Inv, $"{b.TwhPerYear:0.##}");

    private static double? R(double? v, int digits) => v is { } x ? Math.Round(x, digits) : null;

    private static Table NewTable(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var c in columns) table.AddColumn(c);
        return table;
    }

    private static void Write(TextWriter writer, Table table)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 160;
        console.Write(table);
    }

    private static void WriteCsv(TextWriter writer, IReadOnlyList<string> columns, IEnumerable<Dictionary<string, object?>> rows)
    {
        var any = false;
        using (var csv = Sep.New(',').Writer(o => o with { Escape = true }).To(writer, leaveOpen: true))
        {
            foreach (var row in rows)
            {
                any = true;
                using var r = csv.NewRow();
                foreach (var c in columns) r[c].Set(Cell(row.GetValueOrDefault(c)));
            }
        }
        // Sep writes the header with the first row: with no rows the file still names its columns, so a program
        // reading it finds an empty table rather than an empty file.
        if (!any) writer.WriteLine(string.Join(',', columns));
    }

    private static string Cell(object? v) => v switch
    {
        null => "",
        double d => d.ToString("R", Inv),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, Inv),
        _ => v.ToString() ?? "",
    };
}
