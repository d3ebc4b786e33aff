using System.Buffers.Binary;

namespace MinerWatch.Benchmarks.Network;

/// <summary>Opens a classic little-endian pcap of Ethernet frames (microsecond timestamps) for the benchmark's writers.</summary>
internal static class PcapFile
{
    public static FileStream Create(string path, int snapLength)
    {
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1);
        file.Write(header);
        return file;
    }
}
