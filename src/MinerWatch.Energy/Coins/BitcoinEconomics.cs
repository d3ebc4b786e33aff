namespace MinerWatch.Energy.Coins;

/// <summary>
/// Bitcoin's issuance and what a unit of hash rate earns. Sources: Bitcoin Core's GetBlockSubsidy (50 BTC halved every
/// 210,000 blocks) and the difficulty definition (a block takes on average difficulty x 2^32 hashes).
/// </summary>
public static class BitcoinEconomics
{
    public const double BlocksPerDay = 144;
    public const double HashesPerDifficulty = 4294967296; // 2^32

    /// <summary>UTC days on which the subsidy halved (blocks 210,000, 420,000, 630,000, 840,000).</summary>
    public static IReadOnlyList<DateOnly> Halvings { get; } =
        [new(2012, 11, 28), new(2016, 7, 9), new(2020, 5, 11), new(2024, 4, 20)];

    /// <summary>
    /// The block subsidy in BTC on a day. Days after the last known halving assume one every four years (the schedule
    /// is by height, about 1,460 days apart); the halving day itself already pays the new subsidy.
    /// </summary>
    public static double SubsidyOn(DateOnly day)
    {
        var halvings = Halvings.Count(h => day >= h);
        if (halvings == Halvings.Count)
        {
            var last = Halvings[^1];
            while (day >= (last = last.AddYears(4))) halvings++;
        }
        return 50.0 / Math.Pow(2, halvings);
    }

    /// <summary>Network hash rate in hashes per second implied by a difficulty (a block every 600 s on average).</summary>
    public static double NetworkHashrate(double difficulty) => difficulty * HashesPerDifficulty / 600;

    /// <summary>
    /// Expected revenue in USD per TH/s per day (the "hash price") at a difficulty, coin price and mean fees per block.
    /// One TH/s finds 1e12 x 86,400 / (difficulty x 2^32) blocks a day.
    /// </summary>
    public static double HashpriceUsdPerThDay(DateOnly day, double difficulty, double priceUsd, double feesBtcPerBlock)
    {
        if (!(difficulty > 0)) throw new EnergyInputException($"difficulty {difficulty} must be greater than 0");
        if (!(priceUsd >= 0)) throw new EnergyInputException($"coin price {priceUsd} USD must not be negative");
        if (!(feesBtcPerBlock >= 0)) throw new EnergyInputException($"fees {feesBtcPerBlock} BTC per block must not be negative");
        var blocksPerThDay = 1e12 * 86400 / (difficulty * HashesPerDifficulty);
        var hashprice = blocksPerThDay * (SubsidyOn(day) + feesBtcPerBlock) * priceUsd;
        if (!double.IsFinite(hashprice))
            throw new EnergyInputException($"the hash price from difficulty {difficulty}, coin price {priceUsd} USD and fees {feesBtcPerBlock} BTC is too large to compute: check the three figures");
        return hashprice;
    }

    /// <summary>Miners' total revenue in USD per day at a coin price and mean fees per block (144 blocks a day).</summary>
    public static double DailyRevenueUsd(DateOnly day, double priceUsd, double feesBtcPerBlock) =>
        BlocksPerDay * (SubsidyOn(day) + feesBtcPerBlock) * priceUsd;
}
