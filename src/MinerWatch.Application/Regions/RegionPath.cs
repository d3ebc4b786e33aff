namespace MinerWatch.Application.Regions;

/// <summary>
/// Regions form a tree by path (<c>CN-GD/Guangzhou/Nansha</c>): a grant over a path covers it and everything below.
/// The empty path is the root (everything).
/// </summary>
public static class RegionPath
{
    /// <summary>Trims blanks around each segment and around the path; null when a segment is empty or the path is too long.</summary>
    public static string? Normalize(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "";
        var parts = path.Trim().Trim('/').Split('/');
        if (parts.Any(p => p.Trim().Length == 0) || path.Length > 400) return null;
        return string.Join('/', parts.Select(p => p.Trim()));
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="scope"/> or lies below it (segment by segment, case-sensitive).</summary>
    public static bool IsWithin(string path, string scope) =>
        scope.Length == 0 || path == scope || path.Length > scope.Length && path.StartsWith(scope, StringComparison.Ordinal) && path[scope.Length] == '/';

    /// <summary>True when one path is the other or lies below it: a district and its city, never two sibling districts.</summary>
    public static bool OnOneBranch(string a, string b) => IsWithin(a, b) || IsWithin(b, a);

    /// <summary>The paths above <paramref name="path"/>, root first, without the root: CN-GD, CN-GD/Guangzhou for CN-GD/Guangzhou/Nansha.</summary>
    public static IEnumerable<string> Ancestors(string path)
    {
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
            yield return path[..slash];
    }

    /// <summary>The child of <paramref name="scope"/> that <paramref name="path"/> lies in (the path itself when it is the scope).</summary>
    public static string ChildOf(string path, string scope)
    {
        if (!IsWithin(path, scope) || path == scope) return path;
        var start = scope.Length == 0 ? 0 : scope.Length + 1;
        var slash = path.IndexOf('/', start);
        return slash < 0 ? path : path[..slash];
    }

    /// <summary>The prefix a database LIKE or StartsWith needs for the subtree below <paramref name="scope"/>.</summary>
    public static string Below(string scope) => scope + "/";
}
