namespace MinerWatch.Grid.Input;

/// <summary>Bad input a user can fix: names the file, the line (1-based, 0 when the whole file is at fault) and what is wrong.</summary>
public sealed class InputException(string file, long line, string reason)
    : Exception(line > 0 ? $"{file}:{line}: {reason}" : $"{file}: {reason}")
{
    public string File { get; } = file;
    public long Line { get; } = line;
    public string Reason { get; } = reason;
}

/// <summary>A row set aside in lenient mode, with the reason, so that nothing is lost silently.</summary>
public sealed record RejectedRow(string File, long Line, string Reason, string Raw);

/// <summary>
/// What to do with a bad row: stop at the first one (the default), or set it aside and go on.
/// Not thread-safe; one instance per scan.
/// </summary>
public sealed class RowPolicy
{
    private readonly Action<RejectedRow>? _onRejected;

    private RowPolicy(bool lenient, Action<RejectedRow>? onRejected)
    {
        Lenient = lenient;
        _onRejected = onRejected;
    }

    public static RowPolicy Strict { get; } = new(false, null);

    public static RowPolicy SetAside(Action<RejectedRow> onRejected) => new(true, onRejected);

    public bool Lenient { get; }

    public long RejectedCount { get; private set; }

    /// <summary>Throws <see cref="InputException"/> when strict; otherwise records the row and returns.</summary>
    public void Reject(string file, long line, string reason, ReadOnlySpan<char> raw) => Reject(file, line, reason, raw, 1);

    /// <summary>As <see cref="Reject(string, long, string, ReadOnlySpan{char})"/> for <paramref name="rows"/> rows set aside under one entry.</summary>
    public void Reject(string file, long line, string reason, ReadOnlySpan<char> raw, long rows)
    {
        if (!Lenient) throw new InputException(file, line, reason);
        RejectedCount += rows;
        _onRejected?.Invoke(new RejectedRow(file, line, reason, raw.ToString()));
    }
}
