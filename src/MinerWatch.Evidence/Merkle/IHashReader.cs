namespace MinerWatch.Evidence.Merkle;

/// <summary>
/// Reads the hashes of complete subtrees: level 0 is the leaves, and node (level, index) covers leaves
/// [index * 2^level, (index + 1) * 2^level). A log stores exactly these, so any root or proof needs only
/// O(log n) reads of them, never the whole tree.
/// </summary>
public interface IHashReader
{
    Hash Read(int level, long index);
}

/// <summary>Where the complete-subtree hashes sit in one append-only sequence: leaf n, then the subtrees it completes.</summary>
public static class StoredHashIndex
{
    /// <summary>Hashes stored for a tree of <paramref name="leaves"/> leaves: 2n - popcount(n).</summary>
    public static long Count(long leaves) => 2 * leaves - long.PopCount(leaves);

    /// <summary>Position of node (level, index): after the last leaf it covers and that leaf's completed subtrees below it.</summary>
    public static long Of(int level, long index) => Count(((index + 1) << level) - 1) + level;
}
