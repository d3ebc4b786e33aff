using System.Buffers.Binary;
using System.Text;

namespace MinerWatch.Network.Protocols;

/// <summary>
/// Stratum v2 frames in plaintext (a miner talking to a proxy on its own network may skip encryption): a 6-byte header
/// (extension type U16 with the channel bit on top, message type U8, payload length U24, little-endian) and the
/// payload. The messages that tell mining: SetupConnection of the mining protocol, the channel openings with the
/// user identity and nominal hash rate, SetTarget and submitted shares.
/// </summary>
public static class StratumV2
{
    public const int HeaderLength = 6;
    public const byte SetupConnection = 0x00, SetupConnectionSuccess = 0x01, SetupConnectionError = 0x02;
    public const byte OpenStandardMiningChannel = 0x10, OpenExtendedMiningChannel = 0x13;
    public const byte SubmitSharesStandard = 0x1a, SubmitSharesExtended = 0x1b, SetTarget = 0x21;

    /// <summary>A Noise NX handshake's first two messages: the initiator's 64-byte EllSwift key, the responder's reply.</summary>
    public const int NoiseInitiatorLength = 64;
    public static bool IsNoiseResponderLength(int length) => length is 170 or 234;

    /// <summary>True when the bytes begin with a plaintext SetupConnection for the mining protocol, or its success reply.</summary>
    public static bool StartsConnection(ReadOnlySpan<byte> data)
    {
        if (!TryHeader(data, out var type, out var length, out _)) return false;
        var payload = data[HeaderLength..];
        return type switch
        {
            // protocol 0 (mining), min and max version 2
            SetupConnection => length >= 13 && payload.Length >= 5 && payload[0] == 0
                && BinaryPrimitives.ReadUInt16LittleEndian(payload[1..]) == 2 && BinaryPrimitives.ReadUInt16LittleEndian(payload[3..]) == 2,
            // used_version 2, flags
            SetupConnectionSuccess => length == 6 && payload.Length >= 2 && BinaryPrimitives.ReadUInt16LittleEndian(payload) == 2,
            _ => false,
        };
    }

    public static bool TryHeader(ReadOnlySpan<byte> data, out byte type, out int length, out bool channel)
    {
        type = 0;
        length = 0;
        channel = false;
        if (data.Length < HeaderLength) return false;
        var extension = BinaryPrimitives.ReadUInt16LittleEndian(data);
        channel = (extension & 0x8000) != 0;
        type = data[2];
        length = data[3] | data[4] << 8 | data[5] << 16;
        return (extension & 0x7FFF) == 0;
    }

    /// <summary>A message's meaning for mining; null for the ones that tell nothing.</summary>
    public static MiningMessage? Read(byte type, ReadOnlySpan<byte> p)
    {
        switch (type)
        {
            case SetupConnection:
                // protocol U8, min U16, max U16, flags U32, endpoint_host STR0_255, endpoint_port U16, vendor, hardware, firmware, device_id
                var at = 9;
                var host = Str(p, ref at);
                at += 2;
                var vendor = Str(p, ref at);
                var hardware = Str(p, ref at);
                var firmware = Str(p, ref at);
                var agent = string.Join(' ', new[] { vendor, hardware, firmware }.Where(s => !string.IsNullOrEmpty(s)));
                return new MiningMessage
                {
                    Protocol = MiningProtocol.StratumV2,
                    Method = "SetupConnection",
                    FromMiner = true,
                    Algorithm = "SHA-256",
                    Agent = agent.Length > 0 ? agent : null,
                    PoolHost = host is { Length: > 0 } && host.Contains('.') ? host : null,
                };
            case SetupConnectionSuccess:
                return new MiningMessage { Protocol = MiningProtocol.StratumV2, Method = "SetupConnection.Success", FromMiner = false };
            case OpenStandardMiningChannel:
            case OpenExtendedMiningChannel:
                // request_id U32, user_identity STR0_255, nominal_hash_rate F32 (h/s), max_target U256
                var i = 4;
                var user = Str(p, ref i);
                float? rate = i + 4 <= p.Length ? BinaryPrimitives.ReadSingleLittleEndian(p[i..]) : null;
                return new MiningMessage
                {
                    Protocol = MiningProtocol.StratumV2,
                    Method = type == OpenStandardMiningChannel ? "OpenStandardMiningChannel" : "OpenExtendedMiningChannel",
                    FromMiner = true,
                    Login = user,
                    ReportedHashrate = rate is > 0 and < 1e21f ? rate : null,
                };
            case SetTarget:
                // channel_id U32, maximum_target U256 little-endian: a share is worth 2^256 / target hashes.
                if (p.Length < 36) return null;
                double target = 0;
                for (var k = 35; k >= 4; k--) target = target * 256 + p[k];
                return new MiningMessage
                {
                    Protocol = MiningProtocol.StratumV2,
                    Method = "SetTarget",
                    FromMiner = false,
                    HashesPerShare = target > 0 ? MiningMessage.Finite(Math.Pow(2, 256) / target) : null,
                };
            case SubmitSharesStandard:
            case SubmitSharesExtended:
                return new MiningMessage { Protocol = MiningProtocol.StratumV2, Method = type == SubmitSharesStandard ? "SubmitSharesStandard" : "SubmitSharesExtended", FromMiner = true, IsShare = true };
            default:
                return null;
        }
    }

    private static string? Str(ReadOnlySpan<byte> p, ref int at)
    {
        if (at >= p.Length) return null;
        var length = p[at];
        if (at + 1 + length > p.Length) return null;
        var value = Encoding.UTF8.GetString(p.Slice(at + 1, length));
        at += 1 + length;
        return value;
    }
}
