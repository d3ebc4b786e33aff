namespace MinerWatch.Evidence.Merkle;

/// <summary>
/// The complete subtrees along the right edge of a tree that grows leaf by leaf (one per set bit of its size,
/// largest first): all that is needed to add the next leaf and to compute the root.
/// </summary>
public sealed class RightEdge
{
    /// <summary>The most hashes one leaf can add: itself and a subtree per trailing one bit of a 63-bit index.</summary>
    public const int MaxStored = 64;

    private readonly List<Hash> _nodes;

    public RightEdge() => _nodes = [];

    private RightEdge(long size, List<Hash> nodes)
    {
        Size = size;
        _nodes = nodes;
    }

    public long Size { get; private set; }

    /// <summary>The right edge of a stored tree of <paramref name="size"/> leaves, read from its complete-subtree hashes.</summary>
    public static RightEdge Of(IHashReader hashes, long size)
    {
        var nodes = new List<Hash>();
        long start = 0;
        for (var level = 62; level >= 0; level--)
        {
            if ((size & (1L << level)) == 0) continue;
            nodes.Add(hashes.Read(level, start >> level));
            start += 1L << level;
        }
        return new RightEdge(size, nodes);
    }

    public RightEdge Clone() => new(Size, [.. _nodes]);

    /// <summary>
    /// Adds leaf number <see cref="Size"/>; writes into <paramref name="stored"/> the hashes a log stores for it, in
    /// <see cref="StoredHashIndex"/> order (the leaf, then each subtree it completes, one per trailing one bit of its
    /// index), and returns how many.
    /// </summary>
    public int Push(Hash leaf, Span<Hash> stored)
    {
        var node = leaf;
        stored[0] = node;
        var count = 1;
        for (var n = Size; (n & 1) == 1; n >>= 1)
        {
            node = TreeHash.Node(_nodes[^1], node);
            _nodes.RemoveAt(_nodes.Count - 1);
            stored[count++] = node;
        }
        _nodes.Add(node);
        Size++;
        return count;
    }

    /// <summary>The root of the tree so far: the right-edge subtrees folded from the smallest up.</summary>
    public Hash Root()
    {
        if (_nodes.Count == 0) return Hash.Empty;
        var root = _nodes[^1];
        for (var i = _nodes.Count - 2; i >= 0; i--) root = TreeHash.Node(_nodes[i], root);
        return root;
    }
}
