using System.CommandLine;
using Microsoft.Extensions.Hosting;
using MinerWatch.Server;
using MinerWatch.Simulation;

namespace MinerWatch.Cli;

/// <summary>`minerwatch serve`, and `users add` / `keys add` against the same data directory and database.</summary>
public static class ServeCommand
{
    private static Option<DirectoryInfo> Data() => new("--data") { Description = "The server's data directory: uploads, grid state, attachments, evidence log and the SQLite database", DefaultValueFactory = _ => new DirectoryInfo("minerwatch-data") };
    private static Option<string?> Db() => new("--db") { Description = "A PostgreSQL connection string (Host=...;Database=...;Username=...); default: SQLite in the data directory" };

    public static Command Create(CliConsole console)
    {
        var data = Data();
        var db = Db();
        var urls = new Option<string>("--urls") { Description = "Where to listen", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var watch = new Option<DirectoryInfo?>("--watch") { Description = "A folder a meter-data system drops daily exports into (readings; sites*, activity*, feeders* by name)" };
        var maxUpload = new Option<long>("--max-upload-mb") { Description = "The largest upload accepted, in MiB", DefaultValueFactory = _ => MinerWatch.Server.ServerOptions.DefaultMaxUploadBytes >> 20 };
        maxUpload.Validators.Add(r => { if (r.GetValueOrDefault<long>() is < 1 or > 1 << 20) r.AddError("--max-upload-mb must be between 1 and 1048576"); });
        var outlines = new Option<DirectoryInfo?>("--outlines") { Description = "A folder of GeoJSON region outlines for the campaign map (each feature's properties.region names its region path); default: Natural Earth's countries" };
        var demo = new Option<bool>("--demo") { Description = "Start on a fresh data directory with a simulated province, its data ingested and scored, and one user of each role (passwords printed)" };
        var meters = new Option<int>("--demo-meters") { Description = "Meters per city in the demo (three cities)", DefaultValueFactory = _ => 1000 };
        meters.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 50 or > 100_000) r.AddError("--demo-meters must be between 50 and 100000"); });
        var serve = new Command("serve", "Run the inspection platform: continuous monitoring, cases per region, roles, sealed evidence (API under /api/v1)") { data, db, urls, watch, maxUpload, outlines, demo, meters };
        serve.SetAction(async (parse, cancel) =>
        {
            var dir = parse.GetRequiredValue(data).FullName;
            if (parse.GetValue(demo))
            {
                if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
                    throw new UsageException($"--demo starts on a fresh data directory, and {dir} is not empty: give another --data");
            }
            string[] args = ["--data", dir, "--urls", parse.GetRequiredValue(urls), "--max-upload-bytes", (parse.GetValue(maxUpload) << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)];
            if (parse.GetValue(db) is { } connection) args = [.. args, "--db", connection];
            if (parse.GetValue(watch) is { } folder) args = [.. args, "--watch", folder.FullName];
            var province = parse.GetValue(demo) ? SimulateDemo(dir, parse.GetValue(meters), console) : null;
            if ((parse.GetValue(outlines)?.FullName ?? (province is null ? null : Path.GetDirectoryName(province.Outlines))) is { } shapes)
                args = [.. args, "--outlines", shapes];
            await using var app = Admin(() => ServerHost.Create(args));
            if (province is not null) await SeedDemoAsync(app, province, console, cancel);
            else await app.StartAsync(cancel);
            console.Error.WriteLine($"MinerWatch is serving {dir} on {parse.GetRequiredValue(urls)} (API under /api/v1, OpenAPI at /openapi/v1.json); Ctrl+C stops it");
            await app.WaitForShutdownAsync(cancel);
            return Cli.Ok;
        });
        return serve;
    }

    private static ProvinceFiles SimulateDemo(string dir, int meters, CliConsole console)
    {
        var input = Path.Combine(dir, "demo-input");
        // The three cities share one district layout; shifted apart, they sit roughly where the real cities do.
        SimulatedCity[] cities = [new("CN-GD/Guangzhou", "GZ"), new("CN-GD/Shenzhen", "SZ", -0.6, 0.85), new("CN-GD/Foshan", "FS", -0.1, -0.75)];
        var options = new SimulationOptions { Meters = meters, Days = 120, MiningShare = 0.03, Seed = 7 };
        return Progress.Run(console, "Simulating the province", p => ProvinceSimulator.Write(cities, options, dailyDays: 7, input, new Progress<double>(p)));
    }

    private static async Task SeedDemoAsync(Microsoft.AspNetCore.Builder.WebApplication app, ProvinceFiles files, CliConsole console, CancellationToken cancel)
    {
        await app.StartAsync(cancel);
        var people = new (string Name, string Role, string Region)[]
        {
            ("admin", "admin", ""), ("lead", "lead", "CN-GD"), ("inspector", "inspector", "CN-GD/Guangzhou"), ("auditor", "auditor", "CN-GD"),
        };
        console.Out.WriteLine($"demo: {files.Meters:N0} meters in 3 cities of CN-GD, {files.MiningMeters} of them mining, 120 days; the last 7 delivered day by day");
        foreach (var (name, role, region) in people)
            console.Out.WriteLine($"  user {name,-9} role {role,-9} region {(region.Length == 0 ? "(all)" : region),-16} password {await ServerHost.AddUserAsync(app, name, role, region, null)}");
        await ServerHost.QueueMeterDataAsync(app, "CN-GD", [("sites", files.Sites), ("activity", files.Activity), ("feeders", files.Feeders), ("readings", files.History)], cancel);
        foreach (var day in files.Days) await ServerHost.QueueMeterDataAsync(app, "CN-GD", [("readings", day)], cancel);
        console.Out.WriteLine($"  {1 + files.Days.Count} deliveries queued: cases open as they are scored (GET /api/v1/jobs shows progress)");
    }

    public static Command Users(CliConsole console)
    {
        var data = Data();
        var db = Db();
        var name = new Option<string>("--name") { Description = "The user name to sign in with", Required = true };
        var role = new Option<string>("--role") { Description = "admin, lead, inspector or auditor", Required = true };
        role.AcceptOnlyFromAmong("admin", "lead", "inspector", "auditor");
        var region = new Option<string>("--region") { Description = "The region subtree the role covers (e.g. CN-GD/Guangzhou); empty for everything", DefaultValueFactory = _ => "" };
        var passwordFile = CommonOptions.ExistingFile("--password-file", "Read the password from this file's first line (default: generate one and print it)", required: false);
        var add = new Command("add", "Add a person who signs in to the server") { data, db, name, role, region, passwordFile };
        add.SetAction(async (parse, cancel) =>
        {
            await using var app = ServerHost.Create(Args(parse, data, db));
            await ServerHost.MigrateAsync(app, cancel);
            var given = parse.GetValue(passwordFile) is { } file ? (await File.ReadAllLinesAsync(file.FullName, cancel)).FirstOrDefault() ?? "" : null;
            var password = await Admin(() => ServerHost.AddUserAsync(app, parse.GetRequiredValue(name), parse.GetRequiredValue(role), parse.GetRequiredValue(region), given));
            console.Out.WriteLine(given is null ? $"added {parse.GetRequiredValue(name)}; password (shown once): {password}" : $"added {parse.GetRequiredValue(name)}");
            return Cli.Ok;
        });
        return new Command("users", "People who use the server") { add };
    }

    public static Command Keys(CliConsole console)
    {
        var data = Data();
        var db = Db();
        var name = new Option<string>("--name") { Description = "What the key is for (e.g. the meter-data system's name)", Required = true };
        var role = new Option<string>("--role") { Description = "The key's role: ingest (upload data only)", DefaultValueFactory = _ => "ingest" };
        role.AcceptOnlyFromAmong("ingest");
        var region = new Option<string>("--region") { Description = "The region subtree the key may upload for", DefaultValueFactory = _ => "" };
        var add = new Command("add", "Add an API key for a machine; prints it once (only its hash is kept)") { data, db, name, role, region };
        add.SetAction(async (parse, cancel) =>
        {
            await using var app = ServerHost.Create(Args(parse, data, db));
            await ServerHost.MigrateAsync(app, cancel);
            var key = await Admin(() => ServerHost.AddKeyAsync(app, parse.GetRequiredValue(name), parse.GetRequiredValue(region), cancel));
            console.Out.WriteLine(key);
            console.Error.WriteLine("the key is shown once: send it as 'Authorization: Bearer KEY'");
            return Cli.Ok;
        });
        return new Command("keys", "Machines' API keys") { add };
    }

    private static string[] Args(ParseResult parse, Option<DirectoryInfo> data, Option<string?> db)
    {
        string[] args = ["--data", parse.GetRequiredValue(data).FullName];
        return parse.GetValue(db) is { } connection ? [.. args, "--db", connection] : args;
    }

    private static T Admin<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (InvalidDataException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static async Task<T> Admin<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (ApiProblem e)
        {
            throw new UsageException(e.Detail ?? e.Title);
        }
    }
}
