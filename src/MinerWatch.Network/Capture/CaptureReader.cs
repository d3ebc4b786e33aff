using System.Buffers.Binary;

namespace MinerWatch.Network.Capture;

/// <summary>
/// Reads packets from a pcap or pcapng file, the format told by its first bytes (not by the file name). Damage is
/// counted, never thrown: a truncated record, a corrupt block length or garbage after the last block ends the read
/// with <see cref="Malformed"/> counting it, and every packet before it is kept.
/// </summary>
/// <remarks>
/// Written here rather than taken from SharpPcap: reading a file through libpcap needs the native library, which a
/// fresh machine lacks, and its per-packet objects would cost more than the whole decode at the throughput we need.
/// </remarks>
public abstract class CaptureReader : IDisposable
{
    private readonly Stream _stream;
    private byte[] _buffer = new byte[1 << 16];

    protected CaptureReader(Stream stream) => _stream = stream;

    /// <summary>Records that could not be read (truncated, corrupt lengths, trailing garbage).</summary>
    public long Malformed { get; protected set; }
    /// <summary>What was wrong with the first malformed record, for the user.</summary>
    public string? FirstProblem { get; private set; }
    public long BytesRead { get; private set; }

    public abstract bool TryRead(out CapturePacket packet);

    /// <summary>Opens a capture file; throws <see cref="CaptureFormatException"/> when it is neither pcap nor pcapng.</summary>
    public static CaptureReader Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
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

    public static CaptureReader Open(Stream stream, string name)
    {
        Span<byte> magic = stackalloc byte[4];
        var n = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (n < 4) throw new CaptureFormatException($"{name}: too short to be a capture ({n} bytes)");
        var value = BinaryPrimitives.ReadUInt32LittleEndian(magic);
        return value switch
        {
            PcapNgReader.SectionHeaderType => new PcapNgReader(stream),
            0xA1B2C3D4 or 0xD4C3B2A1 or 0xA1B23C4D or 0x4D3CB2A1 => new PcapReader(stream, value),
            _ => throw new CaptureFormatException($"{name}: not a pcap or pcapng capture, nor a Zeek or Suricata log (first bytes {Convert.ToHexString(magic)})"),
        };
    }

    protected void Problem(string what)
    {
        Malformed++;
        FirstProblem ??= what;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes into the internal buffer; false at a clean or truncated end.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    protected bool Fill(int count, out Span<byte> bytes) => FillPartial(count, out bytes) == count;

    /// <summary>Like <see cref="Fill"/>, but reports how many bytes there were when the stream ended early.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    protected int FillPartial(int count, out Span<byte> bytes)
    {
        if (_buffer.Length < count) _buffer = new byte[Math.Max(count, _buffer.Length * 2)];
        var n = _stream.ReadAtLeast(_buffer.AsSpan(0, count), count, throwOnEndOfStream: false);
        BytesRead += n;
        bytes = _buffer.AsSpan(0, count);
        return n;
    }

    protected ReadOnlyMemory<byte> Buffered(int offset, int length) => _buffer.AsMemory(offset, length);

    /// <summary>Largest record we accept: a corrupt length beyond it would otherwise make us allocate gigabytes.</summary>
    protected const int MaxRecord = 16 << 20;

    public void Dispose()
    {
        _stream.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A file that is not a capture at all.</summary>
public sealed class CaptureFormatException(string message) : Exception(message);
