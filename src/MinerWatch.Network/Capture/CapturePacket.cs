namespace MinerWatch.Network.Capture;

/// <summary>
/// One captured packet as read from a file: its link type, capture time and the bytes captured (possibly fewer than
/// were on the wire, when the snapshot length cut it). <see cref="Data"/> is only valid until the next read.
/// </summary>
public readonly record struct CapturePacket(LinkType LinkType, DateTimeOffset Time, ReadOnlyMemory<byte> Data, int WireLength);

/// <summary>Link-layer header types (tcpdump.org LINKTYPE_ values) that the decoder understands.</summary>
public enum LinkType
{
    Null = 0,
    Ethernet = 1,
    RawAlternative = 12,
    Raw = 101,
    Loop = 108,
    LinuxSll = 113,
    Ipv4 = 228,
    Ipv6 = 229,
    LinuxSll2 = 276,
}
