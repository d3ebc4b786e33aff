using System.Buffers.Binary;
using System.Net;
using MinerWatch.Network.Capture;
using MinerWatch.Network.Detection;

namespace MinerWatch.Network.Tests;

/// <summary>Writes small test captures: classic pcap in either byte order and time unit, Ethernet frames with optional VLAN tags, IPv4 or IPv6, TCP.</summary>
internal sealed class PcapWriter
{
    private readonly MemoryStream _out = new();
    private readonly bool _bigEndian;
    private readonly bool _nanoseconds;

    public PcapWriter(bool bigEndian, bool nanoseconds)
    {
        _bigEndian = bigEndian;
        _nanoseconds = nanoseconds;
        U32(nanoseconds ? 0xA1B23C4D : 0xA1B2C3D4);
        U16(2);
        U16(4);
        U32(0);
        U32(0);
        U32(65535);
        U32(1); // Ethernet
    }

    public byte[] Bytes => _out.ToArray();

    /// <summary>The written capture, scanned as `net scan` reads a file.</summary>
    public NetworkScanResult Scan() => Scan(Bytes);

    public static NetworkScanResult Scan(byte[] capture)
    {
        var scanner = new NetworkScanner();
        using var reader = CaptureReader.Open(new MemoryStream(capture), "test");
        while (reader.TryRead(out var packet)) scanner.Add(packet);
        return scanner.Result();
    }

    public void Tcp(DateTimeOffset time, IPEndPoint from, IPEndPoint to, uint sequence, byte flags, string payload, ushort? vlan = null) =>
        Tcp(time, from, to, sequence, flags, System.Text.Encoding.ASCII.GetBytes(payload), vlan);

    public void Udp(DateTimeOffset time, IPEndPoint from, IPEndPoint to, byte[] data)
    {
        var udp = new byte[8 + data.Length];
        BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)from.Port);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), (ushort)to.Port);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        data.CopyTo(udp, 8);
        Frame(time, from, to, 17, udp, null);
    }

    /// <summary>A DNS response for one A record.</summary>
    public static byte[] DnsAnswer(string name, IPAddress address)
    {
        var m = new List<byte> { 0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0 };
        foreach (var label in name.Split('.'))
        {
            m.Add((byte)label.Length);
            m.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }
        m.AddRange([0, 0, 1, 0, 1]);
        m.AddRange([0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]);
        m.AddRange(address.GetAddressBytes());
        return [.. m];
    }

    /// <summary>A TLS 1.2-style ClientHello record carrying a server name.</summary>
    public static byte[] ClientHello(string serverName)
    {
        var name = System.Text.Encoding.ASCII.GetBytes(serverName);
        var sni = new List<byte>();
        sni.AddRange([0, 0]); // extension type server_name
        var listLength = 3 + name.Length;
        sni.AddRange([(byte)((listLength + 2) >> 8), (byte)(listLength + 2), (byte)(listLength >> 8), (byte)listLength, 0, (byte)(name.Length >> 8), (byte)name.Length]);
        sni.AddRange(name);
        var body = new List<byte> { 3, 3 };
        body.AddRange(new byte[32]);
        body.Add(0); // session id
        body.AddRange([0, 2, 0x13, 0x01]); // one cipher suite
        body.AddRange([1, 0]); // null compression
        body.AddRange([(byte)(sni.Count >> 8), (byte)sni.Count]);
        body.AddRange(sni);
        var handshake = new List<byte> { 1, 0, (byte)(body.Count >> 8), (byte)body.Count };
        handshake.AddRange(body);
        var record = new List<byte> { 0x16, 3, 1, (byte)(handshake.Count >> 8), (byte)handshake.Count };
        record.AddRange(handshake);
        return [.. record];
    }

    public void Tcp(DateTimeOffset time, IPEndPoint from, IPEndPoint to, uint sequence, byte flags, byte[] data, ushort? vlan = null) =>
        Frame(time, from, to, 6, TcpSegment(from, to, sequence, flags, data), vlan);

    /// <summary>A TCP header (20 bytes, no options) and its payload.</summary>
    private static byte[] TcpSegment(IPEndPoint from, IPEndPoint to, uint sequence, byte flags, byte[] data)
    {
        var tcp = new byte[20 + data.Length];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, (ushort)from.Port);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), (ushort)to.Port);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(4), sequence);
        tcp[12] = 5 << 4;
        tcp[13] = flags;
        data.CopyTo(tcp, 20);
        return tcp;
    }

    private void Frame(DateTimeOffset time, IPEndPoint from, IPEndPoint to, byte protocol, byte[] transport, ushort? vlan)
    {
        Raw(time, Ethernet(Ip(from, to, protocol, transport), from.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6, vlan));
    }

    /// <summary>A frame given whole (Ethernet), for tunnels built by the test.</summary>
    public void Raw(DateTimeOffset time, byte[] frame)
    {
        var ticks = (time - DateTimeOffset.UnixEpoch).Ticks;
        U32((uint)(ticks / TimeSpan.TicksPerSecond));
        U32((uint)(_nanoseconds ? ticks % TimeSpan.TicksPerSecond * 100 : ticks % TimeSpan.TicksPerSecond / 10));
        U32((uint)frame.Length);
        U32((uint)frame.Length);
        _out.Write(frame);
    }

    /// <summary>A UDP header and its payload.</summary>
    public static byte[] UdpDatagram(int fromPort, int toPort, byte[] data)
    {
        var udp = new byte[8 + data.Length];
        BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)fromPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), (ushort)toPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        data.CopyTo(udp, 8);
        return udp;
    }

    /// <summary>A TCP segment in an IP packet, no link header.</summary>
    public static byte[] IpTcp(IPEndPoint from, IPEndPoint to, uint sequence, byte flags, string payload) =>
        Ip(from, to, 6, TcpSegment(from, to, sequence, flags, System.Text.Encoding.ASCII.GetBytes(payload)));

    public static byte[] Ip(IPEndPoint from, IPEndPoint to, byte protocol, byte[] transport)
    {
        byte[] ip;
        if (from.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            ip = new byte[40 + transport.Length];
            ip[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(4), (ushort)transport.Length);
            ip[6] = protocol;
            ip[7] = 64;
            from.Address.GetAddressBytes().CopyTo(ip, 8);
            to.Address.GetAddressBytes().CopyTo(ip, 24);
            transport.CopyTo(ip, 40);
            return ip;
        }
        ip = new byte[20 + transport.Length];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)ip.Length);
        ip[8] = 64;
        ip[9] = protocol;
        from.Address.GetAddressBytes().CopyTo(ip, 12);
        to.Address.GetAddressBytes().CopyTo(ip, 16);
        transport.CopyTo(ip, 20);
        return ip;
    }

    public static byte[] Ethernet(byte[] ip, bool v6, ushort? vlan = null)
    {
        var header = new List<byte>(new byte[12]);
        if (vlan is { } id) header.AddRange([0x81, 0x00, (byte)(id >> 8), (byte)id]);
        header.AddRange(v6 ? [0x86, 0xDD] : [0x08, 0x00]);
        return [.. header, .. ip];
    }

    /// <summary>Linux cooked capture v1: 16 bytes, the protocol in the last two.</summary>
    public static byte[] Sll(byte[] ip) => [0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00, .. ip];

    /// <summary>Linux cooked capture v2: 20 bytes, the protocol in the first two.</summary>
    public static byte[] Sll2(byte[] ip) => [0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, .. ip];

    private void U32(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        if (_bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, v);
        else BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        _out.Write(b);
    }

    private void U16(ushort v)
    {
        Span<byte> b = stackalloc byte[2];
        if (_bigEndian) BinaryPrimitives.WriteUInt16BigEndian(b, v);
        else BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        _out.Write(b);
    }
}
