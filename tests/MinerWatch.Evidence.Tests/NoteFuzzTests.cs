using System.Text;
using CsCheck;
using MinerWatch.Evidence.Merkle;
using MinerWatch.Evidence.Notes;

namespace MinerWatch.Evidence.Tests;

/// <summary>
/// Mutated and random signed notes, checkpoints, proofs and keys, read as the commands read them (bytes decoded as
/// UTF-8): each parses or throws <see cref="NoteException"/>, never anything else, and a proof that parses is then
/// checked without an exception. A mutant that still verifies must be the same proof.
/// </summary>
public sealed class NoteFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 5_000;

    private static readonly SignerKey Log = SignerKey.Generate("fuzz.example/log");
    private static readonly SignerKey Court = SignerKey.Generate("court.example/witness", VerifierKey.Cosignature);
    private static readonly byte[] Leaf = Encoding.UTF8.GetBytes("finding 3");

    private static (TlogProof Proof, string Text) ValidProof()
    {
        var tree = new MemoryHashes();
        foreach (var i in Enumerable.Range(0, 5)) tree.Append(TreeHash.Leaf(i == 3 ? Leaf : Encoding.UTF8.GetBytes($"finding {i}")));
        var note = SignedNote.Sign(new Checkpoint("fuzz.example/log", 5, Proofs.Root(tree, 5)).Body, Log);
        note = note.With(ProofVerifier.Cosign(note, Court, new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero)));
        var proof = new TlogProof(null, 3, Proofs.Inclusion(tree, 3, 5), note);
        return (proof, proof.ToString());
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        for (var m = random.Next(1, 6); m > 0; m--)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(5))
            {
                case 0 when at < bytes.Count: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1 when at < bytes.Count: bytes.RemoveRange(at, Math.Min(random.Next(1, 20), bytes.Count - at)); break;
                case 2: bytes.InsertRange(at, Encoding.UTF8.GetBytes(new[] { "\n", "\n\n", "\u2014 ", " ", "+", "=", "index ", "extra ", "0", "-1", "99999999999999999999" }[random.Next(11)])); break;
                case 3: bytes.Insert(at, (byte)random.Next(256)); break;
                default: bytes.RemoveRange(Math.Min(at, bytes.Count), bytes.Count - Math.Min(at, bytes.Count)); break;
            }
        }
        return [.. bytes];
    }

    [Fact]
    public void Mutated_and_random_proofs_notes_and_keys_parse_or_say_what_is_wrong()
    {
        var (valid, text) = ValidProof();
        var seeds = new (string Name, string Text, Action<string> Read)[]
        {
            ("proof", text, t =>
            {
                var proof = TlogProof.Parse(t);
                var verdict = ProofVerifier.Verify(proof, Log.Verifier, Leaf, [Court.Verifier], 1);
                if (verdict is null && proof.ToString() != valid.ToString()) throw new InvalidOperationException("a changed proof verified");
            }),
            ("checkpoint note", valid.Checkpoint.ToString(), t => Checkpoint.Parse(SignedNote.Parse(t).Text)),
            ("verifier key", Log.Verifier.ToString(), t => VerifierKey.Parse(t)),
            ("signer key", Log.ToString(), t => SignerKey.Parse(t).Dispose()),
        };
        var crashes = new List<string>();
        var refused = 0;
        var cases = 0;
        foreach (var (name, seed, read) in seeds)
        {
            var random = new Random(name.Length * 7919);
            var bytes = Encoding.UTF8.GetBytes(seed);
            for (var i = 0; i < Iterations; i++)
            {
                var mutant = i % 10 == 9 ? RandomBytes(random) : Mutate(bytes, random);
                cases++;
                try
                {
                    read(Encoding.UTF8.GetString(mutant));
                }
                catch (NoteException)
                {
                    refused++;
                }
                catch (Exception e)
                {
                    crashes.Add($"{name} mutant {i}: {e.GetType().Name}: {e.Message}");
                }
            }
        }
        output.WriteLine($"{cases} cases, {refused} refused as malformed, {crashes.Count} crashes");
        Assert.Empty(crashes);
    }

    [Fact]
    public void Any_text_parses_as_a_note_or_is_refused()
    {
        Gen.String.Sample(t =>
        {
            try
            {
                Checkpoint.Parse(SignedNote.Parse(t).Text);
            }
            catch (NoteException)
            {
            }
        }, iter: 20_000);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 400)];
        random.NextBytes(bytes);
        return bytes;
    }
}
