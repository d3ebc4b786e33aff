namespace MinerWatch.Simulation;

/// <summary>Size, resolution and seed of a simulated utility population.</summary>
public sealed record SimulationOptions
{
    public int Meters { get; init; } = 1000;
    public int Days { get; init; } = 365;

    /// <summary>Meter reading interval: 15 min, 30 min, 1 h or 1 day (any divisor of a day from 5 min up works).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Fraction of meters that host a mining farm (0 to 0.5).</summary>
    public double MiningShare { get; init; } = 0.02;

    public int Seed { get; init; } = 1;
    public DateOnly Start { get; init; } = new(2025, 1, 1);

    /// <summary>The region's local offset from UTC, written into every timestamp.</summary>
    public TimeSpan UtcOffset { get; init; } = TimeSpan.FromHours(8);

    /// <summary>Region path; districts are written beneath it. By default the climate's own: Guangzhou, or Harbin in the cold.</summary>
    public string Region
    {
        get => _region ?? (Climate == Climate.Cold ? "CN-HL/Harbin" : "CN-GD/Guangzhou");
        init => _region = value;
    }

    private readonly string? _region;

    /// <summary>The region's climate: south China's mild winters, or a northern province's cold ones.</summary>
    public Climate Climate { get; init; } = Climate.Subtropical;

    public void Validate()
    {
        if (Meters < 1)
            throw new ArgumentOutOfRangeException(nameof(Meters), Meters, "At least one meter is needed.");
        if (Days < 1)
            throw new ArgumentOutOfRangeException(nameof(Days), Days, "At least one day is needed.");
        if (MiningShare is < 0 or > 0.5 || double.IsNaN(MiningShare))
            throw new ArgumentOutOfRangeException(nameof(MiningShare), MiningShare, "Must be between 0 and 0.5.");
        var day = TimeSpan.FromDays(1);
        var hour = TimeSpan.FromHours(1);
        var validInterval = Interval >= TimeSpan.FromMinutes(5) && Interval <= day && day.Ticks % Interval.Ticks == 0
            && (Interval < hour ? hour.Ticks % Interval.Ticks == 0 : Interval.Ticks % hour.Ticks == 0);
        if (!validInterval)
            throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "Must divide an hour, or be whole hours dividing a day.");
        if (UtcOffset.Ticks % TimeSpan.TicksPerMinute != 0 || UtcOffset < TimeSpan.FromHours(-14) || UtcOffset > TimeSpan.FromHours(14))
            throw new ArgumentOutOfRangeException(nameof(UtcOffset), UtcOffset, "Must be whole minutes within ±14 h.");
        if (string.IsNullOrWhiteSpace(Region) || Region.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            throw new ArgumentException("Region must be non-empty and contain no comma, quote or line break.", nameof(Region));
        if ((long)Meters * Days * (long)(day.Ticks / Interval.Ticks) > 50_000_000_000L)
            throw new ArgumentOutOfRangeException(nameof(Meters), "The population would exceed 50 billion readings.");
    }
}

/// <summary>The climates the simulator has.</summary>
public enum Climate
{
    /// <summary>South China (Guangzhou): mild winters with cold surges from the north, hot humid summers.</summary>
    Subtropical,
    /// <summary>
    /// A northern province (Harbin, Heilongjiang; north Kazakhstan is alike): winters far below freezing, where a
    /// quarter of homes heat with electricity (night storage heaters, heat pumps, panel heaters).
    /// </summary>
    Cold,
}

/// <summary>What <see cref="GridSimulator.Write"/> produced.</summary>
public sealed record SimulationSummary(
    int Meters,
    long Readings,
    int MiningMeters,
    int Feeders,
    IReadOnlyDictionary<string, int> VariantCounts);
