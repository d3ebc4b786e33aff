using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MinerWatch.Application.Cases;
using MinerWatch.Application.Regions;
using MinerWatch.Persistence;
using MinerWatch.Server.Auth;

namespace MinerWatch.Server.Apis;

public sealed record RegionFigures(string Region, IReadOnlyDictionary<string, int> CasesByStatus, int ConfirmedSites, double KwRemoved,
    double KwhPerYearAvoided, double Co2TonnesPerYearAvoided, double MoneyRecovered, double SuspectedKw);
public sealed record CampaignSummary(string Region, IReadOnlyList<RegionFigures> Children, RegionFigures Total);
public sealed record CasePoint(string CaseId, string SubjectId, string Region, string Status, double Score, double? MiningKw, double Latitude, double Longitude);
public sealed record WeekFigures(DateOnly Week, int Opened, int Closed, int Confirmed, int Dismissed, double KwRemoved,
    double KwhPerYearAvoided, double Co2TonnesPerYearAvoided, double MoneyRecovered);

/// <summary>The campaign's figures per child region: the list a province pushes down to its districts.</summary>
public static class CampaignApi
{
    public static RouteGroupBuilder MapCampaignApi(this RouteGroupBuilder api)
    {
        api.MapGet("/campaign/summary", async (HttpContext http, MinerWatchDb db, string? region, string? format, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var scope = RegionQuery.ScopeOf(caller, region);
            var q = CasesApi.Visible(db, caller).AsNoTracking();
            q = q.Within(c => c.Region, scope);
            var rows = await q.Select(c => new Row(c.Region, c.Status, c.KwRemoved, c.KwhPerYearAvoided, c.Co2TonnesPerYearAvoided, c.AmountRecovered, c.MiningKw, c.DismissReason))
                .ToListAsync(cancel);
            RegionFigures Figures(string name, IEnumerable<Row> group)
            {
                var list = group.ToList();
                var byStatus = CaseWorkflow.Statuses.ToDictionary(s => s, s => list.Count(c => c.Status == s));
                var confirmed = list.Count(c => c.Status is CaseWorkflow.Confirmed or CaseWorkflow.Rectified || c.Status == CaseWorkflow.Closed && c.DismissReason == null);
                return new RegionFigures(name, byStatus, confirmed,
                    Math.Round(list.Sum(c => c.KwRemoved ?? 0), 2), Math.Round(list.Sum(c => c.KwhPerYearAvoided ?? 0), 0),
                    Math.Round(list.Sum(c => c.Co2TonnesPerYearAvoided ?? 0), 2), Math.Round(list.Sum(c => c.AmountRecovered ?? 0), 2),
                    Math.Round(list.Where(c => CaseWorkflow.IsActive(c.Status)).Sum(c => c.MiningKw ?? 0), 2));
            }
            var children = rows.GroupBy(r => RegionPath.ChildOf(r.Region, scope)).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Figures(g.Key, g)).ToList();
            var summary = new CampaignSummary(scope, children, Figures(scope.Length == 0 ? "(all)" : scope, rows));
            if (format is null or "json") return Results.Ok(summary);
            if (format != "csv") throw ApiProblem.Bad($"format '{format}': give json or csv");
            return Results.Text(Csv(summary), "text/csv; charset=utf-8");
        }).WithTags("Campaign").RequireAuthorization(Policies.People);

        api.MapGet("/campaign/points", async (HttpContext http, MinerWatchDb db, string? region, CancellationToken cancel) =>
        {
            // The meter cases the caller may see, where their sites' coordinates are known: the map's points.
            var caller = Caller.Of(http.User);
            var scope = RegionQuery.ScopeOf(caller, region);
            var q = CasesApi.Visible(db, caller).AsNoTracking().Where(c => c.SubjectKind == "meter");
            q = q.Within(c => c.Region, scope);
            var points = await q.Join(db.Sites.AsNoTracking(), c => c.SubjectId, s => s.MeterId, (c, s) => new { c, s })
                .Where(x => x.s.Latitude != null && x.s.Longitude != null)
                .Select(x => new CasePoint(x.c.Id, x.c.SubjectId, x.c.Region, x.c.Status, x.c.Score, x.c.MiningKw, x.s.Latitude!.Value, x.s.Longitude!.Value))
                .ToListAsync(cancel);
            return TypedResults.Ok(points);
        }).WithTags("Campaign").RequireAuthorization(Policies.People);

        api.MapGet("/campaign/outlines", (HttpContext http, RegionOutlines outlines, string? region) =>
        {
            // GeoJSON: the region's own outline, then its children's, from the operator's folder; an empty
            // collection when none are given, and the console falls back to the bundled map of countries.
            var caller = Caller.Of(http.User);
            var scope = RegionQuery.ScopeOf(caller, region);
            return Results.Text(outlines.For(scope).ToJsonString(), "application/geo+json");
        }).WithTags("Campaign").RequireAuthorization(Policies.People).Produces(200, contentType: "application/geo+json");

        api.MapGet("/campaign/trend", async (HttpContext http, MinerWatchDb db, string? region, CancellationToken cancel) =>
        {
            // Per week (Monday, UTC): cases opened, and the moves that end or settle one, from the case events.
            var caller = Caller.Of(http.User);
            var scope = RegionQuery.ScopeOf(caller, region);
            var q = CasesApi.Visible(db, caller).AsNoTracking();
            q = q.Within(c => c.Region, scope);
            var cases = await q.Select(c => new { c.Id, c.Opened }).ToListAsync(cancel);
            var ids = cases.Select(c => c.Id).ToList();
            var moves = await db.CaseEvents.AsNoTracking().Where(e => e.Kind == "transition" && ids.Contains(e.CaseId)).Select(e => new { e.At, e.Json }).ToListAsync(cancel);
            static DateOnly Monday(DateTime t) => DateOnly.FromDateTime(t.Date.AddDays(-(((int)t.DayOfWeek + 6) % 7)));
            var weeks = new SortedDictionary<DateOnly, WeekFigures>();
            WeekFigures At(DateTime t) => weeks.TryGetValue(Monday(t), out var w) ? w : weeks[Monday(t)] = new WeekFigures(Monday(t), 0, 0, 0, 0, 0, 0, 0, 0);
            foreach (var c in cases) weeks[Monday(c.Opened)] = At(c.Opened) with { Opened = At(c.Opened).Opened + 1 };
            foreach (var m in moves)
            {
                using var doc = System.Text.Json.JsonDocument.Parse(m.Json);
                var data = doc.RootElement.GetProperty("data");
                var to = data.TryGetProperty("to", out var v) ? v.GetString() : null;
                var w = At(m.At);
                double Number(string name) => data.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.Number ? v.GetDouble() : 0;
                weeks[w.Week] = to switch
                {
                    CaseWorkflow.Closed => w with { Closed = w.Closed + 1, MoneyRecovered = Math.Round(w.MoneyRecovered + Number("amount_recovered"), 2) },
                    CaseWorkflow.Confirmed => w with { Confirmed = w.Confirmed + 1 },
                    CaseWorkflow.Dismissed => w with { Dismissed = w.Dismissed + 1 },
                    CaseWorkflow.Rectified => w with
                    {
                        KwRemoved = Math.Round(w.KwRemoved + Number("kw_removed"), 2),
                        KwhPerYearAvoided = Math.Round(w.KwhPerYearAvoided + Number("kwh_per_year_avoided"), 0),
                        Co2TonnesPerYearAvoided = Math.Round(w.Co2TonnesPerYearAvoided + Number("co2_tonnes_per_year_avoided"), 2),
                    },
                    _ => w,
                };
            }
            return TypedResults.Ok(weeks.Values.ToList());
        }).WithTags("Campaign").RequireAuthorization(Policies.People);
        return api;
    }

    private sealed record Row(string Region, string Status, double? KwRemoved, double? KwhPerYearAvoided, double? Co2TonnesPerYearAvoided,
        double? AmountRecovered, double? MiningKw, string? DismissReason);

    private static string Csv(CampaignSummary s)
    {
        var sb = new StringBuilder("region," + string.Join(',', CaseWorkflow.Statuses) + ",confirmed_sites,kw_removed,kwh_per_year_avoided,co2_tonnes_per_year_avoided,money_recovered,suspected_kw\n");
        foreach (var r in s.Children.Append(s.Total))
        {
            sb.Append(CsvText.Field(r.Region)).Append(',');
            sb.Append(string.Join(',', CaseWorkflow.Statuses.Select(st => r.CasesByStatus[st].ToString(CultureInfo.InvariantCulture)))).Append(',');
            sb.AppendJoin(',', new[] { r.ConfirmedSites, r.KwRemoved, r.KwhPerYearAvoided, r.Co2TonnesPerYearAvoided, r.MoneyRecovered, r.SuspectedKw }
                .Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture).ToString("0.##", CultureInfo.InvariantCulture))).Append('\n');
        }
        return sb.ToString();
    }
}
