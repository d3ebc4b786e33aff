using System.Globalization;
using System.Net;
using System.Text.Json;
using MinerWatch.Network.Packets;

namespace MinerWatch.Network.Logs;

/// <summary>
/// Reads the logs network sensors already write: Zeek's conn.log, dns.log and ssl.log (tab-separated with their
/// #fields header, or JSON lines) and Suricata's eve.json (flow, dns, tls and alert events). The kind is told by the
/// content. Lines that cannot be read are counted and skipped.
/// </summary>
public sealed class SensorLogReader
{
    public List<LoggedConnection> Connections { get; } = [];
    public List<LoggedName> Names { get; } = [];
    public long Lines { get; private set; }
    public long Malformed { get; private set; }
    public string? FirstProblem { get; private set; }

    /// <summary>True when the file starts like a log this reader knows.</summary>
    public static bool LooksLikeLog(ReadOnlySpan<byte> start)
    {
        // Editors and Windows tools start UTF-8 text with a byte order mark.
        if (start.StartsWith("\uFEFF"u8)) start = start[3..];
        var at = start.IndexOfAnyExcept(" \t\r\n"u8);
        return at >= 0 && (start[at..].StartsWith("#separator"u8) || start[at] == (byte)'{');
    }

    public void Read(TextReader reader, string name)
    {
        // Zeek's defaults; a log's own header lines may change each of them.
        string[]? fields = null;
        var format = new ZeekFormat("\t", ",", "(empty)", "-");
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var source = $"{name}:{lineNumber}";
            if (line.StartsWith('#'))
            {
                if (line.StartsWith("#separator ", StringComparison.Ordinal))
                {
                    // Zeek writes the separator escaped (\x09); a new one starts a new log's header.
                    var value = line["#separator ".Length..];
                    if (Unescape(value, strict: true) is { Length: > 0 } separator)
                    {
                        format = format with { Separator = separator };
                        fields = null;
                    }
                    else Problem(source, $"the #separator '{value}' is not a character or \\xNN escapes: the lines after it are read with '{Escape(format.Separator)}'");
                    continue;
                }
                var parts = line.Split(format.Separator);
                var header = parts.Length == 2 ? Unescape(parts[1], strict: false) : null;
                switch (parts[0])
                {
                    case "#set_separator" when header is { Length: > 0 }:
                        format = format with { SetSeparator = header };
                        break;
                    case "#empty_field" when header is { Length: > 0 }:
                        format = format with { Empty = header };
                        break;
                    case "#unset_field" when header is { Length: > 0 }:
                        format = format with { Unset = header };
                        break;
                    case "#fields":
                        fields = [.. parts[1..].Select(f => Unescape(f, strict: false) ?? f)];
                        break;
                }
                continue;
            }
            Lines++;
            try
            {
                if (line.TrimStart().StartsWith('{')) Json(line, source);
                else if (fields is not null) Tsv(fields, line.Split(format.Separator), format, source);
                else Problem(source, "a line before any #fields header");
            }
            catch (KeyNotFoundException)
            {
                Problem(source, "a field the event needs is missing (eve: timestamp, event_type, src_ip, src_port, dest_ip, dest_port, and the event's own object)");
            }
            catch (Exception e) when (e is JsonException or FormatException or OverflowException or InvalidOperationException or ArgumentException)
            {
                Problem(source, e.Message);
            }
        }
    }

    /// <summary>How a Zeek TSV log writes its values: field separator, set separator, empty and unset markers.</summary>
    private readonly record struct ZeekFormat(string Separator, string SetSeparator, string Empty, string Unset);

    private void Problem(string source, string what)
    {
        Malformed++;
        FirstProblem ??= $"{source}: {what}";
    }

    /// <summary>
    /// Zeek's escapes: \xNN for a byte (the separator, non-printing characters) and \\ for a backslash. With
    /// <paramref name="strict"/> a backslash not starting one of them makes the text unreadable (null).
    /// </summary>
    internal static string? Unescape(string text, bool strict)
    {
        if (!text.Contains('\\')) return text;
        var result = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 3 < text.Length && text[i + 1] == 'x'
                && byte.TryParse(text.AsSpan(i + 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                result.Append((char)code);
                i += 3;
            }
            else if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '\\')
            {
                result.Append('\\');
                i++;
            }
            else if (text[i] == '\\' && strict) return null;
            else result.Append(text[i]);
        }
        return result.ToString();
    }

    private static string Escape(string text) => string.Concat(text.Select(c => c is < ' ' or > '~' ? $"\\x{(int)c:x2}" : c.ToString()));

    private void Tsv(string[] fields, string[] values, ZeekFormat format, string source)
    {
        // Zeek writes every field on every line: fewer or more values is a line cut short or a separator unescaped.
        if (values.Length != fields.Length)
            throw new FormatException($"{values.Length} values where the #fields header names {fields.Length} (a line cut short?)");
        var row = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Length; i++)
            if (values[i] != format.Unset) row[fields[i]] = values[i];
        Zeek(k => row.TryGetValue(k, out var v) && v != format.Empty ? Unescape(v, strict: false) : null,
            k => row.TryGetValue(k, out var v) && v != format.Empty ? [.. v.Split(format.SetSeparator).Select(e => Unescape(e, strict: false) ?? e)] : [],
            json: false, source);
    }

    private void Json(string line, string source)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("not a JSON object");
        if (root.TryGetProperty("event_type", out var type)) Eve(root, type.GetString(), source);
        // Zeek leaves unset fields out of JSON, or writes them as null.
        else Zeek(k => root.TryGetProperty(k, out var v) && v.ValueKind != JsonValueKind.Null ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null,
            k => root.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText())] : [],
            json: true, source);
    }

    /// <summary>
    /// A Zeek ts: seconds since 1970 with a fraction (TSV, and JSON's default); in JSON also an ISO 8601 string
    /// (LogAscii::json_timestamps = JSON::TS_ISO8601) or whole milliseconds (JSON::TS_MILLIS), told apart from
    /// seconds by size: 1e11 seconds is the year 5138, 1e11 milliseconds March 1973.
    /// </summary>
    internal static DateTimeOffset ZeekTime(string text, bool json)
    {
        if (json && text.Contains('-', StringComparison.Ordinal) && text.Length > 10
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var iso))
            return iso;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds) && seconds >= 0)
        {
            if (json && seconds >= 1e11 && !text.Contains('.', StringComparison.Ordinal) && !text.Contains('e', StringComparison.OrdinalIgnoreCase)) seconds /= 1000;
            if (seconds < MaxUnixSeconds) return DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        }
        throw new FormatException($"ts '{text}' is not a time: Zeek writes seconds since 1970 (e.g. 1767225600.123456){(json ? ", an ISO 8601 time or milliseconds" : "")}");
    }

    /// <summary>The first second past the year 9999, the last a date can hold.</summary>
    private const double MaxUnixSeconds = 253402300800;

    /// <summary>One Zeek record: which log it is, told by its fields (conn has conn_state or proto, dns query, ssl server_name or version).</summary>
    private void Zeek(Func<string, string?> get, Func<string, string[]> list, bool json, string source)
    {
        if (get("id.orig_h") is not { } origin || get("id.resp_h") is not { } responder) throw new FormatException("no id.orig_h/id.resp_h");
        var client = Endpoint.From(IPAddress.Parse(origin), ushort.Parse(get("id.orig_p") ?? "0", CultureInfo.InvariantCulture));
        var server = Endpoint.From(IPAddress.Parse(responder), ushort.Parse(get("id.resp_p") ?? "0", CultureInfo.InvariantCulture));
        var start = ZeekTime(get("ts") ?? throw new FormatException("no ts"), json);
        if (get("query") is { } query)
        {
            foreach (var answer in list("answers"))
                if (IPAddress.TryParse(answer, out var address)) Names.Add(new LoggedName(query.TrimEnd('.'), Endpoint.From(address, 0)));
            return;
        }
        if (get("server_name") is { } sni || get("version") is not null && get("cipher") is not null)
        {
            Connections.Add(new LoggedConnection { Client = client, Server = server, Start = start, ServerName = get("server_name"), Source = source });
            return;
        }
        if (get("proto") is "tcp")
        {
            Connections.Add(new LoggedConnection
            {
                Client = client,
                Server = server,
                Start = start,
                DurationSeconds = Duration(Number(get("duration"))),
                ClientBytes = Count(get("orig_bytes")),
                ServerBytes = Count(get("resp_bytes")),
                ClientPackets = Count(get("orig_pkts")),
                ServerPackets = Count(get("resp_pkts")),
                Source = source,
            });
        }
    }

    private void Eve(JsonElement root, string? type, string source)
    {
        // Only these events say anything here; stats and the rest carry no addresses and are passed over.
        if (type is not ("dns" or "tls" or "flow" or "alert")) return;
        var client = Endpoint.From(IPAddress.Parse(root.GetProperty("src_ip").GetString()!), Port(root, "src_port"));
        var server = Endpoint.From(IPAddress.Parse(root.GetProperty("dest_ip").GetString()!), Port(root, "dest_port"));
        // An alert's src_ip is the sender of the packet that matched; its flow object, when logged, names the client.
        var payloadFromServer = false;
        if (type == "alert" && root.TryGetProperty("flow", out var alertFlow) && alertFlow.ValueKind == JsonValueKind.Object
            && alertFlow.TryGetProperty("src_ip", out var flowSource) && alertFlow.TryGetProperty("dest_ip", out var flowDestination))
        {
            var flowClient = Endpoint.From(IPAddress.Parse(flowSource.GetString()!), Port(alertFlow, "src_port"));
            var flowServer = Endpoint.From(IPAddress.Parse(flowDestination.GetString()!), Port(alertFlow, "dest_port"));
            payloadFromServer = client == flowServer;
            (client, server) = (flowClient, flowServer);
        }
        else if (type == "alert" && root.TryGetProperty("direction", out var direction) && direction.GetString() == "to_client")
        {
            payloadFromServer = true;
            (client, server) = (server, client);
        }
        var time = DateTimeOffset.Parse(root.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture);
        switch (type)
        {
            case "dns":
                var dns = root.GetProperty("dns");
                // The question's name is the one that names the pool; an answer's rrname may be the end of a CNAME
                // chain. Versions 1 and 2 log it as dns.rrname; version 3 (Suricata 8) under dns.queries.
                var query = dns.TryGetProperty("rrname", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString()
                    : dns.TryGetProperty("queries", out var qs) && qs.ValueKind == JsonValueKind.Array && qs.GetArrayLength() > 0
                      && qs[0].ValueKind == JsonValueKind.Object && qs[0].TryGetProperty("rrname", out var qn) && qn.ValueKind == JsonValueKind.String ? qn.GetString() : null;
                // Versions 2 and 3 group a response's answers under "answers" (detailed) and/or "grouped" (by record type);
                // version 1 logs each answer as its own event.
                if (dns.TryGetProperty("answers", out var answers) && answers.ValueKind == JsonValueKind.Array)
                {
                    foreach (var a in answers.EnumerateArray())
                        if (a.ValueKind == JsonValueKind.Object)
                            AddAnswer(query ?? (a.TryGetProperty("rrname", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null),
                                a.TryGetProperty("rdata", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null);
                }
                else if (dns.TryGetProperty("grouped", out var grouped) && grouped.ValueKind == JsonValueKind.Object)
                {
                    foreach (var recordType in new[] { "A", "AAAA" })
                        if (grouped.TryGetProperty(recordType, out var addresses) && addresses.ValueKind == JsonValueKind.Array)
                            foreach (var a in addresses.EnumerateArray())
                                if (a.ValueKind == JsonValueKind.String) AddAnswer(query, a.GetString());
                }
                else if (dns.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "answer")
                    AddAnswer(query, dns.TryGetProperty("rdata", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null);
                return;
            case "tls":
                var tls = root.GetProperty("tls");
                Connections.Add(new LoggedConnection
                {
                    Client = client,
                    Server = server,
                    Start = time,
                    Source = source,
                    ServerName = tls.TryGetProperty("sni", out var sni) ? sni.GetString() : null,
                });
                return;
            case "flow" when root.TryGetProperty("proto", out var proto) && proto.GetString() == "TCP":
                var flow = root.GetProperty("flow");
                var start = DateTimeOffset.Parse(flow.GetProperty("start").GetString()!, CultureInfo.InvariantCulture);
                var end = flow.TryGetProperty("end", out var e) ? DateTimeOffset.Parse(e.GetString()!, CultureInfo.InvariantCulture) : start;
                Connections.Add(new LoggedConnection
                {
                    Client = client,
                    Server = server,
                    Start = start,
                    Source = source,
                    DurationSeconds = Duration((end - start).TotalSeconds),
                    ClientBytes = Long(flow, "bytes_toserver"),
                    ServerBytes = Long(flow, "bytes_toclient"),
                    ClientPackets = Long(flow, "pkts_toserver"),
                    ServerPackets = Long(flow, "pkts_toclient"),
                });
                return;
            case "alert":
                var alert = root.GetProperty("alert");
                var signature = alert.TryGetProperty("signature", out var s) ? s.GetString() : null;
                var category = alert.TryGetProperty("category", out var c) ? c.GetString() : null;
                if (!IsMiningAlert(signature, category)) return;
                Connections.Add(new LoggedConnection
                {
                    Client = client,
                    Server = server,
                    Start = time,
                    Source = source,
                    Alert = signature,
                    Payload = root.TryGetProperty("payload_printable", out var p) ? p.GetString() : null,
                    PayloadFromServer = payloadFromServer,
                });
                return;
        }

        void AddAnswer(string? name, string? data)
        {
            if (name is not null && data is not null && IPAddress.TryParse(data, out var address))
                Names.Add(new LoggedName(name.TrimEnd('.'), Endpoint.From(address, 0)));
        }
    }

    /// <summary>Emerging Threats' coin-miner signatures ("ET COINMINER ...", "Crypto Currency Mining Activity Detected").</summary>
    private static bool IsMiningAlert(string? signature, string? category) =>
        signature is not null && (signature.Contains("COINMINER", StringComparison.OrdinalIgnoreCase) || signature.Contains("stratum", StringComparison.OrdinalIgnoreCase)
            || signature.Contains("coin min", StringComparison.OrdinalIgnoreCase) || signature.Contains("cryptocurrency min", StringComparison.OrdinalIgnoreCase))
        || category is not null && category.Contains("Crypto Currency Mining", StringComparison.OrdinalIgnoreCase);

    private static ushort Port(JsonElement root, string name) => root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number ? p.GetUInt16() : (ushort)0;

    private static long Long(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    /// <summary>A connection's duration, 0 when absurd (negative, infinite, or longer than ten years).</summary>
    private static double Duration(double seconds) => double.IsFinite(seconds) && seconds is >= 0 and < 3.2e8 ? seconds : 0;

    private static double Number(string? text) => text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0;

    /// <summary>A count of bytes or packets; 0 when absent or absurd (negative, NaN, beyond 2^63).</summary>
    private static long Count(string? text) => Number(text) is var v && v is >= 0 and < 9.2e18 ? (long)v : 0;
}
