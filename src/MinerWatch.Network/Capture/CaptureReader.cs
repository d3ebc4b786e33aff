using System.Buffers.Binary;

namespace MinerWatch.Network.Capture;

/// <summary>
/// Reads packets from a pcap or pcapng capture, the format told by its first bytes (not by the file name). The
/// stream is read once, front to back, so a pipe or standard input works as well as a file. Damage is counted,
/// never thrown: <see cref="Malformed"/> counts the damaged places and <see cref="FirstProblem"/> says where the
/// first one is (byte offset, record or block number) and what was lost; every packet before it is kept, and a
/// pcapng reader reads on from the next valid block.
/// </summary>
/// <remarks>
/// Written here rather than taken from SharpPcap: reading a file through libpcap needs the native library, which a
/// fresh machine lacks, and its per-packet objects would cost more than the whole decode at the throughput we need.
/// </remarks>
public abstract class CaptureReader : IDisposable
{
    private readonly Stream _stream;
    // Unread bytes are _buffer[_start.._end]; _origin is the stream offset of _buffer[0].
    private byte[] _buffer = new byte[1 << 20];
    private int _start, _end;
    private long _origin;
    private bool _eof;

    /// <summary>Takes the stream with the bytes already read from it to tell the format.</summary>
    protected CaptureReader(Stream stream, ReadOnlySpan<byte> prefix)
    {
        _stream = stream;
        prefix.CopyTo(_buffer);
        _end = prefix.Length;
    }

    /// <summary>Damaged places that could not be read (truncated, corrupt lengths, trailing garbage).</summary>
    public long Malformed { get; protected set; }
    /// <summary>What was wrong with the first damaged place, where it is and what was lost, for the user.</summary>
    public string? FirstProblem { get; private set; }
    /// <summary>Bytes of the capture consumed so far: the offset of the next unread byte.</summary>
    public long BytesRead => _origin + _start;
    /// <summary>The next packet; false at the end of the capture, or at damage nothing can be read after.</summary>
    public abstract bool TryRead(out CapturePacket packet);

    /// <summary>Opens a capture file; throws <see cref="CaptureFormatException"/> when it is neither pcap nor pcapng.</summary>
    public static CaptureReader Open(string path)
    {
        // Unbuffered: the reader reads in large blocks of its own, so a second buffer would only copy twice.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        try
        {
            return Open(stream, path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>True when the bytes start with a pcap or pcapng magic number.</summary>
    public static bool IsCapture(ReadOnlySpan<byte> start) =>
        start.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(start) is PcapNgReader.SectionHeaderType or 0xA1B2C3D4 or 0xD4C3B2A1 or 0xA1B23C4D or 0x4D3CB2A1;

    /// <summary>Reads the capture in <paramref name="stream"/> (which it then owns); <paramref name="name"/> is for messages.</summary>
    public static CaptureReader Open(Stream stream, string name)
    {
        Span<byte> magic = stackalloc byte[4];
        var n = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (n < 4) throw new CaptureFormatException($"{name}: too short to be a capture ({n} bytes)");
        var value = BinaryPrimitives.ReadUInt32LittleEndian(magic);
        return value switch
        {
            PcapNgReader.SectionHeaderType => new PcapNgReader(stream, magic),
            0xA1B2C3D4 or 0xD4C3B2A1 or 0xA1B23C4D or 0x4D3CB2A1 => new PcapReader(stream, magic, value),
            _ => throw new CaptureFormatException($"{name}: not a pcap or pcapng capture, nor a Zeek or Suricata log (first bytes {Convert.ToHexString(magic)})"),
        };
    }

    protected void Problem(string what)
    {
        Malformed++;
        FirstProblem ??= what;
    }

    /// <summary>
    /// Makes up to <paramref name="count"/> unread bytes contiguous and returns how many there are (fewer only at the
    /// end of the stream); <paramref name="bytes"/> views them without consuming them.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    protected int Peek(int count, out ReadOnlySpan<byte> bytes)
    {
        if (_end - _start < count) Refill(count);
        var n = Math.Min(count, _end - _start);
        bytes = _buffer.AsSpan(_start, n);
        return n;
    }

    private void Refill(int count)
    {
        if (_buffer.Length - _start < count)
        {
            var have = _end - _start;
            var target = _buffer.Length >= count ? _buffer : new byte[Math.Max(count, _buffer.Length * 2)];
            Buffer.BlockCopy(_buffer, _start, target, 0, have);
            _buffer = target;
            _origin += _start;
            _start = 0;
            _end = have;
        }
        while (_end - _start < count && !_eof)
        {
            var n = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0) _eof = true;
            else _end += n;
        }
    }

    /// <summary>Consumes bytes peeked before; the memory they are in stays valid until the next peek.</summary>
    protected void Advance(int count) => _start += count;

    /// <summary>Unread bytes as memory, from <paramref name="offset"/> past the next unread byte.</summary>
    protected ReadOnlyMemory<byte> Buffered(int offset, int length) => _buffer.AsMemory(_start + offset, length);

    /// <summary>Consumes everything left and returns how many bytes that was.</summary>
    protected long SkipToEnd()
    {
        if (_stream.CanSeek)
        {
            // A file's length is known: no need to read gigabytes only to count them.
            var left = Math.Max(0, _stream.Length - _stream.Position) + (_end - _start);
            _origin += _start + left - _end;
            _start = _end;
            _eof = true;
            return left;
        }
        long skipped = 0;
        while (Peek(_buffer.Length, out var rest) > 0)
        {
            skipped += rest.Length;
            Advance(rest.Length);
        }
        return skipped;
    }

    /// <summary>Largest record we accept: a corrupt length beyond it would otherwise make us allocate gigabytes.</summary>
    /// <remarks>Wireshark's own bound for a packet is 256 KiB (some link types up to 16 MiB): no real capture has more.</remarks>
    protected const int MaxRecord = 16 << 20;

    public void Dispose()
    {
        _stream.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Input the network readers cannot read at all (not a capture, a pool list line that is neither a domain nor an
/// endpoint); the message says which file, where and what to do.
/// </summary>
public class NetworkInputException(string message) : Exception(message);

/// <summary>A file that is not a capture at all.</summary>
public sealed class CaptureFormatException(string message) : NetworkInputException(message);
