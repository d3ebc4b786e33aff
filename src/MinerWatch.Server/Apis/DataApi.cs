using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MinerWatch.Application.Regions;
using MinerWatch.Grid.Input;
using MinerWatch.Persistence;
using MinerWatch.Server.Auth;
using MinerWatch.Server.Cases;
using MinerWatch.Server.Ingest;

namespace MinerWatch.Server.Apis;

public sealed record JobView(string Id, string Kind, string Status, string Region, DateTime Created, DateTime? Started, DateTime? Finished,
    double Progress, long RowsRead, long BadRowCount, JsonElement BadRows, string? Error, int CasesOpened, int Attempts, IReadOnlyList<JobFileView> Files, bool Duplicate);
public sealed record JobFileView(string Role, string Name, string Sha256, long Size);

/// <summary>Data in: meter data and network data as uploads that become jobs, and the jobs' progress.</summary>
public static class DataApi
{
    private static readonly HashSet<string> MeterParts = ["readings", "sites", "activity", "feeders"];
    private static readonly HashSet<string> NetworkParts = ["files"];

    public static RouteGroupBuilder MapDataApi(this RouteGroupBuilder api)
    {
        api.MapPost("/meter-data", (HttpContext http, MinerWatchDb db, JobQueue queue, ServerOptions options, CancellationToken cancel) =>
                AcceptAsync(http, db, queue, options, "meter-data", MeterParts, (files, fields, caller) => ValidateMeterDataAsync(db, files, caller, cancel), cancel))
            .WithTags("Data").RequireAuthorization(Policies.Uploaders).RequireRateLimiting(ServerApp.UploadLimit).DisableAntiforgery();
        api.MapPost("/network-data", (HttpContext http, MinerWatchDb db, JobQueue queue, ServerOptions options, CancellationToken cancel) =>
                AcceptAsync(http, db, queue, options, "network-data", NetworkParts, (_, _, _) => Task.CompletedTask, cancel))
            .WithTags("Data").RequireAuthorization(Policies.Uploaders).RequireRateLimiting(ServerApp.UploadLimit).DisableAntiforgery();
        api.MapPost("/eve", async (HttpContext http, MinerWatchDb db, JobQueue queue, ServerOptions options, TimeProvider clock, CancellationToken cancel) =>
            {
                // A sensor or log shipper posts eve.json lines as they come: each post is a small job of its own.
                var caller = Caller.Of(http.User);
                var id = Guid.CreateVersion7().ToString("N");
                var dir = Path.Combine(options.DataDir, "jobs", id);
                Directory.CreateDirectory(dir);
                ServerApp.AllowUpload(http, options);
                var path = Path.Combine(dir, "files-1.json");
                string hash;
                long size;
                try
                {
                    (hash, size) = await Uploads.SaveAsync(http.Request.Body, path, options.MaxUploadBytes, options.MaxUploadBytes, cancel);
                    if (size == 0) throw ApiProblem.Bad("the body is empty: post eve.json lines (one JSON event a line)");
                }
                catch
                {
                    Directory.Delete(dir, true);
                    throw;
                }
                var files = new List<StoredFile> { new("files", "eve.json", path, hash, size) };
                return await RecordAsync(http, db, queue, "network-data", caller.Region, files, [], dir, clock.GetUtcNow().UtcDateTime, cancel);
            })
            .WithTags("Data").RequireAuthorization(Policies.Uploaders).RequireRateLimiting(ServerApp.UploadLimit).DisableAntiforgery();

        api.MapGet("/jobs/{id}", async (string id, HttpContext http, MinerWatchDb db, JobQueue queue, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancel);
            if (job is null || !caller.Covers(job.Region)) throw ApiProblem.NotFound($"job {id}");
            return TypedResults.Ok(View(job, queue, duplicate: false));
        }).WithTags("Data").RequireAuthorization(Policies.Uploaders);

        api.MapGet("/jobs", async (HttpContext http, MinerWatchDb db, JobQueue queue, string? cursor, int? limit, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var take = Math.Clamp(limit ?? 50, 1, 500);
            var q = db.Jobs.AsNoTracking().AsQueryable();
            q = q.Within(j => j.Region, caller.Region);
            if (cursor is not null) q = q.Where(j => string.Compare(j.Id, cursor) < 0);
            var jobs = await q.OrderByDescending(j => j.Id).Take(take + 1).ToListAsync(cancel);
            return TypedResults.Ok(new Page<JobView>([.. jobs.Take(take).Select(j => View(j, queue, false))], jobs.Count > take ? jobs[take - 1].Id : null));
        }).WithTags("Data").RequireAuthorization(Policies.Uploaders);
        return api;
    }

    private static async Task<IResult> AcceptAsync(HttpContext http, MinerWatchDb db, JobQueue queue, ServerOptions options, string kind,
        IReadOnlySet<string> parts, Func<List<StoredFile>, Dictionary<string, string>, Caller, Task> validate, CancellationToken cancel)
    {
        var caller = Caller.Of(http.User);
        var id = Guid.CreateVersion7().ToString("N");
        var dir = Path.Combine(options.DataDir, "jobs", id);
        ServerApp.AllowUpload(http, options);
        try
        {
            var (files, fields) = await Uploads.ReadAsync(http.Request, dir, parts, options.MaxUploadBytes, cancel);
            if (files.Count == 0) throw ApiProblem.Bad($"no files: send {string.Join(", ", parts)} as file parts");
            var unknown = fields.Keys.Where(k => k is not ("layout" or "region")).ToList();
            if (unknown.Count > 0) throw ApiProblem.Bad($"unknown field '{unknown[0]}': the fields are layout and region");
            if (fields.TryGetValue("layout", out var layout) && layout is not ("long" or "sgcc")) throw ApiProblem.Bad($"layout '{layout}': give long or sgcc");
            var region = RegionPath.Normalize(fields.GetValueOrDefault("region")) ?? throw ApiProblem.Bad("region: give a path such as CN-GD/Guangzhou");
            if (region.Length == 0) region = caller.Region;
            if (!caller.Covers(region)) throw ApiProblem.Forbidden($"region {region} is outside your region {caller.Region}");
            fields.Remove("region");
            await validate(files, fields, caller with { Region = region });
            var clock = http.RequestServices.GetRequiredService<TimeProvider>();
            return await RecordAsync(http, db, queue, kind, region, files, fields, dir, clock.GetUtcNow().UtcDateTime, cancel);
        }
        catch
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Sites are small and checked before the job is accepted, so a bad sites file is answered at once: every row must
    /// be in the uploader's region, and may not take over a meter that is now in another. Activity and feeder files
    /// describe every site (they replace the previous ones), so only an uploader whose region covers every site sends them.
    /// </summary>
    private static async Task ValidateMeterDataAsync(MinerWatchDb db, List<StoredFile> files, Caller caller, CancellationToken cancel)
    {
        if (files.Count(f => f.Role == "sites") > 1 || files.Count(f => f.Role == "activity") > 1 || files.Count(f => f.Role == "feeders") > 1)
            throw ApiProblem.Bad("send at most one sites, one activity and one feeders file per delivery");
        if (files.FirstOrDefault(f => f.Role is "activity" or "feeders") is { } whole && caller.Region.Length > 0)
        {
            var inside = db.Sites.AsNoTracking().Within(s => s.Region, caller.Region).Select(s => s.MeterId);
            var outside = await db.Sites.AsNoTracking().Where(s => !inside.Contains(s.MeterId)).Select(s => s.Region).FirstOrDefaultAsync(cancel);
            if (outside is not null)
                throw ApiProblem.Forbidden($"{whole.Name}: an {whole.Role} file replaces the one for every site, and there are sites outside your region {caller.Region} (in {outside}); an uploader whose region covers them all sends it");
        }
        foreach (var file in files.Where(f => f.Role == "sites"))
        {
            List<MinerWatch.Grid.Input.Site> sites;
            try
            {
                using var stream = File.OpenRead(file.Path);
                sites = SitesReader.Read(stream, file.Name, RowPolicy.Strict);
            }
            catch (InputException e)
            {
                throw new ApiProblem(400, "Bad Request", e.Message, new Dictionary<string, object?> { ["file"] = file.Name, ["line"] = e.Line, ["reason"] = e.Reason });
            }
            var outside = sites.FirstOrDefault(s => !RegionPath.IsWithin(s.Region, caller.Region));
            if (outside is not null) throw ApiProblem.Forbidden($"{file.Name}: site {outside.MeterId} is in region {outside.Region}, outside the region {caller.Region} this delivery may update");
            if (caller.Region.Length == 0) continue;
            var ids = sites.Select(s => s.MeterId).ToList();
            var known = await db.Sites.AsNoTracking().Where(s => ids.Contains(s.MeterId)).Select(s => new { s.MeterId, s.Region }).ToListAsync(cancel);
            if (known.FirstOrDefault(k => !RegionPath.IsWithin(k.Region, caller.Region)) is { } taken)
                throw ApiProblem.Forbidden($"{file.Name}: meter {taken.MeterId} is a site of region {taken.Region}, outside your region {caller.Region}: it cannot be moved or changed from here");
        }
    }

    private static async Task<IResult> RecordAsync(HttpContext http, MinerWatchDb db, JobQueue queue, string kind, string region, List<StoredFile> files,
        Dictionary<string, string> fields, string dir, DateTime now, CancellationToken cancel)
    {
        var (job, duplicate) = await JobIntake.RecordAsync(db, queue, http.RequestServices.GetRequiredService<CaseLog>(), kind, region, Caller.Of(http.User).Name, files, fields, dir, now, cancel);
        // The same delivery again changes nothing: the earlier job answers for it.
        return duplicate ? TypedResults.Ok(View(job, queue, duplicate: true)) : TypedResults.Accepted($"/api/v1/jobs/{job.Id}", View(job, queue, duplicate: false));
    }

    internal static JobView View(Job j, JobQueue queue, bool duplicate)
    {
        var files = JsonSerializer.Deserialize<List<StoredFile>>(j.FilesJson, CaseLog.Json) ?? [];
        using var bad = JsonDocument.Parse(j.BadRowsJson);
        return new JobView(j.Id, j.Kind, j.Status, j.Region, j.Created, j.Started, j.Finished,
            queue.Progress.TryGetValue(j.Id, out var p) ? p : j.Progress, j.RowsRead, j.BadRowCount, bad.RootElement.Clone(), j.Error, j.CasesOpened, j.Attempts,
            [.. files.Select(f => new JobFileView(f.Role, f.Name, f.Sha256, f.Size))], duplicate);
    }
}

/// <summary>One page of a list and the cursor for the next (null at the end).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);
