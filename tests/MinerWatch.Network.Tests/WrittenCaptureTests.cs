using System.Net;
using MinerWatch.Network.Capture;
using MinerWatch.Network.Detection;

namespace MinerWatch.Network.Tests;

public class WrittenCaptureTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);


    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Stratum_over_ipv6_with_a_vlan_tag_and_segments_out_of_order_is_found_in_every_pcap_variant(bool bigEndian, bool nanoseconds)
    {
        var miner = new IPEndPoint(IPAddress.Parse("2001:db8::15"), 50123);
        var pool = new IPEndPoint(IPAddress.Parse("2001:db8:ffff::3"), 4444);
        var w = new PcapWriter(bigEndian, nanoseconds);
        const string subscribe = "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"cgminer/4.12\"]}\n";
        const string authorizeStart = "{\"id\":2,\"method\":\"mining.auth";
        const string authorizeEnd = "orize\",\"params\":[\"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq.lab3\",\"x\"]}\n";
        w.Tcp(Start, miner, pool, 1000, 0x02, "", vlan: 20);
        w.Tcp(Start.AddMilliseconds(1), miner, pool, 1001, 0x18, subscribe, vlan: 20);
        // The second half of authorize arrives before the first, and the first is then sent again.
        var second = 1001u + (uint)subscribe.Length;
        w.Tcp(Start.AddMilliseconds(3), miner, pool, second + (uint)authorizeStart.Length, 0x18, authorizeEnd, vlan: 20);
        w.Tcp(Start.AddMilliseconds(4), miner, pool, second, 0x18, authorizeStart, vlan: 20);
        w.Tcp(Start.AddMilliseconds(5), miner, pool, second, 0x18, authorizeStart, vlan: 20);
        w.Tcp(Start.AddMilliseconds(6), pool, miner, 9000, 0x18, "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[1024]}\n", vlan: 20);
        var at = second + (uint)(authorizeStart.Length + authorizeEnd.Length);
        for (var i = 0; i < 11; i++)
        {
            var submit = $"{{\"id\":{10 + i},\"method\":\"mining.submit\",\"params\":[\"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq.lab3\",\"j{i}\",\"00000000\",\"5f5e1000\",\"deadbeef\"]}}\n";
            w.Tcp(Start.AddSeconds(10 + 10 * i), miner, pool, at, 0x18, submit, vlan: 20);
            at += (uint)submit.Length;
        }

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal("2001:db8::15", finding.Host);
        Assert.Equal("[2001:db8:ffff::3]:4444", finding.Peer);
        Assert.Equal("stratum", finding.Protocol);
        Assert.Equal("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", finding.Wallet);
        Assert.Equal("lab3", finding.Worker);
        Assert.Equal("cgminer/4.12", finding.Agent);
        Assert.Equal(11, finding.SharesSubmitted);
        Assert.Equal(Start, finding.FirstSeen);
        // 11 shares of difficulty 1024 (1024 x 2^32 hashes each) over 100 s, counted as 10 intervals.
        Assert.Equal(1024 * 4294967296.0 * 10 / 100, finding.EstHashrateHs!.Value, 0);
    }

    [Fact]
    public void A_capture_begun_mid_session_is_found_from_jobs_and_submits_alone()
    {
        var miner = new IPEndPoint(IPAddress.Parse("10.1.2.3"), 40000);
        var pool = new IPEndPoint(IPAddress.Parse("198.51.100.7"), 443);
        var w = new PcapWriter(false, false);
        // The capture starts inside a line; the pool then pushes a job and the miner submits.
        w.Tcp(Start, pool, miner, 5000, 0x18, "b\":\"0707\",\"job_id\":\"1\"}}\n{\"jsonrpc\":\"2.0\",\"method\":\"job\",\"params\":{\"blob\":\"0707ab\",\"job_id\":\"2\",\"target\":\"b88d0600\",\"algo\":\"rx/0\"}}\n");
        w.Tcp(Start.AddSeconds(30), miner, pool, 100, 0x18, "{\"id\":7,\"jsonrpc\":\"2.0\",\"method\":\"submit\",\"params\":{\"id\":\"a\",\"job_id\":\"2\",\"nonce\":\"01000000\",\"result\":\"ff\"}}\n");

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal("10.1.2.3", finding.Host);
        Assert.Equal("198.51.100.7:443", finding.Peer);
        Assert.Equal("xmrig-stratum", finding.Protocol);
        Assert.Equal("rx/0", finding.Algorithm);
        Assert.Null(finding.Wallet);
        Assert.Equal(1, finding.SharesSubmitted);
    }

    [Fact]
    public void Json_rpc_that_is_not_mining_gives_no_finding()
    {
        var client = new IPEndPoint(IPAddress.Parse("10.0.0.8"), 51000);
        var node = new IPEndPoint(IPAddress.Parse("10.0.0.9"), 8545);
        var w = new PcapWriter(false, false);
        w.Tcp(Start, client, node, 1, 0x18, "{\"jsonrpc\":\"2.0\",\"method\":\"eth_blockNumber\",\"params\":[],\"id\":1}\n");
        w.Tcp(Start, node, client, 1, 0x18, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x10d4f\"}\n");
        w.Tcp(Start, client, node, 70, 0x18, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"submit\":1}}\n");

        Assert.Empty(w.Scan().Findings);
    }

    [Fact]
    public void Stratum_over_tls_is_found_by_its_server_name_or_the_dns_answer_for_the_pool()
    {
        var laptop = new IPEndPoint(IPAddress.Parse("10.20.0.44"), 53000);
        var resolver = new IPEndPoint(IPAddress.Parse("10.20.0.1"), 53);
        var pool = new IPEndPoint(IPAddress.Parse("203.0.113.5"), 443);
        var other = new IPEndPoint(IPAddress.Parse("203.0.113.9"), 443);
        var w = new PcapWriter(false, false);
        w.Udp(Start, resolver, new IPEndPoint(laptop.Address, 40001), PcapWriter.DnsAnswer("xmr.pool.minergate.com", pool.Address));
        // One connection names the pool in its hello; another reaches the address the DNS answer gave, naming nothing.
        w.Tcp(Start.AddSeconds(1), laptop, pool, 77, 0x02, "");
        w.Tcp(Start.AddSeconds(1.1), laptop, pool, 78, 0x18, PcapWriter.ClientHello("xmr.pool.minergate.com"));
        w.Tcp(Start.AddSeconds(2), new IPEndPoint(laptop.Address, 53001), other, 5, 0x18, PcapWriter.ClientHello("www.example.org"));

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal("10.20.0.44", finding.Host);
        Assert.Equal("203.0.113.5:443", finding.Peer);
        Assert.Equal("tls", finding.Protocol);
        Assert.Equal("xmr.pool.minergate.com", finding.Pool);
        Assert.Equal("medium", finding.Confidence);
        Assert.Equal("dns: 203.0.113.5 is xmr.pool.minergate.com by a DNS answer in the capture (listed pool domain xmr.pool.minergate.com)",
            $"{finding.Evidence[0].Signal}: {finding.Evidence[0].Detail}");
    }

    [Fact]
    public void Encrypted_miner_on_a_pool_port_is_a_low_confidence_lead_from_its_flow_shape()
    {
        var rig = new IPEndPoint(IPAddress.Parse("172.16.5.5"), 41000);
        var pool = new IPEndPoint(IPAddress.Parse("198.51.100.20"), 14444);
        var w = new PcapWriter(false, false);
        var rng = new Random(3);
        uint up = 1, down = 1;
        for (var i = 0; i < 30; i++)
        {
            var job = new byte[180 + rng.Next(40)];
            rng.NextBytes(job);
            w.Tcp(Start.AddSeconds(20 * i), pool, rig, down, 0x18, job);
            down += (uint)job.Length;
            var share = new byte[120 + rng.Next(20)];
            rng.NextBytes(share);
            w.Tcp(Start.AddSeconds(20 * i + 7), rig, pool, up, 0x18, share);
            up += (uint)share.Length;
        }

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal("172.16.5.5", finding.Host);
        Assert.Equal("198.51.100.20:14444", finding.Peer);
        Assert.Equal("unknown", finding.Protocol);
        Assert.Equal("low", finding.Confidence);
        Assert.Equal("flow_shape", Assert.Single(finding.Evidence).Signal);
    }

    [Fact]
    public void The_same_shape_on_a_web_port_is_not_reported()
    {
        var client = new IPEndPoint(IPAddress.Parse("172.16.5.6"), 41001);
        var server = new IPEndPoint(IPAddress.Parse("198.51.100.21"), 443);
        var w = new PcapWriter(false, false);
        uint up = 1, down = 1;
        for (var i = 0; i < 30; i++)
        {
            w.Tcp(Start.AddSeconds(20 * i), server, client, down, 0x18, new byte[200]);
            down += 200;
            w.Tcp(Start.AddSeconds(20 * i + 7), client, server, up, 0x18, new byte[130]);
            up += 130;
        }

        Assert.Empty(w.Scan().Findings);
    }

    private static string Post(string target, string host, string? user, string body, string? extraHeader = null) =>
        $"POST {target} HTTP/1.1\r\nHost: {host}:8545\r\n"
        + (user is null ? "" : $"Authorization: Basic {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(user + ":x"))}\r\n")
        + (extraHeader is null ? "" : extraHeader + "\r\n")
        + $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}";

    [Fact]
    public void Ethereum_getwork_over_http_names_the_worker_from_basic_authorization()
    {
        var rig = new IPEndPoint(IPAddress.Parse("192.168.9.30"), 50500);
        var node = new IPEndPoint(IPAddress.Parse("192.168.9.2"), 8545);
        var w = new PcapWriter(false, false);
        var getWork = Post("/", "eth-pool.example.net", "0x9c99d212f7e5daa18ab50810e0fd255d1f04303b.rig9", "{\"jsonrpc\":\"2.0\",\"method\":\"eth_getWork\",\"params\":[],\"id\":1}");
        var reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 44\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[\"0x01\"]}";
        var submit = Post("/", "eth-pool.example.net", "0x9c99d212f7e5daa18ab50810e0fd255d1f04303b.rig9", "{\"jsonrpc\":\"2.0\",\"method\":\"eth_submitWork\",\"params\":[\"0x1\",\"0x2\",\"0x3\"],\"id\":2}");
        w.Tcp(Start, rig, node, 1, 0x18, getWork);
        w.Tcp(Start.AddSeconds(0.1), node, rig, 1, 0x18, reply);
        w.Tcp(Start.AddSeconds(30), rig, node, 1 + (uint)getWork.Length, 0x18, submit);

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal("192.168.9.30", finding.Host);
        Assert.Equal("192.168.9.2:8545", finding.Peer);
        Assert.Equal("getwork-http", finding.Protocol);
        Assert.Equal("0x9c99d212f7e5daa18ab50810e0fd255d1f04303b", finding.Wallet);
        Assert.Equal("rig9", finding.Worker);
        Assert.Equal("Ethash", finding.Algorithm);
        Assert.Equal("eth-pool.example.net", finding.Pool);
        Assert.Equal(1, finding.SharesSubmitted);
    }

    [Fact]
    public void Bitcoin_getwork_is_found_by_its_mining_extensions_header_and_the_wallet_in_the_path()
    {
        var rig = new IPEndPoint(IPAddress.Parse("192.168.9.31"), 50501);
        var pool = new IPEndPoint(IPAddress.Parse("192.0.2.44"), 8332);
        var w = new PcapWriter(false, false);
        w.Tcp(Start, rig, pool, 1, 0x18, Post("/1BoatSLRHtKNngkdXEeobR76b53LETtpyT.w1", "solo.example.org", null,
            "{\"method\":\"getwork\",\"params\":[],\"id\":0}", "X-Mining-Extensions: midstate rollntime"));

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal("getwork-http", finding.Protocol);
        Assert.Equal("1BoatSLRHtKNngkdXEeobR76b53LETtpyT", finding.Wallet);
        Assert.Equal("w1", finding.Worker);
        Assert.Equal("SHA-256", finding.Algorithm);
        Assert.Contains("X-Mining-Extensions: midstate rollntime", finding.Evidence[0].Detail);
    }

    [Fact]
    public void Ethereum_node_rpc_over_http_is_not_mining()
    {
        var wallet = new IPEndPoint(IPAddress.Parse("192.168.9.32"), 50502);
        var node = new IPEndPoint(IPAddress.Parse("192.168.9.2"), 8545);
        var w = new PcapWriter(false, false);
        w.Tcp(Start, wallet, node, 1, 0x18, Post("/", "node.example.net", "alice", "{\"jsonrpc\":\"2.0\",\"method\":\"eth_getBalance\",\"params\":[\"0x9c99d212f7e5daa18ab50810e0fd255d1f04303b\",\"latest\"],\"id\":1}"));

        Assert.Empty(w.Scan().Findings);
    }

    [Fact]
    public void Pcapng_with_two_sections_in_both_byte_orders_and_several_interfaces_is_read_whole()
    {
        var miner = new IPEndPoint(IPAddress.Parse("10.9.0.5"), 45000);
        var pool = new IPEndPoint(IPAddress.Parse("192.0.2.77"), 3333);
        var w = new PcapNgWriter();
        w.Section(bigEndian: false);
        w.Interface(linkType: 1, resolution: 6);
        w.Interface(linkType: 276, resolution: 9);
        w.Unknown(type: 0x0BAD, length: 10);
        var t0 = (ulong)(Start - DateTimeOffset.UnixEpoch).Ticks / 10; // microseconds
        w.Enhanced(0, t0, PcapWriter.Ethernet(PcapWriter.IpTcp(miner, pool, 100, 0x18, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}\n"), false));
        w.Enhanced(1, (t0 + 1_000_000) * 1000, PcapWriter.Sll2(PcapWriter.IpTcp(pool, miner, 900, 0x18, "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[8]}\n")));
        // A second section, written big-endian, whose interfaces replace the first section's.
        w.Section(bigEndian: true);
        w.Interface(linkType: 113, resolution: 6);
        var authorize = "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"farm01.a7\",\"x\"]}\n";
        w.Enhanced(0, t0 + 2_000_000, PcapWriter.Sll(PcapWriter.IpTcp(miner, pool, 100 + 49, 0x18, authorize)));
        w.Simple(PcapWriter.Sll(PcapWriter.IpTcp(miner, pool, (uint)(100 + 49 + authorize.Length), 0x18, "{\"id\":3,\"method\":\"mining.submit\",\"params\":[\"farm01.a7\",\"1\",\"0\",\"0\",\"0\"]}\n")));

        var result = PcapWriter.Scan(w.Bytes);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("10.9.0.5", finding.Host);
        Assert.Equal("192.0.2.77:3333", finding.Peer);
        Assert.Equal("farm01.a7", finding.Worker);
        Assert.Null(finding.Wallet);
        Assert.Equal(1, finding.SharesSubmitted);
        Assert.Equal(Start, finding.FirstSeen);
        Assert.Equal(4, result.Summary.Packets);
        Assert.Equal(0, result.Summary.Malformed);
    }

    private static byte[] Sv2Frame(byte type, byte[] payload, bool channel = false)
    {
        var frame = new byte[6 + payload.Length];
        frame[1] = channel ? (byte)0x80 : (byte)0;
        frame[2] = type;
        frame[3] = (byte)payload.Length;
        frame[4] = (byte)(payload.Length >> 8);
        frame[5] = (byte)(payload.Length >> 16);
        payload.CopyTo(frame, 6);
        return frame;
    }

    private static byte[] Str(string s) => [(byte)s.Length, .. System.Text.Encoding.ASCII.GetBytes(s)];

    [Fact]
    public void Plaintext_stratum_v2_gives_the_user_identity_device_and_shares()
    {
        var miner = new IPEndPoint(IPAddress.Parse("10.50.0.9"), 33000);
        var proxy = new IPEndPoint(IPAddress.Parse("10.50.0.1"), 34255);
        byte[] setup = [0, 2, 0, 2, 0, 0, 0, 0, 0, .. Str("v2.pool.example.com"), 0x8E, 0x0D, .. Str("Bitmain"), .. Str("S19"), .. Str("braiins-os 23.01"), .. Str("dev-1")];
        var nominal = BitConverter.GetBytes(110e12f);
        byte[] open = [1, 0, 0, 0, .. Str("farm7.rack2"), .. nominal, .. new byte[32]];
        var target = new byte[36];
        target[4 + 30] = 0x01; // 2^240: a share is worth 2^16 hashes
        var w = new PcapWriter(false, false);
        w.Tcp(Start, miner, proxy, 1, 0x18, Sv2Frame(0x00, setup));
        w.Tcp(Start.AddSeconds(0.1), proxy, miner, 1, 0x18, Sv2Frame(0x01, [2, 0, 0, 0, 0, 0]));
        var seq = 1u + (uint)(6 + setup.Length);
        var openFrame = Sv2Frame(0x10, open);
        w.Tcp(Start.AddSeconds(0.2), miner, proxy, seq, 0x18, openFrame);
        seq += (uint)openFrame.Length;
        w.Tcp(Start.AddSeconds(0.3), proxy, miner, 13, 0x18, Sv2Frame(0x21, target, channel: true));
        for (var i = 0; i < 3; i++)
        {
            var share = Sv2Frame(0x1a, new byte[24], channel: true);
            w.Tcp(Start.AddSeconds(10 + 30 * i), miner, proxy, seq, 0x18, share);
            seq += (uint)share.Length;
        }

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal("10.50.0.9", finding.Host);
        Assert.Equal("10.50.0.1:34255", finding.Peer);
        Assert.Equal("stratum-v2", finding.Protocol);
        Assert.Equal("farm7.rack2", finding.Worker);
        Assert.Equal("Bitmain S19 braiins-os 23.01", finding.Agent);
        Assert.Equal("v2.pool.example.com", finding.Pool);
        Assert.Equal(3, finding.SharesSubmitted);
        // 3 shares of 2^16 hashes over 60 s, counted as 2 intervals.
        Assert.Equal(65536.0 * 2 / 60, finding.EstHashrateHs!.Value, 1);
    }

    [Fact]
    public void Encrypted_stratum_v2_is_told_by_its_noise_handshake()
    {
        var miner = new IPEndPoint(IPAddress.Parse("10.50.0.10"), 33001);
        var pool = new IPEndPoint(IPAddress.Parse("203.0.113.99"), 3336);
        var rng = new Random(5);
        byte[] Random(int n)
        {
            var b = new byte[n];
            rng.NextBytes(b);
            return b;
        }
        var w = new PcapWriter(false, false);
        w.Tcp(Start, miner, pool, 1, 0x02, "");
        w.Tcp(Start.AddSeconds(0.01), miner, pool, 2, 0x18, Random(64));
        w.Tcp(Start.AddSeconds(0.05), pool, miner, 1, 0x18, Random(234));
        w.Tcp(Start.AddSeconds(0.10), miner, pool, 66, 0x18, Random(150));

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal("10.50.0.10", finding.Host);
        Assert.Equal("203.0.113.99:3336", finding.Peer);
        Assert.Equal("stratum-v2", finding.Protocol);
        Assert.Equal("medium", finding.Confidence);
        Assert.Equal("stratum_v2_noise", Assert.Single(finding.Evidence).Signal);
    }

    [Fact]
    public void Ended_connections_are_forgotten_so_memory_follows_the_live_ones()
    {
        var w = new PcapWriter(false, false);
        var server = new IPEndPoint(IPAddress.Parse("93.184.216.34"), 443);
        var miner = new IPEndPoint(IPAddress.Parse("10.7.0.2"), 41000);
        var pool = new IPEndPoint(IPAddress.Parse("192.0.2.9"), 3333);
        w.Tcp(Start, miner, pool, 1, 0x18, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"acct.w1\",\"x\"]}\n");
        // 30,000 short connections a second apart, each opened, used and closed: 120,000 packets.
        for (var i = 0; i < 30_000; i++)
        {
            var client = new IPEndPoint(new IPAddress(0x0A000000u + (uint)i + 1), 50000);
            var t = Start.AddSeconds(i);
            w.Tcp(t, client, server, 1, 0x02, "");
            w.Tcp(t, client, server, 2, 0x18, "GET / HTTP/1.1\r\n\r\n");
            w.Tcp(t, server, client, 1, 0x11, "");
            w.Tcp(t, client, server, 21, 0x11, "");
        }
        var scanner = new NetworkScanner();
        using var reader = CaptureReader.Open(new MemoryStream(w.Bytes), "test");
        while (reader.TryRead(out var packet)) scanner.Add(packet);
        var result = scanner.Result();

        Assert.True(scanner.LiveFlows <= 4_096, $"{scanner.LiveFlows} flows held");
        Assert.Equal(120_001, result.Summary.Packets);
        Assert.Equal(30_001, result.Summary.Flows);
        Assert.Equal("acct.w1", Assert.Single(result.Findings).Worker);
    }

    [Fact]
    public void Malformed_json_inside_a_stratum_stream_is_skipped_and_counted_and_the_finding_kept()
    {
        var miner = new IPEndPoint(IPAddress.Parse("10.8.0.3"), 42000);
        var pool = new IPEndPoint(IPAddress.Parse("192.0.2.200"), 3333);
        var w = new PcapWriter(false, false);
        var lines = new[]
        {
            "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"cpuminer/2.5\"]}\n",
            "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"ops.box7\",\n",
            "{\"id\":3,\"method\":\"mining.submit\",\"params\":[\"ops.box7\",\"1\",\"0\",\"0\",\"0\"]}\n",
            "{\"id\":4,\"method\":\"mining.submit\",\"params\":[\"ops.box7\" \"2\"]}\n",
            "{\"id\":5,\"method\":\"mining.authorize\",\"params\":[\"ops.box7\",\"x\"]}\n",
        };
        var seq = 1u;
        foreach (var line in lines)
        {
            w.Tcp(Start, miner, pool, seq, 0x18, line);
            seq += (uint)line.Length;
        }

        var result = w.Scan();

        var finding = Assert.Single(result.Findings);
        Assert.Equal("ops.box7", finding.Worker);
        Assert.Equal(1, finding.SharesSubmitted);
        Assert.Equal(2, result.Summary.MalformedMessages);
    }

    [Fact]
    public void Snapshot_length_shorter_than_the_packet_keeps_the_headers_and_what_was_captured()
    {
        var miner = new IPEndPoint(IPAddress.Parse("10.8.0.4"), 42001);
        var pool = new IPEndPoint(IPAddress.Parse("192.0.2.201"), 3333);
        var full = PcapWriter.Ethernet(PcapWriter.IpTcp(miner, pool, 1, 0x18, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"snap.w1\",\"x\"]}\n" + new string(' ', 400)), false);
        // A snaplen of 128 cut the frame: the record says 128 bytes captured of the whole frame on the wire.
        var capture = new List<byte>();
        capture.AddRange([0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 128, 0, 0, 0, 1, 0, 0, 0]);
        capture.AddRange(BitConverter.GetBytes((uint)1767225600));
        capture.AddRange(BitConverter.GetBytes(0u));
        capture.AddRange(BitConverter.GetBytes(128u));
        capture.AddRange(BitConverter.GetBytes((uint)full.Length));
        capture.AddRange(full.Take(128));
        // A zero-length record next: nothing to decode, counted as malformed, and the read goes on.
        capture.AddRange(BitConverter.GetBytes((uint)1767225601));
        capture.AddRange(BitConverter.GetBytes(0u));
        capture.AddRange(BitConverter.GetBytes(0u));
        capture.AddRange(BitConverter.GetBytes(0u));

        var result = PcapWriter.Scan([.. capture]);

        Assert.Equal(2, result.Summary.Packets);
        Assert.Equal(1, result.Summary.Malformed);
        // 128 bytes hold the headers and the first 74 bytes of the payload, the whole authorize line.
        Assert.Equal("snap.w1", Assert.Single(result.Findings).Worker);
    }

    [Fact]
    public void Corrupt_record_length_ends_the_read_and_keeps_what_came_before()
    {
        var miner = new IPEndPoint(IPAddress.Parse("10.8.0.5"), 42002);
        var pool = new IPEndPoint(IPAddress.Parse("192.0.2.202"), 3333);
        var w = new PcapWriter(false, false);
        w.Tcp(Start, miner, pool, 1, 0x18, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"keep.w1\",\"x\"]}\n");
        var bytes = w.Bytes.ToList();
        // A second record whose captured length claims 3 GB.
        bytes.AddRange(BitConverter.GetBytes((uint)1767225601));
        bytes.AddRange(BitConverter.GetBytes(0u));
        bytes.AddRange(BitConverter.GetBytes(0xC0000000u));
        bytes.AddRange(BitConverter.GetBytes(0xC0000000u));
        bytes.AddRange(new byte[64]);

        var scanner = new NetworkScanner();
        using var reader = CaptureReader.Open(new MemoryStream([.. bytes]), "test");
        while (reader.TryRead(out var packet)) scanner.Add(packet);

        Assert.Equal(1, reader.Malformed);
        Assert.Equal("record 2 at byte 156 has a corrupt header (captured length 3221225472, microseconds 0); "
            + "the 80 bytes from there to the end could not be read (pcap has no marker to read on from)", reader.FirstProblem);
        Assert.Equal("keep.w1", Assert.Single(scanner.Result().Findings).Worker);
    }

    [Fact]
    public void Nicehash_ethereum_stratum_is_told_from_stratum_v1()
    {
        var rig = new IPEndPoint(IPAddress.Parse("10.8.0.6"), 42003);
        var pool = new IPEndPoint(IPAddress.Parse("192.0.2.203"), 3353);
        var w = new PcapWriter(false, false);
        const string subscribe = "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"PhoenixMiner/5.5c\",\"EthereumStratum/1.0.0\"]}\n";
        w.Tcp(Start, rig, pool, 1, 0x18, subscribe);
        w.Tcp(Start, rig, pool, 1 + (uint)subscribe.Length, 0x18, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy.gpu4\",\"x\"]}\n");

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal("ethereum-stratum", finding.Protocol);
        Assert.Equal("Ethash", finding.Algorithm);
        Assert.Equal("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", finding.Wallet);
        Assert.Equal("gpu4", finding.Worker);
        Assert.Equal("PhoenixMiner/5.5c", finding.Agent);
    }

    [Fact]
    public void A_pool_answering_http_with_an_x_stratum_header_marks_the_client_as_the_miner()
    {
        var rig = new IPEndPoint(IPAddress.Parse("10.8.0.7"), 42004);
        var pool = new IPEndPoint(IPAddress.Parse("192.0.2.204"), 8332);
        var w = new PcapWriter(false, false);
        w.Tcp(Start, rig, pool, 1, 0x18, "GET / HTTP/1.1\r\nHost: btc.pool.example\r\n\r\n");
        w.Tcp(Start, pool, rig, 1, 0x18, "HTTP/1.1 200 OK\r\nX-Stratum: stratum+tcp://btc.pool.example:3333\r\nContent-Length: 0\r\n\r\n");

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal("10.8.0.7", finding.Host);
        Assert.Equal("getwork-http", finding.Protocol);
        Assert.Equal("btc.pool.example", finding.Pool);
        Assert.Contains("X-Stratum: stratum+tcp://btc.pool.example:3333", finding.Evidence[0].Detail);
    }

    /// <summary>A WebSocket frame; a client's is masked with <paramref name="mask"/>.</summary>
    private static byte[] WsFrame(string text, byte[]? mask, bool fin = true, int opcode = 1)
    {
        var payload = System.Text.Encoding.UTF8.GetBytes(text);
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        var maskBit = mask is null ? 0 : 0x80;
        if (payload.Length < 126) frame.Add((byte)(maskBit | payload.Length));
        else frame.AddRange([(byte)(maskBit | 126), (byte)(payload.Length >> 8), (byte)payload.Length]);
        if (mask is not null)
        {
            frame.AddRange(mask);
            for (var i = 0; i < payload.Length; i++) payload[i] ^= mask[i & 3];
        }
        frame.AddRange(payload);
        return [.. frame];
    }

    [Fact]
    public void Browser_miner_over_websocket_is_found_with_its_site_key()
    {
        var browser = new IPEndPoint(IPAddress.Parse("10.30.1.50"), 51234);
        var proxy = new IPEndPoint(IPAddress.Parse("198.51.100.66"), 80);
        var w = new PcapWriter(false, false);
        var upgrade = "GET /proxy0 HTTP/1.1\r\nHost: ws.webminer.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        var switching = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
        byte[] mask = [0x12, 0x34, 0x56, 0x78];
        var up = 1u;
        var down = 1u;
        void Up(byte[] bytes, double at)
        {
            w.Tcp(Start.AddSeconds(at), browser, proxy, up, 0x18, bytes);
            up += (uint)bytes.Length;
        }
        void Down(byte[] bytes, double at)
        {
            w.Tcp(Start.AddSeconds(at), proxy, browser, down, 0x18, bytes);
            down += (uint)bytes.Length;
        }
        Up(System.Text.Encoding.ASCII.GetBytes(upgrade), 0);
        // The server's reply and its first frame arrive in one segment.
        Down([.. System.Text.Encoding.ASCII.GetBytes(switching), .. WsFrame("{\"type\":\"authed\",\"params\":{\"token\":\"\",\"hashes\":0}}", null)], 0.1);
        // The client's auth comes in two fragments.
        Up(WsFrame("{\"type\":\"auth\",\"params\":{\"site_key\":\"Kq9Fz3sitekey0000000000000000000\",", mask, fin: false), 0.2);
        Up(WsFrame("\"type\":\"anonymous\",\"user\":null,\"goal\":0}}", mask, fin: true, opcode: 0), 0.3);
        Down(WsFrame("{\"type\":\"job\",\"params\":{\"job_id\":\"j1\",\"blob\":\"0707ab\",\"target\":\"ffffff00\"}}", null), 0.4);
        Up(WsFrame("{\"type\":\"submit\",\"params\":{\"job_id\":\"j1\",\"nonce\":\"00000001\",\"result\":\"ab\"}}", mask), 30);
        Down(WsFrame("{\"type\":\"hash_accepted\",\"params\":{\"hashes\":256}}", null), 30.1);
        Up(WsFrame("{\"type\":\"submit\",\"params\":{\"job_id\":\"j1\",\"nonce\":\"00000002\",\"result\":\"cd\"}}", mask), 60);

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal("10.30.1.50", finding.Host);
        Assert.Equal("198.51.100.66:80", finding.Peer);
        Assert.Equal("webminer-websocket", finding.Protocol);
        Assert.Equal("Kq9Fz3sitekey0000000000000000000", finding.Worker);
        Assert.Equal("ws.webminer.example", finding.Pool);
        Assert.Equal(2, finding.SharesSubmitted);
        // Target ffffff00 is 0x00ffffff: a share is worth 2^32 / 0x00ffffff, about 256 hashes; 2 shares over 30 s.
        Assert.Equal(Math.Pow(2, 32) / 0x00ffffff / 30, finding.EstHashrateHs!.Value, 1);
    }

    [Fact]
    public void An_ordinary_websocket_chat_is_not_mining()
    {
        var browser = new IPEndPoint(IPAddress.Parse("10.30.1.51"), 51235);
        var server = new IPEndPoint(IPAddress.Parse("198.51.100.67"), 443);
        var w = new PcapWriter(false, false);
        var upgrade = "GET /chat HTTP/1.1\r\nHost: chat.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
        w.Tcp(Start, browser, server, 1, 0x18, upgrade);
        w.Tcp(Start, server, browser, 1, 0x18, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
        w.Tcp(Start, browser, server, 1 + (uint)upgrade.Length, 0x18, WsFrame("{\"type\":\"message\",\"params\":{\"text\":\"submit the job report\"}}", [1, 2, 3, 4]));

        Assert.Empty(w.Scan().Findings);
    }
}
