using System.Buffers.Binary;

namespace MinerWatch.Network.Tests;

/// <summary>Writes pcapng test captures: sections in either byte order, interfaces with their link type and timestamp resolution, enhanced, simple and unknown blocks.</summary>
internal sealed class PcapNgWriter
{
    private readonly MemoryStream _out = new();
    private bool _bigEndian;

    public byte[] Bytes => _out.ToArray();

    public void Section(bool bigEndian)
    {
        _bigEndian = bigEndian;
        var body = new byte[16];
        W32(body, 0, 0x1A2B3C4D);
        W16(body, 4, 1);
        W16(body, 6, 0);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(8), -1);
        Block(0x0A0D0D0A, body);
    }

    /// <summary>An interface; <paramref name="resolution"/> is the if_tsresol byte (6 = microseconds, 9 = nanoseconds).</summary>
    public void Interface(ushort linkType, byte resolution)
    {
        var body = new byte[8 + 8 + 4];
        W16(body, 0, linkType);
        W32(body, 4, 262144);
        W16(body, 8, 9);
        W16(body, 10, 1);
        body[12] = resolution;
        // opt_endofopt: code 0, length 0 (the last four bytes stay zero).
        Block(1, body);
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
