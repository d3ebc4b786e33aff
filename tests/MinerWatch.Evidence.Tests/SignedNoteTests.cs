using MinerWatch.Evidence.Notes;

namespace MinerWatch.Evidence.Tests;

/// <summary>Against the example of Go's golang.org/x/mod/sumdb/note (BSD-3-Clause): a fixed key and the exact note it signs.</summary>
public class SignedNoteTests
{
    private const string Signer = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private const string Verifier = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string Text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    private const string Expected = Text + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    [Fact]
    public void Go_sumdb_example_note_is_reproduced_byte_for_byte()
    {
        using var key = SignerKey.Parse(Signer);

        Assert.Equal(Verifier, key.Verifier.ToString());
        Assert.Equal(Expected, SignedNote.Sign(Text, key).ToString());
        Assert.Equal(Signer, key.ToString());
    }

    [Fact]
    public void The_example_note_verifies_and_a_changed_text_or_signature_does_not()
    {
        var key = VerifierKey.Parse(Verifier);
        Assert.True(SignedNote.Parse(Expected).IsSignedBy(key));
        Assert.False(SignedNote.Parse(Expected.Replace("cryptography", "Cryptography")).IsSignedBy(key));
        Assert.False(SignedNote.Parse(Expected.Replace("x08go", "x08gp")).IsSignedBy(key));
    }

    [Theory]
    [InlineData("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "verifier key PeterNeumann: the key hash c74f20a4 does not match the key")]
    [InlineData("PeterNeumann+c74f20a3", "a verifier key is name+hash+key, three fields joined by '+'; 'PeterNeumann+c74f20a3' has 2")]
    [InlineData("Peter Neumann+c74f20a3+ARpc", "key name 'Peter Neumann' must be non-empty, without spaces or '+'")]
    [InlineData("PeterNeumann+c74f20a3+!!!", "verifier key PeterNeumann: the key is not base64")]
    [InlineData("PeterNeumann+c74f20a3+AhpcZHV1", "verifier key PeterNeumann: only Ed25519 keys (type 0x01, or 0x04 for cosignatures, then 32 bytes) are supported")]
    public void Malformed_verifier_keys_are_refused_with_the_reason(string text, string message)
    {
        Assert.Equal(message, Assert.Throws<NoteException>(() => VerifierKey.Parse(text)).Message);
    }

    [Theory]
    [InlineData("no blank line\n\u2014 a AAAAAAA=\n", "a signed note has its text, an empty line, then signature lines; there is no empty line")]
    [InlineData("text\n\n- a AAAAAAAA\n", "signature line '- a AAAAAAAA' does not start with an em dash and a space")]
    [InlineData("text\n\n\u2014 a AAAAAAAA", "the last signature line does not end with a newline")]
    [InlineData("text\n\n\u2014 a @@@@\n", "the signature of a is not base64")]
    public void Malformed_notes_are_refused_with_the_reason(string note, string message)
    {
        Assert.Equal(message, Assert.Throws<NoteException>(() => SignedNote.Parse(note)).Message);
    }

    [Fact]
    public void A_generated_key_round_trips_through_its_text_forms()
    {
        using var key = SignerKey.Generate("inspection.example/log");
        using var again = SignerKey.Parse(key.ToString());
        var note = SignedNote.Sign("inspection.example/log\n3\nAAAA\n", again);

        Assert.Equal(key.Verifier, VerifierKey.Parse(key.Verifier.ToString()) with { PublicKey = key.Verifier.PublicKey });
        Assert.True(SignedNote.Parse(note.ToString()).IsSignedBy(VerifierKey.Parse(key.Verifier.ToString())));
    }
}

public class CheckpointTests
{
    [Theory]
    [InlineData("example.org/log\n12\n", "a checkpoint is an origin line, a tree size line and a root hash line, each ending in a newline")]
    [InlineData("\n12\nAAAA\n", "the checkpoint's origin line is empty")]
    [InlineData("example.org/log\n012\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "the checkpoint's tree size '012' is not a decimal number without leading zeros")]
    [InlineData("example.org/log\n-1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "the checkpoint's tree size '-1' is not a decimal number without leading zeros")]
    [InlineData("example.org/log\n12\nAAAA\n", "the checkpoint's root hash 'AAAA' is not 32 bytes of base64")]
    public void Malformed_checkpoints_are_refused_naming_the_line(string body, string message)
    {
        Assert.Equal(message, Assert.Throws<NoteException>(() => Checkpoint.Parse(body)).Message);
    }

    [Fact]
    public void A_checkpoint_with_extension_lines_round_trips()
    {
        var body = "example.org/log\n12\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nrecorded 2026-12-03\n";
        var checkpoint = Checkpoint.Parse(body);
        Assert.Equal(12, checkpoint.Size);
        Assert.Equal(["recorded 2026-12-03"], checkpoint.Extensions);
        Assert.Equal(body, checkpoint.Body);
    }
}
