using MinerWatch.Network.Detection;

namespace MinerWatch.Network.Tests;

public class SensorLogTests
{
    private static NetworkScanResult Scan(params (string Name, string Text)[] files)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"sensor-logs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var scanner = new NetworkScanner();
            foreach (var (name, text) in files)
            {
                var path = Path.Combine(dir, name);
                File.WriteAllText(path, text);
                scanner.AddFile(path);
            }
            return scanner.Result();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private const string ZeekHeader = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n";

    [Fact]
    public void Zeek_tsv_logs_tie_a_long_small_message_connection_to_a_pool_by_its_dns_answer()
    {
        var dns = ZeekHeader + "#path\tdns\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers\n"
            + "1767225600.100000\tC1\t10.3.3.7\t51000\t10.3.0.1\t53\tudp\tpool.supportxmr.com\t94.130.12.30,94.130.12.27\n";
        var conn = ZeekHeader + "#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\torig_pkts\tresp_pkts\n"
            + "1767225601.000000\tC2\t10.3.3.7\t40100\t94.130.12.30\t3333\ttcp\t-\t7200.5\t48000\t90000\tS1\t600\t650\n"
            + "1767225601.000000\tC3\t10.3.3.8\t40101\t93.184.216.34\t443\ttcp\tssl\t30.0\t2000\t400000\tSF\t40\t300\n";

        var finding = Assert.Single(Scan(("dns.log", dns), ("conn.log", conn)).Findings);

        Assert.Equal("10.3.3.7", finding.Host);
        Assert.Equal("94.130.12.30:3333", finding.Peer);
        Assert.Equal("pool.supportxmr.com", finding.Pool);
        Assert.Equal("high", finding.Confidence);
        Assert.Equal(["dns", "flow_shape"], finding.Evidence.Select(e => e.Signal));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767225601000), finding.FirstSeen);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767225601000).AddSeconds(7200.5), finding.LastSeen);
    }

    [Fact]
    public void Zeek_json_ssl_log_names_a_pool_behind_tls()
    {
        var ssl = """
            {"ts":1767225700.5,"uid":"C9","id.orig_h":"10.3.3.9","id.orig_p":52000,"id.resp_h":"198.51.100.80","id.resp_p":443,"version":"TLSv13","cipher":"TLS_AES_128_GCM_SHA256","server_name":"xmr.pool.minergate.com","established":true}
            {"ts":1767225701.5,"uid":"C10","id.orig_h":"10.3.3.9","id.orig_p":52001,"id.resp_h":"198.51.100.81","id.resp_p":443,"version":"TLSv13","cipher":"TLS_AES_128_GCM_SHA256","server_name":"www.example.org","established":true}
            """;

        var finding = Assert.Single(Scan(("ssl.json", ssl)).Findings);

        Assert.Equal("10.3.3.9", finding.Host);
        Assert.Equal("198.51.100.80:443", finding.Peer);
        Assert.Equal("tls", finding.Protocol);
        Assert.Equal("medium", finding.Confidence);
        Assert.Equal("tls_sni: TLS server name xmr.pool.minergate.com (listed pool domain xmr.pool.minergate.com)", $"{finding.Evidence[0].Signal}: {finding.Evidence[0].Detail}");
    }

    [Fact]
    public void Suricata_alert_payload_gives_the_login_and_a_flow_event_alone_gives_nothing()
    {
        var eve = """
            {"timestamp":"2026-01-01T08:00:00.000000+0000","event_type":"alert","src_ip":"10.4.0.12","src_port":49152,"dest_ip":"203.0.113.50","dest_port":4444,"proto":"TCP","alert":{"signature_id":2017871,"signature":"ET POLICY Crypto Coin Miner Login","category":"Crypto Currency Mining Activity Detected"},"payload_printable":"{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq.lab-pc\",\"x\"]}\n"}
            {"timestamp":"2026-01-01T08:05:00.000000+0000","event_type":"flow","src_ip":"10.4.0.13","src_port":50000,"dest_ip":"203.0.113.60","dest_port":443,"proto":"TCP","flow":{"pkts_toserver":900,"pkts_toclient":1200,"bytes_toserver":90000,"bytes_toclient":1500000,"start":"2026-01-01T08:00:00.000000+0000","end":"2026-01-01T09:00:00.000000+0000"}}
            not json at all
            """;

        var result = Scan(("eve.json", eve));

        var finding = Assert.Single(result.Findings);
        Assert.Equal("10.4.0.12", finding.Host);
        Assert.Equal("203.0.113.50:4444", finding.Peer);
        Assert.Equal("stratum", finding.Protocol);
        Assert.Equal("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", finding.Wallet);
        Assert.Equal("lab-pc", finding.Worker);
        Assert.Contains(finding.Evidence, e => e.Signal == "ids_alert" && e.Detail == "ET POLICY Crypto Coin Miner Login (eve.json:1)");
        Assert.Equal(1, result.Summary.Malformed);
        Assert.Equal(3, result.Summary.LogLines);
        Assert.StartsWith("eve.json:3: ", Assert.Single(result.Summary.Problems));
    }
}
