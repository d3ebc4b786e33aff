using System.Diagnostics;
using MinerWatch.Evidence.Log;
using MinerWatch.Evidence.Notes;

namespace MinerWatch.Evidence.Tests;

/// <summary>
/// Kills `minerwatch evidence add` at random moments during large batch appends, then checks that every index it
/// acknowledged (printed) is in the log with its content, and that the log verifies.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"crash-{Guid.NewGuid():N}");

    public CrashTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Killing_an_append_at_any_moment_loses_nothing_acknowledged_and_leaves_a_valid_log()
    {
        var keyFile = Path.Combine(_dir, "log.key");
        using (var key = SignerKey.Generate("crash.example/log")) File.WriteAllText(keyFile, key.ToString());
        var logDir = Path.Combine(_dir, "log");
        EvidenceLog.Init(logDir, "crash.example/log", keyFile).Dispose();
        var files = Enumerable.Range(0, 1500).Select(i =>
        {
            var path = Path.Combine(_dir, $"f{i:D5}.txt");
            File.WriteAllText(path, $"evidence file {i} " + new string('x', 200 + i % 300));
            return path;
        }).ToList();
        var cli = Path.Combine(AppContext.BaseDirectory, "minerwatch.dll");
        var rng = new Random(11);
        var acknowledged = new Dictionary<long, string>();
        var killed = 0;
        for (var run = 0; run < 12; run++)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { cli, "evidence", "add", "--log", logDir, "--key", keyFile, "--raw" }.Concat(files)) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            await Task.Delay(rng.Next(100, 900), TestContext.Current.CancellationToken);
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                killed++;
            }
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            foreach (var line in (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split('\t');
                acknowledged[long.Parse(parts[0])] = parts[1];
            }
        }

        // Reading sees every acknowledged entry already; a writer then removes the interrupted tail, and the log is whole.
        var read = EvidenceLog.Open(logDir);
        Assert.Empty(EvidenceLog.Verify(logDir).Problems);
        EvidenceLog.OpenWriter(logDir, keyFile).Dispose();
        var log = EvidenceLog.Open(logDir);
        Assert.True(log.Size >= read.Size, $"the writer kept {log.Size} entries of the {read.Size} acknowledged");
        var after = EvidenceLog.Verify(logDir);
        Assert.Empty(after.Problems);
        Assert.Empty(after.Notes);
        Assert.True(killed > 0, "no append was interrupted; the delays need adjusting");
        Assert.All(acknowledged, kv =>
        {
            Assert.True(kv.Key < log.Size, $"acknowledged entry {kv.Key} is missing (log size {log.Size})");
            Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, kv.Value)), log.Entry(kv.Key));
        });
        Assert.Equal(0, log.Size % files.Count);
    }
}
