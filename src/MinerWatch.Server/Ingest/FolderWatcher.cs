using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MinerWatch.Persistence;
using MinerWatch.Server.Cases;

namespace MinerWatch.Server.Ingest;

/// <summary>
/// Takes daily exports a meter-data system drops into the watched folder: a file whose size has not changed for one
/// poll becomes a meter-data job (readings; <c>sites*.csv</c>, <c>activity*.csv</c>, <c>feeders*</c> by name), then is
/// moved to <c>accepted/</c>. The same file dropped again is the same job.
/// </summary>
public sealed class FolderWatcher(ServerOptions options, IServiceScopeFactory scopes, JobQueue queue, TimeProvider clock, ILogger<FolderWatcher> log) : BackgroundService
{
    private readonly Dictionary<string, long> _sizes = [];

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var dir = Path.GetFullPath(options.Watch!);
        Directory.CreateDirectory(Path.Combine(dir, "accepted"));
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await PollAsync(dir, stop);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "watching {Dir} failed; trying again", dir);
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), clock, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task PollAsync(string dir, CancellationToken stop)
    {
        foreach (var path in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (name.StartsWith('.') || name.EndsWith(".partial", StringComparison.Ordinal) || name.EndsWith(".tmp", StringComparison.Ordinal)) continue;
            var size = new FileInfo(path).Length;
            // Still being written while its size moves.
            if (!_sizes.TryGetValue(path, out var seen) || seen != size)
            {
                _sizes[path] = size;
                continue;
            }
            _sizes.Remove(path);
            var role = name.StartsWith("sites", StringComparison.OrdinalIgnoreCase) ? "sites"
                : name.StartsWith("activity", StringComparison.OrdinalIgnoreCase) ? "activity"
                : name.StartsWith("feeders", StringComparison.OrdinalIgnoreCase) ? "feeders" : "readings";
            var id = Guid.CreateVersion7().ToString("N");
            var jobDir = Path.Combine(options.DataDir, "jobs", id);
            Directory.CreateDirectory(jobDir);
            var extension = Path.GetExtension(name).ToLowerInvariant() is { Length: > 1 } e ? e : ".csv";
            var stored = Path.Combine(jobDir, $"{role}-1{extension}");
            File.Copy(path, stored);
            string hash;
            await using (var file = File.OpenRead(stored)) hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, stop));
            var files = new List<StoredFile> { new(role, name, stored, hash, size) };
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<MinerWatchDb>();
            var content = Uploads.ContentHash(files, []);
            if (!await db.Jobs.AnyAsync(j => j.Kind == "meter-data" && j.ContentHash == content, stop))
            {
                db.Jobs.Add(new Job
                {
                    Id = id,
                    Kind = "meter-data",
                    Status = "queued",
                    Region = "",
                    SubmittedBy = "watch:" + dir,
                    ContentHash = content,
                    FilesJson = JsonSerializer.Serialize(files, CaseLog.Json),
                    Created = clock.GetUtcNow().UtcDateTime,
                });
                await db.SaveChangesAsync(stop);
                queue.Wake();
                log.LogInformation("{File} from the watched folder is job {Job}", name, id);
            }
            else Directory.Delete(jobDir, true);
            File.Move(path, Path.Combine(dir, "accepted", $"{clock.GetUtcNow():yyyyMMddHHmmss}-{name}"), overwrite: true);
        }
    }
}
