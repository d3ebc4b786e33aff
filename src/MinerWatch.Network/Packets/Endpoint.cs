using System.Buffers.Binary;
using System.Net;

namespace MinerWatch.Network.Packets;

/// <summary>An IP address and port, held as a value (IPv4 in the low 32 bits) so flow tables cost no allocation per packet.</summary>
public readonly record struct Endpoint(UInt128 Address, bool IsV6, ushort Port) : IComparable<Endpoint>
{
    public int CompareTo(Endpoint other)
    {
        var byFamily = IsV6.CompareTo(other.IsV6);
        if (byFamily != 0) return byFamily;
        var byAddress = Address.CompareTo(other.Address);
        return byAddress != 0 ? byAddress : Port.CompareTo(other.Port);
    }

    public static Endpoint V4(ReadOnlySpan<byte> address, ushort port) => new(BinaryPrimitives.ReadUInt32BigEndian(address), false, port);

    public static Endpoint V6(ReadOnlySpan<byte> address, ushort port) => new(BinaryPrimitives.ReadUInt128BigEndian(address), true, port);

    public static Endpoint From(IPAddress address, ushort port)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        address.TryWriteBytes(bytes, out var written);
        return written == 4 ? V4(bytes[..4], port) : V6(bytes, port);
    }

    public Endpoint WithPort(ushort port) => this with { Port = port };

    public IPAddress Ip
    {
        get
        {
            Span<byte> bytes = stackalloc byte[16];
            if (!IsV6)
            {
                BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)Address);
                return new IPAddress(bytes[..4]);
            }
            BinaryPrimitives.WriteUInt128BigEndian(bytes, Address);
            return new IPAddress(bytes);
        }
    }

    /// <summary>"10.0.0.5:3333" or "[2001:db8::1]:3333".</summary>
    public override string ToString() => IsV6 ? $"[{Ip}]:{Port}" : $"{Ip}:{Port}";
}
