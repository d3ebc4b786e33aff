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

/// <summary>The campaign's figures per child region: the list a province pushes down to its districts.</summary>
public static class CampaignApi
{
    public static RouteGroupBuilder MapCampaignApi(this RouteGroupBuilder api)
    {
        api.MapGet("/campaign/summary", async (HttpContext http, MinerWatchDb db, string? region, string? format, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var scope = region is null ? caller.Region : RegionPath.Normalize(region) ?? throw ApiProblem.Bad("region: give a path such as CN-GD/Guangzhou");
            if (!caller.Covers(scope)) throw ApiProblem.NotFound($"region {scope}");
            var q = CasesApi.Visible(db, caller).AsNoTracking();
            if (scope.Length > 0) q = q.Where(c => c.Region == scope || c.Region.Substring(0, scope.Length + 1) == scope + "/");
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
        return api;
    }

    private sealed record Row(string Region, string Status, double? KwRemoved, double? KwhPerYearAvoided, double? Co2TonnesPerYearAvoided,
        double? AmountRecovered, double? MiningKw, string? DismissReason);

    private static string Csv(CampaignSummary s)
    {
        var sb = new StringBuilder("region," + string.Join(',', CaseWorkflow.Statuses) + ",confirmed_sites,kw_removed,kwh_per_year_avoided,co2_tonnes_per_year_avoided,money_recovered,suspected_kw\n");
        foreach (var r in s.Children.Append(s.Total))
        {
            sb.Append(Field(r.Region)).Append(',');
            sb.Append(string.Join(',', CaseWorkflow.Statuses.Select(st => r.CasesByStatus[st].ToString(CultureInfo.InvariantCulture)))).Append(',');
            sb.AppendJoin(',', new[] { r.ConfirmedSites, r.KwRemoved, r.KwhPerYearAvoided, r.Co2TonnesPerYearAvoided, r.MoneyRecovered, r.SuspectedKw }
                .Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture).ToString("0.##", CultureInfo.InvariantCulture))).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>A region name as a CSV field: quoted when needed, and never read as a formula by a spreadsheet.</summary>
    private static string Field(string v)
    {
        if (v.Length > 0 && v[0] is '=' or '+' or '-' or '@') v = "'" + v;
        return v.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;
    }
}
