using Microsoft.AspNetCore.Identity;

namespace MinerWatch.Persistence;

// Times are UTC DateTime (not DateTimeOffset) and money is double: SQLite can order and sum those in the database,
// and PostgreSQL stores them as timestamptz and double precision.

/// <summary>A person who signs in: one role, granted over one region subtree.</summary>
public sealed class User : IdentityUser
{
    public string Role { get; set; } = "";
    /// <summary>The region subtree the role applies to; empty for everything.</summary>
    public string Region { get; set; } = "";
    public DateTime Created { get; set; }
    /// <summary>The console's language this person chose (en or zh-CN); null follows the browser.</summary>
    public string? Language { get; set; }
}

/// <summary>A machine's key: only its SHA-256 is kept.</summary>
public sealed class ApiKey
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Role { get; set; } = "";
    public string Region { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public DateTime Created { get; set; }
    public bool Revoked { get; set; }
}

/// <summary>A metered site as the latest sites delivery describes it.</summary>
public sealed class SiteRow
{
    public string MeterId { get; set; } = "";
    public string CustomerClass { get; set; } = "";
    public string Region { get; set; } = "";
    public string FeederId { get; set; } = "";
    public double ContractedKw { get; set; }
    public string? Name { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
}

/// <summary>An accepted upload and its processing; kept for the record and replayed after a crash.</summary>
public sealed class Job
{
    public string Id { get; set; } = "";
    public string Kind { get; set; } = "";
    /// <summary>queued, running, completed or failed.</summary>
    public string Status { get; set; } = "";
    public string Region { get; set; } = "";
    public string SubmittedBy { get; set; } = "";
    /// <summary>SHA-256 over the files' roles and contents: the same delivery twice is one job.</summary>
    public string ContentHash { get; set; } = "";
    /// <summary>The stored files as JSON: role, original name, stored path, SHA-256, size.</summary>
    public string FilesJson { get; set; } = "[]";
    /// <summary>The upload's form fields as JSON (layout, region).</summary>
    public string FieldsJson { get; set; } = "{}";
    public DateTime Created { get; set; }
    public DateTime? Started { get; set; }
    public DateTime? Finished { get; set; }
    public double Progress { get; set; }
    public long RowsRead { get; set; }
    public long BadRowCount { get; set; }
    /// <summary>The bad rows as JSON (file, line, reason, row), at most the first thousand.</summary>
    public string BadRowsJson { get; set; } = "[]";
    public string? Error { get; set; }
    public int CasesOpened { get; set; }
    public int Attempts { get; set; }
}

/// <summary>The latest score of a meter, as the last completed meter-data job left it.</summary>
public sealed class MeterScore
{
    public string MeterId { get; set; } = "";
    public string Region { get; set; } = "";
    public double Score { get; set; }
    public int Rank { get; set; }
    public string Verdict { get; set; } = "";
    public string FindingJson { get; set; } = "";
    public string JobId { get; set; } = "";
    public DateTime Updated { get; set; }
}

/// <summary>
/// A suspect meter's load as the console draws it (daily mean, minimum and maximum kW; kW by hour of day per 28-day
/// block), kept from the job that last judged it, since the readings themselves are not kept.
/// </summary>
public sealed class MeterProfile
{
    public string MeterId { get; set; } = "";
    public string Json { get; set; } = "";
    public string JobId { get; set; } = "";
    public DateTime Updated { get; set; }
}

/// <summary>
/// A network host seen mining, per pool endpoint, in the region whose data showed it (10.0.0.5 in one district is not
/// 10.0.0.5 in another): updated as new data arrives, never duplicated.
/// </summary>
/// <summary>
/// The address book: a network identity of a metered site (an address or a CIDR prefix), so that the network findings
/// about hosts there attach to the site's case.
/// </summary>
public sealed class SiteAddress
{
    public string Id { get; set; } = "";
    public string MeterId { get; set; } = "";
    /// <summary>The site's region when the entry was made: who may read and change it.</summary>
    public string Region { get; set; } = "";
    /// <summary>An address or prefix in canonical form (<c>10.2.0.0/16</c>, <c>2001:db8::/48</c>).</summary>
    public string Prefix { get; set; } = "";
    public string? Note { get; set; }
    public DateTime Added { get; set; }
}

public sealed class HostFinding
{
    public string Id { get; set; } = "";
    public string Host { get; set; } = "";
    public string Endpoint { get; set; } = "";
    public string Region { get; set; } = "";
    public string? Pool { get; set; }
    public string? Wallet { get; set; }
    public string? Worker { get; set; }
    public string? Algorithm { get; set; }
    public double? HashRate { get; set; }
    public DateTime FirstSeen { get; set; }
    public DateTime LastSeen { get; set; }
    public string FindingJson { get; set; } = "";
    public string JobId { get; set; } = "";
}

public sealed class Case
{
    public string Id { get; set; } = "";
    /// <summary>meter or host.</summary>
    public string SubjectKind { get; set; } = "";
    public string SubjectId { get; set; } = "";
    public string Region { get; set; } = "";
    public string Status { get; set; } = "";
    public string? CustomerClass { get; set; }
    public double Score { get; set; }
    public string? AssigneeId { get; set; }
    public DateOnly? Due { get; set; }
    public string FindingJson { get; set; } = "";
    public string? EstimatesJson { get; set; }
    public double? MiningKw { get; set; }
    public string? InspectionReport { get; set; }
    public string? DismissReason { get; set; }
    public bool? Disconnected { get; set; }
    public double? AmountBilled { get; set; }
    public double? AmountRecovered { get; set; }
    public double? KwRemoved { get; set; }
    public double? KwhPerYearAvoided { get; set; }
    public double? Co2TonnesPerYearAvoided { get; set; }
    public string Currency { get; set; } = "CNY";
    public DateTime Opened { get; set; }
    public DateTime Updated { get; set; }
    /// <summary>Raised on every change: the ETag, and the optimistic-concurrency token.</summary>
    public int Version { get; set; }
}

/// <summary>One thing that happened to a case, as appended to the evidence log.</summary>
public sealed class CaseEvent
{
    public string Id { get; set; } = "";
    public string CaseId { get; set; } = "";
    public string Kind { get; set; } = "";
    public DateTime At { get; set; }
    public string Actor { get; set; } = "";
    /// <summary>The event exactly as appended to the evidence log (canonical JSON).</summary>
    public string Json { get; set; } = "";
    public string Sha256 { get; set; } = "";
    /// <summary>The entry's index in the evidence log; null until appended (a crash in between is finished at start).</summary>
    public long? LogIndex { get; set; }
}

public sealed class Attachment
{
    public string Id { get; set; } = "";
    public string CaseId { get; set; } = "";
    public string FileName { get; set; } = "";
    public string MediaType { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public long Size { get; set; }
    public string StoredPath { get; set; } = "";
    public DateTime Added { get; set; }
    public string AddedBy { get; set; } = "";
}

public sealed class CaseTask
{
    public string Id { get; set; } = "";
    public string CaseId { get; set; } = "";
    public string Text { get; set; } = "";
    public bool Done { get; set; }
    public DateTime Created { get; set; }
}

/// <summary>A district's system to tell of case events: a JSON POST signed with HMAC-SHA256.</summary>
public sealed class Webhook
{
    public string Id { get; set; } = "";
    public string Region { get; set; } = "";
    public string Url { get; set; } = "";
    public string Secret { get; set; } = "";
}

/// <summary>A case event still to be delivered to a webhook (retried with back-off).</summary>
public sealed class WebhookDelivery
{
    public string Id { get; set; } = "";
    public string WebhookId { get; set; } = "";
    public string EventId { get; set; } = "";
    public int Attempts { get; set; }
    public DateTime NextAttempt { get; set; }
    public bool Delivered { get; set; }
    public string? LastError { get; set; }
}

public sealed class Setting
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}
