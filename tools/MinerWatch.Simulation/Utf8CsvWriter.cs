using System.Buffers.Text;
using System.Text;

namespace MinerWatch.Simulation;

/// <summary>Number and date formatting straight into UTF-8 bytes: no strings per row.</summary>
internal static class Utf8Format
{
    private static readonly long[] Pow10 = [1, 10, 100, 1000, 10000, 100000, 1000000];

    /// <summary>Fixed-point decimal with exactly <paramref name="decimals"/> places (0-6).</summary>
    public static int Fixed(Span<byte> dest, double value, int decimals)
    {
        var scale = Pow10[decimals];
        var scaled = (long)Math.Round(value * scale, MidpointRounding.AwayFromZero);
        var pos = 0;
        if (scaled < 0)
        {
            dest[pos++] = (byte)'-';
            scaled = -scaled;
        }
        if (!Utf8Formatter.TryFormat(scaled / scale, dest[pos..], out var written))
            throw new ArgumentException("Destination too small.", nameof(dest));
        pos += written;
        if (decimals == 0)
            return pos;
        dest[pos++] = (byte)'.';
        var frac = scaled % scale;
        for (var i = decimals - 1; i >= 0; i--)
        {
            dest[pos + i] = (byte)('0' + (frac % 10));
            frac /= 10;
        }
        return pos + decimals;
    }

    public static void Digits(Span<byte> dest, int value, int width)
    {
        for (var i = width - 1; i >= 0; i--)
        {
            dest[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    /// <summary>yyyy-MM-dd</summary>
    public static void Date(Span<byte> dest, DateOnly date)
    {
        Digits(dest, date.Year, 4);
        dest[4] = (byte)'-';
        Digits(dest[5..], date.Month, 2);
        dest[7] = (byte)'-';
        Digits(dest[8..], date.Day, 2);
    }

    public const int TimestampLength = 25;

    /// <summary>ISO-8601 local time with offset: yyyy-MM-ddTHH:mm:ss+hh:mm.</summary>
    public static void Timestamp(Span<byte> dest, DateTime local, TimeSpan offset)
    {
        Date(dest, DateOnly.FromDateTime(local));
        dest[10] = (byte)'T';
        Digits(dest[11..], local.Hour, 2);
        dest[13] = (byte)':';
        Digits(dest[14..], local.Minute, 2);
        dest[16] = (byte)':';
        Digits(dest[17..], local.Second, 2);
        dest[19] = offset < TimeSpan.Zero ? (byte)'-' : (byte)'+';
        var abs = offset.Duration();
        Digits(dest[20..], (int)abs.TotalHours, 2);
        dest[22] = (byte)':';
        Digits(dest[23..], abs.Minutes, 2);
    }

    /// <summary>Every interval's timestamp, formatted once and shared by all meters and feeders.</summary>
    public static byte[] TimestampTable(DateOnly start, int intervals, TimeSpan interval, TimeSpan offset)
    {
        var table = new byte[intervals * TimestampLength];
        var t0 = start.ToDateTime(TimeOnly.MinValue);
        for (var k = 0; k < intervals; k++)
            Timestamp(table.AsSpan(k * TimestampLength, TimestampLength), t0 + (interval * k), offset);
        return table;
    }
}

/// <summary>Buffered UTF-8 CSV output.</summary>
internal sealed class Utf8CsvWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _pos;

    public Utf8CsvWriter(string path, string header)
    {
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 12);
        Text(header);
        EndRow();
    }

    private Span<byte> Reserve(int bytes)
    {
        if (_buffer.Length - _pos < bytes)
            Flush();
        return _buffer.AsSpan(_pos);
    }

    public void Raw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length / 2)
        {
            Flush();
            _stream.Write(bytes);
            return;
        }
        bytes.CopyTo(Reserve(bytes.Length));
        _pos += bytes.Length;
    }

    public void Text(string text)
    {
        // Reserve may flush and reset _pos, so it must run before _pos is read.
        var dest = Reserve(Encoding.UTF8.GetMaxByteCount(text.Length));
        _pos += Encoding.UTF8.GetBytes(text, dest);
    }

    public void Separator()
    {
        Reserve(1)[0] = (byte)',';
        _pos++;
    }

    public void EndRow()
    {
        Reserve(1)[0] = (byte)'\n';
        _pos++;
    }

    public void Fixed(double value, int decimals)
    {
        var dest = Reserve(32);
        _pos += Utf8Format.Fixed(dest, value, decimals);
    }

    public void Date(DateOnly date)
    {
        Utf8Format.Date(Reserve(10), date);
        _pos += 10;
    }

    public void Flush()
    {
        _stream.Write(_buffer, 0, _pos);
        _pos = 0;
    }

    public void Dispose()
    {
        Flush();
        _stream.Dispose();
    }
}
