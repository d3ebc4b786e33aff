namespace MinerWatch.Cli.Tests;

public sealed class EvidenceCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"evidence-cli-{Guid.NewGuid():N}");

    public EvidenceCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string At(string name) => Path.Combine(_dir, name);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string NewLog()
    {
        var (code, vkey, _) = Run("evidence", "keygen", "--name", "inspection.example.org/log", "--out", At("log.key"));
        Assert.Equal(0, code);
        Assert.Equal(0, Run("evidence", "init", "--log", At("log"), "--origin", "inspection.example.org/log", "--key", At("log.key")).Code);
        return vkey.Trim();
    }

    [Fact]
    public void Keygen_writes_an_owner_only_key_and_prints_the_verifier_key()
    {
        var vkey = NewLog();
        Assert.Matches(@"^inspection\.example\.org/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$", vkey);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(At("log.key")));
        var (code, _, err) = Run("evidence", "keygen", "--name", "x", "--out", At("log.key"));
        Assert.Equal(2, code);
        Assert.Contains("exists; refusing to overwrite a key", err);
    }

    [Fact]
    public void Add_prove_and_verify_proof_round_trip_and_a_changed_file_fails()
    {
        var vkey = NewLog();
        File.WriteAllText(At("extract.csv"), "meter_id,timestamp,kwh\nM1,2026-01-01T00:00:00Z,1.5\n");
        var (code, added, _) = Run("evidence", "add", "--log", At("log"), "--key", At("log.key"), At("extract.csv"), "--case", "GD-1");
        Assert.Equal(0, code);
        Assert.Equal("0\textract.csv\n", added.ReplaceLineEndings("\n"));
        Assert.Equal(0, Run("evidence", "prove", "--log", At("log"), "--index", "0", "--out", At("p.tlog-proof")).Code);
        Assert.StartsWith("c2sp.org/tlog-proof@v1\nextra ", File.ReadAllText(At("p.tlog-proof")));

        var (ok, valid, _) = Run("evidence", "verify-proof", "--vkey", vkey, At("p.tlog-proof"), At("extract.csv"));
        Assert.Equal(0, ok);
        Assert.Equal("valid: entry 0 is in the log's checkpoint of size 1", valid.Trim());

        File.AppendAllText(At("extract.csv"), "M1,2026-01-01T01:00:00Z,0.1\n");
        var (bad, message, _) = Run("evidence", "verify-proof", "--vkey", vkey, At("p.tlog-proof"), At("extract.csv"));
        Assert.Equal(2, bad);
        Assert.Contains("NOT valid: the file's SHA-256 is", message);
        Assert.Contains("the file was changed", message);
    }

    [Fact]
    public void Verify_names_an_edited_entry_and_exits_2()
    {
        NewLog();
        File.WriteAllText(At("a.txt"), "finding A");
        Run("evidence", "add", "--log", At("log"), "--key", At("log.key"), "--raw", At("a.txt"));
        var entries = At("log/entries");
        File.WriteAllText(entries, File.ReadAllText(entries).Replace("finding A", "finding B"));

        var (code, output, _) = Run("evidence", "verify", "--log", At("log"));
        Assert.Equal(2, code);
        Assert.Contains("entries: entry 0 at byte 0: its content does not match its stored leaf hash (hashes byte 0): edited, reordered or replaced, or the hash was", output);
    }

    [Theory]
    [InlineData("not a proof\n", "error: a proof starts with the line c2sp.org/tlog-proof@v1")]
    [InlineData("c2sp.org/tlog-proof@v1\nindex 01\n\nx\n", "error: the proof's index '01' is not a decimal number without leading zeros")]
    [InlineData("c2sp.org/tlog-proof@v1\nindex 0\nnot-base64\n\nx\n", "error: proof line 3 is not a 32-byte base64 hash")]
    public void Malformed_proofs_are_refused_naming_what_is_wrong(string proof, string message)
    {
        var vkey = NewLog();
        File.WriteAllText(At("bad.tlog-proof"), proof);
        File.WriteAllText(At("f.txt"), "x");
        var (code, _, err) = Run("evidence", "verify-proof", "--vkey", vkey, At("bad.tlog-proof"), At("f.txt"));
        Assert.Equal(2, code);
        Assert.Equal(message, err.Trim());
    }

    [Fact]
    public void A_malformed_verifier_key_is_refused()
    {
        NewLog();
        File.WriteAllText(At("f.txt"), "x");
        Run("evidence", "add", "--log", At("log"), "--key", At("log.key"), At("f.txt"));
        Run("evidence", "prove", "--log", At("log"), "--index", "0", "--out", At("p.tlog-proof"));
        var (code, _, err) = Run("evidence", "verify-proof", "--vkey", "inspection.example.org/log+zz+AAAA", At("p.tlog-proof"), At("f.txt"));
        Assert.Equal(2, code);
        Assert.Equal("error: verifier key inspection.example.org/log: the key hash 'zz' is not 8 hex digits", err.Trim());
    }

    [Fact]
    public void A_witness_reads_the_log_without_writing_and_the_operator_keeps_its_cosignature()
    {
        var vkey = NewLog();
        File.WriteAllText(At("f.txt"), "finding");
        Run("evidence", "add", "--log", At("log"), "--key", At("log.key"), At("f.txt"));
        var (_, wkey, _) = Run("evidence", "keygen", "--name", "court.example/witness", "--out", At("court.key"), "--witness");
        var before = Snapshot(At("log"));

        var (code, line, err) = Run("evidence", "witness", "--log", At("log"), "--key", At("court.key"), "--state", At("court.state"), "--log-vkey", vkey, "--out", At("cosig"));
        Assert.True(code == 0, err);
        Assert.Equal(before, Snapshot(At("log")));
        Assert.StartsWith("\u2014 court.example/witness ", File.ReadAllText(At("cosig")));
        Assert.Equal(2, Run("evidence", "witness", "--log", At("log"), "--key", At("court.key"), "--state", At("log/court.state")).Code);

        (code, var checkpoint, err) = Run("evidence", "cosign", "--log", At("log"), "--witness-vkey", wkey.Trim(), At("cosig"));
        Assert.True(code == 0, err);
        Assert.Contains("\u2014 court.example/witness ", checkpoint);
        var (_, verified, _) = Run("evidence", "verify", "--log", At("log"));
        Assert.StartsWith("valid: 1 entries, every hash, checkpoint and cosignature checks out; latest root ", verified);
        Assert.Contains(", cosigned by 1 witness", verified);

        // A second add keeps the cosignature in the log's history; a proof of the new checkpoint needs a new one.
        File.WriteAllText(At("g.txt"), "finding 2");
        Run("evidence", "add", "--log", At("log"), "--key", At("log.key"), At("g.txt"));
        Assert.Contains("court.example/witness", File.ReadAllText(At("log/checkpoints")));
        (code, _, err) = Run("evidence", "cosign", "--log", At("log"), "--witness-vkey", wkey.Trim(), At("cosig"));
        Assert.Equal(2, code);
        Assert.Equal("error: the cosignature by court.example/witness does not verify against the log's latest checkpoint (size 2); a witness must cosign the checkpoint the log holds now", err.Trim());
    }

    [Fact]
    public void Verify_of_a_damaged_log_exits_2_and_changes_nothing_and_add_refuses_it()
    {
        NewLog();
        foreach (var name in new[] { "a.txt", "b.txt", "c.txt", "d.txt", "e.txt" })
        {
            File.WriteAllText(At(name), name);
            Assert.Equal(0, Run("evidence", "add", "--log", At("log"), "--key", At("log.key"), At(name)).Code);
        }
        var path = At("log/checkpoints");
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        var before = Snapshot(At("log"));

        var (code, output, _) = Run("evidence", "verify", "--log", At("log"));
        Assert.Equal(2, code);
        Assert.StartsWith("NOT valid:\n  checkpoints: ", output.ReplaceLineEndings("\n"));
        Assert.Equal(before, Snapshot(At("log")));
        (code, _, var err) = Run("evidence", "add", "--log", At("log"), "--key", At("log.key"), At("a.txt"));
        Assert.Equal(2, code);
        Assert.StartsWith($"error: the log in {At("log")} is damaged, so nothing was done: checkpoints: ", err);
        Assert.Equal(before, Snapshot(At("log")));
    }

    [Fact]
    public void Init_refuses_a_witness_key_and_record_needs_its_key()
    {
        Run("evidence", "keygen", "--name", "court.example/witness", "--out", At("court.key"), "--witness");
        var (code, _, err) = Run("evidence", "init", "--log", At("log"), "--origin", "x.example/log", "--key", At("court.key"));
        Assert.Equal(2, code);
        Assert.Equal($"error: {At("court.key")} is a witness's cosigning key (type 0x04), which cannot sign a log's checkpoints; make a log key with 'evidence keygen' without --witness", err.Trim());
        Assert.False(Directory.Exists(At("log")));

        File.WriteAllText(At("c.pcap"), "");
        (code, _, err) = Run("net", "scan", At("c.pcap"), "--record", At("log"));
        Assert.Equal(2, code);
        Assert.StartsWith("error: --record needs --record-key, the log's signing key", err);
    }

    private static string Snapshot(string dir) => string.Join("\n", Directory.GetFiles(dir).Order(StringComparer.Ordinal)
        .Select(f => $"{Path.GetFileName(f)} {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))} {File.GetLastWriteTimeUtc(f):O}"));

    [Fact]
    public void Read_commands_refuse_an_output_inside_the_log_by_any_name()
    {
        var vkey = NewLog();
        File.WriteAllText(At("f.txt"), "finding");
        Run("evidence", "add", "--log", At("log"), "--key", At("log.key"), At("f.txt"));
        Run("evidence", "keygen", "--name", "court.example/witness", "--out", At("court.key"), "--witness");
        File.CreateSymbolicLink(At("alias"), At("log"));
        using (var ln = System.Diagnostics.Process.Start("ln", [At("log/entries"), At("entries-link")])) ln.WaitForExit();
        var before = Snapshot(At("log"));

        foreach (var args in new[]
        {
            new[] { "prove", "--log", At("log"), "--index", "0", "--out", At("log/entries") },
            ["prove", "--log", At("log"), "--index", "0", "--out", At("entries-link")],
            ["prove", "--log", At("log"), "--index", "0", "--out", At("log/new-file")],
            ["prove", "--log", At("log"), "--index", "0", "--out", At("log/sub/p.proof")],
            ["witness", "--log", At("log"), "--key", At("court.key"), "--state", At("court.state"), "--log-vkey", vkey, "--out", At("alias/checkpoints")],
            ["witness", "--log", At("alias"), "--key", At("court.key"), "--state", At("log/w.state"), "--log-vkey", vkey],
        })
        {
            var (code, _, err) = Run(["evidence", .. args]);
            Assert.Equal(2, code);
            Assert.Contains("is inside the log's directory", err);
        }
        Assert.Equal(before, Snapshot(At("log")));
        Assert.False(Directory.Exists(At("log/sub")));
        Assert.False(File.Exists(At("court.state")));

        // A directory where a writer puts its temporary file stops the writer before it cuts anything.
        Directory.CreateDirectory(At("log/checkpoint.tmp"));
        var (refused, _, why) = Run("evidence", "add", "--log", At("log"), "--key", At("log.key"), At("f.txt"));
        Assert.Equal(2, refused);
        Assert.Equal($"error: checkpoint.tmp in {At("log")} is a directory, where a writer puts a temporary file: remove it", why.Trim());
    }

    [Fact]
    public void Keys_are_neither_overwritten_nor_logged_nor_kept_in_the_log_and_a_witness_counts_once()
    {
        var vkey = NewLog();
        var (_, wkey, _) = Run("evidence", "keygen", "--name", "court.example/witness", "--out", At("court.key"), "--witness");
        var key = File.ReadAllText(At("court.key"));

        var (code, _, err) = Run("evidence", "witness", "--log", At("log"), "--key", At("court.key"), "--state", At("court.state"), "--log-vkey", vkey, "--out", At("court.key"));
        Assert.Equal(2, code);
        Assert.StartsWith($"error: --out {At("court.key")} is the input file given with --key", err);
        Assert.Equal(key, File.ReadAllText(At("court.key")));

        (code, _, err) = Run("evidence", "add", "--log", At("log"), "--key", At("log.key"), "--raw", At("log.key"));
        Assert.Equal(2, code);
        Assert.Equal($"error: {At("log.key")} is a private signing key: logging it with --raw would publish it; log a record of it (without --raw), or nothing", err.Trim());

        File.Copy(At("log.key"), At("log/log.key"));
        File.WriteAllText(At("f.txt"), "x");
        (code, _, err) = Run("evidence", "add", "--log", At("log"), "--key", At("log/log.key"), At("f.txt"));
        Assert.Equal(2, code);
        Assert.StartsWith($"error: --key {At("log/log.key")} is inside the log's directory", err);
        File.Delete(At("log/log.key"));

        Run("evidence", "add", "--log", At("log"), "--key", At("log.key"), At("f.txt"));
        Run("evidence", "witness", "--log", At("log"), "--key", At("court.key"), "--state", At("court.state"), "--log-vkey", vkey, "--out", At("cosig"));
        Run("evidence", "cosign", "--log", At("log"), "--witness-vkey", wkey.Trim(), At("cosig"));
        Run("evidence", "prove", "--log", At("log"), "--index", "0", "--out", At("p.tlog-proof"));
        (code, _, err) = Run("evidence", "verify-proof", "--vkey", vkey, "--witness", wkey.Trim(), "--witness", wkey.Trim(), "--min-witnesses", "2", At("p.tlog-proof"), At("f.txt"));
        Assert.Equal(2, code);
        Assert.Equal("error: --min-witnesses 2: must be between 0 and the 1 witnesses given", err.Trim());
    }

    [Fact]
    public void Verify_takes_an_earlier_checkpoint_from_a_proof_and_a_pinned_key()
    {
        var vkey = NewLog();
        File.WriteAllText(At("f.txt"), "x");
        Run("evidence", "add", "--log", At("log"), "--key", At("log.key"), At("f.txt"));
        Run("evidence", "prove", "--log", At("log"), "--index", "0", "--out", At("p.tlog-proof"));
        Run("evidence", "add", "--log", At("log"), "--key", At("log.key"), At("f.txt"));

        var (code, output, _) = Run("evidence", "verify", "--log", At("log"), "--since", At("p.tlog-proof"), "--vkey", vkey);
        Assert.Equal(0, code);
        Assert.StartsWith("valid: 2 entries", output);

        var (_, other, _) = Run("evidence", "keygen", "--name", "inspection.example.org/log", "--out", At("other.key"));
        (code, output, _) = Run("evidence", "verify", "--log", At("log"), "--vkey", other.Trim());
        Assert.Equal(2, code);
        Assert.Contains($"the log is not signed by the key given with --vkey ({other.Trim()}): it was made, or re-made, under another key", output);
    }
}
