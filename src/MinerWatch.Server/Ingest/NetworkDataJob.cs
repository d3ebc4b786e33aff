using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MinerWatch.Application.Cases;
using MinerWatch.Network.Detection;
using MinerWatch.Network.Pools;
using MinerWatch.Persistence;
using MinerWatch.Server.Cases;

namespace MinerWatch.Server.Ingest;

/// <summary>
/// Applies captures and sensor logs: the findings are kept per host and pool endpoint and updated by later data (first
/// seen kept, last seen and shares moved on), never duplicated; a host with a finding of high confidence gets a case.
/// </summary>
public sealed class NetworkDataJob(CaseLog caseLog, TimeProvider clock)
{
    public async Task RunAsync(MinerWatchDb db, Job job, Action<double> progress, CancellationToken cancel)
    {
        var files = JsonSerializer.Deserialize<List<StoredFile>>(job.FilesJson, CaseLog.Json) ?? [];
        var scanner = new NetworkScanner(PoolList.Bundled());
        for (var k = 0; k < files.Count; k++)
        {
            cancel.ThrowIfCancellationRequested();
            await using var stream = File.OpenRead(files[k].Path);
            scanner.AddStream(stream, files[k].Name);
            progress((k + 1.0) / files.Count);
        }
        var result = scanner.Result();
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(cancel);
        var opened = 0;
        foreach (var f in result.Findings)
        {
            var row = await db.HostFindings.FirstOrDefaultAsync(h => h.Region == job.Region && h.Host == f.Host && h.Endpoint == f.Peer, cancel);
            var first = f.FirstSeen.UtcDateTime;
            if (row is null)
            {
                row = new HostFinding { Id = Guid.CreateVersion7().ToString("N"), Host = f.Host, Endpoint = f.Peer, Region = job.Region, FirstSeen = first };
                db.HostFindings.Add(row);
            }
            if (first < row.FirstSeen) row.FirstSeen = first;
            if (f.LastSeen.UtcDateTime > row.LastSeen) row.LastSeen = f.LastSeen.UtcDateTime;
            row.Pool = f.Pool ?? row.Pool;
            row.Wallet = f.Wallet ?? row.Wallet;
            row.Worker = f.Worker ?? row.Worker;
            row.Algorithm = f.Algorithm ?? row.Algorithm;
            row.HashRate = f.EstHashrateHs ?? row.HashRate;
            row.FindingJson = FindingsOutput.JsonLine(f);
            row.JobId = job.Id;
            if (f.Confidence != "high") continue;
            // A host is known by its address within the region whose data showed it.
            var existing = db.Cases.Local.FirstOrDefault(c => c.SubjectKind == "host" && c.SubjectId == f.Host && c.Region == job.Region)
                ?? await db.Cases.Where(c => c.SubjectKind == "host" && c.SubjectId == f.Host && c.Region == job.Region).OrderByDescending(c => c.Opened).FirstOrDefaultAsync(cancel);
            var finding = JsonSerializer.SerializeToElement(f, FindingsOutput.Line);
            if (existing is not null)
            {
                if (CaseWorkflow.IsActive(existing.Status))
                {
                    caseLog.Add(db, existing, "evidence", "job:" + job.Id, new { finding });
                    existing.Updated = now;
                    existing.Version++;
                }
                continue;
            }
            var c = new Case
            {
                Id = Guid.CreateVersion7().ToString("N"),
                SubjectKind = "host",
                SubjectId = f.Host,
                Region = job.Region,
                Status = CaseWorkflow.Open,
                Score = 1,
                FindingJson = finding.GetRawText(),
                MiningKw = f.EstPowerKw,
                Opened = now,
                Updated = now,
                Version = 1,
            };
            db.Cases.Add(c);
            caseLog.Add(db, c, "opened", "job:" + job.Id, new { reason = $"{f.Host} mines at {f.Pool ?? f.Peer} ({f.Protocol}), confidence high", finding });
            opened++;
        }
        job.Status = "completed";
        job.Finished = now;
        job.Progress = 1;
        job.CasesOpened = opened;
        job.RowsRead = result.Summary.Packets + result.Summary.LogLines;
        job.BadRowCount = result.Summary.Malformed + result.Summary.MalformedMessages;
        job.BadRowsJson = JsonSerializer.Serialize(result.Summary.Problems.Select(p => new { reason = p }), CaseLog.Json);
        await db.SaveChangesAsync(cancel);
        await tx.CommitAsync(cancel);
    }
}
