namespace MinerWatch.Network.Capture;

/// <summary>
/// Bytes already read from a stream to tell its format, followed by the rest of that stream: a pipe cannot be
/// rewound or opened again.
/// </summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
{
    private ReadOnlyMemory<byte> _prefix = prefix;
    private long _position;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n;
        if (!_prefix.IsEmpty)
        {
            n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
        }
        else n = rest.Read(buffer);
        _position += n;
        return n;
    }

    public override bool CanRead => true;
    /// <summary>Seekable as the stream under it is, so that a file's length stays known; seek only past the prefix.</summary>
    public override bool CanSeek => rest.CanSeek;
    public override bool CanWrite => false;
    public override long Length => rest.Length;
    public override long Position { get => rest.CanSeek ? rest.Position - _prefix.Length : _position; set => Seek(value, SeekOrigin.Begin); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => _prefix.IsEmpty ? rest.Seek(offset, origin) : throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
