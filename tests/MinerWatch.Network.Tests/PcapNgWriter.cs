using System.Buffers.Binary;

namespace MinerWatch.Network.Tests;

/// <summary>Writes pcapng test captures: sections in either byte order, interfaces with their link type and timestamp resolution, enhanced, simple and unknown blocks.</summary>
internal sealed class PcapNgWriter
{
    private readonly MemoryStream _out = new();
    private bool _bigEndian;

    public byte[] Bytes => _out.ToArray();

    /// <summary>A section header; <paramref name="major"/> is its version (1 is the only one defined).</summary>
    public void Section(bool bigEndian, ushort major = 1)
    {
        _bigEndian = bigEndian;
        var body = new byte[16];
        W32(body, 0, 0x1A2B3C4D);
        W16(body, 4, major);
        W16(body, 6, 0);
        // Section length -1: not given, as writers that stream do.
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(8), -1);
        Block(0x0A0D0D0A, body);
    }

    /// <summary>
    /// An interface; <paramref name="resolution"/> is the if_tsresol byte (6 = microseconds, 9 = nanoseconds, 0x80 | n
    /// = 2^-n), <paramref name="offset"/> the if_tsoffset seconds when given, and a snapshot length of 0 means none.
    /// </summary>
    public void Interface(ushort linkType, byte resolution, uint snapLength = 262144, long? offset = null)
    {
        var body = new List<byte>();
        var head = new byte[8];
        W16(head, 0, linkType);
        W32(head, 4, snapLength);
        body.AddRange(head);
        body.AddRange(Option(9, [resolution]));
        if (offset is { } seconds)
        {
            var value = new byte[8];
            if (_bigEndian) BinaryPrimitives.WriteInt64BigEndian(value, seconds);
            else BinaryPrimitives.WriteInt64LittleEndian(value, seconds);
            body.AddRange(Option(14, value));
        }
        // opt_endofopt: code 0, length 0.
        body.AddRange(new byte[4]);
        Block(1, [.. body]);
    }

    private byte[] Option(ushort code, byte[] value)
    {
        var option = new byte[4 + Pad(value.Length)];
        W16(option, 0, code);
        W16(option, 2, (ushort)value.Length);
        value.CopyTo(option, 4);
        return option;
    }

    /// <summary>The obsolete packet block (type 2): a 16-bit interface id and a 16-bit drops count.</summary>
    public void Obsolete(int interfaceId, ulong timestamp, byte[] frame)
    {
        var body = new byte[20 + Pad(frame.Length)];
        W16(body, 0, (ushort)interfaceId);
        W32(body, 4, (uint)(timestamp >> 32));
        W32(body, 8, (uint)timestamp);
        W32(body, 12, (uint)frame.Length);
        W32(body, 16, (uint)frame.Length);
        frame.CopyTo(body, 20);
        Block(2, body);
    }

    public void Enhanced(int interfaceId, ulong timestamp, byte[] frame)
    {
        var body = new byte[20 + Pad(frame.Length)];
        W32(body, 0, (uint)interfaceId);
        W32(body, 4, (uint)(timestamp >> 32));
        W32(body, 8, (uint)timestamp);
        W32(body, 12, (uint)frame.Length);
        W32(body, 16, (uint)frame.Length);
        frame.CopyTo(body, 20);
        Block(6, body);
    }

    public void Simple(byte[] frame)
    {
        var body = new byte[4 + Pad(frame.Length)];
        W32(body, 0, (uint)frame.Length);
        frame.CopyTo(body, 4);
        Block(3, body);
    }

    public void Unknown(uint type, int length)
    {
        Block(type, new byte[Pad(length)]);
    }

    private void Block(uint type, byte[] body)
    {
        var total = (uint)(12 + body.Length);
        var head = new byte[8];
        W32(head, 0, type);
        W32(head, 4, total);
        _out.Write(head);
        _out.Write(body);
        var tail = new byte[4];
        W32(tail, 0, total);
        _out.Write(tail);
    }

    private static int Pad(int n) => (n + 3) & ~3;

    private void W32(byte[] b, int at, uint v)
    {
        if (_bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at), v);
        else BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
    }

    private void W16(byte[] b, int at, ushort v)
    {
        if (_bigEndian) BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(at), v);
        else BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), v);
    }
}
