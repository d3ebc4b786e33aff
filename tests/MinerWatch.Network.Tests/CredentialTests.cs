using System.Net;

namespace MinerWatch.Network.Tests;

/// <summary>Every credential on the wire: several logins on one connection, wallets in getwork URLs, browser mining over TLS.</summary>
public class CredentialTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private const string WalletA = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";
    private const string WalletB = "1BoatSLRHtKNngkdXEeobR76b53LETtpyT";
    private const string Eth = "0x9c99d212f7e5daa18ab50810e0fd255d1f04303b";


    /// <summary>A miner's side of one connection, written line by line with its sequence numbers kept.</summary>
    private sealed class Session(PcapWriter w, IPEndPoint miner, IPEndPoint pool)
    {
        private uint _up = 1, _down = 1;

        public void Up(double seconds, string line)
        {
            w.Tcp(Start.AddSeconds(seconds), miner, pool, _up, 0x18, line + "\n");
            _up += (uint)line.Length + 1;
        }

        public void Down(double seconds, string line)
        {
            w.Tcp(Start.AddSeconds(seconds), pool, miner, _down, 0x18, line + "\n");
            _down += (uint)line.Length + 1;
        }
    }

    [Fact]
    public void A_miner_that_authorises_again_with_another_worker_reports_both_logins_with_their_shares()
    {
        var w = new PcapWriter(false, false);
        var s = new Session(w, new IPEndPoint(IPAddress.Parse("10.9.0.7"), 50000), new IPEndPoint(IPAddress.Parse("198.51.100.3"), 3333));
        s.Up(0, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"cgminer/4.12\"]}");
        s.Up(1, $"{{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"{WalletA}.day\",\"x\"]}}");
        s.Down(2, "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[512]}");
        for (var i = 0; i < 3; i++) s.Up(10 + 10 * i, $"{{\"id\":{10 + i},\"method\":\"mining.submit\",\"params\":[\"{WalletA}.day\",\"j{i}\",\"00\",\"5f\",\"de\"]}}");
        // At night the same connection re-authorises for another wallet (a failover, or a second owner).
        s.Up(100, $"{{\"id\":20,\"method\":\"mining.authorize\",\"params\":[\"{WalletB}.night\",\"x\"]}}");
        for (var i = 0; i < 2; i++) s.Up(110 + 10 * i, $"{{\"id\":{30 + i},\"method\":\"mining.submit\",\"params\":[\"{WalletB}.night\",\"k{i}\",\"00\",\"5f\",\"de\"]}}");

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal([(WalletA, "day", 3L, Start.AddSeconds(1), Start.AddSeconds(30)), (WalletB, "night", 2L, Start.AddSeconds(100), Start.AddSeconds(120))],
            finding.Logins.Select(l => (l.Wallet, l.Worker, l.Shares, l.FirstSeen, l.LastSeen)));
        // The finding's own wallet and worker are the latest login's; the evidence names both.
        Assert.Equal(WalletB, finding.Wallet);
        Assert.Equal("night", finding.Worker);
        Assert.Equal(5, finding.SharesSubmitted);
        var login = finding.Evidence.Single(e => e.Signal == "login").Detail;
        Assert.StartsWith("2 logins with agent cgminer/4.12: ", login);
        Assert.Contains($"{WalletA}.day from 2026-03-01 08:00:01Z to 2026-03-01 08:00:30Z, 3 shares", login);
    }

    [Fact]
    public void A_share_is_read_to_its_worker_and_a_message_read_whole_is_checked_whole()
    {
        var w = new PcapWriter(false, false);
        var s = new Session(w, new IPEndPoint(IPAddress.Parse("10.9.0.8"), 50001), new IPEndPoint(IPAddress.Parse("198.51.100.4"), 3333));
        s.Up(0, $"{{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"{WalletA}.rig\",\"x\"]}}");
        s.Down(1, "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[2]}");
        // A share is read to its worker: its solution (kilobytes of hex, cut here) is not read, so the cut is not seen.
        s.Up(10, $"{{\"id\":3,\"method\":\"mining.submit\",\"params\":[\"{WalletA}.rig\",\"j1\",\"00\",\"5f\",\"fd4005");
        s.Up(20, $"{{\"id\":4,\"method\":\"mining.submit\",\"params\":[\"{WalletA}.rig\",\"j2\",\"00\",\"5f\",\"de\"]}}");
        // Messages whose other members are needed are read whole, and damage anywhere in them is counted.
        s.Up(30, "{\"id\":5,\"method\":\"mining.subscribe\",\"params\":[\"cgminer/4.12\"]");
        s.Up(31, "{\"id\":6,\"method\":\"mining.suggest_difficulty\",\"params\":[4],}");

        var result = w.Scan();

        var finding = Assert.Single(result.Findings);
        Assert.Equal(2, finding.SharesSubmitted);
        Assert.Equal(2, result.Summary.MalformedMessages);
        Assert.Null(finding.Agent);
    }

    [Fact]
    public void A_proxy_carrying_two_workers_on_one_connection_counts_each_workers_shares()
    {
        var w = new PcapWriter(false, false);
        var s = new Session(w, new IPEndPoint(IPAddress.Parse("10.9.0.8"), 50001), new IPEndPoint(IPAddress.Parse("198.51.100.4"), 3333));
        s.Up(0, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"stratum-proxy/1.0\"]}");
        s.Up(1, $"{{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"{WalletA}.rig1\",\"x\"]}}");
        s.Up(1.5, $"{{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"{WalletA}.rig2\",\"x\"]}}");
        // Interleaved submits, each naming its worker.
        for (var i = 0; i < 6; i++) s.Up(10 + i, $"{{\"id\":{10 + i},\"method\":\"mining.submit\",\"params\":[\"{WalletA}.rig{(i % 3 == 0 ? 1 : 2)}\",\"j{i}\",\"00\",\"5f\",\"de\"]}}");

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal([("rig1", 2L), ("rig2", 4L)], finding.Logins.Select(l => (l.Worker!, l.Shares)));
        Assert.All(finding.Logins, l => Assert.Equal(WalletA, l.Wallet));
    }

    [Fact]
    public void A_capture_begun_after_the_login_takes_the_worker_from_the_submits()
    {
        var w = new PcapWriter(false, false);
        var s = new Session(w, new IPEndPoint(IPAddress.Parse("10.9.0.9"), 50002), new IPEndPoint(IPAddress.Parse("198.51.100.5"), 3333));
        s.Down(0, "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"j1\",\"00\",\"01\",\"02\",[],\"20000000\",\"1d00ffff\",\"5f5e1000\",true]}");
        s.Up(5, $"{{\"id\":44,\"method\":\"mining.submit\",\"params\":[\"{WalletB}.shop\",\"j1\",\"00\",\"5f\",\"de\"]}}");

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal(WalletB, finding.Wallet);
        Assert.Equal("shop", finding.Worker);
        Assert.Equal(1, Assert.Single(finding.Logins).Shares);
    }

    [Fact]
    public void An_xmrig_session_that_logs_in_again_splits_its_shares_between_the_logins()
    {
        const string monero = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
        const string other = "48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD";
        var w = new PcapWriter(false, false);
        var s = new Session(w, new IPEndPoint(IPAddress.Parse("10.9.0.10"), 50003), new IPEndPoint(IPAddress.Parse("198.51.100.6"), 10128));
        s.Up(0, $"{{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":{{\"login\":\"{monero}\",\"pass\":\"x\",\"agent\":\"XMRig/6.21.0\",\"rigid\":\"a\"}}}}");
        s.Up(10, "{\"id\":2,\"jsonrpc\":\"2.0\",\"method\":\"submit\",\"params\":{\"id\":\"s\",\"job_id\":\"1\",\"nonce\":\"01000000\",\"result\":\"ff\"}}");
        s.Up(50, $"{{\"id\":3,\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":{{\"login\":\"{other}\",\"pass\":\"x\",\"agent\":\"XMRig/6.21.0\"}}}}");
        s.Up(60, "{\"id\":4,\"jsonrpc\":\"2.0\",\"method\":\"submit\",\"params\":{\"id\":\"s\",\"job_id\":\"2\",\"nonce\":\"02000000\",\"result\":\"ff\"}}");
        s.Up(70, "{\"id\":5,\"jsonrpc\":\"2.0\",\"method\":\"submit\",\"params\":{\"id\":\"s\",\"job_id\":\"3\",\"nonce\":\"03000000\",\"result\":\"ff\"}}");

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal([(monero, 1L), (other, 2L)], finding.Logins.Select(l => (l.Wallet!, l.Shares)));
        Assert.Equal(other, finding.Wallet);
    }

    private static string Post(string target, string? user, string body) =>
        $"POST {target} HTTP/1.1\r\nHost: eth-pool.example.net:8888\r\n"
        + (user is null ? "" : $"Authorization: Basic {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(user + ":x"))}\r\n")
        + $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}";

    private const string GetWork = "{\"jsonrpc\":\"2.0\",\"method\":\"eth_getWork\",\"params\":[],\"id\":1}";
    private const string SubmitWork = "{\"jsonrpc\":\"2.0\",\"method\":\"eth_submitWork\",\"params\":[\"0x1\",\"0x2\",\"0x3\"],\"id\":2}";

    [Fact]
    public void A_getwork_miner_query_names_the_wallet_the_rig_and_the_hash_rate_it_declares()
    {
        var rig = new IPEndPoint(IPAddress.Parse("192.168.9.40"), 50600);
        var pool = new IPEndPoint(IPAddress.Parse("192.0.2.60"), 8888);
        var w = new PcapWriter(false, false);
        var first = Post($"/?miner=45.5@{Eth}@rig7", null, GetWork);
        w.Tcp(Start, rig, pool, 1, 0x18, first);
        w.Tcp(Start.AddSeconds(30), rig, pool, 1 + (uint)first.Length, 0x18, Post($"/?miner=45.5@{Eth}@rig7", null, SubmitWork));

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal("getwork-http", finding.Protocol);
        Assert.Equal(Eth, finding.Wallet);
        Assert.Equal("rig7", finding.Worker);
        Assert.Equal(1, finding.SharesSubmitted);
        // No share difficulty was seen: the rate is the one the miner declared, 45.5 MH/s.
        Assert.Equal(45.5e6, finding.EstHashrateHs);
    }

    [Fact]
    public void Two_getwork_workers_through_one_connection_are_two_logins()
    {
        var rig = new IPEndPoint(IPAddress.Parse("192.168.9.41"), 50601);
        var pool = new IPEndPoint(IPAddress.Parse("192.0.2.61"), 8888);
        var w = new PcapWriter(false, false);
        uint at = 1;
        foreach (var (seconds, target, user, body) in new[]
        {
            (0.0, "/", $"{Eth}.gpu0", GetWork), (10.0, "/", $"{Eth}.gpu0", SubmitWork),
            (20.0, $"/{Eth}/gpu1", (string?)null, GetWork), (30.0, $"/{Eth}/gpu1", null, SubmitWork), (40.0, $"/{Eth}/gpu1", null, SubmitWork),
        })
        {
            var request = Post(target, user, body);
            w.Tcp(Start.AddSeconds(seconds), rig, pool, at, 0x18, request);
            at += (uint)request.Length;
        }

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal([("gpu0", 1L), ("gpu1", 2L)], finding.Logins.Select(l => (l.Worker!, l.Shares)));
        Assert.All(finding.Logins, l => Assert.Equal(Eth, l.Wallet));
    }

    [Theory]
    [InlineData("ws014.coinhive.com")]
    [InlineData("authedmine.com")]
    [InlineData("www.crypto-loot.org")]
    [InlineData("wss.hostingcloud.racing")]
    public void A_browser_mining_over_tls_is_a_graded_lead_named_by_its_service(string serverName)
    {
        var browser = new IPEndPoint(IPAddress.Parse("10.30.0.12"), 52000);
        var service = new IPEndPoint(IPAddress.Parse("203.0.113.80"), 443);
        var w = new PcapWriter(false, false);
        var hello = PcapWriter.ClientHello(serverName);
        w.Tcp(Start, browser, service, 1, 0x18, hello);
        var rng = new Random(5);
        uint up = 1 + (uint)hello.Length, down = 1;
        // Then the WebSocket's encrypted frames: small jobs down, small shares up, for minutes.
        for (var i = 0; i < 30; i++)
        {
            var job = new byte[150 + rng.Next(40)];
            rng.NextBytes(job);
            w.Tcp(Start.AddSeconds(1 + 15 * i), service, browser, down, 0x18, job);
            down += (uint)job.Length;
            var share = new byte[100 + rng.Next(20)];
            rng.NextBytes(share);
            w.Tcp(Start.AddSeconds(8 + 15 * i), browser, service, up, 0x18, share);
            up += (uint)share.Length;
        }

        var finding = Assert.Single(w.Scan().Findings);

        Assert.Equal("tls", finding.Protocol);
        Assert.Equal(serverName, finding.Pool);
        // Mining in a browser tab, perhaps asked for: a lead to look at, not a certainty.
        Assert.Equal("medium", finding.Confidence);
        Assert.StartsWith($"{serverName} is a browser-mining service", finding.Evidence.Single(e => e.Signal == "browser_mining").Detail);
    }

    [Fact]
    public void The_browser_mining_list_names_the_services_and_not_their_neighbours()
    {
        var pools = MinerWatch.Network.Pools.PoolList.Bundled();
        Assert.True(pools.IsBrowserMiningService("coinhive.com"));
        Assert.True(pools.IsBrowserMiningService("WS001.CoinHive.com."));
        Assert.True(pools.IsBrowserMiningService("coinimp.com"));
        Assert.False(pools.IsBrowserMiningService("notcoinhive.com"));
        Assert.False(pools.IsBrowserMiningService("com"));
        Assert.False(pools.IsBrowserMiningService("pool.supportxmr.com"));
        Assert.NotNull(pools.Match("authedmine.com"));
    }
}
