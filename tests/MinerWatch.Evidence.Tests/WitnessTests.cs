using System.Text;
using MinerWatch.Evidence.Log;
using MinerWatch.Evidence.Merkle;
using MinerWatch.Evidence.Notes;

namespace MinerWatch.Evidence.Tests;

public sealed class WitnessTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"witness-{Guid.NewGuid():N}");
    private readonly SignerKey _logKey = SignerKey.Generate("inspection.example.org/log");
    private readonly SignerKey _court = SignerKey.Generate("court.example/witness", VerifierKey.Cosignature);
    private readonly SignerKey _notary = SignerKey.Generate("notary.example/witness", VerifierKey.Cosignature);
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    public WitnessTests()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "log.key"), _logKey.ToString());
    }

    public void Dispose()
    {
        _logKey.Dispose();
        _court.Dispose();
        _notary.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private EvidenceLog NewLog() => EvidenceLog.Init(Path.Combine(_dir, "log"), "inspection.example.org/log", Path.Combine(_dir, "log.key"));

    private Witness Court => new(_court, Path.Combine(_dir, "court.state"));

    [Fact]
    public void Witnesses_cosign_consistent_growth_and_a_proof_then_needs_k_of_n()
    {
        using var log = NewLog();
        log.Append([Encoding.UTF8.GetBytes("finding 1")]);
        log.AddCosignature(Court.Cosign(log.Latest, log.Consistency, _logKey.Verifier, Now), _court.Verifier);
        log.Append([Encoding.UTF8.GetBytes("finding 2"), Encoding.UTF8.GetBytes("finding 3")]);
        log.AddCosignature(Court.Cosign(log.Latest, log.Consistency, null, Now), _court.Verifier);
        log.AddCosignature(new Witness(_notary, Path.Combine(_dir, "notary.state")).Cosign(log.Latest, log.Consistency, _logKey.Verifier, Now), _notary.Verifier);

        var proof = new TlogProof(null, 2, log.Inclusion(2, 3), SignedNote.Parse(log.Latest!.ToString()));
        var reread = TlogProof.Parse(proof.ToString());
        VerifierKey[] witnesses = [_court.Verifier, _notary.Verifier];

        Assert.Null(ProofVerifier.Verify(reread, _logKey.Verifier, Encoding.UTF8.GetBytes("finding 3"), witnesses, 2));
        Assert.Equal("the entry is not in the checkpointed tree at index 2: the proof does not lead to the root",
            ProofVerifier.Verify(reread, _logKey.Verifier, Encoding.UTF8.GetBytes("finding 4"), witnesses, 2));
        using var stranger = SignerKey.Generate("other.example/witness", VerifierKey.Cosignature);
        Assert.Equal("1 of the 2 witnesses cosigned the checkpoint; 2 are required",
            ProofVerifier.Verify(reread, _logKey.Verifier, Encoding.UTF8.GetBytes("finding 3"), [_court.Verifier, stranger.Verifier], 2));
        Assert.Equal($"the checkpoint is not signed by the log key court.example/witness+{_court.Verifier.Id:x8}",
            ProofVerifier.Verify(reread, _court.Verifier with { Type = VerifierKey.Ed25519 }, Encoding.UTF8.GetBytes("finding 3"), witnesses, 0));
    }

    [Fact]
    public void A_flipped_bit_in_a_cosignature_or_the_log_signature_fails()
    {
        using var log = NewLog();
        log.Append([Encoding.UTF8.GetBytes("finding 1")]);
        log.AddCosignature(Court.Cosign(log.Latest, log.Consistency, _logKey.Verifier, Now), _court.Verifier);
        var text = log.Latest.ToString();
        var proof = new TlogProof(null, 0, [], SignedNote.Parse(text));
        Assert.Null(ProofVerifier.Verify(proof, _logKey.Verifier, Encoding.UTF8.GetBytes("finding 1"), [_court.Verifier], 1));
        foreach (var signature in proof.Checkpoint.Signatures)
        {
            var flipped = signature with { Signature = [.. signature.Signature] };
            flipped.Signature[^1] ^= 0x40;
            var note = proof.Checkpoint with { Signatures = [.. proof.Checkpoint.Signatures.Select(s => s == signature ? flipped : s)] };
            Assert.NotNull(ProofVerifier.Verify(proof with { Checkpoint = note }, _logKey.Verifier, Encoding.UTF8.GetBytes("finding 1"), [_court.Verifier], 1));
        }
    }

    [Fact]
    public void A_witness_refuses_a_rollback_a_fork_and_an_inconsistent_tree()
    {
        using var log = NewLog();
        log.Append([.. Enumerable.Range(0, 5).Select(i => Encoding.UTF8.GetBytes($"e{i}"))]);
        Court.Cosign(log.Latest, log.Consistency, _logKey.Verifier, Now);
        var forkRoot = TreeHash.Leaf([1]);

        var older = SignedNote.Sign(new Checkpoint("inspection.example.org/log", 3, log.Root(3)).Body, _logKey);
        Assert.Equal("the log was rolled back: its checkpoint has size 3, but the witness cosigned size 5",
            Assert.Throws<EvidenceLogException>(() => Court.Cosign(older, log.Consistency, null, Now)).Message);

        var fork = SignedNote.Sign(new Checkpoint("inspection.example.org/log", 5, forkRoot).Body, _logKey);
        Assert.StartsWith("the log forked: a second root for size 5", Assert.Throws<EvidenceLogException>(() => Court.Cosign(fork, log.Consistency, null, Now)).Message);

        var rewritten = SignedNote.Sign(new Checkpoint("inspection.example.org/log", 8, forkRoot).Body, _logKey);
        Assert.StartsWith("the checkpoint of size 8 is not consistent with the cosigned size 5",
            Assert.Throws<EvidenceLogException>(() => Court.Cosign(rewritten, (_, _) => [forkRoot, forkRoot], null, Now)).Message);

        var unsigned = SignedNote.Sign(new Checkpoint("inspection.example.org/log", 6, forkRoot).Body, _notary);
        Assert.StartsWith("the checkpoint is not signed by the log's key", Assert.Throws<EvidenceLogException>(() => Court.Cosign(unsigned, log.Consistency, null, Now)).Message);
    }

    [Theory]
    [InlineData("{\"inspection.example.org/log\": {}}", "its verifier key is missing or malformed")]
    [InlineData("{\"inspection.example.org/log\": null}", "it is empty")]
    [InlineData("{\"inspection.example.org/log\": {\"VerifierKey\": \"KEY\", \"Size\": -5, \"Root\": \"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"}}", "its size -5 is negative")]
    [InlineData("{\"inspection.example.org/log\": {\"VerifierKey\": \"KEY\", \"Size\": 1, \"Root\": \"!!!\"}}", "its root is not a base64 SHA-256 hash")]
    public void A_damaged_witness_state_stops_the_witness(string state, string why)
    {
        using var log = NewLog();
        log.Append([Encoding.UTF8.GetBytes("finding 1")]);
        File.WriteAllText(Path.Combine(_dir, "court.state"), state.Replace("KEY", _logKey.Verifier.ToString()));
        var e = Assert.Throws<EvidenceLogException>(() => Court.Cosign(log.Latest, log.Consistency, _logKey.Verifier, Now));
        Assert.Equal($"witness state {Path.Combine(_dir, "court.state")}: the entry for inspection.example.org/log is damaged ({why}); restore the state file from a copy rather than cosign without it", e.Message);
    }
}
