using System.Buffers.Binary;

namespace MinerWatch.Network.Capture;

/// <summary>
/// pcapng: any number of sections, each with its own byte order and interfaces (link type and timestamp resolution
/// per interface). Enhanced, simple and the obsolete packet blocks give packets; other block types are skipped.
/// </summary>
internal sealed class PcapNgReader : CaptureReader
{
    public const uint SectionHeaderType = 0x0A0D0D0A;
    private const uint InterfaceDescriptionType = 1;
    private const uint ObsoletePacketType = 2;
    private const uint SimplePacketType = 3;
    private const uint EnhancedPacketType = 6;
    private const uint ByteOrderMagic = 0x1A2B3C4D;

    private readonly List<Interface> _interfaces = [];
    private bool _bigEndian;
    private bool _ended;
    private bool _magicConsumed = true;
    private DateTimeOffset _lastTime = DateTimeOffset.UnixEpoch;

    private readonly record struct Interface(LinkType LinkType, int SnapLength, long UnitsPerSecond, long OffsetSeconds);

    public PcapNgReader(Stream stream) : base(stream) { }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public override bool TryRead(out CapturePacket packet)
    {
        packet = default;
        while (!_ended)
        {
            if (_magicConsumed)
            {
                // The section header's type was read to tell the format; its length comes next.
                _magicConsumed = false;
                if (!Fill(4, out var first)) return Fail("the first section header is truncated");
                if (!ReadSectionAfterType(first)) return false;
                continue;
            }
            var got = FillPartial(8, out var head);
            if (got == 0) return End();
            if (got < 8) return Fail($"{got} bytes after the last block: not a whole block");
            var type = BinaryPrimitives.ReadUInt32LittleEndian(head);
            if (type == SectionHeaderType)
            {
                if (!ReadSectionAfterType(head[4..8])) return false;
                continue;
            }
            if (_bigEndian) type = BinaryPrimitives.ReverseEndianness(type);
            var length = U32(head[4..]);
            if (length < 12 || length % 4 != 0 || length > MaxRecord) return Fail($"a block of type {type} has a corrupt length {length}");
            var bodyLength = (int)length - 8;
            got = FillPartial(bodyLength, out var body);
            if (got < bodyLength) return Fail($"the last block is truncated ({got + 8} of {length} bytes)");
            if (U32(body[(bodyLength - 4)..]) != length) return Fail($"a block of type {type} has mismatched lengths");
            body = body[..(bodyLength - 4)];
            switch (type)
            {
                case InterfaceDescriptionType:
                    AddInterface(body);
                    break;
                case EnhancedPacketType:
                case ObsoletePacketType:
                    if (TryEnhanced(body, type == ObsoletePacketType, out packet)) return true;
                    break;
                case SimplePacketType:
                    if (TrySimple(body, out packet)) return true;
                    break;
            }
        }
        return false;
    }

    /// <summary>Reads a section header from its length field on: byte order, then skips the rest of the block.</summary>
    private bool ReadSectionAfterType(Span<byte> lengthBytes)
    {
        var rawLength = BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        if (!Fill(4, out var bom)) return Fail("a section header is truncated");
        var order = BinaryPrimitives.ReadUInt32LittleEndian(bom);
        if (order == ByteOrderMagic) _bigEndian = false;
        else if (order == BinaryPrimitives.ReverseEndianness(ByteOrderMagic)) _bigEndian = true;
        else return Fail($"a section header has an unknown byte-order magic {order:X8}");
        var length = _bigEndian ? BinaryPrimitives.ReverseEndianness(rawLength) : rawLength;
        if (length < 28 || length % 4 != 0 || length > MaxRecord) return Fail($"a section header has a corrupt length {length}");
        var rest = (int)length - 12;
        if (FillPartial(rest, out _) < rest) return Fail("a section header is truncated");
        _interfaces.Clear();
        return true;
    }

    private void AddInterface(ReadOnlySpan<byte> body)
    {
        if (body.Length < 8)
        {
            Problem("an interface description is too short");
            _interfaces.Add(new Interface((LinkType)(-1), 0, 1_000_000, 0));
            return;
        }
        var linkType = (LinkType)U16(body);
        var snap = (int)Math.Min(U32(body[4..]), int.MaxValue);
        long units = 1_000_000;
        long offset = 0;
        var options = body[8..];
        while (options.Length >= 4)
        {
            var code = U16(options);
            var len = U16(options[2..]);
            if (code == 0 || 4 + len > options.Length) break;
            var value = options.Slice(4, len);
            if (code == 9 && len >= 1)
            {
                // if_tsresol: a power of ten, or of two when the top bit is set.
                var r = value[0];
                units = (r & 0x80) != 0 ? 1L << Math.Min(62, r & 0x7F) : Pow10(Math.Min(18, r & 0x7F));
            }
            else if (code == 14 && len >= 8)
            {
                offset = (long)(_bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(value) : BinaryPrimitives.ReadUInt64LittleEndian(value));
            }
            options = options[Math.Min(options.Length, 4 + ((len + 3) & ~3))..];
        }
        _interfaces.Add(new Interface(linkType, snap, units, offset));
    }

    private bool TryEnhanced(ReadOnlySpan<byte> body, bool obsolete, out CapturePacket packet)
    {
        packet = default;
        if (body.Length < 20)
        {
            Problem("a packet block is too short");
            return false;
        }
        int id = obsolete ? U16(body) : (int)U32(body);
        if (id < 0 || id >= _interfaces.Count)
        {
            Problem($"a packet names interface {id}, which was not described");
            return false;
        }
        var iface = _interfaces[id];
        var stamp = ((ulong)U32(body[4..]) << 32) | U32(body[8..]);
        var captured = U32(body[12..]);
        var wire = U32(body[16..]);
        if (captured > body.Length - 20)
        {
            Problem($"a packet block's captured length {captured} exceeds the block");
            return false;
        }
        _lastTime = Time(stamp, iface);
        packet = new CapturePacket(iface.LinkType, _lastTime, Slice(20, (int)captured), (int)Math.Min(Math.Max(wire, captured), int.MaxValue));
        return true;
    }

    private bool TrySimple(ReadOnlySpan<byte> body, out CapturePacket packet)
    {
        packet = default;
        if (_interfaces.Count == 0 || body.Length < 4)
        {
            Problem("a simple packet block without an interface");
            return false;
        }
        var iface = _interfaces[0];
        var wire = (int)Math.Min(U32(body), int.MaxValue);
        var captured = Math.Min(body.Length - 4, iface.SnapLength > 0 ? Math.Min(wire, iface.SnapLength) : wire);
        // A simple packet block carries no time: it takes the time of the packet before it.
        packet = new CapturePacket(iface.LinkType, _lastTime, Slice(4, captured), wire);
        return true;
    }

    /// <summary>The packet bytes as memory: a block's body is read to the start of the reader's buffer.</summary>
    private ReadOnlyMemory<byte> Slice(int offset, int length) => Buffered(offset, length);

    private static DateTimeOffset Time(ulong stamp, Interface iface)
    {
        var seconds = (long)(stamp / (ulong)iface.UnitsPerSecond);
        var remainder = (long)(stamp % (ulong)iface.UnitsPerSecond);
        var ticks = (long)(remainder * (decimal)TimeSpan.TicksPerSecond / iface.UnitsPerSecond);
        seconds += iface.OffsetSeconds;
        if (seconds is < 0 or > 253402300799L) return DateTimeOffset.UnixEpoch;
        return DateTimeOffset.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond + ticks);
    }

    private static long Pow10(int e)
    {
        long v = 1;
        for (var i = 0; i < e; i++) v *= 10;
        return v;
    }

    private bool Fail(string what)
    {
        Problem(what);
        return End();
    }

    private bool End()
    {
        _ended = true;
        return false;
    }

    private uint U32(ReadOnlySpan<byte> b) => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
    private ushort U16(ReadOnlySpan<byte> b) => _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);
}
