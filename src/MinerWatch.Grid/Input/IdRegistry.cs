namespace MinerWatch.Grid.Input;

/// <summary>
/// Maps identifiers (meter or feeder ids) to dense indexes so that hot loops work on arrays, and looks ids up
/// from spans without allocating a string per row.
/// </summary>
public sealed class IdRegistry
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<string> _ids = [];

    public IdRegistry(bool growable)
    {
        Growable = growable;
        _lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>When true, unknown ids are added as they are met (layouts without a sites file).</summary>
    public bool Growable { get; }

    public int Count => _ids.Count;

    public IReadOnlyList<string> Ids => _ids;

    public string this[int index] => _ids[index];

    /// <summary>Adds an id; returns false when it is already present.</summary>
    public bool TryAdd(string id, out int index)
    {
        if (_index.TryGetValue(id, out index)) return false;
        index = _ids.Count;
        _index.Add(id, index);
        _ids.Add(id);
        return true;
    }

    /// <summary>Returns the id's index, adding it when the registry is growable; -1 when unknown.</summary>
    public int Find(ReadOnlySpan<char> id)
    {
        if (_lookup.TryGetValue(id, out var index)) return index;
        if (!Growable) return -1;
        TryAdd(id.ToString(), out index);
        return index;
    }

    public bool TryGetIndex(string id, out int index) => _index.TryGetValue(id, out index);

    /// <summary>The id's index, or -1; never adds it, even when growable.</summary>
    public int Lookup(ReadOnlySpan<char> id) => _lookup.TryGetValue(id, out var index) ? index : -1;
}
