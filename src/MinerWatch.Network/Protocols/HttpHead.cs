using System.Text;

namespace MinerWatch.Network.Protocols;

/// <summary>The start line and the headers of an HTTP/1.x message that a mining check needs.</summary>
public sealed record HttpHead
{
    public required bool IsRequest { get; init; }
    public string Target { get; init; } = "";
    public string? Host { get; init; }
    public int ContentLength { get; init; }
    /// <summary>The user name of Basic authorization (a pool's worker or wallet).</summary>
    public string? User { get; init; }
    public string? MiningExtensions { get; init; }
    public string? Stratum { get; init; }
    /// <summary>The status code of a response (101 when the connection switches to WebSocket).</summary>
    public int Status { get; init; }
    public string? Upgrade { get; init; }

    private const int MaxBody = 512 * 1024;

    /// <summary>Parses the bytes before the blank line; null when they are not an HTTP/1.x head.</summary>
    public static HttpHead? Parse(ReadOnlySpan<byte> head)
    {
        var text = Encoding.Latin1.GetString(head);
        var lines = text.Split("\r\n");
        var start = lines[0].Split(' ', 3);
        if (start.Length < 2) return null;
        var isRequest = !start[0].StartsWith("HTTP/1.", StringComparison.Ordinal);
        if (isRequest && (start.Length < 3 || !start[2].StartsWith("HTTP/1.", StringComparison.Ordinal))) return null;
        var result = new HttpHead
        {
            IsRequest = isRequest,
            Target = isRequest ? start[1] : "",
            Status = !isRequest && int.TryParse(start[1], out var status) ? status : 0,
        };
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(value, out var length) || length is < 0 or > MaxBody) return null;
                result = result with { ContentLength = length };
            }
            else if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)) result = result with { Host = value.Split(':')[0] };
            else if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) result = result with { User = BasicUser(value) };
            else if (name.Equals("X-Mining-Extensions", StringComparison.OrdinalIgnoreCase)) result = result with { MiningExtensions = value };
            else if (name.Equals("X-Stratum", StringComparison.OrdinalIgnoreCase)) result = result with { Stratum = value };
            else if (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)) result = result with { Upgrade = value };
        }
        return result;
    }

    private static string? BasicUser(string value)
    {
        if (!value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value[6..].Trim()));
            var colon = decoded.IndexOf(':');
            return colon > 0 ? decoded[..colon] : decoded.Length > 0 ? decoded : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
