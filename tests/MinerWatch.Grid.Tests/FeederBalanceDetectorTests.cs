using MinerWatch.Grid.Detection;

namespace MinerWatch.Grid.Tests;

public class FeederBalanceDetectorTests
{
    private const int Days = 300;

    private static double Home(int i, int d, int h) => TestData.Home(d, h, i) * (0.8 + 0.05 * i);

    private static double Office(int i, int d, int h)
    {
        var dow = (int)((TestData.Jan1 + d + 3) % 7); // 0 = Monday
        return 2 + i * 0.1 + (dow < 5 && h is >= 8 and < 18 ? 30 * (1 + 0.1 * Math.Sin(d * 1.3 + i)) : 0);
    }

    [Fact]
    public void Street_lighting_is_not_read_as_a_loss_from_the_first_day_and_a_hidden_farm_is()
    {
        // Ten homes. On one feeder 2 kW of unmetered street lamps burn from 18:00 to 06:00; on the other 1 kW of miners
        // runs around the clock behind a bypass. Both lose 1 kW a day on average.
        var customers = Enumerable.Range(0, 10).Select(i => TestData.Profile(Days, (d, h) => Home(i, d, h))).ToList();
        double Homes(int d, int h) => Enumerable.Range(0, 10).Sum(i => Home(i, d, h));
        var lit = FeederBalanceDetector.Balance("F1", TestData.Profile(Days, (d, h) => Homes(d, h) + (h is >= 18 or < 6 ? 2 : 0)), customers);
        var bypassed = FeederBalanceDetector.Balance("F2", TestData.Profile(Days, (d, h) => Homes(d, h) + 1), customers);

        Assert.Equal(1, lit.LossKw.Average(), 2);
        Assert.Equal(1, bypassed.LossKw.Average(), 2);
        Assert.Equal(0, FeederBalanceDetector.EarlyLossShare(lit), 3);
        Assert.Equal(1 / bypassed.DaytimeHeadKw.Take(56).Order().ElementAt(28), FeederBalanceDetector.EarlyLossShare(bypassed), 2);
    }

    [Fact]
    public void Disconnected_customer_is_not_counted_after_its_last_reading()
    {
        // Ten homes; H9 is disconnected on day 150: its readings stop and its load leaves the head meter too.
        var customers = Enumerable.Range(0, 9).Select(i => TestData.Profile(Days, (d, h) => Home(i, d, h))).Append(TestData.Profile(150, (d, h) => Home(9, d, h))).ToList();
        var head = TestData.Profile(Days, (d, h) => 0.5 + 1.03 * Enumerable.Range(0, 10).Sum(i => i == 9 && d >= 150 ? 0 : Home(i, d, h)));

        var balance = FeederBalanceDetector.Balance("F1", head, customers);

        Assert.False(FeederBalanceDetector.IsSignificant(balance));
        var before = balance.LossKw.Skip(120).Take(30).Average();
        var after = balance.LossKw.Skip(151).Take(30).Average();
        Assert.Equal(before, after, 0.15);
    }

    [Fact]
    public void Meter_that_stops_reporting_keeps_its_typical_load_in_the_balance()
    {
        // H9's meter stops reporting on day 150 but the home goes on drawing through the head meter.
        var customers = Enumerable.Range(0, 9).Select(i => TestData.Profile(Days, (d, h) => Home(i, d, h))).Append(TestData.Profile(150, (d, h) => Home(9, d, h))).ToList();
        var head = TestData.Profile(Days, (d, h) => 0.5 + 1.03 * Enumerable.Range(0, 10).Sum(i => Home(i, d, h)));

        var balance = FeederBalanceDetector.Balance("F1", head, customers);

        Assert.False(FeederBalanceDetector.IsSignificant(balance));
        var before = balance.LossKw.Skip(120).Take(30).Average();
        var after = balance.LossKw.Skip(151).Take(30).Average();
        Assert.Equal(before, after, 0.3);
    }

    [Fact]
    public void Hidden_load_under_the_weekly_swing_of_technical_losses_is_found()
    {
        // Twenty offices: losses grow with the square of the load, so the loss swings between working days and
        // weekends by far more than the 3 kW hidden from day 150.
        var customers = Enumerable.Range(0, 20).Select(i => TestData.Profile(Days, (d, h) => Office(i, d, h))).ToList();
        double Load(int d, int h) => Enumerable.Range(0, 20).Sum(i => Office(i, d, h)) + (d >= 150 ? 3 : 0);
        var head = TestData.Profile(Days, (d, h) => Load(d, h) + 0.8 + 0.0002 * Load(d, h) * Load(d, h));

        var balance = FeederBalanceDetector.Balance("F2", head, customers);

        Assert.True(FeederBalanceDetector.IsSignificant(balance), $"{balance.LossRise}");
        Assert.InRange(balance.LossRise!.Day, 149, 151);
        Assert.Equal(3, balance.HiddenKw, 0.4);
    }

    [Fact]
    public void A_peaky_customers_own_losses_do_not_echo_as_hidden_load()
    {
        // Nine homes and a print shop whose 300 kWh a day comes in 4 busy hours on some days and 10 quiet ones on others:
        // its daily mean barely moves, but the feeder loses far more on its busy days (losses follow the squared power).
        // Home H3 hides 2 kW of miners from day 150 and leaves no trace on its own meter.
        double Shop(int d, int h) => Math.Sin(d * 2.3) > 0 ? (h is >= 10 and < 14 ? 75 : 0) : (h is >= 8 and < 18 ? 30 : 0);
        var customers = Enumerable.Range(0, 9).Select(i => TestData.Profile(Days, (d, h) => Home(i, d, h)))
            .Append(TestData.Profile(Days, Shop)).ToList();
        double Load(int d, int h) => Enumerable.Range(0, 9).Sum(i => Home(i, d, h)) + Shop(d, h) + (d >= 150 ? 2 : 0);
        var head = TestData.Profile(Days, (d, h) => Load(d, h) + 0.3 + 0.002 * Load(d, h) * Load(d, h));
        var sites = Enumerable.Range(0, 9).Select(i => new Input.Site($"H{i}", CustomerClass.Residential, "CN-GD", "F1", 10))
            .Append(new Input.Site("SHOP", CustomerClass.Commercial, "CN-GD", "F1", 100)).ToList();

        var balance = FeederBalanceDetector.Balance("F1", head, customers);
        var shares = FeederBalanceDetector.Attribute(balance, sites, customers, lossShareZ: 0);

        Assert.True(FeederBalanceDetector.IsSignificant(balance), $"{balance.LossRise}");
        var shop = shares[9]!.Evidence;
        Assert.Contains("its daily use moves with the loss at t = ", shop.Detail);
        var t = double.Parse(System.Text.RegularExpressions.Regex.Match(shop.Detail, @"at t = (-?[\d.]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(t < 5, shop.Detail);
        Assert.Equal(shares[0]!.Evidence.Points, shop.Points, 3);
    }

    private static double Shop(int i, int d, int h) => 6 + i + (h is >= 8 and < 20 ? 4 : 0) + 0.3 * Math.Sin(d * 1.7 + i);

    private static List<Input.Site> Sites(int homes, params (string Id, double ContractedKw)[] shops) =>
        [.. Enumerable.Range(0, homes).Select(i => new Input.Site($"H{i}", CustomerClass.Residential, "CN-GD", "F1", 10)),
            .. shops.Select(s => new Input.Site(s.Id, CustomerClass.Commercial, "CN-GD", "F1", s.ContractedKw))];

    private static double Share(DetectorResult? result) =>
        double.Parse(System.Text.RegularExpressions.Regex.Match(result!.Evidence.Detail, @"explains (\d+) %").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Premises_connected_as_the_loss_rose_host_the_hidden_load()
    {
        // Ten homes and two shops; a third shop is connected on day 150, and from that day 12 kW more flows into the
        // feeder than its meters record. Its own meter reads only the shop.
        var customers = Enumerable.Range(0, 10).Select(i => TestData.Profile(Days, (d, h) => Home(i, d, h)))
            .Concat(Enumerable.Range(0, 2).Select(i => TestData.Profile(Days, (d, h) => Shop(i, d, h))))
            .Append(TestData.Profile(Days, (d, h) => d >= 150 ? Shop(2, d, h) : double.NaN)).ToList();
        var head = TestData.Profile(Days, (d, h) => 0.5 + Enumerable.Range(0, 10).Sum(i => Home(i, d, h)) + Shop(0, d, h) + Shop(1, d, h)
            + (d >= 150 ? Shop(2, d, h) + 12 : 0));

        var balance = FeederBalanceDetector.Balance("F1", head, customers);
        var shares = FeederBalanceDetector.Attribute(balance, Sites(10, ("S0", 30), ("S1", 30), ("S2", 30)), customers, lossShareZ: 0);

        Assert.True(FeederBalanceDetector.IsSignificant(balance), $"{balance.LossRise}");
        Assert.True(Share(shares[12]) >= 60, shares[12]!.Evidence.Detail);
        Assert.True(shares[12]!.Evidence.Detail.Contains("its meter first read on 2025-05-31, the day the loss rose"), shares[12]!.Evidence.Detail);
        Assert.All(shares.Take(12), s => Assert.True(Share(s) <= 5, s!.Evidence.Detail));
    }

    [Fact]
    public void A_drop_is_a_trace_of_a_bypass_only_when_it_stands_out_and_the_loss_could_carry_it()
    {
        // From day 150 shop S0 hides 6 kW behind a bypass and takes 2 kW of its own wiring with it. The same day shop
        // S1 closes a floor (15 kW off its meter and off the feeder), and home H0 has a quieter week than usual.
        var customers = Enumerable.Range(0, 10).Select(i => TestData.Profile(Days, (d, h) => Home(i, d, h) * (i == 0 && d is >= 147 and < 154 ? 0.7 : 1)))
            .Append(TestData.Profile(Days, (d, h) => Shop(0, d, h) - (d >= 150 ? 2 : 0)))
            .Append(TestData.Profile(Days, (d, h) => Shop(1, d, h) + 10 - (d >= 150 ? 15 : 0))).ToList();
        var head = TestData.Profile(Days, (d, h) => 0.5 + Enumerable.Range(0, 10).Sum(i => Home(i, d, h) * (i == 0 && d is >= 147 and < 154 ? 0.7 : 1))
            + Shop(0, d, h) + (d >= 150 ? 6 : 0) + Shop(1, d, h) + 10 - (d >= 150 ? 15 : 0));

        var balance = FeederBalanceDetector.Balance("F1", head, customers);
        var shares = FeederBalanceDetector.Attribute(balance, Sites(10, ("S0", 30), ("S1", 30)), customers, lossShareZ: 0);

        Assert.True(FeederBalanceDetector.IsSignificant(balance), $"{balance.LossRise}");
        Assert.Equal(8, balance.HiddenKw, 0.5);
        var bypass = shares[10]!.Evidence.Detail;
        Assert.True(Share(shares[10]) >= 60, bypass);
        Assert.Matches(@"own meter changed -2(\.\d+)? kW as the loss began to rise \(\d+(\.\d)? times its week-to-week swings\)", bypass);
        Assert.Matches(@"own meter changed -15(\.\d+)? kW as the loss began to rise", shares[11]!.Evidence.Detail);
        Assert.Contains("more than the loss rose: load gone, not moved", shares[11]!.Evidence.Detail);
        Assert.True(Share(shares[11]) <= 10, shares[11]!.Evidence.Detail);
        Assert.True(Share(shares[0]) <= 10, shares[0]!.Evidence.Detail);
    }
}
