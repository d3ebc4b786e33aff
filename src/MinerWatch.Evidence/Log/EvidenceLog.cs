using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MinerWatch.Evidence.Merkle;
using MinerWatch.Evidence.Notes;

namespace MinerWatch.Evidence.Log;

/// <summary>
/// An append-only Merkle tree log in a directory (RFC 9162 hashing, C2SP signed checkpoints):
/// <list type="bullet">
/// <item>`config.json`: origin, the log's verifier key, the path of its signing key;</item>
/// <item>`entries`: the leaves' data as length-prefixed records, and `entries.idx` the offset of each;</item>
/// <item>`hashes`: every complete subtree's hash, 32 bytes each, in the order leaves complete them;</item>
/// <item>`checkpoints`: every signed checkpoint, length-prefixed; `checkpoint`: the latest, as text.</item>
/// </list>
/// An append writes and syncs the entries, offsets and hashes first, then appends the signed checkpoint and syncs
/// it, then replaces `checkpoint`: only then does it return. The last whole, valid record in `checkpoints` is the
/// log's state; on opening, anything written after it (an append cut short by a crash, never acknowledged) is cut
/// away. So nothing acknowledged is ever lost, and no state verifies wrongly. One writer at a time.
/// </summary>
public sealed class EvidenceLog
{
    private const string ConfigFile = "config.json", EntriesFile = "entries", IndexFile = "entries.idx", HashesFile = "hashes";
    private const string CheckpointsFile = "checkpoints", CheckpointFile = "checkpoint";

    private readonly string _dir;
    private RightEdge _rightEdge = new();

    public string Origin { get; }
    public VerifierKey Key { get; }
    public string KeyFile { get; }
    public long Size { get; private set; }
    public SignedNote? Latest { get; private set; }

    private EvidenceLog(string dir, string origin, VerifierKey key, string keyFile)
    {
        _dir = dir;
        Origin = origin;
        Key = key;
        KeyFile = keyFile;
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>Creates an empty log signed by the key in <paramref name="keyFile"/>, with its first checkpoint (size 0).</summary>
    public static EvidenceLog Init(string dir, string origin, string keyFile)
    {
        if (string.IsNullOrWhiteSpace(origin) || origin.Contains('\n')) throw new EvidenceLogException("the origin must be one non-empty line, e.g. inspection.example.org/log");
        Directory.CreateDirectory(dir);
        if (File.Exists(Path.Combine(dir, ConfigFile))) throw new EvidenceLogException($"{dir} already holds a log");
        using var signer = ReadSigner(keyFile);
        var config = new Dictionary<string, string> { ["origin"] = origin, ["verifier_key"] = signer.Verifier.ToString(), ["key_file"] = Path.GetFullPath(keyFile) };
        foreach (var name in new[] { EntriesFile, IndexFile, HashesFile, CheckpointsFile }) File.WriteAllBytes(Path.Combine(dir, name), []);
        File.WriteAllText(Path.Combine(dir, ConfigFile), JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }));
        var log = new EvidenceLog(dir, origin, signer.Verifier, Path.GetFullPath(keyFile));
        log.Commit(0, Hash.Empty, signer);
        return log;
    }

    public static EvidenceLog Open(string dir)
    {
        var configPath = Path.Combine(dir, ConfigFile);
        if (!File.Exists(configPath)) throw new EvidenceLogException($"{dir} holds no log (no {ConfigFile}); create one with 'evidence init'");
        Dictionary<string, string>? config;
        try
        {
            config = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(configPath));
        }
        catch (JsonException e)
        {
            throw new EvidenceLogException($"{configPath} is not valid JSON: {e.Message}");
        }
        if (config is null || !config.TryGetValue("origin", out var origin) || !config.TryGetValue("verifier_key", out var vkey) || !config.TryGetValue("key_file", out var keyFile))
            throw new EvidenceLogException($"{configPath} must hold origin, verifier_key and key_file");
        var log = new EvidenceLog(dir, origin, VerifierKey.Parse(vkey), keyFile);
        log.Recover();
        return log;
    }

    /// <summary>Finds the last whole, validly signed checkpoint and cuts away anything an interrupted append left after it.</summary>
    private void Recover()
    {
        SignedNote? latest = null;
        long size = 0, keep = 0;
        foreach (var (data, end) in Records.ReadAll(PathOf(CheckpointsFile)))
        {
            SignedNote note;
            Checkpoint checkpoint;
            try
            {
                note = SignedNote.Parse(Encoding.UTF8.GetString(data));
                checkpoint = Checkpoint.Parse(note.Text);
            }
            catch (NoteException)
            {
                break;
            }
            if (!note.IsSignedBy(Key) || checkpoint.Origin != Origin) break;
            latest = note;
            size = checkpoint.Size;
            keep = end;
        }
        if (latest is null) throw new EvidenceLogException($"{PathOf(CheckpointsFile)} holds no checkpoint signed by {Key.Name}; run 'evidence verify' to see what is wrong");
        var entries = new FileInfo(PathOf(IndexFile)).Length / 8;
        if (entries < size) throw new EvidenceLogException($"the log's checkpoint covers {size} entries but only {entries} are stored: entries were deleted or truncated; run 'evidence verify'");
        // Cut what an interrupted append wrote past the last checkpoint.
        long entriesEnd = size == 0 ? 0 : EndOfEntry(size - 1);
        Truncate(CheckpointsFile, keep);
        Truncate(IndexFile, size * 8);
        Truncate(EntriesFile, entriesEnd);
        Truncate(HashesFile, StoredHashIndex.Count(size) * Hash.Size);
        Size = size;
        Latest = latest;
        // The checkpoint file may carry witnesses' cosignatures on the same checkpoint: keep them.
        SignedNote? current = null;
        try
        {
            current = File.Exists(PathOf(CheckpointFile)) ? SignedNote.Parse(File.ReadAllText(PathOf(CheckpointFile))) : null;
        }
        catch (NoteException)
        {
            current = null;
        }
        if (current is not null && current.Text == latest.Text && current.IsSignedBy(Key)) Latest = current;
        else File.WriteAllText(PathOf(CheckpointFile), latest.ToString());
        LoadRightEdge();
    }

    private long EndOfEntry(long index)
    {
        var (start, length) = Locate(index);
        return start + 4 + length;
    }

    /// <summary>Where entry <paramref name="index"/>'s record starts in `entries`, and its data's length.</summary>
    private (long Start, uint Length) Locate(long index)
    {
        using var idx = File.OpenHandle(PathOf(IndexFile));
        Span<byte> offset = stackalloc byte[8];
        RandomAccess.Read(idx, offset, index * 8);
        using var entries = File.OpenHandle(PathOf(EntriesFile));
        Span<byte> length = stackalloc byte[4];
        var start = (long)BinaryPrimitives.ReadUInt64BigEndian(offset);
        if (RandomAccess.Read(entries, length, start) < 4) throw new EvidenceLogException($"entry {index} is cut short in {PathOf(EntriesFile)}");
        return (start, BinaryPrimitives.ReadUInt32BigEndian(length));
    }

    private void Truncate(string name, long length)
    {
        using var file = new FileStream(PathOf(name), FileMode.Open, FileAccess.ReadWrite);
        if (file.Length > length) file.SetLength(length);
    }

    private void LoadRightEdge()
    {
        using var handle = File.OpenHandle(PathOf(HashesFile));
        _rightEdge = RightEdge.Of(new FileHashes(handle), Size);
    }

    private static SignerKey ReadSigner(string keyFile)
    {
        if (!File.Exists(keyFile)) throw new EvidenceLogException($"signing key {keyFile} does not exist");
        return SignerKey.Parse(File.ReadAllText(keyFile));
    }

    /// <summary>
    /// Appends the entries and signs a checkpoint that covers them; returns their indices. All or nothing: the entries
    /// count only once the checkpoint is written, and a failure before that leaves the log as it was.
    /// </summary>
    public IReadOnlyList<long> Append(IReadOnlyList<byte[]> entries)
    {
        if (entries.Count == 0) return [];
        using var signer = ReadSigner(KeyFile);
        if (signer.Verifier.ToString() != Key.ToString()) throw new EvidenceLogException($"the key in {KeyFile} is not the log's key {Key}");
        var first = Size;
        // Worked on a copy, adopted only once the checkpoint is written.
        var edge = _rightEdge.Clone();
        using (var data = new FileStream(PathOf(EntriesFile), FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 20))
        using (var index = new FileStream(PathOf(IndexFile), FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16))
        using (var hashes = new FileStream(PathOf(HashesFile), FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16))
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
            Commit(edge.Size, edge.Root(), signer);
        }
        _rightEdge = edge;
        return [.. Enumerable.Range(0, entries.Count).Select(i => first + i)];
    }

    private void Commit(long size, Hash root, SignerKey signer)
    {
        var note = SignedNote.Sign(new Checkpoint(Origin, size, root).Body, signer);
        using (var checkpoints = new FileStream(PathOf(CheckpointsFile), FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            Records.Write(checkpoints, Encoding.UTF8.GetBytes(note.ToString()));
            checkpoints.Flush(flushToDisk: true);
        }
        var temp = PathOf(CheckpointFile + ".tmp");
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            file.Write(Encoding.UTF8.GetBytes(note.ToString()));
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, PathOf(CheckpointFile), overwrite: true);
        Size = size;
        Latest = note;
    }

    /// <summary>
    /// Adds a witness's cosignature to the latest checkpoint: the `checkpoint` file then carries it, and so does every
    /// proof made from it. The signed checkpoint record itself is not changed.
    /// </summary>
    public void AddCosignature(NoteSignature cosignature)
    {
        var latest = SignedNote.Parse(File.ReadAllText(PathOf(CheckpointFile)));
        if (latest.Text != Latest!.Text) throw new EvidenceLogException("the checkpoint file is not the log's latest checkpoint");
        var updated = latest with { Signatures = [.. latest.Signatures.Where(s => s.Name != cosignature.Name || s.Id != cosignature.Id), cosignature] };
        var temp = PathOf(CheckpointFile + ".tmp");
        File.WriteAllText(temp, updated.ToString());
        File.Move(temp, PathOf(CheckpointFile), overwrite: true);
        Latest = updated;
    }

    public byte[] Entry(long index)
    {
        if (index < 0 || index >= Size) throw new EvidenceLogException($"entry {index} is not in the log (size {Size})");
        var (start, length) = Locate(index);
        var data = new byte[length];
        using var entries = File.OpenHandle(PathOf(EntriesFile));
        RandomAccess.Read(entries, data, start + 4);
        return data;
    }

    public List<Hash> Inclusion(long index, long size)
    {
        if (size > Size) throw new EvidenceLogException($"the log has {Size} entries, not {size}");
        if (index < 0 || index >= size) throw new EvidenceLogException($"entry {index} is not in a tree of {size}");
        using var handle = File.OpenHandle(PathOf(HashesFile));
        return Proofs.Inclusion(new FileHashes(handle), index, size);
    }

    public List<Hash> Consistency(long from, long to)
    {
        if (to > Size) throw new EvidenceLogException($"the log has {Size} entries, not {to}");
        if (from < 1 || from > to) throw new EvidenceLogException($"a consistency proof goes from a size of at least 1 to one no smaller ({from} to {to})");
        using var handle = File.OpenHandle(PathOf(HashesFile));
        return Proofs.Consistency(new FileHashes(handle), from, to);
    }

    public Hash Root(long size)
    {
        using var handle = File.OpenHandle(PathOf(HashesFile));
        return Proofs.Root(new FileHashes(handle), size);
    }

    /// <summary>
    /// Full audit from the stored bytes alone: every leaf and subtree hash recomputed from the entries, every
    /// checkpoint's signature, origin and root checked against the tree at its size, sizes never going back, no two
    /// checkpoints of one size with different roots. Returns the problems found, each naming what is wrong.
    /// </summary>
    public static List<string> Verify(string dir) => Verify(dir, null);

    private static Stream OpenOrEmpty(string path) =>
        File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20, FileOptions.SequentialScan) : new MemoryStream();

    /// <summary>
    /// The full audit, and also against a checkpoint the auditor holds from before (<paramref name="since"/>): the log
    /// must still contain that tree. A log restored from an older copy, or rewritten, fails here even when it is
    /// consistent in itself.
    /// </summary>
    public static List<string> Verify(string dir, SignedNote? since)
    {
        var problems = VerifyStored(dir);
        if (since is null) return problems;
        EvidenceLog log;
        try
        {
            log = Open(dir);
        }
        catch (EvidenceLogException e)
        {
            problems.Add(e.Message);
            return problems;
        }
        if (!since.IsSignedBy(log.Key)) problems.Add($"the earlier checkpoint is not signed by the log's key {log.Key}");
        var earlier = Checkpoint.Parse(since.Text);
        if (earlier.Size > log.Size) problems.Add($"the log was rolled back: it holds {log.Size} entries, but an earlier checkpoint covered {earlier.Size}");
        else if (log.Root(earlier.Size) != earlier.Root) problems.Add($"the log forked or was rewritten: its tree of {earlier.Size} entries is not the one the earlier checkpoint signed");
        return problems;
    }

    private static List<string> VerifyStored(string dir)
    {
        var problems = new List<string>();
        Dictionary<string, string>? config = null;
        try
        {
            config = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(dir, ConfigFile)));
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            problems.Add($"{ConfigFile}: cannot be read ({e.Message})");
            return problems;
        }
        if (config is null || !config.TryGetValue("origin", out var origin) || !config.TryGetValue("verifier_key", out var vkey))
        {
            problems.Add($"{ConfigFile}: origin or verifier_key is missing");
            return problems;
        }
        var key = VerifierKey.Parse(vkey);

        // The checkpoints, in order.
        var checkpoints = new List<Checkpoint>();
        var number = 0;
        foreach (var (data, _) in Records.ReadAll(Path.Combine(dir, CheckpointsFile)))
        {
            number++;
            try
            {
                var note = SignedNote.Parse(Encoding.UTF8.GetString(data));
                var checkpoint = Checkpoint.Parse(note.Text);
                if (!note.IsSignedBy(key)) problems.Add($"checkpoint {number} (size {checkpoint.Size}): no valid signature by {key.Name}");
                if (checkpoint.Origin != origin) problems.Add($"checkpoint {number}: origin '{checkpoint.Origin}' is not the log's '{origin}'");
                checkpoints.Add(checkpoint);
            }
            catch (NoteException e)
            {
                problems.Add($"checkpoint {number}: malformed ({e.Message})");
            }
        }
        if (checkpoints.Count == 0) problems.Add($"{CheckpointsFile}: no checkpoint");
        for (var i = 1; i < checkpoints.Count; i++)
        {
            if (checkpoints[i].Size < checkpoints[i - 1].Size)
                problems.Add($"checkpoint {i + 1} has size {checkpoints[i].Size}, smaller than the {checkpoints[i - 1].Size} before it: the log was rolled back");
        }
        foreach (var group in checkpoints.GroupBy(c => c.Size).Where(g => g.Select(c => c.Root).Distinct().Count() > 1))
            problems.Add($"two checkpoints of size {group.Key} have different roots: the log forked");

        // Recompute the tree from the entries and compare every stored hash.
        // Offsets and stored hashes are read in step with the entries, so memory stays small whatever the log's size.
        using var index = OpenOrEmpty(Path.Combine(dir, IndexFile));
        using var storedHashes = OpenOrEmpty(Path.Combine(dir, HashesFile));
        Span<byte> offsetBytes = stackalloc byte[8];
        var hashBytes = new byte[Hash.Size];
        var latestSize = checkpoints.Count > 0 ? checkpoints.Max(c => c.Size) : 0;
        var bySize = checkpoints.GroupBy(c => c.Size).ToDictionary(g => g.Key, g => g.First().Root);
        var edge = new RightEdge();
        Span<Hash> stored = stackalloc Hash[RightEdge.MaxStored];
        long count = 0, hashIndex = 0;
        if (bySize.TryGetValue(0, out var emptyRoot) && emptyRoot != Hash.Empty) problems.Add("the checkpoint of size 0 does not have the empty tree's root");
        foreach (var (data, end) in Records.ReadAll(Path.Combine(dir, EntriesFile)))
        {
            var start = end - 4 - data.Length;
            if (index.ReadAtLeast(offsetBytes, 8, throwOnEndOfStream: false) < 8) problems.Add($"entry {count}: missing from {IndexFile}");
            else if ((long)BinaryPrimitives.ReadUInt64BigEndian(offsetBytes) != start) problems.Add($"entry {count}: {IndexFile} points elsewhere (entries reordered or removed?)");
            var added = edge.Push(TreeHash.Leaf(data), stored);
            Compare(stored[0], $"entry {count}: its content does not match its stored leaf hash (edited, reordered or replaced)");
            for (var i = 1; i < added; i++) Compare(stored[i], $"entry {count}: a stored subtree hash above it does not match");
            count++;
            if (bySize.TryGetValue(count, out var expected))
            {
                if (edge.Root() != expected) problems.Add($"the checkpoint of size {count} does not match the tree of the first {count} entries (an entry was edited, reordered or replaced)");
            }
        }
        if (count < latestSize) problems.Add($"the latest checkpoint covers {latestSize} entries but only {count} are stored: entries were deleted or the file truncated");
        if (problems.Count > 0) problems.Add($"{count} entries read; {checkpoints.Count} checkpoints");
        return problems;

        void Compare(Hash computed, string problem)
        {
            hashIndex++;
            if (storedHashes.ReadAtLeast(hashBytes, Hash.Size, throwOnEndOfStream: false) < Hash.Size)
            {
                if (count < latestSize) problems.Add($"{HashesFile}: ends before hash {hashIndex - 1} (truncated)");
                return;
            }
            if (Hash.From(hashBytes) != computed) problems.Add(problem);
        }
    }
}
