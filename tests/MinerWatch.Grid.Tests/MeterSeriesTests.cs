using CsCheck;
using MinerWatch.Grid.Input;
using MinerWatch.Grid.Profiles;

namespace MinerWatch.Grid.Tests;

public class MeterSeriesTests
{
    private static readonly long Day0 = TestData.Jan1;

    [Theory]
    [InlineData(15, 15)]
    [InlineData(30, 30)]
    [InlineData(60, 60)]
    [InlineData(1440, 1440)]
    public void Infers_interval_from_spacing_even_with_gaps(int step, int expected)
    {
        var series = new MeterSeries();
        for (long m = 0; m < 20L * 1440; m += step)
        {
            // A gap of a few intervals must not change the inferred length.
            if (m / step % 17 is 3 or 4) continue;
            series.Add(Day0 * 1440 + m, 480, 1);
        }
        Assert.Equal(expected, DailyProfile.From(series).IntervalMinutes);
    }

    [Fact]
    public void Rejects_a_second_reading_for_the_same_utc_interval()
    {
        var series = new MeterSeries();
        Assert.True(series.Add(Day0 * 1440 + 60, 480, 1));
        Assert.False(series.Add(Day0 * 1440 + 60, 480, 2));
        // The same local clock time at another offset is another instant (a daylight-saving fall-back hour).
        Assert.True(series.Add(Day0 * 1440 + 60, 420, 3));
        Assert.Equal(2, series.Readings);
    }

    [Fact]
    public void A_batch_adds_each_meter_s_days_and_reports_its_duplicates_as_a_plain_tally_does() =>
        // Rows of three meters in runs of any length, quarter hours around three dates two years apart (so every array
        // grows, backwards and forwards), at two UTC offsets, with repeated intervals inside and across runs.
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 300], Gen.Bool, Gen.Double[0, 5]).Array[1, 400].Sample(rows =>
        {
            var entity = rows.Select(r => r.Item1).ToArray();
            var local = rows.Select(r => (Day0 + (r.Item2 - 1) * 700L) * 1440 + r.Item3 * 15L).ToArray();
            var offset = rows.Select(r => (short)(r.Item4 ? 480 : 420)).ToArray();
            var kwh = rows.Select(r => r.Item5).ToArray();

            // The reference: a plain tally by meter and UTC quarter hour (first reading wins) and by meter and local day.
            var read = new HashSet<(int, long)>();
            var expectedDuplicates = new List<int>();
            var days = new Dictionary<(int Meter, long Day), (double Sum, int Count)>();
            for (var i = 0; i < rows.Length; i++)
            {
                if (!read.Add((entity[i], MeterSeries.FloorDiv(local[i] - offset[i], 15))))
                {
                    expectedDuplicates.Add(i);
                    continue;
                }
                var key = (entity[i], MeterSeries.FloorDiv(local[i], 1440));
                var (sum, count) = days.GetValueOrDefault(key);
                days[key] = (sum + kwh[i], count + 1);
            }

            MeterSeries[] series = [new(), new(), new()];
            var duplicates = new List<int>();
            var added = MeterSeries.AddBatch(series, entity, local, offset, kwh, duplicates.Add);

            Assert.Equal(expectedDuplicates, duplicates);
            Assert.Equal(rows.Length - expectedDuplicates.Count, added);
            for (var m = 0; m < 3; m++)
            {
                var expected = days.Where(kv => kv.Key.Meter == m).ToDictionary(kv => kv.Key.Day, kv => kv.Value);
                Assert.Equal(expected.Values.Sum(v => v.Count), series[m].Readings);
                if (expected.Count == 0) continue;
                Assert.Equal(expected.Keys.Min(), series[m].MinDay);
                Assert.Equal(expected.Keys.Max(), series[m].MaxDay);
                var p = DailyProfile.From(series[m]);
                for (var i = 0; i < p.Days; i++)
                {
                    var (sum, count) = expected.GetValueOrDefault(p.FirstDay + i);
                    Assert.Equal(count, p.Count[i]);
                    Assert.Equal(sum, p.Sum[i], 9);
                }
            }
        }, iter: 300);

    [Fact]
    public void Daylight_saving_fall_back_keeps_both_hours_and_the_day_total()
    {
        // Europe/Berlin 2025-10-26: 02:00-02:59 happens twice, first at +02:00, then at +01:00.
        var day = IsoTimestamp.DaysFromCivil(2025, 10, 26);
        var series = new MeterSeries();
        for (var h = 0; h < 24; h++)
        {
            var offset = (short)(h < 3 ? 120 : 60);
            Assert.True(series.Add(day * 1440 + h * 60, offset, 1.0));
        }
        Assert.True(series.Add(day * 1440 + 2 * 60, 60, 1.0));
        var p = DailyProfile.From(series);
        Assert.Equal(60, p.IntervalMinutes);
        Assert.Equal(25.0 / 24, p.Coverage[0], 6);
        Assert.Equal(1.0, p.MeanKw[0], 6);
    }

    [Fact]
    public void Out_of_order_readings_give_the_same_profile_as_sorted_ones()
    {
        var readings = Enumerable.Range(0, 24 * 40).Select(i => (Minutes: Day0 * 1440 + i * 60L, Kwh: 1 + (i % 24) * 0.1 + (i / 24 % 7) * 0.05)).ToArray();
        var sorted = new MeterSeries();
        foreach (var (m, k) in readings) sorted.Add(m, 480, k);
        var shuffled = new MeterSeries();
        foreach (var (m, k) in readings.OrderBy(r => (r.Minutes * 2654435761L) % 1000003)) shuffled.Add(m, 480, k);
        var a = DailyProfile.From(sorted);
        var b = DailyProfile.From(shuffled);
        Assert.Equal(a.FirstDay, b.FirstDay);
        // Sums may differ in the last bit with the order of addition.
        Assert.Equal(a.MeanKw, b.MeanKw, (x, y) => Math.Abs(x - y) < 1e-9);
        Assert.Equal(a.MinKw, b.MinKw);
        Assert.Equal(a.NightKw, b.NightKw, (x, y) => Math.Abs(x - y) < 1e-9);
        Assert.Equal(a.HourOfDayKw, b.HourOfDayKw, (x, y) => Math.Abs(x - y) < 1e-4 || (double.IsNaN(x) && double.IsNaN(y)));
    }

    [Fact]
    public void Day_with_under_half_its_intervals_is_missing_not_low()
    {
        var p = TestData.Profile(3, (d, h) => d == 1 && h >= 10 ? double.NaN : 2.0);
        Assert.Equal(2.0, p.MeanKw[0], 9);
        Assert.True(double.IsNaN(p.MeanKw[1]));
        Assert.Equal(10.0 / 24, p.Coverage[1], 9);
        Assert.Equal(2.0, p.MeanKw[2], 9);
    }

    [Fact]
    public void Daily_statistics_are_in_kilowatts_for_quarter_hour_meters()
    {
        var series = new MeterSeries();
        for (var q = 0; q < 96; q++) series.Add(Day0 * 1440 + q * 15, 0, q < 24 ? 0.5 : 0.25);
        var p = DailyProfile.From(series);
        Assert.Equal(15, p.IntervalMinutes);
        Assert.Equal(2.0, p.NightKw[0], 9);   // 0.5 kWh per 15 min = 2 kW
        Assert.Equal(1.0, p.MinKw[0], 9);
        Assert.Equal(2.0, p.MaxKw[0], 9);
        Assert.Equal((24 * 2.0 + 72 * 1.0) / 96, p.MeanKw[0], 9);
    }

    [Fact]
    public void Accepts_readings_that_arrive_before_the_first_day_seen()
    {
        var series = new MeterSeries();
        series.Add((Day0 + 200) * 1440, 0, 1);
        series.Add(Day0 * 1440, 0, 1);
        series.Add((Day0 + 500) * 1440, 0, 1);
        var p = DailyProfile.From(series);
        Assert.Equal(Day0, p.FirstDay);
        Assert.Equal(501, p.Days);
    }
}
