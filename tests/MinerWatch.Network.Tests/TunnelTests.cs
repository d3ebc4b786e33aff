using System.Net;
using MinerWatch.Network.Capture;
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

    private static NetworkScanResult Scan(byte[] capture)
    {
        var scanner = new NetworkScanner();
        using var reader = CaptureReader.Open(new MemoryStream(capture), "tunnel");
        while (reader.TryRead(out var packet)) scanner.Add(packet);
        return scanner.Result();
    }

    [Theory]
    [MemberData(nameof(Tunnels))]
    public void A_stratum_session_in_a_tunnel_is_found_on_its_inner_hosts(string tunnel, string[] counted)
    {
        var w = new PcapWriter(false, false);
        var n = 0;
        foreach (var (seconds, ip) in Session()) w.Raw(Start.AddSeconds(seconds), Wrap(tunnel, ip, n++));

        var result = Scan(w.Bytes);

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
            var result = Scan(w.Bytes);
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

        var result = Scan(w.Bytes);

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

        var result = Scan(w.Bytes);

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

        var result = Scan(w.Bytes);

        Assert.Empty(result.Summary.Encapsulations);
        Assert.Equal("xmr.pool.minergate.com", Assert.Single(result.Findings).Pool);
    }
}
