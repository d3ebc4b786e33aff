using System.Text.Json;
using MinerWatch.Evidence.Merkle;

namespace MinerWatch.Evidence.Tests;

public class MerkleVectorTests
{
    private static readonly string Vectors = Path.Combine(AppContext.BaseDirectory, "TestVectors");

    [Fact]
    public void Rfc6962_reference_tree_has_the_published_roots_at_every_size()
    {
        string[] inputs = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
        string[] roots =
        [
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        var tree = new MemoryHashes();
        Assert.Equal(roots[0], Proofs.Root(tree, 0).ToString());
        for (var i = 0; i < inputs.Length; i++)
        {
            tree.Append(TreeHash.Leaf(Convert.FromHexString(inputs[i])));
            Assert.Equal(roots[i + 1], Proofs.Root(tree, i + 1).ToString());
        }
    }

    public static TheoryData<string> InclusionFiles() => Files("inclusion");
    public static TheoryData<string> ConsistencyFiles() => Files("consistency");

    private static TheoryData<string> Files(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Path.Combine(Vectors, kind), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(Vectors, f));
        return data;
    }

    [Theory]
    [MemberData(nameof(InclusionFiles))]
    public void Inclusion_probe_is_accepted_or_refused_as_published(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Vectors, file)));
        var v = json.RootElement;
        var wantErr = v.GetProperty("wantErr").GetBoolean();
        // Indices and sizes are unsigned 64-bit in the vectors; beyond a long they are out of any tree's range.
        var index = v.GetProperty("leafIdx").GetUInt64();
        var size = v.GetProperty("treeSize").GetUInt64();
        var result = index > long.MaxValue || size > long.MaxValue ? "out of range"
            : ParseAll(v, "proof", out var proof) && Hash.TryParseBase64(Text(v, "root"), out var root) && Hash.TryParseBase64(Text(v, "leafHash"), out var leaf)
                ? Proofs.VerifyInclusion((long)index, (long)size, leaf, proof, root)
                : "a hash does not parse";
        if (wantErr) Assert.NotNull(result);
        else Assert.Null(result);
    }

    [Theory]
    [MemberData(nameof(ConsistencyFiles))]
    public void Consistency_probe_is_accepted_or_refused_as_published(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Vectors, file)));
        var v = json.RootElement;
        var wantErr = v.GetProperty("wantErr").GetBoolean();
        var size1 = v.GetProperty("size1").GetUInt64();
        var size2 = v.GetProperty("size2").GetUInt64();
        var result = size1 > long.MaxValue || size2 > long.MaxValue ? "out of range"
            : ParseAll(v, "proof", out var proof)
                ? Proofs.VerifyConsistency((long)size1, (long)size2, Bytes(v, "root1"), Bytes(v, "root2"), proof)
                : "a hash does not parse";
        if (wantErr) Assert.NotNull(result);
        else Assert.Null(result);
    }

    private static byte[] Bytes(JsonElement v, string name) => Text(v, name) is { } text ? Convert.FromBase64String(text) : [];

    private static string? Text(JsonElement v, string name) =>
        v.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private static bool ParseAll(JsonElement v, string name, out List<Hash> hashes)
    {
        hashes = [];
        if (!v.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null) return true;
        foreach (var e in array.EnumerateArray())
        {
            if (!Hash.TryParseBase64(e.GetString(), out var h)) return false;
            hashes.Add(h);
        }
        return true;
    }
}
