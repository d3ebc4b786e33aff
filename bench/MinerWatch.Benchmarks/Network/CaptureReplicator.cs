using System.Buffers.Binary;
using MinerWatch.Network.Capture;

namespace MinerWatch.Benchmarks.Network;

/// <summary>
/// Writes real captures appended N times into one Ethernet pcap, for throughput runs on the traffic users have.
/// Each copy is played after the previous one (timestamps moved on) and its IPv4 and IPv6 addresses are moved
/// (the third and fourth bytes of an IPv4 address, the fourteenth and fifteenth of an IPv6 one, plus the copy's
/// number), so every copy's
/// connections are new connections with their own handshakes, as N times the hosts would make them, instead of
/// repeats of one connection's sequence numbers that a reader may drop as retransmissions. Private and loopback
/// addresses stay private and loopback; the IPv4 header checksum is written again.
/// </summary>
public static class CaptureReplicator
{
    public static (long Packets, long Bytes) Write(string output, int copies, IReadOnlyList<string> inputs)
    {
        var packets = inputs.Select(Read).ToArray();
        using var file = PcapFile.Create(output, 262144);
        var clock = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var frame = new byte[262144 + 16];
        long written = 0;
        for (var copy = 0; copy < copies; copy++)
        {
            foreach (var capture in packets)
            {
                if (capture.Count == 0) continue;
                // Within a file the packets keep their spacing; a file's gaps of years (merged old captures) are cut to a minute.
                var previous = capture[0].Time;
                foreach (var packet in capture)
                {
                    var gap = packet.Time - previous;
                    clock += gap < TimeSpan.Zero ? TimeSpan.Zero : gap > TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : gap;
                    previous = packet.Time;
                    var length = packet.Data.Length;
                    var micros = (clock - DateTimeOffset.UnixEpoch).Ticks / 10;
                    BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(micros / 1_000_000));
                    BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), (uint)(micros % 1_000_000));
                    BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(8), (uint)length);
                    BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(12), (uint)Math.Max(length, packet.WireLength));
                    var body = frame.AsSpan(16, length);
                    packet.Data.Span.CopyTo(body);
                    MoveAddresses(body, copy);
                    file.Write(frame, 0, 16 + length);
                    written++;
                }
                clock += TimeSpan.FromSeconds(1);
            }
        }
        return (written, file.Length);
    }

    private static List<CapturePacket> Read(string path)
    {
        using var reader = CaptureReader.Open(path);
        var list = new List<CapturePacket>();
        while (reader.TryRead(out var packet))
        {
            if (packet.LinkType != LinkType.Ethernet) throw new InvalidOperationException($"{path}: only Ethernet captures are replicated, not {packet.LinkType}");
            list.Add(packet with { Data = packet.Data.ToArray() });
        }
        return list;
    }

    private static void MoveAddresses(Span<byte> frame, int copy)
    {
        if (copy == 0 || frame.Length < 14) return;
        var offset = 12;
        var etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
        while ((etherType == 0x8100 || etherType == 0x88A8) && frame.Length >= offset + 6)
        {
            offset += 4;
            etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
        }
        var ip = frame[(offset + 2)..];
        if (etherType == 0x0800 && ip.Length >= 20)
        {
            foreach (var address in (ReadOnlySpan<int>)[12, 16]) Move(ip.Slice(address + 2, 2), copy);
            var headerLength = (ip[0] & 0xF) * 4;
            if (headerLength < 20 || headerLength > ip.Length) return;
            ip[10] = ip[11] = 0;
            uint sum = 0;
            for (var i = 0; i < headerLength; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(ip[i..]);
            while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~sum);
        }
        else if (etherType == 0x86DD && ip.Length >= 40)
        {
            foreach (var address in (ReadOnlySpan<int>)[8, 24]) Move(ip.Slice(address + 13, 2), copy);
        }
    }

    private static void Move(Span<byte> twoBytes, int copy)
    {
        twoBytes[0] += (byte)copy;
        twoBytes[1] += (byte)(copy >> 8);
    }
}
