using System.Buffers.Binary;
using MinerWatch.Evidence.Merkle;

namespace MinerWatch.Evidence.Log;

/// <summary>A log that cannot be opened or appended to, or a request it cannot answer: the message says why.</summary>
public sealed class EvidenceLogException(string message) : Exception(message);

/// <summary>Reads the complete-subtree hashes stored in a log's `hashes` file, 32 bytes each in <see cref="StoredHashIndex"/> order.</summary>
internal sealed class FileHashes(Microsoft.Win32.SafeHandles.SafeFileHandle handle) : IHashReader
{
    public Hash Read(int level, long index)
    {
        Span<byte> buffer = stackalloc byte[Hash.Size];
        var offset = StoredHashIndex.Of(level, index) * Hash.Size;
        if (RandomAccess.Read(handle, buffer, offset) != Hash.Size) throw new EvidenceLogException($"the hashes file ends before node ({level}, {index})");
        return Hash.From(buffer);
    }
}

/// <summary>Length-prefixed records (u32 big-endian length, then the bytes) in an append-only file.</summary>
internal static class Records
{
    public const int MaxRecord = 64 << 20;

    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        stream.Write(length);
        stream.Write(data);
    }

    /// <summary>Reads the records of a file, with the offset just past each; stops at a record cut short.</summary>
    public static IEnumerable<(byte[] Data, long End)> ReadAll(string path)
    {
        if (!File.Exists(path)) yield break;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        var length = new byte[4];
        while (true)
        {
            if (stream.ReadAtLeast(length, 4, throwOnEndOfStream: false) < 4) yield break;
            var n = BinaryPrimitives.ReadUInt32BigEndian(length);
            if (n > MaxRecord) yield break;
            var data = new byte[n];
            if (stream.ReadAtLeast(data, (int)n, throwOnEndOfStream: false) < n) yield break;
            yield return (data, stream.Position);
        }
    }
}
