namespace MinerWatch.Server.Apis;

internal static class CsvText
{
    /// <summary>A value as a CSV field: quoted when needed, and never read as a formula by a spreadsheet.</summary>
    public static string Field(string v)
    {
        if (v.Length > 0 && v[0] is '=' or '+' or '-' or '@') v = "'" + v;
        return v.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;
    }
}
