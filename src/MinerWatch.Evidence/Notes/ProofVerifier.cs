using System.Buffers.Binary;
using System.Security.Cryptography;
using MinerWatch.Evidence.Log;
using MinerWatch.Evidence.Merkle;

namespace MinerWatch.Evidence.Notes;

/// <summary>
/// Checks a tlog proof offline, with no access to the log: the checkpoint is signed by the log's key, the file is the
/// entry (or matches the entry's record), the inclusion proof leads from the entry to the checkpoint's root, and at
/// least k of the given witnesses cosigned the checkpoint.
/// </summary>
public static class ProofVerifier
{
    /// <summary>Null when the proof holds; otherwise why not.</summary>
    public static string? Verify(TlogProof proof, VerifierKey log, ReadOnlySpan<byte> file, IReadOnlyList<VerifierKey> witnesses, int minWitnesses)
    {
        if (!proof.Checkpoint.IsSignedBy(log)) return $"the checkpoint is not signed by the log key {log.Name}+{log.Id:x8}";
        Checkpoint checkpoint;
        try
        {
            checkpoint = Checkpoint.Parse(proof.Checkpoint.Text);
        }
        catch (NoteException e)
        {
            return $"the checkpoint is malformed: {e.Message}";
        }
        byte[] leaf;
        if (proof.Extra is { } extra)
        {
            if (EvidenceRecord.FromLeaf(extra) is not { } record) return "the proof's extra data is not an evidence record";
            var sha = Convert.ToHexStringLower(SHA256.HashData(file));
            if (!string.Equals(sha, record.Sha256, StringComparison.OrdinalIgnoreCase))
                return $"the file's SHA-256 is {sha}, but the logged record of {record.File} says {record.Sha256}: the file was changed";
            leaf = extra;
        }
        else leaf = file.ToArray();
        if (Proofs.VerifyInclusion(proof.Index, checkpoint.Size, TreeHash.Leaf(leaf), proof.Path, checkpoint.Root) is { } why)
            return $"the entry is not in the checkpointed tree at index {proof.Index}: {why}";
        // A witness named twice is still one witness.
        var distinct = witnesses.DistinctBy(w => (w.Name, w.Id)).ToList();
        var cosigned = distinct.Count(w => IsCosignedBy(proof.Checkpoint, w));
        if (cosigned < minWitnesses) return $"{cosigned} of the {distinct.Count} witnesses cosigned the checkpoint; {minWitnesses} are required";
        return null;
    }

    /// <summary>An Ed25519 cosignature (c2sp.org/tlog-cosignature) by <paramref name="witness"/> on the note's checkpoint.</summary>
    public static bool IsCosignedBy(SignedNote note, VerifierKey witness) =>
        witness.Type == VerifierKey.Cosignature
        && note.Signatures.Any(s => s.Name == witness.Name && s.Id == witness.Id && s.Signature.Length == 8 + 64
            && BinaryPrimitives.ReadUInt64BigEndian(s.Signature) <= long.MaxValue
            && witness.Verify(Checkpoint.CosignedMessage(note.Text, BinaryPrimitives.ReadUInt64BigEndian(s.Signature)), s.Signature.AsSpan(8)));

    /// <summary>A witness's cosignature line on the note, timestamped now.</summary>
    public static NoteSignature Cosign(SignedNote note, SignerKey witness, DateTimeOffset now)
    {
        var timestamp = (ulong)now.ToUnixTimeSeconds();
        var signature = witness.Sign(Checkpoint.CosignedMessage(note.Text, timestamp));
        var bytes = new byte[8 + signature.Length];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, timestamp);
        signature.CopyTo(bytes, 8);
        return new NoteSignature(witness.Name, witness.Verifier.Id, bytes);
    }
}
