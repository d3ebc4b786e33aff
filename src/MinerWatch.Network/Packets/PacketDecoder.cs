using System.Buffers.Binary;
using MinerWatch.Network.Capture;

namespace MinerWatch.Network.Packets;

public enum Transport : byte
{
    Tcp = 6,
    Udp = 17,
}

/// <summary>A TCP segment or UDP datagram taken out of a captured frame.</summary>
public readonly record struct Segment(
    DateTimeOffset Time, Transport Transport, Endpoint Source, Endpoint Destination,
    uint Sequence, uint Acknowledgement, byte TcpFlags, ReadOnlyMemory<byte> Payload)
{
    public const byte Fin = 0x01, Syn = 0x02, Rst = 0x04, Ack = 0x10;
    public bool IsSyn => (TcpFlags & Syn) != 0;
    public bool IsFin => (TcpFlags & Fin) != 0;
    public bool IsRst => (TcpFlags & Rst) != 0;
}

/// <summary>Why a frame gave no segment.</summary>
public enum DecodeResult
{
    Segment,
    /// <summary>Not TCP or UDP over IP (ARP, ICMP, other protocols): ignored, not an error.</summary>
    Other,
    /// <summary>A later IP fragment: its transport header is in the first one.</summary>
    Fragment,
    /// <summary>Headers cut short by the snapshot length or damaged.</summary>
    Malformed,
    /// <summary>A link type the decoder does not read (802.11, USB, ...): counted by link type and reported.</summary>
    UnknownLink,
}

/// <summary>
/// Decodes link, IP and transport headers: Ethernet with any number of 802.1Q/802.1ad tags and PPPoE sessions, PPP,
/// Linux cooked capture (SLL and SLL2), NFLOG, BSD loopback and raw IP; IPv4 and IPv6 with extension headers; TCP
/// and UDP.
/// </summary>
/// <remarks>Hand-written (not PacketDotNet) because it runs once per packet on captures of gigabytes: spans only,
/// no object per packet.</remarks>
public static class PacketDecoder
{
    private const ushort EtherIpv4 = 0x0800, EtherIpv6 = 0x86DD, EtherVlan = 0x8100, EtherQinQ = 0x88A8, EtherQinQOld = 0x9100, EtherPppoeSession = 0x8864;
    private const ushort PppIpv4 = 0x0021, PppIpv6 = 0x0057;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static DecodeResult Decode(in CapturePacket packet, out Segment segment)
    {
        segment = default;
        var data = packet.Data.Span;
        int offset;
        ushort etherType;
        switch (packet.LinkType)
        {
            case LinkType.Ethernet:
                if (data.Length < 14) return DecodeResult.Malformed;
                etherType = BinaryPrimitives.ReadUInt16BigEndian(data[12..]);
                offset = 14;
                while (etherType is EtherVlan or EtherQinQ or EtherQinQOld)
                {
                    if (data.Length < offset + 4) return DecodeResult.Malformed;
                    etherType = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
                    offset += 4;
                }
                if (etherType == EtherPppoeSession)
                {
                    // RFC 2516: 6 bytes of PPPoE header, then the PPP protocol number.
                    if (data.Length < offset + 8) return DecodeResult.Malformed;
                    etherType = FromPpp(BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 6)..]));
                    offset += 8;
                }
                break;
            case LinkType.PppEther:
                if (data.Length < 8) return DecodeResult.Malformed;
                etherType = FromPpp(BinaryPrimitives.ReadUInt16BigEndian(data[6..]));
                offset = 8;
                break;
            case LinkType.Ppp:
            case LinkType.PppHdlc:
                // RFC 1662 framing starts with address 0xFF and control 0x03 (Cisco HDLC: 0x0F or 0x8F and an ether type).
                offset = data.Length >= 2 && (data[0] == 0xFF && data[1] == 0x03 || data[0] is 0x0F or 0x8F && packet.LinkType == LinkType.PppHdlc) ? 2 : 0;
                if (data.Length < offset + 1) return DecodeResult.Malformed;
                if ((data[offset] & 1) != 0)
                {
                    // A compressed one-byte protocol field (RFC 1661 section 6.5): odd first byte.
                    etherType = FromPpp(data[offset]);
                    offset += 1;
                    break;
                }
                if (data.Length < offset + 2) return DecodeResult.Malformed;
                var protocol = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
                etherType = protocol is EtherIpv4 or EtherIpv6 ? protocol : FromPpp(protocol);
                offset += 2;
                break;
            case LinkType.NfLog:
                offset = NfLogPayload(data);
                if (offset < 0) return offset == -1 ? DecodeResult.Other : DecodeResult.Malformed;
                etherType = 0;
                break;
            case LinkType.LinuxSll:
                if (data.Length < 16) return DecodeResult.Malformed;
                etherType = BinaryPrimitives.ReadUInt16BigEndian(data[14..]);
                offset = 16;
                break;
            case LinkType.LinuxSll2:
                if (data.Length < 20) return DecodeResult.Malformed;
                etherType = BinaryPrimitives.ReadUInt16BigEndian(data);
                offset = 20;
                break;
            case LinkType.Null:
            case LinkType.Loop:
                if (data.Length < 4) return DecodeResult.Malformed;
                etherType = 0;
                offset = 4;
                break;
            case LinkType.Raw:
            case LinkType.RawAlternative:
            case LinkType.RawOpenBsd:
            case LinkType.Ipv4:
            case LinkType.Ipv6:
                etherType = 0;
                offset = 0;
                break;
            default:
                return DecodeResult.UnknownLink;
        }
        if (etherType is not (0 or EtherIpv4 or EtherIpv6)) return DecodeResult.Other;
        if (data.Length <= offset) return DecodeResult.Malformed;
        // Raw and loopback links carry no ether type: the IP version nibble tells.
        var version = data[offset] >> 4;
        return version switch
        {
            4 => Ipv4(packet, offset, out segment),
            6 => Ipv6(packet, offset, out segment),
            _ => etherType == 0 ? DecodeResult.Other : DecodeResult.Malformed,
        };
    }

    /// <summary>The ether type for a PPP protocol number: IPv4 and IPv6 only (1 for any other: not IP).</summary>
    private static ushort FromPpp(ushort protocol) => protocol switch { PppIpv4 => EtherIpv4, PppIpv6 => EtherIpv6, _ => 1 };

    /// <summary>
    /// Where the packet starts in an NFLOG frame: a 4-byte header, then type-length-value attributes (length first,
    /// both 16 bits in the capturing machine's byte order, padded to 4 bytes); the packet is attribute 9
    /// (NFULA_PAYLOAD). -1 when there is none (a log line without a packet), -2 when the attributes are damaged.
    /// </summary>
    private static int NfLogPayload(ReadOnlySpan<byte> data)
    {
        const int Payload = 9, MaxType = 64;
        if (data.Length < 4) return -2;
        var at = 4;
        while (at + 4 <= data.Length)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(data[at..]);
            int type = BinaryPrimitives.ReadUInt16LittleEndian(data[(at + 2)..]);
            // The byte order is the capturing machine's: a type beyond the few defined says it was big-endian.
            if (type > MaxType)
            {
                length = BinaryPrimitives.ReadUInt16BigEndian(data[at..]);
                type = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 2)..]);
            }
            if (length < 4 || at + length > data.Length) return -2;
            if (type == Payload) return at + 4;
            at += (length + 3) & ~3;
        }
        return -1;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static DecodeResult Ipv4(in CapturePacket packet, int offset, out Segment segment)
    {
        segment = default;
        var ip = packet.Data.Span[offset..];
        if (ip.Length < 20) return DecodeResult.Malformed;
        var headerLength = (ip[0] & 0x0F) * 4;
        if (headerLength < 20 || ip.Length < headerLength) return DecodeResult.Malformed;
        var totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        var fragment = BinaryPrimitives.ReadUInt16BigEndian(ip[6..]);
        if ((fragment & 0x1FFF) != 0) return DecodeResult.Fragment;
        // Trust the IP length over the frame (Ethernet pads short frames), unless the capture cut it or TSO left it 0.
        var end = totalLength >= headerLength ? Math.Min(ip.Length, totalLength) : ip.Length;
        var source = ip.Slice(12, 4);
        var destination = ip.Slice(16, 4);
        return Transport(packet, ip[9], offset + headerLength, offset + end, source, destination, false, out segment);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static DecodeResult Ipv6(in CapturePacket packet, int offset, out Segment segment)
    {
        segment = default;
        var ip = packet.Data.Span[offset..];
        if (ip.Length < 40) return DecodeResult.Malformed;
        var payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
        var end = payloadLength == 0 ? ip.Length : Math.Min(ip.Length, 40 + payloadLength);
        var next = ip[6];
        var at = 40;
        // Hop-by-hop, routing, fragment and destination options headers come before the transport header.
        while (next is 0 or 43 or 44 or 60)
        {
            if (end < at + 8) return DecodeResult.Malformed;
            if (next == 44)
            {
                var fragmentOffset = BinaryPrimitives.ReadUInt16BigEndian(ip[(at + 2)..]) >> 3;
                if (fragmentOffset != 0) return DecodeResult.Fragment;
                next = ip[at];
                at += 8;
                continue;
            }
            var length = (ip[at + 1] + 1) * 8;
            next = ip[at];
            at += length;
        }
        if (at > end) return DecodeResult.Malformed;
        return Transport(packet, next, offset + at, offset + end, ip.Slice(8, 16), ip.Slice(24, 16), true, out segment);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static DecodeResult Transport(in CapturePacket packet, byte protocol, int start, int end,
        ReadOnlySpan<byte> sourceAddress, ReadOnlySpan<byte> destinationAddress, bool v6, out Segment segment)
    {
        segment = default;
        var data = packet.Data.Span;
        if (protocol == 6)
        {
            if (end - start < 20) return DecodeResult.Malformed;
            var tcp = data[start..end];
            var dataOffset = (tcp[12] >> 4) * 4;
            if (dataOffset < 20 || dataOffset > tcp.Length) return DecodeResult.Malformed;
            var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(tcp);
            var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]);
            segment = new Segment(packet.Time, Packets.Transport.Tcp,
                v6 ? Endpoint.V6(sourceAddress, sourcePort) : Endpoint.V4(sourceAddress, sourcePort),
                v6 ? Endpoint.V6(destinationAddress, destinationPort) : Endpoint.V4(destinationAddress, destinationPort),
                BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]), BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]), tcp[13],
                packet.Data.Slice(start + dataOffset, end - start - dataOffset));
            return DecodeResult.Segment;
        }
        if (protocol == 17)
        {
            if (end - start < 8) return DecodeResult.Malformed;
            var udp = data[start..end];
            var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(udp);
            var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(udp[2..]);
            segment = new Segment(packet.Time, Packets.Transport.Udp,
                v6 ? Endpoint.V6(sourceAddress, sourcePort) : Endpoint.V4(sourceAddress, sourcePort),
                v6 ? Endpoint.V6(destinationAddress, destinationPort) : Endpoint.V4(destinationAddress, destinationPort),
                0, 0, 0, packet.Data.Slice(start + 8, end - start - 8));
            return DecodeResult.Segment;
        }
        return DecodeResult.Other;
    }
}
