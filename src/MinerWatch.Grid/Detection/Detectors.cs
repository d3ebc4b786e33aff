using MinerWatch.Energy.Catalog;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Profiles;
using MinerWatch.Grid.Scan;

namespace MinerWatch.Grid.Detection;

/// <summary>What one detector concluded for one meter: evidence, and where it can tell, when and how much.</summary>
public sealed record DetectorResult(Evidence Evidence, long? OnsetDay = null, double? MiningKw = null);

/// <summary>Detector 2: a sustained, sudden rise to a level the meter never showed before.</summary>
public static class ChangePointDetector
{
    public const string Name = "change_point";
    /// <summary>The least a rise must earn to count as evidence (and to start the window the load shape is read on).</summary>
    public const double MinPoints = 0.5;

    /// <summary>Whether a rise is large and clear enough to weigh at all (also used to count peers rising together).</summary>
    public static bool IsCandidate(MeterFeatures f) => f.Rise is { } r && f.Added != AddedLoad.None && IsClearRise(r);

    /// <summary>The rise's own part of <see cref="IsCandidate"/>: clear against the spread, at least 0.2 kW and 15 % of the level before.</summary>
    public static bool IsClearRise(Rise r) => r.Z >= 4 && r.Size >= 0.2 && r.Size / Math.Max(r.Before, 0.05) >= 0.15;

    /// <summary>The points a rise earns before comparing it with peers; 0 when it is no candidate.</summary>
    public static double Points(MeterFeatures f)
    {
        if (f.Rise is not { } r || !IsCandidate(f)) return 0;
        var relative = r.Size / Math.Max(r.Before, 0.05);
        // A load that switches on and off is also what a new tenant or a new shift looks like, so its rise alone says less.
        var basis = Math.Min(f.Added == AddedLoad.Switched ? 2 : 3, 1 + Math.Log2(1 + relative));
        // A switched load with a household's peaks rather than one level is what new tenants moving in look like.
        if (f.Added == AddedLoad.Switched) basis *= 0.5 + 0.5 * f.Plateau;
        var character = f.Added switch
        {
            AddedLoad.AroundTheClock => 1.5,
            AddedLoad.NightOnly => 1.0,
            // Switched on and off, but at one level like a bank of machines rather than with a household's peaks.
            _ => 1.5 * f.Plateau,
        };
        var steady = f.Added == AddedLoad.Switched ? 0 : r.Variability <= 0.15 ? 0.5 : r.Variability <= 0.3 ? 0.25 : 0;
        var sharp = r.Sharpness >= 0.6 ? 1 : r.Sharpness >= 0.35 ? 0.6 : 0.3;
        var novel = r.SeenBefore <= 0.05 ? 1 : r.SeenBefore >= 0.3 ? 0.15 : 1 - (r.SeenBefore - 0.05) / 0.25 * 0.85;
        var lasting = r.Persistence >= 0.8 ? 1 : r.Persistence >= 0.4 ? 0.8 : 0.5;
        // Added load that varies far more from day to day than machines do comes and goes with the weather or with
        // people: a night-only load varying by more than its own size is heating or cooling on a timer.
        var erratic = f.Added switch
        {
            AddedLoad.NightOnly => Math.Clamp(1 - (r.Variability - 0.6) / 0.6 * 0.6, 0.4, 1),
            AddedLoad.AroundTheClock => Math.Clamp(1 - (r.Variability - 0.6) / 0.9 * 0.5, 0.5, 1),
            AddedLoad.Switched => Math.Clamp(1 - (r.Variability - 0.8) / 0.7 * 0.5, 0.5, 1),
            _ => 1,
        };
        return (basis + character + steady) * sharp * novel * lasting * erratic;
    }

    /// <summary>Discount for a rise that peers shared: 1 up to twice the chance rate, down to 0.3 at six times it.</summary>
    internal static double Alone(double synchrony) => synchrony <= 2 ? 1 : synchrony >= 6 ? 0.3 : 1 - (synchrony - 2) / 4 * 0.7;

    /// <param name="synchrony">How many times more peers rose as much within three weeks of this rise than chance would
    /// give: weather, a season or a tariff change moves many meters at once, a new farm moves one.</param>
    public static DetectorResult? Evaluate(DailyProfile p, MeterFeatures f, double synchrony = 0, MinerCatalog? catalog = null)
    {
        var r = f.Rise;
        if (r is null || !IsCandidate(f)) return null;
        // Weather moves many meters at once but rarely steadily: a steady added load keeps some weight when a few peers rose
        // with it; not when six times as many as chance did (heaters on timers switched on for the winter).
        var alone = Math.Max(Alone(synchrony), r.Variability <= 0.15 && synchrony < 6 ? 0.6 : 0);
        // Persistence and steadiness measured over a few days say little: a rise near the end of the data weighs less.
        var daysAfter = p.Days - r.Day;
        var late = Math.Clamp(daysAfter / 28.0, 0.35, 1);
        // Likewise a rise in the first weeks read: whether the level is new says little after a few days.
        var early = Math.Clamp(r.Day / 28.0, 0.35, 1);
        var kw = f.Added switch
        {
            AddedLoad.NightOnly => f.RiseNightKw,
            AddedLoad.Switched => Math.Max(f.RisePeakKw, f.RiseMeanKw),
            _ => Math.Max(f.RiseMeanKw, r.Size),
        };
        // A rise smaller than the smallest rig a miner would run (one machine, or four GPUs) is more likely a new
        // freezer, aquarium or home server: by itself it weighs in proportion to its size, at least a third.
        var smallest = (catalog ?? MinerCatalog.Bundled).SmallestRigKw();
        var size = smallest > 0 ? Math.Clamp(kw / smallest, 1.0 / 3, 1) : 1;
        var points = Points(f) * alone * late * early * size;
        // Under half a point a rise is the ordinary swing of a site: most meters have one that small.
        if (points < MinPoints) return null;
        var what = f.Added switch
        {
            AddedLoad.AroundTheClock => $"the daily minimum rose {f.RiseBaseKw:0.##} kW with the mean {f.RiseMeanKw:0.##} kW, so the new load runs around the clock",
            AddedLoad.NightOnly => $"the night load rose {f.RiseNightKw:0.##} kW against {f.RiseDaytimeKw:0.##} kW in the daytime, so the new load runs at night",
            _ => $"the daily peak rose {f.RisePeakKw:0.##} kW and the mean {f.RiseMeanKw:0.##} kW while the base stayed, so the new load switches on and off"
                + (f.Plateau > 0 ? $", at one level of {f.PlateauKw:0.##} kW while on ({f.Plateau:P0} machine-like)" : ""),
        };
        var multiple = MinerCatalog.NearestMultiple(kw, (catalog ?? MinerCatalog.Bundled).PlausibleAt("SHA-256", IsoTimestamp.ToDate(p.FirstDay + r.Day)));
        var fit = multiple is { } m ? $"; {kw:0.#} kW is within {m.Error:P0} of {m.Count} x {m.Model.Model} ({m.Model.PowerKw:0.###} kW)" : "";
        var detail = $"{r.Size:0.##} kW rise in the {f.RiseSeries} on {Day(p.FirstDay + r.Day)} (from {r.Before:0.##} kW, {r.Z:0.#} times the usual day-to-day spread); "
            + $"{what}; {r.Sharpness:P0} of it within two weeks, {r.SeenBefore:P0} of earlier days at that level, {r.Persistence:P0} of later days kept it, "
            + $"added load varies {r.Variability:P0}, peers rose as much within three weeks {synchrony:0.#} times as often as chance{fit}"
            + (size < 1 ? $"; {kw:0.##} kW is less than the smallest mining rig ({smallest:0.##} kW), so the rise weighs {size:P0}" : "");
        return new DetectorResult(new Evidence(Name, ScoreModel.Strength(points), detail, Math.Round(points, 3)), p.FirstDay + r.Day, kw);
    }

    internal static string Day(long day) => IsoTimestamp.ToDate(day).ToString("yyyy-MM-dd");
}

/// <summary>Detector 1: a load shape far flatter, or far more nocturnal, than the meter's peers.</summary>
public static class LoadShapeDetector
{
    public const string Name = "load_shape";

    /// <param name="utilizationZ">Robust z of the base load per contracted kW against peers: a flat load matters only
    /// when it is also large for the site (a flat 50 W is a refrigerator).</param>
    /// <param name="steadinessZ">Robust z against peers of minus the log of the daily minimum's variation: high when the
    /// floor of the load holds still from day to day.</param>
    /// <param name="peerSwitching">The peers' median <see cref="MeterFeatures.DaySwitching"/>: schools and offices switch
    /// by the day too, so only switching beyond the peers' counts.</param>
    /// <param name="peerNightMachine">The peers' median <see cref="MeterFeatures.NightMachine"/>.</param>
    /// <param name="excessBaseKw">The base load above what the peers' typical base would be at this site's contracted
    /// power (NaN when unknown).</param>
    /// <param name="smallestRigKw">The least a mining rig draws (<see cref="MinerCatalog.SmallestRigKw"/>; 0: no limit).</param>
    public static DetectorResult? Evaluate(MeterFeatures f, double constancyZ, double nightZ, double steadinessZ, double utilizationZ, double peerSwitching, double peerNightMachine, string group,
        double excessBaseKw = double.NaN, double smallestRigKw = 0)
    {
        // Identical readings all period long are a stuck or estimated meter, not a machine: real loads always vary a little.
        if (f.Cv < 0.005) return null;
        var constancy = f.MeanKw > 0 ? f.BaseKw / f.MeanKw : 0;
        // A flat floor held day and night is a machine only if it is as large as one: the part of the base above the
        // peers' smaller than the smallest rig is a freezer, an aquarium or a home server, and weighs in proportion.
        var size = smallestRigKw > 0 && double.IsFinite(excessBaseKw) ? Math.Clamp(excessBaseKw / smallestRigKw, 1.0 / 3, 1) : 1;
        var material = Math.Clamp((utilizationZ - 0.5) / 1.5, 0, 1) * size;
        var flatPoints = Math.Clamp(0.5 * (constancyZ - 2), 0, 3) * material;
        // A floor that never moves at all is a standby level held by a controller, or a stuck channel; a machine's draw varies a little.
        var steadyPoints = f.BaseVariation >= 1e-4 ? Math.Clamp(0.5 * (steadinessZ - 1.5), 0, 2.5) * material : 0;
        // Night storage heating and water heating on a night tariff run at night too, but follow the weather from night to
        // night; machines hold one level. A night load that does not hold still counts for less than half.
        var nightPoints = Math.Clamp(0.7 * (nightZ - 2.5), 0, 4) * (0.4 + 0.6 * f.NightMachine);
        var typical = double.IsFinite(peerSwitching) ? peerSwitching : 0;
        var switchPoints = 2 * Math.Clamp((f.DaySwitching - typical) / Math.Max(0.2, 1 - typical), 0, 1);
        var typicalNight = double.IsFinite(peerNightMachine) ? peerNightMachine : 0;
        // A still night floor, like a flat load, matters only when it is large for the site, and, like the daily
        // minimum, not when it never moves at all.
        var floorWeight = f.NightMachineIsFloor ? (f.BaseVariation >= 1e-4 ? material : 0) : 1;
        var nightMachinePoints = 2 * Math.Clamp((f.NightMachine - typicalNight) / Math.Max(0.2, 1 - typicalNight), 0, 1) * floorWeight;
        var points = flatPoints + steadyPoints + nightPoints + switchPoints + nightMachinePoints;
        if (points <= 0) return null;
        // The findings that earned points come first, the strongest leading, so the headline names why the meter counts.
        var clauses = new List<(double Points, string Text)>
        {
            (flatPoints, $"base load is {constancy:P0} of the mean (z {constancyZ:0.#} against {group})"),
            (steadyPoints, $"daily minimum varies {f.BaseVariation:P0} (z {steadinessZ:0.#})"),
            (nightPoints, $"night/day ratio {f.NightDayRatio:0.00} (z {nightZ:0.#})"),
        };
        if (f.DaySwitching > 0)
            clauses.Add((switchPoints, $"days switch between off and one level {f.DaySwitchingKw:0.##} kW higher ({f.DaySwitching:P0} machine-like)"));
        if (f.NightMachine > 0)
            clauses.Add((nightMachinePoints, $"nights hold one level {f.NightBlockKw:0.##} kW {(f.NightMachineIsFloor ? "as the floor of the load" : "above the day's lowest")} ({f.NightMachine:P0} machine-like)"));
        var detail = string.Join("; ", clauses.OrderByDescending(c => c.Points).Select(c => c.Text))
            + $"; coefficient of variation {f.Cv:0.00}, load factor {f.LoadFactor:0.00}, {f.FlatDayShare:P0} of days flat, daily cycle {f.DailyCycle:P0}, weekly cycle {f.WeeklyCycle:P0}"
            + (size < 1 ? $"; the base is {excessBaseKw:0.##} kW above the peers', less than the smallest mining rig ({smallestRigKw:0.##} kW), so the flat floor weighs {size:P0}" : "");
        return new DetectorResult(new Evidence(Name, ScoreModel.Strength(points), detail, Math.Round(points, 3)));
    }

    /// <summary>The points from which a shape counts as one a peer shares.</summary>
    public const double KinPoints = 1.5;
    /// <summary>Fewer peers than this with the shape are never a kind of business, whatever the share.</summary>
    public const int MinKin = 5;

    /// <summary>
    /// Whether a meter's shape counts towards its peers' <see cref="KinShares"/>: telling enough to earn
    /// <see cref="KinPoints"/> (flat, steady, nocturnal or switched like machines), with no rise and no declared business
    /// activity to explain it, so the load was like that from the first day read. A farm added in the period, or hidden in
    /// a business that declares its activity, does not count.
    /// </summary>
    public static bool IsKin(DetectorResult shape, bool explained) => !explained && shape.Evidence.Points >= KinPoints;

    /// <summary>
    /// For each meter, the share of the other members of its group that are <see cref="IsKin"/>; 0 when fewer than
    /// <see cref="MinKin"/> are, or the meter has no group.
    /// </summary>
    public static double[] KinShares(PeerGroups groups, bool[] kin)
    {
        var shares = new double[kin.Length];
        for (var g = 0; g < groups.Count; g++)
        {
            var members = groups.Members(g);
            var count = 0;
            foreach (var m in members) if (kin[m]) count++;
            foreach (var m in members)
            {
                if (groups.GroupOf(m) != g) continue;
                var others = count - (kin[m] ? 1 : 0);
                shares[m] = others < MinKin ? 0 : (double)others / (members.Count - 1);
            }
        }
        return shares;
    }

    /// <summary>
    /// The factor on a shape's points when a share of peers has it unexplained: 1 up to 8 % (several times the rate at
    /// which farms occur), falling to 0.4 at 25 % and beyond.
    /// </summary>
    public static double KinDiscount(double share) => share <= 0.08 ? 1 : share >= 0.25 ? 0.4 : 1 - (share - 0.08) / 0.17 * 0.6;
}

/// <summary>Detector 3: base load per contracted kW far above peers, or growth far above theirs.</summary>
public static class PeerDetector
{
    public const string Name = "peers";

    /// <param name="intraday">Whether the meter is read more often than daily. With daily readings no load shape can show
    /// a constant load beneath the site's own, so base load per contracted kW is all that tells a farm: it counts from
    /// half a spread above the peers' median rather than from 2.5 spreads.</param>
    public static DetectorResult? Evaluate(Site site, MeterFeatures f, double utilZ, double peerUtil, double growthZ, bool hasRise, string group, bool intraday)
    {
        var util = f.BaseKw / site.ContractedKw;
        var utilPoints = Math.Clamp(0.5 * (utilZ - (intraday ? 2.5 : 0.5)), 0, 2.5);
        // Growth counts only with a base load above the peers': a household using more at its peaks with the same
        // tiny floor has new habits or appliances, not a machine that never switches off.
        var growthPoints = hasRise ? 0 : Math.Clamp(0.4 * (growthZ - 3), 0, 1.5) * Math.Clamp(utilZ / 2, 0, 1);
        var points = utilPoints + growthPoints;
        if (points <= 0) return null;
        var detail = $"base load {f.BaseKw:0.##} kW is {util:P1} of the contracted {site.ContractedKw:0.#} kW against a median of {peerUtil:P1} for {group} (robust z {utilZ:0.#})";
        if (growthPoints > 0) detail += $"; consumption grew {Math.Exp(f.Growth):0.00}x from the first to the last 8 weeks (z {growthZ:0.#})";
        var hiddenKw = Math.Max(0, f.BaseKw - peerUtil * site.ContractedKw);
        return new DetectorResult(new Evidence(Name, ScoreModel.Strength(points), detail, Math.Round(points, 3)), null, hiddenKw > 0 ? hiddenKw : null);
    }
}

/// <summary>Detector 4: metered energy far above what the site's business declares.</summary>
public static class DeclaredActivityDetector
{
    public const string Name = "declared_activity";

    /// <summary>
    /// Metered over declared energy expected when a class has too few peers with declared activity to learn it from:
    /// a data centre's meter also carries cooling and losses (a power usage effectiveness up to about 1.6); a charging
    /// station's also carries charger losses and the station's own load (about 1.15).
    /// </summary>
    public static double TypicalRatio(CustomerClass? cls) => cls switch
    {
        CustomerClass.DataCenter => 1.6,
        CustomerClass.EvCharging => 1.15,
        _ => 1.2,
    };

    /// <summary>The largest metered/declared ratio counted: 32 times what the business declares.</summary>
    public const double MaxRatio = 32;

    /// <summary>Daily metered over declared energy, aligned to the meter's days; NaN where either is missing.</summary>
    public static double[] Ratios(DailyProfile p, IReadOnlyList<DeclaredDay> declared, out double[] excessKw)
    {
        var ratio = new double[p.Days];
        excessKw = new double[p.Days];
        Array.Fill(ratio, double.NaN);
        Array.Fill(excessKw, double.NaN);
        foreach (var d in declared)
        {
            var i = d.Day - p.FirstDay;
            if (i < 0 || i >= p.Days || double.IsNaN(p.MeanKw[i])) continue;
            var metered = p.MeanKw[i] * 24;
            excessKw[i] = (metered - d.Kwh) / 24;
            // A day declared at (almost) nothing while the meter ran counts at a capped ratio, not as missing.
            ratio[i] = Math.Min(MaxRatio, metered / Math.Max(d.Kwh, metered / MaxRatio));
        }
        return ratio;
    }

    public static DetectorResult? Evaluate(DailyProfile p, double[] ratio, double[] excessKw, double peerRatio, int peers)
    {
        var rise = RiseDetector.FindRise(excessKw);
        var start = rise is { Z: >= 4, Size: >= 1 } ? rise.Day : 0;
        var window = ratio.AsSpan(start);
        var recent = Robust.Median(window);
        var excess = Robust.Median(excessKw.AsSpan(start));
        if (!double.IsFinite(recent) || !double.IsFinite(peerRatio) || peerRatio <= 0) return null;
        var over = recent / peerRatio;
        if (over < 1.3 || excess < 1) return null;
        var points = Math.Min(5, 2.5 * Math.Log2(over));
        var since = start > 0 ? $" since {ChangePointDetector.Day(p.FirstDay + start)} (a rise of {rise!.Size:0.#} kW in unexplained load)" : "";
        var detail = $"metered {recent:0.00}x the declared energy{since}, against {peerRatio:0.00}x for {peers} peers with declared activity; "
            + $"{excess:0.#} kW around the clock is not accounted for";
        return new DetectorResult(new Evidence(Name, ScoreModel.Strength(points), detail, Math.Round(points, 3)),
            start > 0 ? p.FirstDay + start : null, excess);
    }

    /// <summary>
    /// The share (0-1) of a rise in metered load that the declared business's own rise across the same day accounts
    /// for, at the site's usual metered/declared ratio (a data centre's cooling grows with its IT load).
    /// </summary>
    public static double ExplainedShare(DailyProfile p, double[] excessKw, int day, double ratio, double riseKw)
    {
        if (!(riseKw > 0) || !double.IsFinite(ratio) || ratio <= 0) return 0;
        var declared = new double[p.Days];
        for (var i = 0; i < p.Days; i++) declared[i] = p.MeanKw[i] - excessKw[i];
        var declaredRise = RiseDetector.RiseAt(declared, day);
        return double.IsFinite(declaredRise) ? Math.Clamp(ratio * declaredRise / riseKw, 0, 1) : 0;
    }

    /// <summary>
    /// Whether the declared business accounts for the energy: the ratio stays near the peers' throughout. Used to
    /// discount shape and peer evidence at sites whose flat load is explained (legitimate data centres).
    /// </summary>
    public static bool Explains(double[] ratio, double peerRatio) =>
        double.IsFinite(peerRatio) && Robust.CountFinite(ratio) >= 14 && Robust.Quantile(ratio, 0.9) <= 1.25 * peerRatio;
}
