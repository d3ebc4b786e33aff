using System.Buffers.Binary;

namespace MinerWatch.Network.Capture;

/// <summary>
/// pcapng (draft-ietf-opsawg-pcapng): any number of sections, each with its own byte order and interfaces (link type,
/// snapshot length, timestamp resolution and offset per interface). Enhanced, simple and the obsolete packet blocks
/// give packets; other block types are skipped.
/// </summary>
/// <remarks>
/// Every block repeats its length at its end. A block whose two lengths disagree, or whose length is impossible, is
/// damaged: the reader searches on from there for the next place where a block of a known type starts whose two
/// lengths agree, and reads on from it, saying where the damage was and what was lost.
/// </remarks>
internal sealed class PcapNgReader : CaptureReader
{
    public const uint SectionHeaderType = 0x0A0D0D0A;
    private const uint InterfaceDescriptionType = 1;
    private const uint ObsoletePacketType = 2;
    private const uint SimplePacketType = 3;
    private const uint NameResolutionType = 4;
    private const uint InterfaceStatisticsType = 5;
    private const uint EnhancedPacketType = 6;
    private const uint JournalExportType = 9;
    private const uint DecryptionSecretsType = 10;
    private const uint CustomType = 0x00000BAD, CustomNoCopyType = 0x40000BAD;
    private const uint ByteOrderMagic = 0x1A2B3C4D;
    /// <summary>How far the search for the next block goes before it lets go of the bytes behind it.</summary>
    private const int ResyncWindow = 1 << 20;

    private readonly List<Interface> _interfaces = [];
    private bool _bigEndian;
    private bool _ended;
    private long _blocks, _packets;
    private DateTimeOffset _lastTime = DateTimeOffset.UnixEpoch;

    private readonly record struct Interface(LinkType LinkType, int SnapLength, long UnitsPerSecond, long OffsetSeconds);

    public PcapNgReader(Stream stream, ReadOnlySpan<byte> magic) : base(stream, magic) { }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public override bool TryRead(out CapturePacket packet)
    {
        packet = default;
        while (!_ended)
        {
            var at = BytesRead;
            var got = Peek(8, out var head);
            if (got == 0) return End();
            if (got < 8)
            {
                Problem($"{got} bytes at byte {at}, after block {_blocks}, are not a whole block and were not read");
                return End();
            }
            _blocks++;
            if (BinaryPrimitives.ReadUInt32LittleEndian(head) == SectionHeaderType)
            {
                Section(at);
                continue;
            }
            var type = U32(head);
            var length = U32(head[4..]);
            if (length < 12 || length % 4 != 0 || length > MaxRecord)
            {
                Damaged(at, type, $"has a corrupt length {length}");
                continue;
            }
            got = Peek((int)length, out var block);
            if (got < length)
            {
                Problem($"block {_blocks} ({Name(type)}) at byte {at}, after packet {_packets}, is truncated ({got} of {length} bytes): the capture ends there (cut short while it was written?)");
                Advance(got);
                return End();
            }
            var tail = U32(block[^4..]);
            if (tail != length)
            {
                Damaged(at, type, $"has mismatched lengths ({length} at its start, {tail} at its end)");
                continue;
            }
            var body = block[8..^4];
            var produced = false;
            switch (type)
            {
                case InterfaceDescriptionType:
                    AddInterface(body, at);
                    break;
                case EnhancedPacketType:
                case ObsoletePacketType:
                    produced = TryEnhanced(body, type == ObsoletePacketType, at, out packet);
                    break;
                case SimplePacketType:
                    produced = TrySimple(body, at, out packet);
                    break;
            }
            Advance((int)length);
            if (produced)
            {
                _packets++;
                return true;
            }
        }
        return false;
    }

    /// <summary>A section header: its byte order, version and length; its interfaces replace the last section's.</summary>
    private void Section(long at)
    {
        var got = Peek(12, out var head);
        if (got < 12)
        {
            Problem($"the section header at byte {at} is truncated ({got} bytes): the capture ends there");
            Advance(got);
            End();
            return;
        }
        var order = BinaryPrimitives.ReadUInt32LittleEndian(head[8..]);
        bool big;
        if (order == ByteOrderMagic) big = false;
        else if (order == BinaryPrimitives.ReverseEndianness(ByteOrderMagic)) big = true;
        else
        {
            Damaged(at, SectionHeaderType, $"has an unknown byte-order magic {order:X8}");
            return;
        }
        var length = big ? BinaryPrimitives.ReadUInt32BigEndian(head[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
        // 28 bytes: type, length, byte-order magic, version, section length (-1 when unknown), length again.
        if (length < 28 || length % 4 != 0 || length > MaxRecord)
        {
            Damaged(at, SectionHeaderType, $"has a corrupt length {length}");
            return;
        }
        got = Peek((int)length, out var block);
        if (got < length)
        {
            Problem($"the section header at byte {at} is truncated ({got} of {length} bytes): the capture ends there");
            Advance(got);
            End();
            return;
        }
        var tail = big ? BinaryPrimitives.ReadUInt32BigEndian(block[^4..]) : BinaryPrimitives.ReadUInt32LittleEndian(block[^4..]);
        if (tail != length)
        {
            Damaged(at, SectionHeaderType, $"has mismatched lengths ({length} at its start, {tail} at its end)");
            return;
        }
        var major = big ? BinaryPrimitives.ReadUInt16BigEndian(block[12..]) : BinaryPrimitives.ReadUInt16LittleEndian(block[12..]);
        var minor = big ? BinaryPrimitives.ReadUInt16BigEndian(block[14..]) : BinaryPrimitives.ReadUInt16LittleEndian(block[14..]);
        if (major != 1)
        {
            // The specification: a reader that does not know a section's major version must not read that section.
            Problem($"the section at byte {at} is pcapng version {major}.{minor}, and only version 1 is defined: the {SkipToEnd()} bytes from there were not read");
            End();
            return;
        }
        _bigEndian = big;
        _interfaces.Clear();
        Advance((int)length);
    }

    /// <summary>
    /// A damaged block at <paramref name="at"/>: reads on from the next valid block, or ends the read when none follows.
    /// </summary>
    private void Damaged(long at, uint type, string what)
    {
        var where = $"block {_blocks} ({Name(type)}) at byte {at}, after packet {_packets}, {what}";
        if (!Resync(out var lengthBefore))
        {
            Problem($"{where}; no valid block follows: the {BytesRead - at} bytes from there to the end could not be read");
            End();
            return;
        }
        var next = BytesRead;
        var skipped = next - at;
        // The damaged block's own closing length, just before the next block, says it was exactly one block.
        if (lengthBefore == skipped)
        {
            var lost = type is EnhancedPacketType or ObsoletePacketType or SimplePacketType ? ", 1 packet" : "";
            Problem($"{where}; skipped that block ({skipped} bytes{lost}) and read on from the next block at byte {next}");
        }
        else
            Problem($"{where}; skipped {skipped} bytes to the next valid block at byte {next} (any packets in them are lost)");
    }

    /// <summary>
    /// Moves past the damaged block's start to where the next valid block begins, byte by byte (damage may have moved
    /// the rest off the 4-byte grid); <paramref name="lengthBefore"/> is the 4 bytes just before it. False at the end.
    /// </summary>
    private bool Resync(out uint lengthBefore)
    {
        lengthBefore = 0;
        var k = 4;
        while (true)
        {
            if (k > ResyncWindow)
            {
                Advance(k - 4);
                k = 4;
            }
            if (Peek(k + 12, out _) < k + 12)
            {
                SkipToEnd();
                return false;
            }
            if (IsBlockAt(k))
            {
                Peek(k, out var before);
                lengthBefore = U32(before[(k - 4)..]);
                Advance(k);
                return true;
            }
            k++;
        }
    }

    /// <summary>True when a block of a known type starts <paramref name="k"/> bytes on, with both its lengths agreeing.</summary>
    private bool IsBlockAt(int k)
    {
        Peek(k + 12, out var window);
        var head = window[k..];
        var big = _bigEndian;
        var type = BinaryPrimitives.ReadUInt32LittleEndian(head);
        if (type == SectionHeaderType)
        {
            var order = BinaryPrimitives.ReadUInt32LittleEndian(head[8..]);
            if (order == ByteOrderMagic) big = false;
            else if (order == BinaryPrimitives.ReverseEndianness(ByteOrderMagic)) big = true;
            else return false;
        }
        else
        {
            type = U32(head);
            if (type is not (InterfaceDescriptionType or ObsoletePacketType or SimplePacketType or NameResolutionType or InterfaceStatisticsType
                or EnhancedPacketType or JournalExportType or DecryptionSecretsType or CustomType or CustomNoCopyType)) return false;
        }
        var length = big ? BinaryPrimitives.ReadUInt32BigEndian(head[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
        var least = type switch { SectionHeaderType => 28, EnhancedPacketType or ObsoletePacketType => 32, InterfaceDescriptionType => 20, SimplePacketType => 16, _ => 12 };
        if (length < least || length % 4 != 0 || length > MaxRecord) return false;
        if (Peek(k + (int)length, out var block) < k + length) return false;
        block = block[k..];
        var tail = big ? BinaryPrimitives.ReadUInt32BigEndian(block[^4..]) : BinaryPrimitives.ReadUInt32LittleEndian(block[^4..]);
        if (tail != length) return false;
        if (type is EnhancedPacketType or ObsoletePacketType)
        {
            var id = type == ObsoletePacketType ? U16(block[8..]) : U32(block[8..]);
            if (id >= _interfaces.Count || U32(block[20..]) > length - 32) return false;
        }
        return true;
    }

    private void AddInterface(ReadOnlySpan<byte> body, long at)
    {
        if (body.Length < 8)
        {
            Problem($"block {_blocks} (interface description) at byte {at} is too short: the packets of interface {_interfaces.Count} are skipped");
            _interfaces.Add(new Interface((LinkType)(-1), 0, 1_000_000, 0));
            return;
        }
        var linkType = (LinkType)U16(body);
        // A snapshot length of 0 means no limit.
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
                // if_tsresol: a negative power of ten, or of two when the top bit is set. Beyond 10^-18 or 2^-62
                // a 64-bit count of units spans under 20 seconds: no capture has that, so such a value is damage.
                var r = value[0];
                var exponent = r & 0x7F;
                var binary = (r & 0x80) != 0;
                if (exponent > (binary ? 62 : 18))
                    Problem($"block {_blocks} (interface description) at byte {at} has if_tsresol {(binary ? "2" : "10")}^-{exponent}, finer than any clock: its packets' times are read at {(binary ? "2^-62" : "10^-18")} s");
                units = binary ? 1L << Math.Min(62, exponent) : Pow10(Math.Min(18, exponent));
            }
            else if (code == 14 && len >= 8)
            {
                // if_tsoffset: signed seconds to add to every timestamp of the interface.
                offset = _bigEndian ? BinaryPrimitives.ReadInt64BigEndian(value) : BinaryPrimitives.ReadInt64LittleEndian(value);
            }
            options = options[Math.Min(options.Length, 4 + ((len + 3) & ~3))..];
        }
        _interfaces.Add(new Interface(linkType, snap, units, offset));
    }

    private bool TryEnhanced(ReadOnlySpan<byte> body, bool obsolete, long at, out CapturePacket packet)
    {
        packet = default;
        if (body.Length < 20)
        {
            Problem($"block {_blocks} ({(obsolete ? "obsolete" : "enhanced")} packet) at byte {at} is too short for a packet");
            return false;
        }
        long id = obsolete ? U16(body) : U32(body);
        if (id >= _interfaces.Count)
        {
            Problem($"block {_blocks} (packet) at byte {at} names interface {id}, which its section did not describe ({_interfaces.Count} interfaces): skipped");
            return false;
        }
        var iface = _interfaces[(int)id];
        var stamp = ((ulong)U32(body[4..]) << 32) | U32(body[8..]);
        var captured = U32(body[12..]);
        var wire = U32(body[16..]);
        if (captured > body.Length - 20)
        {
            Problem($"block {_blocks} (packet) at byte {at} has a captured length {captured} beyond its block ({body.Length - 20} bytes): skipped");
            return false;
        }
        _lastTime = Time(stamp, iface);
        // The block's body starts 8 bytes into the block; the packet 20 bytes into the body.
        packet = new CapturePacket(iface.LinkType, _lastTime, Buffered(28, (int)captured), (int)Math.Min(Math.Max(wire, captured), int.MaxValue));
        return true;
    }

    private bool TrySimple(ReadOnlySpan<byte> body, long at, out CapturePacket packet)
    {
        packet = default;
        if (_interfaces.Count == 0 || body.Length < 4)
        {
            Problem($"block {_blocks} (simple packet) at byte {at} comes before any interface description: skipped");
            return false;
        }
        var iface = _interfaces[0];
        var wire = (int)Math.Min(U32(body), int.MaxValue);
        // No captured length: the packet is the body, cut to the original length and the snapshot length.
        var captured = Math.Min(body.Length - 4, iface.SnapLength > 0 ? Math.Min(wire, iface.SnapLength) : wire);
        // A simple packet block carries no time: it takes the time of the packet before it.
        packet = new CapturePacket(iface.LinkType, _lastTime, Buffered(12, captured), wire);
        return true;
    }

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

    private static string Name(uint type) => type switch
    {
        SectionHeaderType => "section header",
        InterfaceDescriptionType => "interface description",
        ObsoletePacketType => "obsolete packet",
        SimplePacketType => "simple packet",
        NameResolutionType => "name resolution",
        InterfaceStatisticsType => "interface statistics",
        EnhancedPacketType => "enhanced packet",
        JournalExportType => "journal export",
        DecryptionSecretsType => "decryption secrets",
        CustomType or CustomNoCopyType => "custom",
        _ => $"type 0x{type:X8}",
    };

    private bool End()
    {
        _ended = true;
        return false;
    }

    private uint U32(ReadOnlySpan<byte> b) => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
    private ushort U16(ReadOnlySpan<byte> b) => _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);
}
