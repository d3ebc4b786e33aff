using System.Buffers.Binary;

namespace MinerWatch.Network.Capture;

/// <summary>The classic libpcap format: either byte order, microsecond or nanosecond timestamps.</summary>
/// <remarks>
/// A pcap record has no marker to find the next one by, so damage ends the read: the message says where (byte offset
/// and record number) and how many bytes were left unread.
/// </remarks>
internal sealed class PcapReader : CaptureReader
{
    private const int FileHeaderLength = 24, RecordHeaderLength = 16;
    private readonly bool _bigEndian;
    private readonly bool _nanoseconds;
    private readonly LinkType _linkType;
    private bool _ended;
    private long _records;

    public PcapReader(Stream stream, ReadOnlySpan<byte> magicBytes, uint magic) : base(stream, magicBytes)
    {
        // The magic was written in the writer's byte order; read little-endian it shows which order that was.
        _bigEndian = magic is 0xD4C3B2A1 or 0x4D3CB2A1;
        _nanoseconds = magic is 0xA1B23C4D or 0x4D3CB2A1;
        var got = Peek(FileHeaderLength, out var header);
        if (got < FileHeaderLength)
        {
            Problem($"the pcap file header is truncated ({got} of {FileHeaderLength} bytes)");
            _ended = true;
            return;
        }
        // The link type is in the low 16 bits; the bits above carry FCS information.
        _linkType = (LinkType)(U32(header[20..]) & 0xFFFF);
        Advance(FileHeaderLength);
    }

    public LinkType LinkType => _linkType;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public override bool TryRead(out CapturePacket packet)
    {
        packet = default;
        if (_ended) return false;
        var got = Peek(RecordHeaderLength, out var record);
        if (got == 0) return End();
        var at = BytesRead;
        var number = _records + 1;
        if (got < RecordHeaderLength) return Fail($"record {number} at byte {at}: its header is truncated ({got} of {RecordHeaderLength} bytes); the capture ends there (cut short while it was written?)", 0);
        var seconds = U32(record);
        var fraction = U32(record[4..]);
        var captured = U32(record[8..]);
        var wire = U32(record[12..]);
        if (captured > MaxRecord || (_nanoseconds ? fraction >= 1_000_000_000 : fraction >= 1_000_000))
            return Fail($"record {number} at byte {at} has a corrupt header (captured length {captured}, {(_nanoseconds ? "nanoseconds" : "microseconds")} {fraction})", SkipToEnd());
        var length = RecordHeaderLength + (int)captured;
        got = Peek(length, out _);
        if (got < length)
            return Fail($"record {number} at byte {at} is truncated ({got - RecordHeaderLength} of {captured} bytes); the capture ends there (cut short while it was written?)", 0);
        _records++;
        var ticks = _nanoseconds ? fraction / 100 : fraction * 10L;
        var time = DateTimeOffset.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond + ticks);
        packet = new CapturePacket(_linkType, time, Buffered(RecordHeaderLength, (int)captured), (int)Math.Max(wire, captured));
        Advance(length);
        return true;
    }

    private bool Fail(string what, long unread)
    {
        Problem(unread > 0 ? $"{what}; the {unread} bytes from there to the end could not be read (pcap has no marker to read on from)" : what);
        return End();
    }

    private bool End()
    {
        _ended = true;
        return false;
    }

    private uint U32(ReadOnlySpan<byte> b) => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
}
