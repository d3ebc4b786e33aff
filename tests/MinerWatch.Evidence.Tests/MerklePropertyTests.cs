using CsCheck;
using MinerWatch.Evidence.Merkle;
using Hash = MinerWatch.Evidence.Merkle.Hash;

namespace MinerWatch.Evidence.Tests;

/// <summary>
/// The tree code against a second implementation written straight from the RFC 9162 definitions (MTH, PATH,
/// PROOF over a list of leaf hashes), for trees of every size from 0 to 1,000.
/// </summary>
public class MerklePropertyTests
{
    private const int MaxSize = 1000;
    private static readonly Lazy<(List<Hash> Leaves, MemoryHashes Tree)> Shared = new(() =>
    {
        var leaves = Enumerable.Range(0, MaxSize).Select(i => TreeHash.Leaf(BitConverter.GetBytes(i * 7919))).ToList();
        var tree = new MemoryHashes();
        foreach (var leaf in leaves) tree.Append(leaf);
        return (leaves, tree);
    });

    private static Hash Mth(List<Hash> d, int lo, int hi)
    {
        var n = hi - lo;
        if (n == 0) return Hash.Empty;
        if (n == 1) return d[lo];
        var k = 1;
        while (k * 2 < n) k *= 2;
        return TreeHash.Node(Mth(d, lo, lo + k), Mth(d, lo + k, hi));
    }

    private static List<Hash> NaivePath(int m, List<Hash> d, int lo, int hi)
    {
        var n = hi - lo;
        if (n <= 1) return [];
        var k = 1;
        while (k * 2 < n) k *= 2;
        return m < k ? [.. NaivePath(m, d, lo, lo + k), Mth(d, lo + k, hi)] : [.. NaivePath(m - k, d, lo + k, hi), Mth(d, lo, lo + k)];
    }

    private static List<Hash> NaiveSubproof(int m, List<Hash> d, int lo, int hi, bool b)
    {
        var n = hi - lo;
        if (m == n) return b ? [] : [Mth(d, lo, hi)];
        var k = 1;
        while (k * 2 < n) k *= 2;
        return m <= k
            ? [.. NaiveSubproof(m, d, lo, lo + k, b), Mth(d, lo + k, hi)]
            : [.. NaiveSubproof(m - k, d, lo + k, hi, false), Mth(d, lo, lo + k)];
    }

    [Fact]
    public void Every_inclusion_proof_in_every_tree_up_to_1000_matches_the_rfc_and_verifies()
    {
        var (leaves, tree) = Shared.Value;
        for (var n = 0; n <= MaxSize; n++)
        {
            var root = Proofs.Root(tree, n);
            Assert.Equal(Mth(leaves, 0, n), root);
            for (var m = 0; m < n; m++)
            {
                var path = Proofs.Inclusion(tree, m, n);
                // The naive PATH costs O(n) per proof: compare it on a sample, verify every proof.
                if (n <= 64 || m % 97 == 0 || m == n - 1) Assert.Equal(NaivePath(m, leaves, 0, n), path);
                Assert.Null(Proofs.VerifyInclusion(m, n, leaves[m], path, root));
            }
        }
    }

    [Fact]
    public void Every_consistency_proof_between_trees_up_to_1000_matches_the_rfc_and_verifies()
    {
        var (leaves, tree) = Shared.Value;
        var roots = Enumerable.Range(0, MaxSize + 1).Select(n => Proofs.Root(tree, n)).ToArray();
        for (var n = 1; n <= MaxSize; n++)
        {
            // Every earlier size for the small trees; for the larger, every size near the powers of two and a stride.
            for (var m = 1; m <= n; m++)
            {
                if (n > 128 && m % 37 != 0 && (m & (m - 1)) != 0 && m != n && m != n - 1) continue;
                var proof = Proofs.Consistency(tree, m, n);
                if (n <= 128 || m % 111 == 0) Assert.Equal(m == n ? [] : NaiveSubproof(m, leaves, 0, n, true), proof);
                Assert.Null(Proofs.VerifyConsistency(m, n, roots[m], roots[n], proof));
            }
        }
    }

    private static Hash Flip(Hash h, int bit)
    {
        var bytes = h.ToArray();
        bytes[bit / 8] ^= (byte)(1 << (bit % 8));
        return Hash.From(bytes);
    }

    [Fact]
    public void Any_flipped_bit_in_the_leaf_the_proof_or_the_root_fails_inclusion()
    {
        var (leaves, tree) = Shared.Value;
        Gen.Select(Gen.Int[2, MaxSize], Gen.Int[0, 255], Gen.Int[0, int.MaxValue]).Sample((n, bit, pick) =>
        {
            var m = pick % n;
            var root = Proofs.Root(tree, n);
            var path = Proofs.Inclusion(tree, m, n);
            var which = pick % (path.Count + 2);
            var leaf = leaves[m];
            if (which == 0) leaf = Flip(leaf, bit);
            else if (which == 1) root = Flip(root, bit);
            else path[which - 2] = Flip(path[which - 2], bit);
            return Proofs.VerifyInclusion(m, n, leaf, path, root) is not null;
        }, iter: 5000);
    }

    [Fact]
    public void Any_flipped_bit_in_either_root_or_the_proof_fails_consistency()
    {
        var (_, tree) = Shared.Value;
        Gen.Select(Gen.Int[2, MaxSize], Gen.Int[0, 255], Gen.Int[0, int.MaxValue]).Sample((n, bit, pick) =>
        {
            var m = 1 + pick % (n - 1);
            var from = Proofs.Root(tree, m);
            var to = Proofs.Root(tree, n);
            var proof = Proofs.Consistency(tree, m, n);
            var which = pick % (proof.Count + 2);
            if (which == 0) from = Flip(from, bit);
            else if (which == 1) to = Flip(to, bit);
            else proof[which - 2] = Flip(proof[which - 2], bit);
            return Proofs.VerifyConsistency(m, n, from, to, proof) is not null;
        }, iter: 5000);
    }
}
