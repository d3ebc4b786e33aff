using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace MinerWatch.Persistence;

/// <summary>
/// The platform's database: people (ASP.NET Core Identity), keys, sites, jobs, scores, cases and their events.
/// One set of migrations creates it on SQLite (the default) and on PostgreSQL: they name no store types, so each
/// provider maps the CLR types itself.
/// </summary>
public sealed class MinerWatchDb(DbContextOptions<MinerWatchDb> options) : IdentityDbContext<User>(options)
{
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<SiteRow> Sites => Set<SiteRow>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<MeterScore> MeterScores => Set<MeterScore>();
    public DbSet<HostFinding> HostFindings => Set<HostFinding>();
    public DbSet<SiteAddress> SiteAddresses => Set<SiteAddress>();
    public DbSet<MeterProfile> MeterProfiles => Set<MeterProfile>();
    public DbSet<Case> Cases => Set<Case>();
    public DbSet<CaseEvent> CaseEvents => Set<CaseEvent>();
    public DbSet<Attachment> Attachments => Set<Attachment>();
    public DbSet<CaseTask> CaseTasks => Set<CaseTask>();
    public DbSet<Webhook> Webhooks => Set<Webhook>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<Setting> Settings => Set<Setting>();

    /// <summary>Every time is stored and read back as UTC (SQLite keeps no kind; JSON then says Z).</summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        configuration.Properties<DateTime>().HaveConversion<UtcConverter>();
        configuration.Properties<DateTime?>().HaveConversion<UtcConverter>();
    }

    private sealed class UtcConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<ApiKey>(e =>
        {
            e.HasKey(k => k.Id);
            e.HasIndex(k => k.Sha256).IsUnique();
        });
        builder.Entity<SiteRow>(e =>
        {
            e.HasKey(s => s.MeterId);
            e.HasIndex(s => s.Region);
        });
        builder.Entity<Job>(e =>
        {
            e.HasKey(j => j.Id);
            e.HasIndex(j => new { j.Kind, j.ContentHash }).IsUnique();
            e.HasIndex(j => j.Status);
        });
        builder.Entity<MeterScore>(e =>
        {
            e.HasKey(s => s.MeterId);
            e.HasIndex(s => s.Region);
        });
        builder.Entity<MeterProfile>(e => e.HasKey(p => p.MeterId));
        builder.Entity<HostFinding>(e =>
        {
            e.HasKey(h => h.Id);
            e.HasIndex(h => new { h.Region, h.Host, h.Endpoint }).IsUnique();
            e.HasIndex(h => h.Region);
        });
        builder.Entity<SiteAddress>(e =>
        {
            e.HasKey(a => a.Id);
            e.HasIndex(a => new { a.MeterId, a.Prefix }).IsUnique();
            e.HasIndex(a => a.Region);
        });
        builder.Entity<Case>(e =>
        {
            e.HasKey(c => c.Id);
            e.Property(c => c.Version).IsConcurrencyToken();
            e.HasIndex(c => new { c.SubjectKind, c.SubjectId });
            e.HasIndex(c => c.Region);
            e.HasIndex(c => c.Status);
            // The case list by score walks this index instead of sorting every case with its finding.
            e.HasIndex(c => new { c.Score, c.Id });
        });
        builder.Entity<CaseEvent>(e =>
        {
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.CaseId);
            e.HasIndex(x => x.LogIndex);
        });
        builder.Entity<Attachment>(e =>
        {
            e.HasKey(a => a.Id);
            e.HasIndex(a => a.CaseId);
        });
        builder.Entity<CaseTask>(e =>
        {
            e.HasKey(t => t.Id);
            e.HasIndex(t => t.CaseId);
        });
        builder.Entity<Webhook>(e => e.HasKey(w => w.Id));
        builder.Entity<WebhookDelivery>(e =>
        {
            e.HasKey(d => d.Id);
            e.HasIndex(d => new { d.Delivered, d.NextAttempt });
        });
        builder.Entity<Setting>(e => e.HasKey(s => s.Key));
    }
}
