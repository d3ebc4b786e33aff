using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using MinerWatch.Persistence;
using MinerWatch.Server.Apis;
using MinerWatch.Server.Ingest;

namespace MinerWatch.Server;

/// <summary>What the command line needs of the server: build it, prepare its database, add people and keys, queue files.</summary>
public static class ServerHost
{
    /// <summary>The server as configured by <c>--data --db --urls --watch</c> (and any ASP.NET Core setting).</summary>
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        ServerApp.AddServices(builder);
        var app = builder.Build();
        ServerApp.MapEndpoints(app);
        return app;
    }

    public static async Task MigrateAsync(WebApplication app, CancellationToken cancel)
    {
        using var scope = app.Services.CreateScope();
        await Database.MigrateAsync(scope.ServiceProvider.GetRequiredService<MinerWatchDb>(), cancel);
    }

    /// <summary>Adds a person; returns the password (generated when none is given).</summary>
    public static async Task<string> AddUserAsync(WebApplication app, string name, string role, string region, string? password)
    {
        password ??= NewPassword();
        using var scope = app.Services.CreateScope();
        await Accounts.AddUserAsync(scope.ServiceProvider.GetRequiredService<UserManager<User>>(), name, role, region, password, null, app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
        return password;
    }

    /// <summary>Adds an ingest key; returns the key, which is not stored (only its hash is).</summary>
    public static async Task<string> AddKeyAsync(WebApplication app, string name, string region, CancellationToken cancel)
    {
        using var scope = app.Services.CreateScope();
        var (key, _) = await Accounts.AddKeyAsync(scope.ServiceProvider.GetRequiredService<MinerWatchDb>(), name, "ingest", region, null, app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime, cancel);
        return key;
    }

    /// <summary>Queues a meter-data delivery of files on this machine, as an upload would.</summary>
    public static async Task<string> QueueMeterDataAsync(WebApplication app, string region, IEnumerable<(string Role, string Path)> files, CancellationToken cancel)
    {
        var (job, _) = await JobIntake.FromLocalFilesAsync(app.Services, "meter-data", region, "demo", files, cancel);
        return job.Id;
    }

    /// <summary>16 letters and digits without look-alikes (about 80 bits).</summary>
    private static string NewPassword() => RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyz23456789", 16);
}
