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

/// <summary>
/// Runs a whole scan from files in its stages: sites, then readings into each meter's running state (which can be
/// saved and restored between deliveries), then what needs all readings (plausibility, declared activity, feeders),
/// group statistics, detectors and score.
/// </summary>
public static class GridScan
{
    public const string UnknownMeter = "meter {0} is not in the sites file (add it there, or scan with --lenient to set its rows aside)";
    public const string UnknownFeeder = "feeder {0} is not the feeder_id of any site in the sites file";

    /// <param name="progress">Receives the share of the readings read, 0 to 1.</param>
    public static ScanResult Run(ScanRequest request, RowPolicy policy, Action<double>? progress = null, GridReference? reference = null)
    {
        var sites = ReadSites(request, policy);
        var scanner = new GridScanner(sites) { Costs = request.Costs, Reference = reference ?? GridReference.Bundled };
        AddReadings(scanner, request.Readings, request.Layout, policy, progress);
        return Complete(scanner, request, policy);
    }

    /// <summary>Stage 1: the sites file, required with the long layout.</summary>
    public static IReadOnlyList<Site>? ReadSites(ScanRequest request, RowPolicy policy)
    {
        if (request.Layout == ReadingsLayout.Long && request.Sites is null)
            throw new InputException(request.Readings, 0, "a sites file is required with the long layout (--sites)");
        return request.Sites is null ? null : SitesReader.Read(request.Sites, policy);
    }

    /// <summary>Stage 2: one readings file (a day's delivery or a whole history) into the meters' running state.</summary>
    public static void AddReadings(GridScanner scanner, string readings, ReadingsLayout layout, RowPolicy policy, Action<double>? progress = null)
    {
        if (layout == ReadingsLayout.Sgcc)
            SgccReader.Read(readings, scanner.Meters, policy, b => scanner.AddReadings(b, policy), progress);
        else
            ReadTable(readings, "meter_id", scanner.Meters, UnknownMeter, policy, b => scanner.AddReadings(b, policy), progress);
    }

    /// <summary>
    /// Stage 3 on: sets implausible readings aside, reads declared activity and feeder head meters, and judges every
    /// meter. Changes the scanner's state (readings set aside): save it before, not after.
    /// </summary>
    public static ScanResult Complete(GridScanner scanner, ScanRequest request, RowPolicy policy)
    {
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
