namespace MinerWatch.Energy;

/// <summary>
/// A value or file a user can fix: a name that matches no model, an impossible figure, a malformed row.
/// The message says what is wrong and, for a file, where (<c>FILE:LINE: reason</c>).
/// </summary>
public sealed class EnergyInputException : Exception
{
    public EnergyInputException(string message) : base(message) { }

    public EnergyInputException(string file, long line, string reason)
        : base(line > 0 ? $"{file}:{line}: {reason}" : $"{file}: {reason}") { }
}
