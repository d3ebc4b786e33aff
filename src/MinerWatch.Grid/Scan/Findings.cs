using MinerWatch.Energy.Site;

namespace MinerWatch.Grid.Scan;

/// <summary>One piece of evidence: which detector, how strong (0-1), the numbers in words, and its weight in the score (log-odds points).</summary>
public sealed record Evidence(string Detector, double Strength, string Detail, double Points);

/// <summary>How many machines could draw the mining load, from all of the largest to all of the smallest model on the market at onset.</summary>
public sealed record MinerRange(int Low, int High, string Basis);

/// <summary>The scan's verdict on one meter, with the evidence that justifies it.</summary>
public sealed record MeterFinding
{
    public required string MeterId { get; init; }
    public required double Score { get; init; }
    public int Rank { get; init; }
    /// <summary><c>suspect</c>, <c>clear</c>, or, when the meter could not be judged, <c>no readings</c> or <c>too little data</c>.</summary>
    public required string Verdict { get; init; }
    public string? CustomerClass { get; init; }
    public string? Region { get; init; }
    public string? FeederId { get; init; }
    /// <summary>First day of the mining load; the first day read when it was already running then.</summary>
    public DateOnly? Onset { get; init; }
    public bool OnsetAtDataStart { get; init; }
    public double? MiningKw { get; init; }
    public MinerRange? ImpliedMiners { get; init; }
    public double? EnergySinceOnsetKwh { get; init; }
    public double? Co2SinceOnsetTonnes { get; init; }
    /// <summary>The grid emission factor behind <see cref="Co2SinceOnsetTonnes"/>, gCO2/kWh.</summary>
    public double? EmissionFactorGPerKwh { get; init; }
    /// <summary>Money owed for the energy since onset; null unless a tariff or a surcharge applies.</summary>
    public MoneyOwed? Owed { get; init; }
    public required IReadOnlyList<Evidence> Evidence { get; init; }
}

public sealed record ScanSummary
{
    public int Meters { get; init; }
    public long Readings { get; init; }
    public int Suspects { get; init; }
    /// <summary>Meters with no readings, or too few days of them to judge (verdicts <c>no readings</c>, <c>too little data</c>).</summary>
    public int NotJudged { get; init; }
    public long RejectedRows { get; init; }
    public int Feeders { get; init; }
    public long FeederReadings { get; init; }
    public int MetersWithActivity { get; init; }
    public DateOnly? FirstDay { get; init; }
    public DateOnly? LastDay { get; init; }
    /// <summary>Count of meters per inferred interval, e.g. {"60 min": 9000, "15 min": 1000}.</summary>
    public IReadOnlyDictionary<string, int> Intervals { get; init; } = new Dictionary<string, int>();
    public double SuspectThreshold { get; init; }
}

public sealed record ScanResult(IReadOnlyList<MeterFinding> Meters, ScanSummary Summary)
{
    /// <summary>Things about the input worth saying that are not errors (a Parquet file without page checksums); not part of the JSON.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
