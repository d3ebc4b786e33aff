using System.Buffers.Binary;

namespace MinerWatch.Network.Capture;

/// <summary>The classic libpcap format: either byte order, microsecond or nanosecond timestamps.</summary>
internal sealed class PcapReader : CaptureReader
{
    private readonly bool _bigEndian;
    private readonly bool _nanoseconds;
    private readonly LinkType _linkType;
    private bool _ended;

    public PcapReader(Stream stream, uint magic) : base(stream)
    {
        // The magic was written in the writer's byte order; read little-endian it shows which order that was.
        _bigEndian = magic is 0xD4C3B2A1 or 0x4D3CB2A1;
        _nanoseconds = magic is 0xA1B23C4D or 0x4D3CB2A1;
        if (!Fill(20, out var header))
        {
            Problem("the file header is truncated");
            _ended = true;
            return;
        }
        // The link type is in the low 16 bits; the bits above carry FCS information.
        _linkType = (LinkType)(U32(header[16..]) & 0xFFFF);
    }

    public LinkType LinkType => _linkType;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public override bool TryRead(out CapturePacket packet)
    {
        packet = default;
        if (_ended) return false;
        var got = FillPartial(16, out var record);
        if (got == 0) return End();
        if (got < 16)
        {
            Problem($"a packet header is truncated ({got} of 16 bytes)");
            return End();
        }
        var seconds = U32(record);
        var fraction = U32(record[4..]);
        var captured = U32(record[8..]);
        var wire = U32(record[12..]);
        if (captured > MaxRecord || (_nanoseconds ? fraction >= 1_000_000_000 : fraction >= 1_000_000))
        {
            Problem($"a packet header is corrupt (captured length {captured}, fraction {fraction})");
            return End();
        }
        got = FillPartial((int)captured, out _);
        if (got < captured)
        {
            Problem($"the last packet is truncated ({got} of {captured} bytes)");
            return End();
        }
        var ticks = _nanoseconds ? fraction / 100 : fraction * 10L;
        var time = DateTimeOffset.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond + ticks);
        packet = new CapturePacket(_linkType, time, Buffered(0, (int)captured), (int)Math.Max(wire, captured));
        return true;
    }

    private bool End()
    {
        _ended = true;
        return false;
    }

    private uint U32(ReadOnlySpan<byte> b) => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
}
