namespace MinerWatch.Application;

/// <summary>Who may do what. A person has one role over one region subtree; a machine's key has the ingest role.</summary>
public static class Roles
{
    public const string Admin = "admin";
    /// <summary>Everything in a region subtree: cases, assignments, amounts, people, keys and webhooks (the threshold is an admin's).</summary>
    public const string Lead = "lead";
    /// <summary>Cases assigned to them inside a region subtree: inspection, attachments, comments.</summary>
    public const string Inspector = "inspector";
    /// <summary>Reads everything in a subtree and verifies evidence; changes nothing.</summary>
    public const string Auditor = "auditor";
    /// <summary>A machine that may only upload data for its subtree.</summary>
    public const string Ingest = "ingest";

    public static readonly string[] People = [Admin, Lead, Inspector, Auditor];
    public static readonly string[] All = [Admin, Lead, Inspector, Auditor, Ingest];
}
