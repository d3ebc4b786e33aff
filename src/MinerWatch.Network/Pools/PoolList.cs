namespace MinerWatch.Network.Pools;

/// <summary>
/// Known mining-pool domains (a name matches itself and its subdomains) and IP:port endpoints. Bundled: Maltrail's
/// crypto-mining trail list (MIT) and the pool domains of Falco's and Sigma's rules (Apache-2.0, DRL 1.1); a user's
/// file in the same one-per-line layout adds to them.
/// </summary>
public sealed class PoolList
{
    private readonly HashSet<string> _domains = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _endpoints = new(StringComparer.OrdinalIgnoreCase);

    public int Domains => _domains.Count;
    public int Endpoints => _endpoints.Count;

    public static PoolList Bundled()
    {
        var list = new PoolList();
        var assembly = typeof(PoolList).Assembly;
        foreach (var name in new[] { "maltrail-crypto-mining.txt", "falco-sigma-pool-domains.tsv" })
        {
            using var stream = assembly.GetManifestResourceStream($"MinerWatch.Network.Data.{name}")
                ?? throw new InvalidOperationException($"bundled pool list {name} is missing from the build");
            list.AddLines(new StreamReader(stream));
        }
        return list;
    }

    /// <summary>Adds one entry a line (domain, or IP:port), the first tab-separated field; # starts a comment.</summary>
    public void AddLines(TextReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            var entry = line.Split('\t', 2)[0].Trim();
            if (entry.Length == 0 || entry.StartsWith('#')) continue;
            if (entry.StartsWith("*.", StringComparison.Ordinal)) entry = entry[2..];
            entry = entry.TrimStart('.').TrimEnd('.');
            // IPv4 endpoints are 1.2.3.4:3333, IPv6 ones [2001:db8::1]:3333, as findings write them.
            if (entry.Contains(':') && (char.IsDigit(entry[0]) || entry[0] == '[')) _endpoints.Add(entry);
            else if (entry.Contains('.')) _domains.Add(entry);
        }
    }

    /// <summary>The listed domain that <paramref name="host"/> is or falls under; null when none.</summary>
    public string? Match(string? host)
    {
        if (string.IsNullOrEmpty(host)) return null;
        var name = host.TrimEnd('.');
        while (true)
        {
            if (_domains.Contains(name)) return name;
            var dot = name.IndexOf('.');
            if (dot < 0 || name.IndexOf('.', dot + 1) < 0) return null; // never match a bare top-level domain
            name = name[(dot + 1)..];
        }
    }

    public bool IsListedEndpoint(string ipPort) => _endpoints.Contains(ipPort);
}
