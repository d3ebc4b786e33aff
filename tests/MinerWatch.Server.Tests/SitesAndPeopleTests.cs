using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace MinerWatch.Server.Tests;

/// <summary>The address book joining network findings to sites, the district list export, and people's grants.</summary>
public class SitesAndPeopleTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;
    private static readonly string MiningCapture = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../MinerWatch.Network.Tests/Captures/ndpi-mining.pcapng"));

    private static async Task<string> Detail(HttpResponseMessage r) => (await r.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("detail").GetString()!;

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task A_sites_addresses_attach_the_network_findings_about_its_hosts_to_its_case(Backend backend)
    {
        await using var campaign = await Campaign.StartAsync(backend);
        var key = campaign.Platform.KeyClient(campaign.Key);
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(await File.ReadAllBytesAsync(MiningCapture, Cancel));
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "files", "sensor.pcapng");
        var accepted = await key.PostAsync("/api/v1/network-data", form, Cancel);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var job = await Platform.WaitAsync(key, (await accepted.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetString()!);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        var lead = await campaign.Platform.SignInAsync("lee");

        // Before the book knows the site's addresses, its case has no network side.
        var none = await lead.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{campaign.Own}/network", Cancel);
        Assert.Empty(none.GetProperty("findings").EnumerateArray());

        var added = await lead.PostAsJsonAsync("/api/v1/sites/D0FARM/addresses", new { address = " 192.168.2.0/24 ", note = "shop router" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal("192.168.2.0/24", (await added.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("prefix").GetString());
        var again = await lead.PostAsJsonAsync("/api/v1/sites/D0FARM/addresses", new { address = "192.168.2.0/24" }, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var hostBits = await lead.PostAsJsonAsync("/api/v1/sites/D0FARM/addresses", new { address = "192.168.2.7/24" }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, hostBits.StatusCode);
        Assert.Equal("address '192.168.2.7/24': give an IPv4 or IPv6 address or a prefix such as 10.2.0.0/16", await Detail(hostBits));
        var single = await lead.PostAsJsonAsync("/api/v1/sites/D0FARM/addresses", new { address = "2001:db8::7" }, Cancel);
        Assert.Equal("2001:db8::7/128", (await single.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("prefix").GetString());
        // Tianhe's site is not the Nansha lead's, and an inspector keeps no book.
        Assert.Equal(HttpStatusCode.NotFound, (await lead.PostAsJsonAsync("/api/v1/sites/D2FARM/addresses", new { address = "10.0.0.1" }, Cancel)).StatusCode);
        var inspector = await campaign.Platform.SignInAsync("ivy");
        Assert.Equal(HttpStatusCode.Forbidden, (await inspector.PostAsJsonAsync("/api/v1/sites/D0FARM/addresses", new { address = "10.0.0.1" }, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await inspector.GetAsync("/api/v1/sites/D0FARM/addresses", Cancel)).StatusCode);

        // The same private range in Tianhe's data is another district's hosts: it never joins a Nansha site.
        var tianhe = new MultipartFormDataContent();
        var copy = new ByteArrayContent(await File.ReadAllBytesAsync(MiningCapture, Cancel));
        copy.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        tianhe.Add(copy, "files", "tianhe-sensor.pcapng");
        tianhe.Add(new StringContent("CN-GD/Guangzhou/Tianhe"), "region");
        var other = await campaign.Admin.PostAsync("/api/v1/network-data", tianhe, Cancel);
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
        Assert.Equal("completed", (await Platform.WaitAsync(campaign.Admin, (await other.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetString()!)).GetProperty("status").GetString());

        // The inspector assigned the case sees the pool, wallet and hash rate of the hosts at the site.
        var network = await inspector.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{campaign.Own}/network", Cancel);
        Assert.Equal(["192.168.2.0/24", "2001:db8::7/128"], network.GetProperty("addresses").EnumerateArray().Select(a => a.GetProperty("prefix").GetString()));
        var findings = network.GetProperty("findings").EnumerateArray().ToList();
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.StartsWith("192.168.2.", f.GetProperty("host").GetString()));
        Assert.Contains(findings, f => f.GetProperty("host").GetString() == "192.168.2.148" && f.GetProperty("pool").GetString() is { Length: > 0 });
        Assert.All(findings, f => Assert.Equal(["D0FARM"], f.GetProperty("sites").EnumerateArray().Select(s => s.GetString())));
        Assert.All(findings, f => Assert.Equal(Campaign.Nansha, f.GetProperty("region").GetString()));
        // Whoever reads the case sees the same evidence: the admin, who also sees Tianhe, too.
        var byAdmin = await campaign.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{campaign.Own}/network", Cancel);
        Assert.Equal(network.GetProperty("findings").GetRawText(), byAdmin.GetProperty("findings").GetRawText());
        var all = await campaign.Admin.GetFromJsonAsync<JsonElement>("/api/v1/cases?limit=500", Cancel);
        var tianheHost = all.GetProperty("items").EnumerateArray().First(c => c.GetProperty("subject_id").GetString() == "192.168.2.148" && c.GetProperty("region").GetString() == "CN-GD/Guangzhou/Tianhe").GetProperty("id").GetString();
        var tianheSide = await campaign.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{tianheHost}/network", Cancel);
        Assert.All(tianheSide.GetProperty("findings").EnumerateArray(), f => Assert.Empty(f.GetProperty("sites").EnumerateArray()));

        // From the host's side, its case names the site.
        var cases = await lead.GetFromJsonAsync<JsonElement>("/api/v1/cases?limit=500", Cancel);
        var hostCase = cases.GetProperty("items").EnumerateArray().First(c => c.GetProperty("subject_id").GetString() == "192.168.2.148" && c.GetProperty("region").GetString() == Campaign.Nansha).GetProperty("id").GetString();
        var hostSide = await lead.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{hostCase}/network", Cancel);
        Assert.All(hostSide.GetProperty("findings").EnumerateArray(), f => Assert.Equal(["D0FARM"], f.GetProperty("sites").EnumerateArray().Select(s => s.GetString())));
        Assert.NotEmpty(hostSide.GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public async Task An_address_book_import_is_all_or_nothing_and_names_each_bad_row()
    {
        await using var campaign = await Campaign.StartAsync(Backend.Sqlite);
        var lead = await campaign.Platform.SignInAsync("lee");
        async Task<HttpResponseMessage> Import(string csv) => await lead.PostAsync("/api/v1/sites/addresses", new StringContent(csv, Encoding.UTF8, "text/csv"), Cancel);

        var bad = await Import("meter_id,address,note\nD0FARM,10.1.0.0/16,office\nD1FARM,10.1.2.3/16,\n,10.9.9.9,\nD2FARM,10.3.0.1,\nNOSUCH,10.4.0.1,\n");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("row 3: '10.1.2.3/16' is not an address or a prefix such as 10.2.0.0/16; row 4: no meter_id", await Detail(bad));
        var outside = await Import("meter_id,address\nD0FARM,10.1.0.0/16\nD2FARM,10.3.0.1\nNOSUCH,10.4.0.1\n");
        Assert.Equal("row 3: meter D2FARM is not a site in your region; row 4: meter NOSUCH is not a site in your region", await Detail(outside));
        Assert.Equal("the address book CSV needs the columns meter_id and address (and may have note)", await Detail(await Import("meter,ip\nD0FARM,10.1.0.0/16\n")));
        Assert.Equal("the address book CSV has no rows", await Detail(await Import("meter_id,address\n")));
        Assert.Equal("the address book CSV's header names meter_id twice", await Detail(await Import("meter_id,address,meter_id\nD0FARM,10.1.0.0/16,X\n")));
        // A province's export: more meters than one database query takes parameters, none of them ours.
        var many = "meter_id,address\n" + string.Concat(Enumerable.Range(0, 33_000).Select(i => $"XX{i:D7},10.0.0.1\n"));
        var refused = await Import(many);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.StartsWith("row 2: meter XX0000000 is not a site in your region; row 3:", await Detail(refused));
        // Nothing of the refused files went in.
        Assert.Empty((await lead.GetFromJsonAsync<JsonElement>("/api/v1/sites/D0FARM/addresses", Cancel)).EnumerateArray());

        // Quoted notes, CRLF line ends, blank lines and a repeated entry.
        var good = await Import("\uFEFFmeter_id,address,note\r\nD0FARM,10.1.0.0/16,\"office, upstairs\"\r\n\r\nD1FARM,10.2.0.7,\r\nD0FARM,10.1.0.0/16,again\r\n\r\n");
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var counts = await good.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(2, counts.GetProperty("added").GetInt32());
        Assert.Equal(1, counts.GetProperty("already_known").GetInt32());
        var book = await lead.GetFromJsonAsync<JsonElement>("/api/v1/sites/D0FARM/addresses", Cancel);
        var entry = Assert.Single(book.EnumerateArray());
        Assert.Equal("office, upstairs", entry.GetProperty("note").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await lead.DeleteAsync($"/api/v1/sites/D0FARM/addresses/{entry.GetProperty("id").GetString()}", Cancel)).StatusCode);
        Assert.Empty((await lead.GetFromJsonAsync<JsonElement>("/api/v1/sites/D0FARM/addresses", Cancel)).EnumerateArray());
    }

    [Fact]
    public async Task The_district_list_exports_every_selected_case_with_its_site_and_assignee()
    {
        await using var campaign = await Campaign.StartAsync(Backend.Sqlite);
        var lead = await campaign.Platform.SignInAsync("lee");
        var csv = await lead.GetStringAsync("/api/v1/cases/export", Cancel);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("case,subject_kind,subject_id,region,status,score,customer_class,mining_kw,assignee,due,site_name,latitude,longitude,feeder_id,opened", lines[0]);
        Assert.Equal(3, lines.Length);
        var own = lines.Single(l => l.Contains(",D0FARM,", StringComparison.Ordinal)).Split(',');
        Assert.Equal([campaign.Own, "meter", "D0FARM", "CN-GD/Guangzhou/Nansha", "assigned"], own[..5]);
        Assert.Equal(["ivy", "2025-03-01", "D0FARM home", "23.08", "113.08", "F2"], own[8..14]);
        // The filters of the list apply; the inspector's list is theirs; a region outside is not found.
        var byAssignee = await lead.GetStringAsync($"/api/v1/cases/export?assignee={campaign.UserId["ivy"]}&status=assigned&min_score=0.1", Cancel);
        Assert.Equal(3, byAssignee.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Single((await lead.GetStringAsync("/api/v1/cases/export?status=open", Cancel)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(HttpStatusCode.NotFound, (await lead.GetAsync("/api/v1/cases/export?region=CN-GD/Guangzhou/Tianhe", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await lead.GetAsync("/api/v1/cases/export?status=lost", Cancel)).StatusCode);
        var tia = await campaign.Platform.SignInAsync("tia");
        Assert.Single((await tia.GetStringAsync("/api/v1/cases/export", Cancel)).Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // The inspector sees the site of a case assigned to them, and no other.
        var ivy = await campaign.Platform.SignInAsync("ivy");
        var site = await ivy.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{campaign.Own}/site", Cancel);
        Assert.Equal("D0FARM home", site.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await ivy.GetAsync($"/api/v1/cases/{campaign.Sibling}/site", Cancel)).StatusCode);
    }

    [Fact]
    public async Task A_lead_changes_a_persons_grant_which_ends_their_sessions_and_unlocks_them()
    {
        await using var campaign = await Campaign.StartAsync(Backend.Sqlite);
        var lead = await campaign.Platform.SignInAsync("lee");
        var ivy = await campaign.Platform.SignInAsync("ivy");
        async Task<HttpResponseMessage> Patch(HttpClient who, string user, object body) =>
            await who.PatchAsJsonAsync($"/api/v1/users/{campaign.UserId[user]}", body, Cancel);

        var moved = await Patch(lead, "ivy", new { region = "CN-GD/Guangzhou/Nansha/Huangge" });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal("CN-GD/Guangzhou/Nansha/Huangge", (await moved.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("region").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await ivy.GetAsync("/api/v1/auth/me", Cancel)).StatusCode);
        var ivyAgain = await campaign.Platform.SignInAsync("ivy");
        Assert.Equal("CN-GD/Guangzhou/Nansha/Huangge", (await ivyAgain.GetFromJsonAsync<JsonElement>("/api/v1/auth/me", Cancel)).GetProperty("region").GetString());

        Assert.Equal("only an admin changes or makes admins", await Detail(await Patch(lead, "ian", new { role = "admin" })));
        Assert.Equal(HttpStatusCode.NotFound, (await Patch(lead, "ada", new { region = "CN-GD" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Patch(lead, "tia", new { role = "lead" })).StatusCode);
        Assert.Equal("you may not change your own role or region: another lead or an admin does", await Detail(await Patch(lead, "lee", new { region = "CN-GD" })));
        Assert.Equal("you may grant regions only inside your own, CN-GD/Guangzhou/Nansha", await Detail(await Patch(lead, "ian", new { region = "CN-GD/Guangzhou" })));
        Assert.Equal("role 'boss': give one of admin, lead, inspector, auditor", await Detail(await Patch(lead, "ian", new { role = "boss" })));
        Assert.Equal("password: at most 1024 characters", await Detail(await Patch(lead, "ian", new { password = new string('x', 1025) })));
        var weak = await Patch(lead, "ian", new { password = "short", role = "auditor" });
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        // A refused change changes nothing: ian is still an inspector with the old password.
        var ian = await campaign.Platform.SignInAsync("ian");
        Assert.Equal("inspector", (await ian.GetFromJsonAsync<JsonElement>("/api/v1/auth/me", Cancel)).GetProperty("role").GetString());

        // Five wrong passwords lock ian out; the lead sees it and unlocks him.
        using var anon = campaign.Platform.CreateClient();
        for (var i = 0; i < 5; i++) await anon.PostAsJsonAsync("/api/v1/auth/login", new { user_name = "ian", password = "wrong" }, Cancel);
        var locked = await anon.PostAsJsonAsync("/api/v1/auth/login", new { user_name = "ian", password = Platform.Password }, Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, locked.StatusCode);
        var list = await lead.GetFromJsonAsync<JsonElement>("/api/v1/users", Cancel);
        Assert.True(list.EnumerateArray().Single(u => u.GetProperty("name").GetString() == "ian").GetProperty("locked_out").GetBoolean());
        var unlocked = await Patch(lead, "ian", new { unlock = true });
        Assert.False((await unlocked.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("locked_out").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await anon.PostAsJsonAsync("/api/v1/auth/login", new { user_name = "ian", password = Platform.Password }, Cancel)).StatusCode);

        // A new password works and the old one does not.
        Assert.Equal(HttpStatusCode.OK, (await Patch(lead, "ian", new { password = "a brand new long password" })).StatusCode);
        using var fresh = campaign.Platform.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await fresh.PostAsJsonAsync("/api/v1/auth/login", new { user_name = "ian", password = Platform.Password }, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await fresh.PostAsJsonAsync("/api/v1/auth/login", new { user_name = "ian", password = "a brand new long password" }, Cancel)).StatusCode);
    }

    [Fact]
    public async Task A_persons_language_is_kept_by_the_server()
    {
        await using var campaign = await Campaign.StartAsync(Backend.Sqlite);
        var ivy = await campaign.Platform.SignInAsync("ivy");
        Assert.Equal(JsonValueKind.Null, (await ivy.GetFromJsonAsync<JsonElement>("/api/v1/auth/me", Cancel)).GetProperty("language").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await ivy.PutAsJsonAsync("/api/v1/auth/me/language", new { language = "zh-CN" }, Cancel)).StatusCode);
        var elsewhere = await campaign.Platform.SignInAsync("ivy");
        Assert.Equal("zh-CN", (await elsewhere.GetFromJsonAsync<JsonElement>("/api/v1/auth/me", Cancel)).GetProperty("language").GetString());
        var bad = await ivy.PutAsJsonAsync("/api/v1/auth/me/language", new { language = "fr" }, Cancel);
        Assert.Equal("language 'fr': give en or zh-CN (or null for the browser's)", await Detail(bad));
    }
}
