using MinerWatch.Network.Packets;

namespace MinerWatch.Network.Logs;

/// <summary>What a sensor's log line says about a connection, with the client (originator) first.</summary>
public sealed record LoggedConnection
{
    public required Endpoint Client { get; init; }
    public required Endpoint Server { get; init; }
    public required DateTimeOffset Start { get; init; }
    public double DurationSeconds { get; init; }
    public long ClientBytes { get; init; }
    public long ServerBytes { get; init; }
    public long ClientPackets { get; init; }
    public long ServerPackets { get; init; }
    public string? ServerName { get; init; }
    /// <summary>An IDS alert on this connection (Suricata signature), when the log line is one.</summary>
    public string? Alert { get; init; }
    /// <summary>Printable payload the IDS logged with an alert, which may hold the mining messages themselves.</summary>
    public string? Payload { get; init; }
    /// <summary>True when the alert's packet, and so its payload, went from the server to the client.</summary>
    public bool PayloadFromServer { get; init; }
    /// <summary>The file and line it came from, for the evidence.</summary>
    public required string Source { get; init; }
}

/// <summary>A DNS answer from a log: <see cref="Name"/> resolved to <see cref="Address"/>.</summary>
public readonly record struct LoggedName(string Name, Endpoint Address);
