using MinerWatch.Persistence;

namespace MinerWatch.Server;

/// <summary>How a server runs: where its data lives, which database, where it listens. Read from configuration
/// (<c>--data DIR --db CONNECTION --watch DIR</c> on the command line).</summary>
public sealed record ServerOptions
{
    /// <summary>Uploads, the grid state, attachments, the evidence log and (by default) the SQLite database.</summary>
    public required string DataDir { get; init; }
    /// <summary>A PostgreSQL connection string (<c>Host=...;Database=...</c>); null for SQLite in the data directory.</summary>
    public string? Db { get; init; }
    /// <summary>A folder a meter-data system drops daily exports into.</summary>
    public string? Watch { get; init; }
    /// <summary>A folder of GeoJSON region outlines (each feature's <c>properties.region</c> names its region path).</summary>
    public string? Outlines { get; init; }
    /// <summary>The evidence log's origin line (its name in checkpoints).</summary>
    public string Origin { get; init; } = "minerwatch.local/evidence";
    /// <summary>Largest upload accepted, in bytes.</summary>
    public long MaxUploadBytes { get; init; } = DefaultMaxUploadBytes;

    /// <summary>4 GiB: a province's history with its feeder head meters is a few GB of CSV.</summary>
    public const long DefaultMaxUploadBytes = 4L << 30;
    /// <summary>Sign-in attempts a client may make per minute.</summary>
    public int LoginsPerMinute { get; init; } = 10;
    /// <summary>Uploads a client may make per minute.</summary>
    public int UploadsPerMinute { get; init; } = 30;

    /// <summary>Whether webhooks may point at this machine or link-local addresses (off: a lead could reach local services).</summary>
    public bool WebhooksToLoopback { get; init; }

    public string Connection => Db ?? Database.SqliteIn(DataDir);

    public static ServerOptions From(IConfiguration config) => new()
    {
        DataDir = Path.GetFullPath(config["data"] ?? "minerwatch-data"),
        Db = string.IsNullOrWhiteSpace(config["db"]) ? null : config["db"],
        Watch = config["watch"],
        Outlines = string.IsNullOrWhiteSpace(config["outlines"]) ? null : Path.GetFullPath(config["outlines"]!),
        MaxUploadBytes = long.TryParse(config["max-upload-bytes"], out var max) && max > 0 ? max : DefaultMaxUploadBytes,
        LoginsPerMinute = int.TryParse(config["logins-per-minute"], out var logins) && logins > 0 ? logins : 10,
        UploadsPerMinute = int.TryParse(config["uploads-per-minute"], out var uploads) && uploads > 0 ? uploads : 30,
        WebhooksToLoopback = config["webhooks-to-loopback"] == "true",
    };
}
