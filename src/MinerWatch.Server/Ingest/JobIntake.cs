using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MinerWatch.Persistence;
using MinerWatch.Server.Cases;

namespace MinerWatch.Server.Ingest;

/// <summary>
/// Records an accepted delivery as a job, the one way every delivery comes in (the API, the watched folder, the demo):
/// its files already lie on disk in the job's directory; the same content as an earlier job is that job.
/// </summary>
public static class JobIntake
{
    public static async Task<(Job Job, bool Duplicate)> RecordAsync(MinerWatchDb db, JobQueue queue, CaseLog log, string kind, string region, string submittedBy,
        List<StoredFile> files, Dictionary<string, string> fields, string dir, DateTime now, CancellationToken cancel)
    {
        var hash = Uploads.ContentHash(region, files, fields);
        // A failed job gave up its hash (IngestWorker), so the same files can be sent again once fixed elsewhere.
        var earlier = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Kind == kind && j.ContentHash == hash, cancel);
        if (earlier is not null)
        {
            Directory.Delete(dir, recursive: true);
            return (earlier, true);
        }
        var job = new Job
        {
            Id = Path.GetFileName(dir),
            Kind = kind,
            Status = "queued",
            Region = region,
            SubmittedBy = submittedBy,
            ContentHash = hash,
            FilesJson = JsonSerializer.Serialize(files, CaseLog.Json),
            FieldsJson = JsonSerializer.Serialize(fields, CaseLog.Json),
            Created = now,
        };
        db.Jobs.Add(job);
        // Sealed in the same step as it is recorded: an acknowledged delivery is in the evidence log.
        log.AddDelivery(db, job, files);
        try
        {
            await db.SaveChangesAsync(cancel);
        }
        catch (DbUpdateException)
        {
            // The same delivery sent twice at once: the other request recorded it first.
            Directory.Delete(dir, recursive: true);
            db.ChangeTracker.Clear();
            return (await db.Jobs.AsNoTracking().FirstAsync(j => j.Kind == kind && j.ContentHash == hash, cancel), true);
        }
        await log.FlushAsync(db, cancel);
        queue.Wake();
        return (job, false);
    }

    /// <summary>A delivery of files on this machine (the watched folder, the demo): copied into a new job directory first.</summary>
    public static async Task<(Job Job, bool Duplicate)> FromLocalFilesAsync(IServiceProvider services, string kind, string region, string submittedBy,
        IEnumerable<(string Role, string Path)> sources, CancellationToken cancel)
    {
        var options = services.GetRequiredService<ServerOptions>();
        var id = Guid.CreateVersion7().ToString("N");
        var dir = Path.Combine(options.DataDir, "jobs", id);
        Directory.CreateDirectory(dir);
        var files = new List<StoredFile>();
        foreach (var (role, source) in sources)
        {
            var extension = Path.GetExtension(source).ToLowerInvariant() is { Length: > 1 and < 12 } e ? e : ".csv";
            var stored = Path.Combine(dir, $"{role}-{files.Count(f => f.Role == role) + 1}{extension}");
            File.Copy(source, stored);
            await using var file = new FileStream(stored, FileMode.Open, FileAccess.ReadWrite);
            var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancel));
            file.Flush(flushToDisk: true);
            files.Add(new StoredFile(role, Path.GetFileName(source), stored, hash, file.Length));
        }
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<MinerWatchDb>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        return await RecordAsync(db, services.GetRequiredService<JobQueue>(), services.GetRequiredService<CaseLog>(), kind, region, submittedBy, files, [], dir, now, cancel);
    }
}
