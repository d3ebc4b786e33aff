using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MinerWatch.Server.Tests;

public class NetworkAndEvaluationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;
    private static readonly string MiningCapture = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../MinerWatch.Network.Tests/Captures/ndpi-mining.pcapng"));

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task A_capture_uploaded_twice_keeps_one_finding_per_host_and_pool_and_opens_host_cases_once(Backend backend)
    {
        await using var platform = new Platform(backend);
        await platform.AddUserAsync("ada", "admin", "");
        var admin = await platform.SignInAsync("ada");
        var key = platform.KeyClient(await platform.AddKeyAsync("soc-sensor", "CN-GD/Guangzhou/Nansha"));
        MultipartFormDataContent Capture(string name)
        {
            var form = new MultipartFormDataContent();
            var part = new ByteArrayContent(File.ReadAllBytes(MiningCapture));
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
            return form;
        }
        var response = await key.PostAsync("/api/v1/network-data", Capture("sensor.pcapng"), Cancel);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await Platform.WaitAsync(key, (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetString()!);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        var opened = job.GetProperty("cases_opened").GetInt32();
        Assert.True(opened >= 1, job.ToString());
        // The same capture again is the same job; a copy under another name changes nothing either.
        Assert.Equal(HttpStatusCode.OK, (await key.PostAsync("/api/v1/network-data", Capture("again.pcapng"), Cancel)).StatusCode);
        var cases = await admin.GetFromJsonAsync<JsonElement>("/api/v1/cases", Cancel);
        var hosts = cases.GetProperty("items").EnumerateArray().Where(c => c.GetProperty("subject_kind").GetString() == "host").ToList();
        Assert.Equal(opened, hosts.Count);
        Assert.All(hosts, c => Assert.Equal("CN-GD/Guangzhou/Nansha", c.GetProperty("region").GetString()));
        Assert.Contains(hosts, c => c.GetProperty("subject_id").GetString() == "192.168.2.148");

        // eve.json lines from a sensor, posted as they come.
        var eve = "{\"timestamp\":\"2025-03-01T10:00:00.000000+0000\",\"event_type\":\"dns\",\"src_ip\":\"10.1.1.5\",\"dest_ip\":\"10.1.1.1\",\"dns\":{\"type\":\"query\",\"rrname\":\"pool.supportxmr.com\"}}\n";
        var posted = await key.PostAsync("/api/v1/eve", new StringContent(eve), Cancel);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var eveJob = await Platform.WaitAsync(key, (await posted.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetString()!);
        Assert.Equal("completed", eveJob.GetProperty("status").GetString());
        Assert.Equal(1, eveJob.GetProperty("rows_read").GetInt64());
        var empty = await key.PostAsync("/api/v1/eve", new StringContent(""), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Confirmed_and_dismissed_cases_measure_the_scorer(Backend backend)
    {
        await using var campaign = await Campaign.StartAsync(backend);
        var admin = campaign.Admin;
        var auditor = await campaign.Platform.SignInAsync("aud");
        var early = await admin.GetAsync("/api/v1/evaluation", Cancel);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        // A lead opens a case by hand on a quiet home; inspections confirm the farm and dismiss the home.
        var manual = await admin.PostAsJsonAsync("/api/v1/cases", new { subject_kind = "meter", subject_id = "D0H2", note = "a neighbour's tip" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, manual.StatusCode);
        var home = (await manual.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/v1/cases", new { subject_kind = "meter", subject_id = "D0H2" }, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/api/v1/cases", new { subject_kind = "meter", subject_id = "NOPE" }, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/v1/cases/{home}/transitions", new { to = "dismissed", reason = "a new freezer" }, Cancel)).StatusCode);
        foreach (var to in new object[] { new { to = "inspected", report = "8 machines" }, new { to = "confirmed" } })
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/v1/cases/{campaign.Own}/transitions", to, Cancel)).StatusCode);

        var report = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/evaluation", Cancel);
        Assert.Equal(1, report.GetProperty("confirmed").GetInt32());
        Assert.Equal(1, report.GetProperty("dismissed").GetInt32());
        Assert.Equal(1.0, report.GetProperty("metrics")[0].GetProperty("roc_auc").GetDouble());
        Assert.Equal(0.5, report.GetProperty("metrics")[0].GetProperty("precision_at_10").GetDouble());
        Assert.Single(report.GetProperty("metrics").EnumerateArray());
        var labels = await auditor.GetStringAsync("/api/v1/evaluation/labels", Cancel);
        Assert.Equal("meter_id,mining,variant,onset\nD0FARM,1,confirmed,\nD0H2,0,,\n", labels);
    }
}
