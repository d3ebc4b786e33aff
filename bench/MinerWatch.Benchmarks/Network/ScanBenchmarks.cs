using BenchmarkDotNet.Attributes;
using MinerWatch.Energy.Catalog;
using MinerWatch.Network.Capture;
using MinerWatch.Network.Detection;
using MinerWatch.Network.Packets;
using MinerWatch.Network.Pools;

namespace MinerWatch.Benchmarks.Network;

/// <summary>Per-packet costs on a 64 MB in-memory capture of mixed traffic with mining sessions (about 62,000 packets).</summary>
[MemoryDiagnoser]
public class ScanBenchmarks
{
    private byte[] _capture = [];
    private readonly PoolList _pools = PoolList.Bundled();

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(Path.GetTempPath(), $"scan-bench-{Environment.ProcessId}.pcap");
        new CaptureGenerator(seed: 3).Write(path, 64_000_000);
        _capture = File.ReadAllBytes(path);
        File.Delete(path);
    }

    [Benchmark(Description = "read pcap records (64 MB)")]
    public long Read()
    {
        using var reader = CaptureReader.Open(new MemoryStream(_capture), "bench");
        long n = 0;
        while (reader.TryRead(out _)) n++;
        return n;
    }

    [Benchmark(Description = "read and decode headers (64 MB)")]
    public long Decode()
    {
        using var reader = CaptureReader.Open(new MemoryStream(_capture), "bench");
        long n = 0;
        while (reader.TryRead(out var packet))
            if (PacketDecoder.Decode(packet, out _) == DecodeResult.Segment) n++;
        return n;
    }

    [Benchmark(Description = "whole scan: flows, reassembly, protocols (64 MB)")]
    public int Scan()
    {
        var scanner = new NetworkScanner(_pools, MinerCatalog.Bundled);
        using var reader = CaptureReader.Open(new MemoryStream(_capture), "bench");
        while (reader.TryRead(out var packet)) scanner.Add(packet);
        return scanner.Result().Findings.Count;
    }
}
