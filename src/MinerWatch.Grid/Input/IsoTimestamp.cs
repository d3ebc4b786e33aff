namespace MinerWatch.Grid.Input;

/// <summary>
/// A reading's interval start as the meter's local wall-clock time plus its UTC offset, both in whole minutes.
/// Local time decides hour of day and calendar day; the UTC instant decides duplicates.
/// </summary>
public readonly record struct MeterTime(long LocalMinutes, short OffsetMinutes)
{
    public long UtcMinutes => LocalMinutes - OffsetMinutes;

    public static MeterTime FromDateTimeOffset(DateTimeOffset value) =>
        new((value.DateTime.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMinute, (short)value.Offset.TotalMinutes);

    /// <summary>As a <see cref="DateTimeOffset"/>; the offset must be within +-14:00 (parsed times always are).</summary>
    public DateTimeOffset ToDateTimeOffset() =>
        new(DateTime.UnixEpoch.Ticks + LocalMinutes * TimeSpan.TicksPerMinute, TimeSpan.FromMinutes(OffsetMinutes));
}

/// <summary>
/// Parses ISO-8601 interval starts such as <c>2025-03-30T02:00:00+08:00</c>, <c>2025-03-30 02:00Z</c> or <c>20250330T0200+0800</c>.
/// Written by hand because the general-purpose parsers cost several hundred nanoseconds a row, which dominates
/// ingest of hundreds of millions of readings, and because an offset is required here: local times without one
/// are ambiguous at daylight-saving changes.
/// </summary>
public static class IsoTimestamp
{
    public const int MinYear = 1900;
    public const int MaxYear = 2200;
    /// <summary>The largest UTC offset in use (+14:00, Kiribati).</summary>
    public const int MaxOffsetMinutes = 14 * 60;

    public static bool TryParse(ReadOnlySpan<char> s, out MeterTime time, out string? error)
    {
        time = default;
        error = null;
        s = s.Trim();
        var p = 0;
        if (!Digits(s, ref p, 4, out var year)) return Fail("expected a four-digit year at the start", out error);
        // Meter data outside these years is a placeholder (0000-01-01) or a typo, and would make every day between count.
        if (year is < MinYear or > MaxYear) return Fail($"year {year:D4} is outside {MinYear}-{MaxYear}", out error);
        var extended = p < s.Length && s[p] == '-';
        if (extended) p++;
        if (!Digits(s, ref p, 2, out var month)) return Fail("expected a two-digit month", out error);
        if (extended && !Expect(s, ref p, '-')) return Fail("expected '-' after the month", out error);
        if (!Digits(s, ref p, 2, out var day)) return Fail("expected a two-digit day", out error);
        if (month is < 1 or > 12) return Fail($"month {month} is out of range", out error);
        if (day < 1 || day > DateTime.DaysInMonth(year, month)) return Fail($"day {day} does not exist in {year:D4}-{month:D2}", out error);
        if (p == s.Length) return Fail("a time of day and a UTC offset are required, e.g. 2025-01-01T00:00:00+08:00", out error);
        if (s[p] is not ('T' or 't' or ' ')) return Fail("expected 'T' between date and time", out error);
        p++;
        if (!Digits(s, ref p, 2, out var hour)) return Fail("expected a two-digit hour", out error);
        if (extended && !Expect(s, ref p, ':')) return Fail("expected ':' after the hour", out error);
        if (!Digits(s, ref p, 2, out var minute)) return Fail("expected two-digit minutes", out error);
        var second = 0;
        if (p < s.Length && (s[p] == ':' || (!extended && char.IsAsciiDigit(s[p]))))
        {
            if (s[p] == ':') p++;
            if (!Digits(s, ref p, 2, out second)) return Fail("expected two-digit seconds", out error);
            if (p < s.Length && s[p] is '.' or ',')
            {
                p++;
                var start = p;
                while (p < s.Length && char.IsAsciiDigit(s[p]))
                {
                    if (s[p] != '0') second = -1;
                    p++;
                }
                if (p == start) return Fail("expected digits after the decimal point", out error);
            }
        }
        if (hour > 23 || minute > 59 || second > 59) return Fail("time of day is out of range", out error);
        if (second != 0) return Fail("an interval start must fall on a whole minute", out error);
        if (p == s.Length) return Fail("the UTC offset is missing (add Z or +hh:mm): local times are ambiguous at daylight-saving changes", out error);
        int offset;
        if (s[p] is 'Z' or 'z')
        {
            p++;
            offset = 0;
        }
        else if (s[p] is '+' or '-')
        {
            var sign = s[p] == '-' ? -1 : 1;
            p++;
            if (!Digits(s, ref p, 2, out var oh)) return Fail("expected a two-digit offset hour", out error);
            var om = 0;
            if (p < s.Length)
            {
                if (s[p] == ':') p++;
                if (!Digits(s, ref p, 2, out om)) return Fail("expected two-digit offset minutes", out error);
            }
            if (om > 59 || oh * 60 + om > MaxOffsetMinutes) return Fail("UTC offset is out of range", out error);
            offset = sign * (oh * 60 + om);
        }
        else return Fail($"unexpected '{s[p]}' where the UTC offset should be", out error);
        if (p != s.Length) return Fail("unexpected characters after the UTC offset", out error);
        var days = DaysFromCivil(year, month, day);
        time = new MeterTime(days * 1440L + hour * 60 + minute, (short)offset);
        return true;
    }

    /// <summary>The calendar date of a day number (days since 1970-01-01).</summary>
    public static DateOnly ToDate(long day) => DateOnly.FromDayNumber((int)(day + UnixEpochDayNumber));

    /// <summary>ISO-8601 text of a local time with its offset, e.g. 2025-01-01T00:00:00+08:00.</summary>
    public static string Format(MeterTime time)
    {
        var day = MeterSeriesMath.FloorDiv(time.LocalMinutes, 1440);
        var minute = time.LocalMinutes - day * 1440;
        var offset = Math.Abs((int)time.OffsetMinutes);
        var sign = time.OffsetMinutes < 0 ? '-' : '+';
        return $"{ToDate(day):yyyy-MM-dd}T{minute / 60:D2}:{minute % 60:D2}:00{sign}{offset / 60:D2}:{offset % 60:D2}";
    }

    /// <summary>DateOnly's day number of 1970-01-01.</summary>
    private const int UnixEpochDayNumber = 719162;

    /// <summary>Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).</summary>
    public static long DaysFromCivil(int year, int month, int day)
    {
        year -= month <= 2 ? 1 : 0;
        var era = (year >= 0 ? year : year - 399) / 400;
        var yoe = year - era * 400;
        var doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        var doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097L + doe - 719468;
    }

    private static bool Digits(ReadOnlySpan<char> s, ref int p, int count, out int value)
    {
        value = 0;
        if (p + count > s.Length) return false;
        for (var i = 0; i < count; i++)
        {
            var d = s[p + i] - '0';
            if ((uint)d > 9) return false;
            value = value * 10 + d;
        }
        p += count;
        return true;
    }

    private static bool Expect(ReadOnlySpan<char> s, ref int p, char c)
    {
        if (p >= s.Length || s[p] != c) return false;
        p++;
        return true;
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }
}

/// <summary>Integer division helpers shared by the time arithmetic.</summary>
internal static class MeterSeriesMath
{
    /// <summary>Division rounding towards negative infinity (for instants before 1970).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static long FloorDiv(long a, long b)
    {
        var q = a / b;
        return a < 0 && q * b != a ? q - 1 : q;
    }
}
