namespace MinerWatch.Network.Detection;

/// <summary>One piece of evidence: which signal, and what it showed.</summary>
public sealed record NetworkEvidence(string Signal, string Detail);

/// <summary>A host that mines, and the pool endpoint it mines with.</summary>
public sealed record NetworkFinding
{
    public required string Host { get; init; }
    public required string Peer { get; init; }
    public required string Protocol { get; init; }
    public string? Pool { get; init; }
    public string? Worker { get; init; }
    public string? Wallet { get; init; }
    public string? Agent { get; init; }
    public string? Algorithm { get; init; }
    public required DateTimeOffset FirstSeen { get; init; }
    public required DateTimeOffset LastSeen { get; init; }
    public long SharesSubmitted { get; init; }
    public double? EstHashrateHs { get; init; }
    public double? EstPowerKw { get; init; }
    public double? EstKwhPerDay { get; init; }
    public required string Confidence { get; init; }
    public required IReadOnlyList<NetworkEvidence> Evidence { get; init; }
}

/// <summary>What was read, and what could not be.</summary>
public sealed record NetworkSummary
{
    public int Files { get; init; }
    public long Packets { get; init; }
    /// <summary>Sensor log lines read (Zeek, Suricata).</summary>
    public long LogLines { get; init; }
    public long Bytes { get; init; }
    public long Flows { get; init; }
    public long Malformed { get; init; }
    public long Fragments { get; init; }
    public IReadOnlyList<string> Problems { get; init; } = [];
}

public sealed record NetworkScanResult(IReadOnlyList<NetworkFinding> Findings, NetworkSummary Summary);
