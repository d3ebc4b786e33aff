using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MinerWatch.Persistence;

/// <summary>Chooses the provider from a connection string: PostgreSQL for <c>Host=...</c>, SQLite otherwise.</summary>
public static class Database
{
    public static bool IsPostgres(string connection) =>
        connection.Contains("Host=", StringComparison.OrdinalIgnoreCase) || connection.Contains("Server=", StringComparison.OrdinalIgnoreCase);

    public static string SqliteIn(string dataDir) => $"Data Source={Path.Combine(dataDir, "minerwatch.db")}";

    public static void Configure(DbContextOptionsBuilder options, string connection)
    {
        if (IsPostgres(connection)) options.UseNpgsql(connection);
        else options.UseSqlite(connection);
    }

    /// <summary>Creates or upgrades the schema; SQLite is switched to write-ahead logging so readers do not wait for writers.</summary>
    public static async Task MigrateAsync(MinerWatchDb db, CancellationToken cancel)
    {
        await db.Database.MigrateAsync(cancel);
        if (db.Database.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancel);
    }
}

/// <summary>For `dotnet ef migrations add`: the model on SQLite (the migrations themselves name no store types).</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<MinerWatchDb>
{
    public MinerWatchDb CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<MinerWatchDb>();
        Database.Configure(options, Environment.GetEnvironmentVariable("MINERWATCH_DESIGN_DB") ?? "Data Source=design.db");
        return new MinerWatchDb(options.Options);
    }
}
