using System.Diagnostics;
using MinerWatch.Evidence.Log;
using MinerWatch.Evidence.Notes;

namespace MinerWatch.Evidence.Tests;

/// <summary>
/// Many `minerwatch evidence add` processes started together on one log: each waits for the others, every one
/// exits 0 with its own index, every file it reported is in the log at that index, and the log verifies.
/// </summary>
public sealed class ConcurrentWriterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"writers-{Guid.NewGuid():N}");

    public ConcurrentWriterTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Out, string Err)> Add(string logDir, string keyFile, string file)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "minerwatch.dll"), "evidence", "add", "--log", logDir, "--key", keyFile, "--raw", file })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Twenty_processes_adding_at_once_each_get_their_own_entry_and_nothing_is_lost()
    {
        var keyFile = Path.Combine(_dir, "log.key");
        using (var key = SignerKey.Generate("writers.example/log")) File.WriteAllText(keyFile, key.ToString());
        var logDir = Path.Combine(_dir, "log");
        EvidenceLog.Init(logDir, "writers.example/log", keyFile).Dispose();
        var files = Enumerable.Range(0, 20).Select(i =>
        {
            var path = Path.Combine(_dir, $"file{i:D2}.txt");
            File.WriteAllText(path, $"evidence file {i}\n");
            return path;
        }).ToList();

        // Two rounds: twenty at once, then ten pairs started together.
        var results = (await Task.WhenAll(files.Select(f => Add(logDir, keyFile, f)))).ToList();
        for (var i = 0; i < 20; i += 2) results.AddRange(await Task.WhenAll(Add(logDir, keyFile, files[i]), Add(logDir, keyFile, files[i + 1])));

        Assert.All(results, r => Assert.True(r.Code == 0, r.Err));
        var acknowledged = results.Select(r => r.Out.Trim().Split('\t')).Select(p => (Index: long.Parse(p[0]), Name: p[1])).ToList();
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), acknowledged.Select(a => a.Index).Order());
        var log = EvidenceLog.Open(logDir);
        Assert.Equal(40, log.Size);
        Assert.All(acknowledged, a => Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, a.Name)), log.Entry(a.Index)));
        var report = EvidenceLog.Verify(logDir);
        Assert.Empty(report.Problems);
        Assert.Empty(report.Notes);
    }
}
