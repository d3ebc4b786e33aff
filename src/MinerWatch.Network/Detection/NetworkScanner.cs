using MinerWatch.Energy.Catalog;
using MinerWatch.Network.Capture;
using MinerWatch.Network.Logs;
using MinerWatch.Network.Packets;
using MinerWatch.Network.Pools;
using MinerWatch.Network.Protocols;

namespace MinerWatch.Network.Detection;

/// <summary>
/// Reads captures and reports the hosts that mine: TCP streams are reassembled per direction and read as mining
/// protocols; DNS answers and TLS server names tie addresses to pool names. Feed packets with <see cref="Add"/>
/// (from files or live), then take the findings with <see cref="Result"/>. Not thread-safe.
/// </summary>
public sealed class NetworkScanner(PoolList pools, Func<MinerCatalog> catalog)
{
    private readonly Dictionary<(Endpoint, Endpoint), MiningStream> _streams = [];
    private readonly Dictionary<Endpoint, string> _names = [];
    private readonly List<string> _problems = [];
    private readonly List<LoggedConnection> _logged = [];
    private long _packets, _bytes, _malformed, _fragments, _logLines;
    private int _files;

    public NetworkScanner(PoolList pools, MinerCatalog catalog) : this(pools, () => catalog) { }

    /// <summary>With the bundled catalog, read only when a finding needs a power estimate.</summary>
    public NetworkScanner(PoolList pools) : this(pools, () => MinerCatalog.Bundled) { }

    public NetworkScanner() : this(PoolList.Bundled()) { }

    /// <summary>
    /// Reads a whole capture (pcap, pcapng) or sensor log (Zeek conn/dns/ssl, Suricata eve.json), told by its
    /// content; damage is counted in the summary, never thrown. A file that is neither throws <see cref="CaptureFormatException"/>.
    /// </summary>
    public void AddFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        AddStream(stream, path);
    }

    /// <summary>
    /// Like <see cref="AddFile"/>, from a stream read once from front to back (a pipe, standard input);
    /// <paramref name="name"/> names it in messages. The stream is left open.
    /// </summary>
    public void AddStream(Stream stream, string name)
    {
        _files++;
        // The first bytes tell the format; they are read once and handed on with the rest, so a pipe works too.
        var start = new byte[64];
        var read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        var whole = new PrefixedStream(start.AsMemory(0, read), stream);
        var shown = name == "-" ? "standard input" : name;
        var label = Path.GetFileName(shown);
        if (CaptureReader.IsCapture(start.AsSpan(0, read)) || !SensorLogReader.LooksLikeLog(start.AsSpan(0, read)))
        {
            using var reader = CaptureReader.Open(whole, shown);
            long packets = 0;
            while (reader.TryRead(out var packet))
            {
                Add(packet);
                packets++;
            }
            _malformed += reader.Malformed;
            // A capture of which not one packet could be read is no capture: saying "0 findings" would pass for a clean result.
            if (packets == 0 && reader.FirstProblem is { } nothing) throw new NetworkInputException($"{label}: {nothing}; no packet could be read");
            if (reader.FirstProblem is { } problem) _problems.Add($"{label}: {problem}");
            ReportLinkTypes(label);
            return;
        }
        var logs = new SensorLogReader();
        using (var text = new StreamReader(whole)) logs.Read(text, label);
        if (logs.Lines > 0 && logs.Malformed == logs.Lines)
            throw new NetworkInputException($"{logs.FirstProblem}; none of the {logs.Lines} lines of {label} could be read (a Zeek log, or Suricata eve.json with one JSON object a line?)");
        AddLogs(logs);
    }

    /// <summary>Packets of link types not decoded, by link type (few distinct ones: no allocation per packet).</summary>
    private readonly Dictionary<int, long> _unknownLinks = [];
    private long _notDecoded;
    /// <summary>Packets that came through each kind of tunnel (index: the flag's bit), and tunnels not opened.</summary>
    private readonly long[] _encapsulated = new long[16];

    /// <summary>Names the link types <paramref name="source"/> had that were not decoded, and how many packets each.</summary>
    private void ReportLinkTypes(string? source)
    {
        foreach (var (linkType, count) in _unknownLinks.OrderBy(p => p.Key))
            _problems.Add($"{(source is null ? "" : $"{source}: ")}{count} packets of link type {linkType} ({LinkTypes.Name(linkType)}) were not decoded; "
                + $"MinerWatch decodes {LinkTypes.Decoded}: capture on a wired interface, or on the router's");
        _unknownLinks.Clear();
    }

    /// <summary>Takes what a sensor logged: DNS answers name addresses; an alert's payload is read as the stream itself.</summary>
    public void AddLogs(SensorLogReader logs)
    {
        _logLines += logs.Lines;
        _malformed += logs.Malformed;
        if (logs.FirstProblem is { } problem) _problems.Add(problem);
        foreach (var (name, address) in logs.Names) _names[address] = name;
        foreach (var c in logs.Connections)
        {
            if (c.Payload is { Length: > 0 } payload)
            {
                var key = c.Client.CompareTo(c.Server) <= 0 ? (c.Client, c.Server) : (c.Server, c.Client);
                if (!_streams.TryGetValue(key, out var stream))
                {
                    _streams[key] = stream = new MiningStream(key.Item1, key.Item2);
                    _flows++;
                }
                if (c.Start < stream.FirstSeen) stream.FirstSeen = c.Start;
                if (c.Start > stream.LastSeen) stream.LastSeen = c.Start;
                var side = stream.SideOf(c.PayloadFromServer ? c.Server : c.Client);
                stream.Data(side, System.Text.Encoding.UTF8.GetBytes(payload.EndsWith('\n') ? payload : payload + "\n"), c.Start);
                if (stream.Protocol is not null)
                {
                    stream.Alerts.Add($"{c.Alert} ({c.Source})");
                    continue;
                }
            }
            _logged.Add(c);
        }
    }

    private void CountTunnels(Encapsulation tunnels)
    {
        for (var bit = 0; bit < 16; bit++)
        {
            if (((int)tunnels & (1 << bit)) != 0) _encapsulated[bit]++;
        }
    }

    /// <summary>The tunnels packets came through, by name, for the summary: what a capture from a mirror port held.</summary>
    private Dictionary<string, long> Encapsulations() =>
        Enum.GetValues<Encapsulation>().Where(e => e != Encapsulation.None && e != Encapsulation.Undecoded)
            .Where(e => _encapsulated[System.Numerics.BitOperations.Log2((uint)e)] > 0)
            .ToDictionary(e => EncapsulationName(e), e => _encapsulated[System.Numerics.BitOperations.Log2((uint)e)]);

    private static string EncapsulationName(Encapsulation e) => e switch
    {
        Encapsulation.Vlan => "vlan",
        Encapsulation.Pppoe => "pppoe",
        Encapsulation.Mpls => "mpls",
        Encapsulation.IpInIp => "ipv4-in-ip",
        Encapsulation.Ipv6InIp => "ipv6-in-ip",
        Encapsulation.Gre => "gre",
        Encapsulation.ErspanI => "erspan-i",
        Encapsulation.ErspanII => "erspan-ii",
        Encapsulation.ErspanIII => "erspan-iii",
        Encapsulation.Vxlan => "vxlan",
        Encapsulation.Geneve => "geneve",
        Encapsulation.GtpU => "gtp-u",
        _ => e.ToString().ToLowerInvariant(),
    };

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Add(in CapturePacket packet)
    {
        _packets++;
        _bytes += packet.Data.Length;
        var result = PacketDecoder.Decode(packet, out var segment, out var tunnels);
        if (tunnels != Encapsulation.None) CountTunnels(tunnels);
        switch (result)
        {
            case DecodeResult.Malformed:
                _malformed++;
                return;
            case DecodeResult.Fragment:
                _fragments++;
                return;
            case DecodeResult.Other:
                return;
            case DecodeResult.UnknownLink:
                _notDecoded++;
                System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_unknownLinks, (int)packet.LinkType, out _)++;
                return;
        }
        if (segment.Transport == Transport.Udp)
        {
            if (segment.Source.Port == 53 || segment.Destination.Port == 53 || segment.Source.Port == 5353) Dns(segment.Payload.Span);
            return;
        }
        var key = segment.Source.CompareTo(segment.Destination) <= 0 ? (segment.Source, segment.Destination) : (segment.Destination, segment.Source);
        if (!_streams.TryGetValue(key, out var stream))
        {
            stream = new MiningStream(key.Item1, key.Item2);
            _streams[key] = stream;
            _flows++;
        }
        if (segment.Time < stream.FirstSeen) stream.FirstSeen = segment.Time;
        if (segment.Time > stream.LastSeen) stream.LastSeen = segment.Time;
        if (segment.IsSyn && (segment.TcpFlags & Segment.Ack) == 0) stream.Client ??= segment.Source;
        var side = stream.SideOf(segment.Source);
        side.Count(segment.Payload.Length);
        if (segment.IsFin) side.Finished = true;
        if (segment.IsRst) stream.Reset = true;
        if (++_sinceSweep >= SweepEvery || _streams.Count >= _sweepAt) Sweep(segment.Time);
        if (!stream.WantsData || side.Ignored) return;
        Reassemble(stream, side, segment);
    }

    /// <remarks>The per-packet path is compiled fully optimised from its first call (as in the grid's meter series):
    /// a capture is read in seconds, too short for the tiered JIT to reach its final code in time.</remarks>
    private static void Reassemble(MiningStream stream, MiningStream.Side side, in Segment segment)
    {
        side.Tcp.Stream.Add(segment.Sequence, segment.IsSyn, segment.IsFin, segment.Payload.Span, new SideReceiver(stream, side, segment.Time));
    }

    private readonly struct SideReceiver(MiningStream stream, MiningStream.Side side, DateTimeOffset time) : Flows.IStreamReceiver
    {
        public void Data(ReadOnlySpan<byte> data) => stream.Data(side, data, time);
        public void Gap() => stream.Gap(side);
    }

    /// <summary>Connections held now: those alive in the capture, and those that could still become findings.</summary>
    public int LiveFlows => _streams.Count;

    private const int SweepEvery = 1 << 16;
    private static readonly TimeSpan ClosedLinger = TimeSpan.FromMinutes(1), IdleTimeout = TimeSpan.FromMinutes(10);
    private int _sinceSweep;
    /// <summary>Also sweep when the table doubles since the last sweep, so a burst of short connections cannot pile up.</summary>
    private int _sweepAt = MinSweepAt;
    private const int MinSweepAt = 4096;
    private long _flows;
    private readonly List<NodeTraffic> _nodes = [];

    /// <summary>
    /// Forgets connections that have ended (closed a minute ago, or idle for ten) and showed nothing of mining, so
    /// memory follows the connections alive in the capture, not its length. Node traffic is kept as a line of
    /// inventory; anything that could still become a finding is kept whole.
    /// </summary>
    private void Sweep(DateTimeOffset now)
    {
        _sinceSweep = 0;
        var ended = new List<(Endpoint, Endpoint)>();
        foreach (var (key, s) in _streams)
        {
            var closed = s.Reset || s.BothFinished;
            if (!(closed && s.LastSeen < now - ClosedLinger || s.LastSeen < now - IdleTimeout)) continue;
            if (s.Protocol is not null || s.NoiseInitiator is not null || Unreadable(s) is not null) continue;
            if (Node(s) is { } node) _nodes.Add(node);
            ended.Add(key);
        }
        foreach (var key in ended) _streams.Remove(key);
        _sweepAt = Math.Max(MinSweepAt, 2 * _streams.Count);
    }

    private void Dns(ReadOnlySpan<byte> payload)
    {
        if (DnsMessage.Parse(payload) is not { IsResponse: true } message) return;
        foreach (var (name, address) in message.Answers) _names[address] = name;
    }

    public NetworkScanResult Result()
    {
        // Packets given one by one (a live capture) are reported here, not per file.
        if (_unknownLinks.Count > 0) ReportLinkTypes(null);
        var findings = new List<NetworkFinding>();
        foreach (var stream in _streams.Values.Where(s => s.Protocol is not null && s.Miner is not null)
                     .GroupBy(s => (Host: s.Miner!.Value.Ip, Peer: s.Miner == s.A ? s.B : s.A)))
        {
            findings.Add(Finding(stream.Key.Host.ToString(), stream.Key.Peer, stream.ToList()));
        }
        var mining = findings.Select(f => (f.Host, f.Peer)).ToHashSet();
        foreach (var group in _streams.Values.Where(s => s.Protocol is null).Select(s => (Stream: s, Suspect: Unreadable(s))).Where(x => x.Suspect is not null)
                     .GroupBy(x => (Host: x.Suspect!.Value.Host.Ip, Peer: x.Suspect!.Value.Peer)))
        {
            if (mining.Contains((group.Key.Host.ToString(), group.Key.Peer.ToString()))) continue;
            findings.Add(UnreadableFinding(group.Key.Host.ToString(), group.Key.Peer, [.. group.Select(x => x.Stream)]));
        }
        foreach (var group in _logged.GroupBy(c => (Host: c.Client.Ip, c.Server)))
        {
            var key = (group.Key.Host.ToString(), group.Key.Server.ToString());
            if (mining.Contains(key) || LoggedFinding(key.Item1, group.Key.Server, [.. group]) is not { } finding) continue;
            findings.Add(finding);
            mining.Add(key);
        }
        var summary = new NetworkSummary
        {
            LogLines = _logLines,
            Files = _files,
            Packets = _packets,
            Bytes = _bytes,
            Flows = _flows,
            Malformed = _malformed,
            MalformedMessages = _streams.Values.Where(s => s.Protocol is not null).Sum(s => (long)s.MalformedLines),
            Fragments = _fragments,
            NotDecoded = _notDecoded,
            Encapsulations = Encapsulations(),
            UndecodedTunnels = _encapsulated[15],
            Problems = [.. _problems, .. _encapsulated[15] > 0
                ? [$"{_encapsulated[15]} packets came through a tunnel whose inner protocol is not read (GRE version 1 or another GRE protocol type, MPLS over something other than IP or Ethernet, Geneve carrying neither): their hosts are not in the findings"]
                : Array.Empty<string>()],
        };
        var nodes = _nodes.Concat(_streams.Values.Where(s => s.Protocol is null).Select(Node).OfType<NodeTraffic>())
            .OrderBy(n => n.Network, StringComparer.Ordinal).ThenBy(n => n.FirstSeen).ToList();
        return new NetworkScanResult([.. findings.OrderBy(f => f.Host, StringComparer.Ordinal).ThenBy(f => f.Peer, StringComparer.Ordinal)], summary, nodes);
    }

    /// <summary>Ethereum's devp2p is encrypted from its first byte: only its registered port tells it.</summary>
    private const ushort DevP2pPort = 30303;

    private static NodeTraffic? Node(MiningStream s)
    {
        var client = s.Client ?? (s.A.Port > s.B.Port ? s.A : s.B);
        var server = client == s.A ? s.B : s.A;
        if (s.NodeNetwork is { } network)
            return new NodeTraffic(network, client.ToString(), server.ToString(), s.FirstSeen, s.LastSeen,
                network == "electrum" ? "Electrum wallet protocol (blockchain.* and server.* JSON-RPC): a wallet and its server" : $"{network} peer-to-peer message header");
        if (server.Port == DevP2pPort || client.Port == DevP2pPort && server.Port != DevP2pPort && s.Client is null)
            return new NodeTraffic("ethereum", client.ToString(), server.ToString(), s.FirstSeen, s.LastSeen, "devp2p port 30303");
        return null;
    }

    /// <summary>
    /// A connection whose content is not readable as mining (TLS, or another encoding) but whose peer is a pool by
    /// name (TLS server name, a DNS answer for a listed domain, a listed endpoint), or whose shape is a miner's on a
    /// miner's port. The client side is the host: the side that sent the SYN, else the side with the higher port.
    /// </summary>
    private (Endpoint Host, Endpoint Peer)? Unreadable(MiningStream s)
    {
        if (s.NoiseInitiator is { } initiator) return (initiator, initiator == s.A ? s.B : s.A);
        var client = s.Client ?? (s.A.Port > s.B.Port ? s.A : s.B);
        var server = client == s.A ? s.B : s.A;
        if (PoolByName(server, s) is not null) return (client, server);
        return FlowShape(s, client) is not null && MinerPorts.Contains(server.Port) ? (client, server) : null;
    }

    /// <summary>Ports that miners' pools use and little else does (Falco's miner port list without 25, 80-ish web ports and 8333).</summary>
    private static readonly HashSet<int> MinerPorts = [3333, 3334, 3335, 3336, 3357, 4444, 5555, 5556, 5588, 5730, 6099, 6666, 7777, 7778, 8899, 9332, 9999, 14433, 14444, 45560, 45700];

    /// <summary>
    /// A miner's connection: open for minutes, both sides sending many small messages (jobs pushed, shares sent back),
    /// a few kilobytes a minute at most. Returns the description, or null.
    /// </summary>
    private static string? FlowShape(MiningStream s, Endpoint client)
    {
        var up = s.SideOf(client);
        var down = s.Other(up);
        var seconds = (s.LastSeen - s.FirstSeen).TotalSeconds;
        if (seconds < 120 || up.DataSegments < 5 || down.DataSegments < 5) return null;
        var upMedian = Median(up.Sizes);
        var downMedian = Median(down.Sizes);
        var bytesPerMinute = (up.DataBytes + down.DataBytes) / (seconds / 60);
        if (upMedian > 600 || downMedian > 1500 || bytesPerMinute > 20_000) return null;
        return $"open {seconds:0} s with {up.DataSegments} small messages up (median {upMedian} B) and {down.DataSegments} down (median {downMedian} B), {bytesPerMinute:0} B a minute";
    }

    private static int Median(List<int> sizes)
    {
        var sorted = sizes.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }

    private static NetworkEvidence BrowserMining(string serverName) =>
        new("browser_mining", $"{serverName} is a browser-mining service (the Coinhive family): a web page open on this host mined through it; check which site, and whether the visitor was asked");

    private static string ProxyHost(string target)
    {
        var colon = target.LastIndexOf(':');
        return (colon > 0 ? target[..colon] : target).Trim('[', ']');
    }

    private static string Describe(string proxyKind) => proxyKind switch
    {
        "socks5" => "SOCKS5",
        "socks4" => "SOCKS4",
        _ => "HTTP CONNECT",
    };

    private string? PoolByName(Endpoint server, MiningStream s)
    {
        if (s.ProxyTarget is { } target && pools.Match(ProxyHost(target)) is not null) return ProxyHost(target);
        if (s.ServerName is { } sni && pools.Match(sni) is not null) return sni;
        if (_names.TryGetValue(server with { Port = 0 }, out var name) && pools.Match(name) is not null) return name;
        return pools.IsListedEndpoint(server.ToString()) ? server.ToString() : null;
    }

    private NetworkFinding UnreadableFinding(string host, Endpoint peer, List<MiningStream> streams)
    {
        var evidence = new List<NetworkEvidence>();
        var pool = PoolName(peer, streams, evidence);
        var listed = streams.Select(s => PoolByName(peer, s)).FirstOrDefault(n => n is not null);
        var shape = streams.Select(s => FlowShape(s, s.SideOf(s.A == peer ? s.B : s.A).Endpoint)).FirstOrDefault(d => d is not null);
        if (shape is not null) evidence.Add(new("flow_shape", shape));
        var tls = streams.Any(s => s.ServerName is not null);
        var noise = streams.Any(s => s.NoiseInitiator is not null);
        if (noise) evidence.Add(new("stratum_v2_noise", "a Stratum v2 Noise NX handshake: 64 bytes from the miner answered by the pool's key and certificate, then encrypted frames"));
        // A browser-mining service over TLS: a web page made the browser mine while it was open. The opt-in kind
        // (AuthedMine) asks the visitor first, and the host itself may be clean: a lead to look at, never certain.
        var browser = streams.Select(s => s.ServerName).FirstOrDefault(pools.IsBrowserMiningService);
        if (browser is not null) evidence.Add(BrowserMining(browser));
        return new NetworkFinding
        {
            Host = host,
            Peer = peer.ToString(),
            Protocol = noise ? "stratum-v2" : tls ? "tls" : "unknown",
            Pool = pool,
            FirstSeen = streams.Min(s => s.FirstSeen),
            LastSeen = streams.Max(s => s.LastSeen),
            // A listed pool name with a miner's flow shape is near certain; either alone is a lead to check.
            Confidence = browser is not null ? "medium"
                : listed is not null && (shape is not null || noise) ? "high" : listed is not null || noise ? "medium" : "low",
            Evidence = evidence,
        };
    }

    /// <summary>
    /// A connection known only from a sensor's log: an IDS mining alert (high), a pool by TLS server name, DNS answer
    /// or listed endpoint (medium), or a miner's flow shape on a pool port (low); null when none holds.
    /// </summary>
    private NetworkFinding? LoggedFinding(string host, Endpoint server, List<LoggedConnection> records)
    {
        var evidence = new List<NetworkEvidence>();
        var alert = records.FirstOrDefault(r => r.Alert is not null);
        if (alert is not null) evidence.Add(new("ids_alert", $"{alert.Alert} ({alert.Source})"));
        var sni = records.Select(r => r.ServerName).FirstOrDefault(n => n is not null && pools.Match(n) is not null);
        string? pool = null;
        if (sni is not null)
        {
            pool = sni;
            evidence.Add(new("tls_sni", $"TLS server name {sni} (listed pool domain {pools.Match(sni)})"));
        }
        else if (_names.TryGetValue(server with { Port = 0 }, out var resolved) && pools.Match(resolved) is { } listed)
        {
            pool = resolved;
            evidence.Add(new("dns", $"{server.Ip} is {resolved} by a logged DNS answer (listed pool domain {listed})"));
        }
        else if (pools.IsListedEndpoint(server.ToString()))
        {
            pool = server.ToString();
            evidence.Add(new("pool_endpoint", $"{server} is a listed pool endpoint"));
        }
        var shape = records.Select(LoggedShape).FirstOrDefault(d => d is not null);
        if (shape is not null) evidence.Add(new("flow_shape", shape));
        var browser = sni is not null && pools.IsBrowserMiningService(sni);
        if (browser) evidence.Add(BrowserMining(sni!));
        var confidence = alert is not null ? "high"
            : browser ? "medium"
            : pool is not null && shape is not null ? "high"
            : pool is not null ? "medium"
            : shape is not null && MinerPorts.Contains(server.Port) ? "low" : null;
        if (confidence is null) return null;
        var end = records.Max(r => r.Start.AddSeconds(r.DurationSeconds));
        return new NetworkFinding
        {
            Host = host,
            Peer = server.ToString(),
            Protocol = alert?.Alert?.Contains("stratum", StringComparison.OrdinalIgnoreCase) == true ? "stratum"
                : records.Any(r => r.ServerName is not null) ? "tls" : "unknown",
            Pool = pool ?? records.Select(r => r.ServerName).FirstOrDefault(n => n is not null),
            FirstSeen = records.Min(r => r.Start),
            LastSeen = end,
            Confidence = confidence,
            Evidence = evidence,
        };
    }

    /// <summary>The flow-shape test on a logged connection's totals (average bytes per packet stand in for message sizes).</summary>
    private static string? LoggedShape(LoggedConnection c)
    {
        if (c.DurationSeconds < 120 || c.ClientPackets < 5 || c.ServerPackets < 5) return null;
        var up = (double)c.ClientBytes / c.ClientPackets;
        var down = (double)c.ServerBytes / c.ServerPackets;
        var perMinute = (c.ClientBytes + c.ServerBytes) / (c.DurationSeconds / 60);
        if (up > 600 || down > 1500 || perMinute > 20_000 || c.ClientBytes == 0 || c.ServerBytes == 0) return null;
        return $"open {c.DurationSeconds:0} s with {c.ClientPackets} packets up ({up:0} B each on average) and {c.ServerPackets} down ({down:0} B), {perMinute:0} B a minute ({c.Source})";
    }

    private NetworkFinding Finding(string host, Endpoint peer, List<MiningStream> streams)
    {
        var first = streams.Min(s => s.FirstSeen);
        var last = streams.Max(s => s.LastSeen);
        var logins = streams.SelectMany(s => s.Logins).GroupBy(l => l.Login, StringComparer.Ordinal)
            .Select(g =>
            {
                var (wallet, worker) = Login.Split(g.Key);
                return new LoginSeen(g.Key, wallet, worker, g.Min(l => l.FirstSeen), g.Max(l => l.LastSeen), g.Sum(l => l.Shares));
            })
            .OrderBy(l => l.FirstSeen).ThenBy(l => l.Login, StringComparer.Ordinal).ToList();
        var login = streams.Select(s => s.Login).LastOrDefault(l => l is not null);
        var (wallet, worker) = Login.Split(login);
        worker ??= streams.Select(s => s.WorkerField).FirstOrDefault(w => w is not null);
        var protocol = streams.Select(s => s.Protocol!.Value).Max();
        var algorithm = streams.Select(s => s.Algorithm).FirstOrDefault(a => a is not null) ?? AlgorithmFrom(protocol, wallet, streams);
        var shares = streams.Sum(s => s.Shares);
        var hashrate = Hashrate(streams, algorithm);
        var evidence = new List<NetworkEvidence>
        {
            new(ProtocolSignal(protocol), $"{Describe(protocol)} messages {string.Join(", ", streams.SelectMany(s => s.Methods).Distinct().Order(StringComparer.Ordinal))}"
                + (shares > 0 ? $"; {shares} shares submitted" : "")),
        };
        if (login is not null)
        {
            var agentText = streams.Select(s => s.Agent).FirstOrDefault(a => a is not null) is { } agent ? $" with agent {agent}" : "";
            evidence.Add(new("login", logins.Count <= 1 ? $"logged in as {login}{agentText}"
                : $"{logins.Count} logins{agentText}: " + string.Join("; ", logins.Select(l => $"{l.Login} from {l.FirstSeen:u} to {l.LastSeen:u}, {l.Shares} shares"))));
        }
        var pool = PoolName(peer, streams, evidence);
        var rate = hashrate is { Rate: var r0 } && double.IsFinite(r0) ? r0 : (double?)null;
        var (power, energy) = Power(algorithm, rate);
        if (hashrate is { } h) evidence.Add(new("hashrate", h.How));
        evidence.AddRange(streams.SelectMany(s => s.Alerts).Distinct().Select(a => new NetworkEvidence("ids_alert", a)));
        return new NetworkFinding
        {
            Host = host,
            Peer = peer.ToString(),
            Protocol = Name(protocol),
            Pool = pool,
            Worker = worker,
            Wallet = wallet,
            Logins = logins,
            Agent = streams.Select(s => s.Agent).FirstOrDefault(a => a is not null),
            Algorithm = algorithm,
            FirstSeen = first,
            LastSeen = last,
            SharesSubmitted = shares,
            EstHashrateHs = rate is { } r ? Math.Round(r, 1) : null,
            EstPowerKw = power,
            EstKwhPerDay = energy,
            Confidence = "high",
            Evidence = evidence,
        };
    }

    private string? PoolName(Endpoint peer, List<MiningStream> streams, List<NetworkEvidence> evidence)
    {
        // Behind a proxy the connection's peer is the proxy: the pool is what the client asked it for.
        if (streams.FirstOrDefault(s => s.ProxyTarget is not null) is { } proxied)
        {
            var target = proxied.ProxyTarget!;
            var host = ProxyHost(target);
            var listed = pools.Match(host);
            evidence.Add(new("proxy", $"through a {Describe(proxied.ProxyKind!)} proxy at {peer}, asked to connect to {target}"
                + (listed is not null ? $" (listed pool domain {listed})" : "") + (host.EndsWith(".onion", StringComparison.OrdinalIgnoreCase) ? ", a Tor hidden service" : "")));
            return host;
        }
        var address = peer with { Port = 0 };
        if (_names.TryGetValue(address, out var resolved))
        {
            var listed = pools.Match(resolved);
            evidence.Add(new("dns", $"{peer.Ip} is {resolved} by a DNS answer in the capture" + (listed is not null ? $" (listed pool domain {listed})" : "")));
            return resolved;
        }
        if (streams.Select(s => s.ServerName).FirstOrDefault(n => n is not null) is { } sni)
        {
            var listed = pools.Match(sni);
            evidence.Add(new("tls_sni", $"TLS server name {sni}" + (listed is not null ? $" (listed pool domain {listed})" : "")));
            return sni;
        }
        if (streams.Select(s => s.PoolHost).FirstOrDefault(n => n is not null) is { } named)
        {
            var listed = pools.Match(named);
            evidence.Add(new("pool_name", $"the miner named the pool {named} (in its subscribe, or as the HTTP Host)" + (listed is not null ? $" (listed pool domain {listed})" : "")));
            return named;
        }
        if (pools.IsListedEndpoint(peer.ToString()))
        {
            evidence.Add(new("pool_endpoint", $"{peer} is a listed pool endpoint"));
            return peer.ToString();
        }
        return null;
    }

    /// <summary>
    /// The hash rate the shares prove: the hashes each share is worth at the difficulty in force, summed, over the
    /// time from the first share to the last (with one share fewer, as the interval before the first is unseen). A
    /// rate the miner reports itself (eth_submitHashrate) is used when no difficulty was seen.
    /// </summary>
    private static (double Rate, string How)? Hashrate(List<MiningStream> streams, string? algorithm)
    {
        var shares = streams.Sum(s => s.Shares);
        var hashes = streams.Sum(s => s.ShareHashes);
        var span = (streams.Max(s => s.LastShare) - streams.Min(s => s.FirstShare)).TotalSeconds;
        var bound = MostPlausible(algorithm);
        string? discarded = null;
        if (shares >= 2 && hashes > 0 && span > 0)
        {
            var rate = hashes * (shares - 1) / shares / span;
            var each = $"{shares} shares worth {hashes / shares:G4} {(IsEquihash(algorithm) ? "solutions" : "hashes")} each over {span:0} s";
            if (rate <= bound) return (rate, $"{each}: {RateText(algorithm, rate)}");
            discarded = $"{each}: {Absurd(algorithm, rate)}";
        }
        if (streams.Select(s => s.ReportedHashrate).LastOrDefault(r => r is not null) is { } reported)
        {
            const string Source = "itself (eth_submitHashrate, or a Stratum v2 channel's nominal rate)";
            if (reported <= bound) return (reported, $"the miner reported {RateText(algorithm, reported)} {Source}");
            var how = $"the miner reported {Absurd(algorithm, reported)} {Source}";
            discarded = discarded is null ? how : $"{discarded}; {how}";
        }
        return discarded is null ? null
            : (double.NaN, $"{discarded}: more than {RateText(algorithm, bound)}, ten times the most the whole {NetworkOf(algorithm)} network has run, so not a rate (a damaged or forged message); no hash rate or power given");
    }

    /// <summary>
    /// The highest rate believable for one host: ten times the most the algorithm's whole network has run (round
    /// figures from the networks' public hash-rate charts: Bitcoin about 1e21 H/s in 2025, Ethereum about 1.1e15 H/s
    /// before it left mining in 2022, Monero under 1e10 H/s, Zcash about 1e10 Sol/s). Mining is a share of its
    /// network, so a larger figure is a damaged or forged message, and would read as gigawatts; the tenfold margin
    /// covers growth and the charts' spread. An algorithm not listed gets Bitcoin's, the largest network of all.
    /// </summary>
    private static double MostPlausible(string? algorithm) =>
        IsEquihash(algorithm) ? 1e11 : CatalogAlgorithm(algorithm ?? "") switch { "Ethash" => 1e16, "RandomX" => 1e11, _ => 1e22 };

    /// <summary>A rate beyond any unit we name, in powers of ten (1.158E+77 H/s) rather than 78 digits.</summary>
    private static string Absurd(string? algorithm, double rate) =>
        RateText(algorithm, 1).Replace("1 ", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{rate:0.###E+0} "), StringComparison.Ordinal);

    private static string NetworkOf(string? algorithm) =>
        IsEquihash(algorithm) ? "Zcash" : CatalogAlgorithm(algorithm ?? "") switch { "Ethash" => "Ethereum", "RandomX" => "Monero", "SHA-256" => "Bitcoin", _ => "Bitcoin (the largest)" };

    private static bool IsEquihash(string? algorithm) => algorithm?.StartsWith("Equihash", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>A rate in the algorithm's unit: Equihash counts solutions (Sol/s), the others hashes (H/s).</summary>
    public static string RateText(string? algorithm, double rate) =>
        IsEquihash(algorithm) ? HashUnit.Format(rate).Replace("H/s", "Sol/s", StringComparison.Ordinal) : HashUnit.Format(rate);

    /// <summary>Power at the median efficiency of the catalog's machines for the algorithm; null when it has none.</summary>
    private (double? Kw, double? KwhPerDay) Power(string? algorithm, double? hashesPerSecond)
    {
        if (algorithm is null || hashesPerSecond is not { } rate) return (null, null);
        var models = catalog().Filter(CatalogAlgorithm(algorithm)).ToList();
        if (models.Count == 0) return (null, null);
        var joulesPerHash = models.Select(m => m.JoulesPerHash).Order().ElementAt(models.Count / 2);
        var kw = rate * joulesPerHash / 1000;
        return (Math.Round(kw, 4), Math.Round(kw * 24, 3));
    }

    /// <summary>The catalog's name for an algorithm as miners announce it (xmrig's rx/0, cn/r; ethash, etchash; sha256d).</summary>
    private static string CatalogAlgorithm(string algorithm)
    {
        var a = algorithm.ToLowerInvariant();
        if (a.StartsWith("rx/", StringComparison.Ordinal) || a == "randomx") return "RandomX";
        if (a is "ethash" or "etchash" or "daggerhashimoto") return "Ethash";
        if (a is "sha256" or "sha256d" or "sha-256") return "SHA-256";
        return algorithm;
    }

    private static string? AlgorithmFrom(MiningProtocol protocol, string? wallet, List<MiningStream> streams)
    {
        if (protocol is MiningProtocol.EthProxy or MiningProtocol.EthereumStratum) return "Ethash";
        if (streams.Any(s => s.Methods.Contains("eth_getWork") || s.Methods.Contains("eth_submitWork"))) return "Ethash";
        if (wallet is not null && (wallet.StartsWith("t1", StringComparison.Ordinal) || wallet.StartsWith("t3", StringComparison.Ordinal) || wallet.StartsWith("zs1", StringComparison.Ordinal)))
            return "Equihash";
        if (streams.Any(s => s.Methods.Contains("mining.set_target")) && wallet is null) return null;
        return null;
    }

    private static string Name(MiningProtocol p) => p switch
    {
        MiningProtocol.Stratum => "stratum",
        MiningProtocol.EthereumStratum => "ethereum-stratum",
        MiningProtocol.EthProxy => "ethproxy",
        MiningProtocol.Xmrig => "xmrig-stratum",
        MiningProtocol.HttpGetwork => "getwork-http",
        MiningProtocol.StratumV2 => "stratum-v2",
        MiningProtocol.WebMiner => "webminer-websocket",
        _ => p.ToString(),
    };

    private static string ProtocolSignal(MiningProtocol p) => Name(p);

    private static string Describe(MiningProtocol p) => p switch
    {
        MiningProtocol.Stratum => "Stratum v1",
        MiningProtocol.EthereumStratum => "EthereumStratum/1.0.0",
        MiningProtocol.EthProxy => "EthProxy (eth_ JSON-RPC)",
        MiningProtocol.Xmrig => "Monero/xmrig stratum",
        MiningProtocol.HttpGetwork => "getwork over HTTP",
        MiningProtocol.StratumV2 => "Stratum v2",
        MiningProtocol.WebMiner => "browser miner over WebSocket",
        _ => p.ToString(),
    };
}
