namespace MinerWatch.Server.Ingest;

/// <summary>
/// Takes daily exports a meter-data system drops into the watched folder: a file whose size has not changed for one
/// poll becomes part of a meter-data job (readings; <c>sites*.csv</c>, <c>activity*.csv</c>, <c>feeders*</c> by name), then is
/// moved to <c>accepted/</c>. The same file dropped again is the same job.
/// </summary>
public sealed class FolderWatcher(ServerOptions options, IServiceProvider services, TimeProvider clock, ILogger<FolderWatcher> log) : BackgroundService
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
        var ready = new List<(string Role, string Path)>();
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
            if (size == 0) continue;
            var role = name.StartsWith("sites", StringComparison.OrdinalIgnoreCase) ? "sites"
                : name.StartsWith("activity", StringComparison.OrdinalIgnoreCase) ? "activity"
                : name.StartsWith("feeders", StringComparison.OrdinalIgnoreCase) ? "feeders" : "readings";
            // One delivery takes at most one file of each kind but readings; the rest wait for the next poll.
            if (role != "readings" && ready.Any(r => r.Role == role)) continue;
            ready.Add((role, path));
        }
        if (ready.Count == 0) return;
        // What settled together is one delivery: a sites file dropped with the readings comes before them.
        var (job, duplicate) = await JobIntake.FromLocalFilesAsync(services, "meter-data", "", "watch:" + dir, ready, stop);
        log.LogInformation("{Files} from the watched folder: job {Job}{Again}", string.Join(", ", ready.Select(r => Path.GetFileName(r.Path))), job.Id, duplicate ? " (delivered before)" : "");
        var stamp = clock.GetUtcNow().ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (_, path) in ready)
        {
            _sizes.Remove(path);
            File.Move(path, Path.Combine(dir, "accepted", $"{stamp}-{Path.GetFileName(path)}"), overwrite: true);
        }
    }
}
