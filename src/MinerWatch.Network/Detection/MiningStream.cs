using MinerWatch.Network.Packets;
using MinerWatch.Network.Protocols;

namespace MinerWatch.Network.Detection;

/// <summary>
/// What one TCP connection showed of mining: the messages of each side read line by line, the login, the share
/// difficulty in force and the shares submitted. A side whose first bytes are neither JSON lines nor a TLS hello is
/// no longer read, so bulk traffic costs only its headers.
/// </summary>
internal sealed class MiningStream(Endpoint a, Endpoint b)
{
    private const int MaxLine = 64 * 1024;
    private const int ProbeBytes = 8 * 1024;

    private readonly Side _a = new(a);
    private readonly Side _b = new(b);

    public Endpoint A => _a.Endpoint;
    public Endpoint B => _b.Endpoint;
    public DateTimeOffset FirstSeen { get; set; } = DateTimeOffset.MaxValue;
    public DateTimeOffset LastSeen { get; set; } = DateTimeOffset.MinValue;
    public Endpoint? Client { get; set; }
    public string? ServerName { get; private set; }
    public MiningProtocol? Protocol { get; private set; }
    public Endpoint? Miner { get; private set; }
    public string? Login { get; private set; }
    public string? WorkerField { get; private set; }
    public string? Agent { get; private set; }
    public string? Algorithm { get; private set; }
    public string? PoolHost { get; private set; }
    public long Shares { get; private set; }
    public double ShareHashes { get; private set; }
    public double? ReportedHashrate { get; private set; }
    public DateTimeOffset FirstShare { get; private set; } = DateTimeOffset.MaxValue;
    public DateTimeOffset LastShare { get; private set; } = DateTimeOffset.MinValue;
    public SortedSet<string> Methods { get; } = new(StringComparer.Ordinal);
    /// <summary>IDS alerts whose logged payload showed this stream's messages.</summary>
    public List<string> Alerts { get; } = [];
    public int MalformedLines { get; private set; }
    public bool WantsData => !_a.Ignored || !_b.Ignored;
    public bool Reset { get; set; }
    public bool BothFinished => _a.Finished && _b.Finished;

    /// <summary>The side that opened a Stratum v2 Noise handshake (64 bytes, answered by 170 or 234), or null.</summary>
    public Endpoint? NoiseInitiator =>
        _a.FirstChunk == StratumV2.NoiseInitiatorLength && StratumV2.IsNoiseResponderLength(_b.FirstChunk) ? _a.Endpoint
        : _b.FirstChunk == StratumV2.NoiseInitiatorLength && StratumV2.IsNoiseResponderLength(_a.FirstChunk) ? _b.Endpoint
        : null;
    private double? _hashesPerShare;
    private readonly List<LoginUse> _logins = [];
    private LoginUse? _current;
    private readonly List<(string User, DateTimeOffset Time)> _httpUsers = [];

    /// <summary>
    /// Every login seen on the connection in the order first seen: a miner that authorises again with another worker,
    /// a failover, or a proxy carrying several workers over one connection. Shares count under the login a submit
    /// names (Stratum's first parameter), else under the latest login.
    /// </summary>
    public IReadOnlyList<LoginUse> Logins => _logins;

    private LoginUse Use(string login, DateTimeOffset time)
    {
        var use = _logins.Find(l => l.Login == login);
        if (use is null)
        {
            use = new LoginUse(login, time);
            _logins.Add(use);
        }
        if (time < use.FirstSeen) use.FirstSeen = time;
        if (time > use.LastSeen) use.LastSeen = time;
        return use;
    }

    public Side SideOf(Endpoint source) => source == _a.Endpoint ? _a : _b;

    public Side Other(Side side) => side == _a ? _b : _a;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Data(Side side, ReadOnlySpan<byte> data, DateTimeOffset time)
    {
        if (side.Ignored) return;
        if (side.Proxy != ProxyPhase.Done)
        {
            data = Proxy(side, data);
            if (data.IsEmpty) return;
        }
        if (!side.Classified && !Classify(side, data, time)) return;
        if (side.Http)
        {
            HttpData(side, data, time);
            return;
        }
        if (side.Sv2)
        {
            Sv2Data(side, data, time);
            return;
        }
        if (side.WebSocket)
        {
            WebSocketData(side, data, time);
            return;
        }
        var rest = data;
        while (!rest.IsEmpty)
        {
            var newline = rest.IndexOf((byte)'\n');
            if (newline < 0)
            {
                if (side.Line.Count + rest.Length <= MaxLine) side.Line.AddRange(rest);
                else side.Line.Clear(); // an endless line is not a protocol message; drop it and resynchronise at the next newline
                return;
            }
            if (side.Line.Count > 0)
            {
                side.Line.AddRange(rest[..newline]);
                Line(side, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(side.Line), time);
                side.Line.Clear();
            }
            else Line(side, rest[..newline], time);
            rest = rest[(newline + 1)..];
        }
    }

    /// <summary>The proxy the client spoke to first (socks5, socks4, http-connect), or null.</summary>
    public string? ProxyKind { get; private set; }
    /// <summary>The host and port the client asked the proxy to connect it to: the pool, behind the proxy.</summary>
    public string? ProxyTarget { get; private set; }

    /// <summary>
    /// A proxy's handshake at the start of the connection: SOCKS5 (RFC 1928, with RFC 1929's user and password), SOCKS4
    /// and 4a, or HTTP CONNECT. xmrig and other miners reach pools through them (Tor through SOCKS5 too). The
    /// handshake is read and taken off each side; what follows is the tunnelled session, classified afresh. Returns the
    /// bytes after the handshake (empty while it is still being read).
    /// </summary>
    private ReadOnlySpan<byte> Proxy(Side side, ReadOnlySpan<byte> data)
    {
        var other = Other(side);
        if (side.Proxy == ProxyPhase.Unknown)
        {
            // Only the first bytes of a connection can open a proxy handshake: they make this side the client and the
            // other the proxy, or settle both sides as no proxy at all.
            if (data.Length >= 3 && data[0] == 5 && data[1] is > 0 and <= 8 && data.Length >= 2 + data[1] && (data.Length == 2 + data[1] || data[2 + data[1]] == 5 || data[2 + data[1]] == 1))
            {
                ProxyKind = "socks5";
            }
            else if (data.Length >= 9 && data[0] == 4 && data[1] is 1 or 2)
            {
                ProxyKind = "socks4";
            }
            else if (data.StartsWith("CONNECT "u8))
            {
                ProxyKind = "http-connect";
            }
            else
            {
                side.Proxy = other.Proxy = ProxyPhase.Done;
                return data;
            }
            side.Proxy = ProxyPhase.Client;
            other.Proxy = ProxyPhase.Server;
        }
        side.ProxyBuffer.AddRange(data);
        var buffer = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(side.ProxyBuffer);
        var used = side.Proxy == ProxyPhase.Client ? ClientHandshake(buffer) : ServerHandshake(buffer);
        if (used == 0)
        {
            // Still incomplete; a handshake longer than any real one is not a proxy after all.
            if (side.ProxyBuffer.Count > 1024) side.Ignored = true;
            return [];
        }
        side.Proxy = ProxyPhase.Done;
        var rest = buffer[used..].ToArray();
        side.ProxyBuffer.Clear();
        return rest;
    }

    /// <summary>The length of the client's whole handshake in <paramref name="b"/>, or 0 while it is incomplete.</summary>
    private int ClientHandshake(ReadOnlySpan<byte> b)
    {
        switch (ProxyKind)
        {
            case "socks5":
                {
                    if (b.Length < 2 || b.Length < 2 + b[1]) return 0;
                    var at = 2 + b[1];
                    // RFC 1929 user and password, when the proxy asked for them.
                    if (b.Length > at && b[at] == 1)
                    {
                        if (b.Length < at + 2 || b.Length < at + 2 + b[at + 1] + 1) return 0;
                        var passAt = at + 2 + b[at + 1];
                        if (b.Length < passAt + 1 + b[passAt]) return 0;
                        at = passAt + 1 + b[passAt];
                    }
                    if (b.Length < at + 5) return 0;
                    if (b[at] != 5) return Fail();
                    var (length, target) = SocksAddress(b[(at + 3)..]);
                    if (length == 0) return 0;
                    ProxyTarget = target;
                    return at + 3 + length;
                }
            case "socks4":
                {
                    var userEnd = b[8..].IndexOf((byte)0);
                    if (userEnd < 0) return 0;
                    var at = 8 + userEnd + 1;
                    var port = b[2] << 8 | b[3];
                    string host;
                    if (b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] != 0)
                    {
                        // SOCKS4a: the host name follows the user id.
                        var nameEnd = b[at..].IndexOf((byte)0);
                        if (nameEnd < 0) return 0;
                        host = System.Text.Encoding.ASCII.GetString(b.Slice(at, nameEnd));
                        at += nameEnd + 1;
                    }
                    else host = new System.Net.IPAddress(b.Slice(4, 4)).ToString();
                    ProxyTarget = $"{host}:{port}";
                    return at;
                }
            default:
                {
                    var end = b.IndexOf("\r\n\r\n"u8);
                    if (end < 0) return 0;
                    var line = System.Text.Encoding.ASCII.GetString(b[..b.IndexOf("\r\n"u8)]).Split(' ');
                    if (line.Length >= 2) ProxyTarget = line[1];
                    return end + 4;
                }
        }
    }

    /// <summary>The length of the proxy's whole answer in <paramref name="b"/>, or 0 while it is incomplete.</summary>
    private int ServerHandshake(ReadOnlySpan<byte> b)
    {
        switch (ProxyKind)
        {
            case "socks5":
                {
                    if (b.Length < 2) return 0;
                    var at = 2;
                    if (b[1] == 2)
                    {
                        if (b.Length < at + 2) return 0;
                        at += 2;
                    }
                    if (b.Length < at + 5) return 0;
                    var (length, _) = SocksAddress(b[(at + 3)..]);
                    return length == 0 ? 0 : at + 3 + length;
                }
            case "socks4":
                return b.Length >= 8 ? 8 : 0;
            default:
                {
                    var end = b.IndexOf("\r\n\r\n"u8);
                    return end < 0 ? 0 : end + 4;
                }
        }
    }

    private int Fail()
    {
        ProxyKind = null;
        _a.Proxy = _b.Proxy = ProxyPhase.Done;
        _a.Ignored = _b.Ignored = true;
        return 0;
    }

    /// <summary>A SOCKS5 address (type, address, port): its length and "host:port"; 0 while incomplete.</summary>
    private static (int Length, string? Target) SocksAddress(ReadOnlySpan<byte> b)
    {
        if (b.IsEmpty) return (0, null);
        int length;
        string host;
        switch (b[0])
        {
            case 1:
                length = 1 + 4 + 2;
                if (b.Length < length) return (0, null);
                host = new System.Net.IPAddress(b.Slice(1, 4)).ToString();
                break;
            case 3:
                if (b.Length < 2) return (0, null);
                length = 2 + b[1] + 2;
                if (b.Length < length) return (0, null);
                host = System.Text.Encoding.ASCII.GetString(b.Slice(2, b[1]));
                break;
            case 4:
                length = 1 + 16 + 2;
                if (b.Length < length) return (0, null);
                host = "[" + new System.Net.IPAddress(b.Slice(1, 16)) + "]";
                break;
            default:
                return (0, null);
        }
        return (length, $"{host}:{b[length - 2] << 8 | b[length - 1]}");
    }

    /// <summary>Set when the stream is a cryptocurrency node's peer-to-peer protocol: node traffic, not mining.</summary>
    public string? NodeNetwork { get; private set; }

    /// <summary>
    /// Bitcoin's message start (main, test, signet, regtest) followed by a command name, or Monero's levin signature,
    /// anywhere in the first bytes seen (a capture may begin mid-message).
    /// </summary>
    private static string? NodeProtocol(ReadOnlySpan<byte> data)
    {
        foreach (var magic in BitcoinMagics)
        {
            var at = data.IndexOf(magic);
            if (at >= 0 && at + 16 <= data.Length && IsCommand(data.Slice(at + 4, 12))) return "bitcoin";
        }
        return data.IndexOf("\x01\x21\x01\x01\x01\x01\x01\x01"u8) >= 0 ? "monero" : null;
    }

    private static readonly byte[][] BitcoinMagics = [[0xF9, 0xBE, 0xB4, 0xD9], [0x0B, 0x11, 0x09, 0x07], [0x0A, 0x03, 0xCF, 0x40], [0xFA, 0xBF, 0xB5, 0xDA]];

    /// <summary>A Bitcoin command: lower-case ASCII letters padded with NULs to 12 bytes.</summary>
    private static bool IsCommand(ReadOnlySpan<byte> command)
    {
        var end = command.IndexOf((byte)0);
        if (end <= 0) return false;
        foreach (var c in command[..end]) if (c is < (byte)'a' or > (byte)'z') return false;
        return command[end..].IndexOfAnyExcept((byte)0) < 0;
    }

    /// <summary>Bytes were lost: the partial line cannot be completed.</summary>
    public void Gap(Side side) => side.Line.Clear();

    private bool Classify(Side side, ReadOnlySpan<byte> data, DateTimeOffset time)
    {
        var first = side.Probed == 0;
        if (first) side.FirstChunk = data.Length;
        side.Probed += data.Length;
        if (side.Tls)
        {
            TlsData(side, data);
            return false;
        }
        if (first && StratumV2.StartsConnection(data))
        {
            side.Classified = true;
            side.Sv2 = true;
            return true;
        }
        if (first && NodeProtocol(data) is { } network)
        {
            NodeNetwork ??= network;
            side.Ignored = true;
            return false;
        }
        if (first && TlsClientHello.LooksLikeTls(data))
        {
            side.Tls = true;
            TlsData(side, data);
            return false;
        }
        if (first && (data.StartsWith("POST "u8) || data.StartsWith("GET "u8) || data.StartsWith("HTTP/1."u8)))
        {
            side.Classified = true;
            side.Http = true;
            return true;
        }
        // A JSON line at the start, or (a capture begun mid-stream) at the start of a later line.
        var start = data.IndexOfAnyExcept(" \t\r\n"u8);
        // The first data seen is taken as a line start; later data is one when the data before it ended a line.
        if ((first || side.AtLineStart) && start >= 0 && data[start] == (byte)'{')
        {
            side.Classified = true;
            return true;
        }
        side.AtLineStart = data.Length > 0 && data[^1] == (byte)'\n';
        if (!LooksTextual(data))
        {
            side.Ignored = true;
            return false;
        }
        var rest = data;
        while (rest.IndexOf((byte)'\n') is var newline && newline >= 0)
        {
            rest = rest[(newline + 1)..];
            var at = rest.IndexOfAnyExcept(" \t\r\n"u8);
            if (at >= 0 && rest[at] == (byte)'{')
            {
                side.Classified = true;
                Data(side, rest, time);
                return false;
            }
        }
        if (side.Probed >= ProbeBytes) side.Ignored = true;
        return false;
    }

    /// <summary>Text has no control bytes other than tabs and line ends; a binary or encrypted stream has many.</summary>
    private static bool LooksTextual(ReadOnlySpan<byte> data)
    {
        foreach (var b in data[..Math.Min(64, data.Length)])
            if (b < 0x09 || b is > 0x0D and < 0x20 || b == 0x7F) return false;
        return true;
    }

    /// <summary>A TLS ClientHello may span segments (large key shares): gather its first record, then read the server name.</summary>
    private void TlsData(Side side, ReadOnlySpan<byte> data)
    {
        side.Line.AddRange(data[..Math.Min(data.Length, MaxTlsRecord - side.Line.Count)]);
        var buffer = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(side.Line);
        var needed = buffer.Length >= 5 ? 5 + (buffer[3] << 8 | buffer[4]) : MaxTlsRecord;
        if (buffer.Length < Math.Min(needed, MaxTlsRecord)) return;
        ServerName ??= TlsClientHello.ServerName(buffer);
        side.Ignored = true;
        side.Line.Clear();
    }

    private const int MaxTlsRecord = 5 + 16384;

    /// <summary>
    /// HTTP/1.x messages, one after another on the connection: the headers (the worker in Basic authorization or the
    /// path, X-Mining-Extensions from a miner, X-Stratum from a pool) and a JSON-RPC body of Content-Length bytes.
    /// </summary>
    private void HttpData(Side side, ReadOnlySpan<byte> data, DateTimeOffset time)
    {
        if (!Gather(side, data)) return;
        while (true)
        {
            var buffer = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(side.Line);
            var end = buffer.IndexOf("\r\n\r\n"u8);
            if (end < 0) return;
            var head = HttpHead.Parse(buffer[..end]);
            if (head is null)
            {
                side.Ignored = true;
                side.Line.Clear();
                return;
            }
            var total = end + 4 + head.ContentLength;
            if (buffer.Length < total) return;
            HttpMessage(side, head, buffer.Slice(end + 4, head.ContentLength), time);
            side.Line.RemoveRange(0, total);
            if (side.Ignored) return;
            if (head.Status == 101 && head.Upgrade?.Equals("websocket", StringComparison.OrdinalIgnoreCase) == true)
            {
                // The connection now carries WebSocket frames both ways; what followed the reply already is the first.
                var other = Other(side);
                foreach (var s in new[] { side, other })
                {
                    s.Http = false;
                    s.WebSocket = true;
                    s.Classified = true;
                }
                var rest = side.Line.ToArray();
                side.Line.Clear();
                if (rest.Length > 0) WebSocketData(side, rest, time);
                return;
            }
        }
    }

    private const int MaxHttp = 1 << 20;

    /// <summary>Adds data to the side's buffer of unparsed bytes; beyond <see cref="MaxHttp"/> it is no protocol we read, and the side is dropped.</summary>
    private static bool Gather(Side side, ReadOnlySpan<byte> data)
    {
        if (side.Line.Count + data.Length > MaxHttp)
        {
            side.Ignored = true;
            side.Line.Clear();
            return false;
        }
        side.Line.AddRange(data);
        return true;
    }

    private void HttpMessage(Side side, HttpHead head, ReadOnlySpan<byte> body, DateTimeOffset time)
    {
        var other = Other(side);
        if (head.MiningExtensions is not null || head.Stratum is not null)
        {
            Protocol ??= MiningProtocol.HttpGetwork;
            Miner ??= head.IsRequest ? side.Endpoint : other.Endpoint;
            Methods.Add(head.MiningExtensions is not null ? $"X-Mining-Extensions: {head.MiningExtensions}" : $"X-Stratum: {head.Stratum}");
        }
        if (head.IsRequest)
        {
            PoolHost ??= head.Host;
            // Each request names its miner afresh (Basic authorization, a wallet path, a miner= query), and one
            // connection may carry several: they count as logins once the connection shows it is mining.
            var query = MinerQuery(head.Target);
            if (RequestUser(head, query.Login) is { } user)
            {
                HttpUser = user;
                _httpUsers.Add((user, time));
            }
            if (query.Rate is { } rate) ReportedHashrate = rate;
        }
        // The request's user before its body's share is counted, when the connection is known to mine already...
        if (Protocol == MiningProtocol.HttpGetwork) TakeHttpUsers();
        // Over HTTP only the getwork family counts: a web API may well have a method called login or submit.
        if (body.Length > 0 && MiningMessage.Parse(body) is { Protocol: MiningProtocol.HttpGetwork or MiningProtocol.EthProxy } message)
            Take(side, message with { Protocol = MiningProtocol.HttpGetwork }, time);
        // ...and every user seen so far once this body shows it.
        if (Protocol == MiningProtocol.HttpGetwork) TakeHttpUsers();
    }

    /// <summary>
    /// WebSocket frames (RFC 6455): the client's are masked; a text message may come in fragments. Each complete
    /// text message is read as a line; binary, ping, pong and close frames are passed over.
    /// </summary>
    private void WebSocketData(Side side, ReadOnlySpan<byte> data, DateTimeOffset time)
    {
        if (!Gather(side, data)) return;
        var buffer = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(side.Line);
        var consumed = 0;
        while (true)
        {
            var frame = buffer[consumed..];
            if (frame.Length < 2) break;
            var fin = (frame[0] & 0x80) != 0;
            var opcode = frame[0] & 0x0F;
            var masked = (frame[1] & 0x80) != 0;
            long length = frame[1] & 0x7F;
            var at = 2;
            if (length == 126)
            {
                if (frame.Length < 4) break;
                length = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(frame[2..]);
                at = 4;
            }
            else if (length == 127)
            {
                if (frame.Length < 10) break;
                length = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(frame[2..]);
                at = 10;
            }
            if (length is < 0 or > MaxHttp || (frame[0] & 0x70) != 0 || opcode is > 2 and < 8 or > 10 || side.Message.Count + length > MaxHttp)
            {
                // Not WebSocket after all, or a message too large to be a miner's: stop reading this side.
                side.Ignored = true;
                side.Line.Clear();
                side.Message.Clear();
                return;
            }
            var maskAt = at;
            if (masked) at += 4;
            if (frame.Length < at + length) break;
            var payload = frame.Slice(at, (int)length);
            if (opcode is 0 or 1 && (opcode == 1 || side.Message.Count > 0))
            {
                var start = side.Message.Count;
                side.Message.AddRange(payload);
                if (masked)
                {
                    var key = frame.Slice(maskAt, 4);
                    var message = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(side.Message);
                    for (var i = 0; i < payload.Length; i++) message[start + i] ^= key[i & 3];
                }
                if (fin)
                {
                    foreach (var line in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(side.Message).Split((byte)'\n'))
                        Line(side, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(side.Message)[line], time);
                    side.Message.Clear();
                }
            }
            consumed += at + (int)length;
        }
        side.Line.RemoveRange(0, consumed);
    }

    /// <summary>Stratum v2 frames, one after another; a frame that does not parse ends the reading of this side.</summary>
    private void Sv2Data(Side side, ReadOnlySpan<byte> data, DateTimeOffset time)
    {
        if (!Gather(side, data)) return;
        var consumed = 0;
        var buffer = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(side.Line);
        while (buffer.Length - consumed >= StratumV2.HeaderLength)
        {
            if (!StratumV2.TryHeader(buffer[consumed..], out var type, out var length, out _))
            {
                side.Ignored = true;
                break;
            }
            if (buffer.Length - consumed < StratumV2.HeaderLength + length) break;
            if (StratumV2.Read(type, buffer.Slice(consumed + StratumV2.HeaderLength, length)) is { } message) Take(side, message, time);
            consumed += StratumV2.HeaderLength + length;
        }
        side.Line.RemoveRange(0, Math.Min(consumed, side.Line.Count));
        if (side.Ignored) side.Line.Clear();
    }

    /// <summary>The latest request's user: of Basic authorization, a wallet path or a miner= query.</summary>
    public string? HttpUser { get; private set; }

    private void TakeHttpUsers()
    {
        foreach (var (user, at) in _httpUsers)
        {
            _current = Use(user, at);
            Login = user;
        }
        _httpUsers.Clear();
    }

    private static string? RequestUser(HttpHead head, string? queryLogin)
    {
        if (head.User is { Length: > 0 } basic) return basic;
        if (queryLogin is not null) return queryLogin;
        var path = head.Target.Split('?', 2)[0].Trim('/');
        return path.Length > 0 && path.Split('/', '.').Any(Detection.Login.IsWallet) ? path : null;
    }

    /// <summary>
    /// The getwork miners' query form `?miner=HASHRATE@WALLET@RIG` (qtminer and ethminer's HTTP mode for pools such as
    /// ethpool): the login as WALLET.RIG, and the hash rate the miner declares in MH/s.
    /// </summary>
    private static (string? Login, double? Rate) MinerQuery(string target)
    {
        var q = target.IndexOf('?');
        if (q < 0) return (null, null);
        foreach (var pair in target[(q + 1)..].Split('&'))
        {
            if (!pair.StartsWith("miner=", StringComparison.Ordinal)) continue;
            var parts = Uri.UnescapeDataString(pair["miner=".Length..]).Split('@');
            var wallet = parts.FirstOrDefault(Detection.Login.IsWallet);
            if (wallet is null) return (null, null);
            var at = Array.IndexOf(parts, wallet);
            var rig = at + 1 < parts.Length && parts[at + 1].Length > 0 ? "." + parts[at + 1] : "";
            double? rate = at > 0 && double.TryParse(parts[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var mh)
                && mh > 0 && double.IsFinite(mh) ? mh * 1e6 : null;
            return (wallet + rig, rate);
        }
        return (null, null);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Line(Side side, ReadOnlySpan<byte> line, DateTimeOffset time)
    {
        if (line.IsEmpty || line.IndexOfAnyExcept(" \t\r"u8) < 0) return;
        var message = MiningMessage.Parse(line, out var malformed);
        if (message is null)
        {
            if (malformed) MalformedLines++;
            // The Electrum wallet protocol is JSON-RPC lines too: a wallet asking its server about addresses and
            // headers (blockchain.*, server.*), not a miner. Listed with node traffic.
            else if (Protocol is null && (line.IndexOf("\"blockchain."u8) >= 0 || line.IndexOf("\"server.version\""u8) >= 0 || line.IndexOf("\"server.features\""u8) >= 0))
                NodeNetwork ??= "electrum";
            return;
        }
        Take(side, message, time);
    }

    private void Take(Side side, MiningMessage message, DateTimeOffset time)
    {
        Protocol = Protocol is null or MiningProtocol.Stratum ? message.Protocol : Protocol;
        Methods.Add(message.Method);
        var other = side == _a ? _b : _a;
        Miner ??= message.FromMiner ? side.Endpoint : other.Endpoint;
        if (message.Login is not null)
        {
            Login = message.Login;
            _current = Use(message.Login, time);
        }
        WorkerField ??= message.WorkerField;
        Agent ??= message.Agent;
        Algorithm ??= message.Algorithm;
        PoolHost ??= message.PoolHost;
        if (message.HashesPerShare is { } h) _hashesPerShare = h;
        if (message.ReportedHashrate is { } r) ReportedHashrate = r;
        if (message.IsShare)
        {
            // A submit that names its worker counts under it (and gives the login of a capture begun mid-session).
            if ((message.SubmittedBy is { Length: > 0 } named ? named : _current?.Login) is { } by)
            {
                Use(by, time).Shares++;
                Login ??= by;
            }
            Shares++;
            if (_hashesPerShare is { } perShare) ShareHashes += perShare;
            if (time < FirstShare) FirstShare = time;
            if (time > LastShare) LastShare = time;
        }
    }

    internal sealed class Side(Endpoint endpoint)
    {
        private const int KeptSizes = 256;
        public Endpoint Endpoint { get; } = endpoint;
        /// <summary>Segments that carried data, and their bytes: the shape of the flow when its content cannot be read.</summary>
        public long DataSegments { get; private set; }
        public long DataBytes { get; private set; }
        /// <summary>The first payload sizes (a sample for the median).</summary>
        public List<int> Sizes { get; } = [];

        public void Count(int payload)
        {
            if (payload == 0) return;
            DataSegments++;
            DataBytes += payload;
            if (Sizes.Count < KeptSizes) Sizes.Add(payload);
        }

        public TcpDirectionState Tcp { get; } = new();
        public List<byte> Line { get; } = [];
        public bool Classified { get; set; }
        public bool Http { get; set; }
        public bool Tls { get; set; }
        public bool AtLineStart { get; set; }
        public bool WebSocket { get; set; }
        /// <summary>A WebSocket text message being put together from its fragments.</summary>
        public List<byte> Message { get; } = [];
        public bool Finished { get; set; }
        public bool Sv2 { get; set; }
        /// <summary>Length of the first data this side sent (a Noise handshake opens with fixed lengths).</summary>
        public int FirstChunk { get; set; }
        public bool Ignored { get; set; }
        public int Probed { get; set; }
        public ProxyPhase Proxy { get; set; }
        /// <summary>A proxy handshake's bytes until it is whole.</summary>
        public List<byte> ProxyBuffer { get; } = [];
    }
}

/// <summary>The reassembly state of one direction, kept beside its parsing state.</summary>
internal sealed class TcpDirectionState
{
    public Flows.TcpDirection Stream { get; } = new();
}

/// <summary>One login on a connection: when it was first and last used, and the shares submitted under it.</summary>
internal sealed class LoginUse(string login, DateTimeOffset firstSeen)
{
    public string Login { get; } = login;
    public DateTimeOffset FirstSeen { get; set; } = firstSeen;
    public DateTimeOffset LastSeen { get; set; } = firstSeen;
    public long Shares { get; set; }
}

/// <summary>Where a side is in a proxy handshake: not yet known, the client's or the proxy's part, or past it.</summary>
internal enum ProxyPhase : byte
{
    Unknown,
    Client,
    Server,
    Done,
}
