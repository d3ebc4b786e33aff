using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MinerWatch.Benchmarks.Server;

/// <summary>
/// `scale case-page DIR`: a simulated region in DIR (sites.csv, readings.csv) delivered to a real server, then the
/// top suspect's case page opened in Debian's Chromium five times; prints the median and worst time from navigation
/// start to both load pictures drawn (performance.now() in the page), and the meter's interval and days.
/// </summary>
internal static class CasePageRun
{
    public static async Task<int> RunAsync(string[] args)
    {
        var input = args[0];
        var data = Path.Combine(Path.GetTempPath(), "minerwatch-case-page-bench", Guid.NewGuid().ToString("N"));
        await using var app = global::MinerWatch.Server.ServerHost.Create(["--data", data, "--urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        await global::MinerWatch.Server.ServerHost.AddUserAsync(app, "bench", "admin", "", "a bench password");
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(30) };
        (await client.PostAsJsonAsync("/api/v1/auth/login", new { user_name = "bench", password = "a bench password" })).EnsureSuccessStatusCode();
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/auth/me");
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", me.GetProperty("antiforgery_token").GetString());
        using var form = new MultipartFormDataContent
        {
            { new StreamContent(File.OpenRead(Path.Combine(input, "sites.csv"))), "sites", "sites.csv" },
            { new StreamContent(File.OpenRead(Path.Combine(input, "readings.csv"))), "readings", "readings.csv" },
        };
        var accepted = await client.PostAsync("/api/v1/meter-data", form);
        var job = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        while ((await client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{job}")).GetProperty("status").GetString() is "queued" or "running") await Task.Delay(500);
        var top = (await client.GetFromJsonAsync<JsonElement>("/api/v1/cases?sort=score&limit=1")).GetProperty("items")[0].GetProperty("id").GetString();
        var load = await client.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{top}/load");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        await page.GotoAsync(url + "/");
        await page.GetByLabel("User name").FillAsync("bench");
        await page.GetByLabel("Password").FillAsync("a bench password");
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.Locator("header nav").WaitForAsync();
        var times = new List<double>();
        var resources = new List<string>();
        for (var run = 0; run < 6; run++)
        {
            // A new document each time (a different page first), so every run loads the page, its modules and data.
            await page.GotoAsync("about:blank");
            await page.GotoAsync($"{url}/#/cases/{top}");
            await page.Locator("#daily canvas").First.WaitForAsync();
            await page.Locator("#heat canvas").First.WaitForAsync();
            await page.Locator("#before-after canvas, #before-after p").First.WaitForAsync();
            var ms = await page.EvaluateAsync<double>("performance.now()");
            if (run > 0) times.Add(ms); // the first load fills the browser's cache, as a user's first visit does
            if (run == 5)
                resources = [.. await page.EvaluateAsync<string[]>("performance.getEntriesByType('resource').map(r => `${Math.round(r.startTime)}-${Math.round(r.responseEnd)} ms ${r.name.replace(location.origin, '')}`)")];
        }
        foreach (var r in resources) global::System.Console.WriteLine("  " + r);
        const string scriptBytes = @"performance.getEntriesByType('resource').filter(r => /\.js(\?|$)/.test(r.name)).reduce((n, r) => n + r.decodedBodySize, 0)";
        var caseScript = await page.EvaluateAsync<double>(scriptBytes);
        // The campaign page draws the map: ECharts, topojson-client and the countries it turns into outlines.
        await page.GotoAsync("about:blank");
        await page.GotoAsync($"{url}/#/campaign");
        await page.Locator("#map[aria-label]").WaitForAsync();
        var campaignScript = await page.EvaluateAsync<double>(scriptBytes);
        global::System.Console.WriteLine($"script downloaded\tcase page {caseScript / 1e6:0.00} MB\tcampaign page {campaignScript / 1e6:0.00} MB");
        times.Sort();
        global::System.Console.WriteLine($"case page\t{load.GetProperty("interval_minutes").GetInt32()} min\t{load.GetProperty("mean_kw").GetArrayLength()} days\tmedian {times[times.Count / 2]:0} ms\tworst {times[^1]:0} ms");
        await app.StopAsync();
        Directory.Delete(data, recursive: true);
        return 0;
    }
}
