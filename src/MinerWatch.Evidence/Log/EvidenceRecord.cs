using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MinerWatch.Evidence.Log;

/// <summary>
/// What a log entry says about a file when the file itself is not the leaf: its name, SHA-256, size and media type,
/// when it was recorded, for which case and by whom. Serialised as canonical JSON (keys sorted, no spaces), so the
/// same record always hashes the same.
/// </summary>
public sealed record EvidenceRecord(string File, string Sha256, long Size, string MediaType, DateTimeOffset Recorded, string? CaseId, string? AddedBy)
{
    public static EvidenceRecord For(string path, DateTimeOffset recorded, string? caseId, string? addedBy)
    {
        using var stream = System.IO.File.OpenRead(path);
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        return new EvidenceRecord(Path.GetFileName(path), hash, new FileInfo(path).Length, MediaTypeOf(path), recorded, caseId, addedBy);
    }

    public byte[] Canonical()
    {
        var fields = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["added_by"] = AddedBy,
            ["case_id"] = CaseId,
            ["file"] = File,
            ["media_type"] = MediaType,
            ["recorded"] = Recorded.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
            ["sha256"] = Sha256,
            ["size"] = Size,
        };
        return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(fields));
    }

    /// <summary>Reads a record back from a leaf; null when the leaf is not one (a raw entry).</summary>
    public static EvidenceRecord? FromLeaf(ReadOnlySpan<byte> leaf)
    {
        try
        {
            using var json = JsonDocument.Parse(leaf.ToArray());
            var r = json.RootElement;
            if (r.ValueKind != JsonValueKind.Object || !r.TryGetProperty("sha256", out var sha) || !r.TryGetProperty("file", out var file)) return null;
            return new EvidenceRecord(file.GetString()!, sha.GetString()!, r.TryGetProperty("size", out var size) ? size.GetInt64() : 0,
                r.TryGetProperty("media_type", out var media) ? media.GetString()! : "",
                r.TryGetProperty("recorded", out var recorded) ? DateTimeOffset.Parse(recorded.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : default,
                r.TryGetProperty("case_id", out var c) ? c.GetString() : null, r.TryGetProperty("added_by", out var a) ? a.GetString() : null);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string MediaTypeOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".json" => "application/json",
        ".csv" => "text/csv",
        ".txt" or ".log" => "text/plain",
        ".html" => "text/html",
        ".pdf" => "application/pdf",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".pcap" => "application/vnd.tcpdump.pcap",
        ".pcapng" => "application/x-pcapng",
        ".parquet" => "application/vnd.apache.parquet",
        _ => "application/octet-stream",
    };
}
