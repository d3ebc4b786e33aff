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
    /// <summary>Every login seen with this pool endpoint (worker and wallet are the latest one's).</summary>
    public IReadOnlyList<LoginSeen> Logins { get; init; } = [];
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

/// <summary>A login a host used with a pool: its wallet and worker, when it was used, and the shares submitted under it.</summary>
public sealed record LoginSeen(string Login, string? Wallet, string? Worker, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, long Shares);

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
    /// <summary>Lines of mining streams that looked like JSON-RPC messages but were not valid JSON: skipped.</summary>
    public long MalformedMessages { get; init; }
    public long Fragments { get; init; }
    /// <summary>Packets of link types the decoder does not read (802.11, USB, ...); <see cref="Problems"/> names them.</summary>
    public long NotDecoded { get; init; }
    /// <summary>Packets that came through each kind of tunnel (vlan, pppoe, mpls, gre, erspan-ii, vxlan, gtp-u, ...).</summary>
    public IReadOnlyDictionary<string, long> Encapsulations { get; init; } = new Dictionary<string, long>();
    /// <summary>Packets of tunnels whose inner protocol is not read; <see cref="Problems"/> says so.</summary>
    public long UndecodedTunnels { get; init; }
    public IReadOnlyList<string> Problems { get; init; } = [];
}

/// <summary>
/// A connection of a cryptocurrency node's peer-to-peer network (Bitcoin, Monero, Ethereum devp2p): a node keeps the
/// ledger and is not a miner, so this is reported apart from the findings, for an inventory of who runs nodes.
/// </summary>
public sealed record NodeTraffic(string Network, string Client, string Server, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, string Basis);

public sealed record NetworkScanResult(IReadOnlyList<NetworkFinding> Findings, NetworkSummary Summary, IReadOnlyList<NodeTraffic> NodeTraffic);
