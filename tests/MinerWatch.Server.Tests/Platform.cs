using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;

using Microsoft.Extensions.DependencyInjection;
using MinerWatch.Persistence;
using MinerWatch.Server.Apis;
using MinerWatch.Tests;

namespace MinerWatch.Server.Tests;

public enum Backend
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A whole server in the test process (WebApplicationFactory over the real Program), with its own data directory and
/// database: SQLite in the directory, or a fresh database on the PostgreSQL server the environment names.
/// </summary>
internal sealed class Platform : WebApplicationFactory<Program>
{
    public const string Password = "correct horse battery";
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, PropertyNameCaseInsensitive = true };
    private readonly string? _db;
    private readonly Dictionary<string, string> _settings;

    public Platform(Backend backend, params (string Key, string Value)[] settings)
    {
        DataDir = Path.Combine(Path.GetTempPath(), "minerwatch-server-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDir);
        if (backend == Backend.Postgres) _db = Requires.Postgres().TrimEnd(';') + $";Database=mw_test_{Guid.NewGuid():N}";
        _settings = settings.ToDictionary(s => s.Key, s => s.Value);
    }

    public string DataDir { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("data", DataDir);
        if (_db is not null) builder.UseSetting("db", _db);
        builder.UseSetting("logins-per-minute", "1000");
        builder.UseSetting("uploads-per-minute", "1000");
        foreach (var (k, v) in _settings) builder.UseSetting(k, v);
    }

    public async Task<User> AddUserAsync(string name, string role, string region)
    {
        _ = Server;
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        return await Accounts.AddUserAsync(users, name, role, region, Password, null, DateTime.UtcNow);
    }

    public async Task<string> AddKeyAsync(string name, string region)
    {
        _ = Server;
        using var scope = Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<MinerWatchDb>();
        var (key, _) = await Accounts.AddKeyAsync(db, name, "ingest", region, null, DateTime.UtcNow, CancellationToken.None);
        return key;
    }

    /// <summary>A client signed in as <paramref name="name"/>, sending the antiforgery token with every request.</summary>
    public async Task<HttpClient> SignInAsync(string name)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { user_name = name, password = Password }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/auth/me", TestContext.Current.CancellationToken);
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", me.GetProperty("antiforgery_token").GetString());
        return client;
    }

    public HttpClient KeyClient(string key)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static MultipartFormDataContent Files(params (string Role, string Name, string Content)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (role, name, content) in files)
        {
            var part = new ByteArrayContent(Encoding.UTF8.GetBytes(content));
            part.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            form.Add(part, role, name);
        }
        return form;
    }

    /// <summary>Posts a delivery and waits until its job has finished; returns the finished job.</summary>
    public static async Task<JsonElement> DeliverAsync(HttpClient client, MultipartFormDataContent form, HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        var response = await client.PostAsync("/api/v1/meter-data", form, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {body}");
        var job = JsonDocument.Parse(body).RootElement;
        return await WaitAsync(client, job.GetProperty("id").GetString()!);
    }

    public static async Task<JsonElement> WaitAsync(HttpClient client, string jobId)
    {
        for (var i = 0; i < 1200; i++)
        {
            var job = await client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{jobId}", TestContext.Current.CancellationToken);
            if (job.GetProperty("status").GetString() is "completed" or "failed") return job;
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException($"job {jobId} did not finish");
    }

    public override async ValueTask DisposeAsync()
    {
        if (_db is not null)
        {
            using var scope = Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<MinerWatchDb>().Database.EnsureDeletedAsync();
        }
        await base.DisposeAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing server; the temporary directory is cleared with the machine.
        }
    }
}

/// <summary>A small region as files: homes in three districts of one city, a farm in each, daily readings.</summary>
internal static class Region
{
    public const string City = "CN-GD/Guangzhou";
    public static readonly string[] Districts = ["CN-GD/Guangzhou/Nansha", "CN-GD/Guangzhou/Nansha/Huangge", "CN-GD/Guangzhou/Tianhe"];
    public static readonly DateOnly Start = new(2025, 1, 1);

    public static IEnumerable<(string Id, string Region, Func<int, int, double> Kw)> Meters()
    {
        foreach (var (region, d) in Districts.Select((r, i) => (r, i)))
        {
            for (var k = 0; k < 8; k++)
            {
                var seed = d * 10 + k;
                yield return ($"D{d}H{k}", region, (day, hour) => Home(day, hour, seed));
            }
            yield return ($"D{d}FARM", region, (day, hour) => Home(day, hour, 90 + d) + (day >= 30 ? 12 : 0));
        }
    }

    public static string Sites() => "meter_id,customer_class,region,feeder_id,contracted_kw,name,latitude,longitude\n"
        + string.Concat(Meters().Select((m, i) => $"{m.Id},residential,{m.Region},F{i % 3},25,{m.Id} home,23.{i:D2},113.{i:D2}\n"));

    public static string Readings(int from, int to, Func<string, bool>? which = null)
    {
        var sb = new StringBuilder("meter_id,timestamp,kwh\n");
        foreach (var (id, _, kw) in Meters().Where(m => which?.Invoke(m.Id) ?? true))
            for (var d = from; d < to; d++)
                for (var h = 0; h < 24; h++)
                    sb.Append(id).Append(',').Append(Start.AddDays(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                        .Append($"T{h:D2}:00:00+08:00,").Append(kw(d, h).ToString("0.####", CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }

    private static double Home(int day, int hour, int seed)
    {
        var noise = 0.1 * Math.Sin(day * 12.9898 + hour * 78.233 + seed * 3.7);
        var peak = hour is >= 7 and <= 8 ? 0.8 : hour is >= 18 and <= 22 ? 1.4 : hour is >= 0 and <= 5 ? 0 : 0.4;
        return 0.25 + peak + Math.Abs(noise) + 0.05 * (seed % 4);
    }
}
