namespace MinerWatch.Energy.Catalog;

/// <summary>
/// One miner model at nameplate: what it hashes, how fast, at what power, from when. Efficiency is stored as the
/// catalog states it (J per <see cref="HashrateUnit"/>), since published figures are rounded that way and power over
/// hash rate rarely matches them to the last digit.
/// </summary>
public sealed record Miner
{
    public required string Algorithm { get; init; }
    public required string Model { get; init; }
    /// <summary>Hash rate in <see cref="HashrateUnit"/>.</summary>
    public required double Hashrate { get; init; }
    public required string HashrateUnit { get; init; }
    public required double PowerW { get; init; }
    /// <summary>Joules per one <see cref="HashrateUnit"/> of work (J/TH for SHA-256 ASICs).</summary>
    public required double Efficiency { get; init; }
    public required DateOnly Release { get; init; }
    /// <summary><c>verified</c>, <c>unverified</c>, or <c>user</c> for rows from a user's file.</summary>
    public required string Status { get; init; }
    public required string Source { get; init; }

    public double PowerKw => PowerW / 1000;

    /// <summary>Hashes per second.</summary>
    public double HashesPerSecond => Hashrate * HashUnit.ScaleOf(HashrateUnit);

    /// <summary>Joules per hash.</summary>
    public double JoulesPerHash => Efficiency / HashUnit.ScaleOf(HashrateUnit);

    public string EfficiencyUnit => "J/" + HashrateUnit[..^2];
}
