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
    // The contracts are written by code generated at build time (FindingsJson, serialization only), so that a command
    // writing one small result does not first spend tens of milliseconds describing the types by reflection.
    private static readonly FindingsJson Indented = FindingsJson.Default;
    private static readonly FindingsJson Compact = new(new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });

    /// <summary>The options of one finding on a line (JSON Lines, the server's stored findings).</summary>
    public static JsonSerializerOptions Line => Compact.Options;

    public const string CsvHeader = "host,peer,protocol,pool,worker,wallet,algorithm,first_seen,last_seen,shares_submitted,est_hashrate_hs,est_power_kw,est_kwh_per_day,confidence,evidence";

    public static string Json(IReadOnlyList<NetworkFinding> findings, NetworkSummary summary, IReadOnlyList<NodeTraffic> nodes) =>
        JsonSerializer.Serialize(new FindingsDocument(findings, summary, nodes), Indented.FindingsDocument);

    public static string JsonLine(NetworkFinding finding) => JsonSerializer.Serialize(finding, Compact.NetworkFinding);

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

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(FindingsDocument))]
[JsonSerializable(typeof(NetworkFinding))]
internal sealed partial class FindingsJson : JsonSerializerContext;
