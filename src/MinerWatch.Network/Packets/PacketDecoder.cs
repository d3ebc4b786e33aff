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
/// The tunnels a frame came through, outermost first in no particular order: a capture from a remote SPAN port, a
/// cloud's traffic mirror, a provider link or a mobile core. <see cref="Undecoded"/> marks a tunnel whose inner
/// protocol the decoder does not read.
/// </summary>
[Flags]
public enum Encapsulation : ushort
{
    None = 0,
    Vlan = 1 << 0,
    Pppoe = 1 << 1,
    Mpls = 1 << 2,
    IpInIp = 1 << 3,
    Ipv6InIp = 1 << 4,
    Gre = 1 << 5,
    ErspanI = 1 << 6,
    ErspanII = 1 << 7,
    ErspanIII = 1 << 8,
    Vxlan = 1 << 9,
    Geneve = 1 << 10,
    GtpU = 1 << 11,
    Undecoded = 1 << 15,
}

/// <summary>
/// Decodes link, IP and transport headers: Ethernet with any number of 802.1Q/802.1ad tags and PPPoE sessions, PPP,
/// Linux cooked capture (SLL and SLL2), NFLOG, BSD loopback and raw IP; IPv4 and IPv6 with extension headers; TCP
/// and UDP. Tunnels are opened, nested too, and the segment is the innermost one's: MPLS label stacks (with a
/// pseudowire control word), IPv4 and IPv6 in IP (including 6in4), GRE (RFC 2784/2890) carrying IP, Ethernet or
/// MPLS, ERSPAN types I, II and III, VXLAN (UDP 4789, RFC 7348), Geneve (UDP 6081, RFC 8926) and GTP-U (UDP 2152).
/// </summary>
/// <remarks>Hand-written (not PacketDotNet) because it runs once per packet on captures of gigabytes: spans only,
/// no object per packet.</remarks>
public static class PacketDecoder
{
    private const ushort EtherIpv4 = 0x0800, EtherIpv6 = 0x86DD, EtherVlan = 0x8100, EtherQinQ = 0x88A8, EtherQinQOld = 0x9100, EtherPppoeSession = 0x8864;
    private const ushort PppIpv4 = 0x0021, PppIpv6 = 0x0057;
    private const ushort EtherMpls = 0x8847, EtherMplsMulticast = 0x8848, EtherBridging = 0x6558, EtherErspanII = 0x88BE, EtherErspanIII = 0x22EB;
    private const ushort VxlanPort = 4789, GenevePort = 6081, GtpUserPort = 2152;
    /// <summary>Tunnels inside tunnels deeper than this are not followed (a crafted packet could nest without end).</summary>
    private const int MaxDepth = 8;

    public static DecodeResult Decode(in CapturePacket packet, out Segment segment) => Decode(packet, out segment, out _);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static DecodeResult Decode(in CapturePacket packet, out Segment segment, out Encapsulation tunnels)
    {
        segment = default;
        tunnels = Encapsulation.None;
        var data = packet.Data.Span;
        int offset;
        ushort etherType;
        switch (packet.LinkType)
        {
            case LinkType.Ethernet:
                if (!Ethernet(data, 0, ref tunnels, out etherType, out offset)) return DecodeResult.Malformed;
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
        return Network(packet, etherType, offset, 0, ref tunnels, out segment);
    }

    /// <summary>An Ethernet header with any 802.1Q/802.1ad tags and a PPPoE session header: the ether type inside.</summary>
    private static bool Ethernet(ReadOnlySpan<byte> data, int start, ref Encapsulation tunnels, out ushort etherType, out int offset)
    {
        etherType = 0;
        offset = start + 14;
        if (data.Length < offset) return false;
        etherType = BinaryPrimitives.ReadUInt16BigEndian(data[(start + 12)..]);
        while (etherType is EtherVlan or EtherQinQ or EtherQinQOld)
        {
            if (data.Length < offset + 4) return false;
            etherType = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            offset += 4;
            tunnels |= Encapsulation.Vlan;
        }
        if (etherType == EtherPppoeSession)
        {
            // RFC 2516: 6 bytes of PPPoE header, then the PPP protocol number.
            if (data.Length < offset + 8) return false;
            etherType = FromPpp(BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 6)..]));
            offset += 8;
            tunnels |= Encapsulation.Pppoe;
        }
        return true;
    }

    /// <summary>What an ether type (0: read the IP version) at <paramref name="offset"/> carries, tunnels opened.</summary>
    private static DecodeResult Network(in CapturePacket packet, ushort etherType, int offset, int depth, ref Encapsulation tunnels, out Segment segment)
    {
        segment = default;
        var data = packet.Data.Span;
        if (etherType is EtherMpls or EtherMplsMulticast)
        {
            // RFC 3032: 4-byte label entries down to the one with the bottom-of-stack bit.
            tunnels |= Encapsulation.Mpls;
            while (true)
            {
                if (data.Length < offset + 4) return DecodeResult.Malformed;
                var bottom = (data[offset + 2] & 1) != 0;
                offset += 4;
                if (bottom) break;
            }
            if (data.Length <= offset) return DecodeResult.Malformed;
            // No type field follows the stack: IP shows by its version; a pseudowire's control word starts with 0000
            // and an Ethernet frame follows it (RFC 4448).
            var nibble = data[offset] >> 4;
            if (nibble == 0)
            {
                if (++depth > MaxDepth || !Ethernet(data, offset + 4, ref tunnels, out etherType, out offset)) return DecodeResult.Malformed;
                return Network(packet, etherType, offset, depth, ref tunnels, out segment);
            }
            if (nibble is not (4 or 6))
            {
                tunnels |= Encapsulation.Undecoded;
                return DecodeResult.Other;
            }
            etherType = 0;
        }
        if (etherType is not (0 or EtherIpv4 or EtherIpv6)) return DecodeResult.Other;
        if (data.Length <= offset) return DecodeResult.Malformed;
        // Raw and loopback links carry no ether type: the IP version nibble tells.
        var version = data[offset] >> 4;
        return version switch
        {
            4 => Ipv4(packet, offset, depth, ref tunnels, out segment),
            6 => Ipv6(packet, offset, depth, ref tunnels, out segment),
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
    private static DecodeResult Ipv4(in CapturePacket packet, int offset, int depth, ref Encapsulation tunnels, out Segment segment)
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
        return Transport(packet, ip[9], offset + headerLength, offset + end, source, destination, false, depth, ref tunnels, out segment);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static DecodeResult Ipv6(in CapturePacket packet, int offset, int depth, ref Encapsulation tunnels, out Segment segment)
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
        return Transport(packet, next, offset + at, offset + end, ip.Slice(8, 16), ip.Slice(24, 16), true, depth, ref tunnels, out segment);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static DecodeResult Transport(in CapturePacket packet, byte protocol, int start, int end,
        ReadOnlySpan<byte> sourceAddress, ReadOnlySpan<byte> destinationAddress, bool v6, int depth, ref Encapsulation tunnels, out Segment segment)
    {
        segment = default;
        var data = packet.Data.Span;
        if (protocol is 4 or 41 or 47)
        {
            if (++depth > MaxDepth) return DecodeResult.Malformed;
            if (protocol == 47) return Gre(packet, start, end, depth, ref tunnels, out segment);
            tunnels |= protocol == 4 ? Encapsulation.IpInIp : Encapsulation.Ipv6InIp;
            return Network(packet, protocol == 4 ? EtherIpv4 : EtherIpv6, start, depth, ref tunnels, out segment);
        }
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
            if (destinationPort is VxlanPort or GenevePort or GtpUserPort && depth < MaxDepth
                && UdpTunnel(packet, destinationPort, start + 8, end, depth + 1, ref tunnels, out segment) is { } inner)
                return inner;
            segment = new Segment(packet.Time, Packets.Transport.Udp,
                v6 ? Endpoint.V6(sourceAddress, sourcePort) : Endpoint.V4(sourceAddress, sourcePort),
                v6 ? Endpoint.V6(destinationAddress, destinationPort) : Endpoint.V4(destinationAddress, destinationPort),
                0, 0, 0, packet.Data.Slice(start + 8, end - start - 8));
            return DecodeResult.Segment;
        }
        return DecodeResult.Other;
    }

    /// <summary>
    /// GRE (RFC 2784, with RFC 2890's key and sequence number): flags and version, the protocol type, then a checksum,
    /// a key and a sequence number as the flags say. ERSPAN rides on it: type I (protocol 0x88BE without a sequence
    /// number) has no header of its own, type II (0x88BE with one) 8 bytes, type III (0x22EB) 12 and 8 more with its
    /// platform-specific subheader; each then carries the mirrored Ethernet frame.
    /// </summary>
    private static DecodeResult Gre(in CapturePacket packet, int start, int end, int depth, ref Encapsulation tunnels, out Segment segment)
    {
        segment = default;
        var data = packet.Data.Span[..end];
        if (data.Length < start + 4) return DecodeResult.Malformed;
        var flags = data[start];
        var version = data[start + 1] & 0x07;
        var type = BinaryPrimitives.ReadUInt16BigEndian(data[(start + 2)..]);
        tunnels |= Encapsulation.Gre;
        if (version != 0)
        {
            // Version 1 is PPTP's enhanced GRE carrying PPP: not read.
            tunnels |= Encapsulation.Undecoded;
            return DecodeResult.Other;
        }
        var sequence = (flags & 0x10) != 0;
        var at = start + 4 + ((flags & 0x80) != 0 ? 4 : 0) + ((flags & 0x20) != 0 ? 4 : 0) + (sequence ? 4 : 0);
        if (data.Length < at) return DecodeResult.Malformed;
        ushort etherType;
        int offset;
        switch (type)
        {
            case EtherIpv4 or EtherIpv6 or EtherMpls or EtherMplsMulticast:
                return Network(packet, type, at, depth, ref tunnels, out segment);
            case EtherBridging:
                if (!Ethernet(data, at, ref tunnels, out etherType, out offset)) return DecodeResult.Malformed;
                return Network(packet, etherType, offset, depth, ref tunnels, out segment);
            case EtherErspanII:
                if (sequence)
                {
                    tunnels |= Encapsulation.ErspanII;
                    at += 8;
                }
                else
                {
                    tunnels |= Encapsulation.ErspanI;
                }
                if (!Ethernet(data, at, ref tunnels, out etherType, out offset)) return DecodeResult.Malformed;
                return Network(packet, etherType, offset, depth, ref tunnels, out segment);
            case EtherErspanIII:
                tunnels |= Encapsulation.ErspanIII;
                if (data.Length < at + 12) return DecodeResult.Malformed;
                // The O bit (last bit of the 12-byte header) says an 8-byte platform-specific subheader follows.
                var optional = (data[at + 11] & 0x01) != 0;
                at += 12 + (optional ? 8 : 0);
                if (!Ethernet(data, at, ref tunnels, out etherType, out offset)) return DecodeResult.Malformed;
                return Network(packet, etherType, offset, depth, ref tunnels, out segment);
            default:
                tunnels |= Encapsulation.Undecoded;
                return DecodeResult.Other;
        }
    }

    /// <summary>
    /// A tunnel in UDP by its registered port: VXLAN (8-byte header with the I flag, then Ethernet), Geneve (8 bytes
    /// and options, then the protocol its header names) or GTP-U (a G-PDU: 8 bytes, 4 more when any of the E, S, PN
    /// flags is set, then the extension headers, then IP). Null when the datagram is not such a tunnel after all (the
    /// port is also a client's ephemeral port sometimes): it is then an ordinary datagram.
    /// </summary>
    private static DecodeResult? UdpTunnel(in CapturePacket packet, ushort port, int start, int end, int depth, ref Encapsulation tunnels, out Segment segment)
    {
        segment = default;
        var data = packet.Data.Span[..end];
        ushort etherType;
        int offset;
        switch (port)
        {
            case VxlanPort:
                if (data.Length < start + 8 + 14 || (data[start] & 0x08) == 0) return null;
                tunnels |= Encapsulation.Vxlan;
                if (!Ethernet(data, start + 8, ref tunnels, out etherType, out offset)) return DecodeResult.Malformed;
                return Network(packet, etherType, offset, depth, ref tunnels, out segment);
            case GenevePort:
                {
                    if (data.Length < start + 8 || data[start] >> 6 != 0) return null;
                    var options = (data[start] & 0x3F) * 4;
                    var protocol = BinaryPrimitives.ReadUInt16BigEndian(data[(start + 2)..]);
                    var at = start + 8 + options;
                    if (data.Length < at) return DecodeResult.Malformed;
                    tunnels |= Encapsulation.Geneve;
                    if (protocol == EtherBridging)
                    {
                        if (!Ethernet(data, at, ref tunnels, out etherType, out offset)) return DecodeResult.Malformed;
                        return Network(packet, etherType, offset, depth, ref tunnels, out segment);
                    }
                    if (protocol is EtherIpv4 or EtherIpv6) return Network(packet, protocol, at, depth, ref tunnels, out segment);
                    tunnels |= Encapsulation.Undecoded;
                    return DecodeResult.Other;
                }
            default:
                {
                    // GTP-U version 1 with the protocol-type bit set (not GTP'); message 255 is a G-PDU carrying a user packet.
                    if (data.Length < start + 8 || data[start] >> 5 != 1 || (data[start] & 0x10) == 0) return null;
                    tunnels |= Encapsulation.GtpU;
                    if (data[start + 1] != 0xFF) return DecodeResult.Other;
                    var at = start + 8;
                    if ((data[start] & 0x07) != 0)
                    {
                        if (data.Length < at + 4) return DecodeResult.Malformed;
                        var next = data[at + 3];
                        at += 4;
                        // Extension headers: a length in 4-byte units, the content, and the next header's type last.
                        while (next != 0)
                        {
                            if (data.Length <= at || data[at] == 0) return DecodeResult.Malformed;
                            var length = data[at] * 4;
                            if (data.Length < at + length) return DecodeResult.Malformed;
                            next = data[at + length - 1];
                            at += length;
                        }
                    }
                    return Network(packet, 0, at, depth, ref tunnels, out segment);
                }
        }
    }
}
