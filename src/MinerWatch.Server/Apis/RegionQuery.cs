using System.Linq.Expressions;
using MinerWatch.Application.Regions;
using MinerWatch.Server.Auth;

namespace MinerWatch.Server.Apis;

/// <summary>
/// The database side of <see cref="Application.Regions.RegionPath.IsWithin"/>: rows whose region is the scope or lies
/// below it, compared letter by letter. A substring, not StartsWith, since SQLite's LIKE ignores case.
/// </summary>
public static class RegionQuery
{
    private sealed record Scope(string Path, string Prefix, int Length);

    /// <summary>
    /// The region a request asks about (<paramref name="region"/>, else the caller's own), normalized, and refused as
    /// not found when the caller's grant does not cover it.
    /// </summary>
    public static string ScopeOf(Caller caller, string? region)
    {
        var scope = region is null ? caller.Region : RegionPath.Normalize(region) ?? throw ApiProblem.Bad("region: give a path such as CN-GD/Guangzhou");
        return caller.Covers(scope) ? scope : throw ApiProblem.NotFound($"region {scope}");
    }

    /// <summary>Rows whose region is on <paramref name="path"/>'s branch: the path itself, below it, or above it.</summary>
    public static IQueryable<T> OnBranchOf<T>(this IQueryable<T> rows, Expression<Func<T, string>> region, string path)
    {
        if (path.Length == 0) return rows;
        var ancestors = Expression.Constant(RegionPath.Ancestors(path).ToList());
        var above = Expression.Call(ancestors, typeof(List<string>).GetMethod(nameof(List<string>.Contains))!, region.Body);
        return rows.Where(Expression.Lambda<Func<T, bool>>(Expression.OrElse(WithinBody(region, path), above), region.Parameters));
    }

    public static IQueryable<T> Within<T>(this IQueryable<T> rows, Expression<Func<T, string>> region, string scope) =>
        scope.Length == 0 ? rows : rows.Where(Expression.Lambda<Func<T, bool>>(WithinBody(region, scope), region.Parameters));

    private static Expression WithinBody<T>(Expression<Func<T, string>> region, string scope)
    {
        // Read through an object's members, so the database sees parameters rather than new SQL text per scope.
        var values = Expression.Constant(new Scope(scope, scope + "/", scope.Length + 1));
        var body = region.Body;
        var same = Expression.Equal(body, Expression.Property(values, nameof(Scope.Path)));
        var head = Expression.Call(body, typeof(string).GetMethod(nameof(string.Substring), [typeof(int), typeof(int)])!,
            Expression.Constant(0), Expression.Property(values, nameof(Scope.Length)));
        var below = Expression.Equal(head, Expression.Property(values, nameof(Scope.Prefix)));
        return Expression.OrElse(same, below);
    }
}
