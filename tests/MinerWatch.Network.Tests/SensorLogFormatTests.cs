using MinerWatch.Network.Logs;

namespace MinerWatch.Network.Tests;

/// <summary>Zeek's ASCII and JSON log formats and Suricata's eve.json variants, as those tools write them.</summary>
public class SensorLogFormatTests
{
    private const string Header = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n";
    private const string ConnFields = "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tduration\torig_bytes\tresp_bytes\torig_pkts\tresp_pkts\n";

    private static SensorLogReader Read(string text, string name = "conn.log")
    {
        var logs = new SensorLogReader();
        logs.Read(new StringReader(text), name);
        return logs;
    }

    [Theory]
    [InlineData("nan")]
    [InlineData("-inf")]
    [InlineData("-1.5")]
    [InlineData("1e300")]
    public void A_zeek_ts_that_is_not_a_time_is_a_malformed_line_not_1970(string ts)
    {
        var logs = Read(Header + ConnFields + $"{ts}\tC1\t10.0.0.1\t40000\t192.0.2.1\t3333\ttcp\t600\t100\t100\t10\t10\n");

        Assert.Empty(logs.Connections);
        Assert.Equal(1, logs.Malformed);
        Assert.Equal($"conn.log:7: ts '{ts}' is not a time: Zeek writes seconds since 1970 (e.g. 1767225600.123456)", logs.FirstProblem);
    }

    [Theory]
    [InlineData("\"ts\":1767225600.25", "2026-01-01T00:00:00.25+00:00")]
    [InlineData("\"ts\":\"2026-01-01T00:00:00.250000Z\"", "2026-01-01T00:00:00.25+00:00")]
    [InlineData("\"ts\":1767225600250", "2026-01-01T00:00:00.25+00:00")]
    public void Zeek_json_ts_is_read_as_epoch_seconds_iso_8601_or_milliseconds(string ts, string expected)
    {
        var logs = Read("{" + ts + ",\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\",\"id.orig_p\":40000,\"id.resp_h\":\"192.0.2.1\",\"id.resp_p\":3333,\"proto\":\"tcp\",\"service\":null,\"duration\":600.0}\n", "conn.json");

        Assert.Equal(0, logs.Malformed);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(logs.Connections).Start);
    }

    [Fact]
    public void Zeek_json_with_a_ts_that_is_not_a_time_names_the_json_forms()
    {
        var logs = Read("{\"ts\":\"yesterday\",\"id.orig_h\":\"10.0.0.1\",\"id.orig_p\":1,\"id.resp_h\":\"192.0.2.1\",\"id.resp_p\":3333,\"proto\":\"tcp\"}\n", "conn.json");

        Assert.Equal("conn.json:1: ts 'yesterday' is not a time: Zeek writes seconds since 1970 (e.g. 1767225600.123456), an ISO 8601 time or milliseconds", logs.FirstProblem);
    }

    [Fact]
    public void A_log_written_with_its_own_separators_and_markers_is_read_by_its_header()
    {
        // LogAscii::separator "|", set_separator ";", unset_field "NONE", empty_field "EMPTY"; the query holds an escaped "|".
        var dns = "#separator \\x7c\n#set_separator|;\n#empty_field|EMPTY\n#unset_field|NONE\n#path|dns\n"
            + "#fields|ts|uid|id.orig_h|id.orig_p|id.resp_h|id.resp_p|proto|query|answers|TTLs\n"
            + "1767225600.100000|C1|10.3.3.7|51000|10.3.0.1|53|udp|pool.supportxmr.com|94.130.12.30;94.130.12.27|NONE\n"
            + "1767225600.200000|C2|10.3.3.7|51001|10.3.0.1|53|udp|odd\\x7cname.example|EMPTY|NONE\n"
            + "1767225600.300000|C3|10.3.3.7|51002|10.3.0.1|53|udp|\\x2d|198.51.100.1|NONE\n";

        var logs = Read(dns, "dns.log");

        Assert.Equal(0, logs.Malformed);
        Assert.Equal([("pool.supportxmr.com", "94.130.12.30:0"), ("pool.supportxmr.com", "94.130.12.27:0"), ("-", "198.51.100.1:0")],
            logs.Names.Select(n => (n.Name, n.Address.ToString())));
    }

    [Fact]
    public void A_zeek_line_with_fewer_values_than_its_fields_is_malformed()
    {
        var logs = Read(Header + ConnFields + "1767225601.0\tC1\t10.0.0.1\t40000\t192.0.2.1\n");

        Assert.Empty(logs.Connections);
        Assert.Equal("conn.log:7: 5 values where the #fields header names 12 (a line cut short?)", logs.FirstProblem);
    }

    [Fact]
    public void Unset_and_empty_counts_read_as_zero_and_absurd_counts_are_not_negative()
    {
        var logs = Read(Header + ConnFields + "1767225601.0\tC1\t10.0.0.1\t40000\t192.0.2.1\t3333\ttcp\t-\t(empty)\tnan\t-5\t1e30\n");

        var c = Assert.Single(logs.Connections);
        Assert.Equal((0d, 0L, 0L, 0L, 0L), (c.DurationSeconds, c.ClientBytes, c.ServerBytes, c.ClientPackets, c.ServerPackets));
    }

    [Theory]
    [InlineData("{\"version\":3,\"type\":\"response\",\"queries\":[{\"rrname\":\"xmr.pool.minergate.com\",\"rrtype\":\"A\"}],\"answers\":[{\"rrname\":\"xmr.pool.minergate.com\",\"rrtype\":\"A\",\"rdata\":\"198.51.100.9\"}]}")]
    [InlineData("{\"version\":2,\"type\":\"answer\",\"rrname\":\"xmr.pool.minergate.com\",\"grouped\":{\"A\":[\"198.51.100.9\"],\"CNAME\":[\"edge.example\"]}}")]
    [InlineData("{\"type\":\"answer\",\"rrname\":\"xmr.pool.minergate.com\",\"rrtype\":\"A\",\"rdata\":\"198.51.100.9\"}")]
    public void Suricata_dns_answers_are_read_in_versions_1_2_and_3(string dns)
    {
        var logs = Read("{\"timestamp\":\"2026-01-01T08:00:00.000000+0000\",\"event_type\":\"dns\",\"src_ip\":\"10.0.0.1\",\"src_port\":53,\"dest_ip\":\"10.4.0.12\",\"dest_port\":40000,\"proto\":\"UDP\",\"dns\":" + dns + "}\n", "eve.json");

        Assert.Equal(0, logs.Malformed);
        var name = Assert.Single(logs.Names);
        Assert.Equal(("xmr.pool.minergate.com", "198.51.100.9:0"), (name.Name, name.Address.ToString()));
    }

    [Fact]
    public void An_eve_line_with_a_port_out_of_range_is_malformed_with_its_line()
    {
        var logs = Read("{\"timestamp\":\"2026-01-01T08:00:00.000000+0000\",\"event_type\":\"tls\",\"src_ip\":\"10.0.0.1\",\"src_port\":70000,\"dest_ip\":\"192.0.2.1\",\"dest_port\":443,\"tls\":{\"sni\":\"a.example\"}}\n", "eve.json");

        Assert.Empty(logs.Connections);
        Assert.Equal(1, logs.Malformed);
        Assert.StartsWith("eve.json:1: ", logs.FirstProblem);
    }
}
