using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MinerWatch.Evidence.Merkle;
using MinerWatch.Evidence.Notes;

namespace MinerWatch.Evidence.Log;

/// <summary>A log that cannot be opened or appended to, or a request it cannot answer: the message says why.</summary>
public sealed class EvidenceLogException(string message) : Exception(message);

/// <summary>The names of a log's files; every one but <see cref="Lock"/> is evidence and is audited.</summary>
internal static class LogFile
{
    public const string Config = "config.json", Entries = "entries", Index = "entries.idx", Hashes = "hashes";
    public const string Checkpoints = "checkpoints", Checkpoint = "checkpoint", Lock = "lock", CheckpointTemp = "checkpoint.tmp", ConfigTemp = "config.json.tmp";

    public static readonly string[] Data = [Entries, Index, Hashes, Checkpoints];

    /// <summary>Nothing at all by that name: not a file, a directory or a link (even one that leads nowhere).</summary>
    public static bool Absent(string path) => !File.Exists(path) && !Directory.Exists(path) && FileKind.Of(path) is null && new FileInfo(path).LinkTarget is null;

    /// <summary>Opens a file to read only, sharing it with a writer that may be appending.</summary>
    public static FileStream OpenRead(string path, int buffer = 1 << 16) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, buffer, FileOptions.SequentialScan);
}

/// <summary>What a path is, as the file system says without following a link: on Linux from statx, elsewhere unknown (null).</summary>
internal static partial class FileKind
{
    public enum Type { Regular, Directory, Link, Other }

    public static Type? Of(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        // struct statx has one layout on every Linux architecture: stx_mode (u16) at byte 28.
        var buffer = new byte[256];
        try
        {
            if (Statx(AtCurrentDirectory, path, AtSymlinkNoFollow, StatxType, buffer) != 0) return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        return (BitConverter.ToUInt16(buffer, 28) & 0xF000) switch { 0x8000 => Type.Regular, 0x4000 => Type.Directory, 0xA000 => Type.Link, _ => Type.Other };
    }

    private const int AtCurrentDirectory = -100, AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "statx", StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, [System.Runtime.InteropServices.Out] byte[] buffer);
}

/// <summary>Reads the complete-subtree hashes stored in a log's `hashes` file, 32 bytes each in <see cref="StoredHashIndex"/> order.</summary>
internal sealed class FileHashes(Microsoft.Win32.SafeHandles.SafeFileHandle handle) : IHashReader
{
    public Hash Read(int level, long index)
    {
        Span<byte> buffer = stackalloc byte[Hash.Size];
        var offset = StoredHashIndex.Of(level, index) * Hash.Size;
        if (RandomAccess.Read(handle, buffer, offset) != Hash.Size) throw new EvidenceLogException($"hashes: the file ends before node ({level}, {index}) at byte {offset}; run 'evidence verify'");
        return Hash.From(buffer);
    }
}

/// <summary>One length-prefixed record of a log file, where it starts and ends.</summary>
internal readonly record struct Record(byte[] Data, long Offset, long End);

/// <summary>
/// Length-prefixed records (u32 big-endian length, then the bytes) in an append-only file. A record whose bytes run
/// past the end of the file is a cut-short tail: what a crash leaves of an append, or what a truncation leaves.
/// </summary>
internal static class Records
{
    /// <summary>The largest record a log writes: an entry's data (a file logged with --raw) or a signed checkpoint.</summary>
    public const int MaxRecord = 64 << 20;

    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        stream.Write(length);
        stream.Write(data);
    }

    /// <summary>How reading stopped: at the end, at a record cut short, or at a length no writer writes.</summary>
    public enum Stop { End, CutShort, ImpossibleLength }

    /// <summary>
    /// Reads the records of a stream from its start until it ends or a record cannot be whole; <see cref="Stop"/>
    /// says which, and <see cref="Tail"/> where the unread bytes begin.
    /// </summary>
    public sealed class Reader(Stream stream, int maxRecord = MaxRecord, int minRecord = 0)
    {
        private readonly byte[] _length = new byte[4];

        public Stop Stop { get; private set; }
        public long Tail { get; private set; }
        public uint DeclaredLength { get; private set; }

        public bool TryRead(out Record record)
        {
            record = default;
            var start = stream.Position;
            Tail = start;
            var got = stream.ReadAtLeast(_length, 4, throwOnEndOfStream: false);
            if (got == 0)
            {
                Stop = Stop.End;
                return false;
            }
            if (got < 4)
            {
                Stop = Stop.CutShort;
                return false;
            }
            DeclaredLength = BinaryPrimitives.ReadUInt32BigEndian(_length);
            if (DeclaredLength > maxRecord || DeclaredLength < minRecord)
            {
                Stop = Stop.ImpossibleLength;
                return false;
            }
            var data = new byte[DeclaredLength];
            if (stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false) < data.Length)
            {
                Stop = Stop.CutShort;
                return false;
            }
            record = new Record(data, start, stream.Position);
            Tail = stream.Position;
            return true;
        }
    }
}

/// <summary>
/// A log's `config.json`: its origin and verifier key, and the verifier keys of the witnesses whose cosignatures it
/// keeps. Read strictly: an unknown or missing field is an error, since every byte of the file is evidence.
/// </summary>
internal sealed record LogConfig(string Origin, VerifierKey Key, IReadOnlyList<VerifierKey> Witnesses)
{
    /// <summary>An origin, a key and a few hundred witnesses' keys fit many times over.</summary>
    private const int MaxConfig = 1 << 20;

    public static LogConfig Read(string dir)
    {
        var path = Path.Combine(dir, LogFile.Config);
        if (LogFile.Absent(path)) throw new EvidenceLogException($"{dir} holds no log (no {LogFile.Config}); create one with 'evidence init'");
        var problems = new List<string>();
        var bytes = LogAudit.ReadSmall(dir, LogFile.Config, MaxConfig, problems, "") ?? throw new EvidenceLogException(problems[0]);
        try
        {
            using var json = JsonDocument.Parse(bytes);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new EvidenceLogException($"{LogFile.Config}: not a JSON object");
            string? origin = null, key = null;
            var witnesses = new List<VerifierKey>();
            var seen = new HashSet<string>();
            foreach (var field in root.EnumerateObject())
            {
                if (!seen.Add(field.Name)) throw new EvidenceLogException($"{LogFile.Config}: the field '{field.Name}' appears twice");
                switch (field.Name)
                {
                    case "origin" when field.Value.ValueKind == JsonValueKind.String: origin = field.Value.GetString(); break;
                    case "verifier_key" when field.Value.ValueKind == JsonValueKind.String: key = field.Value.GetString(); break;
                    case "witnesses" when field.Value.ValueKind == JsonValueKind.Array:
                        foreach (var w in field.Value.EnumerateArray())
                        {
                            var witness = w.ValueKind == JsonValueKind.String ? Canonical(w.GetString()!) : throw new EvidenceLogException($"{LogFile.Config}: a witness key is not a string");
                            if (witness.Type != VerifierKey.Cosignature) throw new EvidenceLogException($"{LogFile.Config}: witness key {witness} is not a cosignature key");
                            witnesses.Add(witness);
                        }
                        break;
                    default: throw new EvidenceLogException($"{LogFile.Config}: unexpected field '{field.Name}' (a log's config holds origin, verifier_key and witnesses)");
                }
            }
            if (string.IsNullOrEmpty(origin) || key is null) throw new EvidenceLogException($"{LogFile.Config}: origin or verifier_key is missing");
            var verifier = Canonical(key);
            if (verifier.Type != VerifierKey.Ed25519) throw new EvidenceLogException($"{LogFile.Config}: the log's verifier key {verifier} is not an Ed25519 log key");
            var config = new LogConfig(origin, verifier, witnesses);
            // JSON has many spellings of one value (escapes, spacing); the log writes one, so any other is an edit.
            if (!bytes.AsSpan().SequenceEqual(config.ToJson())) throw new EvidenceLogException($"{LogFile.Config}: not written as the log writes it (edited: every byte of it is evidence)");
            return config;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or DecoderFallbackException)
        {
            throw new EvidenceLogException($"{LogFile.Config}: not valid JSON ({e.Message})");
        }
        catch (NoteException e)
        {
            throw new EvidenceLogException($"{LogFile.Config}: {e.Message}");
        }
    }

    /// <summary>A key as the log wrote it: another spelling of the same key (upper-case hex) is an edit.</summary>
    private static VerifierKey Canonical(string text)
    {
        var key = VerifierKey.Parse(text);
        if (key.ToString() != text) throw new EvidenceLogException($"{LogFile.Config}: the key '{text}' is not written as the log wrote it ({key})");
        return key;
    }

    public byte[] ToJson()
    {
        var fields = new Dictionary<string, object> { ["origin"] = Origin, ["verifier_key"] = Key.ToString() };
        if (Witnesses.Count > 0) fields["witnesses"] = Witnesses.Select(w => w.ToString()).ToArray();
        return JsonSerializer.SerializeToUtf8Bytes(fields, JsonOptions);
    }

    // Keys hold '+', which the default encoder escapes as \u002B: written plainly, the file reads as the keys do.
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>
/// The writers' lock: an exclusive OS file lock (flock on Unix) on the log's `lock` file, held for the whole of an
/// append and released by the OS if the process dies. A second writer waits for it, then fails saying who holds the log.
/// </summary>
internal sealed class WriterLock : IDisposable
{
    private readonly FileStream _file;

    private WriterLock(FileStream file) => _file = file;

    public static WriterLock Acquire(string path, TimeSpan wait, string holder = "another writer is appending to the log")
    {
        if (Directory.Exists(path)) throw new EvidenceLogException($"{path} is a directory; it must be the writers' lock file: remove it");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive advisory lock that every other writer asks for too.
                return new WriterLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (File.Exists(path) && waited.Elapsed < wait)
            {
                Thread.Sleep(20);
            }
            catch (IOException) when (File.Exists(path))
            {
                throw new EvidenceLogException($"{holder} (it holds {path}); waited {wait.TotalSeconds:0.#} s for it to finish: try again when it has");
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
