using MinerWatch.Grid.Input;

namespace MinerWatch.Grid.Detection;

/// <summary>
/// Groups meters for comparison: the same customer class in the same region, widened to the same class in the
/// region's top level and then to the class anywhere when a group is too small to give a stable median.
/// </summary>
public sealed class PeerGroups
{
    public const int MinGroup = 12;
    private readonly int[] _groupOf;
    private readonly List<int[]> _members = [];
    private readonly List<string> _names = [];

    public PeerGroups(IReadOnlyList<Site?> sites)
    {
        _groupOf = new int[sites.Count];
        string Key(Site? s, int level) => s is null ? "all" : level switch
        {
            0 => $"{s.Class.ToName()} in {s.Region}",
            1 => $"{s.Class.ToName()} in {s.Region.Split('/')[0]}",
            2 => $"{s.Class.ToName()}",
            _ => "all",
        };
        var assigned = new bool[sites.Count];
        for (var level = 0; level <= 3; level++)
        {
            var groups = new Dictionary<string, List<int>>();
            for (var i = 0; i < sites.Count; i++)
            {
                if (assigned[i]) continue;
                var key = Key(sites[i], level);
                if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
                list.Add(i);
            }
            foreach (var (key, list) in groups)
            {
                // A group counts the wider set it stands for, so small leftovers join a wider level.
                if (list.Count < MinGroup && level < 3) continue;
                foreach (var i in list)
                {
                    _groupOf[i] = _members.Count;
                    assigned[i] = true;
                }
                _members.Add([.. list]);
                _names.Add(key);
            }
        }
    }

    public int GroupOf(int meter) => _groupOf[meter];
    public string Name(int group) => _names[group];
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
