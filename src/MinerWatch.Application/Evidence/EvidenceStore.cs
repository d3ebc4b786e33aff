using MinerWatch.Evidence.Log;
using MinerWatch.Evidence.Notes;

namespace MinerWatch.Application.Evidence;

/// <summary>
/// The deployment's evidence log in its data directory, held open for writing for the life of the process (its OS lock
/// keeps a second server off it), signed with the deployment's key. Appends are serialized; proofs read the same log.
/// </summary>
public sealed class EvidenceStore : IDisposable
{
    private readonly EvidenceLog _log;
    private readonly Lock _gate = new();

    private EvidenceStore(string dir, EvidenceLog log)
    {
        Directory = dir;
        _log = log;
    }

    public string Directory { get; }
    public VerifierKey Key => _log.Key;

    /// <summary>Opens the log in <c>DIR/evidence</c>, creating it and its key (<c>DIR/evidence.key</c>, owner-only) the first time.</summary>
    public static EvidenceStore OpenOrCreate(string dataDir, string origin)
    {
        var dir = Path.Combine(dataDir, "evidence");
        var keyFile = Path.Combine(dataDir, "evidence.key");
        if (!File.Exists(keyFile))
        {
            using var key = SignerKey.Generate(origin.Split('/')[0]);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var writer = new StreamWriter(keyFile, options)) writer.WriteLine(key.ToString());
        }
        var log = File.Exists(Path.Combine(dir, "config.json")) ? EvidenceLog.OpenWriter(dir, keyFile) : EvidenceLog.Init(dir, origin, keyFile);
        return new EvidenceStore(dir, log);
    }

    public long Size
    {
        get { lock (_gate) return _log.Size; }
    }

    /// <summary>Appends the entries under one new checkpoint; returns their indices.</summary>
    public IReadOnlyList<long> Append(IReadOnlyList<byte[]> entries)
    {
        lock (_gate) return _log.Append(entries);
    }

    public string Checkpoint()
    {
        lock (_gate) return _log.Latest.ToString();
    }

    public byte[] Entry(long index)
    {
        lock (_gate) return _log.Entry(index);
    }

    /// <summary>A c2sp.org/tlog-proof@v1 of entry <paramref name="index"/> against the latest checkpoint.</summary>
    public string Proof(long index)
    {
        lock (_gate)
        {
            var leaf = _log.Entry(index);
            var path = _log.Inclusion(index, _log.Size);
            return new TlogProof(EvidenceRecord.FromLeaf(leaf) is not null ? leaf : null, index, path, _log.Latest).ToString();
        }
    }

    /// <summary>Audits the whole log (read-only), as <c>minerwatch evidence verify</c> does.</summary>
    public static AuditReport Verify(string dir) => EvidenceLog.Verify(dir);

    public void Dispose() => _log.Dispose();

    public static string Sha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data));
}
