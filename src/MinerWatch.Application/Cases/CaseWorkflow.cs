namespace MinerWatch.Application.Cases;

/// <summary>
/// A case's life: open → assigned → inspected → confirmed or dismissed; confirmed → rectified → closed; dismissed →
/// closed. A lead may reopen a dismissed case (new evidence). What each role may move is decided here, not per endpoint.
/// </summary>
public static class CaseWorkflow
{
    public const string Open = "open";
    public const string Assigned = "assigned";
    public const string Inspected = "inspected";
    public const string Confirmed = "confirmed";
    public const string Dismissed = "dismissed";
    public const string Rectified = "rectified";
    public const string Closed = "closed";

    public static readonly string[] Statuses = [Open, Assigned, Inspected, Confirmed, Dismissed, Rectified, Closed];

    private static readonly Dictionary<string, string[]> Next = new()
    {
        [Open] = [Assigned, Dismissed],
        [Assigned] = [Assigned, Inspected, Dismissed],
        [Inspected] = [Confirmed, Dismissed, Assigned],
        [Confirmed] = [Rectified],
        [Dismissed] = [Closed, Open],
        [Rectified] = [Closed],
        [Closed] = [],
    };

    /// <summary>The statuses a case in <paramref name="from"/> may move to, whoever asks.</summary>
    public static IReadOnlyList<string> Allowed(string from) => Next.TryGetValue(from, out var to) ? to : [];

    /// <summary>Whether <paramref name="role"/> may make the move (an inspector only records the inspection on a case assigned to them).</summary>
    public static bool RoleMay(string role, string to, bool assignedToCaller) => role switch
    {
        Roles.Admin or Roles.Lead => true,
        Roles.Inspector => assignedToCaller && to == Inspected,
        _ => false,
    };

    /// <summary>Still being worked on (counted as open in the campaign figures).</summary>
    public static bool IsActive(string status) => status is Open or Assigned or Inspected or Confirmed;
}
