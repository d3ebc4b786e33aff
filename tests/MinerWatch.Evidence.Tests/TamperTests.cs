using System.Security.Cryptography;
using System.Text;
using MinerWatch.Evidence.Log;
using MinerWatch.Evidence.Notes;

namespace MinerWatch.Evidence.Tests;

/// <summary>
/// Every single-bit flip, every truncation, every deletion of each file of a small log, and files swapped with
/// another log's: `verify` reports each as not valid, neither it nor the read-only opening changes anything on disk,
/// and a writer refuses to append.
/// </summary>
public sealed class TamperTests : IDisposable
{
    private const string Origin = "inspection.example.org/log";
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"tamper-{Guid.NewGuid():N}");
    private string LogDir => Path.Combine(_dir, "log");
    private string KeyFile => Path.Combine(_dir, "log.key");

    /// <summary>The files whose every byte is evidence (the writers' `lock` file is empty and holds none).</summary>
    private static readonly string[] EvidenceFiles = ["config.json", "entries", "entries.idx", "hashes", "checkpoints", "checkpoint"];

    public TamperTests()
    {
        Directory.CreateDirectory(_dir);
        using var key = SignerKey.Generate(Origin);
        File.WriteAllText(KeyFile, key.ToString());
        using var court = SignerKey.Generate("court.example/witness", VerifierKey.Cosignature);
        // Two appends, a cosignature, a third append and a cosignature of it: every kind of record.
        using var log = EvidenceLog.Init(LogDir, Origin, KeyFile);
        var witness = new Witness(court, Path.Combine(_dir, "court.state"));
        log.Append([EvidenceLogTests.Entry(0), EvidenceLogTests.Entry(1)]);
        log.AddCosignature(witness.Cosign(log.Latest, log.Consistency, log.Key, Now), court.Verifier);
        log.Append([EvidenceLogTests.Entry(2)]);
        log.Append([EvidenceLogTests.Entry(3), EvidenceLogTests.Entry(4)]);
        log.AddCosignature(witness.Cosign(log.Latest, log.Consistency, null, Now), court.Verifier);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every file's name and SHA-256, and the directory's listing.</summary>
    internal static string Snapshot(string dir) => string.Join("\n", Directory.GetFileSystemEntries(dir).Order(StringComparer.Ordinal)
        .Select(f => $"{Path.GetFileName(f)} {(File.Exists(f) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))) : "dir")} {File.GetLastWriteTimeUtc(f):O}"));

    /// <summary>
    /// Runs the audit and, when <paramref name="writer"/>, a writer's opening on the tampered log: returns what was
    /// missed. (A writer refuses exactly when the audit finds a problem, since it runs the same audit; a sample of
    /// the cases keeps the test's time down.)
    /// </summary>
    private string? Check(string what, bool writer = true)
    {
        var before = Snapshot(LogDir);
        var report = EvidenceLog.Verify(LogDir);
        string? missed = null;
        if (report.Valid) missed = $"{what}: verify says valid";
        try
        {
            // What checkpoint, prove, consistency and witness open: it may serve or refuse, but never write.
            EvidenceLog.Open(LogDir);
        }
        catch (EvidenceLogException)
        {
        }
        try
        {
            if (writer)
            {
                using var opened = EvidenceLog.OpenWriter(LogDir, KeyFile, TimeSpan.Zero);
                missed ??= $"{what}: a writer opened it";
            }
        }
        catch (EvidenceLogException)
        {
        }
        // The writer may create its lock file; nothing else may appear, change or go.
        var after = Snapshot(LogDir);
        if (after != before) missed ??= $"{what}: files changed on disk";
        return missed;
    }

    private List<string> Each(Func<string, byte[], IEnumerable<(string What, byte[]? Content)>> cases, int writerEvery = 1)
    {
        var n = 0;
        var missed = new List<string>();
        foreach (var name in EvidenceFiles)
        {
            var path = Path.Combine(LogDir, name);
            var original = File.ReadAllBytes(path);
            foreach (var (what, content) in cases(name, original))
            {
                if (content is null) File.Delete(path);
                else File.WriteAllBytes(path, content);
                if (Check(what, n++ % writerEvery == 0) is { } m) missed.Add(m);
                File.WriteAllBytes(path, original);
            }
        }
        return missed;
    }

    [Fact]
    public void Every_single_bit_flip_in_every_file_is_found_and_nothing_on_disk_changes()
    {
        Assert.Empty(EvidenceLog.Verify(LogDir).Problems);
        var cases = 0;
        var missed = Each((name, original) => Enumerable.Range(0, original.Length * 8).Select(bit =>
        {
            cases++;
            var flipped = (byte[])original.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            return ($"{name} byte {bit / 8} bit {bit % 8}", (byte[]?)flipped);
        }), writerEvery: 7);
        Assert.Empty(missed);
        Assert.True(cases > 20_000, $"{cases} flips");
        Assert.Empty(EvidenceLog.Verify(LogDir).Problems);
    }

    [Fact]
    public void Every_truncation_and_deletion_of_every_file_is_found()
    {
        var missed = Each((name, original) => Enumerable.Range(0, original.Length)
            .Select(length => ($"{name} cut to {length} bytes", (byte[]?)original[..length]))
            .Append(($"{name} deleted", null)));
        Assert.Empty(missed);
    }

    [Fact]
    public void Files_swapped_with_another_logs_are_found()
    {
        // Another log under the same key and origin, with other entries.
        var other = Path.Combine(_dir, "other");
        using (var log = EvidenceLog.Init(other, Origin, KeyFile))
        {
            log.Append([EvidenceLogTests.Entry(0), EvidenceLogTests.Entry(7)]);
            log.Append([EvidenceLogTests.Entry(8), EvidenceLogTests.Entry(9), EvidenceLogTests.Entry(5)]);
        }
        var missed = new List<string>();
        var originals = EvidenceFiles.ToDictionary(n => n, n => File.ReadAllBytes(Path.Combine(LogDir, n)));
        var pairs = EvidenceFiles.SelectMany((a, i) => EvidenceFiles.Skip(i).Select(b => (a, b)));
        foreach (var (a, b) in pairs)
        {
            var swapped = new[] { a, b }.Distinct().Where(n => !File.ReadAllBytes(Path.Combine(other, n)).AsSpan().SequenceEqual(originals[n])).ToList();
            if (swapped.Count == 0) continue;
            foreach (var n in swapped) File.Copy(Path.Combine(other, n), Path.Combine(LogDir, n), overwrite: true);
            if (Check($"{string.Join(" and ", swapped)} from another log") is { } m) missed.Add(m);
            foreach (var n in swapped) File.WriteAllBytes(Path.Combine(LogDir, n), originals[n]);
        }
        Assert.Empty(missed);
    }

    [Fact]
    public void Cosignatures_are_kept_by_later_appends_and_a_broken_one_is_named()
    {
        var checkpoints = File.ReadAllText(Path.Combine(LogDir, "checkpoints"), Encoding.Latin1);
        Assert.Equal(2, checkpoints.Split("court.example/witness ").Length - 1);
        using (var log = EvidenceLog.OpenWriter(LogDir, KeyFile)) log.Append([EvidenceLogTests.Entry(5)]);
        // The new checkpoint has no cosignature yet; both earlier ones are still in the log, and checked.
        Assert.Equal(2, File.ReadAllText(Path.Combine(LogDir, "checkpoints"), Encoding.Latin1).Split("court.example/witness ").Length - 1);
        Assert.Empty(EvidenceLog.Verify(LogDir).Problems);

        var path = Path.Combine(LogDir, "checkpoints");
        var bytes = File.ReadAllBytes(path);
        var text = Encoding.Latin1.GetString(bytes);
        var at = text.IndexOf("court.example/witness ", StringComparison.Ordinal) + "court.example/witness ".Length + 30;
        bytes[at] = (byte)(bytes[at] == 'A' ? 'B' : 'A');
        File.WriteAllBytes(path, bytes);
        Assert.Contains(EvidenceLog.Verify(LogDir).Problems, p => p.StartsWith("checkpoints: record 3 at byte ", StringComparison.Ordinal) && p.EndsWith("(size 2): the cosignature by court.example/witness does not verify (altered)", StringComparison.Ordinal));
    }

    private List<Record> Records() => RecordsOf(File.ReadAllBytes(Path.Combine(LogDir, "checkpoints")));

    private sealed record Record(int Offset, byte[] Bytes);

    private static List<Record> RecordsOf(byte[] file)
    {
        var records = new List<Record>();
        for (var at = 0; at < file.Length;)
        {
            var length = (file[at] << 24) | (file[at + 1] << 16) | (file[at + 2] << 8) | file[at + 3];
            records.Add(new Record(at, file[at..(at + 4 + length)]));
            at += 4 + length;
        }
        return records;
    }

    private void WriteRecords(IEnumerable<Record> records) => File.WriteAllBytes(Path.Combine(LogDir, "checkpoints"), [.. records.SelectMany(r => r.Bytes)]);

    [Fact]
    public void An_older_published_checkpoint_and_a_damaged_later_record_are_refused_and_nothing_is_cut()
    {
        var records = Records();
        Assert.Equal(6, records.Count);
        // `checkpoint` set back to record 3, and one bit of record 4's signature flipped.
        File.WriteAllBytes(Path.Combine(LogDir, "checkpoint"), records[2].Bytes[4..]);
        var file = File.ReadAllBytes(Path.Combine(LogDir, "checkpoints"));
        file[records[3].Offset + records[3].Bytes.Length - 10] ^= 1;
        File.WriteAllBytes(Path.Combine(LogDir, "checkpoints"), file);

        Assert.Null(Check("older checkpoint, damaged record 4"));
        Assert.Contains(EvidenceLog.Verify(LogDir).Problems, p => p.StartsWith($"checkpoints: record 4 at byte {records[3].Offset} follows the published checkpoint (record 3)", StringComparison.Ordinal));
        Assert.Contains(EvidenceLog.Verify(LogDir).Problems, p => p.StartsWith($"checkpoints: record 5 at byte {records[4].Offset} follows the published checkpoint (record 3), after another", StringComparison.Ordinal));
    }

    [Fact]
    public void A_record_taken_out_of_the_middle_or_with_its_signature_lines_reordered_is_found()
    {
        var records = Records();
        foreach (var removed in new[] { 1, 2, 3, 4 })
        {
            WriteRecords(records.Where((_, i) => i != removed));
            Assert.Null(Check($"record {removed + 1} taken out"));
        }

        // Record 3 repeats record 2 with the court's cosignature in front: swap its two signature lines.
        var text = Encoding.UTF8.GetString(records[2].Bytes[4..]);
        var lines = text.Split('\n');
        var signatures = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith('\u2014')).Select(x => x.i).ToArray();
        Assert.Equal(2, signatures.Length);
        (lines[signatures[0]], lines[signatures[1]]) = (lines[signatures[1]], lines[signatures[0]]);
        var swapped = Encoding.UTF8.GetBytes(string.Join('\n', lines));
        WriteRecords(records.Select((r, i) => i == 2 ? new Record(r.Offset, [.. r.Bytes[..4], .. swapped]) : r));
        Assert.Null(Check("record 3's signature lines swapped"));

        // A second line under the log's own name on a new checkpoint.
        var first = Encoding.UTF8.GetString(records[1].Bytes[4..]);
        var extra = Encoding.UTF8.GetBytes(first + "\u2014 inspection.example.org/log " + Convert.ToBase64String(new byte[68]) + "\n");
        WriteRecords(records.Select((r, i) => i == 1 ? new Record(r.Offset, [(byte)(extra.Length >> 24), (byte)(extra.Length >> 16), (byte)(extra.Length >> 8), (byte)extra.Length, .. extra]) : r));
        Assert.Null(Check("a bogus signature line on record 2"));
    }

    [Fact]
    public void Zeros_past_the_last_record_are_an_unacknowledged_tail_the_writer_removes()
    {
        using (var file = new FileStream(Path.Combine(LogDir, "checkpoints"), FileMode.Append)) file.Write(new byte[4096]);
        var report = EvidenceLog.Verify(LogDir);
        Assert.Empty(report.Problems);
        Assert.Contains(report.Notes, n => n.EndsWith("are zeros (an append whose data never reached the disk, never acknowledged; the next writer removes them)", StringComparison.Ordinal));
        using (var writer = EvidenceLog.OpenWriter(LogDir, KeyFile)) writer.Append([EvidenceLogTests.Entry(9)]);
        var after = EvidenceLog.Verify(LogDir);
        Assert.Empty(after.Problems);
        Assert.Empty(after.Notes);
        Assert.Equal(6, after.Size);
    }

    [Fact]
    public async Task A_pipe_or_a_link_in_place_of_a_file_is_named_without_waiting_on_it()
    {
        Requires();
        foreach (var name in EvidenceFiles)
        {
            var path = Path.Combine(LogDir, name);
            var original = File.ReadAllBytes(path);
            File.Delete(path);
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", path)) mkfifo.WaitForExit();
            var report = await Task.Run(() => EvidenceLog.Verify(LogDir), TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
            Assert.Contains($"{name}: not a plain file (a pipe, socket or device)", report.Problems);
            File.Delete(path);
            File.WriteAllBytes(Path.Combine(_dir, name + ".elsewhere"), original);
            File.CreateSymbolicLink(path, Path.Combine(_dir, name + ".elsewhere"));
            Assert.Contains(EvidenceLog.Verify(LogDir).Problems, p => p.StartsWith($"{name}: a symbolic link to ", StringComparison.Ordinal));
            File.Delete(path);
            File.WriteAllBytes(path, original);
        }
        Assert.Empty(EvidenceLog.Verify(LogDir).Problems);

        static void Requires() => MinerWatch.Tests.Requires.That(OperatingSystem.IsLinux(), "pipes and statx need Linux", "run the tests on Linux");
    }

    [Fact]
    public async Task Readers_beside_a_writer_adding_cosignatures_of_new_witnesses_always_see_a_valid_log()
    {
        using var writer = EvidenceLog.OpenWriter(LogDir, KeyFile);
        var done = false;
        var seen = new List<string>();
        var reader = Task.Run(() =>
        {
            while (!Volatile.Read(ref done))
            {
                var report = EvidenceLog.Verify(LogDir);
                lock (seen) seen.AddRange(report.Problems);
            }
        }, TestContext.Current.CancellationToken);
        for (var i = 0; i < 15; i++)
        {
            using var witness = SignerKey.Generate($"w{i}.example/witness", VerifierKey.Cosignature);
            writer.Append([EvidenceLogTests.Entry(100 + i)]);
            writer.AddCosignature(new Witness(witness, Path.Combine(_dir, $"w{i}.state")).Cosign(writer.Latest, writer.Consistency, writer.Key, Now), witness.Verifier);
        }
        Volatile.Write(ref done, true);
        await reader;
        Assert.Empty(seen);
    }

    [Fact]
    public void A_record_repeating_a_witness_cosignature_is_refused_and_zeros_beyond_one_append_are_damage()
    {
        var records = Records();
        // Record 6 holds the court's cosignature of record 5: append it again with the same line in front once more.
        var last = Encoding.UTF8.GetString(records[5].Bytes[4..]);
        var cosignature = last.Split('\n').First(l => l.StartsWith("\u2014 court.example/witness ", StringComparison.Ordinal));
        var split = last.LastIndexOf("\n\n", StringComparison.Ordinal) + 2;
        var forged = Encoding.UTF8.GetBytes(last[..split] + cosignature + "\n" + last[split..]);
        WriteRecords([.. records, new Record(0, [(byte)(forged.Length >> 24), (byte)(forged.Length >> 16), (byte)(forged.Length >> 8), (byte)forged.Length, .. forged])]);
        Assert.Null(Check("a cosignature repeated"));
        Assert.Contains(EvidenceLog.Verify(LogDir).Problems, p => p.EndsWith("adds a second cosignature by court.example/witness, which record 6 already holds (a witness cosigns a checkpoint once)", StringComparison.Ordinal));

        WriteRecords(records);
        using (var file = new FileStream(Path.Combine(LogDir, "checkpoints"), FileMode.Append)) file.SetLength(file.Length + (1 << 20));
        Assert.Null(Check("a megabyte of zeros after the last record"));
    }

    [Fact]
    public void Verify_since_an_earlier_cosigned_checkpoint_finds_its_cosignature_removed()
    {
        var records = Records();
        var cosigned = SignedNote.Parse(Encoding.UTF8.GetString(records[2].Bytes[4..]));
        Assert.Empty(EvidenceLog.Verify(LogDir, cosigned).Problems);
        // Records 3 to 6 removed, `checkpoint` set back to record 2: consistent in itself, but the cosignature is gone.
        WriteRecords(records.Take(2));
        File.WriteAllBytes(Path.Combine(LogDir, "checkpoint"), records[1].Bytes[4..]);
        Assert.Contains("the earlier checkpoint (size 2) carried a signature by court.example/witness that the log no longer holds: a cosignature record was removed", EvidenceLog.Verify(LogDir, cosigned).Problems);
    }

    [Fact]
    public void A_damaged_config_or_checkpoints_still_lets_verify_name_an_edited_entry()
    {
        var entries = Path.Combine(LogDir, "entries");
        var bytes = File.ReadAllBytes(entries);
        bytes[10] ^= 1;
        File.WriteAllBytes(entries, bytes);
        File.AppendAllText(Path.Combine(LogDir, "config.json"), " ");
        var problems = EvidenceLog.Verify(LogDir).Problems;
        Assert.Contains(problems, p => p.StartsWith("config.json: ", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("entries: entry 0 at byte 0: its content does not match its stored leaf hash", StringComparison.Ordinal));

        File.WriteAllBytes(Path.Combine(LogDir, "config.json"), File.ReadAllBytes(Path.Combine(LogDir, "config.json"))[..^1]);
        File.Delete(Path.Combine(LogDir, "checkpoints"));
        problems = EvidenceLog.Verify(LogDir).Problems;
        Assert.Contains("checkpoints: missing", problems);
        Assert.Contains(problems, p => p.StartsWith("entries: entry 0 at byte 0: its content does not match its stored leaf hash", StringComparison.Ordinal));
    }
}
