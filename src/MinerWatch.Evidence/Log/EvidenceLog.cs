using System.Buffers.Binary;
using System.Text;
using MinerWatch.Evidence.Merkle;
using MinerWatch.Evidence.Notes;

namespace MinerWatch.Evidence.Log;

/// <summary>
/// An append-only Merkle tree log in a directory (RFC 9162 hashing, C2SP signed checkpoints):
/// <list type="bullet">
/// <item>`config.json`: the origin, the log's verifier key and the verifier keys of its witnesses;</item>
/// <item>`entries`: the leaves' data as length-prefixed records, and `entries.idx` the offset of each;</item>
/// <item>`hashes`: every complete subtree's hash, 32 bytes each, in the order leaves complete them;</item>
/// <item>`checkpoints`: every signed checkpoint, length-prefixed, and again with each cosignature a witness adds;</item>
/// <item>`checkpoint`: the last of them as text (the log's latest acknowledged state); `lock`: the writers' lock.</item>
/// </list>
/// <para>
/// Reading (<see cref="Open"/>, <see cref="Verify(string)"/>) never writes, creates, truncates or renames a file, so
/// a log on read-only media can be audited. Writing (<see cref="Init"/>, <see cref="OpenWriter"/>) holds an
/// exclusive OS lock for as long as the writer is open, audits the whole log first and refuses a damaged one.
/// </para>
/// <para>
/// An append writes and syncs the entries, offsets and hashes, then appends the signed checkpoint and syncs it,
/// then replaces `checkpoint`: only then does it return. A crash can therefore leave only bytes past the last whole
/// checkpoint record, which no checkpoint covers and nobody was told of; the next writer removes exactly those and
/// nothing else. A writer instance is not thread-safe; readers may run while a writer appends.
/// </para>
/// </summary>
public sealed class EvidenceLog : IDisposable
{
    /// <summary>How long a writer waits for another writer to finish before giving up.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(60);

    private readonly string _dir;
    private readonly WriterLock? _lock;
    private readonly SignerKey? _signer;
    private LogConfig _config;
    private RightEdge _rightEdge = new();
    /// <summary>The last record of `checkpoints`, which the next checkpoint names (a writer's only).</summary>
    private byte[] _lastRecord = [];

    public string Origin => _config.Origin;
    public VerifierKey Key => _config.Key;
    public long Size { get; private set; }
    /// <summary>The latest acknowledged checkpoint, with every cosignature the log holds for it.</summary>
    public SignedNote Latest { get; private set; }

    private EvidenceLog(string dir, LogConfig config, SignedNote latest, long size, WriterLock? writerLock, SignerKey? signer)
    {
        _dir = dir;
        _config = config;
        Latest = latest;
        Size = size;
        _lock = writerLock;
        _signer = signer;
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>Creates an empty log signed by the key in <paramref name="keyFile"/>, with its first checkpoint (size 0); returns it open for writing.</summary>
    public static EvidenceLog Init(string dir, string origin, string keyFile)
    {
        if (string.IsNullOrWhiteSpace(origin) || origin.Contains('\n')) throw new EvidenceLogException("the origin must be one non-empty line, e.g. inspection.example.org/log");
        var signer = ReadSigner(keyFile);
        try
        {
            if (signer.Type != VerifierKey.Ed25519)
                throw new EvidenceLogException($"{keyFile} is a witness's cosigning key (type 0x04), which cannot sign a log's checkpoints; make a log key with 'evidence keygen' without --witness");
            Directory.CreateDirectory(dir);
            var writerLock = WriterLock.Acquire(Path.Combine(dir, LogFile.Lock), DefaultWait);
            try
            {
                if (File.Exists(Path.Combine(dir, LogFile.Config))) throw new EvidenceLogException($"{dir} already holds a log");
                if (LogFile.Data.Append(LogFile.Checkpoint).FirstOrDefault(n => File.Exists(Path.Combine(dir, n))) is { } found)
                    throw new EvidenceLogException($"{dir} holds a log's {found} but no {LogFile.Config}: refusing to overwrite what may be evidence; use an empty directory");
                var config = new LogConfig(origin, signer.Verifier, []);
                foreach (var name in LogFile.Data) File.WriteAllBytes(Path.Combine(dir, name), []);
                var log = new EvidenceLog(dir, config, null!, 0, writerLock, signer);
                log.Commit(SignedNote.Sign(new Checkpoint(origin, 0, Hash.Empty).Body, signer));
                // The config comes last: a directory without it is not a log, so an init cut short is never taken for one.
                log.WriteConfig(config);
                return log;
            }
            catch
            {
                writerLock.Dispose();
                throw;
            }
        }
        catch
        {
            signer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a log to read: its latest acknowledged checkpoint, entries and proofs. Checks the state it serves (the
    /// checkpoints, and that the stored tree's right edge has the latest root) but not every entry: that is
    /// <see cref="Verify(string)"/>. Writes nothing.
    /// </summary>
    public static EvidenceLog Open(string dir)
    {
        LogConfig.Read(dir);
        var problems = new List<string>();
        var state = LogAudit.ReadState(dir, problems, []);
        if (state?.Published is not { } published || problems.Count > 0) throw Damaged(dir, problems);
        var log = new EvidenceLog(dir, state.Config, published.Note, published.Checkpoint.Size, null, null);
        log.CheckTail(published.Checkpoint);
        return log;
    }

    /// <summary>
    /// Opens a log to append, as its only writer: waits up to <paramref name="wait"/> for the lock, audits the whole
    /// log and refuses it if anything is wrong, then removes what an interrupted append left past the last checkpoint.
    /// <paramref name="keyFile"/> is the log's signing key; without it the writer can only add cosignatures.
    /// </summary>
    public static EvidenceLog OpenWriter(string dir, string? keyFile, TimeSpan? wait = null)
    {
        LogConfig.Read(dir);
        var signer = keyFile is null ? null : ReadSigner(keyFile);
        WriterLock? writerLock = null;
        try
        {
            writerLock = WriterLock.Acquire(Path.Combine(dir, LogFile.Lock), wait ?? DefaultWait);
            var audit = LogAudit.Run(dir, out var read);
            if (!audit.Valid || read is not { } state) throw Damaged(dir, [.. audit.Problems]);
            if (signer is not null && signer.Verifier.ToString() != state.Config.Key.ToString())
                throw new EvidenceLogException($"the key in {keyFile} ({signer.Verifier}) is not the log's key {state.Config.Key}");
            var last = state.Records[^1];
            var log = new EvidenceLog(dir, state.Config, state.Published!.Note, last.Checkpoint.Size, writerLock, signer);
            log.Recover(state);
            return log;
        }
        catch
        {
            writerLock?.Dispose();
            signer?.Dispose();
            throw;
        }
    }

    private static EvidenceLogException Damaged(string dir, List<string> problems) => new(
        $"the log in {dir} is damaged, so nothing was done: {string.Join("; ", problems.Take(5))}{(problems.Count > 5 ? $"; and {problems.Count - 5} more" : "")}. Run 'evidence verify --log {dir}' for the full list");

    /// <summary>
    /// Removes only what no checkpoint covers: a checkpoint record cut short, and entries, offsets and hashes past
    /// the last whole record's size. A record signed but not published is published.
    /// </summary>
    private void Recover(LogState state)
    {
        // Checked before anything is cut: a directory where a writer's temporary file goes would stop it halfway.
        foreach (var temp in new[] { LogFile.CheckpointTemp, LogFile.ConfigTemp })
            if (Directory.Exists(PathOf(temp))) throw new EvidenceLogException($"{temp} in {_dir} is a directory, where a writer puts a temporary file: remove it");
        var last = state.Records[^1];
        _lastRecord = Encoding.UTF8.GetBytes(last.Raw);
        Truncate(LogFile.Checkpoints, state.CheckpointsEnd);
        Truncate(LogFile.Index, Size * 8);
        Truncate(LogFile.Entries, Size == 0 ? 0 : EndOfEntry(Size - 1));
        Truncate(LogFile.Hashes, StoredHashIndex.Count(Size) * Hash.Size);
        foreach (var temp in new[] { LogFile.CheckpointTemp, LogFile.ConfigTemp }) File.Delete(PathOf(temp));
        if (!ReferenceEquals(last, state.Published)) Publish(last.Note);
        LoadRightEdge();
    }

    /// <summary>The latest checkpoint's tree is what the stored hashes give; every file reaches as far as it covers.</summary>
    private void CheckTail(Checkpoint latest)
    {
        var problems = new List<string>();
        foreach (var name in new[] { LogFile.Entries, LogFile.Index, LogFile.Hashes }) LogAudit.RegularFile(PathOf(name), problems);
        if (problems.Count > 0) throw Damaged(_dir, problems);
        try
        {
            Need(LogFile.Index, Size * 8);
            Need(LogFile.Hashes, StoredHashIndex.Count(Size) * Hash.Size);
            Need(LogFile.Entries, 0);
            if (problems.Count == 0 && Size > 0)
            {
                var (start, length) = Locate(Size - 1);
                Need(LogFile.Entries, start + 4 + length);
                if (problems.Count == 0 && TreeHash.Leaf(Entry(Size - 1)) != ReadHash(0, Size - 1))
                    problems.Add($"{LogFile.Entries}: the last entry ({Size - 1}) does not match its stored leaf hash");
            }
            if (problems.Count == 0)
            {
                LoadRightEdge();
                if (_rightEdge.Root() != latest.Root) problems.Add($"{LogFile.Hashes}: the stored tree's root is not the latest checkpoint's (size {Size})");
            }
        }
        catch (Exception e) when (e is EvidenceLogException or IOException)
        {
            problems.Add(e.Message);
        }
        if (problems.Count > 0) throw Damaged(_dir, problems);

        void Need(string name, long length)
        {
            var actual = new FileInfo(PathOf(name)) is { Exists: true } f ? f.Length : -1;
            if (actual < length) problems.Add(actual < 0 ? $"{name}: missing" : $"{name}: {actual} bytes, but the latest checkpoint (size {Size}) needs {length}: truncated");
        }
    }

    private Hash ReadHash(int level, long index)
    {
        using var handle = File.OpenHandle(PathOf(LogFile.Hashes));
        return new FileHashes(handle).Read(level, index);
    }

    private long EndOfEntry(long index)
    {
        var (start, length) = Locate(index);
        return start + 4 + length;
    }

    /// <summary>Where entry <paramref name="index"/>'s record starts in `entries`, and its data's length.</summary>
    private (long Start, uint Length) Locate(long index)
    {
        using var idx = File.OpenHandle(PathOf(LogFile.Index));
        Span<byte> offset = stackalloc byte[8];
        if (RandomAccess.Read(idx, offset, index * 8) < 8) throw new EvidenceLogException($"{LogFile.Index}: ends before entry {index}'s offset; run 'evidence verify'");
        using var entries = File.OpenHandle(PathOf(LogFile.Entries));
        Span<byte> length = stackalloc byte[4];
        var stored = BinaryPrimitives.ReadUInt64BigEndian(offset);
        if (stored > (ulong)RandomAccess.GetLength(entries)) throw new EvidenceLogException($"{LogFile.Index}: entry {index}'s offset {stored} is past the end of {LogFile.Entries}; run 'evidence verify'");
        var start = (long)stored;
        if (RandomAccess.Read(entries, length, start) < 4) throw new EvidenceLogException($"{LogFile.Entries}: entry {index} (at byte {start}) is cut short; run 'evidence verify'");
        var declared = BinaryPrimitives.ReadUInt32BigEndian(length);
        if (declared > Records.MaxRecord) throw new EvidenceLogException($"{LogFile.Entries}: entry {index} (at byte {start}) declares {declared} bytes, more than any entry; run 'evidence verify'");
        return (start, declared);
    }

    private void Truncate(string name, long length)
    {
        using var file = new FileStream(PathOf(name), FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        if (file.Length > length) file.SetLength(length);
    }

    private void LoadRightEdge()
    {
        using var handle = File.OpenHandle(PathOf(LogFile.Hashes));
        _rightEdge = RightEdge.Of(new FileHashes(handle), Size);
    }

    private static SignerKey ReadSigner(string keyFile)
    {
        if (!File.Exists(keyFile)) throw new EvidenceLogException($"signing key {keyFile} does not exist");
        return SignerKey.Parse(File.ReadAllText(keyFile));
    }

    private SignerKey Writer(string what) =>
        _lock is null ? throw new InvalidOperationException($"the log was opened to read; open it with {nameof(OpenWriter)} to {what}")
        : _signer ?? throw new EvidenceLogException($"the log's signing key is needed to {what}");

    /// <summary>
    /// Appends the entries and signs a checkpoint that covers them; returns their indices. All or nothing: the entries
    /// count only once the checkpoint is written, and a failure before that leaves the log as it was.
    /// </summary>
    public IReadOnlyList<long> Append(IReadOnlyList<byte[]> entries)
    {
        var signer = Writer("append");
        if (entries.Count == 0) return [];
        if (entries.FirstOrDefault(e => e.Length > Records.MaxRecord) is { } large)
            throw new EvidenceLogException($"an entry of {large.Length:N0} bytes is larger than the {Records.MaxRecord:N0} a log entry may hold; log a record of the file (without --raw) instead");
        var first = Size;
        // Worked on a copy, adopted only once the checkpoint is written.
        var edge = _rightEdge.Clone();
        using (var data = new FileStream(PathOf(LogFile.Entries), FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 20))
        using (var index = new FileStream(PathOf(LogFile.Index), FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16))
        using (var hashes = new FileStream(PathOf(LogFile.Hashes), FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16))
        {
            Span<byte> offset = stackalloc byte[8];
            Span<byte> hashBytes = stackalloc byte[Hash.Size];
            Span<Hash> stored = stackalloc Hash[RightEdge.MaxStored];
            foreach (var entry in entries)
            {
                BinaryPrimitives.WriteUInt64BigEndian(offset, (ulong)data.Position);
                index.Write(offset);
                Records.Write(data, entry);
                foreach (var node in stored[..edge.Push(TreeHash.Leaf(entry), stored)])
                {
                    node.CopyTo(hashBytes);
                    hashes.Write(hashBytes);
                }
            }
            data.Flush(flushToDisk: true);
            index.Flush(flushToDisk: true);
            hashes.Flush(flushToDisk: true);
        }
        Commit(SignedNote.Sign(new Checkpoint(Origin, edge.Size, edge.Root(), [LogAudit.Prev(_lastRecord)]).Body, signer));
        _rightEdge = edge;
        return [.. Enumerable.Range(0, entries.Count).Select(i => first + i)];
    }

    /// <summary>Appends a signed checkpoint record, then publishes it as `checkpoint`.</summary>
    private void Commit(SignedNote note)
    {
        var record = Encoding.UTF8.GetBytes(note.ToString());
        using (var checkpoints = new FileStream(PathOf(LogFile.Checkpoints), FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            Records.Write(checkpoints, record);
            checkpoints.Flush(flushToDisk: true);
        }
        _lastRecord = record;
        Publish(note);
    }

    private void Publish(SignedNote note)
    {
        ReplaceFile(LogFile.Checkpoint, LogFile.CheckpointTemp, Encoding.UTF8.GetBytes(note.ToString()));
        Size = Checkpoint.Parse(note.Text).Size;
        Latest = note;
    }

    private void WriteConfig(LogConfig config)
    {
        ReplaceFile(LogFile.Config, LogFile.ConfigTemp, config.ToJson());
        _config = config;
    }

    private void ReplaceFile(string name, string temp, byte[] content)
    {
        using (var file = new FileStream(PathOf(temp), FileMode.Create, FileAccess.Write))
        {
            file.Write(content);
            file.Flush(flushToDisk: true);
        }
        File.Move(PathOf(temp), PathOf(name), overwrite: true);
    }

    /// <summary>
    /// Keeps a witness's cosignature of the latest checkpoint: checks it with <paramref name="witness"/>'s key, lists
    /// that key in config.json, and appends the checkpoint again with the cosignature to `checkpoints`, so every
    /// cosignature ever given stays in the log and `verify` checks it. Proofs made from the latest checkpoint carry it.
    /// </summary>
    public void AddCosignature(NoteSignature cosignature, VerifierKey witness)
    {
        if (_lock is null) throw new InvalidOperationException($"the log was opened to read; open it with {nameof(OpenWriter)} to add a cosignature");
        if (witness.Type != VerifierKey.Cosignature) throw new EvidenceLogException($"{witness} is not a witness's cosignature key (type 0x04)");
        if (cosignature.Name != witness.Name || cosignature.Id != witness.Id)
            throw new EvidenceLogException($"the cosignature is by {cosignature.Name} ({cosignature.Id:x8}), not by the witness key given ({witness.Name}, {witness.Id:x8})");
        var size = Checkpoint.Parse(Latest.Text).Size;
        if (!ProofVerifier.IsCosignedBy(Latest with { Signatures = [cosignature] }, witness))
            throw new EvidenceLogException($"the cosignature by {witness.Name} does not verify against the log's latest checkpoint (size {size}); a witness must cosign the checkpoint the log holds now");
        if (Latest.Signatures.Any(s => s.Name == witness.Name && s.Id == witness.Id))
            throw new EvidenceLogException($"the latest checkpoint (size {size}) already holds a cosignature by {witness.Name}");
        if (_config.Witnesses.FirstOrDefault(w => w.Name == witness.Name && w.Id == witness.Id) is { } known)
        {
            if (known.ToString() != witness.ToString()) throw new EvidenceLogException($"the log knows {witness.Name} ({witness.Id:x8}) by another key");
        }
        else WriteConfig(_config with { Witnesses = [.. _config.Witnesses, witness] });
        // The new cosignature goes first, so the record before (same text, fewer signatures) is never a prefix of
        // this one: `checkpoint` cut short can then never read as the earlier record.
        var cosigned = Latest with { Signatures = [cosignature, .. Latest.Signatures] };
        Commit(cosigned);
    }

    public byte[] Entry(long index)
    {
        if (index < 0 || index >= Size) throw new EvidenceLogException($"entry {index} is not in the log (size {Size})");
        var (start, length) = Locate(index);
        var data = new byte[length];
        using var entries = File.OpenHandle(PathOf(LogFile.Entries));
        if (RandomAccess.Read(entries, data, start + 4) < length) throw new EvidenceLogException($"{LogFile.Entries}: entry {index} (at byte {start}) is cut short; run 'evidence verify'");
        return data;
    }

    public List<Hash> Inclusion(long index, long size)
    {
        if (size > Size) throw new EvidenceLogException($"the log has {Size} entries, not {size}");
        if (index < 0 || index >= size) throw new EvidenceLogException($"entry {index} is not in a tree of {size}");
        using var handle = File.OpenHandle(PathOf(LogFile.Hashes));
        return Proofs.Inclusion(new FileHashes(handle), index, size);
    }

    public List<Hash> Consistency(long from, long to)
    {
        if (to > Size) throw new EvidenceLogException($"the log has {Size} entries, not {to}");
        if (from < 1 || from > to) throw new EvidenceLogException($"a consistency proof goes from a size of at least 1 to one no smaller ({from} to {to})");
        using var handle = File.OpenHandle(PathOf(LogFile.Hashes));
        return Proofs.Consistency(new FileHashes(handle), from, to);
    }

    public Hash Root(long size)
    {
        using var handle = File.OpenHandle(PathOf(LogFile.Hashes));
        return Proofs.Root(new FileHashes(handle), size);
    }

    /// <summary>
    /// Full audit from the stored bytes alone (see <see cref="AuditReport"/>): every leaf and subtree hash recomputed
    /// from the entries, every offset, every checkpoint record's signature, origin, cosignatures and root against the
    /// tree at its size, sizes never going back, one root per size, `checkpoint` the latest record. Writes nothing.
    /// </summary>
    public static AuditReport Verify(string dir) => LogAudit.Run(dir);

    /// <summary>
    /// The full audit, and also against a checkpoint the auditor holds from before (<paramref name="since"/>): the log
    /// must still contain that tree. A log restored from an older copy, or rewritten, fails here even when it is
    /// consistent in itself.
    /// </summary>
    public static AuditReport Verify(string dir, SignedNote since)
    {
        var report = LogAudit.Run(dir, out var state);
        var problems = report.Problems.ToList();
        EvidenceLog log;
        try
        {
            log = Open(dir);
        }
        catch (EvidenceLogException e)
        {
            if (report.Valid) problems.Add(e.Message);
            return report with { Problems = problems };
        }
        if (!since.IsSignedBy(log.Key)) problems.Add($"the earlier checkpoint is not signed by the log's key {log.Key}");
        var earlier = Checkpoint.Parse(since.Text);
        if (earlier.Origin != log.Origin) problems.Add($"the earlier checkpoint is for '{earlier.Origin}', not this log's '{log.Origin}'");
        if (earlier.Size > log.Size) problems.Add($"the log was rolled back: it holds {log.Size} entries, but an earlier checkpoint covered {earlier.Size}");
        else if (log.Root(earlier.Size) != earlier.Root) problems.Add($"the log forked or was rewritten: its tree of {earlier.Size} entries is not the one the earlier checkpoint signed");
        else
        {
            // Every checkpoint the log signed stays a record of it, with every cosignature it was given.
            var kept = (state?.Records ?? []).Where(r => r.Note.Text == since.Text).SelectMany(r => r.Note.Signatures).ToList();
            if (kept.Count == 0) problems.Add($"the earlier checkpoint (size {earlier.Size}) is no longer a record of {LogFile.Checkpoints}: a record was removed");
            else
            {
                foreach (var signature in since.Signatures.Where(s => !kept.Contains(s, LogAudit.SignatureComparer.Instance)))
                    problems.Add($"the earlier checkpoint (size {earlier.Size}) carried a signature by {signature.Name} that the log no longer holds: a cosignature record was removed");
            }
        }
        return report with { Problems = problems };
    }

    /// <summary>Releases the writers' lock (a reader holds none).</summary>
    public void Dispose()
    {
        _signer?.Dispose();
        _lock?.Dispose();
    }
}
