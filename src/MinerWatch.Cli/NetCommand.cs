using System.CommandLine;
using System.Globalization;
using System.Net;
using MinerWatch.Network.Capture;
using MinerWatch.Network.Detection;
using MinerWatch.Network.Live;
using MinerWatch.Network.Pools;
using Spectre.Console;

namespace MinerWatch.Cli;

/// <summary>`minerwatch net scan`: hosts that mine, from packet captures.</summary>
public static class NetCommand
{
    public static Command Create(CliConsole console)
    {
        var files = new Argument<string[]>("FILE") { Description = "Captures (pcap, pcapng) or sensor logs (Zeek conn/dns/ssl in TSV or JSON, Suricata eve.json), told by their content; - reads standard input, and pipes work", Arity = ArgumentArity.OneOrMore };
        var pools = CommonOptions.ExistingFile("--pools", "More pool domains or IP:port endpoints, one a line (added to the bundled lists)", required: false);
        var internalRanges = new Option<string[]>("--internal") { Description = "Report only mining hosts in this CIDR range (e.g. 10.0.0.0/8); repeat the option for more" };
        var eve = new Option<FileInfo?>("--eve") { Description = "Also write the findings as Suricata eve.json alert lines to this file (for a SOC's existing pipeline)" };
        var format = CommonOptions.Format();
        var output = CommonOptions.Out();
        var scan = new Command("scan", "Find hosts that mine in packet captures and IDS logs: which pool, which wallet and worker, since when, at what hash rate")
        {
            files, pools, internalRanges, eve, format, output,
        };
        var recording = new EvidenceRecording(scan);
        scan.SetAction(parse =>
        {
            var ranges = (parse.GetValue(internalRanges) ?? []).Select(ParseRange).ToList();
            var paths = parse.GetRequiredValue(files);
            var recorded = recording.Requested(parse);
            foreach (var path in paths)
                if (path != "-" && !File.Exists(path))
                    throw new UsageException($"{path}: no such file (give capture or log files, or - to read standard input)");
            if (paths.Count(p => p == "-") > 1) throw new UsageException("- (standard input) is given more than once: it can be read only once");
            // One file named twice (or through a link) would count every share twice; a pipe named twice would wait forever.
            var named = paths.Where(p => p != "-").Select(FileName.Of).ToList();
            for (var i = 0; i < named.Count; i++)
                for (var j = 0; j < i; j++)
                    if (named[i].SameAs(named[j]))
                        throw new UsageException($"{named[i].Path} is the same file as {named[j].Path}: each input is read once; give it once");
            var list = PoolList.Bundled();
            if (parse.GetValue(pools) is { } extra)
            {
                using var reader = new StreamReader(extra.FullName);
                try
                {
                    list.AddLines(reader, extra.ToString());
                }
                catch (NetworkInputException e)
                {
                    throw new UsageException($"--pools {e.Message}");
                }
            }
            var scanner = new NetworkScanner(list);
            foreach (var path in paths)
            {
                // Each input is read once, front to back: a pipe or standard input cannot be opened twice.
                using var stream = path == "-" ? Console.OpenStandardInput() : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
                if (recorded && !stream.CanSeek)
                    throw new UsageException($"{(path == "-" ? "- (standard input)" : path)}: --record keeps each input's SHA-256 and needs to read it again, which a pipe does not allow: save it to a file first");
                try
                {
                    scanner.AddStream(stream, path);
                }
                catch (NetworkInputException e)
                {
                    throw new UsageException(e.Message);
                }
            }
            var result = scanner.Result();
            var findings = ranges.Count == 0 ? result.Findings
                : [.. result.Findings.Where(f => IPAddress.TryParse(f.Host, out var ip) && ranges.Any(r => r.Contains(ip)))];
            if (parse.GetValue(eve) is { } eveFile)
            {
                using var eveWriter = CommonOptions.OpenOutput(eveFile, console);
                EveOutput.Write(findings, eveWriter);
            }
            using (var writer = CommonOptions.OpenOutput(parse.GetValue(output), console))
                Render(findings, result.Summary, result.NodeTraffic, parse.GetValue(format), writer);
            recording.Record(parse, paths.Select(Path.GetFullPath), "net scan", () =>
            {
                using var json = new StringWriter();
                Render(findings, result.Summary, result.NodeTraffic, OutputFormat.Json, json);
                return json.ToString();
            }, console);
            return Cli.Ok;
        });
        return new Command("net", "Network analytics: mining hosts in packet captures and IDS logs") { scan, Live(console) };
    }

    private static Command Live(CliConsole console)
    {
        var device = new Option<string>("--interface") { Description = "The network interface to capture on (e.g. eth0; needs root or CAP_NET_RAW and libpcap)", Required = true };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: run until interrupted)" };
        var internalRanges = new Option<string[]>("--internal") { Description = "Report only mining hosts in this CIDR range; repeat the option for more" };
        var eve = new Option<FileInfo?>("--eve") { Description = "Also append each finding as a Suricata eve.json alert line to this file" };
        var format = CommonOptions.Format();
        var command = new Command("live", "Watch an interface and print each mining finding as it appears (and again when its confidence or shares change)")
        {
            device, duration, internalRanges, eve, format,
        };
        command.SetAction(parse =>
        {
            var ranges = (parse.GetValue(internalRanges) ?? []).Select(ParseRange).ToList();
            var seconds = parse.GetValue(duration);
            if (seconds is { } given && !(double.IsFinite(given) && given > 0 && given <= MaxDurationSeconds))
                throw new UsageException($"--duration {given.ToString("R", CultureInfo.InvariantCulture)}: give more than 0 and at most {MaxDurationSeconds} seconds (49.7 days), or leave it out to run until interrupted");
            using var stop = new CancellationTokenSource();
            if (seconds is { } s) stop.CancelAfter(TimeSpan.FromSeconds(s));
            ConsoleCancelEventHandler interrupt = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += interrupt;
            // The alert file is opened for appending before capture starts: a path that cannot be written is said
            // at once, not after the first finding.
            if (parse.GetValue(eve) is { } alerts)
            {
                if (Directory.Exists(alerts.FullName)) throw new UsageException($"--eve {alerts.FullName} is a directory; give a file to append alerts to");
                File.AppendText(alerts.FullName).Dispose();
            }
            try
            {
                LiveCapture live;
                try
                {
                    live = LiveCapture.Start(parse.GetRequiredValue(device), new NetworkScanner());
                }
                catch (NetworkInputException e)
                {
                    throw new UsageException(e.Message);
                }
                using (live)
                {
                    var output = parse.GetValue(format);
                    var eveFile = parse.GetValue(eve);
                    if (output == OutputFormat.Csv) console.Out.WriteLine(FindingsOutput.CsvHeader);
                    while (!stop.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(1)))
                        Print(live.Changes());
                    Print(live.Changes());
                    var result = live.Result();
                    console.Error.WriteLine($"stopped: {result.Summary.Packets:N0} packets, {result.Summary.Flows:N0} TCP flows, {result.Findings.Count} findings");

                    void Print(IReadOnlyList<NetworkFinding> changes)
                    {
                        var shown = ranges.Count == 0 ? changes
                            : [.. changes.Where(f => IPAddress.TryParse(f.Host, out var ip) && ranges.Any(r => r.Contains(ip)))];
                        foreach (var f in shown)
                        {
                            console.Out.WriteLine(output switch
                            {
                                OutputFormat.Json => FindingsOutput.JsonLine(f),
                                OutputFormat.Csv => FindingsOutput.CsvRow(f),
                                _ => $"{f.LastSeen:yyyy-MM-dd HH:mm:ss} {f.Host} -> {f.Peer} {f.Protocol} {f.Confidence}"
                                    + (f.Pool is not null ? $" pool {f.Pool}" : "") + (f.Wallet is not null ? $" wallet {f.Wallet}" : "")
                                    + (f.Worker is not null ? $" worker {f.Worker}" : "") + $" shares {f.SharesSubmitted}",
                            });
                        }
                        console.Out.Flush();
                        if (eveFile is not null && shown.Count > 0)
                        {
                            using var writer = File.AppendText(eveFile.FullName);
                            EveOutput.Write(shown, writer);
                        }
                    }
                }
            }
            finally
            {
                Console.CancelKeyPress -= interrupt;
            }
            return Cli.Ok;
        });
        return command;
    }

    /// <summary>The longest a timer can wait (2^32 - 2 milliseconds), in whole seconds; a longer capture runs until interrupted.</summary>
    private const int MaxDurationSeconds = 4_294_967;

    private static IPNetwork ParseRange(string text)
    {
        if (!IPNetwork.TryParse(text, out var network)) throw new UsageException($"--internal {text}: not a CIDR range such as 10.0.0.0/8");
        // As with pool addresses: 010 is octal to some tools and decimal to others, so it is not taken.
        if (network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            && text.Split('/')[0].Split('.').Any(octet => octet.Length > 1 && octet[0] == '0'))
            throw new UsageException($"--internal {text}: an address number with a leading zero (octal to some tools, decimal to others); write it without");
        return network;
    }

    public static void Render(IReadOnlyList<NetworkFinding> findings, NetworkSummary summary, IReadOnlyList<NodeTraffic> nodes, OutputFormat format, TextWriter writer)
    {
        switch (format)
        {
            case OutputFormat.Json:
                writer.WriteLine(FindingsOutput.Json(findings, summary, nodes));
                return;
            case OutputFormat.Csv:
                writer.WriteLine(FindingsOutput.CsvHeader);
                foreach (var f in findings) writer.WriteLine(FindingsOutput.CsvRow(f));
                return;
            default:
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
                console.Profile.Width = 200;
                foreach (var host in findings.GroupBy(f => f.Host))
                {
                    var table = new Table().Title($"host {Markup.Escape(host.Key)}");
                    foreach (var c in new[] { "pool endpoint", "protocol", "pool", "worker", "wallet", "algorithm", "first seen", "last seen", "shares", "hash rate", "kW" }) table.AddColumn(c);
                    foreach (var f in host)
                        table.AddRow(Markup.Escape(f.Peer), f.Protocol, Markup.Escape(f.Pool ?? ""), Markup.Escape(f.Worker ?? ""), Markup.Escape(f.Wallet ?? ""),
                            Markup.Escape(f.Algorithm ?? ""), f.FirstSeen.ToString("yyyy-MM-dd HH:mm:ss"), f.LastSeen.ToString("yyyy-MM-dd HH:mm:ss"),
                            f.SharesSubmitted.ToString(), f.EstHashrateHs is { } h ? NetworkScanner.RateText(f.Algorithm, h) : "", f.EstPowerKw?.ToString("0.###") ?? "");
                    console.Write(table);
                }
                writer.WriteLine($"{findings.Count} findings on {findings.Select(f => f.Host).Distinct().Count()} hosts; read {summary.Files} files, {summary.Packets:N0} packets, "
                    + $"{summary.Bytes:N0} bytes, {summary.Flows:N0} TCP flows; {summary.Malformed} malformed records or packets skipped"
                    + (summary.NotDecoded > 0 ? $", {summary.NotDecoded:N0} packets of link types not decoded" : "")
                    + (summary.MalformedMessages > 0 ? $", {summary.MalformedMessages} malformed mining messages skipped" : "")
                    + (summary.LogLines > 0 ? $", {summary.LogLines:N0} sensor log lines" : "")
                    + (summary.Problems.Count > 0 ? $" ({string.Join("; ", summary.Problems)})" : ""));
                if (nodes.Count > 0)
                    writer.WriteLine($"node traffic, not mining: {string.Join(", ", nodes.GroupBy(n => n.Network).Select(g => $"{g.Count()} {g.Key} connections"))} (listed in --format json)");
                return;
        }
    }
}
