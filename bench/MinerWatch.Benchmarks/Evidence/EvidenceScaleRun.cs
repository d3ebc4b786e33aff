using System.Diagnostics;
using MinerWatch.Evidence.Log;
using MinerWatch.Evidence.Merkle;
using MinerWatch.Evidence.Notes;

namespace MinerWatch.Benchmarks.Evidence;

/// <summary>
/// `scale evidence-append DIR ENTRIES BYTES BATCH`: appends to a new log in batches (each batch synced and signed)
/// and prints entries per second; `scale evidence-proofs DIR SAMPLES`: times inclusion and consistency proofs on the
/// log, generated from its files and verified; `scale evidence-verify DIR`: the full audit's throughput;
/// `scale evidence-add DIR`: one `add` to the log, with the writer's full audit before it.
/// </summary>
public static class EvidenceScaleRun
{
    public static int Run(string[] args)
    {
        var dir = args[1];
        switch (args[0])
        {
            case "evidence-append":
                Append(dir, long.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]));
                return 0;
            case "evidence-proofs":
                ProofTimes(dir, int.Parse(args[2]));
                return 0;
            case "evidence-add":
                // What one `evidence add` costs on a big log: the writer's lock and full audit, then one entry.
                var timer = Stopwatch.StartNew();
                using (var writer = EvidenceLog.OpenWriter(Path.Combine(dir, "log"), Path.Combine(dir, "bench.key")))
                {
                    var opened = timer.Elapsed.TotalSeconds;
                    writer.Append([BitConverter.GetBytes(DateTime.UtcNow.Ticks)]);
                    Console.WriteLine($"add\tone entry to a log of {writer.Size - 1} entries\topen (lock and full audit) {opened:0.00} s\ttotal {timer.Elapsed.TotalSeconds:0.00} s");
                }
                return 0;
            case "evidence-verify":
                var clock = Stopwatch.StartNew();
                var report = EvidenceLog.Verify(dir);
                Console.WriteLine($"verify\t{clock.Elapsed.TotalSeconds:0.00} s\t{report.Size / clock.Elapsed.TotalSeconds:0} entries/s\t{report.Problems.Count} problems");
                return 0;
            default:
                Console.Error.WriteLine($"unknown step {args[0]}");
                return 2;
        }
    }

    private static void Append(string dir, long entries, int bytes, int batch)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        var keyFile = Path.Combine(dir, "bench.key");
        using (var key = SignerKey.Generate("bench.example/log")) File.WriteAllText(keyFile, key.ToString());
        using var log = EvidenceLog.Init(Path.Combine(dir, "log"), "bench.example/log", keyFile);
        var rng = new Random(1);
        var buffers = Enumerable.Range(0, batch).Select(_ =>
        {
            var b = new byte[bytes];
            rng.NextBytes(b);
            return b;
        }).ToList();
        var clock = Stopwatch.StartNew();
        for (long done = 0; done < entries; done += batch)
        {
            // Distinct entries each batch: the first 8 bytes carry the entry's number.
            for (var i = 0; i < batch; i++) BitConverter.TryWriteBytes(buffers[i], done + i);
            log.Append(buffers);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"append\t{entries} entries of {bytes} B in batches of {batch}\t{seconds:0.00} s\t{entries / seconds:0} entries/s\t{entries * (double)bytes / 1e6 / seconds:0} MB/s");
    }

    private static void ProofTimes(string dir, int samples)
    {
        var log = EvidenceLog.Open(Path.Combine(dir, "log"));
        var size = log.Size;
        var root = Checkpoint.Parse(log.Latest.Text).Root;
        var rng = new Random(2);
        var indices = Enumerable.Range(0, samples).Select(_ => rng.NextInt64(size)).ToArray();
        var leaves = indices.Select(i => TreeHash.Leaf(log.Entry(i))).ToArray();
        var clock = Stopwatch.StartNew();
        var proofs = indices.Select(i => log.Inclusion(i, size)).ToArray();
        var generate = clock.Elapsed.TotalMilliseconds / samples;
        clock.Restart();
        for (var k = 0; k < samples; k++)
            if (Proofs.VerifyInclusion(indices[k], size, leaves[k], proofs[k], root) is { } why) throw new InvalidOperationException(why);
        var verify = clock.Elapsed.TotalMilliseconds / samples;
        clock.Restart();
        var froms = indices.Select(i => Math.Max(1, i)).ToArray();
        var consistency = froms.Select(f => log.Consistency(f, size)).ToArray();
        var generateConsistency = clock.Elapsed.TotalMilliseconds / samples;
        Console.WriteLine($"proofs\ttree of {size} entries\tinclusion: generate {generate:0.000} ms, verify {verify:0.000} ms\tconsistency: generate {generateConsistency:0.000} ms ({samples} samples)");
    }
}
