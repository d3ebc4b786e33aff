namespace MinerWatch.Evidence.Merkle;

/// <summary>
/// Tree heads, inclusion proofs and consistency proofs over stored complete-subtree hashes (RFC 9162 sections
/// 2.1.1, 2.1.3 and 2.1.4). Generation reads O(log^2 n) hashes at most; verification needs only the proof.
/// </summary>
public static class Proofs
{
    /// <summary>The root of the first <paramref name="size"/> leaves.</summary>
    public static Hash Root(IHashReader hashes, long size) => size == 0 ? Hash.Empty : SubtreeHash(hashes, 0, size);

    /// <summary>MTH(D[start:end]) where the range is a subtree of the tree's recursive split.</summary>
    private static Hash SubtreeHash(IHashReader hashes, long start, long end)
    {
        var n = end - start;
        // A complete subtree (a power-of-two size, aligned) is stored; any other is the fold of complete ones.
        if ((n & (n - 1)) == 0)
        {
            var level = (int)long.TrailingZeroCount(n);
            return hashes.Read(level, start >> level);
        }
        var k = TreeHash.Split(n);
        return TreeHash.Node(SubtreeHash(hashes, start, start + k), SubtreeHash(hashes, start + k, end));
    }

    /// <summary>PATH(m, D[n]): the inclusion proof of leaf <paramref name="index"/> in the tree of <paramref name="size"/> leaves.</summary>
    public static List<Hash> Inclusion(IHashReader hashes, long index, long size)
    {
        if (index < 0 || index >= size) throw new ArgumentOutOfRangeException(nameof(index), $"leaf {index} is not in a tree of {size}");
        var path = new List<Hash>();
        Path(hashes, index, 0, size, path);
        return path;
    }

    private static void Path(IHashReader hashes, long m, long start, long end, List<Hash> path)
    {
        var n = end - start;
        if (n <= 1) return;
        var k = TreeHash.Split(n);
        if (m < k)
        {
            Path(hashes, m, start, start + k, path);
            path.Add(SubtreeHash(hashes, start + k, end));
        }
        else
        {
            Path(hashes, m - k, start + k, end, path);
            path.Add(SubtreeHash(hashes, start, start + k));
        }
    }

    /// <summary>PROOF(m, D[n]): the consistency proof from the tree of <paramref name="from"/> leaves to the tree of <paramref name="to"/>.</summary>
    public static List<Hash> Consistency(IHashReader hashes, long from, long to)
    {
        if (from < 0 || from > to) throw new ArgumentOutOfRangeException(nameof(from), $"no consistency proof from size {from} to {to}");
        var proof = new List<Hash>();
        if (from > 0 && from < to) SubProof(hashes, from, 0, to, true, proof);
        return proof;
    }

    private static void SubProof(IHashReader hashes, long m, long start, long end, bool whole, List<Hash> proof)
    {
        var n = end - start;
        if (m == n)
        {
            if (!whole) proof.Add(SubtreeHash(hashes, start, end));
            return;
        }
        var k = TreeHash.Split(n);
        if (m <= k)
        {
            SubProof(hashes, m, start, start + k, whole, proof);
            proof.Add(SubtreeHash(hashes, start + k, end));
        }
        else
        {
            SubProof(hashes, m - k, start + k, end, false, proof);
            proof.Add(SubtreeHash(hashes, start, start + k));
        }
    }

    /// <summary>Verifies an inclusion proof (RFC 9162 section 2.1.3.2); returns null when valid, else why not.</summary>
    public static string? VerifyInclusion(long index, long size, Hash leaf, IReadOnlyList<Hash> path, Hash root)
    {
        if (index < 0 || index >= size) return $"leaf index {index} is not below the tree size {size}";
        var fn = index;
        var sn = size - 1;
        var r = leaf;
        foreach (var p in path)
        {
            if (sn == 0) return $"the proof has {path.Count} hashes, more than a tree of {size} needs";
            if ((fn & 1) == 1 || fn == sn)
            {
                r = TreeHash.Node(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else r = TreeHash.Node(r, p);
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) return $"the proof has {path.Count} hashes, fewer than a tree of {size} needs";
        return r == root ? null : "the proof does not lead to the root";
    }

    /// <summary>Verifies a consistency proof (RFC 9162 section 2.1.4.2); returns null when valid, else why not.</summary>
    public static string? VerifyConsistency(long from, long to, Hash fromRoot, Hash toRoot, IReadOnlyList<Hash> proof) =>
        VerifyConsistency(from, to, fromRoot.ToArray(), toRoot.ToArray(), proof);

    /// <summary>
    /// The same with the roots as the bytes a proof carries: equal sizes need only equal bytes; otherwise both must
    /// be 32-byte hashes.
    /// </summary>
    public static string? VerifyConsistency(long from, long to, ReadOnlySpan<byte> fromRootBytes, ReadOnlySpan<byte> toRootBytes, IReadOnlyList<Hash> proof)
    {
        if (from < 0 || to < 0) return "tree sizes cannot be negative";
        if (from > to) return $"the first tree ({from}) is larger than the second ({to})";
        if (from == 0) return "consistency with the empty tree proves nothing; a proof from size 0 is refused";
        if (from == to)
        {
            if (proof.Count != 0) return "trees of the same size need an empty proof";
            return fromRootBytes.SequenceEqual(toRootBytes) ? null : "the two trees have the same size but different roots (a fork)";
        }
        if (fromRootBytes.Length != Hash.Size || toRootBytes.Length != Hash.Size) return "a root is not a 32-byte hash";
        var fromRoot = Hash.From(fromRootBytes);
        var toRoot = Hash.From(toRootBytes);
        if (proof.Count == 0) return "the proof is empty";
        var path = new List<Hash>(proof.Count + 1);
        // A first tree whose size is a power of two is itself a subtree of the second: its root starts the path.
        if ((from & (from - 1)) == 0) path.Add(fromRoot);
        path.AddRange(proof);
        var fn = from - 1;
        var sn = to - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }
        var fr = path[0];
        var sr = path[0];
        for (var i = 1; i < path.Count; i++)
        {
            var c = path[i];
            if (sn == 0) return $"the proof has {proof.Count} hashes, more than trees of {from} and {to} need";
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = TreeHash.Node(c, fr);
                sr = TreeHash.Node(c, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else sr = TreeHash.Node(sr, c);
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) return $"the proof has {proof.Count} hashes, fewer than trees of {from} and {to} need";
        if (fr != fromRoot) return $"the proof does not lead to the root of the first tree ({from})";
        return sr == toRoot ? null : $"the proof does not lead to the root of the second tree ({to})";
    }
}

/// <summary>Complete-subtree hashes kept in memory, built leaf by leaf: for tests, and for small logs.</summary>
public sealed class MemoryHashes : IHashReader
{
    private readonly List<Hash> _stored = [];
    private readonly RightEdge _edge = new();

    public long Size => _edge.Size;

    public void Append(Hash leaf)
    {
        Span<Hash> stored = stackalloc Hash[RightEdge.MaxStored];
        _stored.AddRange(stored[.._edge.Push(leaf, stored)]);
    }

    public Hash Read(int level, long index) => _stored[(int)StoredHashIndex.Of(level, index)];
}
