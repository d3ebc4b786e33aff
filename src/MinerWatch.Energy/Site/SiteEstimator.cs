using System.Globalization;
using MinerWatch.Energy.Catalog;
using MinerWatch.Energy.Emissions;

namespace MinerWatch.Energy.Site;

/// <summary>What is known about a mining site. Give either <see cref="MinerCount"/> with <see cref="Model"/>, or
/// <see cref="Kw"/>, or <see cref="Kwh"/>; <see cref="MinerCount"/> with <see cref="Kwh"/> (and no model) asks which
/// models fit a reported case.</summary>
public sealed record SiteRequest
{
    public string Algorithm { get; init; } = "SHA-256";
    /// <summary>When mining started; decides which models were available. Defaults to the day of the estimate.</summary>
    public DateOnly? Onset { get; init; }
    /// <summary>
    /// True for an estimate a person asks for: an onset before every catalog model of the algorithm is refused. False
    /// (the grid scan) takes the first models, as a meter's rise may predate the catalog.
    /// </summary>
    public bool RefuseOnsetBeforeCatalog { get; init; }
    public int? MinerCount { get; init; }
    public Miner? Model { get; init; }
    public double? Kw { get; init; }
    public double? Kwh { get; init; }
    /// <summary>Hours of mining; may be omitted when both <see cref="Kw"/>-like power and energy are known or a period is given.</summary>
    public double? Hours { get; init; }
    /// <summary>Length of the period examined, in hours: mining hours cannot exceed it.</summary>
    public double? PeriodHours { get; init; }
    /// <summary>Revenue per TH/s (per display unit of the algorithm) per day, USD.</summary>
    public double? HashpriceUsdPerUnitDay { get; init; }
    public required EmissionFactor EmissionFactor { get; init; }
    /// <summary>The normal electricity price per kWh (what unbilled energy is back-billed at).</summary>
    public double? TariffPerKwh { get; init; }
    /// <summary>The punitive surcharge per kWh for mining, on top of the tariff.</summary>
    public double? SurchargePerKwh { get; init; }
    public string Currency { get; init; } = "CNY";
    public DateOnly Today { get; init; } = DateOnly.FromDateTime(DateTime.UtcNow);
}

/// <summary>A low-high range with the models at each end.</summary>
public sealed record Range(double Low, double High, string LowBasis, string HighBasis);

/// <summary>The money a site owes for the energy: back-billing at the tariff, the mining surcharge, and their sum.</summary>
public sealed record MoneyOwed(string Currency, double? AtTariff, double? Surcharge, double Total, double? TariffPerKwh, double? SurchargePerKwh);

/// <summary>One catalog model judged against a reported case: the share of time it would have to run to use the energy.</summary>
public sealed record ModelFit(string Model, double PowerKw, double Duty, bool Consistent);

public sealed record SiteEstimate
{
    public required string Algorithm { get; init; }
    public required double PowerKw { get; init; }
    public required double Hours { get; init; }
    public required double EnergyKwh { get; init; }
    /// <summary>Machines: exact when the count was given; otherwise from all of the largest to all of the smallest plausible model.</summary>
    public required Range Miners { get; init; }
    /// <summary>Hash rate in hashes per second.</summary>
    public required Range HashrateHs { get; init; }
    public Range? RevenueUsd { get; init; }
    public required double Co2Tonnes { get; init; }
    public required EmissionFactor EmissionFactor { get; init; }
    public MoneyOwed? Owed { get; init; }
    public required IReadOnlyList<string> PlausibleModels { get; init; }
    /// <summary>When a count and an energy were both given: each model's implied duty cycle.</summary>
    public IReadOnlyList<ModelFit>? Fits { get; init; }
    public double? KwPerMachine { get; init; }
}

/// <summary>
/// Turns what is known about a mining site (machines, or metered power or energy) into power, energy, machines, hash
/// rate, revenue, CO2 and money owed. The grid scan uses the same code for its suspects. Stateless and thread-safe.
/// </summary>
public sealed class SiteEstimator(MinerCatalog catalog)
{
    /// <summary>A model may draw a few per cent over its nameplate (firmware, heat); more than this is not that model.</summary>
    public const double NameplateTolerance = 1.05;

    public MinerCatalog Catalog { get; } = catalog;

    public SiteEstimate Estimate(SiteRequest r)
    {
        var inv = CultureInfo.InvariantCulture;
        Check(r.Kw, "power (kW)");
        Check(r.Kwh, "energy (kWh)");
        Check(r.Hours, "hours");
        Check(r.PeriodHours, "period (hours)");
        Check(r.HashpriceUsdPerUnitDay, "hash price", allowZero: true);
        Check(r.TariffPerKwh, "tariff", allowZero: true);
        Check(r.SurchargePerKwh, "surcharge", allowZero: true);
        if (r.MinerCount is { } n && n <= 0) throw new EnergyInputException($"miner count {n} must be at least 1");
        if (r.Hours is { } h0 && r.PeriodHours is { } p0 && h0 > p0 + 1e-9)
            throw new EnergyInputException(string.Create(inv, $"{h0:0.##} hours of mining is more than the {p0:0.##} hours of the period"));

        var onset = r.Onset ?? r.Today;
        if (r.RefuseOnsetBeforeCatalog && r.Model is null && !Catalog.Filter(r.Algorithm, onset).Any() && Catalog.Filter(r.Algorithm).MinBy(m => m.Release) is { } firstModel)
            throw new EnergyInputException(string.Create(inv,
                $"no {firstModel.Algorithm} miner in the catalog was on the market by {onset:yyyy-MM-dd} (the first, {firstModel.Model}, dates from {firstModel.Release:yyyy-MM-dd}){(onset < PhysicalLimits.FirstBlock ? ", and Bitcoin's first block is of 2009-01-03" : "")}: check the onset, or add older machines with a catalog file"));
        var plausible = r.Model is { } given ? [given] : Catalog.PlausibleAt(r.Algorithm, onset);
        var algorithm = r.Model?.Algorithm ?? plausible[0].Algorithm;
        var (power, hours) = PowerAndHours(r);
        if (r.PeriodHours is { } period && hours > period + 1e-9)
            throw new EnergyInputException(string.Create(inv, $"{r.Kwh:0.##} kWh at {power:0.##} kW takes {hours:0.##} hours, more than the {period:0.##} hours of the period"));
        if (!(power <= PhysicalLimits.WorldPowerKw))
            throw new EnergyInputException(string.Create(inv,
                $"a power of {power:0.###e+0} kW is more than all the world's electricity (about {PhysicalLimits.WorldPowerKw:0.#e+0} kW, {PhysicalLimits.WorldElectricityTwhPerYear:N0} TWh a year): check the figures and their units"));
        var longest = PhysicalLimits.HoursSinceFirstBlock(r.Today);
        if (!(hours <= longest))
            throw new EnergyInputException(string.Create(inv,
                $"{hours:0.###e+0} hours of mining is more than the {longest:N0} hours since Bitcoin's first block (2009-01-03): check the figures and their units"));
        var energy = power * hours;

        Range miners;
        List<ModelFit>? fits = null;
        double? perMachine = null;
        if (r.MinerCount is { } count)
        {
            miners = new Range(count, count, r.Model?.Model ?? "given", r.Model?.Model ?? "given");
            if (r.Model is null)
            {
                perMachine = power / count;
                fits = [.. plausible.Concat(Catalog.Filter(null, onset).Where(m => !plausible.Contains(m)))
                    .Select(m => new ModelFit(m.Model, m.PowerKw, perMachine.Value / m.PowerKw, perMachine.Value / m.PowerKw <= NameplateTolerance))
                    .OrderBy(f => Math.Abs(1 - f.Duty))];
            }
        }
        else
        {
            var big = plausible.MaxBy(m => m.PowerKw)!;
            var small = plausible.MinBy(m => m.PowerKw)!;
            miners = new Range(Math.Max(1, Math.Round(power / big.PowerKw)), Math.Max(1, Math.Round(power / small.PowerKw)), big.Model, small.Model);
        }

        Range hashrate;
        if (r.Model is { } model && r.MinerCount is { } c2)
        {
            // The given machines at the measured (or nameplate) power: scale their hash rate by the power actually drawn.
            var h = c2 * model.HashesPerSecond * Math.Min(1, power / (c2 * model.PowerKw));
            hashrate = new Range(h, h, model.Model, model.Model);
        }
        else
        {
            var worst = plausible.MaxBy(m => m.JoulesPerHash)!;
            var best = plausible.MinBy(m => m.JoulesPerHash)!;
            hashrate = new Range(power * 1000 / worst.JoulesPerHash, power * 1000 / best.JoulesPerHash, worst.Model, best.Model);
        }

        Range? revenue = null;
        if (r.HashpriceUsdPerUnitDay is { } price)
        {
            var unit = HashUnit.ScaleOf(HashUnit.DisplayUnit(algorithm));
            revenue = new Range(hashrate.Low / unit * price * hours / 24, hashrate.High / unit * price * hours / 24, hashrate.LowBasis, hashrate.HighBasis);
        }

        MoneyOwed? owed = null;
        if (r.TariffPerKwh is not null || r.SurchargePerKwh is not null)
        {
            var atTariff = energy * r.TariffPerKwh;
            var surcharge = energy * r.SurchargePerKwh;
            owed = new MoneyOwed(r.Currency, atTariff, surcharge, (atTariff ?? 0) + (surcharge ?? 0), r.TariffPerKwh, r.SurchargePerKwh);
        }

        Finite(energy, "energy", string.Create(inv, $"the power ({power} kW) and hours ({hours})"));
        Finite(hashrate.High, "hash rate", string.Create(inv, $"the power ({power} kW)"));
        if (revenue is not null) Finite(revenue.High, "revenue", string.Create(inv, $"the hash price ({r.HashpriceUsdPerUnitDay} USD per unit a day)"));
        Finite(r.EmissionFactor.Tonnes(energy), "CO2", string.Create(inv, $"the emission factor ({r.EmissionFactor.GramsPerKwh} g/kWh)"));
        if (owed is not null)
        {
            if (owed.AtTariff is { } t) Finite(t, "back-bill", string.Create(inv, $"the tariff ({r.TariffPerKwh} per kWh, over {energy:N0} kWh)"));
            if (owed.Surcharge is { } sc) Finite(sc, "surcharge", string.Create(inv, $"the surcharge ({r.SurchargePerKwh} per kWh, over {energy:N0} kWh)"));
            Finite(owed.Total, "total owed", "the tariff and surcharge");
        }

        return new SiteEstimate
        {
            Algorithm = algorithm,
            PowerKw = power,
            Hours = hours,
            EnergyKwh = energy,
            Miners = miners,
            HashrateHs = hashrate,
            RevenueUsd = revenue,
            Co2Tonnes = r.EmissionFactor.Tonnes(energy),
            EmissionFactor = r.EmissionFactor,
            Owed = owed,
            PlausibleModels = [.. plausible.Select(m => m.Model)],
            Fits = fits,
            KwPerMachine = perMachine,
        };
    }

    private static (double Power, double Hours) PowerAndHours(SiteRequest r)
    {
        if (r.MinerCount is { } count && r.Model is { } model)
        {
            if (r.Kw is not null) throw new EnergyInputException("give either a miner count with a model, or a power in kW, not both");
            var hours = r.Hours ?? (r.Kwh is { } e0 ? e0 / (count * model.PowerKw) : r.PeriodHours)
                ?? throw new EnergyInputException("say how long the miners ran: hours, or a period");
            return r.Kwh is { } e ? (e / hours, hours) : (count * model.PowerKw, hours);
        }
        if (r.Kw is { } kw)
        {
            if (r.Kwh is { } e)
            {
                // All three given: one of them must not silently override another.
                if (r.Hours is { } h && Math.Abs(kw * h - e) > 0.01 * e)
                    throw new EnergyInputException(string.Create(CultureInfo.InvariantCulture,
                        $"power, energy and hours disagree: {kw:0.###} kW for {h:0.###} hours is {kw * h:0.###} kWh, not {e:0.###}; give two of the three"));
                return (kw, e / kw);
            }
            var hours = r.Hours ?? r.PeriodHours ?? throw new EnergyInputException("say how long the load ran: hours, or a period");
            return (kw, hours);
        }
        if (r.Kwh is { } kwh)
        {
            var hours = r.Hours ?? r.PeriodHours ?? throw new EnergyInputException("with an energy in kWh, say over how many hours (or a period)");
            return (kwh / hours, hours);
        }
        throw new EnergyInputException(r.MinerCount is not null
            ? "a miner count needs a model, or an energy in kWh to judge which models fit"
            : "give a miner count and model, a power in kW, or an energy in kWh");
    }

    /// <summary>A result too large for a number is bad input: refused before anything is written (JSON cannot hold it).</summary>
    private static void Finite(double value, string what, string inputs)
    {
        if (!double.IsFinite(value))
            throw new EnergyInputException($"the {what} is too large to compute: check {inputs}");
    }

    private static void Check(double? value, string what, bool allowZero = false)
    {
        if (value is not { } v) return;
        if (!double.IsFinite(v) || v < 0 || (!allowZero && v == 0))
            throw new EnergyInputException(string.Create(CultureInfo.InvariantCulture, $"{what} {v} is impossible: it must be {(allowZero ? "0 or more" : "greater than 0")}"));
    }
}
