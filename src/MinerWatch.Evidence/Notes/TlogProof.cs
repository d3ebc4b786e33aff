using System.Globalization;
using System.Text;
using MinerWatch.Evidence.Merkle;

namespace MinerWatch.Evidence.Notes;

/// <summary>
/// A c2sp.org/tlog-proof@v1: optional extra data (here: the entry's record, when the leaf is a record about a file),
/// the entry's index, its inclusion proof, an empty line, then the signed checkpoint with any cosignatures.
/// </summary>
public sealed record TlogProof(byte[]? Extra, long Index, IReadOnlyList<Hash> Path, SignedNote Checkpoint)
{
    public const string Header = "c2sp.org/tlog-proof@v1";

    public override string ToString()
    {
        var text = new StringBuilder(Header).Append('\n');
        if (Extra is not null) text.Append("extra ").Append(Convert.ToBase64String(Extra)).Append('\n');
        text.Append("index ").Append(Index.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var h in Path) text.Append(h.ToBase64()).Append('\n');
        return text.Append('\n').Append(Checkpoint.ToString()).ToString();
    }

    public static TlogProof Parse(string text)
    {
        var lines = text.Split('\n');
        if (lines[0] != Header) throw new NoteException($"a proof starts with the line {Header}");
        var at = 1;
        byte[]? extra = null;
        if (at < lines.Length && lines[at].StartsWith("extra ", StringComparison.Ordinal))
        {
            if (!StrictBase64.TryDecode(lines[at]["extra ".Length..], out extra)) throw new NoteException("the proof's extra line is not base64");
            at++;
        }
        if (at >= lines.Length || !lines[at].StartsWith("index ", StringComparison.Ordinal))
            throw new NoteException("the proof has no 'index N' line");
        var number = lines[at]["index ".Length..];
        if (number.Length == 0 || !number.All(char.IsAsciiDigit) || (number.Length > 1 && number[0] == '0') || !long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            throw new NoteException($"the proof's index '{number}' is not a decimal number without leading zeros");
        at++;
        var path = new List<Hash>();
        for (; at < lines.Length && lines[at].Length > 0; at++)
        {
            if (!Hash.TryParseBase64(lines[at], out var h)) throw new NoteException($"proof line {at + 1} is not a 32-byte base64 hash");
            path.Add(h);
        }
        if (at >= lines.Length) throw new NoteException("the proof has no empty line before its checkpoint");
        var note = SignedNote.Parse(string.Join('\n', lines[(at + 1)..]));
        return new TlogProof(extra, index, path, note);
    }
}
