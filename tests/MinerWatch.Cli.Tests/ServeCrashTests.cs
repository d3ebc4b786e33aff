using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MinerWatch.Evidence.Log;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Scan;

namespace MinerWatch.Cli.Tests;

/// <summary>
/// `minerwatch serve` killed with SIGKILL at random points of its ingest, again and again: after each restart every
/// acknowledged delivery is applied exactly once, and the end state equals one scan of all the data.
/// </summary>
public class ServeCrashTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;
    private static readonly string[] Districts = ["CN-GD/Guangzhou/Nansha", "CN-GD/Guangzhou/Tianhe", "CN-GD/Foshan/Shunde"];

    private static IEnumerable<(string Id, string Region, Func<int, int, double> Kw)> Meters()
    {
        for (var d = 0; d < Districts.Length; d++)
        {
            for (var k = 0; k < 40; k++)
            {
                var seed = d * 100 + k;
                yield return ($"M{d}{k:D2}", Districts[d], (day, hour) => Home(day, hour, seed));
            }
            var district = d;
            yield return ($"FARM{d}", Districts[d], (day, hour) => Home(day, hour, 900 + district) + (day >= 25 + 5 * district ? 15 : 0));
        }
    }

    private static double Home(int day, int hour, int seed) =>
        0.3 + 0.05 * (seed % 5) + (hour is >= 18 and <= 22 ? 1.3 : hour is >= 7 and <= 8 ? 0.7 : hour <= 5 ? 0 : 0.35) + Math.Abs(0.1 * Math.Sin(day * 12.9898 + hour * 78.233 + seed * 3.7));

    private static string Readings(int from, int to)
    {
        var sb = new StringBuilder("meter_id,timestamp,kwh\n");
        foreach (var (id, _, kw) in Meters())
            for (var d = from; d < to; d++)
                for (var h = 0; h < 24; h++)
                    sb.Append(CultureInfo.InvariantCulture, $"{id},{new DateOnly(2025, 3, 1).AddDays(d):yyyy-MM-dd}T{h:D2}:00:00+08:00,{kw(d, h).ToString("0.####", CultureInfo.InvariantCulture)}\n");
        return sb.ToString();
    }

    private static string Sites() => "meter_id,customer_class,region,feeder_id,contracted_kw\n" + string.Concat(Meters().Select(m => $"{m.Id},residential,{m.Region},F1,30\n"));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_server_killed_at_random_points_of_ingest_loses_no_acknowledged_delivery_and_applies_none_twice(bool postgres)
    {
        string[] db = postgres ? ["--db", MinerWatch.Tests.Requires.Postgres().TrimEnd(';') + $";Database=mw_crash_{Guid.NewGuid():N}"] : [];
        var dir = Path.Combine(Path.GetTempPath(), "minerwatch-crash", Guid.NewGuid().ToString("N"));
        var data = Path.Combine(dir, "data");
        Directory.CreateDirectory(dir);
        var passwordFile = Path.Combine(dir, "pw");
        await File.WriteAllTextAsync(passwordFile, "a long enough password\n", Cancel);
        var add = RunCli(["users", "add", "--data", data, .. db, "--name", "ada", "--role", "admin", "--password-file", passwordFile]);
        Assert.Equal(0, add);

        var deliveries = new List<MultipartFormDataContent> { Form(("sites", "sites.csv", Sites()), ("readings", "history.csv", Readings(0, 40))) };
        for (var day = 40; day < 52; day++) deliveries.Add(Form(("readings", $"day-{day}.csv", Readings(day, day + 1))));
        var random = new Random(20261207);
        var acknowledged = new List<string>();
        var kills = 0;
        Process? server = null;
        try
        {
            for (var k = 0; k < deliveries.Count; k++)
            {
                server ??= await StartAsync(data, db);
                var client = await SignInAsync(server);
                var response = await client.PostAsync("/api/v1/meter-data", deliveries[k], Cancel);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                var job = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetString()!;
                acknowledged.Add(job);
                // Kill once the job runs, at once after the answer, or after a random wait, in turn.
                switch (k % 3)
                {
                    case 0:
                        while ((await client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{job}", Cancel)).GetProperty("status").GetString() == "queued") await Task.Delay(5, Cancel);
                        break;
                    case 1:
                        break;
                    default:
                        await Task.Delay(random.Next(0, 400), Cancel);
                        break;
                }
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync(Cancel);
                server.Dispose();
                server = null;
                kills++;
            }
            server = await StartAsync(data, db);
            var admin = await SignInAsync(server);
            var attempts = 0;
            foreach (var id in acknowledged)
            {
                JsonElement job;
                do
                {
                    job = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{id}", Cancel);
                    if (job.GetProperty("status").GetString() is "queued" or "running") await Task.Delay(100, Cancel);
                }
                while (job.GetProperty("status").GetString() is "queued" or "running");
                Assert.Equal("completed", job.GetProperty("status").GetString());
                attempts += job.GetProperty("attempts").GetInt32();
            }
            // Some kills came while a job ran: it ran again from the state before it, and still counted once.
            Assert.True(attempts > acknowledged.Count, $"no job was interrupted ({attempts} attempts for {acknowledged.Count} jobs)");
            var jobs = await admin.GetFromJsonAsync<JsonElement>("/api/v1/jobs?limit=100", Cancel);
            Assert.Equal(acknowledged.Order(), jobs.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetString()!).Order());

            // The end state is one scan of everything.
            await File.WriteAllTextAsync(Path.Combine(dir, "sites.csv"), Sites(), Cancel);
            await File.WriteAllTextAsync(Path.Combine(dir, "all.csv"), Readings(0, 52), Cancel);
            var full = GridScan.Run(new ScanRequest { Readings = Path.Combine(dir, "all.csv"), Sites = Path.Combine(dir, "sites.csv") }, RowPolicy.Strict);
            var meters = await admin.GetFromJsonAsync<JsonElement>("/api/v1/meters?limit=500", Cancel);
            Assert.Equal(full.Meters.Select(m => (m.MeterId, m.Score, m.Rank)),
                meters.GetProperty("items").EnumerateArray().Select(m => (m.GetProperty("meter_id").GetString()!, m.GetProperty("score").GetDouble(), m.GetProperty("rank").GetInt32())));
            Assert.Equal(["FARM0", "FARM1", "FARM2"], full.Meters.Where(m => m.Verdict == "suspect").Select(m => m.MeterId).Order());

            // Each farm has one case, opened once, and the evidence log holds each event once.
            var cases = await admin.GetFromJsonAsync<JsonElement>("/api/v1/cases", Cancel);
            Assert.Equal(["FARM0", "FARM1", "FARM2"], cases.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("subject_id").GetString()!).Order());
            var logged = new List<long>();
            foreach (var c in cases.GetProperty("items").EnumerateArray())
            {
                var events = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{c.GetProperty("id").GetString()}/events", Cancel);
                Assert.Single(events.EnumerateArray(), e => e.GetProperty("kind").GetString() == "opened");
                logged.AddRange(events.EnumerateArray().Select(e => e.GetProperty("log_index").GetInt64()));
            }
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(Cancel);
            var audit = EvidenceLog.Verify(Path.Combine(data, "evidence"));
            Assert.True(audit.Valid, string.Join("; ", audit.Problems));
            Assert.Equal(logged.Count, logged.Distinct().Count());
            // Besides the case events, each acknowledged delivery is sealed once.
            Assert.Equal(audit.Size, logged.Count + acknowledged.Count);
            Assert.Equal(deliveries.Count, kills);
        }
        finally
        {
            if (server is { HasExited: false }) server.Kill(entireProcessTree: true);
            Directory.Delete(dir, recursive: true);
            if (postgres)
            {
                var builder = new Npgsql.NpgsqlConnectionStringBuilder(db[1]);
                var name = builder.Database;
                builder.Database = "postgres";
                await using var connection = new Npgsql.NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(Cancel);
                await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync(Cancel);
            }
        }
    }

    private static MultipartFormDataContent Form(params (string Role, string Name, string Content)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (role, name, content) in files) form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(content)), role, name);
        return form;
    }

    private static int RunCli(string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, "minerwatch.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.WaitForExit(60_000);
        return process.ExitCode;
    }

    private static async Task<Process> StartAsync(string data, string[] db)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var url = $"http://127.0.0.1:{port}";
        var process = Process.Start(new ProcessStartInfo("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, "minerwatch.dll"), "serve", "--data", data, .. db, "--urls", url])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probeClient = new HttpClient();
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await probeClient.GetAsync($"{url}/healthz", Cancel)).IsSuccessStatusCode)
                {
                    Urls[process.Id] = url;
                    return process;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100, Cancel);
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException("the server did not start");
    }

    private static readonly Dictionary<int, string> Urls = [];

    private static async Task<HttpClient> SignInAsync(Process server)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(Urls[server.Id]) };
        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { user_name = "ada", password = "a long enough password" }, Cancel);
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/auth/me", Cancel);
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", me.GetProperty("antiforgery_token").GetString());
        return client;
    }
}
