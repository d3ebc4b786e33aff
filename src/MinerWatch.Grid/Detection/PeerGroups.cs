using MinerWatch.Grid.Input;

namespace MinerWatch.Grid.Detection;

/// <summary>
/// Groups meters for comparison: the same customer class in the same region, widened to the same class in the
/// region's top level and then to the class anywhere when a group is too small to give a stable median. Classes
/// are never mixed: a data centre compared with homes says nothing. Nor are meters read only daily mixed with meters
/// read more often, when told which those are: a daily meter's lowest reading is its daily mean, an hourly one's its
/// hourly floor. A meter whose class has too few members has no group (-1). Without a sites file all meters form one
/// group.
/// </summary>
public sealed class PeerGroups
{
    public const int MinGroup = 12;
    public const int MinClassGroup = 5;
    private readonly int[] _groupOf;
    private readonly List<int[]> _members = [];
    private readonly List<string> _names = [];

    /// <param name="daily">Per meter, whether it is read only daily; null when that need not be told apart.</param>
    public PeerGroups(IReadOnlyList<Site?> sites, IReadOnlyList<bool>? daily = null) : this(sites, firstLevel: 0, daily)
    {
    }

    /// <summary>Groups of the same class anywhere: for what moves a whole class at once (the weather of a season).</summary>
    public static PeerGroups ByClass(IReadOnlyList<Site?> sites) => new(sites, firstLevel: 2, daily: null);

    private PeerGroups(IReadOnlyList<Site?> sites, int firstLevel, IReadOnlyList<bool>? daily)
    {
        _groupOf = new int[sites.Count];
        Array.Fill(_groupOf, -1);
        string Key(int i, int level)
        {
            var key = sites[i] is not { } s ? "all meters" : level switch
            {
                0 => $"{s.Class.ToName()} in {s.Region}",
                1 => $"{s.Class.ToName()} in {s.Region.Split('/')[0]}",
                _ => $"all {s.Class.ToName()}",
            };
            return daily is not null && daily[i] ? key + " read daily" : key;
        }
        for (var level = firstLevel; level <= 2; level++)
        {
            // Everyone of the key is counted (the statistics are the wider population's), but only meters not yet
            // placed at a narrower level join the group.
            var population = new Dictionary<string, List<int>>();
            for (var i = 0; i < sites.Count; i++)
            {
                var key = Key(i, level);
                if (!population.TryGetValue(key, out var list)) population[key] = list = [];
                list.Add(i);
            }
            foreach (var (key, list) in population)
            {
                if (list.Count < (level < 2 ? MinGroup : MinClassGroup) || list.All(i => _groupOf[i] >= 0)) continue;
                foreach (var i in list) if (_groupOf[i] < 0) _groupOf[i] = _members.Count;
                _members.Add([.. list]);
                _names.Add(key);
            }
        }
    }

    /// <summary>The meter's group, or -1 when it has too few peers to compare with.</summary>
    public int GroupOf(int meter) => _groupOf[meter];
    public string Name(int group) => _names[group];
    /// <summary>The meters a group's statistics are taken over (for a widened group, its whole population).</summary>
    public IReadOnlyList<int> Members(int group) => _members[group];
    public int Count => _members.Count;

    /// <summary>Median and scaled MAD of a value over each group's members (NaN values ignored).</summary>
    public (double Median, double Mad)[] Stats(Func<int, double> value)
    {
        var result = new (double, double)[_members.Count];
        for (var g = 0; g < _members.Count; g++)
        {
            var values = _members[g].Select(value).Where(double.IsFinite).ToArray();
            var median = Robust.Median(values);
            result[g] = (median, Robust.ScaledMad(values, median));
        }
        return result;
    }
}
