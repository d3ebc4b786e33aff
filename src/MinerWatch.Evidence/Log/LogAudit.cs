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
internal sealed record CheckpointRecord(int Number, long Offset, long End, string Raw, SignedNote Note, Checkpoint Checkpoint);

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
}

/// <summary>Reads and checks a log's files. Never writes, creates, truncates or renames anything.</summary>
internal static class LogAudit
{
    /// <summary>A signed checkpoint note is a few hundred bytes, with a line per cosignature.</summary>
    private const int MaxCheckpointRecord = 1 << 16;

    /// <summary>
    /// Reads config.json, `checkpoints` and `checkpoint` and checks them against each other: `checkpoint` is a record
    /// of `checkpoints` (the last acknowledged one); every record up to it, and every later one the log's key signed,
    /// is signed for the log's origin, sizes never go back, one root per size, every cosignature is by a listed
    /// witness and valid. What follows the published record and is not a whole record signed by the log's key is what
    /// an interrupted append left: a note, not a problem, since nobody was told of it.
    /// </summary>
    public static LogState? ReadState(string dir, List<string> problems, List<string> notes)
    {
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
        var publishedPath = Path.Combine(dir, LogFile.Checkpoint);
        byte[]? published = null;
        if (File.Exists(publishedPath))
            using (var stream = LogFile.OpenRead(publishedPath)) published = LogConfig.ReadAll(stream);
        else problems.Add($"{LogFile.Checkpoint}: missing (it holds the latest acknowledged checkpoint)");

        var path = Path.Combine(dir, LogFile.Checkpoints);
        var raw = new List<Record>();
        long fileLength = 0, readEnd = 0;
        var stop = Records.Stop.End;
        uint declared = 0;
        if (!File.Exists(path)) problems.Add($"{LogFile.Checkpoints}: missing");
        else
        {
            using var stream = LogFile.OpenRead(path);
            var reader = new Records.Reader(stream, MaxCheckpointRecord);
            while (reader.TryRead(out var record)) raw.Add(record);
            (fileLength, readEnd, stop, declared) = (stream.Length, reader.Tail, reader.Stop, reader.DeclaredLength);
        }
        var publishedAt = published is null ? -1 : raw.FindLastIndex(r => r.Data.AsSpan().SequenceEqual(published));

        var records = new List<CheckpointRecord>();
        // Every record the log's key signed, valid or not: two roots for one size among them is a fork.
        var signedRecords = new List<CheckpointRecord>();
        long end = readEnd;
        for (var i = 0; i < raw.Count; i++)
        {
            var previous = records.Count > 0 ? records[^1] : null;
            var found = new List<string>();
            var parsed = Check(raw[i], i + 1, config, previous, found, out var signed);
            if (publishedAt >= 0 && i > publishedAt && !signed)
            {
                end = raw[i].Offset;
                break;
            }
            problems.AddRange(found);
            if (parsed is not null && signed) signedRecords.Add(parsed);
            if (parsed is not null && found.Count == 0) records.Add(parsed);
        }
        var tailFromRecords = end < readEnd;
        if (publishedAt >= 0 && (tailFromRecords || stop != Records.Stop.End))
            notes.Add($"{LogFile.Checkpoints}: {fileLength - end} bytes from byte {end} are not a whole checkpoint record signed by the log (an append that was interrupted and never acknowledged; the next writer removes them)");
        else if (stop == Records.Stop.ImpossibleLength)
            problems.Add($"{LogFile.Checkpoints}: byte {readEnd}: record {raw.Count + 1} declares {declared} bytes, more than any checkpoint (the file was edited; nothing after it can be read)");
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
            if (records.Count > 0 && records[^1].Number > publishedAt + 2)
                problems.Add($"{LogFile.Checkpoints}: records {publishedAt + 2} to {records[^1].Number} follow the published checkpoint (record {publishedAt + 1}); a writer publishes each record before it signs the next");
        }
        return new LogState { Config = config, Records = records, CheckpointsEnd = end, Published = publishedRecord };
    }

    /// <summary>
    /// Checks one record, adding what is wrong to <paramref name="problems"/>, and says whether the log's key signed
    /// it. Returns the record when it can be read at all.
    /// </summary>
    private static CheckpointRecord? Check(Record record, int number, LogConfig config, CheckpointRecord? previous, List<string> problems, out bool signed)
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
        foreach (var signature in note.Signatures.Where(s => s.Name != config.Key.Name || s.Id != config.Key.Id))
        {
            var witness = config.Witnesses.FirstOrDefault(w => w.Name == signature.Name && w.Id == signature.Id);
            if (witness is null) found.Add($"{where}: a signature by {signature.Name} ({signature.Id:x8}) is neither the log's nor a cosignature of a witness in {LogFile.Config}");
            else if (!ProofVerifier.IsCosignedBy(note with { Signatures = [signature] }, witness)) found.Add($"{where}: the cosignature by {signature.Name} does not verify (altered)");
        }
        if (previous is not null)
        {
            if (checkpoint.Size < previous.Checkpoint.Size)
                found.Add($"{where}: smaller than the {previous.Checkpoint.Size} of record {previous.Number} before it: the log was rolled back");
            // A record repeating the one before adds witnesses' cosignatures to it; it must keep every signature it had.
            if (note.Text == previous.Note.Text && !(note.Signatures.Count > previous.Note.Signatures.Count && previous.Note.Signatures.All(s => note.Signatures.Contains(s, SignatureComparer.Instance))))
                found.Add($"{where}: repeats record {previous.Number} without keeping its signatures and adding a cosignature");
        }
        problems.AddRange(found);
        return new CheckpointRecord(number, record.Offset, record.End, raw, note, checkpoint);
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
    public static AuditReport Run(string dir)
    {
        var problems = new List<string>();
        var notes = new List<string>();
        try
        {
            return Run(dir, problems, notes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"a file of the log cannot be read: {e.Message}");
            return new AuditReport(problems, notes, 0, null);
        }
    }

    private static AuditReport Run(string dir, List<string> problems, List<string> notes)
    {
        var state = ReadState(dir, problems, notes);
        // Not a log at all: that is the one thing to say.
        if (!File.Exists(Path.Combine(dir, LogFile.Config))) return Finish(problems, notes, null, 0);
        foreach (var name in LogFile.Data.Where(n => !File.Exists(Path.Combine(dir, n)) && n != LogFile.Checkpoints)) problems.Add($"{name}: missing");
        foreach (var file in Directory.Exists(dir) ? Directory.GetFileSystemEntries(dir) : [])
        {
            var name = Path.GetFileName(file);
            if (name is not (LogFile.Config or LogFile.Checkpoint or LogFile.Lock) && !LogFile.Data.Contains(name))
                notes.Add($"{name}: not a file of the log (ignored{(name is LogFile.CheckpointTemp or LogFile.ConfigTemp ? "; left by an interrupted writer, which the next writer removes" : "")})");
        }
        if (state is null) return Finish(problems, notes, state, 0);
        var size = state.Records.Count == 0 ? 0 : state.Records.Max(r => r.Checkpoint.Size);
        var roots = state.Records.GroupBy(r => r.Checkpoint.Size).ToDictionary(g => g.Key, g => g.First());

        using var entries = OpenOrEmpty(Path.Combine(dir, LogFile.Entries), 1 << 20);
        using var index = OpenOrEmpty(Path.Combine(dir, LogFile.Index), 1 << 16);
        using var stored = OpenOrEmpty(Path.Combine(dir, LogFile.Hashes), 1 << 16);
        var reader = new Records.Reader(entries);
        Span<byte> offset = stackalloc byte[8];
        var hashBytes = new byte[Hash.Size];
        var edge = new RightEdge();
        Span<Hash> computed = stackalloc Hash[RightEdge.MaxStored];
        long count = 0, hashIndex = 0;
        var hashesEnded = false;
        var cap = problems.Count + 1000;
        while (count < size && problems.Count < cap && reader.TryRead(out var record))
        {
            if (index.ReadAtLeast(offset, 8, throwOnEndOfStream: false) < 8) problems.Add($"{LogFile.Index}: ends at byte {index.Length}, before entry {count}'s offset");
            else if (BinaryPrimitives.ReadUInt64BigEndian(offset) is var at && (long)at != record.Offset)
                problems.Add($"{LogFile.Index}: byte {count * 8}: entry {count} is at byte {record.Offset} of {LogFile.Entries}, not {at} (offsets edited, or entries reordered or removed)");
            var added = edge.Push(TreeHash.Leaf(record.Data), computed);
            for (var i = 0; i < added; i++)
            {
                var position = hashIndex++ * Hash.Size;
                if (stored.ReadAtLeast(hashBytes, Hash.Size, throwOnEndOfStream: false) < Hash.Size)
                {
                    if (!hashesEnded) problems.Add($"{LogFile.Hashes}: ends at byte {stored.Length}, before hash {hashIndex - 1} (entry {count}'s); truncated");
                    hashesEnded = true;
                }
                else if (Hash.From(hashBytes) != computed[i])
                    problems.Add(i == 0
                        ? $"{LogFile.Entries}: entry {count} at byte {record.Offset}: its content does not match its stored leaf hash ({LogFile.Hashes} byte {position}): edited, reordered or replaced, or the hash was"
                        : $"{LogFile.Hashes}: byte {position}: the subtree hash completed by entry {count} does not match its children (edited)");
            }
            count++;
            if (roots.TryGetValue(count, out var checkpoint) && edge.Root() != checkpoint.Checkpoint.Root)
                problems.Add($"{LogFile.Checkpoints}: record {checkpoint.Number} (size {count}) does not match the tree of the first {count} entries (an entry was edited, reordered or replaced)");
        }
        if (problems.Count >= cap) problems.Add("more than 1000 problems; stopped reading the entries");
        else if (count < size)
        {
            problems.Add(reader.Stop switch
            {
                Records.Stop.ImpossibleLength => $"{LogFile.Entries}: byte {reader.Tail}: entry {count} declares {reader.DeclaredLength} bytes, more than any entry (edited); the checkpoint covers {size} entries",
                Records.Stop.CutShort => $"{LogFile.Entries}: byte {reader.Tail}: entry {count} runs past the end of the file (byte {entries.Length}): the file was truncated or a length edited; the checkpoint covers {size} entries",
                _ => $"{LogFile.Entries}: ends at byte {entries.Length} after {count} entries, but the checkpoint covers {size}: entries were deleted or the file truncated",
            });
        }
        else
        {
            Extra(LogFile.Entries, entries.Length, reader.Tail, notes);
            Extra(LogFile.Index, index.Length, size * 8, notes);
            Extra(LogFile.Hashes, stored.Length, StoredHashIndex.Count(size) * Hash.Size, notes);
        }
        return Finish(problems, notes, state, count);
    }

    private static Stream OpenOrEmpty(string path, int buffer) => File.Exists(path) ? LogFile.OpenRead(path, buffer) : new MemoryStream();

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

    private sealed class SignatureComparer : IEqualityComparer<NoteSignature>
    {
        public static readonly SignatureComparer Instance = new();
        public bool Equals(NoteSignature? x, NoteSignature? y) => x is not null && y is not null && x.Name == y.Name && x.Id == y.Id && x.Signature.AsSpan().SequenceEqual(y.Signature);
        public int GetHashCode(NoteSignature s) => HashCode.Combine(s.Name, s.Id);
    }
}
