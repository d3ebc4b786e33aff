using System.Text.Json;

namespace MinerWatch.Cli.Tests;

public class NetCommandTests
{
    private static readonly string MiningCapture = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../MinerWatch.Network.Tests/Captures/ndpi-mining.pcapng"));

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Json_output_has_the_findings_and_the_summary()
    {
        var (code, output, _) = Run("net", "scan", MiningCapture, "--format", "json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var findings = json.RootElement.GetProperty("findings");
        Assert.Equal(4, findings.GetArrayLength());
        var first = findings[0];
        Assert.Equal("147.229.13.222", first.GetProperty("host").GetString());
        Assert.Equal("185.71.66.39:9999", first.GetProperty("peer").GetString());
        Assert.Equal("tester.worker1", first.GetProperty("worker").GetString());
        Assert.Equal(673, json.RootElement.GetProperty("summary").GetProperty("packets").GetInt64());
        Assert.Equal(4, json.RootElement.GetProperty("summary").GetProperty("flows").GetInt64());
    }

    [Fact]
    public void Internal_range_narrows_the_report_to_its_hosts()
    {
        var (code, output, _) = Run("net", "scan", MiningCapture, "--internal", "192.168.2.0/24", "--format", "csv");

        Assert.Equal(0, code);
        var hosts = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]).ToList();
        Assert.Equal(["192.168.2.148", "192.168.2.148", "192.168.2.92"], hosts);
    }

    [Fact]
    public void Bad_range_and_a_file_that_is_not_a_capture_exit_with_2()
    {
        var (code, _, err) = Run("net", "scan", MiningCapture, "--internal", "192.168.2.0/99");
        Assert.Equal(2, code);
        Assert.Contains("--internal 192.168.2.0/99: not a CIDR range such as 10.0.0.0/8", err);

        var text = Path.Combine(Path.GetTempPath(), $"not-a-capture-{Guid.NewGuid():N}.pcap");
        File.WriteAllText(text, "hello");
        try
        {
            (code, _, err) = Run("net", "scan", text);
            Assert.Equal(2, code);
            Assert.Contains("not a pcap or pcapng capture, nor a Zeek or Suricata log (first bytes 68656C6C)", err);
        }
        finally
        {
            File.Delete(text);
        }
    }

    [Fact]
    public void Eve_output_is_one_suricata_alert_a_line()
    {
        var eve = Path.Combine(Path.GetTempPath(), $"findings-{Guid.NewGuid():N}.json");
        try
        {
            var (code, _, _) = Run("net", "scan", MiningCapture, "--eve", eve);

            Assert.Equal(0, code);
            var lines = File.ReadAllLines(eve);
            Assert.Equal(4, lines.Length);
            using var first = JsonDocument.Parse(lines[0]);
            var root = first.RootElement;
            Assert.Equal("alert", root.GetProperty("event_type").GetString());
            Assert.Equal("2017-01-17T12:17:01.797845+0000", root.GetProperty("timestamp").GetString());
            Assert.Equal("147.229.13.222", root.GetProperty("src_ip").GetString());
            Assert.Equal("185.71.66.39", root.GetProperty("dest_ip").GetString());
            Assert.Equal(9999, root.GetProperty("dest_port").GetInt32());
            Assert.Equal(1900003, root.GetProperty("alert").GetProperty("signature_id").GetInt32());
            Assert.Equal("MinerWatch high-confidence mining: ethproxy (wallet 0x9c99d212f7e5daa18ab50810e0fd255d1f04303b, worker tester.worker1)",
                root.GetProperty("alert").GetProperty("signature").GetString());
            Assert.Equal("Crypto Currency Mining Activity Detected", root.GetProperty("alert").GetProperty("category").GetString());
            Assert.Equal("tester.worker1", root.GetProperty("minerwatch").GetProperty("worker").GetString());
        }
        finally
        {
            File.Delete(eve);
        }
    }

    [Fact]
    public void Live_on_an_interface_that_does_not_exist_names_the_ones_that_do()
    {
        MinerWatch.Tests.Requires.Libpcap();
        var (code, _, err) = Run("net", "live", "--interface", "nosuch0", "--duration", "1");

        Assert.Equal(2, code);
        Assert.StartsWith("error: no interface 'nosuch0' (there are: ", err);
        Assert.Contains("lo", err);
    }

    [Fact]
    public void Record_appends_the_capture_record_and_the_findings_to_an_evidence_log()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"net-record-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            Run("evidence", "keygen", "--name", "soc.example/log", "--out", Path.Combine(dir, "k"));
            Run("evidence", "init", "--log", Path.Combine(dir, "log"), "--origin", "soc.example/log", "--key", Path.Combine(dir, "k"));

            var (code, _, err) = Run("net", "scan", MiningCapture, "--format", "csv", "--record", Path.Combine(dir, "log"), "--record-key", Path.Combine(dir, "k"));

            Assert.Equal(0, code);
            Assert.Contains("1 input file record (entries 0-0) and the net scan result (entry 1); checkpoint size 2", err);
            var log = MinerWatch.Evidence.Log.EvidenceLog.Open(Path.Combine(dir, "log"));
            var record = MinerWatch.Evidence.Log.EvidenceRecord.FromLeaf(log.Entry(0))!;
            Assert.Equal("ndpi-mining.pcapng", record.File);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(MiningCapture))), record.Sha256);
            using var result = JsonDocument.Parse(log.Entry(1));
            Assert.Equal(4, result.RootElement.GetProperty("findings").GetArrayLength());
            Assert.Empty(MinerWatch.Evidence.Log.EvidenceLog.Verify(Path.Combine(dir, "log")).Problems);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
