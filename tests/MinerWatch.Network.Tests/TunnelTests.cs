using System.Net;
using MinerWatch.Network.Detection;

namespace MinerWatch.Network.Tests;

/// <summary>
/// Captures as operators and clouds take them: a Stratum session wrapped by the test in each tunnel a monitoring port
/// delivers (remote SPAN, cloud traffic mirroring, provider links, mobile cores), nested too. The finding names the
/// inner hosts, and the summary counts what each tunnel carried.
/// </summary>
public class TunnelTests
{
    private static readonly DateTimeOffset Start = new(2026, 4, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly IPEndPoint Miner = new(IPAddress.Parse("10.77.1.20"), 51000);
    private static readonly IPEndPoint Pool = new(IPAddress.Parse("198.51.100.77"), 3333);
    private static readonly IPAddress SensorA = IPAddress.Parse("192.0.2.1"), SensorB = IPAddress.Parse("192.0.2.2");
    private const string Worker = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq.tunnel";

    /// <summary>The inner session: subscribe, authorize, difficulty, three submits, as IP packets.</summary>
    private static IEnumerable<(double Seconds, byte[] Ip)> Session()
    {
        uint up = 1, down = 1;
        (double, byte[]) Up(double t, string line)
        {
            var ip = PcapWriter.IpTcp(Miner, Pool, up, 0x18, line + "\n");
            up += (uint)line.Length + 1;
            return (t, ip);
        }
        (double, byte[]) Down(double t, string line)
        {
            var ip = PcapWriter.IpTcp(Pool, Miner, down, 0x18, line + "\n");
            down += (uint)line.Length + 1;
            return (t, ip);
        }
        yield return Up(0, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"cgminer/4.12\"]}");
        yield return Up(1, $"{{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"{Worker}\",\"x\"]}}");
        yield return Down(2, "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[64]}");
        for (var i = 0; i < 3; i++) yield return Up(10 + 10 * i, $"{{\"id\":{10 + i},\"method\":\"mining.submit\",\"params\":[\"{Worker}\",\"j{i}\",\"00\",\"5f\",\"de\"]}}");
    }

    private static byte[] Outer(byte protocol, byte[] payload) =>
        PcapWriter.Ethernet(PcapWriter.Ip(new IPEndPoint(SensorA, 0), new IPEndPoint(SensorB, 0), protocol, payload), false);

    private static byte[] OuterUdp(int port, byte[] payload) => Outer(17, PcapWriter.UdpDatagram(40000, port, payload));

    private static byte[] Gre(byte flags, ushort type, byte[] extra, byte[] payload) => [flags, 0, (byte)(type >> 8), (byte)type, .. extra, .. payload];

    private static byte[] Eth(byte[] ip) => PcapWriter.Ethernet(ip, ip[0] >> 4 == 6);

    public static TheoryData<string, string[]> Tunnels() => new()
    {
        { "gre-ip", ["gre"] },
        { "gre-key-sequence-ethernet", ["gre"] },
        { "erspan-i", ["gre", "erspan-i"] },
        { "erspan-ii", ["gre", "erspan-ii", "vlan"] },
        { "erspan-iii", ["gre", "erspan-iii"] },
        { "erspan-iii-platform", ["gre", "erspan-iii"] },
        { "vxlan", ["vxlan"] },
        { "geneve", ["geneve"] },
        { "mpls", ["mpls"] },
        { "mpls-pseudowire", ["mpls"] },
        { "gtp-u", ["gtp-u"] },
        { "gtp-u-extension", ["gtp-u"] },
        { "pppoe", ["pppoe"] },
        { "ip-in-ip", ["ipv4-in-ip"] },
        { "vxlan-in-erspan", ["gre", "erspan-ii", "vxlan"] },
        { "gtp-u-over-mpls", ["mpls", "gtp-u"] },
    };

    private static byte[] Wrap(string tunnel, byte[] ip, int n) => tunnel switch
    {
        "gre-ip" => Outer(47, Gre(0, 0x0800, [], ip)),
        "gre-key-sequence-ethernet" => Outer(47, Gre(0x30, 0x6558, [0, 0, 0, 42, 0, 0, 0, (byte)n], Eth(ip))),
        "erspan-i" => Outer(47, Gre(0, 0x88BE, [], Eth(ip))),
        // Type II: GRE with a sequence number, an 8-byte ERSPAN header (version 1, VLAN 20, session 7); the mirrored frame kept its tag.
        "erspan-ii" => Outer(47, Gre(0x10, 0x88BE, [0, 0, 0, (byte)n], [0x10, 0x14, 0x00, 0x07, 0, 0, 0, 0, .. PcapWriter.Ethernet(ip, false, vlan: 20)])),
        "erspan-iii" => Outer(47, Gre(0x10, 0x22EB, [0, 0, 0, (byte)n], [0x20, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 0, .. Eth(ip)])),
        "erspan-iii-platform" => Outer(47, Gre(0x10, 0x22EB, [0, 0, 0, (byte)n], [0x20, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 1, 0x08, 0, 0, 0, 0, 0, 0, 0, .. Eth(ip)])),
        "vxlan" => OuterUdp(4789, [0x08, 0, 0, 0, 0, 0x12, 0x34, 0, .. Eth(ip)]),
        // Geneve with one 4-byte option, carrying Ethernet (AWS's Gateway Load Balancer uses Geneve).
        "geneve" => OuterUdp(6081, [0x01, 0, 0x65, 0x58, 0, 0, 0x0a, 0, 0x01, 0x08, 0x01, 0x00, .. Eth(ip)]),
        "mpls" => [.. new byte[12], 0x88, 0x47, 0x00, 0x01, 0x00, 0x40, 0x00, 0x02, 0x01, 0x40, .. ip],
        "mpls-pseudowire" => [.. new byte[12], 0x88, 0x47, 0x00, 0x03, 0x01, 0x40, 0, 0, 0, (byte)n, .. Eth(ip)],
        "gtp-u" => OuterUdp(2152, [0x30, 0xFF, (byte)(ip.Length >> 8), (byte)ip.Length, 0, 0, 0x10, 0x01, .. ip]),
        // With a sequence number and a PDU session container extension header (5G).
        "gtp-u-extension" => OuterUdp(2152, [0x36, 0xFF, 0, 0, 0, 0, 0x10, 0x01, 0, (byte)n, 0, 0x85, 0x01, 0x10, 0x09, 0x00, .. ip]),
        "pppoe" => [.. new byte[12], 0x88, 0x64, 0x11, 0x00, 0x00, 0x01, 0, 0, 0x00, 0x21, .. ip],
        "ip-in-ip" => Outer(4, ip),
        "vxlan-in-erspan" => Outer(47, Gre(0x10, 0x88BE, [0, 0, 0, (byte)n], [0x10, 0, 0, 7, 0, 0, 0, 0, .. Eth(PcapWriter.Ip(new IPEndPoint(SensorA, 0), new IPEndPoint(SensorB, 0), 17,
            PcapWriter.UdpDatagram(40001, 4789, [0x08, 0, 0, 0, 0, 0, 9, 0, .. Eth(ip)])))])),
        "gtp-u-over-mpls" => [.. new byte[12], 0x88, 0x47, 0x00, 0x05, 0x01, 0x40, .. PcapWriter.Ip(new IPEndPoint(SensorA, 0), new IPEndPoint(SensorB, 0), 17,
            PcapWriter.UdpDatagram(2152, 2152, [0x30, 0xFF, 0, 0, 0, 0, 0, 1, .. ip]))],
        _ => throw new ArgumentException(tunnel),
    };


    [Theory]
    [MemberData(nameof(Tunnels))]
    public void A_stratum_session_in_a_tunnel_is_found_on_its_inner_hosts(string tunnel, string[] counted)
    {
        var w = new PcapWriter(false, false);
        var n = 0;
        foreach (var (seconds, ip) in Session()) w.Raw(Start.AddSeconds(seconds), Wrap(tunnel, ip, n++));

        var result = w.Scan();

        var finding = Assert.Single(result.Findings);
        Assert.Equal("10.77.1.20", finding.Host);
        Assert.Equal("198.51.100.77:3333", finding.Peer);
        Assert.Equal("tunnel", finding.Worker);
        Assert.Equal(3, finding.SharesSubmitted);
        Assert.Equal(counted.Order(), result.Summary.Encapsulations.Keys.Order());
        Assert.All(result.Summary.Encapsulations.Values, v => Assert.Equal(6, v));
        Assert.Equal(0, result.Summary.Malformed);
        Assert.Empty(result.Summary.Problems);
    }

    /// <summary>Every tunnel's frames with bytes overwritten or cut short: decoded, counted as damaged or passed over, never a crash.</summary>
    [Theory]
    [MemberData(nameof(Tunnels))]
    public void Damaged_tunnel_frames_never_crash_the_decoder(string tunnel, string[] counted)
    {
        Assert.NotEmpty(counted);
        var rng = new Random(tunnel.Length);
        var frames = Session().Select((p, n) => Wrap(tunnel, p.Ip, n)).ToList();
        for (var i = 0; i < 300; i++)
        {
            var w = new PcapWriter(false, false);
            foreach (var original in frames)
            {
                var frame = (byte[])original.Clone();
                for (var k = rng.Next(1, 5); k > 0; k--) frame[rng.Next(frame.Length)] = (byte)rng.Next(256);
                if (rng.Next(4) == 0) frame = frame[..rng.Next(1, frame.Length)];
                w.Raw(Start.AddSeconds(i), frame);
            }
            var result = w.Scan();
            Assert.Equal(frames.Count, result.Summary.Packets);
        }
    }

    [Fact]
    public void A_tunnel_whose_inside_is_not_read_is_reported_not_passed_over_in_silence()
    {
        var w = new PcapWriter(false, false);
        var n = 0;
        // PPTP's enhanced GRE (version 1) carries PPP, which is not read.
        foreach (var (seconds, ip) in Session()) w.Raw(Start.AddSeconds(seconds + n++), Outer(47, [0x30, 0x01, 0x88, 0x0B, 0, 0, 0, 0, 0, 0, 0, 1, .. ip]));

        var result = w.Scan();

        Assert.Empty(result.Findings);
        Assert.Equal(6, result.Summary.UndecodedTunnels);
        Assert.StartsWith("6 packets came through a tunnel whose inner protocol is not read", Assert.Single(result.Summary.Problems));
    }

    [Fact]
    public void Tunnels_nested_without_end_stop_at_a_depth_and_count_as_damaged()
    {
        var ip = PcapWriter.IpTcp(Miner, Pool, 1, 0x18, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}\n");
        for (var i = 0; i < 40; i++) ip = PcapWriter.Ip(new IPEndPoint(SensorA, 0), new IPEndPoint(SensorB, 0), 4, ip);
        var w = new PcapWriter(false, false);
        w.Raw(Start, PcapWriter.Ethernet(ip, false));

        var result = w.Scan();

        Assert.Empty(result.Findings);
        Assert.Equal(1, result.Summary.Malformed);
    }

    [Fact]
    public void A_client_datagram_from_a_tunnel_port_that_is_no_tunnel_stays_an_ordinary_datagram()
    {
        // A DNS answer sent to a resolver client that happened to use port 4789: not VXLAN (no I flag), read as DNS.
        var w = new PcapWriter(false, false);
        w.Udp(Start, new IPEndPoint(IPAddress.Parse("10.77.1.1"), 53), new IPEndPoint(Miner.Address, 4789), PcapWriter.DnsAnswer("xmr.pool.minergate.com", Pool.Address));
        w.Tcp(Start.AddSeconds(1), Miner, new IPEndPoint(Pool.Address, 443), 1, 0x18, PcapWriter.ClientHello("www.example.org"));

        var result = w.Scan();

        Assert.Empty(result.Summary.Encapsulations);
        Assert.Equal("xmr.pool.minergate.com", Assert.Single(result.Findings).Pool);
    }
}

/// <summary>Miners behind proxies: the handshake read, the mining session inside found, the pool asked for named.</summary>
public class ProxyTests
{
    private static readonly DateTimeOffset Start = new(2026, 4, 2, 9, 0, 0, TimeSpan.Zero);
    private const string Monero = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";


    /// <summary>A client and a proxy: the handshake's messages, then an xmrig session, each message its own segment (or the client's first two in one).</summary>
    private static NetworkScanResult ScanSession(IPEndPoint proxy, byte[][] clientHandshake, byte[][] proxyHandshake, string? tls = null)
    {
        var client = new IPEndPoint(IPAddress.Parse("10.88.0.5"), 52100);
        var w = new PcapWriter(false, false);
        uint up = 1, down = 1;
        var t = 0.0;
        void Up(byte[] b) { w.Tcp(Start.AddSeconds(t += 0.1), client, proxy, up, 0x18, b); up += (uint)b.Length; }
        void Down(byte[] b) { w.Tcp(Start.AddSeconds(t += 0.1), proxy, client, down, 0x18, b); down += (uint)b.Length; }
        for (var i = 0; i < Math.Max(clientHandshake.Length, proxyHandshake.Length); i++)
        {
            if (i < clientHandshake.Length) Up(clientHandshake[i]);
            if (i < proxyHandshake.Length) Down(proxyHandshake[i]);
        }
        if (tls is not null)
        {
            Up(PcapWriter.ClientHello(tls));
            return w.Scan();
        }
        static byte[] Line(string s) => System.Text.Encoding.ASCII.GetBytes(s + "\n");
        Up(Line($"{{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":{{\"login\":\"{Monero}\",\"pass\":\"x\",\"agent\":\"XMRig/6.21.0\"}}}}"));
        Down(Line("{\"id\":1,\"jsonrpc\":\"2.0\",\"error\":null,\"result\":{\"id\":\"1\",\"job\":{\"blob\":\"0707\",\"job_id\":\"1\",\"target\":\"b88d0600\",\"algo\":\"rx/0\"},\"status\":\"OK\"}}"));
        t += 30;
        Up(Line("{\"id\":2,\"jsonrpc\":\"2.0\",\"method\":\"submit\",\"params\":{\"id\":\"1\",\"job_id\":\"1\",\"nonce\":\"01000000\",\"result\":\"ff\"}}"));
        return w.Scan();
    }

    private static byte[] Socks5Domain(string host, int port) => [5, 1, 0, 3, (byte)host.Length, .. System.Text.Encoding.ASCII.GetBytes(host), (byte)(port >> 8), (byte)port];

    [Fact]
    public void Xmrig_through_a_socks5_proxy_names_the_pool_it_asked_for()
    {
        var proxy = new IPEndPoint(IPAddress.Parse("10.88.0.1"), 1080);
        var finding = Assert.Single((ScanSession(proxy, [[5, 1, 0], Socks5Domain("pool.supportxmr.com", 3333)], [[5, 0], [5, 0, 0, 1, 10, 88, 0, 1, 0x9C, 0x40]])).Findings);

        Assert.Equal("10.88.0.5", finding.Host);
        Assert.Equal("10.88.0.1:1080", finding.Peer);
        Assert.Equal("xmrig-stratum", finding.Protocol);
        Assert.Equal("pool.supportxmr.com", finding.Pool);
        Assert.Equal(Monero, finding.Wallet);
        Assert.Equal(1, finding.SharesSubmitted);
        Assert.Equal("through a SOCKS5 proxy at 10.88.0.1:1080, asked to connect to pool.supportxmr.com:3333 (listed pool domain pool.supportxmr.com)",
            finding.Evidence.Single(e => e.Signal == "proxy").Detail);
    }

    [Fact]
    public void A_socks5_proxy_with_a_password_and_a_tor_hidden_service_is_read_too()
    {
        var tor = new IPEndPoint(IPAddress.Parse("127.0.0.1"), 9050);
        byte[] auth = [1, 4, .. "user"u8.ToArray(), 4, .. "pass"u8.ToArray()];
        const string onion = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvw.onion";
        // The greeting and the password in one segment, as a client that does not wait may send them.
        var finding = Assert.Single((ScanSession(tor, [[5, 1, 2, .. auth], Socks5Domain(onion, 3333)], [[5, 2, 1, 0], [5, 0, 0, 4, .. new byte[16], 0, 0]])).Findings);

        Assert.Equal(onion, finding.Pool);
        Assert.EndsWith(", a Tor hidden service", finding.Evidence.Single(e => e.Signal == "proxy").Detail);
        Assert.Equal(Monero, finding.Wallet);
    }

    [Fact]
    public void Socks4a_and_http_connect_proxies_are_read()
    {
        var socks4 = new IPEndPoint(IPAddress.Parse("10.88.0.2"), 1080);
        byte[] request = [4, 1, 0x0D, 0x05, 0, 0, 0, 1, .. "miner"u8.ToArray(), 0, .. "xmr.2miners.com"u8.ToArray(), 0];
        var viaSocks4 = Assert.Single((ScanSession(socks4, [request], [[0, 0x5A, 0, 0, 0, 0, 0, 0]])).Findings);
        Assert.Equal("xmr.2miners.com", viaSocks4.Pool);
        Assert.StartsWith("through a SOCKS4 proxy at 10.88.0.2:1080, asked to connect to xmr.2miners.com:3333", viaSocks4.Evidence.Single(e => e.Signal == "proxy").Detail);

        var squid = new IPEndPoint(IPAddress.Parse("10.88.0.3"), 3128);
        var connect = "CONNECT gulf.moneroocean.stream:10128 HTTP/1.1\r\nHost: gulf.moneroocean.stream:10128\r\nProxy-Authorization: Basic dTpw\r\n\r\n"u8.ToArray();
        var viaHttp = Assert.Single((ScanSession(squid, [connect], ["HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray()])).Findings);
        Assert.Equal("gulf.moneroocean.stream", viaHttp.Pool);
        Assert.Equal("xmrig-stratum", viaHttp.Protocol);
        Assert.StartsWith("through a HTTP CONNECT proxy", viaHttp.Evidence.Single(e => e.Signal == "proxy").Detail);
    }

    [Fact]
    public void Tls_to_a_listed_pool_through_a_proxy_is_found_by_the_name_asked_for()
    {
        var squid = new IPEndPoint(IPAddress.Parse("10.88.0.3"), 3128);
        var connect = "CONNECT xmr.pool.minergate.com:443 HTTP/1.1\r\n\r\n"u8.ToArray();
        var finding = Assert.Single((ScanSession(squid, [connect], ["HTTP/1.0 200 OK\r\n\r\n"u8.ToArray()], tls: "xmr.pool.minergate.com")).Findings);
        Assert.Equal("tls", finding.Protocol);
        Assert.Equal("xmr.pool.minergate.com", finding.Pool);
    }

    [Fact]
    public void A_web_browser_through_a_proxy_is_not_a_finding()
    {
        var squid = new IPEndPoint(IPAddress.Parse("10.88.0.3"), 3128);
        var connect = "CONNECT www.example.org:443 HTTP/1.1\r\n\r\n"u8.ToArray();
        var result = (ScanSession(squid, [connect], ["HTTP/1.1 200 OK\r\n\r\n"u8.ToArray()], tls: "www.example.org"));
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void An_electrum_wallet_talking_to_its_server_is_node_traffic_not_mining()
    {
        var wallet = new IPEndPoint(IPAddress.Parse("10.88.0.9"), 53333);
        var server = new IPEndPoint(IPAddress.Parse("203.0.113.50"), 50001);
        var w = new PcapWriter(false, false);
        var hello = "{\"jsonrpc\":\"2.0\",\"method\":\"server.version\",\"params\":[\"electrum/4.5.5\",\"1.4\"],\"id\":0}\n";
        var subscribe = "{\"jsonrpc\":\"2.0\",\"method\":\"blockchain.scripthash.subscribe\",\"params\":[\"8b01df4e368ea28f8dc0423bcf7a4923e3a12d307c875e47a0cfbf90b5c39161\"],\"id\":1}\n";
        w.Tcp(Start, wallet, server, 1, 0x18, hello);
        w.Tcp(Start.AddSeconds(0.1), server, wallet, 1, 0x18, "{\"jsonrpc\":\"2.0\",\"result\":[\"ElectrumX 1.16.0\",\"1.4\"],\"id\":0}\n");
        w.Tcp(Start.AddSeconds(0.2), wallet, server, 1 + (uint)hello.Length, 0x18, subscribe);

        var result = w.Scan();

        Assert.Empty(result.Findings);
        var node = Assert.Single(result.NodeTraffic);
        Assert.Equal("electrum", node.Network);
        Assert.Equal("10.88.0.9:53333", node.Client);
    }
}
