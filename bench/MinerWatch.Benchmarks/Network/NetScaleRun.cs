using System.Diagnostics;
using MinerWatch.Network.Detection;

namespace MinerWatch.Benchmarks.Network;

/// <summary>`scale net-capture FILE MB` writes a mixed capture; `scale net-replicate FILE N CAPTURE...` writes real
/// captures appended N times (see <see cref="CaptureReplicator"/>); `scale net-scan FILE` times our scan of it (one line: step, seconds, packets, packets/s, MB/s, findings).</summary>
public static class NetScaleRun
{
    public static int Run(string[] args)
    {
        switch (args[0])
        {
            case "net-capture":
                var generator = new CaptureGenerator(seed: 7);
                generator.Write(args[1], long.Parse(args[2]) * 1_000_000);
                Console.WriteLine($"wrote {args[1]}: {new FileInfo(args[1]).Length / 1e6:0} MB with {generator.MiningSessions} mining sessions");
                return 0;
            case "net-replicate":
                var (packets, bytes) = CaptureReplicator.Write(args[1], int.Parse(args[2]), args[3..]);
                Console.WriteLine($"wrote {args[1]}: {packets} packets, {bytes / 1e6:0.0} MB, {bytes / (double)packets:0} bytes a packet on average");
                return 0;
            case "net-scan":
                var clock = Stopwatch.StartNew();
                var scanner = new NetworkScanner();
                scanner.AddFile(args[1]);
                var result = scanner.Result();
                var seconds = clock.Elapsed.TotalSeconds;
                var size = new FileInfo(args[1]).Length;
                Console.WriteLine($"minerwatch\t{seconds:0.00}\t{result.Summary.Packets}\t{result.Summary.Packets / seconds:0}\t{size / 1e6 / seconds:0}\t{result.Findings.Count}\t{result.Summary.Flows} flows, {scanner.LiveFlows} held at the end");
                return 0;
            default:
                Console.Error.WriteLine($"unknown step {args[0]}");
                return 2;
        }
    }
}
