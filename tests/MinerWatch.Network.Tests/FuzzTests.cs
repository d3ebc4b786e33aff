using System.Diagnostics;
using System.Text;
using MinerWatch.Network.Capture;
using MinerWatch.Network.Detection;
using MinerWatch.Network.Pools;

namespace MinerWatch.Network.Tests;

/// <summary>
/// Bounded random mutation of every network reader's input: real captures (pcap, pcapng), Zeek TSV and JSON logs,
/// Suricata eve.json and pool lists. Flipped bits, extreme lengths, cuts, repeated and inserted runs. Each mutant must
/// be read, or refused with <see cref="NetworkInputException"/>; anything else thrown is a crash, and a mutant that
/// takes longer than <see cref="HangAfter"/> is a hang. MINERWATCH_FUZZ_ITERATIONS sets a longer run.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    private static int Iterations => int.TryParse(Environment.GetEnvironmentVariable("MINERWATCH_FUZZ_ITERATIONS"), out var n) ? n : 600;
    private static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(30);

    private static byte[] Capture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Captures", name));

    // Log seeds are written as Zeek 6 and Suricata 7/8 write them (headers, field order, escapes, event shapes).
    private const string ZeekTsv = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t2026-01-01-00-00-00\n"
        + "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n"
        + "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n"
        + "1767225601.000000\tCHhAvVGS1DHFjwGM9\t10.3.3.7\t40100\t94.130.12.30\t3333\ttcp\t-\t7200.500000\t48000\t90000\tS1\tT\tF\t0\tShADadR\t600\t72000\t650\t116000\t(empty)\n"
        + "1767225602.100000\tC4J4Th3PJpwUYZZ6gc\t10.3.3.8\t40101\t93.184.216.34\t443\ttcp\tssl\t30.000000\t2000\t400000\tSF\tT\tF\t0\tShADadFf\t40\t3600\t300\t412000\t(empty)\n"
        + "#close\t2026-01-01-01-00-00\n"
        + "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n"
        + "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\tquery\tqtype_name\trcode_name\tanswers\tTTLs\n"
        + "1767225600.100000\tC1\t10.3.3.7\t51000\t10.3.0.1\t53\tudp\t4711\tpool.supportxmr.com\tA\tNOERROR\t94.130.12.30,94.130.12.27\t300.000000,300.000000\n";

    private const string ZeekJson =
        "{\"ts\":1767225700.5,\"uid\":\"C9\",\"id.orig_h\":\"10.3.3.9\",\"id.orig_p\":52000,\"id.resp_h\":\"198.51.100.80\",\"id.resp_p\":443,\"version\":\"TLSv13\",\"cipher\":\"TLS_AES_128_GCM_SHA256\",\"server_name\":\"xmr.pool.minergate.com\",\"established\":true}\n"
        + "{\"ts\":\"2026-01-01T00:01:41.500000Z\",\"uid\":\"C10\",\"id.orig_h\":\"10.3.3.9\",\"id.orig_p\":52001,\"id.resp_h\":\"94.130.12.30\",\"id.resp_p\":3333,\"proto\":\"tcp\",\"duration\":7200.5,\"orig_bytes\":48000,\"resp_bytes\":90000,\"conn_state\":\"S1\",\"orig_pkts\":600,\"resp_pkts\":650}\n"
        + "{\"ts\":1767225600100,\"uid\":\"C11\",\"id.orig_h\":\"10.3.3.7\",\"id.orig_p\":51000,\"id.resp_h\":\"10.3.0.1\",\"id.resp_p\":53,\"proto\":\"udp\",\"query\":\"pool.supportxmr.com\",\"answers\":[\"94.130.12.30\"],\"TTLs\":[300.0]}\n";

    private const string Eve =
        "{\"timestamp\":\"2026-01-01T08:00:00.000000+0000\",\"flow_id\":1,\"event_type\":\"alert\",\"src_ip\":\"203.0.113.50\",\"src_port\":4444,\"dest_ip\":\"10.4.0.12\",\"dest_port\":49152,\"proto\":\"TCP\",\"direction\":\"to_client\","
        + "\"flow\":{\"src_ip\":\"10.4.0.12\",\"dest_ip\":\"203.0.113.50\",\"src_port\":49152,\"dest_port\":4444},"
        + "\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":2024792,\"rev\":4,\"signature\":\"ET COINMINER CoinMiner Known Pool DNS Query\",\"category\":\"Crypto Currency Mining Activity Detected\",\"severity\":1},"
        + "\"payload_printable\":\"{\\\"id\\\":null,\\\"method\\\":\\\"mining.notify\\\",\\\"params\\\":[\\\"1\\\"]}\\n\"}\n"
        + "{\"timestamp\":\"2026-01-01T08:00:00.000000+0000\",\"event_type\":\"dns\",\"src_ip\":\"10.0.0.1\",\"src_port\":53,\"dest_ip\":\"10.4.0.12\",\"dest_port\":40000,\"proto\":\"UDP\","
        + "\"dns\":{\"version\":2,\"type\":\"answer\",\"id\":1,\"rrname\":\"xmr.pool.minergate.com\",\"rrtype\":\"A\",\"rcode\":\"NOERROR\",\"answers\":[{\"rrname\":\"xmr.pool.minergate.com\",\"rrtype\":\"A\",\"ttl\":60,\"rdata\":\"198.51.100.9\"}],\"grouped\":{\"A\":[\"198.51.100.9\"]}}}\n"
        + "{\"timestamp\":\"2026-01-01T08:00:01.000000+0000\",\"event_type\":\"tls\",\"src_ip\":\"10.4.0.12\",\"src_port\":40001,\"dest_ip\":\"198.51.100.9\",\"dest_port\":443,\"proto\":\"TCP\",\"tls\":{\"sni\":\"xmr.pool.minergate.com\",\"version\":\"TLS 1.3\"}}\n"
        + "{\"timestamp\":\"2026-01-01T10:00:01.000000+0000\",\"event_type\":\"flow\",\"src_ip\":\"10.4.0.12\",\"src_port\":40002,\"dest_ip\":\"198.51.100.9\",\"dest_port\":3333,\"proto\":\"TCP\",\"flow\":{\"pkts_toserver\":600,\"pkts_toclient\":650,\"bytes_toserver\":48000,\"bytes_toclient\":90000,\"start\":\"2026-01-01T08:00:01.000000+0000\",\"end\":\"2026-01-01T10:00:01.000000+0000\",\"age\":7200,\"state\":\"closed\",\"reason\":\"timeout\"}}\n"
        + "{\"timestamp\":\"2026-01-01T08:00:02.000000+0000\",\"event_type\":\"stats\",\"stats\":{\"uptime\":10}}\n";

    public static TheoryData<string, string, int> Seeds => new()
    {
        { "pcapng", "ndpi-mining.pcapng", 1 },
        { "pcap", "ndpi-android.pcap", 2 },
        { "pcap", "ndpi-jsonrpc.pcap", 3 },
        { "pcap", "ndpi-bitcoin-node.pcap", 4 },
        { "zeek-tsv", "conn.log", 5 },
        { "zeek-json", "ssl.json", 6 },
        { "eve", "eve.json", 7 },
        { "pools", "maltrail-crypto-mining.txt", 8 },
    };

    private static byte[] Seed(string kind, string name) => kind switch
    {
        "pcap" or "pcapng" => Capture(name),
        "zeek-tsv" => Encoding.UTF8.GetBytes(ZeekTsv),
        "zeek-json" => Encoding.UTF8.GetBytes(ZeekJson),
        "eve" => Encoding.UTF8.GetBytes(Eve),
        _ => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "MinerWatch.Network", "Data", name)),
    };

    /// <summary>Reads a mutant the way the command does: told by content through the scanner, or as a pool list.</summary>
    private static void ReadMutant(string kind, byte[] mutant, string name)
    {
        if (kind == "pools")
        {
            new PoolList().AddLines(new StreamReader(new MemoryStream(mutant)), name);
            return;
        }
        var scanner = new NetworkScanner();
        scanner.AddStream(new MemoryStream(mutant), name);
        var result = scanner.Result();
        Assert.All(result.Findings, f => Assert.False(string.IsNullOrEmpty(f.Host)));
        Assert.All(result.Findings, f => Assert.True(f.EstHashrateHs is null or (>= 0 and <= 1e22)));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Mutated_inputs_are_read_or_refused_with_an_input_error_never_crash_or_hang(string kind, string name, int seed)
    {
        var original = Seed(kind, name);
        ReadMutant(kind, original, name);
        var rng = new Random(seed);
        var clock = Stopwatch.StartNew();
        int refused = 0;
        var crashes = new List<string>();
        for (var i = 0; i < Iterations; i++)
        {
            var mutant = Mutate(original, rng);
            var label = $"{name} mutant {i}";
            var run = Task.Run(() => ReadMutant(kind, mutant, label), TestContext.Current.CancellationToken);
            try
            {
                await run.WaitAsync(HangAfter, TestContext.Current.CancellationToken);
            }
            catch (TimeoutException)
            {
                crashes.Add($"{label}: still reading after {HangAfter.TotalSeconds} s");
            }
            catch (NetworkInputException)
            {
                refused++;
            }
            catch (Exception e)
            {
                crashes.Add($"{label}: {e.GetType().Name}: {e.Message}");
            }
        }
        output.WriteLine($"{kind} {name}: {Iterations} mutants in {clock.Elapsed.TotalSeconds:0.0} s, {refused} refused with an input error, {crashes.Count} crashes or hangs");
        Assert.Empty(crashes);
    }

    [Fact]
    public void Mutated_captures_damage_records_and_still_give_packets()
    {
        var original = Capture("ndpi-mining.pcapng");
        var rng = new Random(1);
        long packets = 0, malformed = 0;
        for (var i = 0; i < 200; i++)
        {
            var scanner = new NetworkScanner();
            try
            {
                scanner.AddStream(new MemoryStream(Mutate(original, rng)), "mutant.pcapng");
            }
            catch (NetworkInputException)
            {
                // Not a capture any more, or not one packet of it readable: refused, not reported as clean.
                continue;
            }
            var summary = scanner.Result().Summary;
            packets += summary.Packets;
            malformed += summary.Malformed;
        }
        Assert.True(packets > 0);
        Assert.True(malformed > 0, "the mutations should damage some records");
    }

    private static byte[] Mutate(byte[] original, Random rng)
    {
        var bytes = original.ToList();
        var edits = rng.Next(1, 12);
        for (var e = 0; e < edits && bytes.Count > 8; e++)
        {
            var at = rng.Next(bytes.Count);
            switch (rng.Next(6))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1:
                    // A length field overwritten with an extreme value.
                    var value = rng.Next(3) switch { 0 => 0u, 1 => 0xFFFFFFFFu, _ => (uint)rng.Next() };
                    for (var k = 0; k < 4 && at + k < bytes.Count; k++) bytes[at + k] = (byte)(value >> (8 * k));
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3:
                    var length = Math.Min(rng.Next(1, 200), bytes.Count - at);
                    bytes.InsertRange(rng.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
                case 4:
                    var junk = new byte[rng.Next(1, 64)];
                    rng.NextBytes(junk);
                    bytes.InsertRange(at, junk);
                    break;
                default:
                    bytes.RemoveRange(at, Math.Min(rng.Next(1, 100), bytes.Count - at));
                    break;
            }
        }
        return [.. bytes];
    }
}
