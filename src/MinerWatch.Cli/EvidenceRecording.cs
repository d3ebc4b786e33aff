using System.CommandLine;
using MinerWatch.Evidence.Log;

namespace MinerWatch.Cli;

/// <summary>`--record LOG --record-key KEY` on the scans: the input files' records and the result, appended to an evidence log in one batch.</summary>
public sealed class EvidenceRecording
{
    private readonly Option<string?> _log = new("--record") { Description = "Also append the input files' records and the result (as JSON) to this evidence log (with --record-key)" };
    private readonly Option<FileInfo> _key = new("--record-key") { Description = "The evidence log's signing key, for --record" };

    /// <summary>Adds both options to <paramref name="command"/>, and refuses one without the other before anything runs.</summary>
    public EvidenceRecording(Command command)
    {
        _key.AcceptExistingOnly();
        command.Options.Add(_log);
        command.Options.Add(_key);
        command.Validators.Add(result =>
        {
            var log = result.GetResult(_log) is not null;
            var key = result.GetResult(_key) is not null;
            if (log != key) result.AddError(log ? "--record needs --record-key, the log's signing key" : "--record-key is only used with --record");
        });
    }

    public bool Requested(ParseResult parse) => parse.GetValue(_log) is not null;

    public void Record(ParseResult parse, IEnumerable<string> inputs, string command, Func<string> resultJson, CliConsole console)
    {
        if (parse.GetValue(_log) is not { } logDir) return;
        using var log = EvidenceLog.OpenWriter(logDir, parse.GetValue(_key)!.FullName);
        var now = DateTimeOffset.UtcNow;
        var files = inputs.ToList();
        var leaves = files.Select(f => EvidenceRecord.For(f, now, null, Environment.UserName).Canonical()).ToList();
        // The result itself is an entry too, verbatim, so its exact bytes can be proven later.
        leaves.Add(System.Text.Encoding.UTF8.GetBytes(resultJson()));
        var indices = log.Append(leaves);
        var inputsText = files.Count == 0 ? "" : $"{files.Count} input file record{(files.Count == 1 ? "" : "s")} (entries {indices[0]}-{indices[files.Count - 1]}) and ";
        console.Error.WriteLine($"recorded in {logDir}: {inputsText}the {command} result (entry {indices[^1]}); checkpoint size {log.Size}");
    }
}
