using CsCheck;
using MinerWatch.Grid.Input;

namespace MinerWatch.Grid.Tests;

public class IsoTimestampTests
{
    [Theory]
    [InlineData("2025-03-30T02:15:00+08:00", 2025, 3, 30, 2, 15, 480)]
    [InlineData("2025-03-30T02:15Z", 2025, 3, 30, 2, 15, 0)]
    [InlineData("2025-03-30 02:15:00.000-05:30", 2025, 3, 30, 2, 15, -330)]
    [InlineData("20250330T0215+0800", 2025, 3, 30, 2, 15, 480)]
    [InlineData("2024-02-29T23:45:00+05:45", 2024, 2, 29, 23, 45, 345)]
    [InlineData("1969-12-31T23:00:00Z", 1969, 12, 31, 23, 0, 0)]
    [InlineData("1969-12-31T23:45:00-11:00", 1969, 12, 31, 23, 45, -660)]
    public void Parses_local_time_and_offset(string text, int y, int mo, int d, int h, int mi, int offset)
    {
        Assert.True(IsoTimestamp.TryParse(text, out var time, out var error), error);
        var expected = new DateTimeOffset(y, mo, d, h, mi, 0, TimeSpan.FromMinutes(offset));
        Assert.Equal(expected, time.ToDateTimeOffset());
        Assert.Equal(offset, time.OffsetMinutes);
        Assert.Equal(expected.ToUnixTimeSeconds() / 60, time.UtcMinutes);
    }

    [Theory]
    [InlineData("2025-03-30T02:00:00", "the UTC offset is missing (add Z or +hh:mm): local times are ambiguous at daylight-saving changes")]
    [InlineData("2025-02-29T00:00:00Z", "day 29 does not exist in 2025-02")]
    [InlineData("2025-13-01T00:00:00Z", "month 13 is out of range")]
    [InlineData("2025-01-01T24:00:00Z", "time of day is out of range")]
    [InlineData("2025-01-01T00:00:30Z", "an interval start must fall on a whole minute")]
    [InlineData("2025-01-01", "a time of day and a UTC offset are required, e.g. 2025-01-01T00:00:00+08:00")]
    [InlineData("01/02/2025 00:00", "expected a four-digit year at the start")]
    [InlineData("2025-01-01T00:00:00+08:00x", "unexpected characters after the UTC offset")]
    [InlineData("2025-01-01T00:00:00+15:00", "UTC offset is out of range")]
    [InlineData("", "expected a four-digit year at the start")]
    [InlineData("0000-01-01T00:00:00Z", "year 0000 is outside 1900-2200")]
    [InlineData("0225-03-01T00:00:00+08:00", "year 0225 is outside 1900-2200")]
    [InlineData("2025-01-01T00:00:00+14:30", "UTC offset is out of range")]
    public void Rejects_with_a_reason(string text, string reason)
    {
        Assert.False(IsoTimestamp.TryParse(text, out _, out var error));
        Assert.Equal(reason, error);
    }

    [Theory]
    [InlineData("2025-10-26T02:00:00+01:00")]
    [InlineData("1969-12-31T23:45:00-11:00")]
    [InlineData("2025-01-01T00:00:00+05:45")]
    public void Formats_back_to_the_same_text(string text)
    {
        Assert.True(IsoTimestamp.TryParse(text, out var time, out _));
        Assert.Equal(text, IsoTimestamp.Format(time));
    }

    [Fact]
    public void Agrees_with_DateTimeOffset_on_random_instants() =>
        Gen.Select(Gen.Int[0, 80 * 365 * 96], Gen.Int[-12 * 4, 14 * 4]).Sample(t =>
        {
            var (slot, quarter) = t;
            var offset = TimeSpan.FromMinutes(quarter * 15);
            var value = new DateTimeOffset(1990, 1, 1, 0, 0, 0, offset).AddMinutes(slot * 15L);
            Assert.True(IsoTimestamp.TryParse(value.ToString("yyyy-MM-dd'T'HH:mm:sszzz"), out var time, out _));
            Assert.Equal(value, time.ToDateTimeOffset());
        });
}
