using System.Text.Json;

namespace MinerWatch.Network.Detection;

/// <summary>
/// Findings as Suricata eve.json alert events, one JSON object a line, so a pipeline that already takes Suricata's
/// alerts (Elastic, Splunk) takes ours without a new parser. Signature ids are in the range Suricata leaves to local
/// rules (1000000-1999999); the finding itself rides along under "minerwatch".
/// </summary>
public static class EveOutput
{
    public const string Category = "Crypto Currency Mining Activity Detected";

    public static void Write(IEnumerable<NetworkFinding> findings, TextWriter writer)
    {
        foreach (var f in findings)
        {
            var (destIp, destPort) = SplitPeer(f.Peer);
            var eve = new Dictionary<string, object?>
            {
                ["timestamp"] = f.FirstSeen.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff+0000"),
                ["event_type"] = "alert",
                ["src_ip"] = f.Host,
                ["dest_ip"] = destIp,
                ["dest_port"] = destPort,
                ["proto"] = "TCP",
                ["app_proto"] = f.Protocol,
                ["alert"] = new Dictionary<string, object?>
                {
                    ["action"] = "allowed",
                    ["gid"] = 1,
                    ["signature_id"] = SignatureId(f.Protocol),
                    ["rev"] = 1,
                    ["signature"] = Signature(f),
                    ["category"] = Category,
                    ["severity"] = f.Confidence switch { "high" => 1, "medium" => 2, _ => 3 },
                },
                ["minerwatch"] = f,
            };
            writer.WriteLine(JsonSerializer.Serialize(eve, Options));
        }
    }

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>One id per protocol, so a SOC can tune each on its own.</summary>
    public static int SignatureId(string protocol) => protocol switch
    {
        "stratum" => 1_900_001,
        "ethereum-stratum" => 1_900_002,
        "ethproxy" => 1_900_003,
        "xmrig-stratum" => 1_900_004,
        "getwork-http" => 1_900_005,
        "stratum-v2" => 1_900_006,
        "webminer-websocket" => 1_900_007,
        "tls" => 1_900_010,
        _ => 1_900_020,
    };

    private static string Signature(NetworkFinding f)
    {
        var parts = new List<string>();
        if (f.Pool is not null) parts.Add($"pool {f.Pool}");
        if (f.Wallet is not null) parts.Add($"wallet {f.Wallet}");
        if (f.Worker is not null) parts.Add($"worker {f.Worker}");
        return $"MinerWatch {f.Confidence}-confidence mining: {f.Protocol}" + (parts.Count > 0 ? $" ({string.Join(", ", parts)})" : "");
    }

    private static (string Ip, int Port) SplitPeer(string peer)
    {
        var colon = peer.LastIndexOf(':');
        var ip = peer[..colon].Trim('[', ']');
        return (ip, int.Parse(peer[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
