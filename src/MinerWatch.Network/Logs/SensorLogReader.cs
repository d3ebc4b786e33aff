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
        var at = start.IndexOfAnyExcept(" \t\r\n"u8);
        return at >= 0 && (start[at..].StartsWith("#separator"u8) || start[at] == (byte)'{');
    }

    public void Read(TextReader reader, string name)
    {
        string[]? fields = null;
        var separator = '\t';
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
                    var value = line["#separator ".Length..];
                    if (value.StartsWith("\\x", StringComparison.Ordinal) && value.Length == 4 && byte.TryParse(value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                        separator = (char)code;
                    else if (value.Length == 1) separator = value[0];
                    else Problem(source, $"the #separator '{value}' is not one character or \\xNN");
                }
                else if (line.StartsWith("#fields", StringComparison.Ordinal)) fields = line.Split(separator)[1..];
                continue;
            }
            Lines++;
            try
            {
                if (line.TrimStart().StartsWith('{')) Json(line, source);
                else if (fields is not null) Tsv(fields, line.Split(separator), source);
                else Problem(source, "a line before any #fields header");
            }
            catch (Exception e) when (e is JsonException or FormatException or OverflowException or InvalidOperationException or KeyNotFoundException or ArgumentException)
            {
                Problem(source, e.Message);
            }
        }
    }

    private void Problem(string source, string what)
    {
        Malformed++;
        FirstProblem ??= $"{source}: {what}";
    }

    private void Tsv(string[] fields, string[] values, string source)
    {
        var row = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Length && i < values.Length; i++)
            if (values[i] is not ("-" or "(empty)")) row[fields[i]] = values[i];
        Zeek(k => row.TryGetValue(k, out var v) ? v : null, k => row.TryGetValue(k, out var v) ? v.Split(',') : [], source);
    }

    private void Json(string line, string source)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("not a JSON object");
        if (root.TryGetProperty("event_type", out var type)) Eve(root, type.GetString(), source);
        else Zeek(k => root.TryGetProperty(k, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null,
            k => root.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText())] : [],
            source);
    }

    /// <summary>One Zeek record: which log it is, told by its fields (conn has conn_state or proto, dns query, ssl server_name or version).</summary>
    private void Zeek(Func<string, string?> get, Func<string, string[]> list, string source)
    {
        if (get("id.orig_h") is not { } origin || get("id.resp_h") is not { } responder) throw new FormatException("no id.orig_h/id.resp_h");
        var client = Endpoint.From(IPAddress.Parse(origin), ushort.Parse(get("id.orig_p") ?? "0", CultureInfo.InvariantCulture));
        var server = Endpoint.From(IPAddress.Parse(responder), ushort.Parse(get("id.resp_p") ?? "0", CultureInfo.InvariantCulture));
        var start = DateTimeOffset.UnixEpoch.AddSeconds(double.Parse(get("ts") ?? throw new FormatException("no ts"), CultureInfo.InvariantCulture));
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
                ClientBytes = (long)Number(get("orig_bytes")),
                ServerBytes = (long)Number(get("resp_bytes")),
                ClientPackets = (long)Number(get("orig_pkts")),
                ServerPackets = (long)Number(get("resp_pkts")),
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
                // Version 2 answers come grouped under "answers"; version 1 logs each answer as its own event.
                if (dns.TryGetProperty("answers", out var answers) && answers.ValueKind == JsonValueKind.Array)
                {
                    // The question's name is the one that names the pool; an answer's rrname may be the end of a CNAME chain.
                    var query = dns.TryGetProperty("rrname", out var q) ? q.GetString() : null;
                    foreach (var a in answers.EnumerateArray())
                        AddAnswer(query ?? (a.TryGetProperty("rrname", out var n) ? n.GetString() : null), a.TryGetProperty("rdata", out var d) ? d.GetString() : null);
                }
                else if (dns.TryGetProperty("type", out var t) && t.GetString() == "answer")
                    AddAnswer(dns.TryGetProperty("rrname", out var n) ? n.GetString() : null, dns.TryGetProperty("rdata", out var d) ? d.GetString() : null);
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
}
