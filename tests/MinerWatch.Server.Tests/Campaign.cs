using System.Net.Http.Json;
using System.Text.Json;

namespace MinerWatch.Server.Tests;

/// <summary>
/// A platform with data and people: three cases (a farm in Nansha, one in its child Huangge, one in sibling Tianhe),
/// an admin, and in Nansha a lead, an inspector (assigned the Nansha and Huangge cases), a second inspector and an
/// auditor, and an ingest key.
/// </summary>
internal sealed class Campaign : IAsyncDisposable
{
    public const string Nansha = "CN-GD/Guangzhou/Nansha";

    private Campaign(Platform platform) => Platform = platform;

    public Platform Platform { get; }
    public HttpClient Admin { get; private set; } = null!;
    public Dictionary<string, string> CaseOf { get; } = [];
    public Dictionary<string, string> UserId { get; } = [];
    public string Key { get; private set; } = "";

    public static async Task<Campaign> StartAsync(Backend backend, params (string Key, string Value)[] settings)
    {
        var c = new Campaign(new Platform(backend, settings));
        var p = c.Platform;
        c.UserId["ada"] = (await p.AddUserAsync("ada", "admin", "")).Id;
        c.UserId["lee"] = (await p.AddUserAsync("lee", "lead", Nansha)).Id;
        c.UserId["ivy"] = (await p.AddUserAsync("ivy", "inspector", Nansha)).Id;
        c.UserId["ian"] = (await p.AddUserAsync("ian", "inspector", Nansha)).Id;
        c.UserId["aud"] = (await p.AddUserAsync("aud", "auditor", Nansha)).Id;
        c.UserId["tia"] = (await p.AddUserAsync("tia", "inspector", "CN-GD/Guangzhou/Tianhe")).Id;
        c.Key = await p.AddKeyAsync("nansha-mdm", Nansha);
        c.Admin = await p.SignInAsync("ada");
        var job = await Platform.DeliverAsync(c.Admin, Platform.Files(("sites", "sites.csv", Region.Sites()), ("readings", "r.csv", Region.Readings(0, 45))));
        Assert.Equal(3, job.GetProperty("cases_opened").GetInt32());
        var cases = await c.Admin.GetFromJsonAsync<JsonElement>("/api/v1/cases", TestContext.Current.CancellationToken);
        foreach (var item in cases.GetProperty("items").EnumerateArray())
            c.CaseOf[item.GetProperty("subject_id").GetString()!] = item.GetProperty("id").GetString()!;
        foreach (var meter in new[] { "D0FARM", "D1FARM" })
        {
            var r = await c.Admin.PostAsJsonAsync($"/api/v1/cases/{c.CaseOf[meter]}/transitions", new { to = "assigned", assignee_id = c.UserId["ivy"], due = "2025-03-01" }, TestContext.Current.CancellationToken);
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
        return c;
    }

    public string Own => CaseOf["D0FARM"];
    public string Child => CaseOf["D1FARM"];
    public string Sibling => CaseOf["D2FARM"];

    public ValueTask DisposeAsync() => Platform.DisposeAsync();
}
