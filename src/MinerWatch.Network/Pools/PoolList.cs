using MinerWatch.Network.Capture;

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
    /// <summary>Addresses listed without a port: any port of theirs matches.</summary>
    private readonly HashSet<string> _addresses = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Browser-mining services (Coinhive and its successors): listed as pools, graded apart.</summary>
    private readonly HashSet<string> _browserServices = new(StringComparer.OrdinalIgnoreCase);

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
            list.AddLines(new StreamReader(stream), name);
        }
        using var browser = assembly.GetManifestResourceStream("MinerWatch.Network.Data.browser-mining-services.txt")
            ?? throw new InvalidOperationException("the bundled list of browser-mining services is missing from the build");
        list.AddLines(new StreamReader(browser), "browser-mining-services.txt", list._browserServices);
        return list;
    }

    /// <summary>
    /// Adds one entry a line, the first tab-separated field; # starts a comment. An entry is a domain (pool.example,
    /// *.pool.example), an IP address (any port), an IPv4 or [IPv6] address with a port, or a URL naming one of these
    /// (Maltrail's lists have all of them). Throws <see cref="NetworkInputException"/> naming the line of the first
    /// entry that is none of them.
    /// </summary>
    public void AddLines(TextReader reader, string name = "pool list") => AddLines(reader, name, null);

    /// <param name="alsoInto">Where the list's domains also go (the browser-mining services), read under the same rules.</param>
    private void AddLines(TextReader reader, string name, HashSet<string>? alsoInto)
    {
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var entry = line.Split('\t', 2)[0].Trim();
            if (entry.Length == 0 || entry.StartsWith('#')) continue;
            var bad = line.AsSpan().IndexOfAny(NotText);
            if (bad >= 0)
                throw new NetworkInputException($"{name}:{lineNumber}: column {bad + 1} is a control character or a byte that is not UTF-8 text: this is not a list of pools; write one pool domain (pool.example.com), IP address or IP:port (192.0.2.1:3333, [2001:db8::1]:3333) a line");
            if (Add(entry, alsoInto) is { } problem)
                throw new NetworkInputException($"{name}:{lineNumber}: '{Shown(entry)}' {problem}; write one pool domain (pool.example.com), IP address or IP:port (192.0.2.1:3333, [2001:db8::1]:3333) a line");
        }
    }

    /// <summary>C0 controls but the tab, DEL, and what UTF-8 decoding puts for a byte that is not text.</summary>
    private static readonly System.Buffers.SearchValues<char> NotText = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 32).Where(c => c != '\t').Select(c => (char)c), '\u007F', '\uFFFD']);

    /// <summary>Adds an entry; returns what is wrong with it, or null.</summary>
    private string? Add(string entry, HashSet<string>? alsoInto)
    {
        // A URL names its host: keep the host and port, drop the scheme and the path.
        var scheme = entry.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0) entry = entry[(scheme + 3)..];
        var path = entry.IndexOf('/');
        if (path >= 0) entry = entry[..path];
        if (entry.StartsWith("*.", StringComparison.Ordinal)) entry = entry[2..];
        entry = entry.Trim('.');
        if (entry.Length == 0) return "names no host";
        if (entry[0] == '[' || char.IsAsciiDigit(entry[0]) && entry.All(c => char.IsAsciiDigit(c) || c is '.' or ':'))
            return AddAddress(entry);
        if (entry.Contains(':'))
        {
            // A domain with a port (pool.example.com:3333, stratum+ssl://pool.example.com:443): a domain names its
            // pool on every port, so the port is checked and then dropped.
            var colon = entry.LastIndexOf(':');
            if (entry.IndexOf(':') != colon || entry[..colon].All(c => char.IsAsciiDigit(c) || c == '.')) return AddAddress(entry);
            if (!ushort.TryParse(entry[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port == 0)
                return $"has port '{Shown(entry[(colon + 1)..])}', not a port 1-65535";
            entry = entry[..colon];
        }
        string ascii;
        try
        {
            // Internationalised names are compared in the ASCII form (xn--) that TLS and DNS carry.
            ascii = new System.Globalization.IdnMapping().GetAscii(entry);
        }
        catch (ArgumentException)
        {
            return "is not a domain name";
        }
        var labels = ascii.Split('.');
        if (labels.Length < 2) return "is a single name, not a domain (a pool domain has a dot: pool.example.com)";
        if (ascii.Length > 253) return "is longer than the 253 characters a domain name can have";
        foreach (var label in labels)
        {
            // RFC 1035 labels: letters, digits and hyphens, 1-63 long; underscores are seen in real names too.
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                return $"is not a domain name (label '{Shown(label)}')";
        }
        if (labels[^1].All(char.IsAsciiDigit)) return "is not a domain name, nor an IP address (an IPv4 address has four numbers 0-255)";
        _domains.Add(ascii);
        alsoInto?.Add(ascii);
        return null;
    }

    private string? AddAddress(string entry)
    {
        string host;
        ushort? port = null;
        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']');
            if (close < 0) return "has no closing ] after its IPv6 address";
            host = entry[1..close];
            var rest = entry[(close + 1)..];
            if (rest.Length > 0)
            {
                if (!rest.StartsWith(':') || !ushort.TryParse(rest[1..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) || p == 0)
                    return $"has port '{Shown(rest.TrimStart(':'))}', not a port 1-65535";
                port = p;
            }
            if (!System.Net.IPAddress.TryParse(host, out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
                return $"has '{Shown(host)}' in brackets, not an IPv6 address";
            return Address(v6, port);
        }
        var colon = entry.LastIndexOf(':');
        if (colon >= 0 && entry.IndexOf(':') == colon)
        {
            if (!ushort.TryParse(entry[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) || p == 0)
                return $"has port '{Shown(entry[(colon + 1)..])}', not a port 1-65535";
            port = p;
            host = entry[..colon];
        }
        else if (colon >= 0) return System.Net.IPAddress.TryParse(entry, out var bare) && bare.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? Address(bare, null) : "is not an address: an IPv6 address with a port is written [2001:db8::1]:3333";
        else host = entry;
        // Four decimal numbers 0-255: IPAddress alone would also take 1.2.3 and hexadecimal forms.
        var parts = host.Split('.');
        if (parts.Length != 4 || parts.Any(x => x.Length is 0 or > 3 || !x.All(char.IsAsciiDigit)))
            return "is not an IPv4 address (four numbers 0-255 with dots)";
        if (parts.FirstOrDefault(x => int.Parse(x, System.Globalization.CultureInfo.InvariantCulture) > 255) is { } over)
            return $"is not an IPv4 address: {over} is beyond 255";
        // A leading zero is octal to some tools and decimal to others: which address is meant cannot be told.
        if (parts.FirstOrDefault(x => x.Length > 1 && x[0] == '0') is { } octal)
            return $"is not an IPv4 address: {octal} has a leading zero (octal to some tools, decimal to others)";
        return System.Net.IPAddress.TryParse(host, out var v4) ? Address(v4, port) : "is not an IPv4 address";
    }

    private string? Address(System.Net.IPAddress address, ushort? port)
    {
        if (port is { } p) _endpoints.Add(Packets.Endpoint.From(address, p).ToString());
        else _addresses.Add(address.ToString());
        return null;
    }

    /// <summary>An entry as it can be shown in a message: at most 60 characters (lines with control characters are refused before).</summary>
    private static string Shown(string text)
    {
        var shown = new string([.. text.Take(60)]);
        return text.Length > 60 ? shown + "..." : shown;
    }

    /// <summary>The listed domain that <paramref name="host"/> is or falls under; null when none.</summary>
    public string? Match(string? host) => MatchIn(_domains, host);

    /// <summary>True when <paramref name="host"/> is a browser-mining service (Coinhive and its successors) or under one.</summary>
    public bool IsBrowserMiningService(string? host) => MatchIn(_browserServices, host) is not null;

    private static string? MatchIn(HashSet<string> domains, string? host)
    {
        if (string.IsNullOrEmpty(host)) return null;
        var name = host.TrimEnd('.');
        while (true)
        {
            if (domains.Contains(name)) return name;
            var dot = name.IndexOf('.');
            if (dot < 0 || name.IndexOf('.', dot + 1) < 0) return null; // never match a bare top-level domain
            name = name[(dot + 1)..];
        }
    }

    /// <summary>True when <paramref name="ipPort"/> (as findings write it) is listed, or its address is listed without a port.</summary>
    public bool IsListedEndpoint(string ipPort)
    {
        if (_endpoints.Contains(ipPort)) return true;
        if (_addresses.Count == 0) return false;
        var colon = ipPort.LastIndexOf(':');
        return colon > 0 && _addresses.Contains(ipPort[..colon].Trim('[', ']'));
    }
}
