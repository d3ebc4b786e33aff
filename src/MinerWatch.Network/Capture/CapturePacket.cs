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
    /// <summary>PPP (RFC 1661), with or without the HDLC-like address and control bytes (RFC 1662).</summary>
    Ppp = 9,
    /// <summary>Raw IP as DLT_RAW is numbered on most systems, found in files from them.</summary>
    RawAlternative = 12,
    /// <summary>Raw IP as DLT_RAW is numbered on OpenBSD, found in files from it.</summary>
    RawOpenBsd = 14,
    /// <summary>PPP in HDLC-like framing (RFC 1662), or Cisco PPP with HDLC framing.</summary>
    PppHdlc = 50,
    /// <summary>PPPoE session frames without their Ethernet header (RFC 2516).</summary>
    PppEther = 51,
    Raw = 101,
    Loop = 108,
    LinuxSll = 113,
    /// <summary>Linux netfilter NFLOG: the packets a firewall rule logged (tcpdump -i nflog).</summary>
    NfLog = 239,
    Ipv4 = 228,
    Ipv6 = 229,
    LinuxSll2 = 276,
}

/// <summary>Names of link types, for messages about those that are not decoded.</summary>
public static class LinkTypes
{
    /// <summary>The link types the decoder reads, as a user would name them.</summary>
    public const string Decoded = "Ethernet (with VLAN tags and PPPoE), PPP, Linux cooked (SLL, SLL2), NFLOG, BSD loopback and raw IP";

    /// <summary>The tcpdump.org name of a link type, for the common ones.</summary>
    public static string Name(int linkType) => linkType switch
    {
        6 => "IEEE 802.5 Token Ring",
        8 => "SLIP",
        10 => "FDDI",
        104 => "Cisco HDLC",
        105 => "IEEE 802.11 wireless",
        119 => "IEEE 802.11 with Prism header",
        127 => "IEEE 802.11 with radiotap header",
        143 => "DOCSIS",
        163 => "IEEE 802.11 with AVS header",
        187 => "Bluetooth HCI",
        189 => "Linux USB",
        192 => "IEEE 802.11 with PPI header",
        195 => "IEEE 802.15.4",
        201 => "Bluetooth HCI with direction",
        220 => "Linux USB (memory-mapped)",
        227 => "CAN bus",
        >= 147 and <= 162 => "reserved for private use",
        _ => "not one MinerWatch knows",
    };
}
