using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace MinerWatch.Server.Tests;

/// <summary>What a hostile review of the server found, each kept from coming back.</summary>
public class HardeningTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<string> Detail(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("detail").GetString()!;

    [Fact]
    public async Task A_cookie_from_another_deployment_or_from_before_sign_out_opens_nothing()
    {
        await using var ours = new Platform(Backend.Sqlite);
        await using var theirs = new Platform(Backend.Sqlite);
        await ours.AddUserAsync("ada", "admin", "");
        await theirs.AddUserAsync("ada", "admin", "");
        var mallory = theirs.CreateClient();
        var login = await mallory.PostAsJsonAsync("/api/v1/auth/login", new { user_name = "ada", password = Platform.Password }, Cancel);
        var cookie = login.Headers.GetValues("Set-Cookie").First().Split(';')[0];
        var foreign = ours.CreateClient();
        foreign.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, (await foreign.GetAsync("/api/v1/auth/me", Cancel)).StatusCode);

        var client = ours.CreateClient(new() { HandleCookies = false });
        var ourLogin = await client.PostAsJsonAsync("/api/v1/auth/login", new { user_name = "ada", password = Platform.Password }, Cancel);
        var ourCookie = ourLogin.Headers.GetValues("Set-Cookie").First().Split(';')[0];
        var copy = ours.CreateClient(new() { HandleCookies = false });
        copy.DefaultRequestHeaders.Add("Cookie", ourCookie);
        var me = await copy.GetFromJsonAsync<JsonElement>("/api/v1/auth/me", Cancel);
        var signedIn = await ours.SignInAsync("ada");
        Assert.Equal(HttpStatusCode.NoContent, (await signedIn.PostAsync("/api/v1/auth/logout", null, Cancel)).StatusCode);
        Assert.Equal("ada", me.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync("/api/v1/auth/me", Cancel)).StatusCode);
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task A_regional_key_cannot_take_over_another_regions_meter_nor_replace_province_wide_files(Backend backend)
    {
        await using var campaign = await Campaign.StartAsync(backend);
        var key = campaign.Platform.KeyClient(campaign.Key);
        var steal = await key.PostAsync("/api/v1/meter-data", Platform.Files(("sites", "s.csv",
            "meter_id,customer_class,region,feeder_id,contracted_kw\nD2FARM,residential,CN-GD/Guangzhou/Nansha/Mine,F1,25\n")), Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, steal.StatusCode);
        Assert.Equal("s.csv: meter D2FARM is a site of region CN-GD/Guangzhou/Tianhe, outside your region CN-GD/Guangzhou/Nansha: it cannot be moved or changed from here", await Detail(steal));
        var activity = await key.PostAsync("/api/v1/meter-data", Platform.Files(("activity", "activity.csv", "meter_id,date,declared_kwh\nD0H0,2025-01-01,10\n")), Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, activity.StatusCode);
        Assert.StartsWith("activity.csv: an activity file replaces the one for every site, and there are sites outside your region CN-GD/Guangzhou/Nansha", await Detail(activity));
        var jobs = await campaign.Admin.GetFromJsonAsync<JsonElement>("/api/v1/jobs", Cancel);
        Assert.Single(jobs.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Regions_are_matched_exactly_letter_by_letter(Backend backend)
    {
        await using var campaign = await Campaign.StartAsync(backend);
        await campaign.Platform.AddUserAsync("low", "lead", "cn-gd/guangzhou/nansha");
        var low = await campaign.Platform.SignInAsync("low");
        var cases = await low.GetFromJsonAsync<JsonElement>("/api/v1/cases", Cancel);
        Assert.Empty(cases.GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await low.GetAsync($"/api/v1/cases/{campaign.Own}", Cancel)).StatusCode);
        var summary = await low.GetFromJsonAsync<JsonElement>("/api/v1/campaign/summary", Cancel);
        Assert.Empty(summary.GetProperty("children").EnumerateArray());
        var meters = await low.GetFromJsonAsync<JsonElement>("/api/v1/meters", Cancel);
        Assert.Empty(meters.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task The_same_files_from_another_region_are_another_delivery_and_a_failed_delivery_can_be_sent_again()
    {
        await using var campaign = await Campaign.StartAsync(Backend.Sqlite);
        await campaign.Platform.AddKeyAsync("tianhe", "CN-GD/Guangzhou/Tianhe");
        var nansha = campaign.Platform.KeyClient(campaign.Key);
        var tianhe = campaign.Platform.KeyClient(await campaign.Platform.AddKeyAsync("tianhe-2", "CN-GD/Guangzhou/Tianhe"));
        var day = Region.Readings(45, 46);
        var first = await Platform.DeliverAsync(nansha, Platform.Files(("readings", "day.csv", day)));
        var second = await Platform.DeliverAsync(tianhe, Platform.Files(("readings", "day.csv", day)));
        Assert.NotEqual(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.Equal(9 * 24, second.GetProperty("rows_read").GetInt64() - second.GetProperty("bad_row_count").GetInt64());

        var broken = await Platform.DeliverAsync(nansha, Platform.Files(("readings", "day.parquet", Region.Readings(46, 47))));
        Assert.Equal("failed", broken.GetProperty("status").GetString());
        Assert.StartsWith("day.parquet: ", broken.GetProperty("error").GetString());
        Assert.DoesNotContain(campaign.Platform.DataDir, broken.GetProperty("error").GetString());
        var again = await Platform.DeliverAsync(nansha, Platform.Files(("readings", "day.parquet", Region.Readings(46, 47))));
        Assert.NotEqual(broken.GetProperty("id").GetString(), again.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Absurd_amounts_and_endless_text_are_refused_before_they_reach_the_evidence_log()
    {
        await using var campaign = await Campaign.StartAsync(Backend.Sqlite);
        var admin = campaign.Admin;
        var huge = await admin.PostAsJsonAsync($"/api/v1/cases/{campaign.Own}/transitions", new { to = "dismissed", reason = new string('x', 10_001) }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Equal("reason: at most 10000 characters (attach a document for more)", await Detail(huge));
        var inspected = await admin.PostAsJsonAsync($"/api/v1/cases/{campaign.Own}/transitions", new { to = "inspected", report = "10 machines" }, Cancel);
        Assert.Equal(HttpStatusCode.OK, inspected.StatusCode);
        await admin.PostAsJsonAsync($"/api/v1/cases/{campaign.Own}/transitions", new { to = "confirmed" }, Cancel);
        var absurd = await admin.PostAsync($"/api/v1/cases/{campaign.Own}/transitions",
            new StringContent("{\"to\":\"rectified\",\"amount_billed\":1e308,\"disconnected\":true}", Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, absurd.StatusCode);
        Assert.Equal("amount_billed 1E+308: give a number from 0 to 1E+12", await Detail(absurd));
        var notJson = await admin.PostAsync($"/api/v1/cases/{campaign.Own}/transitions", new StringContent("{\"to\":", Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.StartsWith("the request could not be read: ", await Detail(notJson));
        var summary = await admin.GetAsync("/api/v1/campaign/summary", Cancel);
        Assert.Equal(HttpStatusCode.OK, summary.StatusCode);
        var nan = await admin.GetAsync("/api/v1/cases?min_score=NaN", Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, nan.StatusCode);
        var high = await admin.GetFromJsonAsync<JsonElement>("/api/v1/cases?min_score=2", Cancel);
        Assert.Empty(high.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Webhooks_to_this_machine_are_refused_and_a_lead_can_remove_a_webhook()
    {
        await using var campaign = await Campaign.StartAsync(Backend.Sqlite);
        var lead = await campaign.Platform.SignInAsync("lee");
        foreach (var url in new[] { "http://127.0.0.1:9/hook", "http://localhost/hook", "http://169.254.169.254/latest/meta-data/", "http://[::1]/x" })
        {
            var refused = await lead.PostAsJsonAsync("/api/v1/webhooks", new { url, region = Campaign.Nansha, secret = "0123456789abcdef" }, Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        var made = await lead.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://district.example/hook", region = Campaign.Nansha, secret = "0123456789abcdef" }, Cancel);
        var id = (await made.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await lead.DeleteAsync($"/api/v1/webhooks/{id}", Cancel)).StatusCode);
        Assert.Empty((await lead.GetFromJsonAsync<JsonElement>("/api/v1/webhooks", Cancel)).EnumerateArray());
    }

    [Fact]
    public async Task Attachment_names_cannot_climb_out_of_a_bundle_and_a_cut_upload_is_a_400()
    {
        await using var campaign = await Campaign.StartAsync(Backend.Sqlite);
        var inspector = await campaign.Platform.SignInAsync("ivy");
        var form = new MultipartFormDataContent { { new ByteArrayContent("photo"u8.ToArray()), "file", "..\\..\\..\\tmp\\evil.bat" } };
        var upload = await inspector.PostAsync($"/api/v1/cases/{campaign.Own}/attachments", form, Cancel);
        Assert.Equal("evil.bat", (await upload.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("file_name").GetString());
        using var zip = new ZipArchive(new MemoryStream(await inspector.GetByteArrayAsync($"/api/v1/cases/{campaign.Own}/bundle", Cancel)));
        Assert.All(zip.Entries, e => Assert.DoesNotContain("..", e.FullName));
        Assert.Contains(zip.Entries, e => e.FullName.StartsWith("attachments/", StringComparison.Ordinal) && e.FullName.EndsWith("-evil.bat", StringComparison.Ordinal));

        var cut = new ByteArrayContent("--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\nhalf a photo"u8.ToArray());
        cut.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=B");
        var response = await inspector.PostAsync($"/api/v1/cases/{campaign.Own}/attachments", cut, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("the upload was cut short", await Detail(response));
        Assert.Single(Directory.GetDirectories(Path.Combine(campaign.Platform.DataDir, "attachments", campaign.Own)));
    }

    [Fact]
    public async Task Host_cases_are_per_region_and_one_region_cannot_add_evidence_to_anothers()
    {
        await using var campaign = await Campaign.StartAsync(Backend.Sqlite);
        var nansha = campaign.Platform.KeyClient(campaign.Key);
        var tianhe = campaign.Platform.KeyClient(await campaign.Platform.AddKeyAsync("tianhe", "CN-GD/Guangzhou/Tianhe"));
        var capture = File.ReadAllBytes(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../MinerWatch.Network.Tests/Captures/ndpi-mining.pcapng")));
        var jobOf = new Dictionary<string, string>();
        foreach (var (key, region) in new[] { (nansha, "CN-GD/Guangzhou/Nansha"), (tianhe, "CN-GD/Guangzhou/Tianhe") })
        {
            var form = new MultipartFormDataContent { { new ByteArrayContent(capture), "files", "sensor.pcapng" } };
            var response = await key.PostAsync("/api/v1/network-data", form, Cancel);
            var job = await Platform.WaitAsync(key, (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetString()!);
            Assert.Equal("completed", job.GetProperty("status").GetString());
            jobOf[region] = "job:" + job.GetProperty("id").GetString();
        }
        var cases = await campaign.Admin.GetFromJsonAsync<JsonElement>("/api/v1/cases?limit=100", Cancel);
        var hosts = cases.GetProperty("items").EnumerateArray().Where(c => c.GetProperty("subject_kind").GetString() == "host").ToList();
        var byRegion = hosts.GroupBy(h => h.GetProperty("region").GetString()).ToDictionary(g => g.Key!, g => g.Select(h => h.GetProperty("subject_id").GetString()).Order().ToList());
        Assert.Equal(byRegion["CN-GD/Guangzhou/Nansha"], byRegion["CN-GD/Guangzhou/Tianhe"]);
        foreach (var h in hosts)
        {
            var events = await campaign.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{h.GetProperty("id").GetString()}/events", Cancel);
            // A host with two pool endpoints gets its second finding as evidence, from its own region's data only.
            Assert.All(events.EnumerateArray(), e => Assert.Equal(jobOf[h.GetProperty("region").GetString()!], e.GetProperty("actor").GetString()));
        }
    }
}
