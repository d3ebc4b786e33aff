using System.Security.Cryptography;

namespace MinerWatch.Evidence.Merkle;

/// <summary>A SHA-256 hash held as a value, so trees and proofs cost no allocation per hash.</summary>
public readonly record struct Hash(UInt128 High, UInt128 Low)
{
    public const int Size = 32;

    public static Hash From(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new ArgumentException($"a hash is {Size} bytes, not {bytes.Length}", nameof(bytes));
        return new(System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes), System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes[16..]));
    }

    public void CopyTo(Span<byte> destination)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(destination, High);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(destination[16..], Low);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        CopyTo(bytes);
        return bytes;
    }

    public string ToBase64() => Convert.ToBase64String(ToArray());

    public override string ToString() => Convert.ToHexStringLower(ToArray());

    /// <summary>Parses standard base64 of exactly 32 bytes; false for anything else.</summary>
    public static bool TryParseBase64(string? text, out Hash hash)
    {
        hash = default;
        if (text is null) return false;
        Span<byte> bytes = stackalloc byte[Size + 3];
        if (!Convert.TryFromBase64String(text, bytes, out var written) || written != Size) return false;
        hash = From(bytes[..Size]);
        // One spelling per hash: the decoder would accept other low bits in the last character.
        return hash.ToBase64() == text;
    }

    /// <summary>SHA-256 of the empty string: the root of the empty tree (RFC 9162 section 2.1.1).</summary>
    public static readonly Hash Empty = From(SHA256.HashData([]));
}
