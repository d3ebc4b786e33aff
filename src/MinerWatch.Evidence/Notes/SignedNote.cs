using System.Text;

namespace MinerWatch.Evidence.Notes;

/// <summary>One signature line of a note: the key's name, its 4-byte id, and the signature bytes after the id.</summary>
public sealed record NoteSignature(string Name, uint Id, byte[] Signature)
{
    public string Line => $"\u2014 {Name} {Convert.ToBase64String([.. BigEndian(Id), .. Signature])}\n";

    private static byte[] BigEndian(uint v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];
}

/// <summary>
/// A C2SP signed note (c2sp.org/signed-note): UTF-8 text of one or more lines each ending in a newline, an empty
/// line, then signature lines `— name base64(keyid || signature)`. The signature covers the text exactly.
/// </summary>
public sealed record SignedNote(string Text, IReadOnlyList<NoteSignature> Signatures)
{
    private const string Dash = "\u2014 ";

    public override string ToString() => Text + "\n" + string.Concat(Signatures.Select(s => s.Line));

    public static SignedNote Sign(string text, params SignerKey[] signers)
    {
        CheckText(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        return new SignedNote(text, [.. signers.Select(k => new NoteSignature(k.Name, k.Verifier.Id, k.Sign(bytes)))]);
    }

    public SignedNote With(NoteSignature signature) => this with { Signatures = [.. Signatures, signature] };

    /// <summary>Splits a note into text and signature lines; throws <see cref="NoteException"/> saying what is malformed.</summary>
    public static SignedNote Parse(string note)
    {
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0) throw new NoteException("a signed note has its text, an empty line, then signature lines; there is no empty line");
        var text = note[..(split + 1)];
        CheckText(text);
        var lines = note[(split + 2)..];
        if (!lines.EndsWith('\n')) throw new NoteException("the last signature line does not end with a newline");
        var signatures = new List<NoteSignature>();
        foreach (var line in lines[..^1].Split('\n'))
        {
            if (!line.StartsWith(Dash, StringComparison.Ordinal)) throw new NoteException($"signature line '{line}' does not start with an em dash and a space");
            var parts = line[Dash.Length..].Split(' ');
            if (parts.Length != 2) throw new NoteException($"signature line '{line}' is not '— name signature'");
            if (!StrictBase64.TryDecode(parts[1], out var bytes)) throw new NoteException($"the signature of {parts[0]} is not base64");
            if (bytes.Length < 5) throw new NoteException($"the signature of {parts[0]} is too short");
            var id = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
            signatures.Add(new NoteSignature(parts[0], id, bytes[4..]));
        }
        if (signatures.Count == 0) throw new NoteException("the note has no signatures");
        return new SignedNote(text, signatures);
    }

    /// <summary>Whether <paramref name="key"/> signed this note (a signature line with its name and id that verifies).</summary>
    public bool IsSignedBy(VerifierKey key) =>
        key.Type == VerifierKey.Ed25519
        && Signatures.Any(s => s.Name == key.Name && s.Id == key.Id && s.Signature.Length == 64 && key.Verify(Encoding.UTF8.GetBytes(Text), s.Signature));

    private static void CheckText(string text)
    {
        if (text.Length == 0 || !text.EndsWith('\n')) throw new NoteException("a note's text must be non-empty and end with a newline");
        if (text.Contains("\n\n", StringComparison.Ordinal) || text.StartsWith('\n')) throw new NoteException("a note's text cannot hold an empty line");
        if (text.Any(c => char.IsControl(c) && c != '\n')) throw new NoteException("a note's text cannot hold control characters other than newlines");
    }
}
