using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MinerWatch.Network.Detection;

/// <summary>
/// The network findings' output contracts, shared by every host (the CLI's files, the server's stored findings):
/// one JSON document, one JSON object a line for live output, and CSV. Field names are stable; see docs/network.md.
/// </summary>
public static class FindingsOutput
{
    // The contracts' types are described at build time (FindingsJson), so that a command writing one small result does
    // not first spend tens of milliseconds building serializers by reflection; anything else still works by reflection.
    public static readonly JsonSerializerOptions Document = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(FindingsJson.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
    };

    public static readonly JsonSerializerOptions Line = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(FindingsJson.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
    };

    public const string CsvHeader = "host,peer,protocol,pool,worker,wallet,algorithm,first_seen,last_seen,shares_submitted,est_hashrate_hs,est_power_kw,est_kwh_per_day,confidence,evidence";

    public static string Json(IReadOnlyList<NetworkFinding> findings, NetworkSummary summary, IReadOnlyList<NodeTraffic> nodes) =>
        JsonSerializer.Serialize(new FindingsDocument(findings, summary, nodes), Document);

    public static string JsonLine(NetworkFinding finding) => JsonSerializer.Serialize(finding, Line);

    public static string CsvRow(NetworkFinding f)
    {
        string[] cells = [f.Host, f.Peer, f.Protocol, f.Pool ?? "", f.Worker ?? "", f.Wallet ?? "", f.Algorithm ?? "",
            f.FirstSeen.ToString("o", CultureInfo.InvariantCulture), f.LastSeen.ToString("o", CultureInfo.InvariantCulture),
            f.SharesSubmitted.ToString(CultureInfo.InvariantCulture), f.EstHashrateHs?.ToString("R", CultureInfo.InvariantCulture) ?? "",
            f.EstPowerKw?.ToString("R", CultureInfo.InvariantCulture) ?? "", f.EstKwhPerDay?.ToString("R", CultureInfo.InvariantCulture) ?? "", f.Confidence,
            string.Join("; ", f.Evidence.Select(e => $"{e.Signal}: {e.Detail}"))];
        return string.Join(',', cells.Select(Csv));
    }

    private static string Csv(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}

/// <summary>The JSON document `net scan --format json` writes.</summary>
public sealed record FindingsDocument(IReadOnlyList<NetworkFinding> Findings, NetworkSummary Summary, IReadOnlyList<NodeTraffic> NodeTraffic);

[JsonSerializable(typeof(FindingsDocument))]
[JsonSerializable(typeof(NetworkFinding))]
internal sealed partial class FindingsJson : JsonSerializerContext;
