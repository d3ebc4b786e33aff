using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MinerWatch.Tests;

namespace MinerWatch.Console.Tests;

/// <summary>
/// A real server on a loopback port (a browser cannot reach an in-memory test server) with a small region: a farm in
/// Nansha, one in its child Huangge and one in sibling Tianhe; people of each role; the Nansha and Huangge cases
/// assigned to the Nansha inspector. And Debian's Chromium, driven by Playwright.
/// </summary>
internal sealed class ConsoleServer : IAsyncDisposable
{
    public const string Password = "correct horse battery";
    private readonly WebApplication _app;
    private readonly IPlaywright _playwright;
    private readonly string _data;

    private ConsoleServer(WebApplication app, string url, IPlaywright playwright, IBrowser browser, string data)
    {
        _app = app;
        Url = url;
        _playwright = playwright;
        Browser = browser;
        _data = data;
    }

    public string Url { get; }
    public IBrowser Browser { get; }
    public Dictionary<string, string> CaseOf { get; } = [];

    public static async Task<ConsoleServer> StartAsync()
    {
        var chromium = Requires.Chromium();
        var data = Path.Combine(Path.GetTempPath(), "minerwatch-console-tests", Guid.NewGuid().ToString("N"));
        var outlines = Path.Combine(data + "-outlines");
        Directory.CreateDirectory(outlines);
        await File.WriteAllTextAsync(Path.Combine(outlines, "guangzhou.geojson"), Outlines(), TestContext.Current.CancellationToken);
        var app = MinerWatch.Server.ServerHost.Create(["--data", data, "--urls", "http://127.0.0.1:0", "--outlines", outlines]);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        foreach (var (name, role, region) in new[]
        {
            ("ada", "admin", ""), ("lee", "lead", "CN-GD/Guangzhou/Nansha"), ("ivy", "inspector", "CN-GD/Guangzhou/Nansha"),
            ("aud", "auditor", "CN-GD/Guangzhou/Nansha"), ("tia", "inspector", "CN-GD/Guangzhou/Tianhe"),
        })
            await MinerWatch.Server.ServerHost.AddUserAsync(app, name, role, region, Password);
        var playwright = await Playwright.CreateAsync();
        // Debian's Chromium, headless, with nothing reaching outside this machine.
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var server = new ConsoleServer(app, url, playwright, browser, data);
        await server.SeedAsync();
        return server;
    }

    private async Task SeedAsync()
    {
        using var admin = await ApiAsync("ada");
        var form = new MultipartFormDataContent
        {
            { new StringContent(Sites()), "sites", "sites.csv" },
            { new StringContent(Readings(90)), "readings", "readings.csv" },
        };
        var accepted = await admin.PostAsync("/api/v1/meter-data", form, TestContext.Current.CancellationToken);
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetString();
        for (var i = 0; i < 600; i++)
        {
            var job = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{id}", TestContext.Current.CancellationToken);
            if (job.GetProperty("status").GetString() == "completed") break;
            Assert.NotEqual("failed", job.GetProperty("status").GetString());
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        var cases = await admin.GetFromJsonAsync<JsonElement>("/api/v1/cases", TestContext.Current.CancellationToken);
        foreach (var c in cases.GetProperty("items").EnumerateArray()) CaseOf[c.GetProperty("subject_id").GetString()!] = c.GetProperty("id").GetString()!;
        var users = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users", TestContext.Current.CancellationToken);
        var ivy = users.EnumerateArray().Single(u => u.GetProperty("name").GetString() == "ivy").GetProperty("id").GetString();
        foreach (var meter in new[] { "D0FARM", "D1FARM" })
        {
            var r = await admin.PostAsJsonAsync($"/api/v1/cases/{CaseOf[meter]}/transitions", new { to = "assigned", assignee_id = ivy }, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
    }

    /// <summary>A packet capture of the Nansha sensor, uploaded by the admin and scanned.</summary>
    public async Task UploadCaptureAsync(string path)
    {
        using var admin = await ApiAsync("ada");
        var part = new ByteArrayContent(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
        part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        using var form = new MultipartFormDataContent { { part, "files", Path.GetFileName(path) } };
        var region = new StringContent("CN-GD/Guangzhou/Nansha");
        form.Add(region, "region");
        var accepted = await admin.PostAsync("/api/v1/network-data", form, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetString();
        for (var i = 0; i < 600; i++)
        {
            var job = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{id}", TestContext.Current.CancellationToken);
            if (job.GetProperty("status").GetString() == "completed") return;
            Assert.NotEqual("failed", job.GetProperty("status").GetString());
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.Fail("the capture was not scanned in a minute");
    }

    /// <summary>An API client signed in as <paramref name="name"/>.</summary>
    public async Task<HttpClient> ApiAsync(string name)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(Url) };
        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { user_name = name, password = Password }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/auth/me", TestContext.Current.CancellationToken);
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", me.GetProperty("antiforgery_token").GetString());
        return client;
    }

    /// <summary>A new browser page, signed in through the sign-in form as <paramref name="name"/>.</summary>
    /// <param name="injectScripts">Lets a test add its own script (axe-core) past the page's content security policy.</param>
    public async Task<IPage> SignInAsync(string name, string locale = "en-US", bool injectScripts = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Locale = locale, TimezoneId = "Asia/Shanghai", BypassCSP = injectScripts });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url + "/");
        await page.GetByLabel(locale.StartsWith("zh", StringComparison.Ordinal) ? "用户名" : "User name").FillAsync(name);
        await page.GetByLabel(locale.StartsWith("zh", StringComparison.Ordinal) ? "密码" : "Password").FillAsync(Password);
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.Locator("header nav").WaitForAsync();
        return page;
    }

    private static readonly string[] Districts = ["CN-GD/Guangzhou/Nansha", "CN-GD/Guangzhou/Nansha/Huangge", "CN-GD/Guangzhou/Tianhe"];

    private static IEnumerable<(string Id, string Region, Func<int, int, double> Kw)> Meters()
    {
        for (var d = 0; d < Districts.Length; d++)
        {
            for (var k = 0; k < 8; k++)
            {
                var seed = d * 10 + k;
                yield return ($"D{d}H{k}", Districts[d], (day, hour) => Home(day, hour, seed));
            }
            var district = d;
            yield return ($"D{d}FARM", Districts[d], (day, hour) => Home(day, hour, 90 + district) + (day >= 30 ? 12 : 0));
        }
    }

    private static double Home(int day, int hour, int seed) =>
        0.25 + 0.05 * (seed % 4) + (hour is >= 18 and <= 22 ? 1.4 : hour is >= 7 and <= 8 ? 0.8 : hour <= 5 ? 0 : 0.4) + Math.Abs(0.1 * Math.Sin(day * 12.9898 + hour * 78.233 + seed * 3.7));

    private static string Sites() => "meter_id,customer_class,region,feeder_id,contracted_kw,name,latitude,longitude\n"
        + string.Concat(Meters().Select((m, i) => $"{m.Id},residential,{m.Region},F{i % 3},25,{m.Id} home,23.{i:D2},113.{i:D2}\n"));

    // Boxes around each district's sites (which lie on a diagonal, 0.01 degree apart), as an operator's GeoJSON file.
    private static string Outlines()
    {
        static string Box(string region, int first, int last) => string.Create(CultureInfo.InvariantCulture,
            $"{{\"type\":\"Feature\",\"properties\":{{\"region\":\"{region}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[113.{first:D2},23.{first:D2}],[113.{last:D2},23.{first:D2}],[113.{last:D2},23.{last:D2}],[113.{first:D2},23.{last:D2}],[113.{first:D2},23.{first:D2}]]]}}}}");
        return "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(',', Box(Districts[0], 0, 18), Box(Districts[1], 9, 18), Box(Districts[2], 18, 27)) + "]}";
    }

    private static string Readings(int days)
    {
        var sb = new StringBuilder("meter_id,timestamp,kwh\n");
        foreach (var (id, _, kw) in Meters())
            for (var d = 0; d < days; d++)
                for (var h = 0; h < 24; h++)
                    sb.Append(CultureInfo.InvariantCulture, $"{id},{new DateOnly(2025, 1, 1).AddDays(d):yyyy-MM-dd}T{h:D2}:00:00+08:00,{kw(d, h).ToString("0.####", CultureInfo.InvariantCulture)}\n");
        return sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
            Directory.Delete(_data + "-outlines", recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the closing server; temporary files go with the machine.
        }
    }
}
