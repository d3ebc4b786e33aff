using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using MinerWatch.Grid.Input;
using MinerWatch.Network.Capture;
using MinerWatch.Persistence;
using MinerWatch.Server.Cases;

namespace MinerWatch.Server.Ingest;

/// <summary>Wakes the worker when a job is queued, and holds running jobs' progress (not worth a database write).</summary>
public sealed class JobQueue
{
    private readonly SemaphoreSlim _signal = new(0);
    public ConcurrentDictionary<string, double> Progress { get; } = new();

    public void Wake()
    {
        if (_signal.CurrentCount == 0) _signal.Release();
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancel) => _signal.WaitAsync(timeout, cancel);
}

/// <summary>
/// Runs queued jobs one at a time, oldest first (deliveries build on each other). At start it first finishes what a
/// crash interrupted: events not yet in the evidence log, and jobs left running, which run again from the state that
/// was current before them.
/// </summary>
public sealed class IngestWorker(IServiceScopeFactory scopes, JobQueue queue, TimeProvider clock, ILogger<IngestWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MinerWatchDb>();
            await scope.ServiceProvider.GetRequiredService<CaseLog>().FlushAsync(db, stop);
        }
        while (!stop.IsCancellationRequested)
        {
            bool ran;
            try
            {
                ran = await RunNextAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "the ingest worker failed; retrying shortly");
                ran = false;
            }
            if (!ran)
            {
                try
                {
                    await queue.WaitAsync(TimeSpan.FromSeconds(2), stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<bool> RunNextAsync(CancellationToken stop)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<MinerWatchDb>();
        var job = await db.Jobs.Where(j => j.Status == "queued" || j.Status == "running").OrderBy(j => j.Created).ThenBy(j => j.Id).FirstOrDefaultAsync(stop);
        if (job is null) return false;
        job.Status = "running";
        job.Started ??= clock.GetUtcNow().UtcDateTime;
        job.Attempts++;
        await db.SaveChangesAsync(stop);
        queue.Progress[job.Id] = 0;
        try
        {
            Action<double> progress = p => queue.Progress[job.Id] = p;
            if (job.Kind == "meter-data") await scope.ServiceProvider.GetRequiredService<MeterDataJob>().RunAsync(db, job, progress, stop);
            else await scope.ServiceProvider.GetRequiredService<NetworkDataJob>().RunAsync(db, job, progress, stop);
        }
        catch (Exception e) when (e is InputException or ApiProblem or NetworkInputException or InvalidDataException)
        {
            await FailAsync(job.Id, e.Message, stop);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "job {Job} failed", job.Id);
            await FailAsync(job.Id, "the server failed on this job; the operators can find why in its log", stop);
        }
        finally
        {
            queue.Progress.TryRemove(job.Id, out _);
        }
        await scope.ServiceProvider.GetRequiredService<CaseLog>().FlushAsync(db, stop);
        return true;
    }

    private async Task FailAsync(string id, string error, CancellationToken stop)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<MinerWatchDb>();
        var job = await db.Jobs.FindAsync([id], stop);
        if (job is null) return;
        job.Status = "failed";
        // Files are named as they were sent, never by where the server keeps them.
        foreach (var file in System.Text.Json.JsonSerializer.Deserialize<List<StoredFile>>(job.FilesJson, CaseLog.Json) ?? [])
            error = error.Replace(file.Path, file.Name, StringComparison.Ordinal);
        job.Error = error;
        // A failed delivery does not count as delivered: the same files may be sent again.
        job.ContentHash += ":failed:" + job.Id;
        job.Finished = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(stop);
    }
}
