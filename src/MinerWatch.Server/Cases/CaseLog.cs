using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using MinerWatch.Application.Evidence;
using MinerWatch.Application.Regions;
using MinerWatch.Persistence;

namespace MinerWatch.Server.Cases;

/// <summary>
/// Case events: written to the database with the change they record, then appended to the evidence log (an outbox:
/// an event whose append a crash interrupted is appended, or found already appended, at the next flush), then told
/// to the live feed and queued for the region's webhooks.
/// </summary>
public sealed class CaseLog(EvidenceStore evidence, CaseFeed feed, TimeProvider clock)
{
    private readonly SemaphoreSlim _flush = new(1, 1);

    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = false };

    /// <summary>Adds an event to the unit of work; it reaches the log at the next <see cref="FlushAsync"/> after it is saved.</summary>
    public CaseEvent Add(MinerWatchDb db, Case c, string kind, string actor, object? data) =>
        Add(db, "minerwatch.case-event/v1", c.Id, $"{c.SubjectKind}:{c.SubjectId}", c.Region, kind, actor, data);

    /// <summary>
    /// An accepted delivery, sealed as it is acknowledged: its job, region, sender and each file's name, size and
    /// SHA-256, so what was delivered when can be proven later. Not a case event: it has no case.
    /// </summary>
    public CaseEvent AddDelivery(MinerWatchDb db, Job job, IEnumerable<MinerWatch.Server.Ingest.StoredFile> files) =>
        Add(db, "minerwatch.delivery/v1", "", "job:" + job.Id, job.Region, job.Kind, job.SubmittedBy,
            new { job = job.Id, files = files.Select(f => new { role = f.Role, name = f.Name, size = f.Size, sha256 = f.Sha256 }) });

    private CaseEvent Add(MinerWatchDb db, string type, string caseId, string subject, string region, string kind, string actor, object? data)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Whole microseconds: what PostgreSQL keeps, so the stored time and the logged one read the same.
        var at = new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc);
        var id = Guid.CreateVersion7().ToString("N");
        // The entry names the case, its subject and region, so an entry proves what it is about on its own.
        var body = new JsonObject
        {
            ["type"] = type,
            ["id"] = id,
            ["case"] = caseId.Length == 0 ? null : caseId,
            ["subject"] = subject,
            ["region"] = region,
            ["kind"] = kind,
            ["at"] = at.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["actor"] = actor,
            ["data"] = data is null ? null : JsonSerializer.SerializeToNode(data, Json),
        };
        var json = body.ToJsonString(Json);
        var e = new CaseEvent
        {
            Id = id,
            CaseId = caseId,
            Kind = kind,
            At = at,
            Actor = actor,
            Json = json,
            Sha256 = EvidenceStore.Sha256(System.Text.Encoding.UTF8.GetBytes(json)),
        };
        db.CaseEvents.Add(e);
        return e;
    }

    /// <summary>Appends every saved event not yet in the log, in one checkpoint, and records each one's index.</summary>
    public async Task FlushAsync(MinerWatchDb db, CancellationToken cancel)
    {
        await _flush.WaitAsync(cancel);
        try
        {
            var pending = await db.CaseEvents.Where(e => e.LogIndex == null).ToListAsync(cancel);
            if (pending.Count == 0) return;
            pending = [.. pending.OrderBy(e => e.At).ThenBy(e => e.Id, StringComparer.Ordinal)];
            // A crash between the append and the database update leaves entries past the last recorded index:
            // they are found by their bytes, not appended twice.
            var recorded = await db.CaseEvents.Where(e => e.LogIndex != null).MaxAsync(e => e.LogIndex, cancel) ?? -1;
            var bytes = pending.ToDictionary(e => e.Id, e => System.Text.Encoding.UTF8.GetBytes(e.Json));
            var byContent = pending.ToDictionary(e => e.Sha256, e => e);
            for (var i = recorded + 1; i < evidence.Size; i++)
                if (byContent.TryGetValue(EvidenceStore.Sha256(evidence.Entry(i)), out var found) && found.LogIndex is null) found.LogIndex = i;
            var rest = pending.Where(e => e.LogIndex is null).ToList();
            var indices = evidence.Append([.. rest.Select(e => bytes[e.Id])]);
            for (var k = 0; k < rest.Count; k++) rest[k].LogIndex = indices[k];
            var caseIds = pending.Select(p => p.CaseId).Distinct().ToList();
            var owners = await db.Cases.Where(c => caseIds.Contains(c.Id)).Select(c => new { c.Id, c.Region, c.AssigneeId }).ToDictionaryAsync(c => c.Id, cancel);
            var regions = owners.ToDictionary(o => o.Key, o => o.Value.Region);
            var hooks = await db.Webhooks.AsNoTracking().ToListAsync(cancel);
            foreach (var e in pending.Where(e => e.CaseId.Length > 0))
                foreach (var hook in hooks.Where(h => RegionPath.IsWithin(regions.GetValueOrDefault(e.CaseId, ""), h.Region)))
                    db.WebhookDeliveries.Add(new WebhookDelivery { Id = Guid.CreateVersion7().ToString("N"), WebhookId = hook.Id, EventId = e.Id, NextAttempt = e.At });
            await db.SaveChangesAsync(cancel);
            foreach (var e in pending.Where(e => e.CaseId.Length > 0))
                feed.Publish(new CaseFeedItem(e.Id, e.CaseId, regions.GetValueOrDefault(e.CaseId, ""), e.Kind, e.At, e.LogIndex) { AssigneeId = owners.GetValueOrDefault(e.CaseId)?.AssigneeId });
        }
        finally
        {
            _flush.Release();
        }
    }
}

public sealed record CaseFeedItem(string EventId, string CaseId, string Region, string Kind, DateTime At, long? LogIndex)
{
    /// <summary>Who the case is assigned to, to tell an inspector only of their own cases; not sent.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? AssigneeId { get; init; }
}

/// <summary>The live stream of case events for consoles (server-sent events), each subscriber filtered by its region.</summary>
public sealed class CaseFeed
{
    private readonly Lock _gate = new();
    private readonly List<(string Region, string? Assignee, Channel<CaseFeedItem> Channel)> _subscribers = [];

    /// <param name="assignee">For an inspector: only the cases assigned to them.</param>
    public ChannelReader<CaseFeedItem> Subscribe(string region, string? assignee, CancellationToken cancel)
    {
        var channel = Channel.CreateBounded<CaseFeedItem>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_gate) _subscribers.Add((region, assignee, channel));
        cancel.Register(() =>
        {
            lock (_gate) _subscribers.RemoveAll(s => s.Channel == channel);
            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }

    public void Publish(CaseFeedItem item)
    {
        lock (_gate)
            foreach (var (region, assignee, channel) in _subscribers)
                if (RegionPath.IsWithin(item.Region, region) && (assignee is null || assignee == item.AssigneeId)) channel.Writer.TryWrite(item);
    }
}
