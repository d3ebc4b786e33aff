using System.Buffers.Binary;
using System.Text;
using MinerWatch.Network.Packets;

namespace MinerWatch.Network.Protocols;

/// <summary>A DNS message's question names and the addresses its answers give for them (A and AAAA, after CNAMEs).</summary>
public sealed record DnsMessage(bool IsResponse, IReadOnlyList<string> Questions, IReadOnlyList<(string Name, Endpoint Address)> Answers)
{
    /// <summary>Parses a DNS message (RFC 1035, with name compression); null when it is not one.</summary>
    public static DnsMessage? Parse(ReadOnlySpan<byte> m)
    {
        if (m.Length < 12) return null;
        var flags = BinaryPrimitives.ReadUInt16BigEndian(m[2..]);
        if ((flags >> 11 & 0xF) != 0) return null; // only standard queries
        int qd = BinaryPrimitives.ReadUInt16BigEndian(m[4..]), an = BinaryPrimitives.ReadUInt16BigEndian(m[6..]);
        if (qd is 0 or > 16 || an > 256) return null;
        var at = 12;
        var questions = new List<string>();
        for (var i = 0; i < qd; i++)
        {
            if (ReadName(m, ref at) is not { } name || at + 4 > m.Length) return null;
            questions.Add(name);
            at += 4;
        }
        var answers = new List<(string, Endpoint)>();
        for (var i = 0; i < an; i++)
        {
            if (ReadName(m, ref at) is null || at + 10 > m.Length) break;
            var type = BinaryPrimitives.ReadUInt16BigEndian(m[at..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(m[(at + 8)..]);
            at += 10;
            if (at + length > m.Length) break;
            // The question names the pool; the answer may reach the address through CNAMEs, so the address is tied to the question.
            if (type == 1 && length == 4) answers.Add((questions[0], Endpoint.V4(m.Slice(at, 4), 0)));
            else if (type == 28 && length == 16) answers.Add((questions[0], Endpoint.V6(m.Slice(at, 16), 0)));
            at += length;
        }
        return new DnsMessage((flags & 0x8000) != 0, questions, answers);
    }

    private static string? ReadName(ReadOnlySpan<byte> m, ref int at)
    {
        var builder = new StringBuilder();
        var position = at;
        var jumped = false;
        for (var hops = 0; hops < 64; hops++)
        {
            if (position >= m.Length) return null;
            var length = m[position];
            if (length == 0)
            {
                if (!jumped) at = position + 1;
                return builder.ToString();
            }
            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= m.Length) return null;
                if (!jumped) at = position + 2;
                jumped = true;
                position = ((length & 0x3F) << 8) | m[position + 1];
                continue;
            }
            if ((length & 0xC0) != 0 || position + 1 + length > m.Length) return null;
            if (builder.Length > 0) builder.Append('.');
            foreach (var c in m.Slice(position + 1, length)) builder.Append(c is >= 0x21 and < 0x7F ? (char)c : '?');
            position += 1 + length;
        }
        return null;
    }
}

/// <summary>The server name (SNI) of a TLS ClientHello at the start of a stream.</summary>
public static class TlsClientHello
{
    public static bool LooksLikeTls(ReadOnlySpan<byte> b) => b.Length >= 3 && b[0] == 0x16 && b[1] == 0x03;

    /// <summary>The SNI host name; null when absent or the hello is not all there.</summary>
    public static string? ServerName(ReadOnlySpan<byte> b)
    {
        if (b.Length < 9 || b[0] != 0x16 || b[5] != 0x01) return null;
        var end = Math.Min(b.Length, 5 + BinaryPrimitives.ReadUInt16BigEndian(b[3..]));
        var at = 9 + 2 + 32; // handshake header, version, random
        if (at >= end) return null;
        at += 1 + b[at]; // session id
        if (at + 2 > end) return null;
        at += 2 + BinaryPrimitives.ReadUInt16BigEndian(b[at..]); // cipher suites
        if (at + 1 > end) return null;
        at += 1 + b[at]; // compression methods
        if (at + 2 > end) return null;
        var extensionsEnd = Math.Min(end, at + 2 + BinaryPrimitives.ReadUInt16BigEndian(b[at..]));
        at += 2;
        while (at + 4 <= extensionsEnd)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(b[at..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(b[(at + 2)..]);
            at += 4;
            if (at + length > extensionsEnd) return null;
            if (type == 0 && length >= 5 && b[at + 2] == 0)
            {
                var nameLength = BinaryPrimitives.ReadUInt16BigEndian(b[(at + 3)..]);
                if (5 + nameLength > length) return null;
                return Encoding.ASCII.GetString(b.Slice(at + 5, nameLength));
            }
            at += length;
        }
        return null;
    }
}
