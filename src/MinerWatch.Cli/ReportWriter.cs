using MinerWatch.Grid.Report;
using MinerWatch.Grid.Scan;

namespace MinerWatch.Cli;

public static class ReportWriter
{
    public static void Write(ScanRequest request, ScanResult result, string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
        HtmlReport.WriteFile(path, request, result, $"MinerWatch scan of {Path.GetFileName(request.Readings)}");
    }
}
