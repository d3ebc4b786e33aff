using System.Net;
using MinerWatch.Network.Capture;
using MinerWatch.Network.Detection;
using MinerWatch.Network.Pools;

namespace MinerWatch.Network.Tests;

/// <summary>Inputs built to break the readers: absurd numbers, broken frames, odd log headers, split handshakes.</summary>
public class HostileInputTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly IPEndPoint Miner = new(IPAddress.Parse("10.60.0.2"), 40000);
    private static readonly IPEndPoint Pool = new(IPAddress.Parse("192.0.2.60"), 3333);

    private static NetworkScanResult Scan(PcapWriter w)
    {
        var scanner = new NetworkScanner();
        using var reader = CaptureReader.Open(new MemoryStream(w.Bytes), "test");
        while (reader.TryRead(out var packet)) scanner.Add(packet);
        return scanner.Result();
    }

    private static NetworkScanResult Lines(params string[] lines)
    {
        var w = new PcapWriter(false, false);
        var seq = 1u;
        var t = Start;
        foreach (var line in lines)
        {
            w.Tcp(t, Miner, Pool, seq, 0x18, line);
            seq += (uint)line.Length;
            t = t.AddSeconds(10);
        }
        return Scan(w);
    }

    [Theory]
    [InlineData("{\"type\":\"job\",\"params\":{\"job_id\":\"1\",\"blob\":0}}\n")]
    [InlineData("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[1e999]}\n")]
    [InlineData("{\"id\":null,\"method\":\"mining.set_target\",\"params\":[\"zz\"]}\n")]
    [InlineData("{\"id\":1,\"method\":\"eth_submitHashrate\",\"params\":[\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"]}\n")]
    public void Absurd_values_in_mining_messages_are_read_without_throwing(string line)
    {
        var result = Lines(line, "{\"id\":9,\"method\":\"mining.authorize\",\"params\":[\"x.y\",\"x\"]}\n");
        var finding = Assert.Single(result.Findings);
        Assert.True(finding.EstHashrateHs is null || double.IsFinite(finding.EstHashrateHs.Value));
    }

    [Fact]
    public void A_reported_hash_rate_beyond_the_whole_network_is_not_a_rate_nor_gigawatts()
    {
        var result = Lines(
            "{\"id\":1,\"method\":\"eth_submitLogin\",\"params\":[\"0x9c99d212f7e5daa18ab50810e0fd255d1f04303b\"]}\n",
            "{\"id\":2,\"method\":\"eth_submitHashrate\",\"params\":[\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\",\"0x01\"]}\n");

        var finding = Assert.Single(result.Findings);
        Assert.Null(finding.EstHashrateHs);
        Assert.Null(finding.EstPowerKw);
        Assert.Null(finding.EstKwhPerDay);
        Assert.Equal("the miner reported 1.158E+77 H/s itself (eth_submitHashrate, or a Stratum v2 channel's nominal rate): "
            + "more than 10 PH/s, ten times the most the whole Ethereum network has run, so not a rate (a damaged or forged message); no hash rate or power given",
            Assert.Single(finding.Evidence, e => e.Signal == "hashrate").Detail);
    }

    [Fact]
    public void A_reported_hash_rate_a_rig_can_reach_is_kept()
    {
        var result = Lines("{\"id\":2,\"method\":\"eth_submitHashrate\",\"params\":[\"0x1dcd6500\",\"0x01\"]}\n");

        Assert.Equal(500_000_000, Assert.Single(result.Findings).EstHashrateHs);
    }

    [Fact]
    public void A_share_rate_beyond_the_whole_network_is_not_a_rate()
    {
        var result = Lines(
            "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[1e200]}\n",
            "{\"id\":3,\"method\":\"mining.submit\",\"params\":[\"a.b\",\"1\",\"0\",\"0\",\"0\"]}\n",
            "{\"id\":4,\"method\":\"mining.submit\",\"params\":[\"a.b\",\"2\",\"0\",\"0\",\"0\"]}\n");

        var finding = Assert.Single(result.Findings);
        Assert.Null(finding.EstHashrateHs);
        Assert.EndsWith("more than 10000 EH/s, ten times the most the whole Bitcoin (the largest) network has run, so not a rate (a damaged or forged message); no hash rate or power given",
            Assert.Single(finding.Evidence, e => e.Signal == "hashrate").Detail);
    }

    [Fact]
    public void A_huge_difficulty_gives_no_rate_rather_than_infinity()
    {
        var result = Lines(
            "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[1e300]}\n",
            "{\"id\":3,\"method\":\"mining.submit\",\"params\":[\"a.b\",\"1\",\"0\",\"0\",\"0\"]}\n",
            "{\"id\":4,\"method\":\"mining.submit\",\"params\":[\"a.b\",\"2\",\"0\",\"0\",\"0\"]}\n");
        Assert.Null(Assert.Single(result.Findings).EstHashrateHs);
    }

    [Fact]
    public void A_websocket_frame_with_a_negative_length_stops_that_side_without_throwing()
    {
        var w = new PcapWriter(false, false);
        var upgrade = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n";
        w.Tcp(Start, Miner, Pool, 1, 0x18, upgrade);
        w.Tcp(Start, Pool, Miner, 1, 0x18, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
        w.Tcp(Start, Miner, Pool, 1 + (uint)upgrade.Length, 0x18, [0x81, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3]);
        Assert.Empty(Scan(w).Findings);
    }

    [Fact]
    public void A_stream_joined_mid_line_is_found_at_the_next_line_even_in_a_later_segment()
    {
        var w = new PcapWriter(false, false);
        const string tail = "d7f0\",\"c3d4\",true]}\n";
        w.Tcp(Start, Pool, Miner, 5000, 0x18, tail);
        w.Tcp(Start.AddSeconds(1), Pool, Miner, 5000 + (uint)tail.Length, 0x18, "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"1\",\"ab\",\"cd\",\"ef\",[],\"20000000\",\"1703a30c\",\"65a1b2c3\",true]}\n");

        var finding = Assert.Single(Scan(w).Findings);
        Assert.Equal("10.60.0.2", finding.Host);
        Assert.Equal(Start.AddSeconds(1), finding.LastSeen);
    }

    [Fact]
    public void A_client_hello_split_over_two_segments_still_names_the_pool()
    {
        var w = new PcapWriter(false, false);
        var hello = PcapWriter.ClientHello("xmr.pool.minergate.com");
        var tls = new IPEndPoint(Pool.Address, 443);
        w.Tcp(Start, Miner, tls, 1, 0x18, hello[..20]);
        w.Tcp(Start, Miner, tls, 21, 0x18, hello[20..]);

        var finding = Assert.Single(Scan(w).Findings);
        Assert.Equal("xmr.pool.minergate.com", finding.Pool);
    }

    [Fact]
    public void Json_rpc_over_http_with_a_login_method_is_not_mining()
    {
        var w = new PcapWriter(false, false);
        var body = "{\"method\":\"login\",\"params\":{\"login\":\"alice\",\"pass\":\"secret\"},\"id\":1}";
        w.Tcp(Start, Miner, new IPEndPoint(Pool.Address, 80), 1, 0x18, $"POST /api HTTP/1.1\r\nHost: app.example\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        Assert.Empty(Scan(w).Findings);
    }

    [Fact]
    public void An_xmrig_job_announcing_rx0_gets_the_randomx_power_estimate()
    {
        var result = Lines(
            "{\"jsonrpc\":\"2.0\",\"method\":\"job\",\"params\":{\"blob\":\"07\",\"job_id\":\"1\",\"target\":\"b88d0600\",\"algo\":\"rx/0\"}}\n",
            "{\"id\":2,\"jsonrpc\":\"2.0\",\"method\":\"submit\",\"params\":{\"id\":\"a\",\"job_id\":\"1\",\"nonce\":\"01\",\"result\":\"ff\"}}\n",
            "{\"id\":3,\"jsonrpc\":\"2.0\",\"method\":\"submit\",\"params\":{\"id\":\"a\",\"job_id\":\"1\",\"nonce\":\"02\",\"result\":\"ff\"}}\n");
        var finding = Assert.Single(result.Findings);
        Assert.Equal("rx/0", finding.Algorithm);
        Assert.NotNull(finding.EstPowerKw);
    }

    [Theory]
    [InlineData("48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD", true)]
    [InlineData("48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUico", false)]
    public void A_monero_address_is_95_or_106_characters(string text, bool wallet)
    {
        Assert.Equal(wallet, Login.IsWallet(text));
    }

    [Fact]
    public void Pool_lists_take_ipv6_endpoints_as_findings_write_them()
    {
        var pools = new PoolList();
        pools.AddLines(new StringReader("[2001:db8::7]:3333\n"));
        Assert.True(pools.IsListedEndpoint("[2001:db8::7]:3333"));
    }

    [Theory]
    [InlineData("#separator \n#fields\tts\n")]
    [InlineData("#separator \\xZZ\n#fields\tts\n")]
    public void Odd_zeek_separator_lines_are_counted_not_thrown(string header)
    {
        var logs = new MinerWatch.Network.Logs.SensorLogReader();
        logs.Read(new StringReader(header), "conn.log");
        Assert.Equal(1, logs.Malformed);
    }

    [Fact]
    public void An_infinite_zeek_duration_reads_as_zero()
    {
        var logs = new MinerWatch.Network.Logs.SensorLogReader();
        logs.Read(new StringReader("#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tduration\torig_bytes\tresp_bytes\torig_pkts\tresp_pkts\n"
            + "1767225601.0\tC1\t10.0.0.1\t40000\t192.0.2.1\t3333\ttcp\tinf\t100\t100\t10\t10\n"), "conn.log");
        Assert.Equal(0, Assert.Single(logs.Connections).DurationSeconds);
    }

    [Fact]
    public void Suricata_alert_on_a_packet_from_the_pool_names_the_miner_as_the_host()
    {
        var eve = "{\"timestamp\":\"2026-01-01T08:00:00.000000+0000\",\"event_type\":\"alert\",\"src_ip\":\"203.0.113.50\",\"src_port\":4444,\"dest_ip\":\"10.4.0.12\",\"dest_port\":49152,\"proto\":\"TCP\",\"direction\":\"to_client\","
            + "\"flow\":{\"src_ip\":\"10.4.0.12\",\"dest_ip\":\"203.0.113.50\",\"src_port\":49152,\"dest_port\":4444},"
            + "\"alert\":{\"signature\":\"ET COINMINER Stratum job from pool\",\"category\":\"Crypto Currency Mining Activity Detected\"},"
            + "\"payload_printable\":\"{\\\"id\\\":null,\\\"method\\\":\\\"mining.notify\\\",\\\"params\\\":[\\\"1\\\"]}\\n\"}\n"
            + "{\"timestamp\":\"2026-01-01T08:00:01.000000+0000\",\"event_type\":\"stats\",\"stats\":{\"uptime\":10}}\n";
        var logs = new MinerWatch.Network.Logs.SensorLogReader();
        logs.Read(new StringReader(eve), "eve.json");
        var scanner = new NetworkScanner();
        scanner.AddLogs(logs);

        var finding = Assert.Single(scanner.Result().Findings);
        Assert.Equal("10.4.0.12", finding.Host);
        Assert.Equal("203.0.113.50:4444", finding.Peer);
        Assert.Equal(0, logs.Malformed);
    }

    [Fact]
    public void Suricata_dns_v2_answers_name_the_queried_pool_not_the_end_of_the_cname_chain()
    {
        var eve = "{\"timestamp\":\"2026-01-01T08:00:00.000000+0000\",\"event_type\":\"dns\",\"src_ip\":\"10.0.0.1\",\"src_port\":53,\"dest_ip\":\"10.4.0.12\",\"dest_port\":40000,\"proto\":\"UDP\","
            + "\"dns\":{\"version\":2,\"type\":\"answer\",\"rrname\":\"xmr.pool.minergate.com\",\"answers\":[{\"rrname\":\"edge.cdn.example\",\"rrtype\":\"A\",\"rdata\":\"198.51.100.9\"}]}}\n";
        var logs = new MinerWatch.Network.Logs.SensorLogReader();
        logs.Read(new StringReader(eve), "eve.json");
        Assert.Equal("xmr.pool.minergate.com", Assert.Single(logs.Names).Name);
    }
}
