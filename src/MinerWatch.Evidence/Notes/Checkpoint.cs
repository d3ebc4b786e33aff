using System.Globalization;
using MinerWatch.Evidence.Merkle;

namespace MinerWatch.Evidence.Notes;

/// <summary>
/// A C2SP tlog-checkpoint body (c2sp.org/tlog-checkpoint): the origin line, the tree size in decimal, the root hash
/// in base64, then any extension lines; signed as a note.
/// </summary>
public sealed record Checkpoint(string Origin, long Size, Hash Root, IReadOnlyList<string> Extensions)
{
    public Checkpoint(string origin, long size, Hash root) : this(origin, size, root, []) { }

    public string Body => $"{Origin}\n{Size.ToString(CultureInfo.InvariantCulture)}\n{Root.ToBase64()}\n" + string.Concat(Extensions.Select(e => e + "\n"));

    public static Checkpoint Parse(string body)
    {
        var lines = body.Split('\n');
        if (lines.Length < 4 || lines[^1] != "") throw new NoteException("a checkpoint is an origin line, a tree size line and a root hash line, each ending in a newline");
        var origin = lines[0];
        if (origin.Length == 0) throw new NoteException("the checkpoint's origin line is empty");
        if (lines[1].Length == 0 || lines[1].Length > 19 || !lines[1].All(char.IsAsciiDigit) || (lines[1].Length > 1 && lines[1][0] == '0')
            || !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            throw new NoteException($"the checkpoint's tree size '{lines[1]}' is not a decimal number without leading zeros");
        if (!Hash.TryParseBase64(lines[2], out var root)) throw new NoteException($"the checkpoint's root hash '{lines[2]}' is not 32 bytes of base64");
        return new Checkpoint(origin, size, root, lines[3..^1]);
    }

    /// <summary>
    /// The message an Ed25519 cosigner signs (c2sp.org/tlog-cosignature): "cosignature/v1", "time T", then the body.
    /// </summary>
    public static byte[] CosignedMessage(string body, ulong timestamp) =>
        System.Text.Encoding.UTF8.GetBytes($"cosignature/v1\ntime {timestamp.ToString(CultureInfo.InvariantCulture)}\n{body}");
}
