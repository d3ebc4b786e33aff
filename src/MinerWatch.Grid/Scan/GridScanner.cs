using MinerWatch.Energy.Emissions;
using MinerWatch.Energy.Site;
using MinerWatch.Grid.Detection;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Profiles;

namespace MinerWatch.Grid.Scan;

/// <summary>
/// Holds the running state of a scan (one <see cref="MeterSeries"/> per meter and per feeder head meter) and turns
/// it into ranked findings on demand. Readings arrive in column batches in any order, from a file or a live feed;
/// memory grows with meters and days, never with readings. Not thread-safe while readings are being added.
/// </summary>
public sealed class GridScanner
{
    private readonly List<Site?> _sites;
    private readonly List<MeterSeries> _meters = [];
    private readonly List<MeterSeries> _feeders = [];
    private readonly Dictionary<int, List<DeclaredDay>> _activity = [];
    // Each meter's largest and second largest reading, and where the largest was read, to test it once all are in.
    private readonly List<Extremes> _largest = [];
    // Readings per local day over every year a timestamp may have, and the first line of each day, to find stray dates.
    private readonly long[] _dayCount = new long[(int)(LastDay - FirstDay + 1)];
    private readonly long[] _dayLine = new long[(int)(LastDay - FirstDay + 1)];
    private string _readingsFile = "";
    private static readonly long FirstDay = IsoTimestamp.DaysFromCivil(IsoTimestamp.MinYear, 1, 1);
    private static readonly long LastDay = IsoTimestamp.DaysFromCivil(IsoTimestamp.MaxYear + 1, 1, 1);

    /// <summary>
    /// Days with a valid reading that a meter needs before it is judged: the load-shape, change-point and peer
    /// detectors need two weeks (a weekly cycle twice) to tell a steady load from a few quiet days.
    /// </summary>
    public const int MinDaysToJudge = 14;
    public const string NoReadings = "no readings";
    public const string TooLittleData = "too little data";

    /// <param name="sites">The sites file's rows; null when there is none (all meters form one peer group).</param>
    public GridScanner(IReadOnlyList<Site>? sites)
    {
        Meters = new IdRegistry(growable: sites is null);
        Feeders = new IdRegistry(growable: false);
        _sites = [];
        if (sites is null) return;
        foreach (var site in sites)
        {
            Meters.TryAdd(site.MeterId, out _);
            _sites.Add(site);
            _meters.Add(new MeterSeries());
            if (site.FeederId.Length > 0) Feeders.TryAdd(site.FeederId, out _);
        }
        for (var i = 0; i < Feeders.Count; i++) _feeders.Add(new MeterSeries());
    }

    public IdRegistry Meters { get; }
    /// <summary>The site of meter <paramref name="index"/>; null without a sites file.</summary>
    public Site? SiteOf(int index) => index < _sites.Count ? _sites[index] : null;
    public IdRegistry Feeders { get; }
    /// <summary>Prices and factors for the suspects' cost estimates.</summary>
    public ScanCosts Costs { get; init; } = new();
    /// <summary>The miner catalog, emission factors, surcharges and clock the estimates use.</summary>
    public GridReference Reference { get; init; } = GridReference.Bundled;
    public long Readings { get; private set; }
    public long FeederReadings { get; private set; }
    public IReadOnlyDictionary<int, List<DeclaredDay>> Activity => _activity;

    /// <summary>
    /// When set, only meters it accepts may be read (an uploader's region): another meter's rows go to the row policy
    /// with <see cref="OutOfScopeReason"/> (its id in place of {0}) and change nothing.
    /// </summary>
    public Func<int, bool>? Accepts { get; set; }
    public string OutOfScopeReason { get; set; } = "meter {0} is outside the region this delivery may update";

    /// <summary>Adds meter readings; duplicates of an interval already read go to <paramref name="policy"/>.</summary>
    public void AddReadings(ReadingBatch batch, RowPolicy policy)
    {
        Grow();
        if (Accepts is { } accepts) KeepAccepted(batch, accepts, policy);
        if (batch.Count > 0) _readingsFile = batch.File;
        for (var i = 0; i < batch.Count; i++)
        {
            _largest[batch.Entity[i]].Add(batch, i);
            var day = MeterSeries.FloorDiv(batch.LocalMinutes[i], 1440) - FirstDay;
            if ((ulong)day >= (ulong)_dayCount.Length) continue;
            if (_dayCount[day]++ == 0) _dayLine[day] = batch.Line[i];
        }
        Readings += Add(batch, _meters, Meters, "meter", policy);
    }

    public void AddFeederReadings(ReadingBatch batch, RowPolicy policy)
    {
        while (_feeders.Count < Feeders.Count) _feeders.Add(new MeterSeries());
        while (_feederExtremes.Count < _feeders.Count) _feederExtremes.Add(new Extremes());
        for (var i = 0; i < batch.Count; i++) _feederExtremes[batch.Entity[i]].Add(batch, i);
        FeederReadings += Add(batch, _feeders, Feeders, "feeder", policy);
    }

    private void KeepAccepted(ReadingBatch batch, Func<int, bool> accepts, RowPolicy policy)
    {
        var kept = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (!accepts(batch.Entity[i]))
            {
                policy.Reject(batch.File, batch.Line[i], string.Format(System.Globalization.CultureInfo.InvariantCulture, OutOfScopeReason, Meters[batch.Entity[i]]), "");
                continue;
            }
            if (kept != i)
            {
                batch.Entity[kept] = batch.Entity[i];
                batch.LocalMinutes[kept] = batch.LocalMinutes[i];
                batch.OffsetMinutes[kept] = batch.OffsetMinutes[i];
                batch.Kwh[kept] = batch.Kwh[i];
                batch.Line[kept] = batch.Line[i];
            }
            kept++;
        }
        batch.Count = kept;
    }

    /// <summary>A series' largest and next-largest reading and its earliest and latest, with where each was read.</summary>
    private sealed class Extremes
    {
        public double Kwh = double.NegativeInfinity, Next = double.NegativeInfinity;
        public long KwhAt, KwhLine, FirstLine, LastLine;
        public long First = long.MaxValue, Last = long.MinValue;
        public string File = "";

        public void Add(ReadingBatch batch, int i)
        {
            var v = batch.Kwh[i];
            var at = batch.LocalMinutes[i];
            if (v > Next)
            {
                if (v > Kwh) (Kwh, Next, KwhAt, KwhLine, File) = (v, Kwh, at, batch.Line[i], batch.File);
                else Next = v;
            }
            if (at < First) (First, FirstLine) = (at, batch.Line[i]);
            if (at > Last) (Last, LastLine) = (at, batch.Line[i]);
        }

        /// <summary>
        /// Without a contract, a series' own data set the scale: even if every reading were as large as its next
        /// largest, all of them together would not reach the largest.
        /// </summary>
        public bool BeyondAllAtNext(long readings) => readings >= 2 && Kwh > Math.Max(Next, 0) * readings;

        public void Save(BinaryWriter w)
        {
            w.Write(Kwh); w.Write(Next); w.Write(KwhAt); w.Write(KwhLine); w.Write(FirstLine); w.Write(LastLine);
            w.Write(First); w.Write(Last); w.Write(File);
        }

        public static Extremes Load(BinaryReader r) => new()
        {
            Kwh = r.ReadDouble(),
            Next = r.ReadDouble(),
            KwhAt = r.ReadInt64(),
            KwhLine = r.ReadInt64(),
            FirstLine = r.ReadInt64(),
            LastLine = r.ReadInt64(),
            First = r.ReadInt64(),
            Last = r.ReadInt64(),
            File = r.ReadString(),
        };
    }

    private readonly List<Extremes> _feederExtremes = [];

    /// <summary>
    /// The feeders' head meters by the meters' rules: a reading no larger than all the feeder's readings at its next
    /// largest could hold, and readings on the meters' days or near them (a date as far from the meters' data as the
    /// data is long is a typo). The extreme reading on each side is the one tested.
    /// </summary>
    public void CheckFeeders(RowPolicy policy, (long From, long To) days)
    {
        for (var f = 0; f < _feederExtremes.Count && f < _feeders.Count; f++)
        {
            var x = _feederExtremes[f];
            var series = _feeders[f];
            if (series.Readings == 0) continue;
            if (x.BeyondAllAtNext(series.Readings))
            {
                policy.Reject(x.File, x.KwhLine, $"kwh {x.Kwh:G6} of feeder {Feeders[f]} is more than all its {series.Readings} readings together could hold at its next largest ({x.Next:G6}): a typo or a unit error?", "");
                series.DropDayOf(x.KwhAt);
                FeederReadings--;
            }
            foreach (var (at, line, after) in new[] { (x.Last, x.LastLine, true), (x.First, x.FirstLine, false) })
            {
                var day = MeterSeries.FloorDiv(at, 1440);
                if (after != day > days.To || MeterDays.Stray(day, days) is not { } stray) continue;
                policy.Reject(x.File, line, $"a reading of feeder {Feeders[f]} dated {IsoTimestamp.ToDate(day):yyyy-MM-dd}, {stray}", "");
                series.DropDayOf(at);
                FeederReadings--;
            }
        }
    }

    public void AddActivity(Dictionary<int, List<DeclaredDay>> activity)
    {
        foreach (var (meter, days) in activity)
        {
            if (!_activity.TryGetValue(meter, out var list)) _activity[meter] = list = [];
            list.AddRange(days);
        }
    }

    private static long Add(ReadingBatch batch, List<MeterSeries> series, IdRegistry ids, string what, RowPolicy policy)
    {
        var n = batch.Count;
        return MeterSeries.AddBatch(series, batch.Entity.AsSpan(0, n), batch.LocalMinutes.AsSpan(0, n), batch.OffsetMinutes.AsSpan(0, n), batch.Kwh.AsSpan(0, n), i =>
        {
            var time = IsoTimestamp.Format(new MeterTime(batch.LocalMinutes[i], batch.OffsetMinutes[i]));
            policy.Reject(batch.File, batch.Line[i], $"duplicate interval: {what} {ids[batch.Entity[i]]} already has a reading for {time}", "");
        });
    }

    private const string SnapshotMagic = "MinerWatch grid state 1";

    /// <summary>
    /// Saves the meters' readings as read so far (series, largest readings, readings per day), so that a later delivery
    /// can be added to <see cref="Restore"/>d state without reading the earlier ones again, with the same results as one
    /// scan of all of them. Saves what <see cref="AddReadings"/> built: call it before <see cref="CheckPlausible"/>,
    /// which sets readings aside. Feeder readings and declared activity are not saved: they are read with each scan.
    /// </summary>
    public void Save(Stream stream)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(SnapshotMagic);
        w.Write(Readings);
        w.Write(_readingsFile);
        w.Write(Meters.Count);
        for (var i = 0; i < Meters.Count; i++)
        {
            w.Write(Meters[i]);
            var hasSeries = i < _meters.Count && _meters[i].Readings > 0;
            w.Write(hasSeries);
            if (!hasSeries) continue;
            _meters[i].Save(w);
            _largest[i].Save(w);
        }
        var days = 0;
        foreach (var c in _dayCount) if (c > 0) days++;
        w.Write(days);
        for (var d = 0; d < _dayCount.Length; d++)
        {
            if (_dayCount[d] == 0) continue;
            w.Write(d);
            w.Write(_dayCount[d]);
            w.Write(_dayLine[d]);
        }
    }

    /// <summary>A scanner holding the state <see cref="Save"/> wrote, for the given sites (the latest sites file).</summary>
    /// <exception cref="InvalidDataException">The state is damaged, or names a meter the sites no longer list.</exception>
    public static GridScanner Restore(Stream stream, IReadOnlyList<Site>? sites, GridReference? reference = null, ScanCosts? costs = null)
    {
        var scanner = new GridScanner(sites) { Reference = reference ?? GridReference.Bundled, Costs = costs ?? new() };
        try
        {
            using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            if (r.ReadString() != SnapshotMagic) throw new InvalidDataException("not a MinerWatch grid state");
            scanner.Readings = r.ReadInt64();
            scanner._readingsFile = r.ReadString();
            var count = r.ReadInt32();
            for (var k = 0; k < count; k++)
            {
                var id = r.ReadString();
                if (!scanner.Meters.TryGetIndex(id, out var i))
                {
                    if (!scanner.Meters.Growable) throw new InvalidDataException($"the saved state holds meter {id}, which the sites file no longer lists");
                    scanner.Meters.TryAdd(id, out i);
                }
                scanner.Grow();
                if (!r.ReadBoolean()) continue;
                scanner._meters[i] = MeterSeries.Load(r);
                scanner._largest[i] = Extremes.Load(r);
            }
            var days = r.ReadInt32();
            for (var k = 0; k < days; k++)
            {
                var d = r.ReadInt32();
                if ((uint)d >= (uint)scanner._dayCount.Length) throw new InvalidDataException("the saved state has a day out of range");
                scanner._dayCount[d] = r.ReadInt64();
                scanner._dayLine[d] = r.ReadInt64();
            }
            if (stream.ReadByte() != -1) throw new InvalidDataException("the saved state has bytes after its end");
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("the saved state is cut short");
        }
        return scanner;
    }

    private void Grow()
    {
        while (_meters.Count < Meters.Count)
        {
            _meters.Add(new MeterSeries());
            _sites.Add(null);
        }
        while (_largest.Count < _meters.Count) _largest.Add(new Extremes());
    }

    /// <summary>
    /// Checks what can only be judged once every reading is in: a reading no supply could deliver, and dates far from
    /// the rest of the data. Bad readings go to <paramref name="policy"/> (strict: the first one stops the scan).
    /// Returns the days kept. Call before <see cref="Finish(long, ValueTuple{long, long})"/>; <see cref="Readings"/> then counts the readings kept.
    /// </summary>
    public (long From, long To) CheckPlausible(RowPolicy policy)
    {
        var (from, to) = BulkOfDates(policy);
        for (var i = 0; i < _meters.Count && i < _largest.Count; i++)
        {
            var x = _largest[i];
            var (kwh, next, local) = (x.Kwh, x.Next, x.KwhAt);
            var series = _meters[i];
            var day = MeterSeries.FloorDiv(local, 1440);
            if (series.Readings == 0 || day < from || day > to) continue;
            var hours = 24.0 * (Math.Min(series.MaxDay, to) - Math.Max(series.MinDay, from) + 1);
            string? reason = null;
            // No single reading can hold more energy than the supply could deliver over the whole period the meter
            // was read: a catch-up reading after a communication fault holds at most that, and a farm drawing
            // several times its contract is far below it. Only a typo, a unit slip or garbage (1e308) exceeds it.
            if (_sites[i] is { } site && kwh > site.ContractedKw * hours)
                reason = $"kwh {kwh:G6} of meter {Meters[i]} is more than its contracted {site.ContractedKw:G6} kW could deliver in the whole period read ({hours / 24:0} days, {site.ContractedKw * hours:G6} kWh): a typo or a unit error (Wh for kWh)? correct the reading or the site's contracted_kw";
            else if (_sites[i] is null && x.BeyondAllAtNext(series.Readings))
                reason = $"kwh {kwh:G6} of meter {Meters[i]} is more than all its {series.Readings} readings together could hold at its next largest ({next:G6}): a typo or a unit error?";
            if (reason is null) continue;
            policy.Reject(x.File, x.KwhLine, reason, "");
            series.DropDayOf(local);
            Readings--;
        }
        return (from, to);
    }

    /// <summary>
    /// The days that hold the bulk of the readings. A stretch of days cut off from the rest by a gap longer than all
    /// the data on both sides of it together (a year typed 2125 for 2025, a placeholder date) is not a period the
    /// meters were read: the side with fewer readings is set aside, one rejected entry per day, and the rest tested
    /// again. A year of data with a year missing in the middle is not cut, as its gap is shorter than the data.
    /// </summary>
    private (long From, long To) BulkOfDates(RowPolicy policy)
    {
        var days = new List<long>();
        for (var d = 0; d < _dayCount.Length; d++) if (_dayCount[d] > 0) days.Add(d);
        int lo = 0, hi = days.Count - 1;
        while (hi > lo)
        {
            var cut = -1;
            long widest = -1;
            for (var k = lo; k < hi; k++)
            {
                var gap = days[k + 1] - days[k] - 1;
                if (gap > widest) (widest, cut) = (gap, k);
            }
            var left = days[cut] - days[lo] + 1;
            var right = days[hi] - days[cut + 1] + 1;
            if (widest <= left + right) break;
            long leftReadings = 0, rightReadings = 0;
            for (var k = lo; k <= cut; k++) leftReadings += _dayCount[days[k]];
            for (var k = cut + 1; k <= hi; k++) rightReadings += _dayCount[days[k]];
            if (leftReadings == rightReadings) break;
            var (strayFrom, strayTo) = leftReadings < rightReadings ? (lo, cut) : (cut + 1, hi);
            var (keptFrom, keptTo) = leftReadings < rightReadings ? (cut + 1, hi) : (lo, cut);
            for (var k = strayFrom; k <= strayTo; k++)
            {
                var count = _dayCount[days[k]];
                var date = IsoTimestamp.ToDate(days[k] + FirstDay);
                var side = leftReadings < rightReadings ? $"{days[cut + 1] - days[k]:N0} days before" : $"{days[k] - days[cut]:N0} days after";
                policy.Reject(_readingsFile, _dayLine[days[k]],
                    $"{(count == 1 ? "a reading" : $"{count} readings")} dated {date:yyyy-MM-dd}, {side} the rest of the data ({IsoTimestamp.ToDate(days[keptFrom] + FirstDay):yyyy-MM-dd} to {IsoTimestamp.ToDate(days[keptTo] + FirstDay):yyyy-MM-dd}): a typo in the year? correct or remove {(count == 1 ? "it" : "them")}",
                    "", count);
                Readings -= count;
            }
            (lo, hi) = (keptFrom, keptTo);
        }
        return days.Count == 0 ? (long.MinValue, long.MaxValue) : (days[lo] + FirstDay, days[hi] + FirstDay);
    }

    public ScanResult Finish(long rejectedRows = 0) => Finish(rejectedRows, (long.MinValue, long.MaxValue));

    /// <param name="window">The days to judge (from <see cref="CheckPlausible"/>); readings outside them are left out.</param>
    public ScanResult Finish(long rejectedRows, (long From, long To) window)
    {
        _window = window;
        var n = _meters.Count;
        var profiles = new DailyProfile[n];
        var features = new MeterFeatures[n];
        Parallel.For(0, n, i =>
        {
            profiles[i] = DailyProfile.From(_meters[i], window.From, window.To);
            features[i] = MeterFeatures.Compute(profiles[i]);
        });
        var groups = new PeerGroups(_sites, [.. profiles.Select(p => p.Readings > 0 && !p.HasIntraday)]);
        var results = new List<DetectorResult>[n];
        for (var i = 0; i < n; i++) results[i] = [];

        var ratios = new double[n][];
        var excess = new double[n][];
        var ownRatio = new double[n];
        Array.Fill(ownRatio, double.NaN);
        foreach (var (meter, days) in _activity)
        {
            ratios[meter] = DeclaredActivityDetector.Ratios(profiles[meter], days, out excess[meter]);
            // The peer baseline is each site's ratio in its first weeks, before any farm could have been added.
            ownRatio[meter] = Robust.Median(ratios[meter].AsSpan(0, Math.Min(56, ratios[meter].Length)));
        }
        var explained = new bool[n];
        var byClass = _activity.Keys.ToLookup(m => _sites[m]?.Class);
        foreach (var meter in _activity.Keys)
        {
            var peers = byClass[_sites[meter]?.Class].Where(m => m != meter).Select(m => ownRatio[m]).Where(double.IsFinite).ToArray();
            var peerRatio = peers.Length >= 3 ? Robust.Median(peers) : DeclaredActivityDetector.TypicalRatio(_sites[meter]?.Class);
            var r = DeclaredActivityDetector.Evaluate(profiles[meter], ratios[meter], excess[meter], peerRatio, peers.Length);
            if (r is not null) results[meter].Add(r);
            else explained[meter] = DeclaredActivityDetector.Explains(ratios[meter], peerRatio);
        }

        static double Constancy(MeterFeatures f) => f.MeanKw > 0 ? f.BaseKw / f.MeanKw : double.NaN;
        static double LogOrNaN(double v) => v > 0 ? Math.Log(v) : double.NaN;
        var constancy = groups.Stats(i => Constancy(features[i]));
        var night = groups.Stats(i => LogOrNaN(features[i].NightDayRatio));
        static double Steadiness(MeterFeatures f) => f.BaseVariation >= 1e-4 ? -Math.Log(f.BaseVariation) : double.NaN;
        var steadiness = groups.Stats(i => Steadiness(features[i]));
        var switching = groups.Stats(i => features[i].DaySwitching);
        var nightMachine = groups.Stats(i => features[i].NightMachine);
        double Utilization(int i) => _sites[i] is { } s ? LogOrNaN(features[i].BaseKw / s.ContractedKw) : double.NaN;
        var util = groups.Stats(Utilization);
        var growth = groups.Stats(i => features[i].Growth);
        // Peers rising together in the region, or anywhere in the class: the weather of a season reaches every pond.
        var classGroups = PeerGroups.ByClass(_sites);
        var synchrony = Widest(Synchrony(groups, profiles, features), Synchrony(classGroups, profiles, features));
        var shapes = new DetectorResult?[n];
        var smallestRig = Reference.Catalog.SmallestRigKw();
        var unexplainedShape = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var f = features[i];
            if (f.ValidDays < MinDaysToJudge) continue;
            // The rise that weighs most once peers are taken into account: the strongest may be one many peers share.
            DetectorResult? cp = null;
            var k = 0;
            foreach (var rise in Rises(f))
            {
                if (ChangePointDetector.Evaluate(profiles[i], rise, synchrony[i]?[k++] ?? 0, Reference.Catalog) is { } r && r.Evidence.Points > (cp?.Evidence.Points ?? 0))
                    cp = r;
            }
            if (cp is not null && excess[i] is { } declared && cp.OnsetDay is { } onset)
            {
                // A data centre adding racks rises as a farm does, but its billed IT load rises with it.
                var share = DeclaredActivityDetector.ExplainedShare(profiles[i], declared, (int)(onset - profiles[i].FirstDay), ownRatio[i], f.RiseMeanKw);
                if (share >= 0.2) cp = Discount(cp, 1 - 0.75 * share, $"the declared business activity rose with it and accounts for {share:P0} of the rise");
            }
            if (cp is not null) results[i].Add(cp);
            var g = groups.GroupOf(i);
            if (g < 0) continue;
            var name = groups.Name(g);
            var discount = explained[i] ? 0.25 : 1;
            var utilZ = _sites[i] is not null ? Robust.Z(Utilization(i), util[g].Median, util[g].Mad, 0.2) : 10;
            var shape = LoadShapeDetector.Evaluate(f,
                Robust.Z(Constancy(f), constancy[g].Median, constancy[g].Mad, 0.05),
                Robust.Z(LogOrNaN(f.NightDayRatio), night[g].Median, night[g].Mad, 0.1),
                Robust.Z(Steadiness(f), steadiness[g].Median, steadiness[g].Mad, 0.2), utilZ, switching[g].Median, nightMachine[g].Median, name,
                _sites[i] is { ContractedKw: > 0 } contracted ? f.BaseKw - Math.Exp(util[g].Median) * contracted.ContractedKw : double.NaN, smallestRig);
            if (shape is not null)
            {
                shapes[i] = Discount(shape, discount);
                // A shape read from a rise that many peers shared is the season's (storage heating switched on for the
                // winter, aerators for the spring) as much as the rise is: it weighs as the rise does.
                if (f.ShapeFromRise && synchrony[i] is [var shared, ..])
                    shapes[i] = Discount(shapes[i]!, ChangePointDetector.Alone(shared),
                        $"the shape is read from the rise on {ChangePointDetector.Day(profiles[i].FirstDay + f.Rise!.Day)}, and peers rose alike within three weeks {shared:0.#} times as often as chance");
                unexplainedShape[i] = LoadShapeDetector.IsKin(shapes[i]!, cp is not null || _activity.ContainsKey(i));
            }
            if (_sites[i] is { } site)
            {
                var peer = PeerDetector.Evaluate(site, f, utilZ,
                    Math.Exp(util[g].Median),
                    Robust.Z(f.Growth, growth[g].Median, growth[g].Mad, 0.1), cp is not null, name, profiles[i].HasIntraday);
                if (peer is not null) results[i].Add(Discount(peer, discount));
            }
        }

        // A shape many peers share, with nothing to explain it in any of them, is the kind of business (water works,
        // telecom sites, ventilated sheds), not a farm: farms are a few in a thousand meters.
        var kinRegion = LoadShapeDetector.KinShares(groups, unexplainedShape);
        var kinClass = LoadShapeDetector.KinShares(classGroups, unexplainedShape);
        for (var i = 0; i < n; i++)
        {
            if (shapes[i] is not { } shape) continue;
            var share = Math.Max(kinRegion[i], kinClass[i]);
            var factor = LoadShapeDetector.KinDiscount(share);
            results[i].Add(Discount(shape, factor, $"{share:P0} of its peers have a load shape as telling with no rise or declared business to explain it, so it is a kind of business"));
        }

        var feederBalances = FeederBalances(profiles, window);
        var lossShares = feederBalances.Select(f => FeederBalanceDetector.EarlyLossShare(f.Balance)).ToArray();
        var lossMedian = Robust.Median(lossShares);
        var lossMad = Robust.ScaledMad(lossShares, lossMedian);
        for (var k = 0; k < feederBalances.Count; k++)
        {
            var (balance, members) = feederBalances[k];
            var z = feederBalances.Count >= 5 ? Robust.Z(lossShares[k], lossMedian, lossMad, 0.005) : 0;
            var attributed = FeederBalanceDetector.Attribute(balance, [.. members.Select(m => _sites[m]!)], [.. members.Select(m => profiles[m])], z);
            for (var j = 0; j < members.Count; j++)
                if (attributed[j] is { } r) results[members[j]].Add(r);
        }

        var findings = new MeterFinding[n];
        for (var i = 0; i < n; i++) findings[i] = Conclude(i, profiles[i], features[i], results[i]);
        var ranked = findings.OrderByDescending(f => f.Score).ThenBy(f => f.MeterId, StringComparer.Ordinal)
            .Select((f, k) => f with { Rank = k + 1 }).ToArray();

        var validProfiles = profiles.Where(p => p.Readings > 0).ToArray();
        return new ScanResult(ranked, new ScanSummary
        {
            Meters = n,
            Readings = Readings,
            Suspects = ranked.Count(f => f.Verdict == "suspect"),
            NotJudged = ranked.Count(f => f.Verdict is NoReadings or TooLittleData),
            RejectedRows = rejectedRows,
            Feeders = _feeders.Count(f => f.Readings > 0),
            FeederReadings = FeederReadings,
            MetersWithActivity = _activity.Count,
            FirstDay = validProfiles.Length == 0 ? null : IsoTimestamp.ToDate(validProfiles.Min(p => p.FirstDay)),
            LastDay = validProfiles.Length == 0 ? null : IsoTimestamp.ToDate(validProfiles.Max(p => p.FirstDay + p.Days - 1)),
            Intervals = validProfiles.GroupBy(p => p.IntervalMinutes).OrderBy(g => g.Key)
                .ToDictionary(g => g.Key == 1440 ? "1 day" : $"{g.Key} min", g => g.Count()),
            SuspectThreshold = ScoreModel.SuspectThreshold,
        });
    }

    private (long From, long To) _window = (long.MinValue, long.MaxValue);

    /// <summary>A meter's daily profile over the days the last <see cref="Finish(long, ValueTuple{long, long})"/> judged; null for an unknown meter.</summary>
    public DailyProfile? ProfileOf(string meterId) =>
        Meters.TryGetIndex(meterId, out var i) && i < _meters.Count ? DailyProfile.From(_meters[i], _window.From, _window.To) : null;

    /// <summary>The rises a meter shows that may be evidence: its strongest, then <see cref="MeterFeatures.OtherRises"/>.</summary>
    private static IEnumerable<MeterFeatures> Rises(MeterFeatures f) => f.OtherRises.Prepend(f);

    /// <summary>
    /// For each meter in a group and each of its <see cref="Rises"/>, how many times more of its peers had a rise like it
    /// (at least a third as large, the same kind of load, as steady) within 21 days of it than rises spread evenly over
    /// the period would give: a common cause (the cooling season, a tariff, the start of storage heating) bunches rises
    /// together, even among a few percent of meters; new farms come at any time. Null for a meter without a group.
    /// </summary>
    private static double[]?[] Synchrony(PeerGroups groups, DailyProfile[] profiles, MeterFeatures[] features)
    {
        const int window = 21;
        var result = new double[profiles.Length][];
        var first = profiles.Where(p => p.Days > 0).Select(p => p.FirstDay).DefaultIfEmpty(0).Min();
        var last = profiles.Where(p => p.Days > 0).Select(p => p.FirstDay + p.Days).DefaultIfEmpty(1).Max();
        var span = Math.Max(2 * window + 1, last - first);
        for (var g = 0; g < groups.Count; g++)
        {
            var members = groups.Members(g);
            if (members.Count < 2) continue;
            // Every rise a peer shows counts, not only its strongest: a pond's spring aerators may be its strongest rise
            // and its summer ones the next.
            var rises = members.SelectMany(m => Rises(features[m]).Where(ChangePointDetector.IsCandidate)
                    .Select(f => (Day: profiles[m].FirstDay + f.Rise!.Day, f.Rise!.Size, f.Added, Steady: f.Rise!.Variability <= 0.3)))
                .OrderBy(r => r.Day).ToArray();
            var days = rises.Select(r => r.Day).ToArray();
            foreach (var m in members)
            {
                if (groups.GroupOf(m) != g) continue;
                result[m] = [.. Rises(features[m]).Select(f => ChangePointDetector.IsCandidate(f) ? Of(f, profiles[m].FirstDay) : 0)];
            }

            double Of(MeterFeatures f, long firstDay)
            {
                var day = firstDay + f.Rise!.Day;
                var size = f.Rise.Size;
                var added = f.Added;
                var steady = f.Rise.Variability <= 0.3;
                // Alike: as large, the same kind of load, and as steady: air conditioning switched on with the summer does
                // not explain a steady night load in the same weeks; pond aerators all starting in spring do.
                bool Alike((long Day, double Size, AddedLoad Added, bool Steady) r) => r.Size >= size / 3 && r.Added == added && r.Steady == steady;
                var lo = LowerBound(days, day - window);
                var hi = LowerBound(days, day + window + 1);
                int alike = 0, alikeAnywhere = 0;
                for (var k = lo; k < hi; k++) if (Alike(rises[k])) alike++;
                foreach (var r in rises) if (Alike(r)) alikeAnywhere++;
                // Others like it, near this day and anywhere (less this rise itself); the expected count near it if they
                // came at random times.
                var near = Math.Max(0, alike - 1);
                var expected = Math.Max(0, alikeAnywhere - 1) * (2.0 * window + 1) / span;
                return near < 2 ? 0 : near / Math.Max(expected, 0.5);
            }
        }
        return result;

        static int LowerBound(long[] sorted, long value)
        {
            var i = Array.BinarySearch(sorted, value);
            if (i < 0) return ~i;
            while (i > 0 && sorted[i - 1] == value) i--;
            return i;
        }
    }

    private static DetectorResult Discount(DetectorResult r, double factor, string why = "the declared business activity accounts for the energy")
    {
        if (factor >= 1) return r;
        var points = Math.Round(r.Evidence.Points * factor, 3);
        return r with
        {
            Evidence = r.Evidence with
            {
                Points = points,
                Strength = ScoreModel.Strength(points),
                Detail = r.Evidence.Detail + "; discounted: " + why,
            },
        };
    }

    private static double[]?[] Widest(double[]?[] a, double[]?[] b) =>
        [.. a.Zip(b, (x, y) => x is not null && y is not null ? [.. x.Zip(y, Math.Max)] : x ?? y)];

    private List<(FeederBalance Balance, List<int> Members)> FeederBalances(DailyProfile[] profiles, (long From, long To) days)
    {
        var list = new List<(FeederBalance, List<int>)>();
        if (_feeders.Count == 0) return list;
        var members = new List<int>[_feeders.Count];
        for (var i = 0; i < _sites.Count; i++)
        {
            if (_sites[i] is not { } s || !Feeders.TryGetIndex(s.FeederId, out var f)) continue;
            (members[f] ??= []).Add(i);
        }
        for (var f = 0; f < _feeders.Count; f++)
        {
            if (_feeders[f].Readings == 0 || members[f] is null) continue;
            var head = DailyProfile.From(_feeders[f], days.From, days.To);
            list.Add((FeederBalanceDetector.Balance(Feeders[f], head, [.. members[f].Select(m => profiles[m])]), members[f]));
        }
        return list;
    }

    private MeterFinding Conclude(int i, DailyProfile p, MeterFeatures f, List<DetectorResult> results)
    {
        var points = results.Sum(r => r.Evidence.Points);
        var score = Math.Round(ScoreModel.Score(points), 6);
        var suspect = score >= ScoreModel.SuspectThreshold;
        var site = _sites[i];
        var finding = new MeterFinding
        {
            MeterId = Meters[i],
            Score = score,
            // A meter nothing could be judged on is not cleared: it is said to have too little data.
            Verdict = suspect ? "suspect" : p.Readings == 0 ? NoReadings : f.ValidDays < MinDaysToJudge ? TooLittleData : "clear",
            CustomerClass = site?.Class.ToName(),
            Region = site?.Region,
            FeederId = site?.FeederId,
            Evidence = [.. results.Select(r => r.Evidence).OrderByDescending(e => e.Points)],
        };
        if (!suspect || p.Days == 0) return finding;
        // The strongest detector that can date the load and size it speaks for both.
        // A meter's own series measure its load directly; a feeder's balance only by difference, so it sizes the load only alone.
        var dated = results.Where(r => r.OnsetDay is not null && r.MiningKw > 0)
            .OrderBy(r => r.Evidence.Detector == FeederBalanceDetector.Name && results.Any(o => o != r && o.OnsetDay is not null && o.Evidence.Points >= 2))
            .ThenByDescending(r => r.Evidence.Points).FirstOrDefault();
        var sized = dated ?? results.Where(r => r.MiningKw > 0).OrderByDescending(r => r.Evidence.Points).FirstOrDefault();
        var onset = dated?.OnsetDay ?? p.FirstDay;
        var kw = sized?.MiningKw ?? f.BaseKw;
        // Energy is counted on the meter's own daily mean above its level in the weeks before the onset; a load that
        // never shows on the meter (a bypass) or was running from the first day counts at its power every day.
        var onsetIndex = (int)(onset - p.FirstDay);
        var before = dated is null || dated.Evidence.Detector == FeederBalanceDetector.Name || onsetIndex <= 0
            ? double.NaN
            : p.MedianMeanBefore(onsetIndex, RiseDetector.Window);
        var lastDay = p.FirstDay + p.Days - 1;
        // A given surcharge applies from the onset; a bundled provincial one only from the day its notice took effect.
        var bundled = Costs.SurchargePerKwh is null ? Reference.Surcharges.ForRegion(site?.Region) : null;
        var surchargeFrom = bundled is null ? onset : bundled.Effective.DayNumber - IsoTimestamp.ToDate(0).DayNumber;
        double energy = 0, surcharged = 0;
        for (var d = onset; d <= lastDay; d++)
        {
            var v = p.MeanAt(d);
            var excess = double.IsNaN(before) || double.IsNaN(v) ? kw : Math.Clamp(v - before, 0, kw * 1.5);
            energy += 24 * excess;
            if (d >= surchargeFrom) surcharged += 24 * excess;
        }
        var onsetDate = IsoTimestamp.ToDate(onset);
        // The energy library turns the load into machines, CO2 and money, the same way 'minerwatch energy site' does.
        var estimate = new SiteEstimator(Reference.Catalog).Estimate(new SiteRequest
        {
            Onset = onsetDate,
            Kw = kw,
            Hours = Math.Max(energy, 1e-6) / kw,
            EmissionFactor = Costs.GramsPerKwh is { } g ? EmissionFactors.UserFactor(g) : Reference.Emissions.ForRegion(site?.Region),
            TariffPerKwh = Costs.TariffPerKwh,
            SurchargePerKwh = Costs.SurchargePerKwh ?? (bundled is not null && surcharged > 0 ? bundled.PerKwh : null),
            Currency = bundled is not null && surcharged > 0 ? bundled.Currency : Costs.Currency,
            Today = DateOnly.FromDateTime(Reference.Clock.GetUtcNow().UtcDateTime),
        });
        var owed = estimate.Owed;
        if (owed is not null && bundled is not null && surcharged > 0)
            owed = owed with { Surcharge = surcharged * bundled.PerKwh, Total = (owed.AtTariff ?? 0) + surcharged * bundled.PerKwh };
        if (owed is not null)
            owed = owed with { AtTariff = Round2(owed.AtTariff), Surcharge = Round2(owed.Surcharge), Total = Math.Round(owed.Total, 2) };
        return finding with
        {
            Onset = onsetDate,
            OnsetAtDataStart = dated is null,
            MiningKw = Math.Round(kw, 2),
            ImpliedMiners = new MinerRange((int)estimate.Miners.Low, (int)estimate.Miners.High,
                $"all {estimate.Miners.LowBasis} to all {estimate.Miners.HighBasis} (SHA-256 models on the market at onset)"),
            Co2SinceOnsetTonnes = Math.Round(estimate.Co2Tonnes, 2),
            EmissionFactorGPerKwh = estimate.EmissionFactor.GramsPerKwh,
            Owed = owed,
            EnergySinceOnsetKwh = Math.Round(energy, 0),
        };
    }

    private static double? Round2(double? v) => v is { } x ? Math.Round(x, 2) : null;
}
