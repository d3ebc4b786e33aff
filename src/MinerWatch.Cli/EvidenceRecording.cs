using MinerWatch.Evidence.Log;

namespace MinerWatch.Cli;

/// <summary>`--record LOG` on the scans: the input files' records and the result, appended to an evidence log in one batch.</summary>
public static class EvidenceRecording
{
    public static void Record(string logDir, IEnumerable<string> inputs, string command, string resultJson, CliConsole console)
    {
        var log = EvidenceLog.Open(logDir);
        var now = DateTimeOffset.UtcNow;
        var files = inputs.ToList();
        var leaves = files.Select(f => EvidenceRecord.For(f, now, null, Environment.UserName).Canonical()).ToList();
        // The result itself is an entry too, verbatim, so its exact bytes can be proven later.
        leaves.Add(System.Text.Encoding.UTF8.GetBytes(resultJson));
        var indices = log.Append(leaves);
        var inputsText = files.Count == 0 ? "" : $"{files.Count} input file record{(files.Count == 1 ? "" : "s")} (entries {indices[0]}-{indices[files.Count - 1]}) and ";
        console.Error.WriteLine($"recorded in {logDir}: {inputsText}the {command} result (entry {indices[^1]}); checkpoint size {log.Size}");
    }
}
