using MinerWatch.Grid.Scan;

namespace MinerWatch.Application.Cases;

/// <summary>
/// What a case about a meter carries from the energy library: the mining load, the machines it implies, the energy,
/// CO2 and money since onset, stamped with the MinerWatch version that computed them (figures change with versions).
/// </summary>
public sealed record CaseEstimates(
    double? MiningKw, int? MachinesLow, int? MachinesHigh, string? MachinesBasis, DateOnly? Onset, double? KwhSinceOnset,
    double? Co2TonnesSinceOnset, double? EmissionFactorGPerKwh, double? BackBill, double? Surcharge, double? Owed, string? Currency,
    double? KwhPerYear, double? Co2TonnesPerYear, string ComputedBy)
{
    public static string Version { get; } = "MinerWatch " + (typeof(CaseEstimates).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown");

    public static CaseEstimates From(MeterFinding f) => new(
        f.MiningKw, f.ImpliedMiners?.Low, f.ImpliedMiners?.High, f.ImpliedMiners?.Basis, f.Onset, f.EnergySinceOnsetKwh,
        f.Co2SinceOnsetTonnes, f.EmissionFactorGPerKwh, f.Owed?.AtTariff, f.Owed?.Surcharge, f.Owed?.Total, f.Owed?.Currency,
        f.MiningKw is { } kw ? Math.Round(kw * 8760, 0) : null,
        f.MiningKw is { } k && f.EmissionFactorGPerKwh is { } g ? Math.Round(k * 8760 * g / 1e6, 2) : null,
        Version);
}
