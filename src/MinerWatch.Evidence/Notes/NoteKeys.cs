using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace MinerWatch.Evidence.Notes;

/// <summary>A note that cannot be read or checked: the message says what is wrong.</summary>
public sealed class NoteException(string message) : Exception(message);

/// <summary>
/// A public key in the C2SP signed-note verifier-key form `name+hash+base64(type || key)`: type 0x01 is an Ed25519
/// note signature, 0x04 an Ed25519 cosignature (c2sp.org/tlog-cosignature); hash is the first 4 bytes of
/// SHA-256(name || "\n" || type || key) in hex.
/// </summary>
public sealed record VerifierKey(string Name, uint Id, byte Type, byte[] PublicKey)
{
    public const byte Ed25519 = 0x01;
    public const byte Cosignature = 0x04;

    public static uint KeyId(string name, byte type, ReadOnlySpan<byte> key)
    {
        var input = new byte[Encoding.UTF8.GetByteCount(name) + 2 + key.Length];
        var n = Encoding.UTF8.GetBytes(name, input);
        input[n] = (byte)'\n';
        input[n + 1] = type;
        key.CopyTo(input.AsSpan(n + 2));
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    public override string ToString() => $"{Name}+{Id:x8}+{Convert.ToBase64String([Type, .. PublicKey])}";

    public static VerifierKey Parse(string text)
    {
        // The base64 key may itself hold '+': only the first two '+' separate fields.
        var parts = text.Trim().Split('+', 3);
        if (parts.Length != 3) throw new NoteException($"a verifier key is name+hash+key, three fields joined by '+'; '{Shorten(text)}' has {parts.Length}");
        var (name, hex, encoded) = (parts[0], parts[1], parts[2]);
        CheckName(name);
        if (hex.Length != 8 || !uint.TryParse(hex, System.Globalization.NumberStyles.HexNumber, null, out var id))
            throw new NoteException($"verifier key {name}: the key hash '{hex}' is not 8 hex digits");
        if (!StrictBase64.TryDecode(encoded, out var bytes)) throw new NoteException($"verifier key {name}: the key is not base64");
        if (bytes.Length != 33 || bytes[0] is not (Ed25519 or Cosignature))
            throw new NoteException($"verifier key {name}: only Ed25519 keys (type 0x01, or 0x04 for cosignatures, then 32 bytes) are supported");
        var key = bytes[1..];
        if (KeyId(name, bytes[0], key) != id) throw new NoteException($"verifier key {name}: the key hash {hex} does not match the key");
        return new VerifierKey(name, id, bytes[0], key);
    }

    /// <summary>Key names are non-empty, without spaces, plus signs or newlines.</summary>
    public static void CheckName(string name)
    {
        if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c == '+'))
            throw new NoteException($"key name '{name}' must be non-empty, without spaces or '+'");
    }

    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        SignatureAlgorithm.Ed25519.Verify(NSec.Cryptography.PublicKey.Import(SignatureAlgorithm.Ed25519, PublicKey, KeyBlobFormat.RawPublicKey), message, signature);

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "...";
}

/// <summary>
/// A private signing key in the signed-note form `PRIVATE+KEY+name+hash+base64(type || seed)` (the form Go's
/// golang.org/x/mod/sumdb/note writes), with its verifier key. Keep the file owner-only.
/// </summary>
public sealed class SignerKey : IDisposable
{
    private readonly Key _key;

    public string Name { get; }
    public byte Type { get; }
    public VerifierKey Verifier { get; }

    private SignerKey(string name, byte type, Key key)
    {
        Name = name;
        Type = type;
        _key = key;
        var pub = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        Verifier = new VerifierKey(name, VerifierKey.KeyId(name, type, pub), type, pub);
    }

    public static SignerKey Generate(string name, byte type = VerifierKey.Ed25519)
    {
        VerifierKey.CheckName(name);
        // Others' keys are read as the format allows; a new one gets a name that prints as it reads.
        if (name.Any(char.IsControl)) throw new NoteException("a new key's name must not hold control characters");
        return new SignerKey(name, type, Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));
    }

    public static SignerKey Parse(string text)
    {
        var parts = text.Trim().Split('+', 5);
        if (parts.Length != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY")
            throw new NoteException("a signer key is PRIVATE+KEY+name+hash+key");
        var name = parts[2];
        VerifierKey.CheckName(name);
        if (!StrictBase64.TryDecode(parts[4], out var bytes)) throw new NoteException($"signer key {name}: the key is not base64");
        if (bytes.Length != 33 || bytes[0] is not (VerifierKey.Ed25519 or VerifierKey.Cosignature))
            throw new NoteException($"signer key {name}: only Ed25519 keys (type 0x01 or 0x04, then a 32-byte seed) are supported");
        var key = Key.Import(SignatureAlgorithm.Ed25519, bytes[1..], KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var signer = new SignerKey(name, bytes[0], key);
        if (!uint.TryParse(parts[3], System.Globalization.NumberStyles.HexNumber, null, out var id) || id != signer.Verifier.Id)
        {
            signer.Dispose();
            throw new NoteException($"signer key {name}: the key hash '{parts[3]}' does not match the key");
        }
        return signer;
    }

    public override string ToString() =>
        $"PRIVATE+KEY+{Name}+{Verifier.Id:x8}+{Convert.ToBase64String([Type, .. _key.Export(KeyBlobFormat.RawPrivateKey)])}";

    public byte[] Sign(ReadOnlySpan<byte> message) => SignatureAlgorithm.Ed25519.Sign(_key, message);

    public void Dispose() => _key.Dispose();
}
