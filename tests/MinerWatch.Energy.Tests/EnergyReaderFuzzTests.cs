using System.Collections.Concurrent;
using System.Text;
using CsCheck;
using MinerWatch.Energy.Catalog;
using MinerWatch.Energy.Emissions;
using MinerWatch.Energy.Network;

namespace MinerWatch.Energy.Tests;

/// <summary>
/// Random and mutated files for every energy reader: each must parse or throw <see cref="EnergyInputException"/>,
/// never anything else. What parses is also run through the network model, whose results must be finite or refused.
/// </summary>
public sealed class EnergyReaderFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 20_000;

    /// <summary>Characters that matter to CSV and to number and date parsing, plus a few that should not be there.</summary>
    private const string Alphabet = "0123456789,,,\n\n\r\"\" .-+eE:/TtHhJjGgNnaIifyAS_ \t\0\u00a0\u00e9\u4e2d\ufeff";

    /// <summary>Values at the edges: overflow, underflow, not-a-number, impossible dates, quoting.</summary>
    private static readonly string[] Edges =
    [
        "1e308", "-1e308", "1e-320", "NaN", "Infinity", "-0", "0", "99999999999999999999999", "2025-99-01", "9999-12-31",
        "0001-01-01", "-1", "\"", "\"\"", "\"a,b\"", "", " ", "1504224000000", "20170901", "1e6", "TH/s", "th/s", "J/GH", "J/XH",
    ];

    private static readonly (string Name, string Seed, Action<Stream> Read)[] Readers =
    [
        ("basket", "Miner_name,UNIX_date_of_release,Efficiency_J_Gh,Qty\nWorst CPU,1225497600,52000,1\nBest GPU,1272672000,480,1\nAntminer S9,1504224000,0.098,1\nAntminer S19 Pro,2020-05-01,0.02955,1\n",
            s => Estimate(MinerBasket.ReadCbeci(s, "miners.csv", MinerCatalog.Bundled))),
        ("catalog", "algorithm,model,hashrate,hashrate_unit,power_w,efficiency,efficiency_unit,release,status,source\nSHA-256,Rig A,110,TH/s,3250,29.55,J/TH,2020-05-01,user,x\nSHA-256,Rig B,110000,GH/s,3250,0.02955,J/GH,2020-05-01,,\nRandomX,Cpu,9750,H/s,76,0.0078,J/H,2019-07-01,,\n",
            s => MinerCatalog.Bundled.With(MinerCatalog.Read(s, "mine.csv", MinerCatalog.Bundled))),
        ("series", "date,hashrate_ths,revenue_usd,price_usd_kwh\n2021-05-01,1.6e8,6e7,0.04\n2021-05-02,1.5e8,5e7,\n2021-05-04,1.7e8,6.5e7,0.05\n",
            s => Estimate(NetworkInputs.ReadSeries(s, "series.csv", 0.05, MinerCatalog.Bundled.EfficiencyFloor("SHA-256", "TH/s")))),
        ("shares", "country,share_percent\nUS,38\nCN,21\nKZ,13\n",
            s => NetworkInputs.WeightedIntensity(NetworkInputs.ReadShares(s, "shares.csv", EmissionFactors.Bundled), EmissionFactors.Bundled.ForCode("WORLD")!)),
    ];

    private static void Estimate(IReadOnlyList<BasketMiner> basket)
    {
        var day = new DateOnly(2021, 5, 19);
        NetworkModel.Estimate([.. Enumerable.Range(0, 14).Select(k => new NetworkDay(day.AddDays(k - 13), 1.6e8, 6e7, 0.05))], basket, CbeciMethod.V2021);
    }

    private static void Estimate(IReadOnlyList<NetworkDay> days) =>
        NetworkModel.Estimate(days, MinerBasket.FromCatalog(MinerCatalog.Bundled), CbeciMethod.V14, 7);

    /// <summary>A valid file changed 1 to 8 times: spans deleted, characters or edge values inserted, lines repeated or swapped.</summary>
    private static string Mutate(string seed, int mutations, int randomSeed)
    {
        var random = new Random(randomSeed);
        var text = new StringBuilder(seed);
        for (var m = 0; m < mutations; m++)
        {
            var at = random.Next(text.Length + 1);
            switch (random.Next(6))
            {
                case 0:
                    text.Remove(at, Math.Min(random.Next(1, 12), text.Length - at));
                    break;
                case 1:
                    text.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                case 2:
                    // Replace the field around the position with an edge value.
                    var start = at;
                    while (start > 0 && text[start - 1] is not (',' or '\n')) start--;
                    var end = at;
                    while (end < text.Length && text[end] is not (',' or '\n')) end++;
                    text.Remove(start, end - start).Insert(start, Edges[random.Next(Edges.Length)]);
                    break;
                case 3:
                    var lines = text.ToString().Split('\n');
                    var pick = lines[random.Next(lines.Length)];
                    text.Insert(at, pick + "\n");
                    break;
                case 4:
                    var all = text.ToString().Split('\n');
                    var (a, b) = (random.Next(all.Length), random.Next(all.Length));
                    (all[a], all[b]) = (all[b], all[a]);
                    text.Clear().Append(string.Join('\n', all));
                    break;
                default:
                    text.Length = at;
                    break;
            }
        }
        return text.ToString();
    }

    [Fact]
    public void Random_and_mutated_files_parse_or_are_refused_and_never_crash()
    {
        var header = Gen.Int[0, Readers.Length - 1];
        var body = Gen.String[Gen.Char[Alphabet], 0, 400];
        var random = Gen.Select(header, body, Gen.Bool).Select((r, text, withHeader) =>
            (Reader: r, Text: withHeader ? Readers[r].Seed.Split('\n')[0] + "\n" + text : text));
        var mutated = Gen.Select(header, Gen.Int[1, 8], Gen.Int[0, int.MaxValue]).Select((r, n, s) => (Reader: r, Text: Mutate(Readers[r].Seed, n, s)));
        var cases = new ConcurrentDictionary<string, int>();
        var parsed = new ConcurrentDictionary<string, int>();
        var crashes = new ConcurrentBag<string>();

        foreach (var (kind, gen) in new[] { ("random", random), ("mutated", mutated) })
        {
            gen.Sample(c =>
            {
                var (name, _, read) = Readers[c.Reader];
                cases.AddOrUpdate($"{name} {kind}", 1, (_, v) => v + 1);
                try
                {
                    read(new MemoryStream(Encoding.UTF8.GetBytes(c.Text)));
                    parsed.AddOrUpdate($"{name} {kind}", 1, (_, v) => v + 1);
                }
                catch (EnergyInputException)
                {
                }
                catch (Exception e)
                {
                    crashes.Add($"{name}: {e.GetType().Name}: {e.Message}\n--- input ---\n{c.Text}\n---");
                }
            }, iter: Iterations, threads: 1, seed: "0N0XIzNsQ0O2");
        }

        foreach (var (key, n) in cases.OrderBy(k => k.Key, StringComparer.Ordinal))
            output.WriteLine($"{key}: {n} cases, {parsed.GetValueOrDefault(key)} parsed, {n - parsed.GetValueOrDefault(key)} refused");
        output.WriteLine($"{cases.Values.Sum()} cases in all, {crashes.Count} crashes");
        Assert.True(crashes.IsEmpty, string.Join("\n", crashes.Take(5)));
    }
}
