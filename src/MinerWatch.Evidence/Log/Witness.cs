using System.Text.Json;
using MinerWatch.Evidence.Merkle;
using MinerWatch.Evidence.Notes;

namespace MinerWatch.Evidence.Log;

/// <summary>
/// A witness (c2sp.org/tlog-witness semantics): a second party that remembers the last checkpoint it cosigned for a
/// log, and cosigns a new one only when it is signed by the log's key and provably consistent with that one: never a
/// smaller tree (a rollback), never another root for the same size (a fork). Its state file holds, per origin, the
/// log's verifier key and the last size and root it cosigned.
/// </summary>
public sealed class Witness(SignerKey witnessKey, string stateFile)
{
    private sealed record LogState(string VerifierKey, long Size, string Root);

    private Dictionary<string, LogState> Load()
    {
        if (!File.Exists(stateFile)) return [];
        Dictionary<string, LogState?>? state;
        try
        {
            state = JsonSerializer.Deserialize<Dictionary<string, LogState?>>(File.ReadAllText(stateFile));
        }
        catch (JsonException e)
        {
            throw new EvidenceLogException($"witness state {stateFile} is not valid JSON: {e.Message}");
        }
        // What the witness remembers is what stops a rollback or a fork: a damaged memory must stop it, not reset it.
        foreach (var (origin, log) in state ?? [])
        {
            var damaged = log is null ? "it is empty"
                : log.VerifierKey is null || !IsKey(log.VerifierKey) ? "its verifier key is missing or malformed"
                : log.Size < 0 ? $"its size {log.Size} is negative"
                : log.Root is null || !Hash.TryParseBase64(log.Root, out _) ? "its root is not a base64 SHA-256 hash"
                : null;
            if (damaged is not null) throw new EvidenceLogException($"witness state {stateFile}: the entry for {origin} is damaged ({damaged}); restore the state file from a copy rather than cosign without it");
        }
        return (state ?? []).ToDictionary(kv => kv.Key, kv => kv.Value!);
    }

    private static bool IsKey(string text)
    {
        try
        {
            return VerifierKey.Parse(text).Type == VerifierKey.Ed25519;
        }
        catch (NoteException)
        {
            return false;
        }
    }

    private void Save(Dictionary<string, LogState> state)
    {
        var temp = stateFile + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            file.Write(JsonSerializer.SerializeToUtf8Bytes(state, new JsonSerializerOptions { WriteIndented = true }));
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, stateFile, overwrite: true);
    }

    /// <summary>
    /// Checks <paramref name="note"/> (the log's latest checkpoint) against what this witness last cosigned, with the
    /// consistency proof from that size; returns the cosignature line, or throws naming what is wrong. The first time
    /// a log is seen its key must be given; afterwards the remembered key is used.
    /// </summary>
    public NoteSignature Cosign(SignedNote note, Func<long, long, IReadOnlyList<Hash>> consistency, VerifierKey? logKey, DateTimeOffset now)
    {
        // Two cosigning runs at once would both check against the same remembered state and could cosign a fork.
        using var held = WriterLock.Acquire(stateFile + ".lock", EvidenceLog.DefaultWait, "another run of this witness is cosigning");
        var checkpoint = Checkpoint.Parse(note.Text);
        var state = Load();
        state.TryGetValue(checkpoint.Origin, out var last);
        var key = last is not null ? VerifierKey.Parse(last.VerifierKey) : logKey
            ?? throw new EvidenceLogException($"the witness has not seen {checkpoint.Origin} before: give the log's verifier key");
        if (logKey is not null && last is not null && logKey.ToString() != last.VerifierKey)
            throw new EvidenceLogException($"the witness knows {checkpoint.Origin} by the key {last.VerifierKey}, not {logKey}");
        if (!note.IsSignedBy(key)) throw new EvidenceLogException($"the checkpoint is not signed by the log's key {key}");
        if (last is not null)
        {
            var lastRoot = Hash.TryParseBase64(last.Root, out var root) ? root : throw new EvidenceLogException($"witness state {stateFile}: the root for {checkpoint.Origin} is malformed");
            if (checkpoint.Size < last.Size)
                throw new EvidenceLogException($"the log was rolled back: its checkpoint has size {checkpoint.Size}, but the witness cosigned size {last.Size}");
            if (checkpoint.Size == last.Size && checkpoint.Root != lastRoot)
                throw new EvidenceLogException($"the log forked: a second root for size {last.Size} ({checkpoint.Root.ToBase64()} against the cosigned {last.Root})");
            if (checkpoint.Size > last.Size && last.Size > 0
                && Proofs.VerifyConsistency(last.Size, checkpoint.Size, lastRoot, checkpoint.Root, consistency(last.Size, checkpoint.Size)) is { } why)
                throw new EvidenceLogException($"the checkpoint of size {checkpoint.Size} is not consistent with the cosigned size {last.Size}: {why}");
        }
        state[checkpoint.Origin] = new LogState(key.ToString(), checkpoint.Size, checkpoint.Root.ToBase64());
        Save(state);
        return ProofVerifier.Cosign(note, witnessKey, now);
    }
}
