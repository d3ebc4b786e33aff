using System.Text;
using MinerWatch.Evidence.Log;
using MinerWatch.Evidence.Merkle;
using MinerWatch.Evidence.Notes;

namespace MinerWatch.Evidence.Tests;

public sealed class EvidenceLogTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"evidence-log-{Guid.NewGuid():N}");
    private string LogDir => Path.Combine(_dir, "log");
    private string KeyFile => Path.Combine(_dir, "log.key");

    public EvidenceLogTests()
    {
        Directory.CreateDirectory(_dir);
        using var key = SignerKey.Generate("inspection.example.org/log");
        File.WriteAllText(KeyFile, key.ToString());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Entry(int i) => Encoding.UTF8.GetBytes($"{{\"finding\":{i},\"meter\":\"M{i:D6}\"}}");

    /// <summary>Ten entries in three appends, so the log holds four checkpoints (0, 3, 7, 10).</summary>
    private EvidenceLog TenEntries()
    {
        var log = EvidenceLog.Init(LogDir, "inspection.example.org/log", KeyFile);
        log.Append([.. Enumerable.Range(0, 3).Select(Entry)]);
        log.Append([.. Enumerable.Range(3, 4).Select(Entry)]);
        log.Append([.. Enumerable.Range(7, 3).Select(Entry)]);
        return log;
    }

    [Fact]
    public void Appends_are_signed_and_every_proof_checks_against_the_checkpoint()
    {
        var log = TenEntries();
        var checkpoint = Checkpoint.Parse(log.Latest!.Text);
        var tree = new MemoryHashes();
        for (var i = 0; i < 10; i++) tree.Append(TreeHash.Leaf(Entry(i)));

        Assert.Equal(10, checkpoint.Size);
        Assert.Equal(Proofs.Root(tree, 10), checkpoint.Root);
        Assert.True(log.Latest.IsSignedBy(log.Key));
        for (var i = 0; i < 10; i++)
            Assert.Null(Proofs.VerifyInclusion(i, 10, TreeHash.Leaf(log.Entry(i)), log.Inclusion(i, 10), checkpoint.Root));
        Assert.Null(Proofs.VerifyConsistency(3, 10, Proofs.Root(tree, 3), checkpoint.Root, log.Consistency(3, 10)));
        Assert.Empty(EvidenceLog.Verify(LogDir));
    }

    [Fact]
    public void An_edited_entry_is_named()
    {
        TenEntries();
        var path = Path.Combine(LogDir, "entries");
        var bytes = File.ReadAllBytes(path);
        var at = Encoding.UTF8.GetString(bytes).IndexOf("M000004", StringComparison.Ordinal);
        bytes[at + 6] = (byte)'5';
        File.WriteAllBytes(path, bytes);

        var problems = EvidenceLog.Verify(LogDir);
        Assert.Contains("entry 4: its content does not match its stored leaf hash (edited, reordered or replaced)", problems);
        Assert.Contains("the checkpoint of size 7 does not match the tree of the first 7 entries (an entry was edited, reordered or replaced)", problems);
    }

    [Fact]
    public void Reordered_entries_are_named()
    {
        TenEntries();
        var path = Path.Combine(LogDir, "entries");
        var text = Encoding.Latin1.GetString(File.ReadAllBytes(path));
        // Entries 1 and 2 have the same length: swap them.
        text = text.Replace("M000001", "MXXXXXX").Replace("M000002", "M000001").Replace("MXXXXXX", "M000002")
            .Replace("\"finding\":1,", "\"finding\":X,").Replace("\"finding\":2,", "\"finding\":1,").Replace("\"finding\":X,", "\"finding\":2,");
        File.WriteAllBytes(path, Encoding.Latin1.GetBytes(text));

        var problems = EvidenceLog.Verify(LogDir);
        Assert.Contains("entry 1: its content does not match its stored leaf hash (edited, reordered or replaced)", problems);
        Assert.Contains("entry 2: its content does not match its stored leaf hash (edited, reordered or replaced)", problems);
    }

    [Fact]
    public void Deleted_or_truncated_entries_are_named()
    {
        TenEntries();
        var entries = Path.Combine(LogDir, "entries");
        var bytes = File.ReadAllBytes(entries);
        File.WriteAllBytes(entries, bytes[..(bytes.Length - 40)]);

        // 40 bytes take the last entry and the end of the one before it: 8 whole entries remain.
        Assert.Contains("the latest checkpoint covers 10 entries but only 8 are stored: entries were deleted or the file truncated", EvidenceLog.Verify(LogDir));
        Assert.StartsWith("the log's checkpoint covers 10 entries", Assert.Throws<EvidenceLogException>(() => { File.WriteAllBytes(Path.Combine(LogDir, "entries.idx"), File.ReadAllBytes(Path.Combine(LogDir, "entries.idx"))[..72]); EvidenceLog.Open(LogDir); }).Message);
    }

    [Fact]
    public void An_edited_stored_hash_is_named()
    {
        TenEntries();
        var path = Path.Combine(LogDir, "hashes");
        var bytes = File.ReadAllBytes(path);
        bytes[StoredHashIndex.Of(1, 1) * Hash.Size] ^= 1;
        File.WriteAllBytes(path, bytes);

        Assert.Contains("entry 3: a stored subtree hash above it does not match", EvidenceLog.Verify(LogDir));
    }

    [Fact]
    public void A_checkpoint_older_than_the_one_before_is_a_rollback_and_two_roots_of_one_size_a_fork()
    {
        TenEntries();
        var checkpoints = Path.Combine(LogDir, "checkpoints");
        var records = File.ReadAllBytes(checkpoints);
        using var key = SignerKey.Parse(File.ReadAllText(KeyFile));
        // The log's key signs an old state after a newer one, and a second tree of size 7.
        var old = SignedNote.Sign(new Checkpoint("inspection.example.org/log", 3, TreeHash.Leaf([9])).Body, key).ToString();
        var fork = SignedNote.Sign(new Checkpoint("inspection.example.org/log", 7, TreeHash.Leaf([7])).Body, key).ToString();
        using (var file = new FileStream(checkpoints, FileMode.Append))
        {
            foreach (var note in new[] { old, fork })
            {
                var data = Encoding.UTF8.GetBytes(note);
                file.Write([(byte)(data.Length >> 24), (byte)(data.Length >> 16), (byte)(data.Length >> 8), (byte)data.Length]);
                file.Write(data);
            }
        }

        var problems = EvidenceLog.Verify(LogDir);
        Assert.Contains("checkpoint 5 has size 3, smaller than the 10 before it: the log was rolled back", problems);
        Assert.Contains("two checkpoints of size 3 have different roots: the log forked", problems);
        Assert.Contains("two checkpoints of size 7 have different roots: the log forked", problems);
        Assert.True(records.Length > 0);
    }

    [Fact]
    public void A_checkpoint_signed_by_another_key_is_named()
    {
        TenEntries();
        using var other = SignerKey.Generate("inspection.example.org/log");
        var note = SignedNote.Sign(new Checkpoint("inspection.example.org/log", 10, EvidenceLog.Open(LogDir).Root(10)).Body, other).ToString();
        using (var file = new FileStream(Path.Combine(LogDir, "checkpoints"), FileMode.Append))
        {
            var data = Encoding.UTF8.GetBytes(note);
            file.Write([(byte)(data.Length >> 24), (byte)(data.Length >> 16), (byte)(data.Length >> 8), (byte)data.Length]);
            file.Write(data);
        }

        Assert.Contains("checkpoint 5 (size 10): no valid signature by inspection.example.org/log", EvidenceLog.Verify(LogDir));
    }

    [Fact]
    public void An_append_cut_short_is_cut_away_on_opening_and_nothing_acknowledged_is_lost()
    {
        TenEntries();
        // A crash mid-append: entries, offsets and hashes written, the checkpoint record half written.
        foreach (var (name, junk) in new[] { ("entries", 100), ("entries.idx", 16), ("hashes", 96), ("checkpoints", 30) })
            using (var file = new FileStream(Path.Combine(LogDir, name), FileMode.Append)) file.Write(new byte[junk].Select((_, i) => (byte)(i + 1)).ToArray());

        var log = EvidenceLog.Open(LogDir);

        Assert.Equal(10, log.Size);
        Assert.Empty(EvidenceLog.Verify(LogDir));
        log.Append([Entry(10)]);
        Assert.Equal(11, EvidenceLog.Open(LogDir).Size);
        Assert.Empty(EvidenceLog.Verify(LogDir));
        Assert.Equal(Entry(4), log.Entry(4));
    }

    [Fact]
    public void Init_refuses_an_existing_log_and_open_a_directory_without_one()
    {
        TenEntries();
        Assert.Equal($"{LogDir} already holds a log", Assert.Throws<EvidenceLogException>(() => EvidenceLog.Init(LogDir, "x", KeyFile)).Message);
        Assert.Equal($"{_dir} holds no log (no config.json); create one with 'evidence init'", Assert.Throws<EvidenceLogException>(() => EvidenceLog.Open(_dir)).Message);
    }

    [Fact]
    public void A_log_restored_from_an_older_copy_fails_against_a_checkpoint_saved_before()
    {
        var log = EvidenceLog.Init(LogDir, "inspection.example.org/log", KeyFile);
        log.Append([Entry(0), Entry(1)]);
        var backup = Path.Combine(_dir, "backup");
        CopyDirectory(LogDir, backup);
        log.Append([Entry(2)]);
        var saved = log.Latest!;
        Directory.Delete(LogDir, recursive: true);
        CopyDirectory(backup, LogDir);

        Assert.Empty(EvidenceLog.Verify(LogDir));
        Assert.Equal(["the log was rolled back: it holds 2 entries, but an earlier checkpoint covered 3"], EvidenceLog.Verify(LogDir, saved));

        // Rewritten instead: same size, other entries.
        Directory.Delete(LogDir, recursive: true);
        var rewritten = EvidenceLog.Init(LogDir, "inspection.example.org/log", KeyFile);
        rewritten.Append([Entry(0), Entry(1), Entry(9)]);
        Assert.Equal(["the log forked or was rewritten: its tree of 3 entries is not the one the earlier checkpoint signed"], EvidenceLog.Verify(LogDir, saved));
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }
}
