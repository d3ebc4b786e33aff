using System.CommandLine;
using System.Globalization;
using MinerWatch.Energy;
using MinerWatch.Energy.Catalog;
using MinerWatch.Energy.Coins;
using MinerWatch.Energy.Emissions;
using MinerWatch.Energy.Network;
using MinerWatch.Energy.Site;

namespace MinerWatch.Cli;

/// <summary><c>minerwatch energy miners|site|network</c>: the miner catalog, one site's cost, a whole network's energy.</summary>
public static class EnergyCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("energy", "Energy, carbon and cost: the miner catalog, a mining site's estimate, a network's consumption (CBECI method)");
        command.Subcommands.Add(Miners(console));
        command.Subcommands.Add(Site(console));
        command.Subcommands.Add(Network(console));
        return command;
    }

    private static Option<FileInfo> CatalogOption() =>
        CommonOptions.ExistingFile("--catalog", "Add (or replace by model name) miners from this CSV, in the bundled catalog's layout", required: false);

    // User rows are checked against the bundled catalog: its best model sets the floor no real machine goes below.
    private static MinerCatalog LoadCatalog(FileInfo? file) =>
        file is null ? MinerCatalog.Bundled : MinerCatalog.Bundled.With(MinerCatalog.ReadFile(file.FullName, MinerCatalog.Bundled));

    private static Command Miners(CliConsole console)
    {
        var algorithm = new Option<string?>("--algorithm") { Description = "Only this algorithm (SHA-256, Ethash, RandomX)" };
        var releasedBy = new Option<DateOnly?>("--released-by") { Description = "Only models released on or before this date (YYYY-MM-DD)" };
        var releasedFrom = new Option<DateOnly?>("--released-from") { Description = "Only models released on or after this date (YYYY-MM-DD)" };
        var catalog = CatalogOption();
        var format = CommonOptions.Format();
        var output = CommonOptions.Out();
        var command = new Command("miners", "List the miner catalog: model, algorithm, hash rate, power, efficiency, release date and source")
        {
            algorithm, releasedBy, releasedFrom, catalog, format, output,
        };
        command.SetAction(parse =>
        {
            var cat = LoadCatalog(parse.GetValue(catalog));
            var algo = parse.GetValue(algorithm);
            if (algo is not null && !cat.Algorithms.Contains(algo, StringComparer.OrdinalIgnoreCase))
                throw new UsageException($"--algorithm '{algo}' is not in the catalog; it has {string.Join(", ", cat.Algorithms)}");
            var from = parse.GetValue(releasedFrom);
            var rows = cat.Filter(algo, parse.GetValue(releasedBy)).Where(m => from is null || m.Release >= from).ToList();
            using var writer = CommonOptions.OpenOutput(parse.GetValue(output), console);
            EnergyOutput.RenderMiners(rows, parse.GetValue(format), writer);
            return Cli.Ok;
        });
        return command;
    }

    private static Command Site(CliConsole console)
    {
        var count = new Option<int?>("--count") { Description = "Number of machines seized or counted" };
        var model = new Option<string?>("--model") { Description = "Their model, as in 'minerwatch energy miners'" };
        var kw = new Option<double?>("--kw") { Description = "Metered or estimated mining power, kW" };
        var kwh = new Option<double?>("--kwh") { Description = "Metered or estimated mining energy, kWh" };
        var hours = new Option<double?>("--hours") { Description = "Hours the miners ran" };
        var from = new Option<DateOnly?>("--from") { Description = "Start of the period examined (also the onset unless --onset is given)" };
        var to = new Option<DateOnly?>("--to") { Description = "End of the period examined (exclusive); hours default to the whole period" };
        var onset = new Option<DateOnly?>("--onset") { Description = "When mining started: decides which models were on the market (default: --from, else today)" };
        var algorithm = new Option<string>("--algorithm") { Description = "Algorithm of the miners when no model is given", DefaultValueFactory = _ => "SHA-256" };
        var hashprice = new Option<double?>("--hashprice") { Description = "Revenue in USD per TH/s per day (per MH/s for Ethash, per H/s for RandomX)" };
        var btcPrice = new Option<double?>("--btc-price") { Description = "Bitcoin price, USD (with --difficulty, instead of --hashprice)" };
        var difficulty = new Option<double?>("--difficulty") { Description = "Bitcoin network difficulty (with --btc-price)" };
        var fees = new Option<double>("--fees-btc") { Description = "Mean transaction fees per block, BTC (with --btc-price)", DefaultValueFactory = _ => 0 };
        var grid = new Option<string?>("--grid") { Description = "Grid for the emission factor and any mining surcharge: a code such as CN, CN-SC, KZ, US (default: world average)" };
        var factor = new Option<double?>("--emission-factor") { Description = "Grid emission factor, gCO2/kWh (overrides --grid's)" };
        var tariff = new Option<double?>("--tariff") { Description = "Normal electricity price per kWh, for back-billing unbilled energy" };
        var surcharge = new Option<double?>("--surcharge") { Description = "Punitive mining surcharge per kWh (default: the bundled provincial rate of --grid, if any)" };
        var currency = new Option<string>("--currency") { Description = "Currency of --tariff and --surcharge", DefaultValueFactory = _ => "CNY" };
        var catalog = CatalogOption();
        var format = CommonOptions.Format();
        var output = CommonOptions.Out();
        var command = new Command("site", "Estimate one mining site: power, energy, machines, hash rate, revenue, CO2 and money owed")
        {
            count, model, kw, kwh, hours, from, to, onset, algorithm, hashprice, btcPrice, difficulty, fees, grid, factor, tariff, surcharge, currency, catalog, format, output,
        };
        command.SetAction(parse =>
        {
            var cat = LoadCatalog(parse.GetValue(catalog));
            var (start, end) = (parse.GetValue(from), parse.GetValue(to));
            if (start is not null && end is not null && end <= start) throw new UsageException("--to must be after --from");
            double? period = start is { } s && end is { } e ? (e.DayNumber - s.DayNumber) * 24.0 : null;
            var onsetDay = parse.GetValue(onset) ?? start;
            var gridCode = parse.GetValue(grid);
            EmissionFactor emission;
            if (parse.GetValue(factor) is { } g) emission = EmissionFactors.UserFactor(g);
            else if (gridCode is null) emission = EmissionFactors.Bundled.ForRegion(null);
            else emission = EmissionFactors.Bundled.ForCode(gridCode) ?? throw new UsageException($"--grid '{gridCode}' has no bundled emission factor; known: {string.Join(", ", EmissionFactors.Bundled.Rows.Select(r => r.Code).Distinct())} (or give --emission-factor)");
            var bundledSurcharge = MiningSurcharges.Bundled.ForRegion(gridCode);
            var modelName = parse.GetValue(model);
            var request = new SiteRequest
            {
                Algorithm = parse.GetRequiredValue(algorithm),
                Onset = onsetDay,
                RefuseOnsetBeforeCatalog = true,
                MinerCount = parse.GetValue(count),
                Model = modelName is null ? null : cat.Find(modelName),
                Kw = parse.GetValue(kw),
                Kwh = parse.GetValue(kwh),
                Hours = parse.GetValue(hours),
                PeriodHours = period,
                HashpriceUsdPerUnitDay = Hashprice(parse.GetValue(hashprice), parse.GetValue(btcPrice), parse.GetValue(difficulty), parse.GetValue(fees), onsetDay),
                EmissionFactor = emission,
                TariffPerKwh = parse.GetValue(tariff),
                SurchargePerKwh = parse.GetValue(surcharge) ?? bundledSurcharge?.PerKwh,
                Currency = parse.GetValue(surcharge) is null && bundledSurcharge is not null ? bundledSurcharge.Currency : parse.GetRequiredValue(currency),
            };
            if (request.Algorithm != "SHA-256" && request.Model is null && !cat.Algorithms.Contains(request.Algorithm, StringComparer.OrdinalIgnoreCase))
                throw new UsageException($"--algorithm '{request.Algorithm}' is not in the catalog; it has {string.Join(", ", cat.Algorithms)}");
            var estimate = new SiteEstimator(cat).Estimate(request);
            using var writer = CommonOptions.OpenOutput(parse.GetValue(output), console);
            EnergyOutput.RenderSite(estimate, bundledSurcharge is not null && parse.GetValue(surcharge) is null ? bundledSurcharge : null, parse.GetValue(format), writer);
            return Cli.Ok;
        });
        return command;
    }

    private static double? Hashprice(double? hashprice, double? btcPrice, double? difficulty, double fees, DateOnly? day)
    {
        if (hashprice is not null && (btcPrice is not null || difficulty is not null))
            throw new UsageException("give either --hashprice or --btc-price with --difficulty, not both");
        if (hashprice is { } hp)
            return hp >= 0 && double.IsFinite(hp) ? hp : throw new EnergyInputException($"hash price {hp} USD must be a number, 0 or more");
        if (btcPrice is null && difficulty is null) return null;
        if (btcPrice is not { } price || difficulty is not { } d) throw new UsageException("--btc-price and --difficulty go together");
        return BitcoinEconomics.HashpriceUsdPerThDay(day ?? DateOnly.FromDateTime(DateTime.UtcNow), d, price, fees);
    }

    private static Command Network(CliConsole console)
    {
        var date = new Option<DateOnly?>("--date") { Description = "Estimate this one day (with --hashrate-ehs and --revenue-usd, held constant over the smoothing window)" };
        var hashrateEhs = new Option<double?>("--hashrate-ehs") { Description = "Network hash rate, EH/s" };
        var revenueUsd = new Option<double?>("--revenue-usd") { Description = "Miners' revenue per day, USD (subsidy and fees)" };
        var series = CommonOptions.ExistingFile("--series", "Daily inputs: date,hashrate_ths,revenue_usd[,price_usd_kwh]", required: false);
        var price = new Option<double>("--price-usd-kwh") { Description = "Electricity price, USD/kWh", DefaultValueFactory = _ => NetworkModel.DefaultPriceUsdPerKwh };
        var method = new Option<string>("--method") { Description = "CBECI method version: 2021 or v1.4", DefaultValueFactory = _ => "2021" };
        method.AcceptOnlyFromAmong("2021", "v1.4");
        var miners = CommonOptions.ExistingFile("--miners", "Basket in CBECI's layout: Miner_name,UNIX_date_of_release,Efficiency_J_Gh (default: the catalog's SHA-256 models)", required: false);
        var catalog = CatalogOption();
        var shares = CommonOptions.ExistingFile("--shares", "Hash-rate shares by country for emissions: country,share_percent (the rest counts at the world average)", required: false);
        var window = new Option<int>("--average-days") { Description = "Average the daily bounds over this many trailing days, as CBECI's published figures are (1 = none; at most the series' length)", DefaultValueFactory = _ => NetworkModel.DefaultOutputWindowDays };
        var chart = new Option<FileInfo?>("--chart") { Description = "Also write an SVG chart of the bounds over time" };
        var format = CommonOptions.Format();
        var output = CommonOptions.Out();
        var command = new Command("network", "Estimate a proof-of-work network's power and annual energy by the CBECI method (lower bound, best guess, upper bound)")
        {
            date, hashrateEhs, revenueUsd, series, price, method, miners, catalog, shares, window, chart, format, output,
        };
        command.SetAction(parse =>
        {
            var defaultPrice = parse.GetValue(price);
            if (!(defaultPrice > 0)) throw new EnergyInputException($"electricity price {defaultPrice} USD/kWh must be greater than 0");
            if (!double.IsFinite(defaultPrice)) throw new EnergyInputException($"electricity price {defaultPrice} USD/kWh is not a finite number");
            var floor = MinerCatalog.Bundled.EfficiencyFloor("SHA-256", "TH/s");
            IReadOnlyList<NetworkDay> days;
            var single = false;
            if (parse.GetValue(series) is { } file)
            {
                if (parse.GetValue(date) is not null || parse.GetValue(hashrateEhs) is not null || parse.GetValue(revenueUsd) is not null)
                    throw new UsageException("give either --series or --date with --hashrate-ehs and --revenue-usd, not both");
                days = NetworkInputs.ReadSeries(file.FullName, defaultPrice, floor);
            }
            else
            {
                if (parse.GetValue(date) is not { } day || parse.GetValue(hashrateEhs) is not { } ehs || parse.GetValue(revenueUsd) is not { } revenue)
                    throw new UsageException("give --series FILE, or --date with --hashrate-ehs and --revenue-usd");
                if (!(ehs > 0)) throw new EnergyInputException($"hash rate {ehs} EH/s must be greater than 0");
                if (NetworkModel.TooFast(ehs * 1e6, floor) is { } why)
                    throw new EnergyInputException(string.Create(CultureInfo.InvariantCulture, $"hash rate {ehs} EH/s = {ehs * 1e6:0.###e+0} {why}"));
                if (!(revenue >= 0)) throw new EnergyInputException($"revenue {revenue} USD must not be negative");
                if (!double.IsFinite(revenue)) throw new EnergyInputException($"revenue {revenue} USD is not a finite number");
                if (!double.IsFinite(NetworkModel.Threshold(revenue, ehs * 1e6, defaultPrice)))
                    throw new EnergyInputException($"revenue {revenue} USD for {ehs} EH/s at {defaultPrice} USD/kWh gives a break-even efficiency too large to compute: check the three figures and their units");
                days = [.. Enumerable.Range(0, NetworkModel.ThresholdWindowDays).Select(k => new NetworkDay(day.AddDays(k - NetworkModel.ThresholdWindowDays + 1), ehs * 1e6, revenue, defaultPrice))];
                single = true;
            }
            // Checked here, not by a parse validator: a value that is not a number must reach the parser's own message.
            var averageDays = parse.GetValue(window);
            var span = days[^1].Date.DayNumber - days[0].Date.DayNumber + 1;
            if (averageDays < 1) throw new UsageException($"--average-days {averageDays} must be at least 1");
            if (parse.GetResult(window) is { Implicit: false } && averageDays > span)
                throw new UsageException(single
                    ? $"--average-days {averageDays} is longer than the {span} days a --date estimate holds its inputs over; give at most {span} (with constant inputs the window changes nothing)"
                    : $"--average-days {averageDays} is longer than the {span} days of the series; give at most {span} (a longer window averages the same days)");
            var cat = LoadCatalog(parse.GetValue(catalog));
            var basketFile = parse.GetValue(miners);
            var basket = basketFile is null ? MinerBasket.FromCatalog(cat) : MinerBasket.ReadCbeci(basketFile.FullName, MinerCatalog.Bundled);
            var cbeci = parse.GetRequiredValue(method) == "v1.4" ? CbeciMethod.V14 : CbeciMethod.V2021;
            var estimates = NetworkModel.Estimate(days, basket, cbeci, Math.Min(averageDays, span));
            if (single) estimates = [estimates[^1]];
            double? intensity = null;
            if (parse.GetValue(shares) is { } sharesFile)
            {
                var factors = EmissionFactors.Bundled;
                intensity = NetworkInputs.WeightedIntensity(NetworkInputs.ReadShares(sharesFile.FullName, factors), factors.ForCode("WORLD")!);
            }
            var basketName = basketFile is null ? "catalog SHA-256 models" : basketFile.Name;
            using (var writer = CommonOptions.OpenOutput(parse.GetValue(output), console))
                EnergyOutput.RenderNetwork(estimates, cbeci, basketName, basket.Count, intensity, parse.GetValue(format), writer);
            if (parse.GetValue(chart) is { } chartFile)
            {
                if (chartFile.Directory is { Exists: false } dir) dir.Create();
                using var svg = new StreamWriter(chartFile.FullName, false, new System.Text.UTF8Encoding(false));
                NetworkChart.Write(svg, estimates, $"Network electricity consumption, CBECI method {(cbeci == CbeciMethod.V14 ? "v1.4" : "2021")} ({basketName})");
                console.Error.WriteLine($"chart: {chartFile.FullName}");
            }
            return Cli.Ok;
        });
        return command;
    }
}
