namespace MinerWatch.Grid.Detection;

/// <summary>A miner model and its nameplate power, for reading a step in kW as a number of machines.</summary>
public sealed record MinerModel(string Name, double Kw);

/// <summary>
/// A small built-in table of common SHA-256 ASIC miners (nameplate power from the manufacturers' specifications as
/// collected in the project's reference data). It stands in until the energy library's miner catalog exists.
/// </summary>
public static class MinerPowerTable
{
    public static IReadOnlyList<MinerModel> Models { get; } =
    [
        new("Antminer S9", 1.323),
        new("Antminer S17 Pro", 2.094),
        new("Antminer S17", 2.52),
        new("Antminer S19j Pro", 3.05),
        new("Antminer S19", 3.25),
        new("Whatsminer M30S", 3.344),
        new("Antminer S21", 3.5),
    ];

    public static double SmallestKw { get; } = Models.Min(m => m.Kw);
    public static double LargestKw { get; } = Models.Max(m => m.Kw);

    /// <summary>How many machines could draw <paramref name="kw"/>: from all the largest model to all the smallest.</summary>
    public static (int Low, int High) ImpliedCount(double kw)
    {
        if (!(kw > 0)) return (0, 0);
        var low = Math.Max(1, (int)Math.Round(kw / LargestKw, MidpointRounding.AwayFromZero));
        var high = Math.Max(low, (int)Math.Round(kw / SmallestKw, MidpointRounding.AwayFromZero));
        return (low, high);
    }

    /// <summary>
    /// The whole multiple of one model's power closest to <paramref name="kw"/>, when within <paramref name="tolerance"/>
    /// and at most <paramref name="maxCount"/> machines (beyond that almost any value is some multiple).
    /// </summary>
    public static (MinerModel Model, int Count, double Error)? NearestMultiple(double kw, double tolerance = 0.04, int maxCount = 40)
    {
        (MinerModel, int, double)? best = null;
        foreach (var model in Models)
        {
            var count = (int)Math.Round(kw / model.Kw);
            if (count < 1 || count > maxCount) continue;
            var error = Math.Abs(kw - count * model.Kw) / kw;
            if (error <= tolerance && (best is null || error < best.Value.Item3)) best = (model, count, error);
        }
        return best;
    }
}
