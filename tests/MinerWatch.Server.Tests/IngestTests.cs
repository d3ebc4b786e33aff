using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Scan;

namespace MinerWatch.Server.Tests;

public class IngestTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Daily_deliveries_score_exactly_as_one_scan_of_all_days_and_open_each_case_once(Backend backend)
    {
        await using var platform = new Platform(backend);
        await platform.AddUserAsync("ada", "admin", "");
        var admin = await platform.SignInAsync("ada");

        var first = await Platform.DeliverAsync(admin, Platform.Files(("sites", "sites.csv", Region.Sites()), ("readings", "days-0-44.csv", Region.Readings(0, 45))));
        Assert.Equal("completed", first.GetProperty("status").GetString());
        Assert.Equal(0, first.GetProperty("bad_row_count").GetInt64());
        Assert.Equal(27 * 45 * 24, first.GetProperty("rows_read").GetInt64());
        Assert.Equal(3, first.GetProperty("cases_opened").GetInt32());
        for (var day = 45; day < 60; day++)
        {
            var job = await Platform.DeliverAsync(admin, Platform.Files(("readings", $"day-{day}.csv", Region.Readings(day, day + 1))));
            Assert.Equal("completed", job.GetProperty("status").GetString());
            Assert.Equal(0, job.GetProperty("cases_opened").GetInt32());
        }

        var dir = Path.Combine(platform.DataDir, "reference");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "sites.csv"), Region.Sites(), Cancel);
        await File.WriteAllTextAsync(Path.Combine(dir, "readings.csv"), Region.Readings(0, 60), Cancel);
        var full = GridScan.Run(new ScanRequest { Readings = Path.Combine(dir, "readings.csv"), Sites = Path.Combine(dir, "sites.csv") }, RowPolicy.Strict);
        var meters = await admin.GetFromJsonAsync<JsonElement>("/api/v1/meters?limit=500", Cancel);
        var served = meters.GetProperty("items").EnumerateArray()
            .Select(m => (m.GetProperty("meter_id").GetString()!, m.GetProperty("score").GetDouble(), m.GetProperty("rank").GetInt32(), m.GetProperty("verdict").GetString()!)).ToList();
        Assert.Equal(full.Meters.Select(m => (m.MeterId, m.Score, m.Rank, m.Verdict)).ToList(), served);
        Assert.Equal(["D0FARM", "D1FARM", "D2FARM"], full.Meters.Where(m => m.Verdict == "suspect").Select(m => m.MeterId).Order());

        var cases = await admin.GetFromJsonAsync<JsonElement>("/api/v1/cases", Cancel);
        Assert.Equal(["D0FARM", "D1FARM", "D2FARM"], cases.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("subject_id").GetString()).Order());
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task The_same_delivery_twice_is_one_job_and_changes_nothing(Backend backend)
    {
        await using var platform = new Platform(backend);
        await platform.AddUserAsync("ada", "admin", "");
        var admin = await platform.SignInAsync("ada");
        var job = await Platform.DeliverAsync(admin, Platform.Files(("sites", "sites.csv", Region.Sites()), ("readings", "r.csv", Region.Readings(0, 40))));
        var again = await admin.PostAsync("/api/v1/meter-data", Platform.Files(("sites", "sites.csv", Region.Sites()), ("readings", "copy.csv", Region.Readings(0, 40))), Cancel);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var repeat = await again.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(job.GetProperty("id").GetString(), repeat.GetProperty("id").GetString());
        Assert.True(repeat.GetProperty("duplicate").GetBoolean());
        var jobs = await admin.GetFromJsonAsync<JsonElement>("/api/v1/jobs", Cancel);
        Assert.Single(jobs.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Bad_rows_are_reported_with_file_line_and_reason_as_the_cli_does(Backend backend)
    {
        await using var platform = new Platform(backend);
        await platform.AddUserAsync("ada", "admin", "");
        var admin = await platform.SignInAsync("ada");
        var readings = Region.Readings(0, 30).Split('\n').ToList();
        readings.Insert(5, "D0H0,2025-01-01T99:00:00+08:00,1.0");
        readings.Insert(9, "NOBODY,2025-01-02T00:00:00+08:00,1.0");
        var job = await Platform.DeliverAsync(admin, Platform.Files(("sites", "sites.csv", Region.Sites()), ("readings", "january.csv", string.Join('\n', readings))));
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(2, job.GetProperty("bad_row_count").GetInt64());
        var bad = job.GetProperty("bad_rows").EnumerateArray().ToList();
        Assert.Equal("january.csv", bad[0].GetProperty("file").GetString());
        Assert.Equal(6, bad[0].GetProperty("line").GetInt64());
        Assert.StartsWith("bad timestamp '2025-01-01T99:00:00+08:00': time of day is out of range", bad[0].GetProperty("reason").GetString());
        Assert.Equal(10, bad[1].GetProperty("line").GetInt64());
        Assert.Equal("meter NOBODY is not in the sites file (add it there, or scan with --lenient to set its rows aside)", bad[1].GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task A_malformed_sites_file_is_refused_at_once_naming_file_and_line_and_nothing_is_kept(Backend backend)
    {
        await using var platform = new Platform(backend);
        await platform.AddUserAsync("ada", "admin", "");
        var admin = await platform.SignInAsync("ada");
        var sites = Region.Sites().Replace("D0H3,residential", "D0H3,spaceship");
        var response = await admin.PostAsync("/api/v1/meter-data", Platform.Files(("sites", "sites.csv", sites), ("readings", "r.csv", Region.Readings(0, 20))), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("sites.csv", problem.GetProperty("file").GetString());
        Assert.Equal(5, problem.GetProperty("line").GetInt64());
        Assert.Contains("spaceship", problem.GetProperty("detail").GetString());
        var jobs = await admin.GetFromJsonAsync<JsonElement>("/api/v1/jobs", Cancel);
        Assert.Empty(jobs.GetProperty("items").EnumerateArray());
        Assert.False(Directory.Exists(Path.Combine(platform.DataDir, "jobs")) && Directory.EnumerateFileSystemEntries(Path.Combine(platform.DataDir, "jobs")).Any());
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task An_ingest_key_updates_only_its_region(Backend backend)
    {
        await using var platform = new Platform(backend);
        await platform.AddUserAsync("ada", "admin", "");
        var admin = await platform.SignInAsync("ada");
        await Platform.DeliverAsync(admin, Platform.Files(("sites", "sites.csv", Region.Sites()), ("readings", "r.csv", Region.Readings(0, 20))));
        var key = platform.KeyClient(await platform.AddKeyAsync("nansha-mdm", "CN-GD/Guangzhou/Nansha"));

        var job = await Platform.DeliverAsync(key, Platform.Files(("readings", "day20.csv", Region.Readings(20, 21, id => id is "D0H1" or "D2H1"))));
        Assert.Equal(1 * 24, job.GetProperty("bad_row_count").GetInt64());
        Assert.Equal("meter D2H1 is outside the region this delivery may update", job.GetProperty("bad_rows")[0].GetProperty("reason").GetString());

        var sites = await key.PostAsync("/api/v1/meter-data", Platform.Files(("sites", "sites.csv", Region.Sites())), Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, sites.StatusCode);
        Assert.Contains("site D2H0 is in region CN-GD/Guangzhou/Tianhe, outside the region CN-GD/Guangzhou/Nansha", await sites.Content.ReadAsStringAsync(Cancel));
        // A key reads no cases, and posts to no other endpoint.
        Assert.Equal(HttpStatusCode.Forbidden, (await key.GetAsync("/api/v1/cases", Cancel)).StatusCode);
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_refused_with_413()
    {
        await using var platform = new Platform(Backend.Sqlite, ("max-upload-bytes", "20000"));
        await platform.AddUserAsync("ada", "admin", "");
        var admin = await platform.SignInAsync("ada");
        var response = await admin.PostAsync("/api/v1/meter-data", Platform.Files(("readings", "big.csv", Region.Readings(0, 10))), Cancel);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        // An error answer keeps the security headers.
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }
}

public class WatchedFolderTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Files_dropped_in_the_watched_folder_are_delivered_together_once_settled_and_moved_aside()
    {
        var watch = Path.Combine(Path.GetTempPath(), "minerwatch-watch", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(watch);
        await using var platform = new Platform(Backend.Sqlite, ("watch", watch));
        await platform.AddUserAsync("ada", "admin", "");
        var admin = await platform.SignInAsync("ada");
        await File.WriteAllTextAsync(Path.Combine(watch, "readings-2025-02-14.csv"), Region.Readings(0, 45), Cancel);
        await File.WriteAllTextAsync(Path.Combine(watch, "sites.csv"), Region.Sites(), Cancel);
        JsonElement job = default;
        for (var i = 0; i < 300; i++)
        {
            var jobs = await admin.GetFromJsonAsync<JsonElement>("/api/v1/jobs", Cancel);
            var items = jobs.GetProperty("items").EnumerateArray().ToList();
            if (items.Count == 1 && items[0].GetProperty("status").GetString() is "completed" or "failed")
            {
                job = items[0];
                break;
            }
            await Task.Delay(100, Cancel);
        }
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(["readings-2025-02-14.csv", "sites.csv"], job.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()).Order());
        Assert.Equal(3, job.GetProperty("cases_opened").GetInt32());
        Assert.Empty(Directory.GetFiles(watch));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(watch, "accepted")).Length);
        Directory.Delete(watch, recursive: true);
    }
}
