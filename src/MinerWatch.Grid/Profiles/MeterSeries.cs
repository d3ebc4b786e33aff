using MinerWatch.Grid.Input;

namespace MinerWatch.Grid.Profiles;

/// <summary>
/// The running summary of one meter's readings, updated reading by reading in any order: per local day
/// (energy, sum of squares, min, max, night and daytime energy), an hour-of-day profile per 28-day block, the
/// UTC intervals already seen (to catch duplicates) and what the interval length can be. Its size grows with
/// the days covered, never with the number of readings, so a 15-minute meter costs no more than an hourly one.
/// Not thread-safe: one writer per meter (a batch loop, or a grain).
/// </summary>
public sealed class MeterSeries
{
    /// <summary>Night: 00:00-05:59 local, when homes and shops are quiet and a miner is not.</summary>
    public const int NightEndMinute = 6 * 60;
    /// <summary>Daytime: 10:00-15:59 local.</summary>
    public const int DayStartMinute = 10 * 60;
    public const int DayEndMinute = 16 * 60;
    public const int BlockDays = 28;
    private const int SlotMinutes = 15;

    private DayStats[] _days = [];
    private long _firstDay;
    private float[] _hourSums = [];
    private ushort[] _hourCounts = [];
    private long _firstBlock;
    private ulong[] _seen = [];
    private long _seenBase;
    private long _firstLocal;
    private long _cachedDayStart = long.MinValue / 2;
    private int _cachedDayIndex;
    private int _cachedHourBase;
    // Which interval lengths divide every distance between readings (in quarter hours: 96 a day, 4 an hour, 2 a half hour).
    private bool _spacedByDays = true;
    private bool _spacedByHours = true;
    private bool _spacedByHalfHours = true;

    public long Readings { get; private set; }
    public long MinDay { get; private set; } = long.MaxValue;
    public long MaxDay { get; private set; } = long.MinValue;

    /// <summary>
    /// The longest of 1 day, 1 hour, 30 and 15 minutes that divides every local-time distance between readings
    /// (60 with fewer than two readings).
    /// </summary>
    public int IntervalMinutes => Readings < 2 ? 60 : _spacedByDays ? 1440 : _spacedByHours ? 60 : _spacedByHalfHours ? 30 : 15;

    internal ReadOnlySpan<DayStats> Days => _days;
    internal long FirstDay => _firstDay;
    internal ReadOnlySpan<float> HourSums => _hourSums;
    internal ReadOnlySpan<ushort> HourCounts => _hourCounts;
    internal long FirstBlock => _firstBlock;

    /// <summary>Adds one reading; returns false, changing nothing, when this UTC interval was already read.</summary>
    public bool Add(long localMinutes, short offsetMinutes, double kwh) =>
        AddRun(new ReadOnlySpan<long>(in localMinutes), new ReadOnlySpan<short>(in offsetMinutes), new ReadOnlySpan<double>(in kwh)) == 1;

    /// <summary>
    /// Adds readings in order until one whose UTC interval was already read; returns how many were added before it
    /// (all of them when there is none). The duplicate itself changes nothing.
    /// </summary>
    /// <remarks>Input arrives meter by meter in long runs, so the day being filled and the arrays are held in locals across
    /// a run rather than loaded and stored again for every reading. Compiled fully optimised from the first call: a scan
    /// adds hundreds of millions of readings in one run, so the first, unoptimised tier would cost more than it saves.</remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public int AddRun(ReadOnlySpan<long> local, ReadOnlySpan<short> offset, ReadOnlySpan<double> kwh)
    {
        if (local.Length == 0) return 0;
        if (Readings == 0) _firstLocal = local[0];
        var seen = _seen;
        var seenBase = _seenBase;
        var days = _days;
        var hourSums = _hourSums;
        var hourCounts = _hourCounts;
        var dayStart = _cachedDayStart;
        var dayIndex = _cachedDayIndex;
        var hourBase = _cachedHourBase;
        var firstLocal = _firstLocal;
        bool byDays = _spacedByDays, byHours = _spacedByHours, byHalfHours = _spacedByHalfHours;
        var i = 0;
        for (; i < local.Length; i++)
        {
            var localMinutes = local[i];
            // Divisions by constants only: the JIT turns them into multiplications, which keeps this loop fast.
            var utcSlot = FloorDiv(localMinutes - offset[i], SlotMinutes);
            var slot = utcSlot - seenBase;
            if ((ulong)slot >= (ulong)seen.Length * 64)
            {
                GrowSeen(utcSlot);
                seen = _seen;
                seenBase = _seenBase;
                slot = utcSlot - seenBase;
            }
            ref var word = ref seen[(int)(slot >> 6)];
            var bit = 1UL << (int)(slot & 63);
            if ((word & bit) != 0) break;
            word |= bit;

            if (byHalfHours)
            {
                var quarters = Math.Abs(localMinutes - firstLocal) / SlotMinutes;
                byDays &= quarters % 96 == 0;
                byHours &= (quarters & 3) == 0;
                byHalfHours &= (quarters & 1) == 0;
            }

            // The day of the previous reading is kept, and its array positions, so the divisions and range checks run
            // once a day rather than once a reading.
            var minute = localMinutes - dayStart;
            if ((ulong)minute >= 1440)
            {
                var day = FloorDiv(localMinutes, 1440);
                if (day < MinDay) MinDay = day;
                if (day > MaxDay) MaxDay = day;
                dayIndex = DayIndex(day);
                hourBase = BlockIndex(FloorDiv(day, BlockDays)) * 24;
                days = _days;
                hourSums = _hourSums;
                hourCounts = _hourCounts;
                dayStart = day * 1440;
                minute = localMinutes - dayStart;
            }
            ref var d = ref days[dayIndex];
            var value = kwh[i];
            var single = (float)value;
            if (d.Count == 0)
            {
                d.Min = single;
                d.Max = single;
            }
            else
            {
                if (single < d.Min) d.Min = single;
                if (single > d.Max) d.Max = single;
            }
            d.Count++;
            d.Sum += value;
            d.SumSq += value * value;
            if (minute < NightEndMinute)
            {
                d.NightSum += value;
                d.NightCount++;
            }
            else if (minute >= DayStartMinute && minute < DayEndMinute)
            {
                d.DaySum += value;
                d.DayCount++;
            }
            var hourIndex = hourBase + (int)minute / 60;
            hourSums[hourIndex] += single;
            hourCounts[hourIndex]++;
        }
        _cachedDayStart = dayStart;
        _cachedDayIndex = dayIndex;
        _cachedHourBase = hourBase;
        _spacedByDays = byDays;
        _spacedByHours = byHours;
        _spacedByHalfHours = byHalfHours;
        Readings += i;
        return i;
    }

    /// <summary>
    /// Adds column batches of readings for many meters, each run of one meter's consecutive rows at once; calls
    /// <paramref name="duplicate"/> with the row index of every reading whose interval its meter already had.
    /// Returns the number of readings added.
    /// </summary>
    public static long AddBatch(IList<MeterSeries> series, ReadOnlySpan<int> entity, ReadOnlySpan<long> local, ReadOnlySpan<short> offset,
        ReadOnlySpan<double> kwh, Action<int> duplicate)
    {
        long added = 0;
        var i = 0;
        while (i < entity.Length)
        {
            var end = i + 1;
            while (end < entity.Length && entity[end] == entity[i]) end++;
            var meter = series[entity[i]];
            while (i < end)
            {
                var n = meter.AddRun(local[i..end], offset[i..end], kwh[i..end]);
                added += n;
                i += n;
                if (i == end) break;
                duplicate(i);
                i++;
            }
        }
        return added;
    }

    /// <summary>
    /// Leaves out the day of a reading found impossible after it was added (the largest of a meter's readings, checked
    /// once the whole file is read): the day's figures are dropped, as a day with too few readings is, and the reading's
    /// hour of day is unread in its block, since a running sum cannot take back a value as large as 1e308.
    /// </summary>
    public void DropDayOf(long localMinutes)
    {
        var day = FloorDiv(localMinutes, 1440);
        var i = day - _firstDay;
        if (i < 0 || i >= _days.Length) return;
        _days[i] = default;
        var hour = (FloorDiv(day, BlockDays) - _firstBlock) * 24 + (localMinutes - day * 1440) / 60;
        if (hour < 0 || hour >= _hourSums.Length) return;
        _hourSums[hour] = 0;
        _hourCounts[hour] = 0;
    }

    /// <summary>
    /// Writes the whole running state, so that later readings can be added to a restored copy with the same results as
    /// if it had never been saved (the snapshot a server keeps between daily deliveries). Little-endian, as the arrays
    /// are written as they lie in memory.
    /// </summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(Readings);
        writer.Write(MinDay);
        writer.Write(MaxDay);
        writer.Write(_firstLocal);
        writer.Write((byte)((_spacedByDays ? 1 : 0) | (_spacedByHours ? 2 : 0) | (_spacedByHalfHours ? 4 : 0)));
        writer.Write(_firstDay);
        WriteArray(writer, _days);
        writer.Write(_firstBlock);
        WriteArray(writer, _hourSums);
        WriteArray(writer, _hourCounts);
        writer.Write(_seenBase);
        WriteArray(writer, _seen);
    }

    /// <summary>Reads a state written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The state is cut short or inconsistent.</exception>
    public static MeterSeries Load(BinaryReader reader)
    {
        var s = new MeterSeries
        {
            Readings = reader.ReadInt64(),
            MinDay = reader.ReadInt64(),
            MaxDay = reader.ReadInt64(),
            _firstLocal = reader.ReadInt64(),
        };
        var spacing = reader.ReadByte();
        (s._spacedByDays, s._spacedByHours, s._spacedByHalfHours) = ((spacing & 1) != 0, (spacing & 2) != 0, (spacing & 4) != 0);
        s._firstDay = reader.ReadInt64();
        s._days = ReadArray<DayStats>(reader);
        s._firstBlock = reader.ReadInt64();
        s._hourSums = ReadArray<float>(reader);
        s._hourCounts = ReadArray<ushort>(reader);
        s._seenBase = reader.ReadInt64();
        s._seen = ReadArray<ulong>(reader);
        if (s.Readings < 0 || s._hourSums.Length != s._hourCounts.Length || s._hourSums.Length % 24 != 0
            || s.Readings > 0 && (s.MinDay < s._firstDay || s.MaxDay >= s._firstDay + s._days.Length))
            throw new InvalidDataException("a meter's saved state is inconsistent");
        return s;
    }

    private static void WriteArray<T>(BinaryWriter writer, T[] array) where T : unmanaged
    {
        writer.Write(array.Length);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(array.AsSpan()));
    }

    private static T[] ReadArray<T>(BinaryReader reader) where T : unmanaged
    {
        var length = reader.ReadInt32();
        // No series covers more than the years a timestamp may have; a larger length is damage, not data.
        if (length < 0 || length > 400 * 366 * 96) throw new InvalidDataException($"a meter's saved state has an array of {length} items");
        var array = Allocate<T>(length);
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(array.AsSpan());
        reader.BaseStream.ReadExactly(bytes);
        return array;
    }

    private void GrowSeen(long slot)
    {
        const long slack = 64 * 64; // 42 days of 15-minute slots
        if (_seen.Length == 0)
        {
            _seenBase = (slot - slack) & ~63L;
            _seen = Allocate<ulong>((int)(400 * 96 / 64 + 2 * slack / 64));
            return;
        }
        var lo = Math.Min(_seenBase, (slot - slack) & ~63L);
        var hi = Math.Max(_seenBase + (long)_seen.Length * 64, ((slot + slack) & ~63L) + 64);
        var grown = Allocate<ulong>((int)((hi - lo) / 64));
        Array.Copy(_seen, 0, grown, (_seenBase - lo) / 64, _seen.Length);
        _seen = grown;
        _seenBase = lo;
    }

    private int DayIndex(long day)
    {
        var i = day - _firstDay;
        if (_days.Length == 0 || i < 0 || i >= _days.Length)
        {
            var lo = _days.Length == 0 ? day - 7 : Math.Min(_firstDay, day - 30);
            var hi = _days.Length == 0 ? day + 380 : Math.Max(_firstDay + _days.Length, day + 120);
            var grown = Allocate<DayStats>((int)(hi - lo));
            if (_days.Length > 0) Array.Copy(_days, 0, grown, _firstDay - lo, _days.Length);
            _days = grown;
            _firstDay = lo;
            i = day - lo;
        }
        return (int)i;
    }

    private int BlockIndex(long block)
    {
        var i = block - _firstBlock;
        if (_hourSums.Length == 0 || i < 0 || i * 24 >= _hourSums.Length)
        {
            var count = _hourSums.Length / 24;
            var lo = count == 0 ? block - 1 : Math.Min(_firstBlock, block - 2);
            var hi = count == 0 ? block + 15 : Math.Max(_firstBlock + count, block + 4);
            var sums = Allocate<float>((int)(hi - lo) * 24);
            var counts = Allocate<ushort>((int)(hi - lo) * 24);
            if (count > 0)
            {
                Array.Copy(_hourSums, 0, sums, (_firstBlock - lo) * 24, _hourSums.Length);
                Array.Copy(_hourCounts, 0, counts, (_firstBlock - lo) * 24, _hourCounts.Length);
            }
            _hourSums = sums;
            _hourCounts = counts;
            _firstBlock = lo;
            i = block - lo;
        }
        return (int)i;
    }

    /// <summary>
    /// A meter's arrays live as long as the scan; allocating them on the pinned object heap keeps the collector from
    /// copying them from generation to generation while millions of readings are being added.
    /// </summary>
    private static T[] Allocate<T>(int length) => GC.AllocateArray<T>(length, pinned: true);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static long FloorDiv(long a, long b) => MeterSeriesMath.FloorDiv(a, b);
}

/// <summary>One local day of one meter. Energies in kWh per interval as read; converted to kW later.</summary>
internal struct DayStats
{
    public double Sum;
    public double SumSq;
    public double NightSum;
    public double DaySum;
    public float Min;
    public float Max;
    public short Count;
    public short NightCount;
    public short DayCount;
}
