using MinerWatch.Network.Capture;
using MinerWatch.Network.Pools;

namespace MinerWatch.Network.Tests;

/// <summary>Pool lists as they are published (Maltrail, Falco, Sigma) and as users write them.</summary>
public class PoolListTests
{
    private const string Advice = "; write one pool domain (pool.example.com), IP address or IP:port (192.0.2.1:3333, [2001:db8::1]:3333) a line";

    [Fact]
    public void The_bundled_lists_are_read_whole_under_the_same_rules_as_a_users()
    {
        var list = PoolList.Bundled();

        // Maltrail lists some pools by address alone, and one as a URL: any port of theirs matches. (522 pool domains,
        // and the browser-mining services the other lists do not carry already.)
        Assert.Equal((555, true, true), (list.Domains, list.IsListedEndpoint("163.172.226.218:1234"), list.IsListedEndpoint("185.141.25.35:3333")));
    }

    [Theory]
    [InlineData("pools.example.net", "rig.pools.example.net", null)]
    [InlineData("*.pool.example", "eu.pool.example", null)]
    [InlineData("http://203.0.113.9:8080/path", null, "203.0.113.9:8080")]
    [InlineData("203.0.113.10", null, "203.0.113.10:14444")]
    [InlineData("[2001:db8::7]:3333", null, "[2001:db8::7]:3333")]
    [InlineData("bücher-pool.example", "xn--bcher-pool-9db.example", null)]
    [InlineData("xmr.example\t# a comment after a tab", "xmr.example", null)]
    [InlineData("stratum+ssl://pool.example.com:443", "eu.pool.example.com", null)]
    [InlineData("https://pool.example.org:8443/path", "pool.example.org", null)]
    [InlineData("pool.example.net:3333", "pool.example.net", null)]
    public void Entries_of_every_published_form_are_taken(string line, string? name, string? endpoint)
    {
        var list = new PoolList();
        list.AddLines(new StringReader($"# a comment\n\n{line}\n"), "pools.txt");

        if (name is not null) Assert.NotNull(list.Match(name));
        if (endpoint is not null) Assert.True(list.IsListedEndpoint(endpoint));
    }

    [Theory]
    [InlineData("999.1.1.1:3333", "pools.txt:2: '999.1.1.1:3333' is not an IPv4 address: 999 is beyond 255")]
    [InlineData("203.0.113.9:0", "pools.txt:2: '203.0.113.9:0' has port '0', not a port 1-65535")]
    [InlineData("203.0.113.9:70000", "pools.txt:2: '203.0.113.9:70000' has port '70000', not a port 1-65535")]
    [InlineData("10.0.0.010:3333", "pools.txt:2: '10.0.0.010:3333' is not an IPv4 address: 010 has a leading zero (octal to some tools, decimal to others)")]
    [InlineData("1.2.3:3333", "pools.txt:2: '1.2.3:3333' is not an IPv4 address (four numbers 0-255 with dots)")]
    [InlineData("[2001:db8::zz]:3333", "pools.txt:2: '[2001:db8::zz]:3333' has '2001:db8::zz' in brackets, not an IPv6 address")]
    [InlineData("localhost", "pools.txt:2: 'localhost' is a single name, not a domain (a pool domain has a dot: pool.example.com)")]
    [InlineData("pool..example", "pools.txt:2: 'pool..example' is not a domain name")]
    [InlineData("pool_$.example", "pools.txt:2: 'pool_$.example' is not a domain name (label 'pool_$')")]
    [InlineData("ok.example\u0001", "pools.txt:2: column 11 is a control character or a byte that is not UTF-8 text: this is not a list of pools")]
    public void Entries_that_are_neither_a_domain_nor_an_address_are_refused_with_their_line(string line, string message)
    {
        var list = new PoolList();

        var e = Assert.Throws<NetworkInputException>(() => list.AddLines(new StringReader($"ok.example\n{line}\n"), "pools.txt"));

        Assert.Equal(message + Advice, e.Message);
    }

    [Fact]
    public void A_file_of_random_bytes_is_refused_at_its_first_line()
    {
        var bytes = new byte[512];
        new Random(11).NextBytes(bytes);
        var list = new PoolList();

        var e = Assert.Throws<NetworkInputException>(() => list.AddLines(new StreamReader(new MemoryStream(bytes)), "random.bin"));

        Assert.StartsWith("random.bin:1: column ", e.Message);
        Assert.EndsWith(" is a control character or a byte that is not UTF-8 text: this is not a list of pools" + Advice, e.Message);
    }
}
