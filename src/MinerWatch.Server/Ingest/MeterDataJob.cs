using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MinerWatch.Application.Cases;
using MinerWatch.Application.Monitoring;
using MinerWatch.Application.Regions;
using MinerWatch.Grid;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Scan;
using MinerWatch.Persistence;
using MinerWatch.Server.Cases;

namespace MinerWatch.Server.Ingest;

/// <summary>
/// Applies one meter-data delivery: the readings into the saved grid state (a new state file), every meter judged
/// again, scores and cases written, and the job marked completed, all in one database transaction; the new state
/// becomes current in that same transaction. A crash before the commit leaves the previous state current and the job
/// to run again; after it, nothing is left to do but the evidence flush, which catches up by itself.
/// </summary>
public sealed class MeterDataJob(ServerOptions options, CaseLog caseLog, TimeProvider clock, ILogger<MeterDataJob> log)
{
    public const string StateSetting = "grid.state";
    public const string ActivitySetting = "grid.activity";
    public const string FeedersSetting = "grid.feeders";
    public const string ThresholdSetting = "campaign.threshold";
    private const int KeptBadRows = 1000;

    public async Task RunAsync(MinerWatchDb db, Job job, Action<double> progress, CancellationToken cancel)
    {
        var files = JsonSerializer.Deserialize<List<StoredFile>>(job.FilesJson, CaseLog.Json) ?? [];
        var settings = await db.Settings.AsNoTracking().ToDictionaryAsync(s => s.Key, s => s.Value, cancel);
        var fields = JsonSerializer.Deserialize<Dictionary<string, string>>(job.FieldsJson, CaseLog.Json) ?? [];
        var badRows = new List<RejectedRow>();
        long badCount = 0;
        var policy = RowPolicy.SetAside(row =>
        {
            badCount++;
            // Rows name the file as it was sent, not as it is stored.
            if (badRows.Count < KeptBadRows) badRows.Add(row with { File = files.FirstOrDefault(f => f.Path == row.File)?.Name ?? Path.GetFileName(row.File) });
        });

        // Sites: the stored ones, with this delivery's rows in their place (a delivery may only touch its region).
        var sites = await db.Sites.AsNoTracking().ToDictionaryAsync(s => s.MeterId, cancel);
        var newSites = new List<SiteRow>();
        foreach (var file in files.Where(f => f.Role == "sites"))
            foreach (var site in SitesReader.Read(file.Path, RowPolicy.Strict))
            {
                var row = new SiteRow
                {
                    MeterId = site.MeterId,
                    CustomerClass = site.Class.ToName(),
                    Region = site.Region,
                    FeederId = site.FeederId,
                    ContractedKw = site.ContractedKw,
                    Name = site.Name,
                    Latitude = site.Latitude,
                    Longitude = site.Longitude,
                };
                sites[site.MeterId] = row;
                newSites.Add(row);
            }
        var siteList = sites.Values.OrderBy(s => s.MeterId, StringComparer.Ordinal).Select(ToSite).ToList();
        if (siteList.Count == 0) throw ApiProblem.Bad("no sites are known yet: send a sites file (part 'sites') with the first delivery");

        var activity = files.FirstOrDefault(f => f.Role == "activity")?.Path ?? settings.GetValueOrDefault(ActivitySetting);
        var feeders = files.FirstOrDefault(f => f.Role == "feeders")?.Path ?? settings.GetValueOrDefault(FeedersSetting);
        var stateIn = settings.GetValueOrDefault(StateSetting);
        var gridDir = Path.Combine(options.DataDir, "grid");
        Directory.CreateDirectory(gridDir);
        var stateOut = Path.Combine(gridDir, $"state-{job.Id}.bin");
        File.Delete(stateOut);
        var layout = fields.GetValueOrDefault("layout") == "sgcc" ? ReadingsLayout.Sgcc : ReadingsLayout.Long;
        var delivery = new GridDelivery
        {
            Readings = [.. files.Where(f => f.Role == "readings").Select(f => f.Path)],
            Layout = layout,
            Activity = activity,
            Feeders = feeders,
        };
        var region = job.Region;
        ScanResult result;
        long rowsRead;
        var threshold = double.TryParse(settings.GetValueOrDefault(ThresholdSetting), System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : ScoreModel.SuspectThreshold;
        var profiles = new Dictionary<string, string>();
        try
        {
            (result, rowsRead, _) = await Task.Run(() => GridMonitor.Apply(stateIn is null ? null : Path.Combine(gridDir, stateIn), stateOut, siteList, delivery, policy,
                s => RegionPath.IsWithin(s.Region, region), GridReference.Bundled with { Clock = clock }, new ScanCosts(), progress, cancel,
                (scanner, judged) =>
                {
                    // The suspects' load pictures, for their case pages.
                    foreach (var f in judged.Meters.Where(m => m.Score >= threshold))
                        if (scanner.ProfileOf(f.MeterId) is { } p) profiles[f.MeterId] = LoadPicture.Json(p, f.Onset);
                }), cancel);
        }
        catch
        {
            File.Delete(stateOut);
            throw;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(cancel);
        foreach (var row in newSites)
        {
            var existing = await db.Sites.FindAsync([row.MeterId], cancel);
            if (existing is null) db.Sites.Add(row);
            else db.Entry(existing).CurrentValues.SetValues(row);
        }
        var scores = await db.MeterScores.ToDictionaryAsync(s => s.MeterId, cancel);
        foreach (var f in result.Meters)
        {
            var json = JsonSerializer.Serialize(f, ScanJson.Options);
            if (!scores.TryGetValue(f.MeterId, out var score)) db.MeterScores.Add(score = new MeterScore { MeterId = f.MeterId });
            score.Region = f.Region ?? "";
            score.Score = f.Score;
            score.Rank = f.Rank;
            score.Verdict = f.Verdict;
            score.FindingJson = json;
            score.JobId = job.Id;
            score.Updated = now;
        }
        job.CasesOpened = await OpenCasesAsync(db, result, threshold, job, now, cancel);
        var keys = profiles.Keys.ToList();
        var keptProfiles = await db.MeterProfiles.Where(p => keys.Contains(p.MeterId)).ToDictionaryAsync(p => p.MeterId, cancel);
        foreach (var (meter, json) in profiles)
        {
            if (!keptProfiles.TryGetValue(meter, out var row)) db.MeterProfiles.Add(row = new MeterProfile { MeterId = meter });
            row.Json = json;
            row.JobId = job.Id;
            row.Updated = now;
        }
        await SetSettingAsync(db, StateSetting, Path.GetFileName(stateOut), cancel);
        if (activity is not null) await SetSettingAsync(db, ActivitySetting, activity, cancel);
        if (feeders is not null) await SetSettingAsync(db, FeedersSetting, feeders, cancel);
        job.Status = "completed";
        job.Finished = now;
        job.Progress = 1;
        job.RowsRead = rowsRead;
        job.BadRowCount = badCount;
        job.BadRowsJson = JsonSerializer.Serialize(badRows, CaseLog.Json);
        await db.SaveChangesAsync(cancel);
        await tx.CommitAsync(cancel);
        if (stateIn is not null && stateIn != Path.GetFileName(stateOut)) TryDelete(Path.Combine(gridDir, stateIn));
        log.LogInformation("job {Job}: {Meters} meters judged, {Suspects} suspects, {Opened} cases opened, {Bad} bad rows",
            job.Id, result.Summary.Meters, result.Summary.Suspects, job.CasesOpened, badCount);
    }

    /// <summary>
    /// Opens a case, once, for each meter whose score reaches the threshold; a meter with an active case gets its new
    /// score and evidence added to it instead (when the score moved).
    /// </summary>
    private async Task<int> OpenCasesAsync(MinerWatchDb db, ScanResult result, double threshold, Job job, DateTime now, CancellationToken cancel)
    {
        var suspects = result.Meters.Where(m => m.Score >= threshold).ToList();
        if (suspects.Count == 0) return 0;
        var ids = suspects.Select(s => s.MeterId).ToList();
        var existing = (await db.Cases.Where(c => c.SubjectKind == "meter" && ids.Contains(c.SubjectId)).ToListAsync(cancel))
            .GroupBy(c => c.SubjectId).ToDictionary(g => g.Key, g => g.OrderByDescending(c => c.Opened).First());
        var opened = 0;
        foreach (var f in suspects)
        {
            var estimates = CaseEstimates.From(f);
            var finding = JsonSerializer.SerializeToElement(f, ScanJson.Options);
            if (existing.TryGetValue(f.MeterId, out var c))
            {
                if (!CaseWorkflow.IsActive(c.Status) || Math.Abs(c.Score - f.Score) < 0.005) continue;
                caseLog.Add(db, c, "evidence", "job:" + job.Id, new { score = f.Score, previous_score = c.Score, finding, estimates });
                c.Score = f.Score;
                c.FindingJson = finding.GetRawText();
                c.EstimatesJson = JsonSerializer.Serialize(estimates, CaseLog.Json);
                c.MiningKw = f.MiningKw;
                c.Updated = now;
                c.Version++;
                continue;
            }
            c = new Case
            {
                Id = Guid.CreateVersion7().ToString("N"),
                SubjectKind = "meter",
                SubjectId = f.MeterId,
                Region = f.Region ?? "",
                Status = CaseWorkflow.Open,
                CustomerClass = f.CustomerClass,
                Score = f.Score,
                FindingJson = finding.GetRawText(),
                EstimatesJson = JsonSerializer.Serialize(estimates, CaseLog.Json),
                MiningKw = f.MiningKw,
                Currency = f.Owed?.Currency ?? "CNY",
                Opened = now,
                Updated = now,
                Version = 1,
            };
            db.Cases.Add(c);
            caseLog.Add(db, c, "opened", "job:" + job.Id, new { reason = $"score {f.Score:0.######} reached the campaign threshold {threshold:0.######}", finding, estimates });
            opened++;
        }
        return opened;
    }

    internal static async Task SetSettingAsync(MinerWatchDb db, string key, string value, CancellationToken cancel)
    {
        var row = await db.Settings.FindAsync([key], cancel);
        if (row is null) db.Settings.Add(new Setting { Key = key, Value = value });
        else row.Value = value;
    }

    internal static Site ToSite(SiteRow s) => new(s.MeterId, CustomerClassNames.TryParse(s.CustomerClass, out var c) ? c : CustomerClass.Other, s.Region, s.FeederId, s.ContractedKw, s.Name, s.Latitude, s.Longitude);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // An old state left behind costs disk only; the current one is named in the database.
        }
    }
}
