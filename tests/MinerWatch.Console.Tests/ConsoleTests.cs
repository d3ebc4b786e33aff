using Microsoft.Playwright;

namespace MinerWatch.Console.Tests;

/// <summary>The console in Debian's Chromium, against a real server.</summary>
public class ConsoleTests
{
    [Fact]
    public async Task Each_role_signs_in_and_lands_on_its_own_page()
    {
        await using var server = await ConsoleServer.StartAsync();
        var lead = await server.SignInAsync("lee");
        await lead.WaitForURLAsync("**/#/campaign");
        await Assertions.Expect(lead.Locator("h1")).ToHaveTextAsync("Campaign: CN-GD/Guangzhou/Nansha");
        Assert.Equal(["CN-GD/Guangzhou/Nansha", "CN-GD/Guangzhou/Nansha/Huangge"], await lead.Locator("tbody th").AllTextContentsAsync());
        // The week-by-week chart draws from the case events.
        await Assertions.Expect(lead.Locator("#trend canvas").First).ToBeVisibleAsync();
        await Assertions.Expect(lead.Locator("#map canvas").First).ToBeVisibleAsync();

        var inspector = await server.SignInAsync("ivy");
        await inspector.WaitForURLAsync("**/#/cases");
        await Assertions.Expect(inspector.Locator("h1")).ToHaveTextAsync("My cases");
        Assert.Equal(["meter D0FARM", "meter D1FARM"], (await inspector.Locator("tbody td a").AllTextContentsAsync()).Order());

        var auditor = await server.SignInAsync("aud");
        await auditor.WaitForURLAsync("**/#/evidence");
        await Assertions.Expect(auditor.Locator("h1")).ToHaveTextAsync("Evidence");
        Assert.StartsWith("minerwatch.local/evidence\n", await auditor.Locator("pre").First.TextContentAsync());
        await auditor.GetByRole(AriaRole.Button, new() { Name = "Verify the whole log" }).ClickAsync();
        await Assertions.Expect(auditor.GetByRole(AriaRole.Status)).ToHaveTextAsync("Valid: 6 entries");
    }

    /// <summary>
    /// The map draws the operator's outlines of the region's parts with the sites on top, and a click on a region
    /// drills down; where no outline is given (the root), the bundled countries carry the points. ECharts describes
    /// what it drew in the map's aria-label, which is what these assertions read.
    /// </summary>
    [Fact]
    public async Task The_campaign_map_draws_the_operators_outlines_and_the_sites_and_drills_down()
    {
        await using var server = await ConsoleServer.StartAsync();
        var lead = await server.SignInAsync("lee");
        var map = lead.Locator("#map");
        await Assertions.Expect(map).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("Huangge"));
        var described = await map.GetAttributeAsync("aria-label");
        Assert.Contains("D0FARM", described);
        Assert.Contains("D1FARM", described);
        // Another district's outline and site are not the lead's to see.
        Assert.DoesNotContain("Tianhe", described);
        Assert.DoesNotContain("D2FARM", described);

        var admin = await server.SignInAsync("ada");
        await admin.SetViewportSizeAsync(1280, 900);
        await admin.WaitForURLAsync("**/#/campaign");
        // The root has no outline of its own: Natural Earth's countries, China coloured, the three sites on it.
        var world = admin.Locator("#map");
        await Assertions.Expect(world).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("D2FARM"));
        Assert.Matches(@"\bCN\b", await world.GetAttributeAsync("aria-label"));
        await admin.GotoAsync($"{server.Url}/#/campaign?region=CN-GD%2FGuangzhou");
        await Assertions.Expect(admin.Locator("h1")).ToHaveTextAsync("Campaign: CN-GD/Guangzhou");
        await Assertions.Expect(world).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("Tianhe"));
        Assert.Contains("CN-GD/Guangzhou/Nansha", await world.GetAttributeAsync("aria-label"));
        // Tianhe is the upper right third of the outlines; a click there, away from its sites, opens Tianhe's campaign.
        var box = (await world.BoundingBoxAsync())!;
        var side = 0.8 * Math.Min(box.Width, box.Height);
        await admin.Mouse.ClickAsync((float)(box.X + box.Width / 2 + 0.4 * side), (float)(box.Y + box.Height / 2 - 0.2 * side));
        await Assertions.Expect(admin.Locator("h1")).ToHaveTextAsync("Campaign: CN-GD/Guangzhou/Tianhe");
    }

    [Fact]
    public async Task An_inspector_cannot_open_another_districts_case_by_editing_the_address()
    {
        await using var server = await ConsoleServer.StartAsync();
        var page = await server.SignInAsync("ivy");
        await page.WaitForURLAsync("**/#/cases");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("My cases");
        Assert.DoesNotContain("meter D2FARM", await page.Locator("tbody").TextContentAsync());
        await page.GotoAsync($"{server.Url}/#/cases/{server.CaseOf["D2FARM"]}");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Not found");
        await page.GotoAsync($"{server.Url}/#/cases/{server.CaseOf["D0FARM"]}");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("meter D0FARM");
    }

    [Fact]
    public async Task Only_the_moves_a_role_may_make_are_offered_and_an_inspection_with_a_photo_is_logged()
    {
        await using var server = await ConsoleServer.StartAsync();
        var lead = await server.SignInAsync("lee");
        await lead.GotoAsync($"{server.Url}/#/cases/{server.CaseOf["D0FARM"]}");
        await Assertions.Expect(lead.Locator("h1")).ToHaveTextAsync("meter D0FARM");
        Assert.Equal(["assigned", "inspected", "dismissed"], await lead.Locator("select[name=to] option").EvaluateAllAsync<string[]>("o => o.map(x => x.value)"));

        var inspector = await server.SignInAsync("ivy");
        await inspector.GotoAsync($"{server.Url}/#/cases/{server.CaseOf["D0FARM"]}");
        await Assertions.Expect(inspector.Locator("h1")).ToHaveTextAsync("meter D0FARM");
        Assert.Equal(["inspected"], await inspector.Locator("select[name=to] option").EvaluateAllAsync<string[]>("o => o.map(x => x.value)"));

        await inspector.GetByLabel("Attach a photo or document").SetInputFilesAsync(new FilePayload { Name = "bay-3.jpg", MimeType = "image/jpeg", Buffer = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3] });
        await inspector.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await Assertions.Expect(inspector.GetByRole(AriaRole.Link, new() { Name = "bay-3.jpg" })).ToBeVisibleAsync();
        await inspector.GetByLabel("Inspection report").FillAsync("12 machines behind the charging bays");
        await inspector.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Assertions.Expect(inspector.Locator("p.status")).ToContainTextAsync("inspected");
        var timeline = await inspector.Locator(".timeline li").AllTextContentsAsync();
        Assert.Equal(4, timeline.Count);
        Assert.Contains("attachment", timeline[2]);
        Assert.Contains("→ inspected", timeline[3]);
        Assert.All(timeline, line => Assert.Matches(@"Log entry #\d+ Check proof", line));
        // The inspector has no move left: confirming is a lead's.
        await Assertions.Expect(inspector.GetByText("No move is open to you.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_case_page_draws_the_daily_load_the_hour_of_day_heat_map_and_the_day_before_and_after_the_onset()
    {
        await using var server = await ConsoleServer.StartAsync();
        var page = await server.SignInAsync("ivy");
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync($"{server.Url}/#/cases/{server.CaseOf["D0FARM"]}");
        await Assertions.Expect(page.Locator("#daily canvas").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#heat canvas").First).ToBeVisibleAsync();
        Assert.Equal("Daily kW (drag to zoom a period)", await page.Locator("#daily .u-title").TextContentAsync());
        Assert.Contains("mean", await page.Locator("#daily .u-legend").TextContentAsync());
        // The farm adds 12 kW from day 30: the day's mean rises by that much across the onset.
        var beforeAfter = page.Locator("#before-after");
        await Assertions.Expect(beforeAfter).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("before and after the onset"));
        var title = System.Text.RegularExpressions.Regex.Match((await beforeAfter.GetAttributeAsync("aria-label"))!, @"onset: ([\d.]+) → ([\d.]+) kW");
        Assert.True(title.Success);
        Assert.Equal(12, double.Parse(title.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) - double.Parse(title.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 1);
        // 90 days of readings: one point a day.
        Assert.Equal(90, await page.EvaluateAsync<int>("fetch(location.pathname.replace(/\\/$/, '') + '/api/v1/cases/" + server.CaseOf["D0FARM"] + "/load').then(r => r.json()).then(l => l.mean_kw.length)"));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task An_events_proof_verifies_in_the_browser_and_a_tampered_entry_does_not()
    {
        await using var server = await ConsoleServer.StartAsync();
        var page = await server.SignInAsync("ivy");
        await page.GotoAsync($"{server.Url}/#/cases/{server.CaseOf["D0FARM"]}");
        var first = page.Locator(".timeline li").First;
        await first.GetByRole(AriaRole.Button, new() { Name = "Check proof" }).ClickAsync();
        await Assertions.Expect(first.Locator(".proof")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^✓ in the signed log: entry #\d+ / \d+$"));

        // The same check on altered bytes, run in the page with the console's own module.
        var verdict = await page.EvaluateAsync<string>(@"async () => {
            const { verify } = await import('/app/proof.js');
            const caseId = location.hash.split('/')[2];
            const events = await (await fetch(`/api/v1/cases/${caseId}/events`)).json();
            const base = `/api/v1/cases/${caseId}/events/${events[0].id}`;
            const entry = new Uint8Array(await (await fetch(`${base}/entry`)).arrayBuffer());
            const proof = await (await fetch(`${base}/proof`)).text();
            const key = await (await fetch('/api/v1/evidence/key')).text();
            entry[entry.length - 2] ^= 1;
            try { await verify(proof, entry, key); return 'verified'; } catch (e) { return e.message; }
        }");
        Assert.Equal("the entry and its path do not lead to the checkpoint's root", verdict);
    }

    [Fact]
    public async Task A_lead_adds_an_inspector_and_a_key_in_their_region_and_sees_the_key_once()
    {
        await using var server = await ConsoleServer.StartAsync();
        var lead = await server.SignInAsync("lee");
        await lead.GotoAsync($"{server.Url}/#/admin");
        await Assertions.Expect(lead.Locator("h1")).ToHaveTextAsync("Administration");
        // A lead cannot make admins: the role is not offered.
        var role = lead.Locator("select[name=role]");
        await Assertions.Expect(role.Locator("option")).ToHaveCountAsync(3);
        Assert.Equal(["inspector", "lead", "auditor"], await role.Locator("option").AllTextContentsAsync());
        await lead.GetByLabel("User name").FillAsync("ken");
        await lead.Locator("input[name=region]").FillAsync("CN-GD/Guangzhou/Nansha/Huangge");
        await lead.GetByLabel("Password").FillAsync("a long enough password");
        await lead.GetByRole(AriaRole.Button, new() { Name = "Add" }).First.ClickAsync();
        await Assertions.Expect(lead.GetByRole(AriaRole.Cell, new() { Name = "ken", Exact = true })).ToBeVisibleAsync();
        await lead.GetByLabel("Key name").FillAsync("huangge-mdm");
        await lead.GetByRole(AriaRole.Button, new() { Name = "Add" }).Last.ClickAsync();
        await Assertions.Expect(lead.Locator("pre.secret")).ToContainTextAsync("mwk_");
        var key = (await lead.Locator("pre.secret").TextContentAsync())!.Split('\n')[^1];
        using (var machine = new HttpClient { BaseAddress = new Uri(server.Url) })
        {
            machine.DefaultRequestHeaders.Authorization = new("Bearer", key);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await machine.GetAsync("/api/v1/auth/me", TestContext.Current.CancellationToken)).StatusCode);
            // Read again, the page lists the key (never its value) with a way to revoke it.
            await lead.ReloadAsync();
            await Assertions.Expect(lead.Locator("h1")).ToHaveTextAsync("Administration");
            Assert.Empty(await lead.Locator("pre.secret").TextContentAsync() ?? "");
            await lead.GetByRole(AriaRole.Button, new() { Name = "Revoke huangge-mdm" }).ClickAsync();
            await Assertions.Expect(lead.GetByRole(AriaRole.Button, new() { Name = "Revoke huangge-mdm" })).ToHaveCountAsync(0);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await machine.GetAsync("/api/v1/auth/me", TestContext.Current.CancellationToken)).StatusCode);
        }
        // A region outside the lead's is refused by the server, and the console says why.
        await lead.GetByLabel("User name").FillAsync("tom");
        await lead.Locator("input[name=region]").FillAsync("CN-GD/Guangzhou/Tianhe");
        await lead.GetByLabel("Password").FillAsync("a long enough password");
        await lead.GetByRole(AriaRole.Button, new() { Name = "Add" }).First.ClickAsync();
        await Assertions.Expect(lead.GetByRole(AriaRole.Status).First).ToContainTextAsync("you may add people only inside your region");
    }

    [Fact]
    public async Task A_lead_moves_a_person_to_another_district_and_unlocks_a_locked_out_one()
    {
        await using var server = await ConsoleServer.StartAsync();
        var ivy = await server.SignInAsync("ivy");
        var lead = await server.SignInAsync("lee");
        await lead.GotoAsync($"{server.Url}/#/admin");
        await lead.GetByLabel("Region ivy").FillAsync("CN-GD/Guangzhou/Nansha/Huangge");
        await lead.GetByRole(AriaRole.Button, new() { Name = "Save ivy" }).ClickAsync();
        await Assertions.Expect(lead.GetByLabel("Region ivy")).ToHaveValueAsync("CN-GD/Guangzhou/Nansha/Huangge");
        // The lead's own grant is not theirs to change.
        await Assertions.Expect(lead.GetByLabel("Region lee")).ToHaveCountAsync(0);
        // Ivy's open page loses its session: the next step asks her to sign in again.
        await ivy.ReloadAsync();
        await Assertions.Expect(ivy.Locator("h1")).ToHaveTextAsync("Sign in");

        using (var anon = new HttpClient { BaseAddress = new Uri(server.Url) })
        {
            for (var i = 0; i < 5; i++)
                await anon.PostAsync("/api/v1/auth/login", new StringContent("{\"user_name\":\"aud\",\"password\":\"wrong\"}", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        }
        await lead.ReloadAsync();
        await lead.GetByRole(AriaRole.Button, new() { Name = "Unlock aud" }).ClickAsync();
        await Assertions.Expect(lead.GetByRole(AriaRole.Button, new() { Name = "Unlock aud" })).ToHaveCountAsync(0);
        var auditor = await server.SignInAsync("aud");
        await Assertions.Expect(auditor.Locator("h1")).ToHaveTextAsync("Evidence");
    }

    [Fact]
    public async Task The_case_list_filters_by_assignee_and_exports_every_selected_case()
    {
        await using var server = await ConsoleServer.StartAsync();
        var lead = await server.SignInAsync("lee");
        await lead.GotoAsync($"{server.Url}/#/cases");
        await lead.GetByLabel("Assignee").SelectOptionAsync(new SelectOptionValue { Label = "ivy" });
        await lead.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(lead.Locator("tbody tr")).ToHaveCountAsync(2);
        Assert.Contains("assignee=", lead.Url);
        var download = await lead.RunAndWaitForDownloadAsync(() => lead.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!, TestContext.Current.CancellationToken);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("case,subject_kind,subject_id,region,status,score,", lines[0]);
        Assert.Equal(["D0FARM", "D1FARM"], lines.Skip(1).Select(l => l.Split(',')[2]).Order());
        Assert.All(lines.Skip(1), l => Assert.Equal("ivy", l.Split(',')[8]));
    }

    [Fact]
    public async Task A_lead_adds_a_sites_address_and_the_case_shows_the_pool_traffic_of_its_hosts()
    {
        await using var server = await ConsoleServer.StartAsync();
        await server.UploadCaptureAsync(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../MinerWatch.Network.Tests/Captures/ndpi-mining.pcapng")));
        var lead = await server.SignInAsync("lee");
        await lead.GotoAsync($"{server.Url}/#/cases/{server.CaseOf["D0FARM"]}");
        await Assertions.Expect(lead.GetByText("The address book holds no address for this site yet")).ToBeVisibleAsync();
        await lead.GetByLabel("Add an address or prefix").FillAsync("192.168.2.0/24");
        await lead.GetByLabel("Note").FillAsync("shop router");
        await lead.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await Assertions.Expect(lead.Locator("#network")).ToContainTextAsync("192.168.2.148");
        Assert.Contains("192.168.2.0/24 (shop router)", await lead.Locator("section.card", new() { Has = lead.Locator("#network") }).TextContentAsync());
        // The assigned inspector sees it too, without the form to change the book.
        var inspector = await server.SignInAsync("ivy");
        await inspector.GotoAsync($"{server.Url}/#/cases/{server.CaseOf["D0FARM"]}");
        await Assertions.Expect(inspector.Locator("#network")).ToContainTextAsync("192.168.2.148");
        await Assertions.Expect(inspector.GetByLabel("Add an address or prefix")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_persons_language_follows_them_to_another_browser()
    {
        await using var server = await ConsoleServer.StartAsync();
        var lead = await server.SignInAsync("lee");
        await lead.GetByLabel("Language").SelectOptionAsync("zh-CN");
        await Assertions.Expect(lead.Locator("h1")).ToHaveTextAsync("专项整治: CN-GD/Guangzhou/Nansha");
        var elsewhere = await server.SignInAsync("lee", locale: "en-US");
        await Assertions.Expect(elsewhere.Locator("h1")).ToHaveTextAsync("专项整治: CN-GD/Guangzhou/Nansha");
        Assert.Equal("zh-CN", await elsewhere.EvaluateAsync<string>("document.documentElement.lang"));
    }

    [Fact]
    public async Task The_console_speaks_the_browsers_chinese()
    {
        await using var server = await ConsoleServer.StartAsync();
        var page = await server.SignInAsync("ivy", locale: "zh-CN");
        await page.WaitForURLAsync("**/#/cases");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("我的案件");
        Assert.Equal("zh-CN", await page.EvaluateAsync<string>("document.documentElement.lang"));
        Assert.Contains("已分派", await page.Locator("tbody").TextContentAsync());
    }
}

public class ScreenshotTests
{
    private static readonly string Docs = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../docs/screenshots"));

    /// <summary>
    /// The main pages as a lead, an inspector and in Chinese, each drawn without a script error. With
    /// MINERWATCH_UPDATE_SCREENSHOTS=1 they are written to docs/screenshots for the README's tour.
    /// </summary>
    [Fact]
    public async Task The_main_pages_draw_without_script_errors()
    {
        await using var server = await ConsoleServer.StartAsync();
        var errors = new List<string>();
        var shots = new List<(IPage Page, string Name)>();
        var lead = await server.SignInAsync("lee");
        lead.PageError += (_, e) => errors.Add(e);
        await lead.SetViewportSizeAsync(1280, 720);
        await lead.WaitForURLAsync("**/#/campaign");
        shots.Add((lead, "campaign"));
        var caseId = server.CaseOf["D0FARM"];
        var inspector = await server.SignInAsync("ivy", locale: "zh-CN");
        inspector.PageError += (_, e) => errors.Add(e);
        await inspector.SetViewportSizeAsync(390, 844);
        await inspector.WaitForURLAsync("**/#/cases");
        shots.Add((inspector, "cases-zh-phone"));
        var casePage = await server.SignInAsync("lee");
        casePage.PageError += (_, e) => errors.Add(e);
        await casePage.SetViewportSizeAsync(1280, 1000);
        await casePage.GotoAsync($"{server.Url}/#/cases/{caseId}");
        await Assertions.Expect(casePage.Locator("h1")).ToHaveTextAsync("meter D0FARM");
        shots.Add((casePage, "case"));
        var write = Environment.GetEnvironmentVariable("MINERWATCH_UPDATE_SCREENSHOTS") == "1";
        if (write) Directory.CreateDirectory(Docs);
        foreach (var (page, name) in shots)
        {
            var png = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
            Assert.True(png.Length > 5000, $"{name} drew almost nothing");
            if (write) await File.WriteAllBytesAsync(Path.Combine(Docs, name + ".png"), png, TestContext.Current.CancellationToken);
        }
        Assert.Empty(errors);
    }
}

public class AccessibilityTests
{
    private static readonly string Axe = Path.Combine(AppContext.BaseDirectory, "Axe", "axe.min.js");

    /// <summary>axe-core's rules, run in each page: no serious or critical violation anywhere.</summary>
    [Fact]
    public async Task Every_page_passes_axe_without_serious_or_critical_violations()
    {
        await using var server = await ConsoleServer.StartAsync();
        var found = new List<string>();
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var signIn = await context.NewPageAsync();
        await signIn.GotoAsync(server.Url + "/");
        await Assertions.Expect(signIn.Locator("h1")).ToHaveTextAsync("Sign in");
        await CheckAsync(signIn, "sign-in");

        var lead = await server.SignInAsync("lee", injectScripts: true);
        await Assertions.Expect(lead.Locator("h1")).ToHaveTextAsync("Campaign: CN-GD/Guangzhou/Nansha");
        await CheckAsync(lead, "campaign");
        await lead.GotoAsync($"{server.Url}/#/cases");
        await Assertions.Expect(lead.Locator("h1")).ToHaveTextAsync("Cases");
        await CheckAsync(lead, "cases");
        await lead.GotoAsync($"{server.Url}/#/cases/{server.CaseOf["D0FARM"]}");
        await Assertions.Expect(lead.Locator("#daily canvas").First).ToBeVisibleAsync();
        await CheckAsync(lead, "case");
        await lead.GotoAsync($"{server.Url}/#/evidence");
        await Assertions.Expect(lead.Locator("h1")).ToHaveTextAsync("Evidence");
        await CheckAsync(lead, "evidence");
        await lead.GotoAsync($"{server.Url}/#/admin");
        await Assertions.Expect(lead.Locator("h1")).ToHaveTextAsync("Administration");
        await CheckAsync(lead, "administration");
        await lead.GotoAsync($"{server.Url}/#/nowhere");
        await Assertions.Expect(lead.Locator("h1")).ToHaveTextAsync("Not found");
        await CheckAsync(lead, "not found");
        Assert.Empty(found);

        // The check itself works: an image without a text alternative is a critical violation.
        await lead.EvaluateAsync("document.getElementById('page').append(document.createElement('img'))");
        await CheckAsync(lead, "control");
        Assert.Equal(["control: image-alt (critical): img"], found);

        async Task CheckAsync(IPage page, string name)
        {
            await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = Axe });
            var violations = await page.EvaluateAsync<string[]>(@"async () => {
                const result = await axe.run(document, { resultTypes: ['violations'] });
                return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')}`);
            }");
            found.AddRange(violations.Select(v => $"{name}: {v}"));
        }
    }
}

public class AssetTests
{
    [Fact]
    public async Task Console_files_are_versioned_cached_for_a_year_and_compressed_and_api_answers_are_not_compressed()
    {
        await using var server = await ConsoleServer.StartAsync();
        using var client = new HttpClient(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.None });
        var page = await client.GetStringAsync(server.Url + "/", TestContext.Current.CancellationToken);
        var charts = System.Text.RegularExpressions.Regex.Match(page, "\"(/vendor/echarts/echarts.esm.min.js\\?v=[0-9a-f]{12})\"").Groups[1].Value;
        Assert.NotEmpty(charts);
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Url + charts);
        request.Headers.AcceptEncoding.ParseAdd("br, gzip");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        Assert.Contains(response.Content.Headers.ContentEncoding.Single(), new[] { "br", "gzip" });
        Assert.True((await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length < 500_000);
        using var api = new HttpRequestMessage(HttpMethod.Get, server.Url + "/api/v1/auth/me");
        api.Headers.AcceptEncoding.ParseAdd("br, gzip");
        using var answer = await client.SendAsync(api, TestContext.Current.CancellationToken);
        Assert.Empty(answer.Content.Headers.ContentEncoding);
    }
}
