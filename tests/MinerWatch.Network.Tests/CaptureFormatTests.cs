using System.Buffers.Binary;
using System.Net;
using MinerWatch.Network.Capture;
using MinerWatch.Network.Detection;

namespace MinerWatch.Network.Tests;

/// <summary>
/// The capture formats as their specifications define them (pcap, pcapng: draft-ietf-opsawg-pcapng; link types:
/// tcpdump.org's LINKTYPE_ list), damage located by byte offset and block number, and captures read from pipes.
/// </summary>
public class CaptureFormatTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly IPEndPoint Miner = new(IPAddress.Parse("10.9.0.5"), 45000);
    private static readonly IPEndPoint Pool = new(IPAddress.Parse("192.0.2.77"), 3333);
    private static readonly string MiningCapture = Path.Combine(AppContext.BaseDirectory, "Captures", "ndpi-mining.pcapng");

    private static (NetworkScanResult Result, CaptureReader Reader) Read(byte[] capture)
    {
        var scanner = new NetworkScanner();
        var reader = CaptureReader.Open(new MemoryStream(capture), "test");
        while (reader.TryRead(out var packet)) scanner.Add(packet);
        reader.Dispose();
        return (scanner.Result(), reader);
    }

    private static byte[] Subscribe(string worker) =>
        PcapWriter.IpTcp(Miner, Pool, 100, 0x18, $"{{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"{worker}\",\"x\"]}}\n");

    // Packet 336 of the real capture is in block 338, at byte 78828, 124 bytes long; the next block is at 78952.
    [Fact]
    public void A_corrupt_block_length_in_a_real_pcapng_is_located_and_the_read_goes_on_from_the_next_block()
    {
        var bytes = File.ReadAllBytes(MiningCapture);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(78828 + 4), 0xFFFFFFFF);

        var (result, reader) = Read(bytes);

        Assert.Equal(1, reader.Malformed);
        Assert.Equal("block 338 (enhanced packet) at byte 78828, after packet 335, has a corrupt length 4294967295; "
            + "skipped that block (124 bytes, 1 packet) and read on from the next block at byte 78952", reader.FirstProblem);
        Assert.Equal(672, result.Summary.Packets);
        Assert.Equal(4, result.Findings.Count);
    }

    [Fact]
    public void A_block_whose_closing_length_disagrees_is_skipped_and_the_read_goes_on()
    {
        var bytes = File.ReadAllBytes(MiningCapture);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(78828 + 124 - 4), 128);

        var (result, reader) = Read(bytes);

        Assert.Equal("block 338 (enhanced packet) at byte 78828, after packet 335, has mismatched lengths (124 at its start, 128 at its end); "
            + "skipped 124 bytes to the next valid block at byte 78952 (any packets in them are lost)", reader.FirstProblem);
        Assert.Equal(672, result.Summary.Packets);
    }

    [Fact]
    public void Bytes_inserted_off_the_four_byte_grid_are_skipped_to_the_next_block()
    {
        var original = File.ReadAllBytes(MiningCapture);
        byte[] bytes = [.. original[..78828], .. Enumerable.Repeat((byte)0xEE, 7), .. original[78828..]];

        var (result, reader) = Read(bytes);

        // The length read is 0x06EEEEEE: three of the inserted bytes and the first of the next block's type.
        Assert.Equal("block 338 (type 0xEEEEEEEE) at byte 78828, after packet 335, has a corrupt length 116322030; "
            + "skipped 7 bytes to the next valid block at byte 78835 (any packets in them are lost)", reader.FirstProblem);
        Assert.Equal(673, result.Summary.Packets);
    }

    [Fact]
    public void A_corrupt_last_block_says_how_many_bytes_could_not_be_read()
    {
        var bytes = File.ReadAllBytes(MiningCapture);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(241836 + 4), 3);

        var (result, reader) = Read(bytes);

        Assert.Equal("block 675 (enhanced packet) at byte 241836, after packet 672, has a corrupt length 3; no valid block follows: "
            + "the 100 bytes from there to the end could not be read", reader.FirstProblem);
        Assert.Equal(672, result.Summary.Packets);
    }

    [Fact]
    public void A_pcapng_cut_short_says_which_block_and_how_much_of_it_there_was()
    {
        var bytes = File.ReadAllBytes(MiningCapture)[..(78828 + 50)];

        var (result, reader) = Read(bytes);

        Assert.Equal("block 338 (enhanced packet) at byte 78828, after packet 335, is truncated (50 of 124 bytes): "
            + "the capture ends there (cut short while it was written?)", reader.FirstProblem);
        Assert.Equal(335, result.Summary.Packets);
    }

    [Fact]
    public void A_section_of_an_unknown_major_version_is_not_read()
    {
        var w = new PcapNgWriter();
        w.Section(bigEndian: false, major: 2);
        w.Interface(1, 6);

        var (result, reader) = Read(w.Bytes);

        Assert.Equal("the section at byte 0 is pcapng version 2.0, and only version 1 is defined: the 60 bytes from there were not read", reader.FirstProblem);
        Assert.Equal(0, result.Summary.Packets);
    }

    [Fact]
    public void Timestamp_resolution_as_a_power_of_two_and_offset_obsolete_and_simple_blocks_and_snaplen_0_follow_the_specification()
    {
        var w = new PcapNgWriter();
        w.Section(bigEndian: true);
        // 2^-20 s units, and every time 1000 s later than written; no snapshot length.
        w.Interface(linkType: 1, resolution: 0x80 | 20, snapLength: 0, offset: 1000);
        w.Unknown(type: 0x80000001, length: 12);
        var seconds = (ulong)(Start - DateTimeOffset.UnixEpoch).TotalSeconds - 1000;
        w.Obsolete(0, (seconds << 20) | (1 << 19), PcapWriter.Ethernet(PcapWriter.IpTcp(Miner, Pool, 100, 0x18, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}\n"), false));
        w.Simple(PcapWriter.Ethernet(PcapWriter.IpTcp(Miner, Pool, 149, 0x18, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"rig.7\",\"x\"]}\n"), false));

        var (result, reader) = Read(w.Bytes);

        Assert.Equal(0, reader.Malformed);
        var finding = Assert.Single(result.Findings);
        Assert.Equal(Start.AddSeconds(0.5), finding.FirstSeen);
        Assert.Equal(Start.AddSeconds(0.5), finding.LastSeen);
        Assert.Equal("rig.7", finding.Worker);
        Assert.Equal(2, result.Summary.Packets);
    }

    [Fact]
    public void A_pcap_record_with_a_corrupt_header_says_where_and_how_much_was_left()
    {
        var w = new PcapWriter(false, false);
        w.Tcp(Start, Miner, Pool, 1, 0x18, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"keep.w1\",\"x\"]}\n");
        byte[] bytes = [.. w.Bytes, .. new byte[8], .. BitConverter.GetBytes(0xC0000000u), .. BitConverter.GetBytes(60u), .. new byte[60]];

        var (result, reader) = Read(bytes);

        Assert.Equal("record 2 at byte 156 has a corrupt header (captured length 3221225472, microseconds 0); "
            + "the 76 bytes from there to the end could not be read (pcap has no marker to read on from)", reader.FirstProblem);
        Assert.Equal(1, result.Summary.Packets);
    }

    /// <summary>A frame of each link type, with the tcpdump.org layout of its header.</summary>
    public static TheoryData<ushort, string> LinkTypes => new()
    {
        { 0, "null, AF_INET in the writer's (little-endian) order" },
        { 1, "Ethernet with 802.1ad and 802.1Q tags and a PPPoE session" },
        { 9, "PPP with RFC 1662 address and control" },
        { 12, "raw IP (DLT_RAW on most systems)" },
        { 14, "raw IP (DLT_RAW on OpenBSD)" },
        { 50, "PPP in HDLC-like framing" },
        { 51, "PPPoE session without Ethernet" },
        { 101, "raw IP" },
        { 108, "OpenBSD loopback, AF in network order" },
        { 113, "Linux cooked v1" },
        { 239, "NFLOG, little-endian attributes" },
        { 276, "Linux cooked v2" },
    };

    private static byte[] Frame(ushort linkType, byte[] ip) => linkType switch
    {
        0 => [2, 0, 0, 0, .. ip],
        1 => [.. new byte[12], 0x88, 0xA8, 0, 5, 0x81, 0x00, 0, 7, 0x88, 0x64, 0x11, 0, 0, 1, (byte)((ip.Length + 2) >> 8), (byte)(ip.Length + 2), 0x00, 0x21, .. ip],
        9 => [0xFF, 0x03, 0x00, 0x21, .. ip],
        50 => [0xFF, 0x03, 0x00, 0x21, .. ip],
        51 => [0x11, 0, 0, 1, (byte)((ip.Length + 2) >> 8), (byte)(ip.Length + 2), 0x00, 0x21, .. ip],
        108 => [0, 0, 0, 2, .. ip],
        113 => PcapWriter.Sll(ip),
        239 => [2, 0, 0, 1, 8, 0, 1, 0, 0x08, 0x00, 0, 0, (byte)(ip.Length + 4), (byte)((ip.Length + 4) >> 8), 9, 0, .. ip],
        276 => PcapWriter.Sll2(ip),
        _ => ip,
    };

    [Theory]
    [MemberData(nameof(LinkTypes))]
    public void Each_common_link_type_is_decoded(ushort linkType, string what)
    {
        var w = new PcapNgWriter();
        w.Section(bigEndian: false);
        w.Interface(linkType, 6);
        w.Enhanced(0, (ulong)(Start - DateTimeOffset.UnixEpoch).Ticks / 10, Frame(linkType, Subscribe("link.w" + linkType)));

        var (result, _) = Read(w.Bytes);

        Assert.True(result.Findings.Count == 1, what);
        Assert.Equal("link.w" + linkType, result.Findings[0].Worker);
        Assert.Equal(0, result.Summary.NotDecoded);
        Assert.Equal(0, result.Summary.Malformed);
    }

    [Fact]
    public void Packets_of_a_link_type_not_decoded_are_counted_and_named()
    {
        var w = new PcapNgWriter();
        w.Section(bigEndian: false);
        w.Interface(linkType: 127, resolution: 6);
        for (var i = 0; i < 3; i++) w.Enhanced(0, 0, [0, 0, 8, 0, 0, 0, 0, 0, .. Subscribe("wifi")]);
        var scanner = new NetworkScanner();

        scanner.AddStream(new MemoryStream(w.Bytes), "/captures/wifi.pcapng");

        var summary = scanner.Result().Summary;
        Assert.Equal(3, summary.NotDecoded);
        Assert.Equal(0, summary.Flows);
        Assert.Equal(["wifi.pcapng: 3 packets of link type 127 (IEEE 802.11 with radiotap header) were not decoded; MinerWatch decodes Ethernet (with VLAN tags and PPPoE), "
            + "PPP, Linux cooked (SLL, SLL2), NFLOG, BSD loopback and raw IP: capture on a wired interface, or on the router's"], summary.Problems);
    }

    /// <summary>A stream that cannot seek and returns few bytes a read, as a pipe does.</summary>
    private sealed class PipeLike(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1000));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void A_capture_and_a_log_read_from_a_pipe_once_give_what_the_files_give()
    {
        var fromFile = new NetworkScanner();
        fromFile.AddFile(MiningCapture);
        var fromPipe = new NetworkScanner();
        fromPipe.AddStream(new PipeLike(File.ReadAllBytes(MiningCapture)), "-");
        var log = "#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tcipher\tserver_name\n"
            + "1767225700.5\tC9\t10.3.3.9\t52000\t198.51.100.80\t443\tTLSv13\tTLS_AES_128_GCM_SHA256\txmr.pool.minergate.com\n";
        fromPipe.AddStream(new PipeLike(System.Text.Encoding.UTF8.GetBytes(log)), "-");

        var file = fromFile.Result();
        var pipe = fromPipe.Result();

        Assert.Equal(file.Summary.Packets, pipe.Summary.Packets);
        Assert.Equal(file.Findings.Select(f => (f.Host, f.Peer, f.Worker)), pipe.Findings.Where(f => f.Protocol != "tls").Select(f => (f.Host, f.Peer, f.Worker)));
        Assert.Equal("xmr.pool.minergate.com", Assert.Single(pipe.Findings, f => f.Protocol == "tls").Pool);
        Assert.Equal(1, pipe.Summary.LogLines);
    }
}
