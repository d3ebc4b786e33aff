namespace MinerWatch.Grid.Input;

/// <summary>
/// A block of readings in columns, as readers hand them to the profile builder: the entity index (meter or
/// feeder), the interval start and the energy. Reused between blocks; consumers must not keep it.
/// </summary>
public sealed class ReadingBatch(int capacity)
{
    public int[] Entity { get; } = new int[capacity];
    public long[] LocalMinutes { get; } = new long[capacity];
    public short[] OffsetMinutes { get; } = new short[capacity];
    public double[] Kwh { get; } = new double[capacity];
    /// <summary>Source line of each row (1-based), for messages about rows found bad later (duplicates).</summary>
    public long[] Line { get; } = new long[capacity];
    public int Count { get; set; }
    public int Capacity => Entity.Length;
    public string File { get; set; } = "";

    public void Add(int entity, MeterTime time, double kwh, long line)
    {
        var i = Count++;
        Entity[i] = entity;
        LocalMinutes[i] = time.LocalMinutes;
        OffsetMinutes[i] = time.OffsetMinutes;
        Kwh[i] = kwh;
        Line[i] = line;
    }
}
