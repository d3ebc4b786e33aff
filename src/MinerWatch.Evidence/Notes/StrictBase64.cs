namespace MinerWatch.Evidence.Notes;

/// <summary>
/// Base64 that has one spelling per value. .NET's decoder ignores the unused low bits of the last character and
/// accepts whitespace, so two texts could decode to the same bytes: in evidence a changed byte must never read as
/// the same value, so the text must be exactly what encoding the bytes gives.
/// </summary>
internal static class StrictBase64
{
    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        var buffer = new byte[text.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64String(text, buffer, out var written)) return false;
        var decoded = buffer[..written];
        if (Convert.ToBase64String(decoded) != text) return false;
        bytes = decoded;
        return true;
    }
}
