using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MinerWatch.Persistence;
using MinerWatch.Server.Auth;

namespace MinerWatch.Server.Apis;

public sealed record MeterView(string MeterId, string Region, double Score, int Rank, string Verdict, DateTime Updated, JsonElement? Finding, SiteRow? Site);

/// <summary>The meters' latest scores, ranked, in the caller's region.</summary>
public static class MetersApi
{
    public static RouteGroupBuilder MapMetersApi(this RouteGroupBuilder api)
    {
        api.MapGet("/meters", async (HttpContext http, MinerWatchDb db, string? region, string? verdict, string? cursor, int? limit, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var scope = RegionQuery.ScopeOf(caller, region);
            var q = db.MeterScores.AsNoTracking().AsQueryable();
            q = q.Within(m => m.Region, scope);
            if (verdict is not null) q = q.Where(m => m.Verdict == verdict);
            var after = cursor is null ? 0 : int.TryParse(cursor, out var r) ? r : throw ApiProblem.Bad("cursor: give the next value of the previous page");
            var take = Math.Clamp(limit ?? 50, 1, 500);
            var rows = await q.Where(m => m.Rank > after).OrderBy(m => m.Rank).Take(take + 1).ToListAsync(cancel);
            return TypedResults.Ok(new Page<MeterView>([.. rows.Take(take).Select(m => new MeterView(m.MeterId, m.Region, m.Score, m.Rank, m.Verdict, m.Updated, null, null))],
                rows.Count > take ? rows[take - 1].Rank.ToString(System.Globalization.CultureInfo.InvariantCulture) : null));
        }).WithTags("Meters").RequireAuthorization(Policies.Auditors);

        api.MapGet("/meters/{id}", async (string id, HttpContext http, MinerWatchDb db, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var site = await db.Sites.AsNoTracking().FirstOrDefaultAsync(s => s.MeterId == id, cancel);
            if (site is null || !caller.Covers(site.Region)) throw ApiProblem.NotFound($"meter {id}");
            var m = await db.MeterScores.AsNoTracking().FirstOrDefaultAsync(s => s.MeterId == id, cancel);
            using var finding = m is null ? null : JsonDocument.Parse(m.FindingJson);
            return TypedResults.Ok(new MeterView(id, site.Region, m?.Score ?? 0, m?.Rank ?? 0, m?.Verdict ?? "not scored", m?.Updated ?? default, finding?.RootElement.Clone(), site));
        }).WithTags("Meters").RequireAuthorization(Policies.Auditors);
        return api;
    }
}
