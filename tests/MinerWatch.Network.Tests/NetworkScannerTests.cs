using MinerWatch.Network.Capture;
using MinerWatch.Network.Detection;

namespace MinerWatch.Network.Tests;

public class NetworkScannerTests
{
    private static string Capture(string name) => Path.Combine(AppContext.BaseDirectory, "Captures", name);

    private static NetworkScanResult Scan(params string[] paths)
    {
        var scanner = new NetworkScanner();
        foreach (var path in paths) scanner.AddFile(path);
        return scanner.Result();
    }

    [Fact]
    public void Mining_capture_gives_the_four_sessions_with_their_logins()
    {
        var result = Scan(Capture("ndpi-mining.pcapng"));

        Assert.Equal(4, result.Findings.Count);
        var eth = Assert.Single(result.Findings, f => f.Host == "147.229.13.222");
        Assert.Equal("185.71.66.39:9999", eth.Peer);
        Assert.Equal("ethproxy", eth.Protocol);
        Assert.Equal("0x9c99d212f7e5daa18ab50810e0fd255d1f04303b", eth.Wallet);
        Assert.Equal("tester.worker1", eth.Worker);
        Assert.Equal("Ethash", eth.Algorithm);
        Assert.NotNull(eth.EstHashrateHs);
        Assert.NotNull(eth.EstPowerKw);

        var monero = Assert.Single(result.Findings, f => f.Host == "192.168.2.92");
        Assert.Equal("178.32.196.217:9050", monero.Peer);
        Assert.Equal("xmrig-stratum", monero.Protocol);
        Assert.Equal("4BCeEPhodgPMbPWFN1dPwhWXdRX8q4mhhdZdA1dtSMLTLCEYvAj9QXjXAfF7CugEbmfBhgkqHbdgK9b2wKA6nqRZQCgvCDm", monero.Wallet);
        Assert.Equal("ryzen", monero.Worker);
        Assert.Equal("xmr-stak-cpu/1.3.0-1.5.0", monero.Agent);
        Assert.Equal(30, monero.SharesSubmitted);

        var zcash = result.Findings.Where(f => f.Host == "192.168.2.148").OrderBy(f => f.Peer, StringComparer.Ordinal).ToList();
        Assert.Equal(["116.211.167.195:3333", "94.23.199.191:3333"], zcash.Select(f => f.Peer));
        Assert.All(zcash, f => Assert.Equal("stratum", f.Protocol));
        Assert.Equal(("t1fJuHWrfcWnYMYyP9VAF96vRnvND2NziMG", "c1", "cn1-zcash.flypool.org"), (zcash[0].Wallet, zcash[0].Worker, zcash[0].Pool));
        Assert.Equal(("t1fAhZF5aUJdY7CikGULHmeYk7id8qmvbAd", "rig4", "eu1-zcash.flypool.org"), (zcash[1].Wallet, zcash[1].Worker, zcash[1].Pool));
        Assert.Equal(46, zcash[1].SharesSubmitted);
        // 46 shares at the set_target target (about 16,000 solutions each) over 1,018 s: a GPU's 700 Sol/s of 2017.
        Assert.Equal(706.9, zcash[1].EstHashrateHs);
        // 30 shares at target dc460300 (2^32 / 0x346dc, about 20,000 hashes each) over 1,142 s: a desktop CPU.
        Assert.Equal(507.8, monero.EstHashrateHs);
        // EthProxy miners report their own rate.
        Assert.Equal(30451731, eth.EstHashrateHs);
        Assert.All(result.Findings, f => Assert.Equal("high", f.Confidence));
        Assert.Equal(673, result.Summary.Packets);
        Assert.Equal(0, result.Summary.Malformed);
    }

    [Theory]
    [InlineData("ndpi-bitcoin-node.pcap")]
    [InlineData("ndpi-ethereum-node.pcap")]
    [InlineData("ndpi-monero-node.pcap")]
    [InlineData("ndpi-jsonrpc.pcap")]
    [InlineData("ndpi-443-curl.pcap")]
    [InlineData("ndpi-android.pcap")]
    public void Traffic_that_is_not_mining_gives_no_finding(string name)
    {
        var result = Scan(Capture(name));
        Assert.Empty(result.Findings);
        Assert.True(result.Summary.Packets > 0);
        Assert.Equal(0, result.Summary.Malformed);
    }

    [Theory]
    [InlineData("ndpi-bitcoin-node.pcap", "bitcoin", 6)]
    [InlineData("ndpi-monero-node.pcap", "monero", 4)]
    [InlineData("ndpi-ethereum-node.pcap", "ethereum", 56)]
    public void Node_traffic_is_reported_apart_from_mining(string name, string network, int connections)
    {
        var result = Scan(Capture(name));

        Assert.Empty(result.Findings);
        Assert.Equal(connections, result.NodeTraffic.Count);
        Assert.All(result.NodeTraffic, n => Assert.Equal(network, n.Network));
    }

    [Fact]
    public void Mining_and_ordinary_traffic_have_no_node_traffic()
    {
        Assert.Empty(Scan(Capture("ndpi-mining.pcapng"), Capture("ndpi-android.pcap"), Capture("ndpi-443-curl.pcap")).NodeTraffic);
    }

    [Fact]
    public void Truncated_capture_keeps_the_findings_of_the_readable_part()
    {
        var bytes = File.ReadAllBytes(Capture("ndpi-mining.pcapng"));
        var path = Path.Combine(Path.GetTempPath(), $"truncated-{Guid.NewGuid():N}.pcapng");
        File.WriteAllBytes(path, bytes[..(bytes.Length * 3 / 4 + 7)]);
        try
        {
            var result = Scan(path);
            Assert.Equal(1, result.Summary.Malformed);
            Assert.Contains("truncated", Assert.Single(result.Summary.Problems));
            Assert.True(result.Findings.Count >= 3, $"{result.Findings.Count} findings");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Garbage_after_the_last_block_is_counted_and_skipped()
    {
        var bytes = File.ReadAllBytes(Capture("ndpi-mining.pcapng")).Concat("not a block"u8.ToArray()).ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"garbage-{Guid.NewGuid():N}.pcapng");
        File.WriteAllBytes(path, bytes);
        try
        {
            var result = Scan(path);
            Assert.Equal(4, result.Findings.Count);
            Assert.Equal(1, result.Summary.Malformed);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_file_that_is_not_a_capture_is_refused_by_name()
    {
        var path = Path.Combine(Path.GetTempPath(), $"notes-{Guid.NewGuid():N}.pcap");
        File.WriteAllText(path, "meter_id,timestamp,kwh\n");
        try
        {
            var e = Assert.Throws<CaptureFormatException>(() => new NetworkScanner().AddFile(path));
            Assert.Equal($"{path}: not a pcap or pcapng capture, nor a Zeek or Suricata log (first bytes 6D657465)", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("t1fAhZF5aUJdY7CikGULHmeYk7id8qmvbAd.rig4", "t1fAhZF5aUJdY7CikGULHmeYk7id8qmvbAd", "rig4")]
    [InlineData("0x9c99d212f7e5daa18ab50810e0fd255d1f04303b/tester.worker1/someone@example.org", "0x9c99d212f7e5daa18ab50810e0fd255d1f04303b", "tester.worker1")]
    [InlineData("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq.farm1", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "farm1")]
    [InlineData("poolaccount.worker7", null, "poolaccount.worker7")]
    [InlineData("0x9c99d212f7e5daa18ab50810e0fd255d1f04303b+5000", "0x9c99d212f7e5daa18ab50810e0fd255d1f04303b", null)]
    public void Login_splits_into_wallet_and_worker(string login, string? wallet, string? worker)
    {
        Assert.Equal((wallet, worker), Login.Split(login));
    }
}
