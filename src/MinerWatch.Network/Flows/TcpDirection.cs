namespace MinerWatch.Network.Flows;

/// <summary>
/// One direction of a TCP connection put back in order: segments are delivered by sequence number, retransmitted
/// bytes once, and out-of-order segments held until the gap before them fills. A capture that starts mid-connection
/// starts at the first segment seen. A gap that never fills (a packet the capture missed) is skipped once the data
/// held behind it passes <see cref="MaxHeld"/>, and the consumer is told so it can resynchronise.
/// </summary>
internal sealed class TcpDirection
{
    public const int MaxHeld = 256 * 1024;
    private const int MaxAhead = 1 << 30;
    private uint _next;
    private bool _started;
    private SortedDictionary<uint, byte[]>? _held;
    private int _heldBytes;

    public long Delivered { get; private set; }
    public int Gaps { get; private set; }

    /// <summary>Adds a segment; gives <paramref name="receiver"/> each run of in-order bytes, and tells it when bytes were lost.</summary>
    /// <remarks>Generic over a struct receiver so that no delegate is allocated per packet.</remarks>
    public void Add<TReceiver>(uint sequence, bool syn, bool fin, ReadOnlySpan<byte> payload, TReceiver receiver) where TReceiver : IStreamReceiver
    {
        if (syn)
        {
            // The SYN takes one sequence number; data starts after it. A SYN in mid-stream (port reuse) starts over.
            _next = sequence + 1;
            _started = true;
            sequence++;
            _held = null;
            _heldBytes = 0;
        }
        if (payload.IsEmpty) return;
        if (!_started)
        {
            _next = sequence;
            _started = true;
        }
        var ahead = (int)(sequence - _next);
        // Far beyond any window: damage, or another connection on the same ports. Held data stays within 2^30 of
        // the next byte, where the sequence order below is consistent.
        if (ahead > MaxAhead) return;
        if (ahead > 0)
        {
            Hold(sequence, payload);
            if (_heldBytes > MaxHeld) SkipGap(receiver);
            return;
        }
        // Bytes before _next were delivered already (a retransmission or an overlap).
        // As a long: the difference of two sequence numbers can be int.MinValue, whose negation overflows.
        var skip = -(long)ahead;
        if (skip >= payload.Length) return;
        Emit(payload[(int)skip..], receiver);
        Drain(receiver);
    }

    private void Emit<TReceiver>(ReadOnlySpan<byte> bytes, TReceiver receiver) where TReceiver : IStreamReceiver
    {
        _next += (uint)bytes.Length;
        Delivered += bytes.Length;
        receiver.Data(bytes);
    }

    private void Hold(uint sequence, ReadOnlySpan<byte> payload)
    {
        _held ??= new SortedDictionary<uint, byte[]>(SequenceOrder.Instance);
        if (_held.TryGetValue(sequence, out var existing) && existing.Length >= payload.Length) return;
        if (existing is not null) _heldBytes -= existing.Length;
        _held[sequence] = payload.ToArray();
        _heldBytes += payload.Length;
    }

    private void Drain<TReceiver>(TReceiver receiver) where TReceiver : IStreamReceiver
    {
        while (_held is { Count: > 0 })
        {
            var (sequence, bytes) = First(_held);
            var ahead = (int)(sequence - _next);
            if (ahead > 0) return;
            if (!_held.Remove(sequence))
            {
                // Cannot happen with a consistent order; never loop on it.
                _held = null;
                _heldBytes = 0;
                return;
            }
            _heldBytes -= bytes.Length;
            var skip = -(long)ahead;
            if (skip < bytes.Length) Emit(bytes.AsSpan((int)skip), receiver);
        }
    }

    private void SkipGap<TReceiver>(TReceiver receiver) where TReceiver : IStreamReceiver
    {
        var (sequence, _) = First(_held!);
        _next = sequence;
        Gaps++;
        receiver.Gap();
        Drain(receiver);
    }

    private static KeyValuePair<uint, byte[]> First(SortedDictionary<uint, byte[]> held)
    {
        using var e = held.GetEnumerator();
        e.MoveNext();
        return e.Current;
    }

    /// <summary>Sequence numbers wrap at 2^32; within one connection's window the signed difference orders them.</summary>
    private sealed class SequenceOrder : IComparer<uint>
    {
        public static readonly SequenceOrder Instance = new();
        public int Compare(uint x, uint y) => ((int)(x - y)).CompareTo(0);
    }
}

/// <summary>Takes what one direction of a TCP connection delivers.</summary>
internal interface IStreamReceiver
{
    /// <summary>A run of in-order stream bytes; the span is valid only during the call.</summary>
    void Data(ReadOnlySpan<byte> data);

    /// <summary>Bytes were lost before the next run.</summary>
    void Gap();
}
