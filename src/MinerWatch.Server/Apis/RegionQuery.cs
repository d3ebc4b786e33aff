using System.Linq.Expressions;

namespace MinerWatch.Server.Apis;

/// <summary>
/// The database side of <see cref="Application.Regions.RegionPath.IsWithin"/>: rows whose region is the scope or lies
/// below it, compared letter by letter. A substring, not StartsWith, since SQLite's LIKE ignores case.
/// </summary>
public static class RegionQuery
{
    private sealed record Scope(string Path, string Prefix, int Length);

    public static IQueryable<T> Within<T>(this IQueryable<T> rows, Expression<Func<T, string>> region, string scope)
    {
        if (scope.Length == 0) return rows;
        // Read through an object's members, so the database sees parameters rather than new SQL text per scope.
        var values = Expression.Constant(new Scope(scope, scope + "/", scope.Length + 1));
        var body = region.Body;
        var same = Expression.Equal(body, Expression.Property(values, nameof(Scope.Path)));
        var head = Expression.Call(body, typeof(string).GetMethod(nameof(string.Substring), [typeof(int), typeof(int)])!,
            Expression.Constant(0), Expression.Property(values, nameof(Scope.Length)));
        var below = Expression.Equal(head, Expression.Property(values, nameof(Scope.Prefix)));
        return rows.Where(Expression.Lambda<Func<T, bool>>(Expression.OrElse(same, below), region.Parameters));
    }
}
