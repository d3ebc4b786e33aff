using MinerWatch.Energy.Catalog;
using MinerWatch.Energy.Emissions;

namespace MinerWatch.Grid.Scan;

/// <summary>
/// The reference data and the clock a grid scan's estimates use, given to the scanner rather than read from statics,
/// so a server can load an operator's catalog or surcharges and a test can fix the date.
/// </summary>
public sealed record GridReference(MinerCatalog Catalog, EmissionFactors Emissions, MiningSurcharges Surcharges, TimeProvider Clock)
{
    /// <summary>The data bundled with MinerWatch and the system clock.</summary>
    public static GridReference Bundled { get; } = new(MinerCatalog.Bundled, EmissionFactors.Bundled, MiningSurcharges.Bundled, TimeProvider.System);
}
