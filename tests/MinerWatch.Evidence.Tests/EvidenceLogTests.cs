using System.Text;
using MinerWatch.Evidence.Log;
using MinerWatch.Evidence.Merkle;
using MinerWatch.Evidence.Notes;

namespace MinerWatch.Evidence.Tests;

public sealed class EvidenceLogTests : IDisposable
{
    private const string Origin = "inspection.example.org/log";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"evidence-log-{Guid.NewGuid():N}");
    private string LogDir => Path.Combine(_dir, "log");
    private string KeyFile => Path.Combine(_dir, "log.key");

    public EvidenceLogTests()
    {
        Directory.CreateDirectory(_dir);
        using var key = SignerKey.Generate(Origin);
        File.WriteAllText(KeyFile, key.ToString());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static byte[] Entry(int i) => Encoding.UTF8.GetBytes($"{{\"finding\":{i},\"meter\":\"M{i:D6}\"}}");

    /// <summary>Ten entries in three appends, so the log holds four checkpoints (0, 3, 7, 10).</summary>
    private void TenEntries()
    {
        using var log = EvidenceLog.Init(LogDir, Origin, KeyFile);
        log.Append([.. Enumerable.Range(0, 3).Select(Entry)]);
        log.Append([.. Enumerable.Range(3, 4).Select(Entry)]);
        log.Append([.. Enumerable.Range(7, 3).Select(Entry)]);
    }

    private IReadOnlyList<string> Problems() => EvidenceLog.Verify(LogDir).Problems;

    [Fact]
    public void Appends_are_signed_and_every_proof_checks_against_the_checkpoint()
    {
        TenEntries();
        var log = EvidenceLog.Open(LogDir);
        var checkpoint = Checkpoint.Parse(log.Latest.Text);
        var tree = new MemoryHashes();
        for (var i = 0; i < 10; i++) tree.Append(TreeHash.Leaf(Entry(i)));

        Assert.Equal(10, checkpoint.Size);
        Assert.Equal(Proofs.Root(tree, 10), checkpoint.Root);
        Assert.True(log.Latest.IsSignedBy(log.Key));
        for (var i = 0; i < 10; i++)
            Assert.Null(Proofs.VerifyInclusion(i, 10, TreeHash.Leaf(log.Entry(i)), log.Inclusion(i, 10), checkpoint.Root));
        Assert.Null(Proofs.VerifyConsistency(3, 10, Proofs.Root(tree, 3), checkpoint.Root, log.Consistency(3, 10)));
        var report = EvidenceLog.Verify(LogDir);
        Assert.Empty(report.Problems);
        Assert.Empty(report.Notes);
        Assert.Equal(10, report.Size);
    }

    [Fact]
    public void An_edited_entry_is_named_with_its_byte_offset()
    {
        TenEntries();
        var path = Path.Combine(LogDir, "entries");
        var bytes = File.ReadAllBytes(path);
        var at = Encoding.UTF8.GetString(bytes).IndexOf("M000004", StringComparison.Ordinal);
        bytes[at + 6] = (byte)'5';
        File.WriteAllBytes(path, bytes);

        var problems = Problems();
        Assert.Contains("entries: entry 4 at byte 140: its content does not match its stored leaf hash (hashes byte 224): edited, reordered or replaced, or the hash was", problems);
        Assert.Contains("checkpoints: record 3 (size 7) does not match the tree of the first 7 entries (an entry was edited, reordered or replaced)", problems);
        // The stored hashes above the entry are right, and are not blamed.
        Assert.DoesNotContain(problems, p => p.StartsWith("hashes:", StringComparison.Ordinal));
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

        var problems = Problems();
        Assert.Contains(problems, p => p.StartsWith("entries: entry 1 at byte 35: its content does not match its stored leaf hash", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("entries: entry 2 at byte 70: its content does not match its stored leaf hash", StringComparison.Ordinal));
    }

    [Fact]
    public void Deleted_or_truncated_entries_are_named_and_nothing_is_repaired()
    {
        TenEntries();
        var entries = Path.Combine(LogDir, "entries");
        var bytes = File.ReadAllBytes(entries);
        File.WriteAllBytes(entries, bytes[..(bytes.Length - 40)]);

        Assert.Contains("entries: byte 280: entry 8 runs past the end of the file (byte 310): the file was truncated or a length edited; the checkpoint covers 10 entries", Problems());
        Assert.Equal(bytes.Length - 40, new FileInfo(entries).Length);
        var refused = Assert.Throws<EvidenceLogException>(() => EvidenceLog.OpenWriter(LogDir, KeyFile));
        Assert.StartsWith($"the log in {LogDir} is damaged, so nothing was done: entries: byte 280: entry 8 runs past the end", refused.Message);
        Assert.StartsWith($"the log in {LogDir} is damaged", Assert.Throws<EvidenceLogException>(() => EvidenceLog.Open(LogDir)).Message);
        Assert.Equal(bytes.Length - 40, new FileInfo(entries).Length);
    }

    [Fact]
    public void An_edited_stored_hash_is_named()
    {
        TenEntries();
        var path = Path.Combine(LogDir, "hashes");
        var bytes = File.ReadAllBytes(path);
        bytes[StoredHashIndex.Of(1, 1) * Hash.Size] ^= 1;
        File.WriteAllBytes(path, bytes);

        Assert.Equal(["hashes: byte 160: the subtree hash completed by entry 3 does not match its children (edited)", "10 entries read; 4 checkpoint records"], Problems());

        // A stored leaf hash edited instead: only that leaf is named, not the subtrees above it.
        bytes[StoredHashIndex.Of(1, 1) * Hash.Size] ^= 1;
        bytes[StoredHashIndex.Of(0, 2) * Hash.Size] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Equal(["entries: entry 2 at byte 70: its content does not match its stored leaf hash (hashes byte 96): edited, reordered or replaced, or the hash was", "10 entries read; 4 checkpoint records"], Problems());
    }

    [Fact]
    public void A_checkpoint_older_than_the_one_before_is_a_rollback_and_two_roots_of_one_size_a_fork()
    {
        TenEntries();
        using var key = SignerKey.Parse(File.ReadAllText(KeyFile));
        // The log's key signs an old state after a newer one, and a second tree of size 7.
        var old = SignedNote.Sign(new Checkpoint(Origin, 3, TreeHash.Leaf([9])).Body, key).ToString();
        var fork = SignedNote.Sign(new Checkpoint(Origin, 7, TreeHash.Leaf([7])).Body, key).ToString();
        AppendRecords(old, fork);

        var problems = Problems();
        Assert.Contains(problems, p => p.StartsWith("checkpoints: record 5 at byte ", StringComparison.Ordinal) && p.EndsWith("(size 3): smaller than the 10 of record 4 before it: the log was rolled back", StringComparison.Ordinal));
        Assert.Contains("checkpoints: records 2, 5 give size 3 different roots: the log forked", problems);
        Assert.Contains("checkpoints: records 3, 6 give size 7 different roots: the log forked", problems);
    }

    [Fact]
    public void A_checkpoint_signed_by_another_key_is_named()
    {
        TenEntries();
        using var other = SignerKey.Generate(Origin);
        var note = SignedNote.Sign(new Checkpoint(Origin, 10, EvidenceLog.Open(LogDir).Root(10)).Body, other).ToString();
        AppendRecords(note);

        // An interrupted writer leaves only records it signed: this one was put there.
        var problems = Problems();
        Assert.Contains("checkpoints: record 5 at byte 963 follows the published checkpoint (record 4) and is not a whole record signed by the log: an interrupted writer leaves only a record it signed, so this one was altered", problems);
        Assert.Contains("checkpoints: record 5 at byte 963 (size 10): no valid signature by the log's key inspection.example.org/log", problems);
        Assert.StartsWith($"the log in {LogDir} is damaged", Assert.Throws<EvidenceLogException>(() => EvidenceLog.OpenWriter(LogDir, KeyFile)).Message);
    }

    private void AppendRecords(params string[] notes)
    {
        using var file = new FileStream(Path.Combine(LogDir, "checkpoints"), FileMode.Append);
        foreach (var note in notes)
        {
            var data = Encoding.UTF8.GetBytes(note);
            file.Write([(byte)(data.Length >> 24), (byte)(data.Length >> 16), (byte)(data.Length >> 8), (byte)data.Length]);
            file.Write(data);
        }
    }

    [Fact]
    public void An_append_cut_short_is_noted_by_verify_and_removed_only_by_the_next_writer()
    {
        TenEntries();
        // A crash mid-append: entries, offsets and hashes written, the checkpoint record half written (what reached
        // the disk is the start of what the writer wrote: here the start of a record like the last one).
        var checkpoints = File.ReadAllBytes(Path.Combine(LogDir, "checkpoints"));
        var lastRecord = checkpoints[^(File.ReadAllBytes(Path.Combine(LogDir, "checkpoint")).Length + 4)..];
        foreach (var (name, junk) in new[] { ("entries", new byte[100]), ("entries.idx", new byte[16]), ("hashes", new byte[96]), ("checkpoints", lastRecord[..30]) })
            using (var file = new FileStream(Path.Combine(LogDir, name), FileMode.Append)) file.Write(junk);
        var before = TamperTests.Snapshot(LogDir);

        var report = EvidenceLog.Verify(LogDir);
        Assert.Empty(report.Problems);
        Assert.Equal(4, report.Notes.Count);
        Assert.Contains("entries: 100 bytes from byte 350 are past the last checkpoint (an append that was interrupted and never acknowledged; the next writer removes them)", report.Notes);
        Assert.Equal(10, EvidenceLog.Open(LogDir).Size);
        Assert.Equal(before, TamperTests.Snapshot(LogDir));

        using (var log = EvidenceLog.OpenWriter(LogDir, KeyFile))
        {
            Assert.Equal(10, log.Size);
            log.Append([Entry(10)]);
        }
        var after = EvidenceLog.Verify(LogDir);
        Assert.Empty(after.Problems);
        Assert.Empty(after.Notes);
        Assert.Equal(11, after.Size);
        Assert.Equal(Entry(4), EvidenceLog.Open(LogDir).Entry(4));
    }

    [Fact]
    public void A_checkpoint_signed_but_not_published_is_kept_and_published_by_the_next_writer()
    {
        TenEntries();
        var published = File.ReadAllBytes(Path.Combine(LogDir, "checkpoint"));
        using (var log = EvidenceLog.OpenWriter(LogDir, KeyFile)) log.Append([Entry(10)]);
        // The crash came after the record was synced and before `checkpoint` was replaced.
        File.WriteAllBytes(Path.Combine(LogDir, "checkpoint"), published);

        var report = EvidenceLog.Verify(LogDir);
        Assert.Empty(report.Problems);
        Assert.Equal(["checkpoints: record 5 (size 11) was signed but not yet published in checkpoint (an interrupted append or cosign; the next writer publishes it)"], report.Notes);
        Assert.Equal(10, EvidenceLog.Open(LogDir).Size);
        using (var log = EvidenceLog.OpenWriter(LogDir, KeyFile)) Assert.Equal(11, log.Size);
        Assert.Equal(11, EvidenceLog.Open(LogDir).Size);
        Assert.Empty(EvidenceLog.Verify(LogDir).Notes);
    }

    [Fact]
    public void Init_refuses_an_existing_log_a_directory_with_log_files_and_a_witness_key()
    {
        TenEntries();
        Assert.Equal($"{LogDir} already holds a log", Assert.Throws<EvidenceLogException>(() => EvidenceLog.Init(LogDir, "x", KeyFile)).Message);
        Assert.Equal($"{_dir} holds no log (no config.json); create one with 'evidence init'", Assert.Throws<EvidenceLogException>(() => EvidenceLog.Open(_dir)).Message);
        File.Delete(Path.Combine(LogDir, "config.json"));
        Assert.Equal($"{LogDir} holds a log's entries but no config.json: refusing to overwrite what may be evidence; use an empty directory",
            Assert.Throws<EvidenceLogException>(() => EvidenceLog.Init(LogDir, Origin, KeyFile)).Message);

        var witnessKey = Path.Combine(_dir, "witness.key");
        using (var witness = SignerKey.Generate("court.example/witness", VerifierKey.Cosignature)) File.WriteAllText(witnessKey, witness.ToString());
        var other = Path.Combine(_dir, "other");
        Assert.Equal($"{witnessKey} is a witness's cosigning key (type 0x04), which cannot sign a log's checkpoints; make a log key with 'evidence keygen' without --witness",
            Assert.Throws<EvidenceLogException>(() => EvidenceLog.Init(other, Origin, witnessKey)).Message);
        Assert.False(Directory.Exists(other));
    }

    [Fact]
    public void A_writer_refuses_another_key_and_a_reader_cannot_append()
    {
        TenEntries();
        var otherKey = Path.Combine(_dir, "other.key");
        using (var other = SignerKey.Generate(Origin)) File.WriteAllText(otherKey, other.ToString());
        Assert.StartsWith($"the key in {otherKey} (", Assert.Throws<EvidenceLogException>(() => EvidenceLog.OpenWriter(LogDir, otherKey)).Message);
        Assert.Throws<InvalidOperationException>(() => EvidenceLog.Open(LogDir).Append([Entry(1)]));
    }

    [Fact]
    public void A_second_writer_waits_for_the_first_and_then_fails_saying_so()
    {
        TenEntries();
        using var first = EvidenceLog.OpenWriter(LogDir, KeyFile);
        var message = Assert.Throws<EvidenceLogException>(() => EvidenceLog.OpenWriter(LogDir, KeyFile, TimeSpan.FromMilliseconds(200))).Message;
        Assert.Equal($"another writer is appending to the log (it holds {Path.Combine(LogDir, "lock")}); waited 0.2 s for it to finish: try again when it has", message);
        // Readers are not held up by a writer.
        Assert.Equal(10, EvidenceLog.Open(LogDir).Size);
    }

    [Fact]
    public void A_log_restored_from_an_older_copy_fails_against_a_checkpoint_saved_before()
    {
        SignedNote saved;
        var backup = Path.Combine(_dir, "backup");
        using (var log = EvidenceLog.Init(LogDir, Origin, KeyFile))
        {
            log.Append([Entry(0), Entry(1)]);
            CopyDirectory(LogDir, backup);
            log.Append([Entry(2)]);
            saved = log.Latest;
        }
        Directory.Delete(LogDir, recursive: true);
        CopyDirectory(backup, LogDir);

        Assert.Empty(Problems());
        Assert.Equal(["the log was rolled back: it holds 2 entries, but an earlier checkpoint covered 3"], EvidenceLog.Verify(LogDir, saved).Problems);

        // Rewritten instead: same size, other entries.
        Directory.Delete(LogDir, recursive: true);
        using (var rewritten = EvidenceLog.Init(LogDir, Origin, KeyFile)) rewritten.Append([Entry(0), Entry(1), Entry(9)]);
        Assert.Equal(["the log forked or was rewritten: its tree of 3 entries is not the one the earlier checkpoint signed"], EvidenceLog.Verify(LogDir, saved).Problems);
    }

    internal static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        // The writers' lock is held (a reader cannot open it while a writer runs) and is no part of the evidence.
        foreach (var f in Directory.GetFiles(from).Where(f => Path.GetFileName(f) != "lock")) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }
}
