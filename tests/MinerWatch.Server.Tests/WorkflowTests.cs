using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MinerWatch.Evidence.Log;
using MinerWatch.Evidence.Notes;

namespace MinerWatch.Server.Tests;

public class WorkflowTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> Move(HttpClient client, string id, object body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{id}/transitions") { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        return client.SendAsync(request, Cancel);
    }

    private static async Task<string> Detail(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("detail").GetString()!;

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task A_case_goes_from_open_to_closed_and_every_illegal_move_is_refused_without_change(Backend backend)
    {
        await using var campaign = await Campaign.StartAsync(backend);
        var lead = await campaign.Platform.SignInAsync("lee");
        var inspector = await campaign.Platform.SignInAsync("ivy");
        var id = campaign.Own;

        var early = await Move(lead, id, new { to = "closed" });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal("a case that is assigned cannot become closed; it can become assigned, inspected, dismissed", await Detail(early));
        var amounts = await Move(inspector, id, new { to = "inspected", report = "12 machines", amount_billed = 5 });
        Assert.Equal(HttpStatusCode.Forbidden, amounts.StatusCode);
        Assert.Equal("an inspector may not set amounts, disconnection, assignee or due date: a lead does", await Detail(amounts));
        var noReport = await Move(inspector, id, new { to = "inspected" });
        Assert.Equal(HttpStatusCode.BadRequest, noReport.StatusCode);
        var confirmByInspector = await Move(inspector, id, new { to = "dismissed", reason = "a freezer" });
        Assert.Equal(HttpStatusCode.Forbidden, confirmByInspector.StatusCode);
        var wrongAssignee = await Move(lead, id, new { to = "assigned", assignee_id = campaign.UserId["tia"] });
        Assert.Equal(HttpStatusCode.BadRequest, wrongAssignee.StatusCode);

        var read = await inspector.GetAsync($"/api/v1/cases/{id}", Cancel);
        var etag = read.Headers.ETag!.Tag;
        var inspected = await Move(inspector, id, new { to = "inspected", report = "12 S19 machines behind the charging bays" }, etag);
        Assert.Equal(HttpStatusCode.OK, inspected.StatusCode);
        // A lead who read the case before the inspection and changes it now is told it changed meanwhile.
        var stale = await Move(lead, id, new { to = "dismissed", reason = "looks fine" }, etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);

        var noReason = await Move(lead, id, new { to = "dismissed" });
        Assert.Equal("reason is required to dismiss a case", await Detail(noReason));
        Assert.Equal(HttpStatusCode.OK, (await Move(lead, id, new { to = "confirmed" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Move(lead, id, new { to = "rectified", disconnected = true, amount_billed = 48000.5, kw_removed = 12 })).StatusCode);
        var closed = await Move(lead, id, new { to = "closed", amount_recovered = 30000 });
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        var final = await closed.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("closed", final.GetProperty("status").GetString());
        Assert.Empty(final.GetProperty("allowed_transitions").EnumerateArray());
        Assert.Equal(HttpStatusCode.Conflict, (await Move(lead, id, new { to = "open" })).StatusCode);

        var events = await lead.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{id}/events", Cancel);
        Assert.Equal(["opened", "transition", "transition", "transition", "transition", "transition"], events.EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.All(events.EnumerateArray(), e => Assert.True(e.GetProperty("log_index").GetInt64() >= 0));
        Assert.Equal(events.EnumerateArray().Count(), events.EnumerateArray().Select(e => e.GetProperty("log_index").GetInt64()).Distinct().Count());

        var summary = await lead.GetFromJsonAsync<JsonElement>("/api/v1/campaign/summary", Cancel);
        var total = summary.GetProperty("total");
        Assert.Equal(12, total.GetProperty("kw_removed").GetDouble());
        Assert.Equal(12 * 8760, total.GetProperty("kwh_per_year_avoided").GetDouble());
        Assert.Equal(30000, total.GetProperty("money_recovered").GetDouble());
        Assert.Equal(1, total.GetProperty("cases_by_status").GetProperty("closed").GetInt32());
        Assert.Equal(1, total.GetProperty("cases_by_status").GetProperty("assigned").GetInt32());
        Assert.Equal(["CN-GD/Guangzhou/Nansha", "CN-GD/Guangzhou/Nansha/Huangge"], summary.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("region").GetString()));
        var trend = await lead.GetFromJsonAsync<JsonElement>("/api/v1/campaign/trend", Cancel);
        var week = Assert.Single(trend.EnumerateArray());
        Assert.Equal(2, week.GetProperty("opened").GetInt32());
        Assert.Equal(1, week.GetProperty("confirmed").GetInt32());
        Assert.Equal(1, week.GetProperty("closed").GetInt32());
        Assert.Equal(12, week.GetProperty("kw_removed").GetDouble());
        Assert.Equal(12 * 8760, week.GetProperty("kwh_per_year_avoided").GetDouble());
        Assert.True(week.GetProperty("co2_tonnes_per_year_avoided").GetDouble() > 0);
        Assert.Equal(total.GetProperty("co2_tonnes_per_year_avoided").GetDouble(), week.GetProperty("co2_tonnes_per_year_avoided").GetDouble());
        Assert.Equal(30000, week.GetProperty("money_recovered").GetDouble());
        var csv = await lead.GetStringAsync("/api/v1/campaign/summary?format=csv", Cancel);
        Assert.StartsWith("region,open,assigned,inspected,confirmed,dismissed,rectified,closed,confirmed_sites,kw_removed,", csv);
        Assert.Contains("\nCN-GD/Guangzhou/Nansha,0,0,0,0,0,0,1,1,12,105120,", csv);
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task A_case_bundle_proves_every_event_and_attachment_offline(Backend backend)
    {
        await using var campaign = await Campaign.StartAsync(backend);
        var inspector = await campaign.Platform.SignInAsync("ivy");
        var id = campaign.Own;
        var photo = new byte[5000];
        new Random(7).NextBytes(photo);
        var form = new MultipartFormDataContent { { new ByteArrayContent(photo), "file", "bay-3.jpg" } };
        var upload = await inspector.PostAsync($"/api/v1/cases/{id}/attachments", form, Cancel);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await inspector.PostAsJsonAsync($"/api/v1/cases/{id}/comments", new { text = "the owner was not there" }, Cancel)).StatusCode);

        var zip = await inspector.GetByteArrayAsync($"/api/v1/cases/{id}/bundle", Cancel);
        using var archive = new ZipArchive(new MemoryStream(zip));
        string Read(string name)
        {
            using var reader = new StreamReader(archive.GetEntry(name)!.Open());
            return reader.ReadToEnd();
        }
        var key = VerifierKey.Parse(Read("verifier-key").Trim());
        var events = archive.Entries.Where(e => e.FullName.StartsWith("events/", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, events.Count); // opened, assigned, attachment, comment
        foreach (var entry in events)
        {
            var name = Path.GetFileNameWithoutExtension(entry.FullName);
            var bytes = Encoding.UTF8.GetBytes(Read(entry.FullName));
            var proof = TlogProof.Parse(Read($"proofs/{name}.tlog-proof"));
            Assert.Null(ProofVerifier.Verify(proof, key, bytes, [], 0));
            var altered = (byte[])bytes.Clone();
            altered[^2] ^= 1;
            Assert.NotNull(ProofVerifier.Verify(proof, key, altered, [], 0));
        }
        var attachment = archive.Entries.Single(e => e.FullName.StartsWith("attachments/", StringComparison.Ordinal));
        using (var stream = attachment.Open())
        {
            var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
            Assert.Contains($"\"sha256\":\"{sha}\"", Read(events.Single(e => e.FullName.EndsWith("-attachment.json", StringComparison.Ordinal)).FullName));
        }
        Assert.Contains("minerwatch evidence verify-proof", Read("README.md"));

        // The log on disk verifies as a whole, with as many entries as events were recorded.
        var auditor = await campaign.Platform.SignInAsync("aud");
        var verify = await auditor.GetAsync("/api/v1/evidence/verify", Cancel);
        var report = await verify.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.True(report.GetProperty("valid").GetBoolean());
        // The delivery, 3 cases opened, 2 assigned, the attachment and the comment.
        Assert.Equal(1 + 3 + 2 + 2, report.GetProperty("size").GetInt64());
        Assert.True(EvidenceLog.Verify(Path.Combine(campaign.Platform.DataDir, "evidence")).Valid);
    }
}
