namespace MinerWatch.Energy;

/// <summary>
/// Bounds that no real input can pass, used to tell a typing or unit error from a large but real figure. They are
/// physical (the world's electricity, the age of proof-of-work mining), so they hold for any file, not only ours.
/// </summary>
public static class PhysicalLimits
{
    /// <summary>
    /// World electricity generation, TWh a year: about 30,000 in 2023 (Ember, Global Electricity Review 2024). Only its
    /// order matters: a figure above it is wrong by a factor, not by a few per cent.
    /// </summary>
    public const double WorldElectricityTwhPerYear = 30_000;

    /// <summary>The world's mean electric power in kW (30,000 TWh over 8,766 h, about 3.4 TW).</summary>
    public const double WorldPowerKw = WorldElectricityTwhPerYear * 1e9 / 8766;

    /// <summary>Bitcoin's first block, 2009-01-03: no proof-of-work coin was mined before it.</summary>
    public static readonly DateOnly FirstBlock = new(2009, 1, 3);

    /// <summary>Hours from <see cref="FirstBlock"/> to the start of <paramref name="today"/>'s next day: no mining ran longer.</summary>
    public static double HoursSinceFirstBlock(DateOnly today) => (today.DayNumber + 1 - FirstBlock.DayNumber) * 24.0;
}
