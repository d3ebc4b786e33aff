namespace MinerWatch.Grid.Input;

/// <summary>One metered site as the utility's customer records describe it.</summary>
public sealed record Site(
    string MeterId,
    CustomerClass Class,
    string Region,
    string FeederId,
    double ContractedKw,
    string? Name = null,
    double? Latitude = null,
    double? Longitude = null);
