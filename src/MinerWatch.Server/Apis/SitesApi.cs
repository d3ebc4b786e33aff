using System.Net;
using Microsoft.EntityFrameworkCore;
using MinerWatch.Persistence;
using MinerWatch.Server.Auth;
using nietras.SeparatedValues;

namespace MinerWatch.Server.Apis;

public sealed record NewSiteAddress(string Address, string? Note);
public sealed record SiteAddressView(string Id, string MeterId, string Prefix, string? Note, DateTime Added);
public sealed record AddressImport(int Added, int AlreadyKnown);
public sealed record HostFindingView(string Host, string Endpoint, string Region, string? Pool, string? Wallet, string? Worker, string? Algorithm,
    double? HashRate, DateTime FirstSeen, DateTime LastSeen, IReadOnlyList<string> Sites);
public sealed record CaseNetwork(IReadOnlyList<SiteAddressView> Addresses, IReadOnlyList<HostFindingView> Findings);

/// <summary>
/// The address book: which addresses and prefixes belong to a metered site, so that what the network showed about
/// hosts there (pool, wallet, worker, hash rate) attaches to the site's case. Leads keep it; people read it.
/// </summary>
public static class SitesApi
{
    public static RouteGroupBuilder MapSitesApi(this RouteGroupBuilder api)
    {
        var sites = api.MapGroup("/sites").WithTags("Address book");
        sites.MapGet("/{meterId}/addresses", async (string meterId, HttpContext http, MinerWatchDb db, CancellationToken cancel) =>
        {
            await SiteAsync(db, Caller.Of(http.User), meterId, cancel);
            var rows = await db.SiteAddresses.AsNoTracking().Where(a => a.MeterId == meterId).ToListAsync(cancel);
            return TypedResults.Ok(rows.OrderBy(a => a.Prefix, StringComparer.Ordinal).Select(View).ToList());
        }).RequireAuthorization(Policies.People);

        sites.MapPost("/{meterId}/addresses", async (string meterId, NewSiteAddress body, HttpContext http, MinerWatchDb db, TimeProvider clock, CancellationToken cancel) =>
        {
            var site = await SiteAsync(db, Caller.Of(http.User), meterId, cancel);
            var prefix = Canonical(body.Address) ?? throw ApiProblem.Bad($"address '{body.Address}': give an IPv4 or IPv6 address or a prefix such as 10.2.0.0/16");
            if (body.Note is { Length: > 500 }) throw ApiProblem.Bad("note: at most 500 characters");
            if (await db.SiteAddresses.AnyAsync(a => a.MeterId == meterId && a.Prefix == prefix, cancel)) throw ApiProblem.Conflict($"{prefix} is already in {meterId}'s addresses");
            var row = new SiteAddress { Id = Guid.CreateVersion7().ToString("N"), MeterId = meterId, Region = site.Region, Prefix = prefix, Note = body.Note, Added = clock.GetUtcNow().UtcDateTime };
            db.SiteAddresses.Add(row);
            await db.SaveChangesAsync(cancel);
            return TypedResults.Created($"/api/v1/sites/{Uri.EscapeDataString(meterId)}/addresses/{row.Id}", View(row));
        }).RequireAuthorization(Policies.Leads);

        sites.MapDelete("/{meterId}/addresses/{id}", async (string meterId, string id, HttpContext http, MinerWatchDb db, CancellationToken cancel) =>
        {
            await SiteAsync(db, Caller.Of(http.User), meterId, cancel);
            var row = await db.SiteAddresses.FirstOrDefaultAsync(a => a.MeterId == meterId && a.Id == id, cancel) ?? throw ApiProblem.NotFound($"address {id} of {meterId}");
            db.SiteAddresses.Remove(row);
            await db.SaveChangesAsync(cancel);
            return TypedResults.NoContent();
        }).RequireAuthorization(Policies.Leads);

        sites.MapPost("/addresses", async (HttpContext http, MinerWatchDb db, ServerOptions options, TimeProvider clock, CancellationToken cancel) =>
        {
            ServerApp.AllowUpload(http, options);
            // A CSV body (meter_id,address[,note]) as a utility's asset system exports it: every row is checked
            // first and one bad row refuses the whole file, so that an import is all or nothing.
            var caller = Caller.Of(http.User);
            var rows = await ReadCsvAsync(http.Request.Body, cancel);
            var meterIds = rows.Select(r => r.MeterId).Distinct().ToList();
            var known = await db.Sites.AsNoTracking().Where(s => meterIds.Contains(s.MeterId)).Select(s => new { s.MeterId, s.Region }).ToDictionaryAsync(s => s.MeterId, s => s.Region, cancel);
            var problems = rows.Where(r => !known.TryGetValue(r.MeterId, out var region) || !caller.Covers(region))
                .Select(r => $"row {r.Line}: meter {r.MeterId} is not a site in your region").Take(10).ToList();
            if (problems.Count > 0) throw ApiProblem.Bad(string.Join("; ", problems));
            var existing = (await db.SiteAddresses.AsNoTracking().Where(a => meterIds.Contains(a.MeterId)).Select(a => new { a.MeterId, a.Prefix }).ToListAsync(cancel))
                .Select(a => (a.MeterId, a.Prefix)).ToHashSet();
            var now = clock.GetUtcNow().UtcDateTime;
            var added = 0;
            foreach (var r in rows)
            {
                if (!existing.Add((r.MeterId, r.Prefix))) continue;
                db.SiteAddresses.Add(new SiteAddress { Id = Guid.CreateVersion7().ToString("N"), MeterId = r.MeterId, Region = known[r.MeterId], Prefix = r.Prefix, Note = r.Note, Added = now });
                added++;
            }
            await db.SaveChangesAsync(cancel);
            return TypedResults.Ok(new AddressImport(added, rows.Count - added));
        }).RequireAuthorization(Policies.Leads).Accepts<string>("text/csv");
        return api;
    }

    /// <summary>
    /// A case's network side: for a meter case, the site's addresses and the host findings inside them; for a host
    /// case, its own findings and the sites whose addresses hold it. Only findings in the caller's region.
    /// </summary>
    public static async Task<CaseNetwork> ForCaseAsync(MinerWatchDb db, Caller caller, Case c, CancellationToken cancel)
    {
        if (c.SubjectKind == "meter")
        {
            var addresses = await db.SiteAddresses.AsNoTracking().Where(a => a.MeterId == c.SubjectId).ToListAsync(cancel);
            if (addresses.Count == 0) return new CaseNetwork([], []);
            var networks = addresses.Select(a => IPNetwork.Parse(a.Prefix)).ToList();
            var findings = await db.HostFindings.AsNoTracking().Within(h => h.Region, caller.Region).ToListAsync(cancel);
            var inside = findings.Where(f => IPAddress.TryParse(f.Host, out var ip) && networks.Any(n => n.Contains(ip)));
            return new CaseNetwork([.. addresses.OrderBy(a => a.Prefix, StringComparer.Ordinal).Select(View)],
                [.. inside.OrderBy(f => f.FirstSeen).Select(f => FindingView(f, [c.SubjectId]))]);
        }
        var own = await db.HostFindings.AsNoTracking().Where(h => h.Host == c.SubjectId && h.Region == c.Region).ToListAsync(cancel);
        var sites = new List<string>();
        if (IPAddress.TryParse(c.SubjectId, out var host))
        {
            var book = await db.SiteAddresses.AsNoTracking().Within(a => a.Region, caller.Region).ToListAsync(cancel);
            sites = [.. book.Where(a => IPNetwork.Parse(a.Prefix).Contains(host)).Select(a => a.MeterId).Distinct().Order(StringComparer.Ordinal)];
        }
        return new CaseNetwork([], [.. own.OrderBy(f => f.FirstSeen).Select(f => FindingView(f, sites))]);
    }

    private static HostFindingView FindingView(HostFinding f, IReadOnlyList<string> sites) =>
        new(f.Host, f.Endpoint, f.Region, f.Pool, f.Wallet, f.Worker, f.Algorithm, f.HashRate, f.FirstSeen, f.LastSeen, sites);

    private static SiteAddressView View(SiteAddress a) => new(a.Id, a.MeterId, a.Prefix, a.Note, a.Added);

    private static async Task<SiteRow> SiteAsync(MinerWatchDb db, Caller caller, string meterId, CancellationToken cancel)
    {
        var site = await db.Sites.AsNoTracking().FirstOrDefaultAsync(s => s.MeterId == meterId, cancel);
        return site is not null && caller.Covers(site.Region) ? site : throw ApiProblem.NotFound($"site {meterId}");
    }

    /// <summary>An address (as a one-address prefix) or a prefix, in canonical form; null when it is neither.</summary>
    internal static string? Canonical(string? text)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        if (!text.Contains('/') && IPAddress.TryParse(text, out var ip))
            return new IPNetwork(ip, ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128).ToString();
        // A prefix with host bits set (10.2.3.4/16) is refused rather than masked: the book should say what it means.
        var slash = text.IndexOf('/');
        return slash > 0 && IPNetwork.TryParse(text, out var network) && IPAddress.TryParse(text[..slash], out var given) && network.BaseAddress.Equals(given)
            ? network.ToString() : null;
    }

    private sealed record Row(int Line, string MeterId, string Prefix, string? Note);

    private static async Task<List<Row>> ReadCsvAsync(Stream body, CancellationToken cancel)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancel);
        buffer.Position = 0;
        var rows = new List<Row>();
        var problems = new List<string>();
        try
        {
            using var reader = Sep.New(',').Reader(o => o with { Unescape = true, Trim = SepTrim.All }).From(buffer);
            if (!reader.Header.TryIndexOf("meter_id", out var meterColumn) || !reader.Header.TryIndexOf("address", out var addressColumn))
                throw ApiProblem.Bad("the address book CSV needs the columns meter_id and address (and may have note)");
            var noteColumn = reader.Header.TryIndexOf("note", out var n) ? n : -1;
            foreach (var row in reader)
            {
                var line = row.LineNumberFrom;
                var meter = row[meterColumn].ToString();
                var address = row[addressColumn].ToString();
                var note = noteColumn >= 0 ? row[noteColumn].ToString() : null;
                if (meter.Length == 0) problems.Add($"row {line}: no meter_id");
                else if (Canonical(address) is not { } prefix) problems.Add($"row {line}: '{address}' is not an address or a prefix such as 10.2.0.0/16");
                else if (note is { Length: > 500 }) problems.Add($"row {line}: the note is longer than 500 characters");
                else rows.Add(new Row(line, meter, prefix, string.IsNullOrEmpty(note) ? null : note));
                if (problems.Count >= 10) break;
            }
        }
        catch (InvalidDataException e)
        {
            throw ApiProblem.Bad($"the address book CSV cannot be read: {e.Message}");
        }
        if (problems.Count > 0) throw ApiProblem.Bad(string.Join("; ", problems));
        if (rows.Count == 0) throw ApiProblem.Bad("the address book CSV has no rows");
        return rows;
    }
}
