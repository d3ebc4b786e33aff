using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using MinerWatch.Grid.Input;
using nietras.SeparatedValues;

namespace MinerWatch.Grid.Scan;

/// <summary>The scan's JSON contract: <c>{"meters":[...], "summary":{...}}</c>, snake_case names, meters by rank.</summary>
public static class ScanJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(Stream stream, ScanResult result) =>
        JsonSerializer.Serialize(stream, new ScanDocument(result.Meters, result.Summary), Options);

    public static string Serialize(ScanResult result) => JsonSerializer.Serialize(new ScanDocument(result.Meters, result.Summary), Options);

    /// <summary>Reads the meter ids and scores back from a scan JSON file (for evaluation).</summary>
    public static List<(string MeterId, double Score)> ReadScores(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, 0, "file not found");
        try
        {
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("meters", out var meters) || meters.ValueKind != JsonValueKind.Array)
                throw new InputException(path, 0, "not a scan result: the top-level 'meters' array is missing");
            var list = new List<(string, double)>();
            foreach (var m in meters.EnumerateArray())
            {
                if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("meter_id", out var id) || id.ValueKind != JsonValueKind.String
                    || !m.TryGetProperty("score", out var score) || score.ValueKind != JsonValueKind.Number)
                    throw new InputException(path, 0, $"meter entry {list.Count + 1} lacks meter_id or a numeric score");
                list.Add((id.GetString() ?? "", score.GetDouble()));
            }
            return list;
        }
        catch (JsonException e)
        {
            throw new InputException(path, (e.LineNumber ?? -1) + 1, $"not valid JSON: {e.Message}");
        }
    }

    private sealed record ScanDocument(IReadOnlyList<MeterFinding> Meters, ScanSummary Summary);
}

/// <summary>One row per meter, by rank; evidence flattened into one column.</summary>
public static class ScanCsv
{
    public const string Header = "rank,meter_id,score,verdict,customer_class,region,feeder_id,onset,mining_kw,implied_miners_low,implied_miners_high,energy_since_onset_kwh,co2_since_onset_tonnes,emission_factor_g_per_kwh,owed_currency,owed_at_tariff,owed_surcharge,owed_total,evidence";

    public static void Write(TextWriter output, ScanResult result)
    {
        // Sep writes the header with the first row; an empty scan still gets one.
        if (result.Meters.Count == 0)
        {
            output.WriteLine(Header);
            return;
        }
        using var writer = Sep.New(',').Writer(o => o with { Escape = true }).To(output);
        foreach (var m in result.Meters)
        {
            using var row = writer.NewRow();
            row["rank"].Format(m.Rank);
            row["meter_id"].Set(m.MeterId);
            row["score"].Format(m.Score);
            row["verdict"].Set(m.Verdict);
            row["customer_class"].Set(m.CustomerClass ?? "");
            row["region"].Set(m.Region ?? "");
            row["feeder_id"].Set(m.FeederId ?? "");
            row["onset"].Set(m.Onset?.ToString("yyyy-MM-dd") ?? "");
            row["mining_kw"].Set(m.MiningKw?.ToString("0.##") ?? "");
            row["implied_miners_low"].Set(m.ImpliedMiners?.Low.ToString() ?? "");
            row["implied_miners_high"].Set(m.ImpliedMiners?.High.ToString() ?? "");
            row["energy_since_onset_kwh"].Set(m.EnergySinceOnsetKwh?.ToString("0") ?? "");
            row["co2_since_onset_tonnes"].Set(m.Co2SinceOnsetTonnes?.ToString("0.##") ?? "");
            row["emission_factor_g_per_kwh"].Set(m.EmissionFactorGPerKwh?.ToString("0.##") ?? "");
            row["owed_currency"].Set(m.Owed?.Currency ?? "");
            row["owed_at_tariff"].Set(m.Owed?.AtTariff?.ToString("0.##") ?? "");
            row["owed_surcharge"].Set(m.Owed?.Surcharge?.ToString("0.##") ?? "");
            row["owed_total"].Set(m.Owed?.Total.ToString("0.##") ?? "");
            row["evidence"].Set(string.Join(" | ", m.Evidence.Select(e => $"{e.Detector} ({e.Strength:0.00}): {e.Detail}")));
        }
    }
}
