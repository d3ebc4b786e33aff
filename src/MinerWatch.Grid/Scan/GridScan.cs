using MinerWatch.Grid.Input;

namespace MinerWatch.Grid.Scan;

public enum ReadingsLayout
{
    /// <summary><c>meter_id,timestamp,kwh</c>, CSV or Parquet.</summary>
    Long,
    /// <summary>State Grid (SGCC) wide layout: <c>CONS_NO,FLAG,&lt;one column per day&gt;</c>.</summary>
    Sgcc,
}

public sealed record ScanRequest
{
    public required string Readings { get; init; }
    public string? Sites { get; init; }
    public string? Activity { get; init; }
    public string? Feeders { get; init; }
    public ReadingsLayout Layout { get; init; } = ReadingsLayout.Long;
    public ScanCosts Costs { get; init; } = new();
}

/// <summary>
/// What the suspects' cost estimates use: the normal tariff for back-billing (none by default), the mining surcharge
/// (by default the bundled provincial rate for the site's region, where one was in force), the currency of both, and
/// an emission factor overriding the bundled one for the site's region.
/// </summary>
public sealed record ScanCosts
{
    public double? TariffPerKwh { get; init; }
    public double? SurchargePerKwh { get; init; }
    public string Currency { get; init; } = "CNY";
    public double? GramsPerKwh { get; init; }
}

/// <summary>Runs a whole scan from files: reads (streaming), builds profiles, detects, scores.</summary>
public static class GridScan
{
    public const string UnknownMeter = "meter {0} is not in the sites file (add it there, or scan with --lenient to set its rows aside)";
    public const string UnknownFeeder = "feeder {0} is not the feeder_id of any site in the sites file";

    /// <param name="progress">Receives the share of the readings read, 0 to 1.</param>
    public static ScanResult Run(ScanRequest request, RowPolicy policy, Action<double>? progress = null)
    {
        if (request.Layout == ReadingsLayout.Long && request.Sites is null)
            throw new InputException(request.Readings, 0, "a sites file is required with the long layout (--sites)");
        var sites = request.Sites is null ? null : SitesReader.Read(request.Sites, policy);
        var scanner = new GridScanner(sites) { Costs = request.Costs };
        if (request.Layout == ReadingsLayout.Sgcc)
            SgccReader.Read(request.Readings, scanner.Meters, policy, b => scanner.AddReadings(b, policy), progress);
        else
            ReadTable(request.Readings, "meter_id", scanner.Meters, UnknownMeter, policy, b => scanner.AddReadings(b, policy), progress);
        var days = scanner.CheckPlausible(policy);
        // Nothing to judge is bad input: a header without rows, or rows all set aside, must not read as a clean region.
        if (scanner.Readings == 0)
        {
            throw new InputException(request.Readings, 0, policy.RejectedCount == 0
                ? "no readings to judge: the file has no data rows (is it the right file, or a failed export?)"
                : $"no readings to judge: all {policy.RejectedCount} rows read were bad and set aside (see the rejected rows)");
        }
        if (request.Activity is not null) scanner.AddActivity(ActivityReader.Read(request.Activity, scanner.Meters, policy, days));
        if (request.Feeders is not null)
        {
            ReadTable(request.Feeders, "feeder_id", scanner.Feeders, UnknownFeeder, policy, b => scanner.AddFeederReadings(b, policy), null);
            scanner.CheckFeeders(policy, days);
        }
        string?[] tables = [request.Layout == ReadingsLayout.Long ? request.Readings : null, request.Feeders];
        var notes = tables.OfType<string>().Where(t => IsParquet(t) && ReadingsParquetReader.HasPageChecksums(t) == false)
            .Select(t => $"{t}: the Parquet file has no page checksums, so a damaged page cannot be told from data (write it with page checksums enabled)")
            .ToArray();
        return scanner.Finish(policy.RejectedCount, days) with { Notes = notes };
    }

    /// <summary>Reads an interval table from CSV or, by its extension, Parquet.</summary>
    public static long ReadTable(string path, string idColumn, IdRegistry ids, string? unknownReason, RowPolicy policy,
        Action<ReadingBatch> onBatch, Action<double>? progress)
    {
        if (!File.Exists(path)) throw new InputException(path, 0, "file not found");
        return IsParquet(path)
            ? ReadingsParquetReader.Read(path, idColumn, ids, unknownReason, policy, onBatch, progress)
            : ReadingsCsvReader.Read(path, idColumn, ids, unknownReason, policy, onBatch, progress);
    }

    public static bool IsParquet(string path) => path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".parq", StringComparison.OrdinalIgnoreCase);
}
