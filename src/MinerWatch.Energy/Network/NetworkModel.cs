namespace MinerWatch.Energy.Network;

/// <summary>Which published version of the CBECI method to follow.</summary>
public enum CbeciMethod
{
    /// <summary>The 2021 method: every model released before the day and below the threshold counts; best guess is their plain mean.</summary>
    V2021,
    /// <summary>v1.4 (2023): models count from two months after release, weighted 1, 0.8, 0.6, 0.4, 0.2 by years in service, dropped after five.</summary>
    V14,
}

/// <summary>One day of network inputs: hash rate in TH/s, miners' revenue in USD (subsidy and fees), electricity price in USD/kWh.</summary>
public sealed record NetworkDay(DateOnly Date, double HashrateThs, double RevenueUsd, double PriceUsdPerKwh);

/// <summary>One bound of the estimate: the efficiency it rests on (J/TH), the PUE applied, the power and the annualised energy.</summary>
public sealed record NetworkBound(double JoulesPerTh, double Pue, double Gw, double TwhPerYear);

/// <summary>The estimate for one day. Bounds are null only when no model has ever been profitable up to that day.</summary>
public sealed record NetworkEstimate
{
    public required DateOnly Date { get; init; }
    public required double HashrateThs { get; init; }
    public required double RevenueUsd { get; init; }
    public required double PriceUsdPerKwh { get; init; }
    /// <summary>The day's own threshold, J/TH.</summary>
    public required double ThresholdJPerTh { get; init; }
    /// <summary>The threshold averaged over the trailing smoothing window, J/TH: the one models are compared with.</summary>
    public required double SmoothedThresholdJPerTh { get; init; }
    public required int ProfitableModels { get; init; }
    /// <summary>True when no model was profitable that day and the previous day's estimate was carried forward.</summary>
    public required bool CarriedForward { get; init; }
    public NetworkBound? Lower { get; init; }
    public NetworkBound? BestGuess { get; init; }
    public NetworkBound? Upper { get; init; }
}

/// <summary>
/// The Cambridge Bitcoin Electricity Consumption Index (CBECI) model: a profitability threshold from revenue, hash rate
/// and electricity price; the models below it bound the network's efficiency; times the hash rate and a PUE, the power.
/// Stateless and thread-safe. Formulas and sources: docs/energy-model.md.
/// </summary>
public static class NetworkModel
{
    public const double LowerPue = 1.01;
    public const double BestPue = 1.10;
    public const double UpperPue = 1.20;
    public const double HoursPerYear = 8766;
    public const double DefaultPriceUsdPerKwh = 0.05;
    public const int ThresholdWindowDays = 14;
    /// <summary>CBECI's published daily figures are trailing 7-day means of the daily estimates.</summary>
    public const int DefaultOutputWindowDays = 7;
    /// <summary>v1.4 ends a model's service five 365-day years after release (157,680,000 s).</summary>
    private static readonly TimeSpan V14Service = TimeSpan.FromSeconds(157_680_000);

    /// <summary>The break-even efficiency in J/TH: revenue per TH (USD) over the price of a joule (USD).</summary>
    public static double Threshold(double revenueUsdPerDay, double hashrateThs, double priceUsdPerKwh) =>
        revenueUsdPerDay / (hashrateThs * 86400) / (priceUsdPerKwh / 3.6e6);

    /// <summary>Power in GW for a hash rate (TH/s) at an efficiency (J/TH) and PUE.</summary>
    public static double Gigawatts(double hashrateThs, double joulesPerTh, double pue) => hashrateThs * joulesPerTh * pue / 1e9;

    /// <summary>
    /// Why a hash rate (TH/s) cannot be real, or null: above what all the world's electricity
    /// (<see cref="PhysicalLimits.WorldPowerKw"/>) could run at <paramref name="floorJPerTh"/>, the lowest efficiency a
    /// real miner can have. No check when the floor is not positive.
    /// </summary>
    public static string? TooFast(double hashrateThs, double floorJPerTh)
    {
        if (!(floorJPerTh > 0)) return null;
        var max = PhysicalLimits.WorldPowerKw * 1000 / floorJPerTh;
        return hashrateThs <= max ? null : string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"TH/s is more than all the world's electricity (about {PhysicalLimits.WorldElectricityTwhPerYear:N0} TWh a year) could run even at {floorJPerTh:0.##} J/TH, half the best shipped miner: at most {max:0.###e+0} TH/s; check the figure and its unit");
    }

    public static NetworkBound Bound(double hashrateThs, double joulesPerTh, double pue)
    {
        var gw = Gigawatts(hashrateThs, joulesPerTh, pue);
        return new NetworkBound(joulesPerTh, pue, gw, gw * HoursPerYear / 1000);
    }

    /// <summary>
    /// Estimates every day of <paramref name="days"/> (sorted by date, one row a day; gaps allowed). The threshold is
    /// averaged over the rows of the trailing <see cref="ThresholdWindowDays"/> calendar days, then each day's bounds are
    /// averaged over the trailing <paramref name="outputWindowDays"/> calendar days (1 = no averaging).
    /// </summary>
    public static IReadOnlyList<NetworkEstimate> Estimate(IReadOnlyList<NetworkDay> days, IReadOnlyList<BasketMiner> basket, CbeciMethod method, int outputWindowDays = DefaultOutputWindowDays)
    {
        if (outputWindowDays < 1) throw new EnergyInputException($"the output averaging window must be at least 1 day, not {outputWindowDays}");
        for (var i = 1; i < days.Count; i++)
        {
            if (days[i].Date <= days[i - 1].Date)
                throw new EnergyInputException($"network days must be in increasing date order without repeats ({days[i - 1].Date:yyyy-MM-dd} then {days[i].Date:yyyy-MM-dd})");
        }
        var thresholds = days.Select(d => Threshold(d.RevenueUsd, d.HashrateThs, d.PriceUsdPerKwh)).ToArray();
        for (var i = 0; i < days.Count; i++)
        {
            // An infinite threshold would make every model profitable and could not be written out.
            if (!double.IsFinite(thresholds[i]))
                throw new EnergyInputException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{days[i].Date:yyyy-MM-dd}: revenue {days[i].RevenueUsd} USD for {days[i].HashrateThs} TH/s at {days[i].PriceUsdPerKwh} USD/kWh gives a break-even efficiency too large to compute: check the three figures and their units"));
        }
        var daily = new List<NetworkEstimate>(days.Count);
        NetworkEstimate? previous = null;
        for (var i = 0; i < days.Count; i++)
        {
            var d = days[i];
            var smoothed = TrailingMean(days, thresholds, i, ThresholdWindowDays);
            var set = Profitable(basket, d.Date, smoothed, method);
            NetworkEstimate estimate;
            if (set.Count == 0)
            {
                // CBECI's assumption: with no profitable model the network keeps the previous day's efficiency bounds.
                estimate = new NetworkEstimate
                {
                    Date = d.Date,
                    HashrateThs = d.HashrateThs,
                    RevenueUsd = d.RevenueUsd,
                    PriceUsdPerKwh = d.PriceUsdPerKwh,
                    ThresholdJPerTh = thresholds[i],
                    SmoothedThresholdJPerTh = smoothed,
                    ProfitableModels = 0,
                    CarriedForward = true,
                    Lower = previous?.Lower is { } l ? Bound(d.HashrateThs, l.JoulesPerTh, LowerPue) : null,
                    BestGuess = previous?.BestGuess is { } b ? Bound(d.HashrateThs, b.JoulesPerTh, BestPue) : null,
                    Upper = previous?.Upper is { } u ? Bound(d.HashrateThs, u.JoulesPerTh, UpperPue) : null,
                };
            }
            else
            {
                var best = set.Sum(p => p.Miner.JoulesPerTh * p.Weight) / set.Sum(p => p.Weight);
                estimate = new NetworkEstimate
                {
                    Date = d.Date,
                    HashrateThs = d.HashrateThs,
                    RevenueUsd = d.RevenueUsd,
                    PriceUsdPerKwh = d.PriceUsdPerKwh,
                    ThresholdJPerTh = thresholds[i],
                    SmoothedThresholdJPerTh = smoothed,
                    ProfitableModels = set.Count,
                    CarriedForward = false,
                    Lower = Bound(d.HashrateThs, set.Min(p => p.Miner.JoulesPerTh), LowerPue),
                    BestGuess = Bound(d.HashrateThs, best, BestPue),
                    Upper = Bound(d.HashrateThs, set.Max(p => p.Miner.JoulesPerTh), UpperPue),
                };
            }
            CheckFinite(estimate);
            daily.Add(estimate);
            previous = estimate;
        }
        if (outputWindowDays == 1) return daily;
        var averaged = new List<NetworkEstimate>(daily.Count);
        for (var i = 0; i < daily.Count; i++)
        {
            var estimate = daily[i] with
            {
                Lower = AverageBound(daily, i, outputWindowDays, e => e.Lower),
                BestGuess = AverageBound(daily, i, outputWindowDays, e => e.BestGuess),
                Upper = AverageBound(daily, i, outputWindowDays, e => e.Upper),
            };
            CheckFinite(estimate);
            averaged.Add(estimate);
        }
        return averaged;
    }

    /// <summary>Infinite results are bad input, refused before anything is written (JSON cannot hold them).</summary>
    private static void CheckFinite(NetworkEstimate e)
    {
        if (!double.IsFinite(e.SmoothedThresholdJPerTh))
            throw new EnergyInputException($"{e.Date:yyyy-MM-dd}: the 14-day mean of the break-even efficiency is too large to compute: check the revenue, hash rate and price");
        foreach (var b in new[] { e.Lower, e.BestGuess, e.Upper })
        {
            if (b is not null && !(double.IsFinite(b.JoulesPerTh) && double.IsFinite(b.Gw) && double.IsFinite(b.TwhPerYear)))
                throw new EnergyInputException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{e.Date:yyyy-MM-dd}: {e.HashrateThs} TH/s at {b.JoulesPerTh} J/TH is a power too large to compute: check the hash rate and the basket's efficiencies"));
        }
    }

    /// <summary>The models counted on <paramref name="day"/> and their weights (1 for every model under the 2021 method).</summary>
    public static IReadOnlyList<(BasketMiner Miner, double Weight)> Profitable(IReadOnlyList<BasketMiner> basket, DateOnly day, double threshold, CbeciMethod method)
    {
        var t = new DateTimeOffset(day, TimeOnly.MinValue, TimeSpan.Zero);
        var set = new List<(BasketMiner, double)>();
        foreach (var m in basket)
        {
            if (!(m.Release < t) || !(m.JoulesPerTh < threshold)) continue;
            if (method == CbeciMethod.V2021)
            {
                set.Add((m, 1));
                continue;
            }
            if (t >= m.Release + V14Service) continue;
            var weight = V14Weight(m.Release, day);
            if (weight > 0) set.Add((m, weight));
        }
        return set;
    }

    /// <summary>
    /// v1.4's weight: whole calendar months since release plus two months decide the year in service; 1 in the first
    /// year, then 0.8, 0.6, 0.4, 0.2, and 0 before it counts or after five years.
    /// </summary>
    public static double V14Weight(DateTimeOffset release, DateOnly day)
    {
        var counted = release.UtcDateTime.AddMonths(2);
        var months = (day.Year - counted.Year) * 12 + (day.Month - counted.Month);
        return months switch
        {
            < 0 => 0,
            < 12 => 1,
            < 24 => 0.8,
            < 36 => 0.6,
            < 48 => 0.4,
            < 60 => 0.2,
            _ => 0,
        };
    }

    // Windows are compared as day numbers: a window longer than the calendar (int.MaxValue days) must not overflow.
    private static bool Within(DateOnly day, DateOnly end, int windowDays) => (long)end.DayNumber - day.DayNumber < windowDays;

    private static double TrailingMean(IReadOnlyList<NetworkDay> days, double[] values, int i, int windowDays)
    {
        double sum = 0;
        var n = 0;
        for (var k = i; k >= 0 && Within(days[k].Date, days[i].Date, windowDays); k--)
        {
            sum += values[k];
            n++;
        }
        return sum / n;
    }

    private static NetworkBound? AverageBound(List<NetworkEstimate> daily, int i, int windowDays, Func<NetworkEstimate, NetworkBound?> pick)
    {
        double eff = 0, gw = 0;
        var n = 0;
        NetworkBound? any = null;
        for (var k = i; k >= 0 && Within(daily[k].Date, daily[i].Date, windowDays); k--)
        {
            if (pick(daily[k]) is not { } b) continue;
            any = b;
            eff += b.JoulesPerTh;
            gw += b.Gw;
            n++;
        }
        if (any is null) return null;
        return new NetworkBound(eff / n, any.Pue, gw / n, gw / n * HoursPerYear / 1000);
    }
}
