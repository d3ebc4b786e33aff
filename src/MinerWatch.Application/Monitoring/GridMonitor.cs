using System.IO.Compression;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Scan;

namespace MinerWatch.Application.Monitoring;

/// <summary>A meter-data delivery: readings files (a day's or a history), and the latest activity and feeder files.</summary>
public sealed record GridDelivery
{
    public IReadOnlyList<string> Readings { get; init; } = [];
    public ReadingsLayout Layout { get; init; } = ReadingsLayout.Long;
    /// <summary>Declared activity (the latest full file the utility has); null for none.</summary>
    public string? Activity { get; init; }
    /// <summary>Feeder head-meter readings (the latest full file); null for none.</summary>
    public string? Feeders { get; init; }
}

/// <summary>
/// Continuous monitoring of meter data: each delivery is added to the meters' saved state (never re-reading earlier
/// deliveries) and every meter is judged again, with the same results as one scan of all deliveries together.
/// States are files written whole and renamed into place, named by the caller, so a crash leaves the previous
/// state untouched and the caller decides which state is current.
/// </summary>
public static class GridMonitor
{
    /// <param name="stateIn">The state after the previous delivery; null for the first.</param>
    /// <param name="stateOut">Where the state after this delivery is written (it must not exist yet).</param>
    /// <param name="accepts">Which sites this delivery may update (the uploader's region); others' rows are bad rows.</param>
    /// <returns>The judgement of every meter; how many of this delivery's rows were read, and how many of those taken.</returns>
    public static (ScanResult Result, long RowsRead, long ReadingsAdded) Apply(string? stateIn, string stateOut, IReadOnlyList<Site> sites, GridDelivery delivery, RowPolicy policy,
        Func<Site, bool>? accepts, GridReference reference, ScanCosts costs, Action<double>? progress = null, CancellationToken cancel = default,
        Action<GridScanner, ScanResult>? judged = null)
    {
        GridScanner scanner;
        if (stateIn is null) scanner = new GridScanner(sites) { Reference = reference, Costs = costs };
        else
        {
            using var file = File.OpenRead(stateIn);
            using var unzip = new ZLibStream(file, CompressionMode.Decompress);
            using var buffered = new BufferedStream(unzip, 1 << 20);
            scanner = GridScanner.Restore(buffered, sites, reference, costs);
        }
        var before = scanner.Readings;
        if (accepts is not null) scanner.Accepts = i => scanner.SiteOf(i) is { } s && accepts(s);
        for (var k = 0; k < delivery.Readings.Count; k++)
        {
            cancel.ThrowIfCancellationRequested();
            var share = 1.0 / delivery.Readings.Count;
            var done = k * share;
            GridScan.AddReadings(scanner, delivery.Readings[k], delivery.Layout, policy, p => progress?.Invoke(0.8 * (done + p * share)));
        }
        scanner.Accepts = null;
        var added = scanner.Readings - before;
        var rows = added + policy.RejectedCount;
        Save(scanner, stateOut);
        progress?.Invoke(0.85);
        var request = new ScanRequest
        {
            Readings = delivery.Readings.Count > 0 ? delivery.Readings[^1] : stateIn ?? "(no readings)",
            Activity = delivery.Activity,
            Feeders = delivery.Feeders,
            Layout = delivery.Layout,
            Costs = costs,
        };
        var result = GridScan.Complete(scanner, request, policy);
        judged?.Invoke(scanner, result);
        progress?.Invoke(1);
        return (result, rows, added);
    }

    private static void Save(GridScanner scanner, string path)
    {
        var partial = path + ".partial";
        using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            using (var zip = new ZLibStream(file, CompressionLevel.Fastest, leaveOpen: true))
            using (var buffered = new BufferedStream(zip, 1 << 20))
                scanner.Save(buffered);
            // On disk before it is named: the caller records it as current only after this returns.
            file.Flush(flushToDisk: true);
        }
        File.Move(partial, path);
    }
}
