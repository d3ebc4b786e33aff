using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MinerWatch.Application.Cases;
using MinerWatch.Application.Evaluation;
using MinerWatch.Persistence;
using MinerWatch.Server.Auth;

namespace MinerWatch.Server.Apis;

public sealed record EvaluationReport(string Region, int Confirmed, int Dismissed, IReadOnlyList<Dictionary<string, object?>> Metrics);

/// <summary>
/// The campaign's own outcomes as labels: a meter whose case was confirmed (or rectified, or closed without a
/// dismissal) mined; one whose case was dismissed did not. The scorer's current scores are measured against them.
/// </summary>
public static class EvaluationApi
{
    public static RouteGroupBuilder MapEvaluationApi(this RouteGroupBuilder api)
    {
        api.MapGet("/evaluation", async (HttpContext http, MinerWatchDb db, string? region, CancellationToken cancel) =>
        {
            var (scope, labels) = await LabelsAsync(http, db, region, cancel);
            var positives = labels.Count(l => l.Mining);
            if (positives == 0 || positives == labels.Count)
                throw ApiProblem.Conflict($"the campaign has {positives} confirmed and {labels.Count - positives} dismissed meter cases in {(scope.Length == 0 ? "all regions" : scope)}: measuring needs at least one of each");
            var scores = await db.MeterScores.AsNoTracking().Where(m => labels.Select(l => l.MeterId).Contains(m.MeterId)).Select(m => new { m.MeterId, m.Score }).ToListAsync(cancel);
            var metrics = RankingMetrics.Evaluate([.. scores.Select(s => (s.MeterId, s.Score))], labels, "campaign outcomes", "current scores");
            // Only the overall set: outcomes have no variants (the labels say "confirmed" for every positive).
            return TypedResults.Ok(new EvaluationReport(scope, positives, labels.Count - positives, [RankingMetrics.Fields(metrics[0])]));
        }).WithTags("Campaign").RequireAuthorization(Policies.Auditors);

        api.MapGet("/evaluation/labels", async (HttpContext http, MinerWatchDb db, string? region, CancellationToken cancel) =>
        {
            // The labels file `minerwatch evaluate --labels` reads: outcomes to measure any scan against.
            var (_, labels) = await LabelsAsync(http, db, region, cancel);
            var csv = new StringBuilder("meter_id,mining,variant,onset\n");
            foreach (var l in labels.OrderBy(l => l.MeterId, StringComparer.Ordinal))
                csv.Append(CultureInfo.InvariantCulture, $"{l.MeterId},{(l.Mining ? 1 : 0)},{l.Variant},{l.Onset?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}\n");
            return TypedResults.Text(csv.ToString(), "text/csv; charset=utf-8");
        }).WithTags("Campaign").RequireAuthorization(Policies.Auditors);
        return api;
    }

    private static async Task<(string Scope, List<Label> Labels)> LabelsAsync(HttpContext http, MinerWatchDb db, string? region, CancellationToken cancel)
    {
        var caller = Caller.Of(http.User);
        var scope = RegionQuery.ScopeOf(caller, region);
        var q = CasesApi.Visible(db, caller).AsNoTracking().Where(c => c.SubjectKind == "meter");
        q = q.Within(c => c.Region, scope);
        var outcomes = await q.Where(c => c.Status == CaseWorkflow.Confirmed || c.Status == CaseWorkflow.Rectified || c.Status == CaseWorkflow.Dismissed || c.Status == CaseWorkflow.Closed)
            .Select(c => new { c.SubjectId, c.Status, c.DismissReason, c.Opened }).ToListAsync(cancel);
        // The latest outcome of each meter counts.
        var labels = outcomes.GroupBy(o => o.SubjectId).Select(g => g.OrderByDescending(o => o.Opened).First())
            .Select(o => new Label(o.SubjectId, o.Status != CaseWorkflow.Dismissed && o.DismissReason is null, o.Status != CaseWorkflow.Dismissed && o.DismissReason is null ? "confirmed" : "", null))
            .ToList();
        return (scope, labels);
    }
}
