using System.Security.Cryptography;

namespace MinerWatch.Evidence.Merkle;

/// <summary>
/// The hashing of RFC 6962 / RFC 9162 section 2.1: leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left ||
/// right); the tree over n leaves splits at the largest power of two smaller than n.
/// </summary>
/// <remarks>
/// Hand-written on the runtime's SHA-256: no maintained .NET library implements the transparency-log side (tree,
/// proofs, checkpoints, cosigning), and the whole of it is a few dozen lines against the RFC.
/// </remarks>
public static class TreeHash
{
    public static Hash Leaf(ReadOnlySpan<byte> data)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData([0x00]);
        sha.AppendData(data);
        Span<byte> digest = stackalloc byte[Hash.Size];
        sha.GetHashAndReset(digest);
        return Hash.From(digest);
    }

    public static Hash Node(Hash left, Hash right)
    {
        Span<byte> buffer = stackalloc byte[1 + 2 * Hash.Size];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Hash.Size)..]);
        Span<byte> digest = stackalloc byte[Hash.Size];
        SHA256.HashData(buffer, digest);
        return Hash.From(digest);
    }

    /// <summary>The largest power of two smaller than <paramref name="n"/> (n at least 2).</summary>
    public static long Split(long n) => 1L << (int)(63 - long.LeadingZeroCount(n - 1));
}
