using System.Diagnostics;
using MinerWatch.Network.Capture;
using MinerWatch.Network.Detection;

namespace MinerWatch.Network.Tests;

/// <summary>
/// Bounded random mutation of real captures: flipped bytes, overwritten lengths, cuts, repeated and inserted runs.
/// The scanner must finish every mutant without throwing. MINERWATCH_FUZZ_ITERATIONS sets a longer run.
/// </summary>
public class FuzzTests
{
    private static int Iterations => int.TryParse(Environment.GetEnvironmentVariable("MINERWATCH_FUZZ_ITERATIONS"), out var n) ? n : 600;

    [Theory]
    [InlineData("ndpi-mining.pcapng", 1)]
    [InlineData("ndpi-android.pcap", 2)]
    [InlineData("ndpi-jsonrpc.pcap", 3)]
    public void Mutated_captures_never_throw_or_hang(string name, int seed)
    {
        var original = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Captures", name));
        var rng = new Random(seed);
        var clock = Stopwatch.StartNew();
        long packets = 0, malformed = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var mutant = Mutate(original, rng);
            var scanner = new NetworkScanner();
            try
            {
                using var reader = CaptureReader.Open(new MemoryStream(mutant), $"{name} mutant {i}");
                while (reader.TryRead(out var packet)) scanner.Add(packet);
                malformed += reader.Malformed;
            }
            catch (CaptureFormatException)
            {
                // A mutated magic number: refused with a message, which is the contract.
                continue;
            }
            var result = scanner.Result();
            packets += result.Summary.Packets;
            Assert.All(result.Findings, f => Assert.False(string.IsNullOrEmpty(f.Host)));
        }
        // A hang shows as a run far beyond this bound; the mutants are small.
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(5), $"{Iterations} mutants took {clock.Elapsed}");
        Assert.True(packets > 0);
        Assert.True(malformed > 0, "the mutations should damage some records");
    }

    private static byte[] Mutate(byte[] original, Random rng)
    {
        var bytes = original.ToList();
        var edits = rng.Next(1, 12);
        for (var e = 0; e < edits && bytes.Count > 8; e++)
        {
            var at = rng.Next(bytes.Count);
            switch (rng.Next(6))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1:
                    // A length field overwritten with an extreme value.
                    var value = rng.Next(3) switch { 0 => 0u, 1 => 0xFFFFFFFFu, _ => (uint)rng.Next() };
                    for (var k = 0; k < 4 && at + k < bytes.Count; k++) bytes[at + k] = (byte)(value >> (8 * k));
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3:
                    var length = Math.Min(rng.Next(1, 200), bytes.Count - at);
                    bytes.InsertRange(rng.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
                case 4:
                    var junk = new byte[rng.Next(1, 64)];
                    rng.NextBytes(junk);
                    bytes.InsertRange(at, junk);
                    break;
                default:
                    bytes.RemoveRange(at, Math.Min(rng.Next(1, 100), bytes.Count - at));
                    break;
            }
        }
        return [.. bytes];
    }
}
