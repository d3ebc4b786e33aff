using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MinerWatch.Tests;

namespace MinerWatch.Console.Tests;

/// <summary>
/// The console on `minerwatch serve --demo`, started as a user starts it (the real command, a process of its own): every
/// role signs in with the printed password and opens every page it has, in Debian's Chromium, without a script error.
/// With MINERWATCH_UPDATE_SCREENSHOTS=1 the demo's campaign map is written to docs/screenshots for the README.
/// </summary>
public sealed partial class DemoTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_role_opens_every_page_of_the_demo_without_an_error()
    {
        var chromium = Requires.Chromium();
        var data = Path.Combine(Path.GetTempPath(), "minerwatch-demo-tests", Guid.NewGuid().ToString("N"));
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var url = $"http://127.0.0.1:{port}";
        var passwords = new Dictionary<string, string>();
        var serving = new TaskCompletionSource();
        using var process = Process.Start(new ProcessStartInfo("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, "minerwatch.dll"), "serve", "--demo", "--demo-meters", "60", "--data", data, "--urls", url])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && UserLine().Match(e.Data) is { Success: true } m)
                lock (passwords) passwords[m.Groups[1].Value] = m.Groups[2].Value;
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("MinerWatch is serving", StringComparison.Ordinal) == true) serving.TrySetResult();
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await serving.Task.WaitAsync(TimeSpan.FromMinutes(5), Cancel);
            Assert.Equal(["admin", "auditor", "inspector", "lead"], passwords.Keys.Order());
            await WaitForDeliveriesAsync(url, passwords["admin"]);

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
            var errors = new List<string>();
            foreach (var (role, pages) in new[]
            {
                ("admin", new[] { "#/campaign", "#/cases", "#/evidence", "#/admin" }),
                ("lead", ["#/campaign", "#/campaign?region=CN-GD%2FGuangzhou", "#/cases", "#/evidence", "#/admin"]),
                ("inspector", ["#/cases"]),
                ("auditor", ["#/evidence", "#/campaign", "#/cases"]),
            })
            {
                var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
                var page = await context.NewPageAsync();
                page.PageError += (_, e) => errors.Add($"{role}: {e}");
                await page.GotoAsync(url + "/");
                await page.GetByLabel("User name").FillAsync(role);
                await page.GetByLabel("Password").FillAsync(passwords[role]);
                await page.Locator("form button[type=submit]").ClickAsync();
                await page.Locator("header nav").WaitForAsync();
                foreach (var address in pages)
                {
                    await page.GotoAsync($"{url}/{address}");
                    var heading = page.Locator("h1");
                    await Assertions.Expect(heading).Not.ToHaveTextAsync(new Regex("^(Sign in|Failed|Not found)$"));
                    if (address.StartsWith("#/campaign", StringComparison.Ordinal))
                        await Assertions.Expect(page.Locator("#map")).ToHaveAttributeAsync("aria-label", new Regex("the data for CN-GD(/Guangzhou)? is"));
                    if (address == "#/cases")
                    {
                        // The first case on the list opens with its load pictures (once the list, not the page before, is shown).
                        await Assertions.Expect(heading).ToHaveTextAsync(new Regex("^(Cases|My cases)$"));
                        var first = page.Locator("tbody td a[href^='#/cases/']").First;
                        if (await first.CountAsync() == 0) continue;
                        await first.ClickAsync();
                        await Assertions.Expect(page.Locator("#daily canvas").First).ToBeVisibleAsync();
                        await Assertions.Expect(page.Locator(".timeline li").First).ToBeVisibleAsync();
                    }
                    if (role == "lead" && address == "#/campaign" && Environment.GetEnvironmentVariable("MINERWATCH_UPDATE_SCREENSHOTS") == "1")
                    {
                        await page.WaitForTimeoutAsync(500);
                        var docs = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../docs/screenshots"));
                        await File.WriteAllBytesAsync(Path.Combine(docs, "demo-campaign.png"), await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = false }), Cancel);
                    }
                }
                await context.CloseAsync();
            }
            Assert.Empty(errors);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by the closing server; temporary files go with the machine.
            }
        }
    }

    [GeneratedRegex(@"^\s+user (\w+)\s+role \w+\s+region \S+\s+password (\w+)$")]
    private static partial Regex UserLine();

    /// <summary>The demo queues its deliveries at start: wait until every job is done, so every case is open.</summary>
    private static async Task WaitForDeliveriesAsync(string url, string password)
    {
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(url) };
        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { user_name = "admin", password }, Cancel);
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        for (var i = 0; i < 600; i++)
        {
            var jobs = await client.GetFromJsonAsync<JsonElement>("/api/v1/jobs?limit=50", Cancel);
            var statuses = jobs.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("status").GetString()).ToList();
            Assert.DoesNotContain("failed", statuses);
            if (statuses.Count == 8 && statuses.All(s => s == "completed")) return;
            await Task.Delay(500, Cancel);
        }
        Assert.Fail("the demo's deliveries were not all scored in five minutes");
    }
}
