using System.Buffers.Binary;
using System.Text;

namespace MinerWatch.Benchmarks.Network;

/// <summary>
/// Writes a large pcap of mixed traffic for throughput runs: thousands of concurrent web and TLS downloads (full-size
/// segments, acknowledgements, handshakes and closes), DNS, and a few Stratum v1 and xmrig mining sessions spread
/// through the file. Deterministic for a seed.
/// </summary>
public sealed class CaptureGenerator(int seed)
{
    private const int Concurrent = 2000;
    private const int Mss = 1448;
    private readonly Random _rng = new(seed);
    private readonly byte[] _noise = new byte[1 << 20];
    private readonly byte[] _frame = new byte[1600];
    private long _micros = 1_767_225_600L * 1_000_000;

    public int MiningSessions { get; } = 12;

    public void Write(string path, long targetBytes)
    {
        _rng.NextBytes(_noise);
        using var file = PcapFile.Create(path, 65535);
        var flows = new Flow[Concurrent];
        for (var i = 0; i < flows.Length; i++) flows[i] = NewFlow(i);
        var miners = Enumerable.Range(0, MiningSessions).Select(Miner).ToArray();
        long packets = 0;
        while (file.Position < targetBytes)
        {
            var f = flows[_rng.Next(flows.Length)];
            Step(file, f);
            if (f.Done) flows[Array.IndexOf(flows, f)] = NewFlow(_rng.Next());
            packets++;
            if (packets % 997 == 0) Dns(file);
            if (packets % 4001 == 0) MiningMessage(file, miners[_rng.Next(miners.Length)]);
            _micros += 250;
        }
    }

    private sealed class Flow
    {
        public uint Client, Server;
        public ushort ClientPort, ServerPort;
        public uint ClientSeq, ServerSeq;
        public long Remaining;
        public int Stage;
        public bool Tls;
        public bool Done;
        public int Unacked;
    }

    private Flow NewFlow(int n) => new()
    {
        Client = 0x0A000000u | (uint)_rng.Next(1, 1 << 16),
        Server = 0x5DB80000u | (uint)_rng.Next(1, 1 << 16),
        ClientPort = (ushort)_rng.Next(20000, 65000),
        ServerPort = (ushort)(n % 3 == 0 ? 80 : 443),
        Tls = n % 3 != 0,
        ClientSeq = (uint)_rng.Next(),
        ServerSeq = (uint)_rng.Next(),
        Remaining = (long)(Math.Exp(_rng.NextDouble() * 6) * 20_000),
    };

    private void Step(Stream file, Flow f)
    {
        switch (f.Stage)
        {
            case 0:
                Tcp(file, f.Client, f.Server, f.ClientPort, f.ServerPort, f.ClientSeq++, 0x02, []);
                f.Stage++;
                return;
            case 1:
                Tcp(file, f.Server, f.Client, f.ServerPort, f.ClientPort, f.ServerSeq++, 0x12, []);
                f.Stage++;
                return;
            case 2:
                var request = f.Tls ? ClientHello($"cdn{_rng.Next(1000)}.example.com") : Encoding.ASCII.GetBytes($"GET /asset/{_rng.Next()} HTTP/1.1\r\nHost: www.example.org\r\n\r\n");
                Tcp(file, f.Client, f.Server, f.ClientPort, f.ServerPort, f.ClientSeq, 0x18, request);
                f.ClientSeq += (uint)request.Length;
                f.Stage++;
                return;
            case 3:
                if (f.Remaining > 0)
                {
                    if (f.Unacked >= 2)
                    {
                        Tcp(file, f.Client, f.Server, f.ClientPort, f.ServerPort, f.ClientSeq, 0x10, []);
                        f.Unacked = 0;
                        return;
                    }
                    var length = (int)Math.Min(Mss, f.Remaining);
                    Tcp(file, f.Server, f.Client, f.ServerPort, f.ClientPort, f.ServerSeq, 0x10, _noise.AsSpan(_rng.Next(_noise.Length - Mss), length));
                    f.ServerSeq += (uint)length;
                    f.Remaining -= length;
                    f.Unacked++;
                    return;
                }
                Tcp(file, f.Server, f.Client, f.ServerPort, f.ClientPort, f.ServerSeq++, 0x11, []);
                f.Stage++;
                return;
            default:
                Tcp(file, f.Client, f.Server, f.ClientPort, f.ServerPort, f.ClientSeq++, 0x11, []);
                f.Done = true;
                return;
        }
    }

    private sealed record MinerSession(uint Client, uint Pool, ushort ClientPort, ushort PoolPort, bool Xmrig)
    {
        public uint ClientSeq = 1000, PoolSeq = 5000;
        public bool LoggedIn;
        public int Job;
    }

    private MinerSession Miner(int i) => new(0x0A640000u | (uint)(i + 10), 0xB9470000u | (uint)(i + 1), (ushort)(40000 + i), (ushort)(i % 2 == 0 ? 3333 : 4444), i % 2 == 1);

    private void MiningMessage(Stream file, MinerSession m)
    {
        if (!m.LoggedIn)
        {
            var login = m.Xmrig
                ? $"{{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":{{\"login\":\"48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD\",\"pass\":\"rig{m.ClientPort}\",\"agent\":\"XMRig/6.21.0\"}}}}\n"
                : $"{{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq.rig{m.ClientPort}\",\"x\"]}}\n";
            Send(file, m, fromMiner: true, login);
            Send(file, m, fromMiner: false, m.Xmrig ? "" : "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[65536]}\n");
            m.LoggedIn = true;
            return;
        }
        m.Job++;
        if (_rng.Next(2) == 0)
            Send(file, m, fromMiner: false, m.Xmrig
                ? $"{{\"jsonrpc\":\"2.0\",\"method\":\"job\",\"params\":{{\"blob\":\"{Convert.ToHexString(_noise, m.Job % 1000, 76)}\",\"job_id\":\"{m.Job}\",\"target\":\"b88d0600\",\"algo\":\"rx/0\"}}}}\n"
                : $"{{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"{m.Job:x}\",\"{Convert.ToHexString(_noise, m.Job % 1000, 32)}\",\"01000000\",\"ffffffff\",[],\"20000000\",\"1703a30c\",\"65a1b2c3\",true]}}\n");
        else
            Send(file, m, fromMiner: true, m.Xmrig
                ? $"{{\"id\":{m.Job},\"jsonrpc\":\"2.0\",\"method\":\"submit\",\"params\":{{\"id\":\"1\",\"job_id\":\"{m.Job}\",\"nonce\":\"0a0b0c0d\",\"result\":\"{Convert.ToHexString(_noise, m.Job % 1000, 32)}\"}}}}\n"
                : $"{{\"id\":{m.Job},\"method\":\"mining.submit\",\"params\":[\"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq.rig{m.ClientPort}\",\"{m.Job:x}\",\"00000000\",\"65a1b2c3\",\"0a0b0c0d\"]}}\n");
    }

    private void Send(Stream file, MinerSession m, bool fromMiner, string text)
    {
        if (text.Length == 0) return;
        var bytes = Encoding.ASCII.GetBytes(text);
        if (fromMiner)
        {
            Tcp(file, m.Client, m.Pool, m.ClientPort, m.PoolPort, m.ClientSeq, 0x18, bytes);
            m.ClientSeq += (uint)bytes.Length;
        }
        else
        {
            Tcp(file, m.Pool, m.Client, m.PoolPort, m.ClientPort, m.PoolSeq, 0x18, bytes);
            m.PoolSeq += (uint)bytes.Length;
        }
    }

    private void Dns(Stream file)
    {
        var name = $"host{_rng.Next(5000)}.example.net";
        var m = new List<byte> { 0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0 };
        foreach (var label in name.Split('.'))
        {
            m.Add((byte)label.Length);
            m.AddRange(Encoding.ASCII.GetBytes(label));
        }
        m.AddRange([0, 0, 1, 0, 1, 0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, (byte)_rng.Next(256), (byte)_rng.Next(256)]);
        Udp(file, 0x0A000001, 0x0A0000FE, 53, (ushort)_rng.Next(20000, 60000), [.. m]);
    }

    private static byte[] ClientHello(string serverName)
    {
        var name = Encoding.ASCII.GetBytes(serverName);
        var ext = new List<byte> { 0, 0, (byte)((name.Length + 5) >> 8), (byte)(name.Length + 5), (byte)((name.Length + 3) >> 8), (byte)(name.Length + 3), 0, (byte)(name.Length >> 8), (byte)name.Length };
        ext.AddRange(name);
        var body = new List<byte> { 3, 3 };
        body.AddRange(new byte[32]);
        body.AddRange([0, 0, 2, 0x13, 0x01, 1, 0, (byte)(ext.Count >> 8), (byte)ext.Count]);
        body.AddRange(ext);
        var record = new List<byte> { 0x16, 3, 1, (byte)((body.Count + 4) >> 8), (byte)(body.Count + 4), 1, 0, (byte)(body.Count >> 8), (byte)body.Count };
        record.AddRange(body);
        return [.. record];
    }

    private void Tcp(Stream file, uint from, uint to, ushort fromPort, ushort toPort, uint seq, byte flags, ReadOnlySpan<byte> payload)
    {
        var f = _frame.AsSpan();
        var ipLength = 20 + 20 + payload.Length;
        Ethernet(f);
        Ipv4(f[14..], from, to, 6, ipLength);
        var tcp = f[34..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, fromPort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], toPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], seq);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], 0);
        tcp[12] = 5 << 4;
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 65535);
        tcp[16..20].Clear();
        payload.CopyTo(tcp[20..]);
        Record(file, 14 + ipLength);
    }

    private void Udp(Stream file, uint from, uint to, ushort fromPort, ushort toPort, ReadOnlySpan<byte> payload)
    {
        var f = _frame.AsSpan();
        var ipLength = 20 + 8 + payload.Length;
        Ethernet(f);
        Ipv4(f[14..], from, to, 17, ipLength);
        var udp = f[34..];
        BinaryPrimitives.WriteUInt16BigEndian(udp, fromPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], toPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload.Length));
        udp[6..8].Clear();
        payload.CopyTo(udp[8..]);
        Record(file, 14 + ipLength);
    }

    private static void Ethernet(Span<byte> f)
    {
        f[..12].Fill(0x02);
        f[12] = 0x08;
        f[13] = 0x00;
    }

    private static void Ipv4(Span<byte> ip, uint from, uint to, byte protocol, int length)
    {
        ip[0] = 0x45;
        ip[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)length);
        ip[4..9].Clear();
        ip[8] = 64;
        ip[9] = protocol;
        ip[10] = ip[11] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], from);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], to);
    }

    private void Record(Stream file, int length)
    {
        Span<byte> head = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(head, (uint)(_micros / 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(head[4..], (uint)(_micros % 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(head[8..], (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(head[12..], (uint)length);
        file.Write(head);
        file.Write(_frame, 0, length);
    }
}
