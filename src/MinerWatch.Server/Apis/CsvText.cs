namespace MinerWatch.Server.Apis;

internal static class CsvText
{
    /// <summary>A value as a CSV field: quoted when needed, and never read as a formula by a spreadsheet.</summary>
    public static string Field(string v)
    {
        // The characters a spreadsheet starts a formula with, tab and carriage return included.
        if (v.Length > 0 && v[0] is '=' or '+' or '-' or '@' or '\t' or '\r') v = "'" + v;
        return v.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;
    }
}
