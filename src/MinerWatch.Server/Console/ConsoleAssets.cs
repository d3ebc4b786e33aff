using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.FileProviders;

namespace MinerWatch.Server.Console;

/// <summary>
/// The web console's files (wwwroot beside the server's assembly): plain ES modules, no build step. Each file is served
/// under its path with <c>?v=</c> and the first 12 hex digits of its SHA-256, cached for a year; the page names every
/// module through an import map, so a module's own imports get the versioned address too. Written by hand because the
/// framework's fingerprinting (static web assets) needs the web SDK in the host that runs the server, and the
/// <c>minerwatch</c> command is not a web project.
/// </summary>
public sealed class ConsoleAssets
{
    private readonly Dictionary<string, string> _versions = new(StringComparer.Ordinal);

    public ConsoleAssets(string root)
    {
        Root = root;
        Files = new PhysicalFileProvider(root);
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var url = "/" + Path.GetRelativePath(root, path).Replace('\\', '/');
            using var stream = File.OpenRead(path);
            _versions[url] = Convert.ToHexStringLower(SHA256.HashData(stream))[..12];
        }
        var imports = _versions.Where(v => v.Key.EndsWith(".js", StringComparison.Ordinal))
            .OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"\"{v.Key}\":\"{Versioned(v.Key)}\"");
        var map = "{\"imports\":{" + string.Join(',', imports) + "}}";
        ImportMapHash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(map)));
        var page = File.ReadAllText(Path.Combine(root, "index.html"));
        foreach (var url in _versions.Keys)
            page = page.Replace($"\"{url}\"", $"\"{Versioned(url)}\"", StringComparison.Ordinal);
        Page = page.Replace("<!--importmap-->", $"<script type=\"importmap\">{map}</script>", StringComparison.Ordinal);
    }

    public string Root { get; }
    public IFileProvider Files { get; }
    /// <summary>The console's one page, with its import map and versioned addresses.</summary>
    public string Page { get; }
    /// <summary>The import map is the page's only inline script: the content security policy allows it by hash.</summary>
    public string ImportMapHash { get; }

    public string Versioned(string url) => _versions.TryGetValue(url, out var v) ? $"{url}?v={v}" : url;

    public static ConsoleAssets? Find()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return File.Exists(Path.Combine(root, "index.html")) ? new ConsoleAssets(root) : null;
    }

    /// <summary>Versioned requests are cached for a year; the rest (and the page) are checked each time.</summary>
    public static void CacheHeaders(HttpContext http) =>
        http.Response.Headers.CacheControl = http.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "no-cache";

    public string ContentSecurityPolicy =>
        $"default-src 'self'; script-src 'self' 'sha256-{ImportMapHash}'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'";

}
