using System.Buffers.Binary;
using System.Text;
using MinerWatch.Evidence.Merkle;
using MinerWatch.Evidence.Notes;

namespace MinerWatch.Evidence.Log;

/// <summary>
/// What an audit of a log's files found: <see cref="Problems"/> (the log is not valid; each names the file and the
/// byte offset, entry or checkpoint record), and <see cref="Notes"/> (nothing wrong with what was acknowledged, e.g.
/// what an interrupted append left past the last checkpoint, which the next writer removes).
/// </summary>
public sealed record AuditReport(IReadOnlyList<string> Problems, IReadOnlyList<string> Notes, long Size, SignedNote? Latest)
{
    public bool Valid => Problems.Count == 0;
}

/// <summary>One record of `checkpoints`, read and checked.</summary>
internal sealed record CheckpointRecord(int Number, long Offset, string Raw, SignedNote Note, Checkpoint Checkpoint);

/// <summary>
/// The state of a log as its files hold it, found without writing anything: the checkpoint records, which of them
/// `checkpoint` publishes, and how far each data file's acknowledged part reaches.
/// </summary>
internal sealed class LogState
{
    public required LogConfig Config { get; init; }
    public required List<CheckpointRecord> Records { get; init; }
    /// <summary>Where the last whole record of `checkpoints` ends: anything after it is an interrupted append's.</summary>
    public long CheckpointsEnd { get; init; }
    /// <summary>The record `checkpoint` holds (the last one acknowledged), and its text as stored (with cosignatures).</summary>
    public CheckpointRecord? Published { get; init; }
    /// <summary>The largest size any record or `checkpoint` states, valid or not: how far the entries must be read.</summary>
    public long Claimed { get; init; }
}

/// <summary>Reads and checks a log's files. Never writes, creates, truncates or renames anything.</summary>
internal static class LogAudit
{
    /// <summary>A signed checkpoint note is a few hundred bytes, with a line per cosignature.</summary>
    private const int MaxCheckpointRecord = 1 << 16;

    /// <summary>
    /// Reads `checkpoint`, `checkpoints` and config.json (in that order, so that a reader running beside a writer sees
    /// every record it finds already published or about to be, and every witness key it needs) and checks them
    /// against each other: `checkpoint` is a record of `checkpoints` (the last acknowledged one); every record is
    /// signed for the log's origin and names the record before it, sizes never go back, one root per size, every
    /// cosignature is by a listed witness and valid. After the published record there may be only what an
    /// interrupted writer leaves: one whole record it signed but did not publish, then a record cut short or zeros.
    /// Those are notes, not problems, since nobody was told of them; anything else there is a problem.
    /// </summary>
    public static LogState? ReadState(string dir, List<string> problems, List<string> notes)
    {
        if (LogFile.Absent(Path.Combine(dir, LogFile.Config)))
        {
            problems.Add($"{dir} holds no log (no {LogFile.Config}); create one with 'evidence init'");
            return null;
        }
        byte[]? published;
        var raw = new List<Record>();
        long fileLength = 0, readEnd = 0;
        var stop = Records.Stop.End;
        uint declared = 0;
        var zerosAfter = false;
        var path = Path.Combine(dir, LogFile.Checkpoints);
        var attempts = 0;
        var fileProblems = new List<string>();
        while (true)
        {
            fileProblems.Clear();
            raw.Clear();
            published = ReadSmall(dir, LogFile.Checkpoint, MaxCheckpointRecord, fileProblems, "it holds the latest acknowledged checkpoint");
            if (RegularFile(path, fileProblems) is { } _)
            {
                using var stream = LogFile.OpenRead(path);
                var reader = new Records.Reader(stream, MaxCheckpointRecord, minRecord: 1);
                while (reader.TryRead(out var record)) raw.Add(record);
                (fileLength, readEnd, stop, declared) = (stream.Length, reader.Tail, reader.Stop, reader.DeclaredLength);
                // An interrupted append leaves at most one record's worth of zeros; more is not a crash (and reading
                // a sparse terabyte of them would take hours).
                zerosAfter = stop == Records.Stop.ImpossibleLength && fileLength - readEnd <= MaxCheckpointRecord + 4 && AllZero(stream, readEnd);
            }
            // A writer that published between the two reads would make the records seem to run past `checkpoint`:
            // read again until `checkpoint` is the same before and after (a reader beside a busy writer).
            var after = File.Exists(Path.Combine(dir, LogFile.Checkpoint)) ? ReadSmall(dir, LogFile.Checkpoint, MaxCheckpointRecord, [], "") : null;
            if (++attempts >= 5 || (after is null ? published is null : published is not null && after.AsSpan().SequenceEqual(published))) break;
        }
        problems.AddRange(fileProblems);

        LogConfig config;
        try
        {
            config = LogConfig.Read(dir);
        }
        catch (Exception e) when (e is EvidenceLogException or IOException or UnauthorizedAccessException)
        {
            problems.Add(e.Message);
            return null;
        }

        var publishedAt = published is null ? -1 : raw.FindLastIndex(r => r.Data.AsSpan().SequenceEqual(published));
        var claimed = SizeIn(published);
        var records = new List<CheckpointRecord>();
        // Every record the log's key signed, valid or not: two roots for one size among them is a fork.
        var signedRecords = new List<CheckpointRecord>();
        for (var i = 0; i < raw.Count; i++)
        {
            var found = new List<string>();
            var parsed = Check(raw[i], i + 1, config, i > 0 ? raw[i - 1] : null, records.Count > 0 ? records[^1] : null, found, out var signed);
            if (publishedAt >= 0 && i > publishedAt)
            {
                var where = $"{LogFile.Checkpoints}: record {i + 1} at byte {raw[i].Offset} follows the published checkpoint (record {publishedAt + 1})";
                if (i > publishedAt + 1) found.Insert(0, $"{where}, after another: a writer publishes each record before it writes the next (records were added or {LogFile.Checkpoint} replaced by an older one)");
                else if (found.Count > 0) found.Insert(0, $"{where} and is not a whole record signed by the log: an interrupted writer leaves only a record it signed, so this one was altered");
            }
            problems.AddRange(found);
            if (parsed is not null) claimed = Math.Max(claimed, parsed.Checkpoint.Size);
            if (parsed is not null && signed) signedRecords.Add(parsed);
            if (parsed is not null && found.Count == 0) records.Add(parsed);
        }
        if (stop == Records.Stop.CutShort && publishedAt >= 0)
            notes.Add($"{LogFile.Checkpoints}: {fileLength - readEnd} bytes from byte {readEnd} are a record cut short (an append that was interrupted and never acknowledged; the next writer removes them)");
        else if (zerosAfter && publishedAt >= 0)
            notes.Add($"{LogFile.Checkpoints}: {fileLength - readEnd} bytes from byte {readEnd} are zeros (an append whose data never reached the disk, never acknowledged; the next writer removes them)");
        else if (stop == Records.Stop.ImpossibleLength)
            problems.Add($"{LogFile.Checkpoints}: byte {readEnd}: record {raw.Count + 1} declares {declared} bytes, which no checkpoint has (the file was edited; nothing after it can be read)");
        else if (stop == Records.Stop.CutShort)
            problems.Add($"{LogFile.Checkpoints}: byte {readEnd}: record {raw.Count + 1} runs past the end of the file (byte {fileLength}): truncated or a length edited");

        foreach (var group in signedRecords.GroupBy(r => r.Checkpoint.Size).Where(g => g.Select(r => r.Checkpoint.Root).Distinct().Count() > 1))
            problems.Add($"{LogFile.Checkpoints}: records {string.Join(", ", group.Select(r => r.Number))} give size {group.Key} different roots: the log forked");
        var zero = records.FirstOrDefault(r => r.Checkpoint.Size == 0);
        if (zero is not null && zero.Checkpoint.Root != Hash.Empty) problems.Add($"{LogFile.Checkpoints}: record {zero.Number} (size 0) does not have the empty tree's root");
        if (records.Count == 0) problems.Add($"{LogFile.Checkpoints}: no whole checkpoint record signed by the log's key");

        CheckpointRecord? publishedRecord = null;
        if (published is not null && publishedAt < 0)
        {
            var last = raw.Count > 0 ? $"its last whole record is {raw.Count}, at byte {raw[^1].Offset}" : "it holds no whole record";
            problems.Add($"{LogFile.Checkpoint}: {Describe(published)}, which is not a record of {LogFile.Checkpoints} ({last}; the file ends at byte {fileLength}): one of the two was altered, replaced or truncated");
        }
        else if (publishedAt >= 0)
        {
            publishedRecord = records.FirstOrDefault(r => r.Number == publishedAt + 1);
            if (publishedRecord is not null && records[^1] != publishedRecord)
                notes.Add($"{LogFile.Checkpoints}: record {records[^1].Number} (size {records[^1].Checkpoint.Size}) was signed but not yet published in {LogFile.Checkpoint} (an interrupted append or cosign; the next writer publishes it)");
        }
        return new LogState { Config = config, Records = records, CheckpointsEnd = readEnd, Published = publishedRecord, Claimed = claimed };
    }

    /// <summary>A file the log reads whole (config, the latest checkpoint): missing, not a regular file or too large is a problem.</summary>
    internal static byte[]? ReadSmall(string dir, string name, int max, List<string> problems, string what)
    {
        var path = Path.Combine(dir, name);
        if (RegularFile(path, problems, what) is not { } length) return null;
        if (length > max)
        {
            problems.Add($"{name}: {length:N0} bytes, more than such a file ever holds ({max:N0}): replaced or edited");
            return null;
        }
        using var stream = LogFile.OpenRead(path);
        return LogConfig.ReadAll(stream);
    }

    /// <summary>
    /// The file's length when it is a plain file; otherwise a problem, and null. A pipe or device could hang a reader,
    /// and a link makes the log's file another file, which its writer would then change.
    /// </summary>
    internal static long? RegularFile(string path, List<string> problems, string? what = null)
    {
        var name = Path.GetFileName(path);
        var kind = FileKind.Of(path);
        var info = new FileInfo(path);
        if (kind == FileKind.Type.Link || (kind is null && info.LinkTarget is not null)) problems.Add($"{name}: a symbolic link to {info.LinkTarget}; the log's files are plain files in its directory");
        else if (kind == FileKind.Type.Directory || Directory.Exists(path)) problems.Add($"{name}: a directory, not the log's file");
        else if (!info.Exists) problems.Add($"{name}: missing{(what is null ? "" : $" ({what})")}");
        else if (kind == FileKind.Type.Other) problems.Add($"{name}: not a plain file (a pipe, socket or device)");
        else return info.Length;
        return null;
    }

    private static bool AllZero(Stream stream, long from)
    {
        stream.Position = from;
        var buffer = new byte[1 << 16];
        int read;
        while ((read = stream.Read(buffer)) > 0)
            if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0)) return false;
        return true;
    }

    /// <summary>
    /// Checks one record, adding what is wrong to <paramref name="problems"/>, and says whether the log's key signed
    /// it. Returns the record when it can be read at all. A record with new text must name the whole record before it
    /// (its `prev` line, signed with it), so a record cannot be taken out of the middle or put in; a record repeating
    /// the one before adds one witness's cosignature in front of that record's signatures, and nothing else.
    /// </summary>
    private static CheckpointRecord? Check(Record record, int number, LogConfig config, Record? before, CheckpointRecord? previous, List<string> problems, out bool signed)
    {
        signed = false;
        var where = $"{LogFile.Checkpoints}: record {number} at byte {record.Offset}";
        string raw;
        SignedNote note;
        Checkpoint checkpoint;
        try
        {
            raw = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(record.Data);
            note = SignedNote.Parse(raw);
            checkpoint = Checkpoint.Parse(note.Text);
        }
        catch (Exception e) when (e is NoteException or DecoderFallbackException)
        {
            problems.Add($"{where}: malformed ({e.Message})");
            return null;
        }
        signed = note.IsSignedBy(config.Key);
        var found = new List<string>();
        where += $" (size {checkpoint.Size})";
        if (checkpoint.Origin != config.Origin) found.Add($"{where}: origin '{checkpoint.Origin}' is not the log's '{config.Origin}'");
        if (!signed) found.Add($"{where}: no valid signature by the log's key {config.Key.Name}");
        var repeat = previous is not null && note.Text == previous.Note.Text;
        if (repeat)
        {
            if (note.Signatures.Count != previous!.Note.Signatures.Count + 1 || !note.Signatures.Skip(1).SequenceEqual(previous.Note.Signatures, SignatureComparer.Instance))
                found.Add($"{where}: repeats record {previous.Number} but is not its signatures with one cosignature added in front");
            else if (previous.Note.Signatures.Any(s => s.Name == note.Signatures[0].Name && s.Id == note.Signatures[0].Id))
                found.Add($"{where}: adds a second cosignature by {note.Signatures[0].Name}, which record {previous.Number} already holds (a witness cosigns a checkpoint once)");
            else CheckCosignature(note, note.Signatures[0], config, where, found);
        }
        else
        {
            if (note.Signatures.Count != 1) found.Add($"{where}: a new checkpoint carries only the log's signature, not {note.Signatures.Count} signature lines");
            var prev = checkpoint.Extensions.Where(e => e.StartsWith(PrevLine, StringComparison.Ordinal)).ToList();
            if (before is null && prev.Count > 0) found.Add($"{where}: the first record names a record before it");
            if (before is { } b && (prev.Count != 1 || prev[0] != Prev(b.Data)))
                found.Add($"{where}: does not name record {number - 1} as the one before it (a record was taken out, put in or replaced before it)");
        }
        if (previous is not null && checkpoint.Size < previous.Checkpoint.Size)
            found.Add($"{where}: smaller than the {previous.Checkpoint.Size} of record {previous.Number} before it: the log was rolled back");
        problems.AddRange(found);
        return new CheckpointRecord(number, record.Offset, raw, note, checkpoint);
    }

    private static void CheckCosignature(SignedNote note, NoteSignature signature, LogConfig config, string where, List<string> found)
    {
        var witness = config.Witnesses.FirstOrDefault(w => w.Name == signature.Name && w.Id == signature.Id);
        if (witness is null) found.Add($"{where}: a signature by {signature.Name} ({signature.Id:x8}) is not a cosignature of a witness in {LogFile.Config}");
        else if (!ProofVerifier.IsCosignedBy(note with { Signatures = [signature] }, witness)) found.Add($"{where}: the cosignature by {signature.Name} does not verify (altered)");
    }

    /// <summary>The extension line a checkpoint carries, signed with it, naming the record written before it.</summary>
    internal const string PrevLine = "prev ";

    internal static string Prev(ReadOnlySpan<byte> record) => PrevLine + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(record));

    /// <summary>The size a stored checkpoint states, whether or not its signature holds; 0 when it cannot be read.</summary>
    private static long SizeIn(byte[]? bytes)
    {
        if (bytes is null) return 0;
        try
        {
            return Checkpoint.Parse(SignedNote.Parse(new UTF8Encoding(false, true).GetString(bytes)).Text).Size;
        }
        catch (Exception e) when (e is NoteException or DecoderFallbackException)
        {
            return 0;
        }
    }

    private static string Describe(byte[] bytes)
    {
        try
        {
            var note = SignedNote.Parse(new UTF8Encoding(false, true).GetString(bytes));
            return $"holds a checkpoint of size {Checkpoint.Parse(note.Text).Size} with {note.Signatures.Count} signature(s)";
        }
        catch (Exception e) when (e is NoteException or DecoderFallbackException)
        {
            return $"is not a signed checkpoint ({e.Message})";
        }
    }

    /// <summary>
    /// The full audit from the stored bytes alone: the state checks of <see cref="ReadState"/>, then every leaf and
    /// subtree hash recomputed from the entries and compared with `hashes`, every offset in `entries.idx`, and every
    /// checkpoint's root against the tree at its size. Memory stays small whatever the log's size.
    /// </summary>
    public static AuditReport Run(string dir) => Run(dir, out _);

    /// <summary>The full audit, with the state it read (null when config.json could not be read).</summary>
    public static AuditReport Run(string dir, out LogState? state)
    {
        var problems = new List<string>();
        var notes = new List<string>();
        state = null;
        try
        {
            return Run(dir, problems, notes, out state);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"a file of the log cannot be read: {e.Message}");
            return new AuditReport(problems, notes, 0, null);
        }
    }

    private static AuditReport Run(string dir, List<string> problems, List<string> notes, out LogState? state)
    {
        state = ReadState(dir, problems, notes);
        // Not a log at all: that is the one thing to say.
        if (LogFile.Absent(Path.Combine(dir, LogFile.Config))) return Finish(problems, notes, null, 0);
        var readable = new HashSet<string>();
        foreach (var name in new[] { LogFile.Entries, LogFile.Index, LogFile.Hashes })
            if (RegularFile(Path.Combine(dir, name), problems) is not null) readable.Add(name);
        foreach (var file in Directory.Exists(dir) ? Directory.GetFileSystemEntries(dir) : [])
        {
            var name = Path.GetFileName(file);
            if (name is not (LogFile.Config or LogFile.Checkpoint or LogFile.Lock) && !LogFile.Data.Contains(name))
                notes.Add($"{name}: not a file of the log (ignored{(name is LogFile.CheckpointTemp or LogFile.ConfigTemp ? "; left by an interrupted writer, which the next writer removes" : "")})");
        }
        // Every entry any checkpoint claims is read, even where the checkpoints themselves are damaged, so that
        // verify names every problem; with no config to check checkpoints by, every stored entry is read.
        var claimed = state is null ? long.MaxValue : Math.Max(state.Claimed, state.Records.Count == 0 ? 0 : state.Records.Max(r => r.Checkpoint.Size));
        var size = claimed;
        var roots = (state?.Records ?? []).GroupBy(r => r.Checkpoint.Size).ToDictionary(g => g.Key, g => g.First());

        Stream Open(string name, int buffer) => readable.Contains(name) ? LogFile.OpenRead(Path.Combine(dir, name), buffer) : new MemoryStream();
        using var entries = Open(LogFile.Entries, 1 << 20);
        using var index = Open(LogFile.Index, 1 << 16);
        using var hashes = Open(LogFile.Hashes, 1 << 16);
        var reader = new Records.Reader(entries);
        Span<byte> offset = stackalloc byte[8];
        var hashBytes = new byte[Hash.Size];
        var edge = new RightEdge();
        var storedEdge = new List<(Hash Stored, Hash? Other)>();
        Span<Hash> computed = stackalloc Hash[RightEdge.MaxStored];
        long count = 0, hashIndex = 0;
        var hashesEnded = false;
        var cap = problems.Count + 1000;
        while (count < size && problems.Count < cap && reader.TryRead(out var record))
        {
            if (index.ReadAtLeast(offset, 8, throwOnEndOfStream: false) < 8) problems.Add($"{LogFile.Index}: ends at byte {index.Length}, before entry {count}'s offset");
            else if (BinaryPrimitives.ReadUInt64BigEndian(offset) is var at && (long)at != record.Offset)
                problems.Add($"{LogFile.Index}: byte {count * 8}: entry {count} is at byte {record.Offset} of {LogFile.Entries}, not {at} (offsets edited, or entries reordered or removed)");
            // The entries' tree gives the checkpoints' roots; each stored hash is checked against what it stands
            // for: a leaf against the entry, a subtree against its two stored children. So one edit blames one place.
            var leaf = TreeHash.Leaf(record.Data);
            edge.Push(leaf, computed);
            var node = ReadStored(leaf, out var position);
            // Where a stored hash and what it stands for disagree, the one above may be built on either: it is wrong
            // only if it matches neither. So one edit is named once, not again in every subtree above it.
            Hash? other = null;
            if (node != leaf)
            {
                problems.Add($"{LogFile.Entries}: entry {count} at byte {record.Offset}: its content does not match its stored leaf hash ({LogFile.Hashes} byte {position}): edited, reordered or replaced, or the hash was");
                other = leaf;
            }
            for (var n = count; (n & 1) == 1; n >>= 1)
            {
                var (left, leftOther) = storedEdge[^1];
                storedEdge.RemoveAt(storedEdge.Count - 1);
                var parent = TreeHash.Node(left, node);
                var stored = ReadStored(parent, out position);
                var fits = stored == parent
                    || (other is { } o && stored == TreeHash.Node(left, o))
                    || (leftOther is { } lo && (stored == TreeHash.Node(lo, node) || (other is { } o2 && stored == TreeHash.Node(lo, o2))));
                other = null;
                if (!fits)
                {
                    problems.Add($"{LogFile.Hashes}: byte {position}: the subtree hash completed by entry {count} does not match its children (edited)");
                    other = parent;
                }
                node = stored;
            }
            storedEdge.Add((node, other));
            count++;
            if (roots.TryGetValue(count, out var checkpoint) && edge.Root() != checkpoint.Checkpoint.Root)
                problems.Add($"{LogFile.Checkpoints}: record {checkpoint.Number} (size {count}) does not match the tree of the first {count} entries (an entry was edited, reordered or replaced)");
        }
        if (problems.Count >= cap) problems.Add("more than 1000 problems; stopped reading the entries");
        else if (count < size && size != long.MaxValue)
        {
            problems.Add(reader.Stop switch
            {
                Records.Stop.ImpossibleLength => $"{LogFile.Entries}: byte {reader.Tail}: entry {count} declares {reader.DeclaredLength} bytes, more than any entry (edited); the checkpoint covers {size} entries",
                Records.Stop.CutShort => $"{LogFile.Entries}: byte {reader.Tail}: entry {count} runs past the end of the file (byte {entries.Length}): the file was truncated or a length edited; the checkpoint covers {size} entries",
                _ => $"{LogFile.Entries}: ends at byte {entries.Length} after {count} entries, but the checkpoint covers {size}: entries were deleted or the file truncated",
            });
        }
        else if (size != long.MaxValue)
        {
            Extra(LogFile.Entries, entries.Length, reader.Tail, notes);
            Extra(LogFile.Index, index.Length, size * 8, notes);
            Extra(LogFile.Hashes, hashes.Length, StoredHashIndex.Count(size) * Hash.Size, notes);
        }
        return Finish(problems, notes, state, count);

        // The next stored hash, or the expected one where the file has ended (reported once).
        Hash ReadStored(Hash expected, out long at)
        {
            at = hashIndex++ * Hash.Size;
            if (hashes.ReadAtLeast(hashBytes, Hash.Size, throwOnEndOfStream: false) == Hash.Size) return Hash.From(hashBytes);
            if (!hashesEnded) problems.Add($"{LogFile.Hashes}: ends at byte {hashes.Length}, before hash {hashIndex - 1} (entry {count}'s); truncated");
            hashesEnded = true;
            return expected;
        }
    }

    private static void Extra(string name, long length, long acknowledged, List<string> notes)
    {
        if (length > acknowledged)
            notes.Add($"{name}: {length - acknowledged} bytes from byte {acknowledged} are past the last checkpoint (an append that was interrupted and never acknowledged; the next writer removes them)");
    }

    private static AuditReport Finish(List<string> problems, List<string> notes, LogState? state, long entries)
    {
        if (problems.Count > 0 && state is not null) problems.Add($"{entries} entries read; {state.Records.Count} checkpoint records");
        return new AuditReport(problems, notes, state?.Published?.Checkpoint.Size ?? 0, state?.Published?.Note);
    }

    internal sealed class SignatureComparer : IEqualityComparer<NoteSignature>
    {
        public static readonly SignatureComparer Instance = new();
        public bool Equals(NoteSignature? x, NoteSignature? y) => x is not null && y is not null && x.Name == y.Name && x.Id == y.Id && x.Signature.AsSpan().SequenceEqual(y.Signature);
        public int GetHashCode(NoteSignature s) => HashCode.Combine(s.Name, s.Id);
    }
}
